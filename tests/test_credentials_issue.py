"""Credentials (3.1): curator for own students/parents, IT for staff; slip contents; one-time
password works; staff/parents must change it, students are not asked."""
import re
from datetime import date

from app.models import AccountState, AuditLog
from tests.factories import PASSWORD, login_client


def _slip(html):
    logins = re.findall(r'class="pw login">([^<]+)<', html)
    passwords = re.findall(r'class="pw password">([^<]+)<', html)
    return list(zip(logins, passwords))


def test_curator_issues_for_student_and_parent(app, college, db, login):
    no_account = college.a_students[2]
    c1 = login("curator1")
    resp = c1.post(f"/curator/credentials/{college.group_a.id}", data={
        "student": [college.student1.id, no_account.id], "parent": [college.parent1_profile.id],
        "confirm": "1"})
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
        "student": [college.student1.id], "confirm": "1"}).get_data(as_text=True)
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


def test_reissue_asks_first_and_changes_nothing_until_confirmed(college, db, login):
    """27: a new password for someone who has a login ends the old one, so the curator is asked
    first; the question names whom it concerns, and nothing is issued until confirmed."""
    c1 = login("curator1")
    html = c1.post(f"/curator/credentials/{college.group_a.id}", data={
        "student": [college.student1.id, college.a_students[2].id]}).get_data(as_text=True)
    assert 'id="reissue-warning"' in html and "старый перестанет действовать" in html
    names = html.split('id="reissue-names"')[1].split("</ul>")[0]
    assert "Смирнов Артём Игоревич" in names and "Попов" not in names
    assert 'name="confirm"' in html
    assert db.session.query(AuditLog).filter_by(action="credentials_issue").count() == 0
    db.session.expire_all()
    assert db.session.get(type(college.a_students[2]), college.a_students[2].id).user is None
    login_client(c1.application, "student1", PASSWORD)  # the old password still works


def test_issue_to_everyone_without_a_login_in_one_go(college, db, login):
    """The whole group's missing logins on one print: students without one, and parents of
    minors; nobody who already has a login is reset."""
    html = login("curator1").post(f"/curator/credentials/{college.group_a.id}",
                                  data={"missing": "1"}).get_data(as_text=True)
    slips = _slip(html)
    assert len(slips) == 3  # Попов, Васильева, Соколов; student1, student2, parents have logins
    assert "student1" not in [u for u, _ in slips]
    assert db.session.query(AuditLog).filter_by(action="credentials_issue").count() == 3


def test_no_login_for_the_parent_of_an_adult(college, db, login):
    """1.4, 5.2: a parent reads the journal only while the child is a minor; the curator
    cannot issue a login to the parent of an adult student (student2 is 20)."""
    c1 = login("curator1")
    answer = c1.post(f"/curator/credentials/{college.group_a.id}", data={
        "parent": [college.parent2_profile.id], "confirm": "1"}, follow_redirects=True)
    assert answer.status_code == 422
    assert "совершеннолетний" in answer.get_data(as_text=True)
    assert db.session.query(AuditLog).filter_by(action="credentials_issue").count() == 0
    page = c1.get(f"/curator/credentials/{college.group_a.id}").get_data(as_text=True)
    assert f'name="parent" value="{college.parent2_profile.id}"' not in page
    assert f'name="parent" value="{college.parent1_profile.id}"' in page


def test_the_curator_finds_credentials_from_the_group_and_the_menu(college, db, login):
    """27: the group page shows who has no login and links to issuing; the menu and the help
    lead there without typing an address."""
    c1 = login("curator1")
    group = c1.get(f"/curator/group/{college.group_a.id}").get_data(as_text=True)
    box = group.split('id="accounts-box"')[1].split("</div>")[0]
    assert f"/curator/credentials/{college.group_a.id}" in box
    assert "<b>3</b>" in box  # Попов, Васильева, Соколов have none
    assert "/curator/credentials/" in c1.get("/help/").get_data(as_text=True)
    assert c1.get("/curator/credentials/").headers["Location"].endswith(
        f"/curator/credentials/{college.group_a.id}")
    home = c1.get("/").get_data(as_text=True)
    assert f"/curator/credentials/{college.group_a.id}" in home


def test_the_group_page_reads_accounts_with_a_fixed_number_of_queries(college, db):
    """The group page counts logins of every student and parent: a fixed number of queries,
    not one per person."""
    from app.models import Parent, Student, StudentParent
    from app.services.college import credentials
    from tests.journal_helpers import count_queries

    def read():
        db.session.expire_all()
        people = credentials.curator_people(college.curator1, college.group_a.id)
        credentials.account_summary(people)
        credentials.reissues(people, [s.id for s in college.a_students], [])
    def grow(numbers):
        for n in numbers:
            student = Student(last_name=f"Новиков{n}", first_name="Иван",
                              birth_date=date(2009, 1, 1), record_book_number=f"99-{n}",
                              group_id=college.group_a.id, status="studying")
            parent = Parent(last_name=f"Новикова{n}", first_name="Анна")
            db.session.add_all([student, parent])
            db.session.flush()
            db.session.add(StudentParent(student_id=student.id, parent_id=parent.id,
                                         relation="мать"))
        db.session.commit()
    grow(range(1))  # a parent without a login among them, as in the bigger group
    read()  # the fixture's lazy references read once
    small = count_queries(db, read)
    grow(range(1, 9))
    assert count_queries(db, read) == small
