"""Credentials (3.1, 5.4): a student cannot change their own password or account data;
an issued one-time password must be replaced at the first login by the other roles."""
from sqlalchemy import select

from app.models import AccountState
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401

NEW = "Nov0e-Passw0rd!"


def _refused(answer) -> bool:
    return answer.status_code in (302, 403) and "/resetmypassword" not in answer.headers.get(
        "Location", "")


def test_student_cannot_change_own_password(college, login, app, db):
    client = login("student1")
    assert _refused(client.get("/resetmypassword/form"))
    assert _refused(client.post("/resetmypassword/form",
                                data={"password": NEW, "conf_password": NEW}))
    assert _refused(client.get("/userinfoeditview/form"))
    assert _refused(client.post("/userinfoeditview/form",
                                data={"first_name": "Другой", "last_name": "Студент"}))
    db.session.expire_all()
    sm = app.appbuilder.sm
    assert sm.auth_user_db("student1", PASSWORD) is not None  # password unchanged
    assert sm.auth_user_db("student1", NEW) is None
    assert college.users["student1"].first_name == "Артём"
    assert "resetmypassword" not in client.get("/users/userinfo/").get_data(as_text=True)


def test_other_roles_may_change_their_password(college, login, app, db):
    client = login("parent1")
    assert client.get("/resetmypassword/form").status_code == 200
    answer = client.post("/resetmypassword/form", data={"current_password": PASSWORD,
                                                        "password": NEW, "conf_password": NEW})
    assert answer.status_code == 302
    db.session.expire_all()
    assert app.appbuilder.sm.auth_user_db("parent1", NEW) is not None


def test_one_time_password_forces_a_change(college, login, app, db):
    db.session.add(AccountState(user_id=college.teacher1.id, must_change_password=True))
    db.session.commit()
    client = login("teacher1")
    for url in ("/", "/messages/", "/help/", f"/portal/student/{college.student1.id}"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/resetmypassword/form" in answer.location, url
    api = client.get(f"/api/v1/students/{college.student1.id}/record")
    assert api.status_code == 403 and "сменить" in api.get_json()["message"]
    assert client.get("/resetmypassword/form").status_code == 200
    weak = client.post("/resetmypassword/form", data={"current_password": PASSWORD,
                                                      "password": "123", "conf_password": "123"})
    assert weak.status_code == 200  # refused by the password policy, flag kept
    db.session.expire_all()
    assert db.session.get(AccountState, college.teacher1.id).must_change_password
    assert client.post("/resetmypassword/form", data={
        "current_password": PASSWORD, "password": NEW, "conf_password": NEW}).status_code == 302
    db.session.expire_all()
    assert not db.session.scalar(select(AccountState.must_change_password).where(
        AccountState.user_id == college.teacher1.id))
    assert client.get("/messages/").status_code == 200
    assert client.get("/").status_code == 200
