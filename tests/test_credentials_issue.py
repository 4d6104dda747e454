"""Credentials (3.1): curator for own students/parents, IT for staff; slip contents; one-time
password works; staff/parents must change it, students are not asked."""
import re

from app.models import AccountState, AuditLog
from tests.factories import login_client


def _slip(html):
    logins = re.findall(r'class="pw login">([^<]+)<', html)
    passwords = re.findall(r'class="pw password">([^<]+)<', html)
    return list(zip(logins, passwords))


def test_curator_issues_for_student_and_parent(app, college, db, login):
    no_account = college.a_students[2]
    c1 = login("curator1")
    resp = c1.post(f"/curator/credentials/{college.group_a.id}", data={
        "student": [college.student1.id, no_account.id], "parent": [college.parent1_profile.id]})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    slips = _slip(html)
    assert len(slips) == 3 and slips[0][0] == "student1"
    assert "Смирнов Артём Игоревич" in html and "ИС-24-1" in html
    assert all(len(p) >= 10 for _, p in slips)
    db.session.expire_all()
    created = db.session.get(type(no_account), no_account.id).user
    assert created is not None and created.username == slips[1][0]
    states = {s.user_id: s.must_change_password for s in db.session.query(AccountState)}
    assert states[college.users["student1"].id] is False
    assert states[college.users["parent1"].id] is True
    assert db.session.query(AuditLog).filter_by(action="credentials_issue").count() == 3
    assert all(p not in (e.details or "") for e in db.session.query(AuditLog) for _, p in slips)
    login_client(app, "student1", slips[0][1])  # the one-time password works


def test_rights(college, db, login):
    c2 = login("curator2")
    assert c2.post(f"/curator/credentials/{college.group_a.id}",
                   data={"student": [college.student1.id]}).status_code == 403
    assert login("curator1").post(f"/curator/credentials/{college.group_a.id}", data={
        "student": [college.student3.id]}).status_code == 403
    assert c2.get("/it/").status_code in (302, 403)


def test_it_issues_for_staff(app, college, db, login):
    it = login("it")
    assert it.get("/it/").status_code == 200
    html = it.post("/it/credentials", data={"user": [college.users["teacher1"].id]})\
        .get_data(as_text=True)
    (username, password), = _slip(html)
    assert username == "teacher1"
    state = db.session.get(AccountState, college.users["teacher1"].id)
    assert state.must_change_password is True
    client = login_client(app, "teacher1", password)
    first = client.get("/")  # the issued password must be replaced before anything else
    assert first.status_code == 302
    assert "/resetmypassword" in first.headers["Location"].lower()
    refused = it.post("/it/credentials", data={"user": [college.users["student1"].id]})
    assert refused.status_code == 403


def test_it_cannot_reset_the_system_administrator(app, college, db, login):
    admin = college.users["admin"]
    refused = login("it").post("/it/credentials", data={"user": [admin.id]})
    assert refused.status_code == 403
    assert "Отдел ИТ выдаёт учётные данные только сотрудникам." in refused.get_data(as_text=True)
    assert db.session.query(AuditLog).filter_by(action="credentials_issue").count() == 0
    login_client(app, "admin")  # the administrator's own password still works


def test_slip_carries_portal_address_and_russian_role(app, college, db, login, monkeypatch):
    it = login("it")
    html = it.post("/it/credentials", data={"user": [college.users["teacher1"].id]}
                   ).get_data(as_text=True)
    assert 'class="portal">http://localhost/<' in html  # no setting: the address it was opened at
    role = re.search(r'class="role">([^<]+)<', html).group(1)
    assert "Преподаватель" in role and "Teacher" not in html.split('class="slips"')[1]
    monkeypatch.setitem(app.config, "PORTAL_URL", "https://journal.example.ru")
    html = login("curator1").post(f"/curator/credentials/{college.group_a.id}", data={
        "student": [college.student1.id]}).get_data(as_text=True)
    assert 'class="portal">https://journal.example.ru<' in html
    assert re.search(r'class="role">Студент, ИС-24-1<', html)


def test_empty_credentials_form_gives_a_message(college, db, login):
    """Nobody ticked: the same form again with a short Russian message, nothing issued."""
    c1 = login("curator1")
    answer = c1.post(f"/curator/credentials/{college.group_a.id}", data={},
                     follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Никто не отмечен" in text
    assert 'id="credential-people"' in text
    assert db.session.query(AuditLog).filter_by(action="credentials_issue").count() == 0


def test_empty_staff_credentials_form_gives_a_message(college, db, login):
    answer = login("it").post("/it/credentials", data={}, follow_redirects=True)
    assert answer.status_code == 200 and "Никто не отмечен" in answer.get_data(as_text=True)
    assert db.session.query(AuditLog).filter_by(action="credentials_issue").count() == 0
