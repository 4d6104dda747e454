"""Web hardening: headers, caching, open redirects, CSRF, error pages, self-granted roles
(SECURITY.md; FAB advisories CVE-2021-32805, CVE-2023-34110, CVE-2024-45314, CVE-2025-32962,
and FAB issue 2466: API CSRF through csrf_exempt + allow_browser_login, role escalation)."""
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
from flask_appbuilder.api import BaseApi
from sqlalchemy.exc import OperationalError

from app.web import _safe_next, require_csrf_on_session_apis
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401

EVIL = ["//evil.example", "https://evil.example/x", "http://evil.example", "/\\evil.example",
        "\\\\evil.example", "https:evil.example", "///evil.example", "\x01//evil.example",
        "javascript:alert(1)", "//127.0.0.1@evil.example",
        # issue 11, finding 5, and the usual bypasses of host checks
        "http://127.0.0.1:8093@evil.example/", "http://127.0.0.1@evil.example/",
        "http://localhost:80@evil.example", "http://user:pw@127.0.0.1/", "%2F%2Fevil.example",
        "/%2F%2Fevil.example", "%5C%5Cevil.example", "/%5Cevil.example",
        "http://evil.example\\@127.0.0.1", "http://evil.example%5C@127.0.0.1/",
        "/\tevil.example", "/\t/evil.example", "\t//evil.example", "/\n/evil.example",
        "\r\n//evil.example", " //evil.example", "http:/\\evil.example",
        "https:/evil.example", "http:\\\\evil.example", "ftp://127.0.0.1/",
        "data:text/html,x", "JAVASCRIPT:alert(1)", "http://127.0.0.1.evil.example/",
        "http://evil.example#@127.0.0.1", "http://evil.example?@127.0.0.1",
        "http://[::1]@evil.example/", "http://127.0.0.1:99999/", "http://127.0.0.1:x/",
        "//%09/evil.example", "/\u3000/evil.example", "\u2028//evil.example"]
SAFE = ["/journal/", "/users/userinfo/?x=1", "/", "http://127.0.0.1/journal/",
        "http://127.0.0.1:8140/journal/", "https://localhost:8443/x"]


@contextmanager
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _offsite(location: str) -> bool:
    parts = urlparse(location)
    return bool(parts.netloc) and (parts.hostname not in ("localhost", "127.0.0.1")
                                   or "@" in parts.netloc) or "\\" in location


@pytest.mark.parametrize("target", EVIL)
def test_unsafe_next_targets_are_refused(app, target):
    """Decided on the parsed URL: scheme, host, port; no userinfo, "//", backslashes or
    control characters, also percent-encoded."""
    with app.test_request_context("/login/"):
        assert not _safe_next(target), target


@pytest.mark.parametrize("target", SAFE)
def test_portal_next_targets_are_kept(app, target):
    with app.test_request_context("/login/"):
        assert _safe_next(target), target


# --- headers and caching ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["/login/", "/"])
def test_security_headers(client, path):
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                      "base-uri 'self'", "form-action 'self'"):
        assert directive in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_login_page_not_cacheable(client):
    """CVE-2024-45314."""
    assert "no-store" in client.get("/login/").headers["Cache-Control"]


def test_authenticated_pages_not_cacheable(college, login):
    client = login("director")
    for path in ("/", "/users/userinfo/", "/studentview/list/"):
        assert "no-store" in client.get(path).headers["Cache-Control"], path


# --- open redirects (CVE-2021-32805, CVE-2025-32962) ----------------------------------

@pytest.mark.parametrize("target", EVIL)
def test_no_open_redirect_after_login(app, college, target):
    client = app.test_client()
    r = client.post("/login/", query_string={"next": target},
                    data={"username": "teacher1", "password": PASSWORD})
    assert r.status_code in (302, 400)
    assert not _offsite(r.headers.get("Location", "")), r.headers.get("Location")


@pytest.mark.parametrize("target", EVIL)
def test_no_open_redirect_when_logged_in(college, login, target):
    r = login("teacher1").get("/login/", query_string={"next": target})
    assert r.status_code == 302
    assert not _offsite(r.headers["Location"]), r.headers["Location"]


def test_host_header_does_not_redirect_away(app, college):
    client = app.test_client()
    r = client.post("/login/", data={"username": "teacher1", "password": PASSWORD},
                    headers={"Host": "evil.example"})
    assert "evil.example" not in r.headers.get("Location", "")
    r = client.get("/login/", query_string={"next": "http://evil.example/"},
                   headers={"Host": "evil.example"})
    assert "evil.example" not in r.headers.get("Location", "")


def test_local_next_is_kept(app, college):
    r = app.test_client().post("/login/", query_string={"next": "/users/userinfo/"},
                               data={"username": "teacher1", "password": PASSWORD})
    assert r.headers["Location"].endswith("/users/userinfo/")


# --- CSRF ------------------------------------------------------------------------------

def test_login_form_needs_csrf_token(app, college):
    with csrf_on(app):
        r = app.test_client().post("/login/", data={"username": "teacher1",
                                                    "password": PASSWORD})
    assert r.status_code == 400


