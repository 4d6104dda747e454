"""API clients with tokens (SECURITY.md "Authentication and sessions"; issue 11, finding 3):
a plain HTTP client that never sees a page logs in at /api/v1/security/login, reads, writes
with the Bearer token alone (CSRF is for cookie requests only), refreshes; the same row rules
as the pages; every bad token is a 401 with a Russian message."""
import base64
import json
import urllib.error
import urllib.request
from datetime import timedelta

import jwt
import pytest

from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.journal_helpers import GRADING_DAY, TODAY, today  # noqa: F401


class TokenClient:
    """urllib only: no cookies, no pages, no CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.token = None

    def call(self, method: str, path: str, body=None, token: str | None = None,
             authorization: str | None = None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token or self.token:
            headers["Authorization"] = f"Bearer {token or self.token}"
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        return status, json.loads(raw) if raw else None

    def login(self, username: str, password: str = PASSWORD) -> dict:
        status, body = self.call("POST", "/api/v1/security/login", {
            "username": username, "password": password, "provider": "db", "refresh": True})
        assert status == 200, body
        self.token = body["access_token"]
        return body


@pytest.fixture()
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: token writes must not need it
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture()
def api(live_server, csrf_enabled):
    return TokenClient(live_server)


def _russian(body) -> bool:
    return any("а" <= ch <= "я" for ch in (body or {}).get("message", "").lower())


def test_token_client_reads_writes_and_refreshes(api, college, today, db, app):
    tokens = api.login("teacher1")
    journal = college.journal_a_op.id
    status, listed = api.call("GET", "/api/v1/journals/")
    assert status == 200 and journal in [j["id"] for j in listed["result"]]
    status, grid = api.call("GET", f"/api/v1/journals/{journal}/grid")
    assert status == 200 and len(grid["students"]) == 5

    status, lesson = api.call("POST", f"/api/v1/journals/{journal}/lessons", {
        "lesson_date": TODAY.isoformat(), "topic_id": college.topics[0].id,
        "off_timetable_reason": "extra"})
    assert status == 201, lesson
    lesson_id = lesson["result"]["id"]
    status, saved = api.call("PUT", f"/api/v1/journals/{journal}/marks", {"changes": [{
        "lesson_id": lesson_id, "student_id": college.student1.id, "version": 0,
        "absent": False, "marks": [{"value": "5", "kind": "current"}]}]})
    assert status == 200, saved
    app.config["JOURNAL_TODAY"] = GRADING_DAY.isoformat()  # 4.7: at the period's end
    status, grade = api.call("PUT", f"/api/v1/journals/{journal}/final-grades", {
        "student_id": college.student1.id, "period_id": college.autumn.id,
        "kind": "semester", "value": "5"})
    assert status == 200, grade
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    status, lesson = api.call("PUT", f"/api/v1/journals/{journal}/lessons/{lesson_id}",
                              {"homework": "§ 3"})
    assert status == 200, lesson

    status, record = api.call("GET", f"/api/v1/students/{college.student1.id}/record")
    assert status == 200, record  # was a 500: the token's user, not the cookie's

    status, fresh = api.call("POST", "/api/v1/security/refresh",
                             token=tokens["refresh_token"])
    assert status == 200 and fresh["access_token"] != tokens["access_token"]
    status, _ = api.call("GET", f"/api/v1/journals/{journal}/grid",
                         token=fresh["access_token"])
    assert status == 200

    from app.models import AuditLog, Mark
    assert db.session.query(Mark).count() == 1
    for action in ("journal_view", "lesson_create", "cell_change", "final_grade_change",
                   "lesson_update", "record_view"):
        entries = db.session.query(AuditLog).filter_by(action=action).all()
        assert entries and {e.user_id for e in entries} == {college.teacher1.id}, action


def test_token_client_keeps_row_rules(api, college, today):
    api.login("teacher2")  # teaches group A's МДК (subgroup 2) and group B's ОП.01
    journal = college.journal_a_op.id
    assert api.call("GET", f"/api/v1/journals/{journal}/grid")[0] == 403
    status, _ = api.call("POST", f"/api/v1/journals/{journal}/lessons",
                         {"lesson_date": TODAY.isoformat()})
    assert status == 403
    api.login("student3")
    assert api.call("GET", f"/api/v1/students/{college.student1.id}/record")[0] == 403
    assert api.call("GET", f"/api/v1/students/{college.student3.id}/record")[0] == 200


def _forged(app, user_id, **claims) -> str:
    from flask_jwt_extended import create_access_token
    with app.app_context():
        return create_access_token(identity=str(user_id), **claims)


def test_malformed_tokens_get_401_in_russian(api, college, app):
    good = api.login("teacher1")
    payload = jwt.decode(good["access_token"], options={"verify_signature": False})
    wrong_key = jwt.encode(payload, "another-key-of-a-proper-length-32b", algorithm="HS256")
    unsigned = jwt.encode(payload, None, algorithm="none")
    expired = _forged(app, college.teacher1.id, expires_delta=timedelta(seconds=-5))
    header, _, signature = good["access_token"].split(".")
    raised = dict(payload, sub=str(college.admin.id))
    tampered = ".".join([header, base64.urlsafe_b64encode(json.dumps(raised).encode())
                         .decode().rstrip("="), signature])
    authorizations = {
        "garbage": "Bearer garbage", "three dots": "Bearer a.b.c", "empty": "Bearer ",
        "wrong signature": f"Bearer {wrong_key}", "alg none": f"Bearer {unsigned}",
        "expired": f"Bearer {expired}", "tampered payload": f"Bearer {tampered}",
        "no Bearer word": good["access_token"], "Basic": "Basic dGVhY2hlcjE6eA==",
        "refresh as access": f"Bearer {good['refresh_token']}",
    }
    journal = college.journal_a_op.id
    for name, authorization in authorizations.items():
        for method, path, body in (
                ("GET", f"/api/v1/journals/{journal}/grid", None),
                ("PUT", f"/api/v1/journals/{journal}/marks", {"changes": []}),
                ("GET", f"/api/v1/students/{college.student1.id}/record", None)):
            status, answer = api.call(method, path, body, authorization=authorization)
            assert status == 401 and _russian(answer), (name, method, path, status, answer)
    status, answer = api.call("POST", "/api/v1/security/refresh",
                              authorization=f"Bearer {good['access_token']}")
    assert status == 401 and _russian(answer)
    api.token = None
    status, answer = api.call("GET", f"/api/v1/journals/{journal}/grid")
    assert status == 401 and _russian(answer)


def test_api_login_answers_match_the_schema(api, college):
    for body in ({}, {"username": "teacher1"}, {"username": 5, "password": [],
                                                "provider": "db"},
                 {"username": "teacher1", "password": PASSWORD, "provider": "ldap"}, [1], "x"):
        status, answer = api.call("POST", "/api/v1/security/login", body)
        assert status == 400 and isinstance(answer["message"], str) and _russian(answer)
    status, answer = api.call("POST", "/api/v1/security/login", {
        "username": "teacher1", "password": "Wrong-Passw0rd", "provider": "db"})
    assert status == 401 and _russian(answer)


def test_token_of_blocked_account_stops_at_once(api, college, db):
    tokens = api.login("teacher1")
    journal = college.journal_a_op.id
    assert api.call("GET", f"/api/v1/journals/{journal}/grid")[0] == 200
    user = db.session.get(type(college.teacher1), college.teacher1.id)
    user.active = False
    db.session.commit()
    assert api.call("GET", f"/api/v1/journals/{journal}/grid")[0] == 401
    assert api.call("POST", "/api/v1/security/refresh",
                    token=tokens["refresh_token"])[0] == 401
    user.active = True
    db.session.commit()
    # unblocking does not revive the old tokens: their generation is over
    assert api.call("GET", f"/api/v1/journals/{journal}/grid")[0] == 401
    api.login("teacher1")
    assert api.call("GET", f"/api/v1/journals/{journal}/grid")[0] == 200


def test_token_of_account_with_issued_password_must_change_it_first(api, college, db):
    """An issued one-time password opens nothing but the password change (3.1), with a
    token as with the cookie."""
    from app.models import AccountState
    api.login("teacher1")  # the login itself keeps an AccountState row
    db.session.merge(AccountState(user_id=college.teacher1.id, must_change_password=True))
    db.session.commit()
    status, answer = api.call("GET", f"/api/v1/journals/{college.journal_a_op.id}/grid")
    assert status == 403 and "сменить" in answer["message"]
