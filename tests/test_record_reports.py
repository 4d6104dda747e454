"""Wrong-mark report round trip and access-problem reports (5.4)."""
import pytest
from sqlalchemy import select

from app.models import IssueReport
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.portal_helpers import fixed_today, seed_record  # noqa: F401


@pytest.fixture()
def c(college, db, fixed_today):  # noqa: F811
    return seed_record(db, college)


def test_wrong_mark_round_trip(c, login, db):
    student = login("student1")
    page = student.get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert "Сообщить преподавателю" in page
    answer = student.post("/portal/report/mark", data={
        "student_id": c.student1.id, "lesson_id": c.les_op.id,
        "text": "Я отвечал на <b>пять</b>, а стоит четыре"})
    assert answer.status_code == 302
    report = db.session.scalar(select(IssueReport))
    assert (report.kind, report.assignee_id, report.status) == ("wrong_mark", c.teacher1.id,
                                                                "open")
    teacher = login("teacher1")
    listing = teacher.get("/portal/reports").get_data(as_text=True)
    assert "Смирнов Артём Игоревич" in listing and "&lt;b&gt;пять&lt;/b&gt;" in listing
    detail = teacher.get(f"/portal/reports/{report.id}").get_data(as_text=True)
    assert 'id="mark-history"' in detail and "5 4" in detail  # the mark's history
    assert login("teacher2").get(f"/portal/reports/{report.id}").status_code == 404
    assert teacher.post(f"/portal/reports/{report.id}",
                        data={"outcome": "bogus", "answer": "x"}).status_code == 400
    assert teacher.post(f"/portal/reports/{report.id}", data={
        "outcome": "corrected", "answer": "Исправлено на 5"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(IssueReport, report.id).status == "corrected"
    assert teacher.post(f"/portal/reports/{report.id}", data={
        "outcome": "confirmed", "answer": "ещё раз"}).status_code == 400
    page = student.get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert "оценка исправлена" in page and "Исправлено на 5" in page


def test_parent_reports_for_minor_child_only(c, login, db):
    parent = login("parent1")
    assert parent.post("/portal/report/mark", data={
        "student_id": c.student1.id, "lesson_id": c.les_mdk1.id,
        "text": "Проверьте, пожалуйста"}).status_code == 302
    assert db.session.scalar(select(IssueReport.assignee_id)) == c.teacher1.id
    answer = login("parent2").post("/portal/report/mark", data={
        "student_id": c.student2.id, "lesson_id": c.les_op.id, "text": "?"})
    assert answer.status_code == 403 and "18 лет" in answer.get_data(as_text=True)


def test_report_refusals(c, login, db):
    student = login("student1")
    for data, code in (
            ({"student_id": c.student3.id, "lesson_id": c.les_b.id, "text": "x"}, 403),
            ({"student_id": c.student1.id, "lesson_id": c.les_mdk2.id, "text": "x"}, 404),
            ({"student_id": c.student1.id, "lesson_id": "abc", "text": "x"}, 404),
            ({"student_id": c.student1.id, "lesson_id": c.les_op.id, "text": "  "}, 400),
            ({"student_id": "zzz", "lesson_id": c.les_op.id, "text": "x"}, 404)):
        assert student.post("/portal/report/mark", data=data).status_code == code, data
    assert db.session.scalar(select(IssueReport)) is None
    assert login("teacher1").post("/portal/report/mark", data={
        "student_id": c.student1.id, "lesson_id": c.les_op.id, "text": "x"}).status_code in (
        302, 403)
    assert db.session.scalar(select(IssueReport)) is None


def test_access_problem_goes_to_curator(c, login, db):
    parent = login("parent2")  # access ended, but the parent may still ask the curator
    page = parent.get("/portal/reports").get_data(as_text=True)
    assert 'id="access-form"' in page
    assert parent.post("/portal/report/access", data={
        "student_id": c.student2.id, "text": "Не могу войти"}).status_code == 302
    report = db.session.scalar(select(IssueReport))
    assert (report.kind, report.assignee_id) == ("access", c.curator1.id)
    curator = login("curator1")
    assert "Не могу войти" in curator.get("/").get_data(as_text=True)  # dashboard block
    assert curator.post(f"/portal/reports/{report.id}", data={
        "outcome": "resolved", "answer": "Пароль выдан заново"}).status_code == 302
    assert "Пароль выдан заново" in parent.get("/portal/reports").get_data(as_text=True)
    assert login("student1").post("/portal/report/access", data={
        "student_id": c.student3.id, "text": "x"}).status_code == 403


def test_open_reports_stand_on_the_start_page_until_answered(c, login, db):
    """A report waits on the addressee's start page — once, though the curator also teaches —
    with a link that opens it; once answered it leaves the page."""
    login("parent2").post("/portal/report/access", data={
        "student_id": c.student2.id, "text": "Пароль не подходит"})
    report = db.session.scalar(select(IssueReport))
    curator = login("curator1")
    home = curator.get("/").get_data(as_text=True)
    assert home.count('id="home-issues"') == 1 and "Пароль не подходит" in home
    assert f"/portal/reports/{report.id}" in home
    assert curator.get(f"/portal/reports/{report.id}").status_code == 200
    assert 'id="home-issues"' not in login("teacher2").get("/").get_data(as_text=True)
    curator.post(f"/portal/reports/{report.id}", data={"outcome": "resolved",
                                                       "answer": "Пароль выдан заново"})
    assert 'id="home-issues"' not in curator.get("/").get_data(as_text=True)
