"""Role × endpoint matrix (ASVS 4.1.1/4.1.3/4.1.5, SECURITY.md "Access control").

Walks the whole `app.url_map` (pages and API) for a user of every role of the test college
and for an anonymous visitor, and checks each endpoint against the declared table
(app/access.py via app/access_matrix.py). An endpoint or view missing from the table fails.
"""
import re

import pytest

from app.access_matrix import endpoint_rules, expected_allowed, problems
from tests.fast_hashing import fast_password_hashing  # noqa: F401

# One account per role of SPEC §1 (deputy also has Administration, curators also teach).
USERS = ["admin", "it", "director", "deputy", "teacher1", "curator1", "student1", "parent1",
         None]
# Endpoints a GET probe must not touch: they end or change the caller's session.
NOT_PROBED = {"AuthDBView.logout", "LocaleView.index"}
MISSING_ID = 987654321
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _url(rule_url: str) -> str:
    """Fill URL arguments with values that name no row: the permission check comes first."""
    def value(match):
        if match.group(2) == "filename":
            return "x.csv"
        return str(MISSING_ID)  # ids, and strings too: some FAB views parse them as numbers
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule_url)


def _denied(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _client(app, login, username):
    return login(username) if username else app.test_client()


def _roles(college, username):
    if username is None:
        return []
    return [r.name for r in college.users[username].roles]


def test_every_endpoint_is_in_the_table(app):
    """A new endpoint without a FAB permission, or a view nobody declared, fails here."""
    assert problems(app) == []


def test_matrix_covers_views_and_api(app):
    rules = endpoint_rules(app)
    assert len(rules) > 100
    assert any(r.url.startswith("/api/v1/") for r in rules)
    assert all(r.kind != "unknown" for r in rules)


@pytest.mark.parametrize("username", USERS, ids=[u or "anonymous" for u in USERS])
def test_role_matrix_reads(app, college, login, username):
    """GET every endpoint: denied exactly where the table denies, never a server error."""
    client = _client(app, login, username)
    roles = _roles(college, username)
    wrong = []
    for rule in endpoint_rules(app):
        if "GET" not in rule.methods or rule.endpoint in NOT_PROBED or rule.kind == "inline":
            continue
        url = _url(rule.url)
        response = client.get(url)
        allowed = expected_allowed(rule, roles)
        if response.status_code >= 500:
            wrong.append(f"{url}: {response.status_code}")
        elif not allowed and not _denied(response):
            wrong.append(f"{url}: {response.status_code}, the table denies {roles or 'anonymous'}")
        elif allowed and "<" not in rule.url and _denied(response):
            wrong.append(f"{url}: denied, the table allows {roles}")
    assert wrong == []


@pytest.mark.parametrize("username", USERS, ids=[u or "anonymous" for u in USERS])
def test_role_matrix_writes_refused(app, college, login, username):
    """POST/PUT/DELETE every write endpoint the table denies: refused before anything runs."""
    client = _client(app, login, username)
    roles = _roles(college, username)
    wrong = []
    for rule in endpoint_rules(app):
        if rule.kind != "protected" or expected_allowed(rule, roles):
            continue
        url = _url(rule.url)
        for method in sorted(set(WRITE_METHODS) & rule.methods):
            response = client.open(url, method=method, json={}, data=None)
            if not _denied(response):
                wrong.append(f"{method} {url}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("username", ["it", "director", "teacher1", "student1", "parent1"])
def test_inline_actions_need_their_permission(app, college, login, username):
    """Model-view actions (FAB checks the action's own permission) refuse other roles."""
    from app.access_matrix import granted
    client = login(username)
    roles = _roles(college, username)
    wrong = []
    for view in app.appbuilder.baseviews:
        for name in getattr(view, "actions", {}) or {}:
            if granted(view.class_permission_name, name, roles):
                continue
            url = f"{view.route_base}/action/{name}/{MISSING_ID}"
            response = client.post(url)
            if response.status_code not in (302, 403, 404, 405):
                wrong.append(f"{url}: {response.status_code}")
    assert wrong == []


def test_anonymous_api_gets_json_401(app, college):
    client = app.test_client()
    for rule in endpoint_rules(app):
        if rule.kind == "protected" and rule.url.startswith("/api/") and "GET" in rule.methods:
            response = client.get(_url(rule.url))
            assert response.status_code == 401, rule.url
            assert response.is_json, rule.url