def test_every_model_form_needs_csrf_token(app, college, login):
    client = login("admin")
    refused = []
    with csrf_on(app):
        for view in app.appbuilder.baseviews:
            if isinstance(view, BaseApi) or not hasattr(view, "add"):
                continue
            r = client.post(f"{view.route_base}/add", data={"name": "x"})
            refused.append((view.route_base, r.status_code))
    assert refused and all(code == 400 for _, code in refused), refused


def test_session_authenticated_apis_check_csrf_on_cookie_requests(app):
    """FAB's BaseApi is csrf_exempt by default; with allow_browser_login a forged
    cross-site request would ride on the session cookie (FAB issue 2466). Every such API is
    checked by the portal's own hook, which tells cookie requests from Bearer ones."""
    checked = app.extensions["journal_cookie_csrf_blueprints"]
    apis = [view for view in app.appbuilder.baseviews
            if isinstance(view, BaseApi) and view.allow_browser_login]
    assert apis and {view.blueprint.name for view in apis} <= checked
    assert {"JournalApi", "StudentRecordApi"} <= set(require_csrf_on_session_apis(app))


def test_cookie_journal_write_without_csrf_token_refused(app, college, login):
    journal = college.journal_a_op
    client = login("admin")
    with csrf_on(app):
        for method, url in (("PUT", f"/api/v1/journals/{journal.id}/marks"),
                            ("POST", f"/api/v1/journals/{journal.id}/lessons"),
                            ("PUT", f"/api/v1/journals/{journal.id}/final-grades")):
            r = client.open(url, method=method, json={"changes": []})
            assert r.status_code == 400, (method, url, r.status_code)
        # a garbage Bearer header does not let a cookie request skip the check
        r = client.put(f"/api/v1/journals/{journal.id}/marks", json={"changes": []},
                       headers={"Authorization": "Bearer x.y.z"})
        assert r.status_code == 401


def test_session_api_write_without_token_refused(app, college, login):
    client = login("admin")
    with csrf_on(app):
        for method, url in (("POST", "/api/v1/security/users/"),
                            ("PUT", f"/api/v1/security/users/{college.teacher1.id}"),
                            ("DELETE", f"/api/v1/security/users/{college.teacher1.id}"),
                            ("POST", "/api/v1/security/roles/")):
            r = client.open(url, method=method, json={"username": "intruder", "roles": [1]})
            assert r.status_code in (400, 403), (method, url, r.status_code)
    from app.extensions import db
    from app.models import User
    assert db.session.query(User).filter_by(username="intruder").count() == 0


def _form_token(client, path) -> str:
    import re
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_api_write_with_token_passes_csrf(app, college, login):
    client = login("admin")
    with csrf_on(app):
        token = _form_token(client, "/roles/add")
        r = client.post("/api/v1/security/roles/", json={"name": "Временная"},
                        headers={"X-CSRFToken": token})
    assert r.status_code == 201, r.get_data(as_text=True)
    role = app.appbuilder.sm.find_role("Временная")  # roles survive between tests: remove
    from app.extensions import db
    db.session.delete(db.session.merge(role))
    db.session.commit()


# --- errors never leak internals (CVE-2023-34110) ---------------------------------------

def test_database_outage_is_a_clear_503(app, college, login, monkeypatch):
    client = login("director")

    def broken(*args, **kwargs):
        raise OperationalError("SELECT secret FROM ab_user", {}, Exception("conn refused"))
    view = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "StudentView")
    monkeypatch.setattr(view.datamodel, "query", broken)
    r = client.get("/studentview/list/")
    body = r.get_data(as_text=True)
    assert r.status_code == 503
    assert "База данных временно недоступна" in body
    assert "SELECT" not in body and "ab_user" not in body


def test_duplicate_record_does_not_show_sql(app, college, login):
    client = login("admin")
    r = client.post("/users/add", data={
        "first_name": "А", "last_name": "Б", "username": "teacher1",
        "email": "teacher1@college.test", "active": "y", "roles": ["1"],
        "password": PASSWORD, "conf_password": PASSWORD}, follow_redirects=True)
    body = r.get_data(as_text=True)
    assert r.status_code < 500
    for leak in ("IntegrityError", "UNIQUE constraint", "duplicate key", "pbkdf2", "scrypt:"):
        assert leak not in body


# --- nobody grants themselves a role ----------------------------------------------------

@pytest.mark.parametrize("username", ["it", "teacher1", "director"])
def test_no_self_granted_admin_role(app, college, login, db, username):
    from flask_appbuilder.security.sqla.models import Role
    client = login(username)
    user = college.users[username]
    admin_role = db.session.query(Role).filter_by(name="Admin").one()
    client.post(f"/users/edit/{user.id}", data={
        "first_name": user.first_name, "last_name": user.last_name, "username": username,
        "email": user.email, "active": "y", "roles": [str(admin_role.id)]})
    client.put(f"/api/v1/security/users/{user.id}", json={"roles": [admin_role.id]})
    client.put(f"/api/v1/security/roles/{admin_role.id}/users", json={"users": [user.id]})
    db.session.expire_all()
    assert "Admin" not in [r.name for r in db.session.get(type(user), user.id).roles]
