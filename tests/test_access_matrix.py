"""Role × endpoint matrix (ASVS 4.1.1/4.1.3/4.1.5, SECURITY.md "Access control").

Walks the whole `app.url_map` (pages and API) for a user of every role of the test college
and for an anonymous visitor, and checks each endpoint against the declared table
(app/security/access.py via app/security/matrix.py). An endpoint or view missing from the table
fails."""
import re

import pytest

from app.security.matrix import endpoint_rules, expected_allowed, problems
from tests.fast_hashing import fast_password_hashing  # noqa: F401

# One account per role of SPEC §1 (deputy also has Administration, curators also teach).
USERS = ["it", "director", "deputy", "teacher1", "curator1", "student1", "parent1", "admin",
         None]
# An allowed page is rendered once, by the first user above the table allows on it (rendering
# every list page for every role would cost minutes); every denial is checked for every user.
RENDERED = set()
# Endpoints a GET probe must not touch: they end or change the caller's session.
NOT_PROBED = {"AuthDBView.logout", "LocaleView.index"}
# Allowed to a role and then decided by the row: the mentors' accounts open for a teacher who
# supervises a practice only (tests/test_practice_pages.py), so a teacher probing first may
# be refused there whatever order the parametrized users run in.
ROW_DECIDED = {"PracticeView.accounts"}
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
        allowed = expected_allowed(rule, roles)
        if allowed and rule.endpoint in RENDERED:
            continue
        response = client.get(url)
        if allowed:
            RENDERED.add(rule.endpoint)
        if response.status_code >= 500:
            wrong.append(f"{url}: {response.status_code}")
        elif not allowed and not _denied(response):
            wrong.append(f"{url}: {response.status_code}, the table denies {roles or 'anonymous'}")
        elif allowed and "<" not in rule.url and _denied(response) \
                and rule.endpoint not in ROW_DECIDED:
            wrong.append(f"{url}: denied, the table allows {roles}")
    assert wrong == []


@pytest.mark.parametrize("username", USERS, ids=[u or "anonymous" for u in USERS])
def test_role_matrix_writes_refused(app, college, login, username):
    """POST/PUT/DELETE every write-only endpoint the table denies: refused before anything
    runs (endpoints that also answer GET pass the same check, probed in the read test)."""
    client = _client(app, login, username)
    roles = _roles(college, username)
    wrong = []
    for rule in endpoint_rules(app):
        if rule.kind != "protected" or expected_allowed(rule, roles) or "GET" in rule.methods:
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
    from app.security.matrix import granted
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


# --- row-level probes: a user of each role asks for another user's rows (ASVS 4.2.1) -------

def _refused(response) -> bool:
    return response.status_code in (403, 404) or _denied(response)


def _probes(c, message_id):
    """(who, method, url, allowed) — each refused probe has an allowed twin for its owner."""
    a_op, b_op = c.journal_a_op.id, c.journal_b_op.id
    s1, s2, s3 = c.student1.id, c.student2.id, c.student3.id
    ga, gb = c.group_a.id, c.group_b.id
    rows = []
    # journals: grid (page and API), exports, writes
    for path in ("/api/v1/journals/{}/grid", "/journal/{}/", "/journal/{}/xlsx/",
                 "/journal/{}/print/", "/api/v1/journals/{}/topics"):
        rows += [("teacher1", "GET", path.format(a_op), True),
                 ("teacher1", "GET", path.format(b_op), False),
                 ("curator1", "GET", path.format(b_op), False),
                 ("student1", "GET", path.format(b_op), False),
                 ("parent1", "GET", path.format(a_op), False)]
    for who in ("teacher1", "curator1", "student1", "parent1"):
        rows.append((who, "PUT", f"/api/v1/journals/{b_op}/marks", False))
        rows.append((who, "POST", f"/api/v1/journals/{b_op}/lessons", False))
        rows.append((who, "PUT", f"/api/v1/journals/{b_op}/final-grades", False))
    # students: record (page, API, export)
    for path in ("/api/v1/students/{}/record", "/portal/student/{}",
                 "/portal/student/{}/record.xlsx"):
        rows += [("student1", "GET", path.format(s1), True),
                 ("student1", "GET", path.format(s2), False),
                 ("student1", "GET", path.format(s3), False),
                 ("parent1", "GET", path.format(s1), True),
                 ("parent1", "GET", path.format(s2), False),
                 ("parent1", "GET", path.format(s3), False),
                 ("curator1", "GET", path.format(s1), True),
                 ("curator1", "GET", path.format(s3), False),
                 ("teacher1", "GET", path.format(s3), False)]
    # reports of a curator's group
    for path in ("/weekly/{}", "/weekly/{}/print"):
        rows += [("curator1", "GET", path.format(ga), True),
                 ("curator1", "GET", path.format(gb), False),
                 ("teacher1", "GET", path.format(ga), False),
                 ("student1", "GET", path.format(ga), False)]
    rows.append(("curator1", "POST", f"/weekly/{gb}/send", False))
    # messages: only the sender and the recipient read them
    if message_id is not None:
        rows += [("curator1", "GET", f"/messages/{message_id}", True),
                 ("parent1", "GET", f"/messages/{message_id}", True),
                 ("parent3", "GET", f"/messages/{message_id}", False),
                 ("curator2", "GET", f"/messages/{message_id}", False),
                 ("student1", "GET", f"/messages/{message_id}", False),
                 ("teacher2", "GET", f"/messages/{message_id}", False)]
    return rows


def _route_exists(app, method, url) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(url, method=method)
        return True
    except Exception:
        return False


# Endpoints the row-level probes must find: a renamed or removed one fails here.
PROBED_PATHS = ["/api/v1/journals/1/grid", "/journal/1/", "/journal/1/xlsx/",
                "/journal/1/print/", "/api/v1/students/1/record", "/portal/student/1",
                "/portal/student/1/record.xlsx", "/weekly/1", "/weekly/1/print",
                "/messages/1"]


def test_probed_endpoints_exist(app):
    assert [p for p in PROBED_PATHS if not _route_exists(app, "GET", p)] == []


def test_row_level_probes(app, college, login, db):
    from app.models import Message
    sender = login("parent1")
    sender.post("/messages/new", data={"recipient_id": str(college.curator1.id),
                                       "subject": "Вопрос", "body": "Текст"})
    message = db.session.query(Message).first()
    clients, wrong = {}, []
    for who, method, url, allowed in _probes(college, message.id if message else None):
        if not _route_exists(app, method, url):
            wrong.append(f"{method} {url}: no such endpoint")
            continue
        client = clients.setdefault(who, login(who))
        response = client.open(url, method=method, json={} if method != "GET" else None)
        if response.status_code >= 500:
            wrong.append(f"{who} {method} {url}: {response.status_code}")
        elif allowed and response.status_code != 200:
            wrong.append(f"{who} {method} {url}: {response.status_code}, expected 200")
        elif not allowed and not _refused(response):
            wrong.append(f"{who} {method} {url}: {response.status_code}, expected refusal")
    assert message is not None, "parent1 could not write to the curator"
    assert wrong == []
