"""Account administration (3.1, finding 7): IT manages staff accounts and grants staff roles
other than Admin only; students' and parents' accounts are the curator's; every role change
is audited."""
import pytest
from sqlalchemy import select

from app.models import AuditLog, User
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.test_admin_views import _roles, _text, _user_form

STAFF_ROLES = ["IT", "Administration", "Deputy", "Teacher", "Curator"]


def _new_account(sm, username, roles):
    return {"first_name": "Нина", "last_name": "Новая", "username": username,
            "email": f"{username}@college.test", "active": "y",
            "roles": [sm.find_role(r).id for r in roles], "password": "Strong-Passw0rd-9",
            "conf_password": "Strong-Passw0rd-9"}


def _role_changes(db, user_id):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == "role_change",
                                                     AuditLog.object_id == str(user_id))).all()


def test_it_list_holds_staff_accounts_only(college, login):
    page = _text(login("it").get("/users/list/?psize_UserDBModelView=500"))
    for staff in ("teacher1", "curator1", "deputy", "director"):
        assert f">{staff}<" in page.replace(" ", "").replace("\n", ""), staff
    for person in ("student1", "student2", "parent1"):
        assert person not in page, person


@pytest.mark.parametrize("who", ["student1", "parent1"])
def test_it_cannot_open_or_edit_a_student_or_parent_account(app, college, db, login, who):
    sm = app.appbuilder.sm
    client = login("it")
    account = college.users[who]
    before = _roles(db, who)
    assert client.get(f"/users/show/{account.id}").status_code == 404
    assert client.get(f"/users/edit/{account.id}").status_code == 404
    r = client.post(f"/users/edit/{account.id}", data=_user_form(
        account, [sm.find_role("Deputy")]))
    assert r.status_code == 404
    assert _roles(db, who) == before and not _role_changes(db, account.id)


@pytest.mark.parametrize("role", ["Student", "Parent", "Admin"])
def test_it_grants_no_student_parent_or_admin_role(app, college, db, login, role):
    sm = app.appbuilder.sm
    client = login("it")
    form = client.get("/users/add").get_data(as_text=True)
    assert f'<option value="{sm.find_role(role).id}"' not in form
    page = _text(client.post("/users/add", data=_new_account(sm, "newcomer", ["Teacher", role]),
                             follow_redirects=True))
    assert "назначить не можете" in page
    assert db.session.scalar(select(User).where(User.username == "newcomer")) is None
    teacher = college.teacher1
    _text(client.post(f"/users/edit/{teacher.id}", data=_user_form(
        teacher, [sm.find_role("Teacher"), sm.find_role(role)]), follow_redirects=True))
    assert _roles(db, "teacher1") == {"Teacher"}


def test_it_grants_every_staff_role_but_admin_and_each_change_is_audited(app, college, db,
                                                                          login):
    sm = app.appbuilder.sm
    client = login("it")
    form = client.get("/users/add").get_data(as_text=True)
    for role in STAFF_ROLES:
        assert f'<option value="{sm.find_role(role).id}"' in form, role
    _text(client.post("/users/add", data=_new_account(sm, "methodist", ["Deputy"]),
                      follow_redirects=True))
    assert _roles(db, "methodist") == {"Deputy"}
    teacher = db.session.get(User, college.teacher1.id)
    _text(client.post(f"/users/edit/{teacher.id}", data=_user_form(
        teacher, [sm.find_role("Teacher"), sm.find_role("Curator")]), follow_redirects=True))
    assert _roles(db, "teacher1") == {"Teacher", "Curator"}
    changes = _role_changes(db, teacher.id)
    assert len(changes) == 1 and "Curator" in changes[0].details
    assert changes[0].username == "it"


def test_staff_account_keeps_a_parent_role_it_cannot_see(app, college, db, login):
    """A teacher who is also a parent: IT changes the staff roles, the parent role stays."""
    sm = app.appbuilder.sm
    teacher = db.session.get(User, college.teacher2.id)
    teacher.roles.append(sm.find_role("Parent"))
    db.session.commit()
    _text(login("it").post(f"/users/edit/{teacher.id}", data=_user_form(
        teacher, [sm.find_role("Teacher"), sm.find_role("Curator")]), follow_redirects=True))
    assert _roles(db, "teacher2") == {"Teacher", "Curator", "Parent"}


def test_admin_still_manages_every_account(app, college, db, login):
    client = login("admin")
    assert "student1" in client.get("/users/list/?psize_UserDBModelView=500").get_data(
        as_text=True)
    student = college.users["student1"]
    assert client.get(f"/users/edit/{student.id}").status_code == 200


def test_it_has_no_access_to_the_security_api(college, login):
    client = login("it")
    assert client.get("/api/v1/security/users/").status_code in (401, 403, 404)
