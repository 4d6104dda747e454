"""Sessions that end (SECURITY.md "Authentication and sessions", ASVS 3.3.1/3.3.3; issue 11,
finding 4): logout, a password change or reset, a block and a role change end every session
cookie, access token and refresh token of the account at once; changing one's own password
asks for the current one."""
import pytest
from flask_appbuilder.security.sqla.models import Role

from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401

NEW = "Lunnyi-Svet-2031"


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replayed(app, cookie: str):
    """A fresh client that only has the given session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def _opens_journal(client) -> bool:
    return client.get("/journal/").status_code == 200


def _tokens(app, username="teacher1", password=PASSWORD) -> dict:
    r = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db", "refresh": True})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _token_works(app, tokens) -> bool:
    r = app.test_client().get("/api/v1/journals/", headers={
        "Authorization": f"Bearer {tokens['access_token']}"})
    return r.status_code == 200


def _refresh_works(app, tokens) -> bool:
    r = app.test_client().post("/api/v1/security/refresh", headers={
        "Authorization": f"Bearer {tokens['refresh_token']}"})
    return r.status_code == 200


def _ended(app, cookie, tokens) -> bool:
    return (not _opens_journal(_replayed(app, cookie)) and not _token_works(app, tokens)
            and not _refresh_works(app, tokens))


def test_old_cookie_after_logout_no_longer_opens_the_journal(app, college, login):
    client = login("teacher1")
    other_device = login("teacher1")
    tokens = _tokens(app)
    cookie = _cookie(client)
    assert _opens_journal(_replayed(app, cookie)) and _token_works(app, tokens)
    client.post("/logout/")
    assert _ended(app, cookie, tokens)
    assert not _opens_journal(other_device)  # logout ends every session of the account
    assert _opens_journal(login("teacher1"))  # a new login works


def test_password_change_ends_other_sessions_and_tokens(app, college, login, db):
    client = login("teacher1")
    other = login("teacher1")
    tokens = _tokens(app)
    r = client.post("/resetmypassword/form", data={
        "current_password": PASSWORD, "password": NEW, "conf_password": NEW})
    assert r.status_code == 302
    assert _opens_journal(client)  # the session that changed it goes on
    assert not _opens_journal(other)
    assert not _token_works(app, tokens) and not _refresh_works(app, tokens)
    assert app.appbuilder.sm.auth_user_db("teacher1", NEW)


@pytest.mark.parametrize("current", ["", "Wrong-Passw0rd-1"])
def test_own_password_change_asks_for_the_current_one(app, college, login, current):
    client = login("teacher1")
    r = client.post("/resetmypassword/form", data={
        "current_password": current, "password": NEW, "conf_password": NEW})
    assert r.status_code == 200
    assert app.appbuilder.sm.auth_user_db("teacher1", PASSWORD)
    assert not app.appbuilder.sm.auth_user_db("teacher1", NEW)
    assert _opens_journal(client)


def test_new_password_is_not_the_current_or_previous_one(app, college, login):
    client = login("teacher1")
    page = client.post("/resetmypassword/form", data={
        "current_password": PASSWORD, "password": PASSWORD, "conf_password": PASSWORD})
    assert "не совпадает с текущим или предыдущим" in page.get_data(as_text=True)
    assert client.post("/resetmypassword/form", data={
        "current_password": PASSWORD, "password": NEW, "conf_password": NEW}).status_code == 302
    page = client.post("/resetmypassword/form", data={
        "current_password": NEW, "password": PASSWORD, "conf_password": PASSWORD})
    assert "не совпадает с текущим или предыдущим" in page.get_data(as_text=True)
    assert app.appbuilder.sm.auth_user_db("teacher1", NEW)


def test_own_password_form_applies_login_and_name_rules(app, college, login):
    client = login("teacher1")  # Петрова Анна
    for weak in ("Teacher1-Secret-77", "Petrova-Petrova-8", "Петрова-Весна-2031"):
        page = client.post("/resetmypassword/form", data={
            "current_password": PASSWORD, "password": weak, "conf_password": weak})
        assert page.status_code == 200, weak
    assert app.appbuilder.sm.auth_user_db("teacher1", PASSWORD)


def test_administrator_reset_ends_the_accounts_sessions(app, college, login):
    victim = login("teacher1")
    tokens = _tokens(app)
    cookie = _cookie(victim)
    admin = login("admin")
    r = admin.post(f"/resetpassword/form?pk={college.teacher1.id}",
                   data={"password": NEW, "conf_password": NEW})
    assert r.status_code == 302
    assert _ended(app, cookie, tokens)
    assert _opens_journal(admin)


def test_block_ends_sessions_and_tokens(app, college, login, db):
    client = login("teacher1")
    tokens = _tokens(app)
    cookie = _cookie(client)
    user = db.session.get(type(college.teacher1), college.teacher1.id)
    user.active = False
    db.session.commit()
    user.active = True  # unblocked again: the old sessions stay ended
    db.session.commit()
    assert _ended(app, cookie, tokens)


def test_role_change_ends_sessions_and_tokens(app, college, login, db):
    client = login("curator1")
    tokens = _tokens(app, "curator1")
    cookie = _cookie(client)
    user = db.session.get(type(college.curator1), college.curator1.id)
    user.roles = [db.session.query(Role).filter_by(name="Teacher").one()]
    db.session.commit()
    assert _ended(app, cookie, tokens)
    assert _opens_journal(login("curator1"))


def test_unrelated_account_change_keeps_sessions(app, college, login, db):
    client = login("teacher1")
    tokens = _tokens(app)
    user = db.session.get(type(college.teacher1), college.teacher1.id)
    user.first_name = "Анна-Мария"
    db.session.commit()
    assert _opens_journal(client) and _token_works(app, tokens)
    assert _opens_journal(login("teacher1")) and _opens_journal(client)  # logins add sessions


def test_two_first_logins_at_once_share_one_account_state(app, college, db, monkeypatch):
    """Two first logins of one account race to create its state row: the loser reads the
    winner's row instead of answering 500 (found under parallel clients on SQLite)."""
    from sqlalchemy import insert

    from app.models import AccountState
    sm = app.appbuilder.sm
    user = college.teacher2
    db.session.query(AccountState).filter_by(user_id=user.id).delete()
    db.session.commit()
    with db.engine.begin() as other:  # the other request's committed row
        other.execute(insert(AccountState).values(user_id=user.id, must_change_password=False))
    real_get = sm.session.get
    calls = []

    def stale_get(model, ident, *args, **kwargs):  # this request read before the other wrote
        calls.append(model)
        if model is AccountState and len(calls) == 1:
            return None
        return real_get(model, ident, *args, **kwargs)

    monkeypatch.setattr(sm.session, "get", stale_get)
    state = sm._state(user)
    assert state is not None and state.user_id == user.id
    assert db.session.query(AccountState).filter_by(user_id=user.id).count() == 1
