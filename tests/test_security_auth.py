"""Authentication hardening (SECURITY.md "Authentication and sessions", ASVS 2.1/2.2/3.2-3.4).

The login limit is off in the test app: it is tested with the limit on in
tests/test_login_limit.py and against real servers in tests/test_security_ratelimit.py.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest

from app.models import AccountState
from app.security.passwords import password_problems, password_validator
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401


def _login(client, username, password, **kwargs):
    return client.post("/login/", data={"username": username, "password": password},
                       **kwargs)


def _flash(client, username, password) -> str:
    page = _login(client, username, password, follow_redirects=True).get_data(as_text=True)
    found = re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>|&times;|\s+", " ", f).strip() for f in found)


def _logged_in(client) -> bool:
    return client.get("/users/userinfo/").status_code == 200


def test_login_works(app, college):
    client = app.test_client()
    assert _login(client, "teacher1", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_no_user_enumeration_in_login_form(app, college):
    """CVE-2021-29621: the same answer for an unknown user, a wrong password, a locked user."""
    unknown = _flash(app.test_client(), "nobody-here", PASSWORD)
    wrong = _flash(app.test_client(), "teacher1", "Wrong-Passw0rd")
    assert unknown and unknown == wrong
    state = AccountState(user_id=college.teacher2.id, must_change_password=False,
                         locked_until=(datetime.now(timezone.utc) + timedelta(minutes=5))
                         .isoformat())
    from app.extensions import db
    db.session.add(state)
    db.session.commit()
    assert _flash(app.test_client(), "teacher2", PASSWORD) == unknown


def test_no_user_enumeration_in_api_login(app, college):
    client = app.test_client()
    answers = []
    for username, password in (("nobody-here", PASSWORD), ("teacher1", "Wrong-Passw0rd")):
        r = client.post("/api/v1/security/login",
                        json={"username": username, "password": password, "provider": "db"})
        answers.append((r.status_code, r.get_json()))
    assert answers[0] == answers[1] and answers[0][0] == 401


@pytest.mark.parametrize("password", ["", "\x00", "\x00\x00"])
def test_empty_or_null_password_never_authenticates(app, college, password):
    assert not app.appbuilder.sm.auth_user_db("teacher1", password)
    assert not _logged_in(app.test_client())


def test_temporary_lock_is_honoured_by_both_doors(app, college, db):
    """FSTEC УПД.6: the account's temporary lock (kept by the login limit when failures from
    every address make the account wait, tests/test_login_limit.py) refuses even the right
    password on the form and the API, by name or e-mail; it ends by itself."""
    state = AccountState(user_id=college.teacher1.id, must_change_password=False,
                         locked_until=(datetime.now(timezone.utc) + timedelta(seconds=60))
                         .isoformat())
    db.session.merge(state)
    db.session.commit()
    client = app.test_client()
    _login(client, "teacher1", PASSWORD)
    assert not _logged_in(client)
    r = client.post("/api/v1/security/login",
                    json={"username": "teacher1", "password": PASSWORD, "provider": "db"})
    assert r.status_code == 401
    assert not app.appbuilder.sm.auth_user_db("teacher1@college.test", PASSWORD)
    state = db.session.get(AccountState, college.teacher1.id)
    state.locked_until = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    db.session.commit()
    _login(client, "teacher1", PASSWORD)
    assert _logged_in(client)


def test_wrong_passwords_alone_never_lock_for_long(app, college, db):
    """Issue 23, finding 4: five wrong passwords no longer lock the account for 15 minutes
    (anyone could lock a known account); the waits of the login limit replace the lock."""
    client = app.test_client()
    for _ in range(12):
        _login(client, "teacher1", "Wrong-Passw0rd")
    state = db.session.get(AccountState, college.teacher1.id)
    assert state is None or not state.locked_until
    _login(client, "teacher1", PASSWORD)
    assert _logged_in(client)


def test_failed_logins_are_audited(app, college, db):
    from app.models import AuditLog
    _login(app.test_client(), "teacher1", "Wrong-Passw0rd")
    _login(app.test_client(), "nobody-here", "Wrong-Passw0rd")
    actions = [a.action for a in db.session.query(AuditLog)]
    assert actions.count("login_failed") == 2
    assert not any(PASSWORD in str(a.details) or "Wrong-Passw0rd" in str(a.details)
                   for a in db.session.query(AuditLog))


# --- password policy (ASVS 2.1) ----------------------------------------------------------

@pytest.mark.parametrize("password, rule", [
    ("Short1a", "не короче"), ("alllowercase1", "заглавная"), ("ALLUPPERCASE1", "строчная"),
    ("NoDigitsHere", "цифра"), ("", "не короче"), ("Пароль-без-цифр", "цифра"),
])
def test_weak_passwords_refused(password, rule):
    assert any(rule in p for p in password_problems(password))
    with pytest.raises(Exception, match="Пароль слишком простой"):
        password_validator(password)


@pytest.mark.parametrize("password", [PASSWORD, "Журнал-2026-ок", "Correct-Horse-9"])
def test_strong_passwords_accepted(password):
    assert password_problems(password) == []
    password_validator(password)


@pytest.mark.parametrize("password", [
    "Aaaaaaaaa1", "Password123", "P@ssw0rd2026", "Qwerty2026!x", "Ab1Ab1Ab1Ab1",
    "Йцукен-2026-Я", "Xy-12345-long", "Zzzz-Parol-77", "Iloveyou-2026", "Пароль-2026!"])
def test_common_and_patterned_passwords_refused(password):
    """Finding 10 of issue 11: `Aaaaaaaaa1` passed; ASVS 2.1.7."""
    assert any("распространённых" in p for p in password_problems(password)), password
    with pytest.raises(Exception, match="Пароль слишком простой"):
        password_validator(password)


def test_password_with_login_or_name_refused():
    names = ("Анна", "Петрова", "a.petrova")
    assert any("без логина" in p for p in password_problems("Teacher1-Strong-9",
                                                              username="teacher1"))
    assert any("без логина" in p for p in password_problems("TEACHER1-strong-9",
                                                              username="Teacher1"))
    for password in ("Petrova-Strong-9", "Петрова-Вечер-9", "Strong-Anna-9z"):
        assert any("без имени" in p for p in password_problems(password, names=names)), password
    assert password_problems("Lunnyi-Svet-2031", username="teacher1", names=names) == []
    assert password_problems("Lunnyi-Svet-2031", username="it", names=("Ян",)) == []


def test_previous_password_refused():
    from werkzeug.security import generate_password_hash
    previous = [generate_password_hash("Lunnyi-Svet-2031", method="pbkdf2:sha256:1000"),
                generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"), None, "x$y"]
    for password in ("Lunnyi-Svet-2031", PASSWORD):
        assert any("предыдущим" in p for p in password_problems(password, previous=previous))
    assert password_problems("Zvezdnyi-Put-2032", previous=previous) == []


def test_create_admin_applies_the_policy(app, db):
    runner = app.test_cli_runner()
    for password in ("Aaaaaaaaa1", "Root-Admin-2031", "Administrator-77"):
        result = runner.invoke(args=["journal", "create-admin", "--username", "root",
                                     "--password", password])
        assert result.exit_code != 0 and "слишком простой" in result.output, password
    assert app.appbuilder.sm.find_user(username="root") is None


def test_account_form_applies_login_and_name_rules(app, college, login, db):
    from flask_appbuilder.security.sqla.models import Role, User
    role = db.session.query(Role).filter_by(name="Teacher").one()
    client = login("admin")
    for password in ("Novikov-Strong-9", "Vnovikov-Str0ng", "Новиков-Весна-9"):
        client.post("/users/add", data={
            "first_name": "Виктор", "last_name": "Новиков", "username": "vnovikov",
            "email": "vnovikov@college.test", "active": "y", "roles": [str(role.id)],
            "password": password, "conf_password": password})
        db.session.expire_all()
        assert db.session.query(User).filter_by(username="vnovikov").count() == 0, password
    client.post("/users/add", data={
        "first_name": "Виктор", "last_name": "Новиков", "username": "vnovikov",
        "email": "vnovikov@college.test", "active": "y", "roles": [str(role.id)],
        "password": "Lunnyi-Svet-2031", "conf_password": "Lunnyi-Svet-2031"})
    assert db.session.query(User).filter_by(username="vnovikov").count() == 1


def test_password_change_form_enforces_policy(app, college, login):
    client = login("teacher1")
    r = client.post("/resetmypassword/form", data={"password": "simple", "conf_password":
                                                   "simple"}, follow_redirects=True)
    assert "Пароль слишком простой" in r.get_data(as_text=True) or r.status_code == 400
    assert app.appbuilder.sm.auth_user_db("teacher1", PASSWORD)  # unchanged


# --- sessions (ASVS 3.2-3.4) ---------------------------------------------------------------

def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[-1]


def test_session_cookie_flags_and_idle_lifetime(app, college):
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(minutes=30)
    r = _login(app.test_client(), "teacher1", PASSWORD)
    cookie = _session_cookie(r)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    left = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(
        tzinfo=timezone.utc) - datetime.now(timezone.utc)
    assert timedelta(minutes=25) < left <= app.config["PERMANENT_SESSION_LIFETIME"]


def test_session_renewed_by_activity(app, college, login):
    client = login("teacher1")
    r = client.get("/users/userinfo/")
    assert "Expires=" in _session_cookie(r)  # every request pushes the idle deadline


def test_secure_cookie_when_configured(app, college):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        cookie = _session_cookie(_login(app.test_client(), "teacher1", PASSWORD))
        assert "Secure" in cookie
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_login_starts_a_new_session(app, college):
    """ASVS 3.2.1: nothing planted in the session before login survives it."""
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["planted"] = "by-someone-else"
    _login(client, "teacher1", PASSWORD)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("_user_id")


def test_logout_ends_the_session(app, college, login):
    client = login("teacher1")
    assert _logged_in(client)
    client.post("/logout/")
    assert not _logged_in(client)


def test_logout_by_get_only_asks(app, college, login):
    """Logout ends every session and token of the account: a GET (a link or an image on any
    site) shows a page whose button posts, and logs nobody out; the menu's logout is a form."""
    client = login("teacher1")
    page = client.get("/logout/")
    assert page.status_code == 200 and _logged_in(client)
    html = page.get_data(as_text=True)
    assert re.search(r'<form method="post" action="/logout/"[^>]*>\s*<input type="hidden" '
                     r'name="csrf_token"', html)
    assert "Выход завершит все сеансы" in html and "Выйти</button>" in html
    menu = client.get("/").get_data(as_text=True)
    assert 'href="/logout/"' not in menu
    assert re.search(r'<form method="post" action="/logout/" class="journal-logout">', menu)
    assert client.get("/logout/", follow_redirects=False).status_code == 200
    assert _logged_in(client)


def test_logout_post_needs_the_csrf_token(app, college, login):
    client = login("teacher1")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/logout/").status_code == 400
        assert _logged_in(client)
        html = client.get("/logout/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        r = client.post("/logout/", data={"csrf_token": token})
        assert r.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert not _logged_in(client)


def test_logout_page_of_a_visitor_leads_to_the_login(app, client):
    r = client.get("/logout/")
    assert r.status_code == 302 and "/login/" in r.headers["Location"]


def test_no_default_admin_password(app, college):
    for password in ("admin", "Admin", "password", "123456"):
        assert not app.appbuilder.sm.auth_user_db("admin", password)
