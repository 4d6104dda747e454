"""Periods (4.7, 1.6, 7.3): final kinds from each semester's form in the curriculum, grades only
for periods begun, deadlines after the last lesson day, final grades missing, and a closed
period read-only on every path except the deputy's correction with a reason."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.models import (
    AuditLog, CellChange, CurriculumItem, FinalGrade, JournalCell, Lesson, Mark, Period,
)
from app.services.control import checks as control, completeness
from app.services.journal import periods
from app.services.journal.final_grades import kinds_by_period, missing_final_grades
from tests.journal_helpers import add_lesson, change, today  # noqa: F401
from tests.reports_helpers import cell

AFTER_AUTUMN = "2026-01-20"  # the autumn deadline (15.01.2026) has passed


def _at(app, day: str) -> None:
    app.config["JOURNAL_TODAY"] = day


def _put_final(client, journal, **body):
    return client.put(f"/api/v1/journals/{journal.id}/final-grades", json=body)


@pytest.fixture()
def two_forms(college, db):
    """УП.01: a credit in semester 3 (autumn), a differentiated credit in semester 4 (spring)."""
    db.session.add(CurriculumItem(curriculum_id=college.curriculum.id,
                                  discipline_id=college.up01.id, semester=4, hours=36,
                                  assessment_form="diff_credit"))
    db.session.commit()
    return college


# --- 4.7: final kinds per period from the curriculum -----------------------------------------
def test_each_semester_has_its_own_form(two_forms, db):
    c = two_forms
    kinds = kinds_by_period(c.journal_a_up)
    assert kinds[c.autumn.id] == ["credit"]
    assert kinds[c.spring.id] == ["semester", "diff_credit", "year"]
    # ОП.01 is planned in semester 3 only: nothing is due in the spring, no year grade
    assert kinds_by_period(c.journal_a_op) == {c.autumn.id: ["semester", "exam"],
                                               c.spring.id: []}


def test_final_grades_follow_the_period_form_and_year_grade(two_forms, login, db, app, today):
    c = two_forms
    client = login("curator1")
    s1 = c.student1.id
    r = _put_final(client, c.journal_a_up, student_id=s1, period_id=c.spring.id,
                   kind="diff_credit", value="5")
    assert r.status_code == 422 and "начнётся" in r.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(FinalGrade)) == 0
    _at(app, "2026-06-20")  # 4.7: inside the spring's window of final grades
    assert _put_final(client, c.journal_a_up, student_id=s1, period_id=c.autumn.id,
                      kind="credit", value="зач").status_code == 403  # autumn deadline passed
    assert _put_final(client, c.journal_a_up, student_id=s1, period_id=c.spring.id,
                      kind="credit", value="зач").status_code == 422
    for kind in ("diff_credit", "year"):
        r = _put_final(client, c.journal_a_up, student_id=s1, period_id=c.spring.id,
                       kind=kind, value="4")
        assert r.status_code == 200, r.get_json()
    assert _put_final(client, c.journal_a_up, student_id=s1, period_id=c.autumn.id,
                      kind="year", value="4").status_code == 422
    db.session.expire_all()
    assert sorted(db.session.execute(select(FinalGrade.period_id, FinalGrade.kind,
                                            FinalGrade.value)).all()) == \
        sorted([(c.spring.id, "diff_credit", "4"), (c.spring.id, "year", "4")])
    grid = client.get(f"/api/v1/journals/{c.journal_a_up.id}/grid").get_json()
    assert {p["id"]: p["kinds"] for p in grid["periods"]} == {
        c.autumn.id: ["credit"], c.spring.id: ["semester", "diff_credit", "year"]}


def test_year_grade_refused_where_the_plan_has_none(college, login, app):
    _at(app, "2026-03-02")
    r = _put_final(login("teacher1"), college.journal_a_op, student_id=college.student1.id,
                   period_id=college.spring.id, kind="year", value="5")
    assert r.status_code == 422 and "учебным планом" in r.get_json()["message"]


# --- 4.7: the deputy's deadline form ------------------------------------------------------------
def test_deadline_must_fall_after_the_last_lesson_day(college, login, db, today):
    deputy = login("deputy")
    form = {"period": college.autumn.id, "order_number": "40-у", "order_date": "2025-10-01"}
    for inside in ("2025-12-31", "2025-11-20"):
        page = deputy.post("/deputy/deadline", data=dict(form, deadline=inside),
                           follow_redirects=True).get_data(as_text=True)
        assert "позже последнего учебного дня" in page
    db.session.expire_all()
    assert db.session.get(Period, college.autumn.id).final_grade_deadline == date(2026, 1, 15)
    deputy.post("/deputy/deadline", data=dict(form, deadline="2026-01-01"))
    db.session.expire_all()
    assert db.session.get(Period, college.autumn.id).final_grade_deadline == date(2026, 1, 1)


def test_deadline_needs_the_orders_number_and_date(college, login, db, today):
    """4.7: the deadline is set only by an order — without its number or date nothing changes."""
    deputy = login("deputy")
    form = {"period": college.autumn.id, "deadline": "2026-01-20",
            "order_number": "41-у", "order_date": "2025-10-01"}
    for missing in ({"order_number": "  "}, {"order_date": ""}):
        page = deputy.post("/deputy/deadline", data=dict(form, **missing),
                           follow_redirects=True).get_data(as_text=True)
        assert "Укажите срок, номер и дату приказа." in page
        db.session.expire_all()
        assert db.session.get(Period, college.autumn.id).final_grade_deadline == date(2026, 1, 15)
    deputy.post("/deputy/deadline", data=form)
    db.session.expire_all()
    stored = db.session.get(Period, college.autumn.id)
    assert (stored.final_grade_deadline, stored.deadline_order_number,
            stored.deadline_order_date) == (date(2026, 1, 20), "41-у", date(2025, 10, 1))


def test_deadline_form_lists_periods_in_calendar_order(college, login, db, today):
    assert [p.id for p in control.periods()] == [college.autumn.id, college.spring.id]
    page = login("deputy").get("/deputy/").get_data(as_text=True)
    table = page[page.index('id="deadlines"'):]
    assert table.index(f'value="{college.autumn.id}"') < table.index(
        f'value="{college.spring.id}"')


# --- 4.7: final grades missing ----------------------------------------------------------------
def test_missing_final_grades_before_and_after_the_deadline(college, login, db, app):
    c = college
    db.session.add(FinalGrade(journal_id=c.journal_a_op.id, student_id=c.student1.id,
                              period_id=c.autumn.id, kind="exam", value="5"))
    db.session.commit()
    rows = missing_final_grades(c.users["deputy"], date(2025, 12, 1))
    op = {r["kind"]: r for r in rows if r["journal"].id == c.journal_a_op.id}
    assert set(op) == {"semester", "exam"}
    assert len(op["semester"]["students"]) == 5 and len(op["exam"]["students"]) == 4
    assert "Смирнов Артём Игоревич" not in op["exam"]["students"]
    assert not op["exam"]["overdue"] and op["exam"]["deadline"] == date(2026, 1, 15)
    assert all(r["period"].id == c.autumn.id for r in rows)  # the spring has not begun
    after = missing_final_grades(c.users["deputy"], date(2026, 1, 20))
    assert after and all(r["overdue"] for r in after if r["period"].id == c.autumn.id)
    # scopes: the curator sees their group's journals, the teacher their own
    curator = {r["journal"].id for r in missing_final_grades(c.users["curator1"],
                                                             date(2025, 12, 1))}
    assert c.journal_b_op.id not in curator and c.journal_a_mdk2.id in curator
    teacher = {r["journal"].id for r in missing_final_grades(c.users["teacher2"],
                                                             date(2025, 12, 1))}
    assert teacher == {c.journal_a_mdk2.id, c.journal_b_op.id}
    _at(app, AFTER_AUTUMN)
    for who in ("deputy", "curator1", "teacher1"):
        page = login(who).get("/final-grades/missing")
        assert page.status_code == 200 and "Попов Максим Сергеевич" in page.get_data(
            as_text=True)
    assert "ИС-24-2" not in login("curator1").get("/final-grades/missing").get_data(
        as_text=True)
    assert login("student1").get("/final-grades/missing").status_code in (302, 403)


def test_student_who_left_before_the_period_end_is_not_missing(college, db):
    from app.models import GroupMembership
    db.session.query(GroupMembership).filter_by(student_id=college.a_students[4].id).update(
        {"end_date": date(2025, 11, 1)})
    db.session.commit()
    rows = missing_final_grades(college.users["deputy"], date(2025, 12, 1))
    op = next(r for r in rows if r["journal"].id == college.journal_a_op.id)
    assert "Соколов Иван Дмитриевич" not in op["students"] and len(op["students"]) == 4


# --- 4.7, 7.3: closing a period -------------------------------------------------------------
def _close(app, login, college, day=AFTER_AUTUMN, **form):
    _at(app, day)
    data = {"order_number": "55-у", "order_date": "2026-01-19"}
    data.update(form)
    return login("deputy").post(f"/final-grades/periods/{college.autumn.id}/close", data=data,
                                follow_redirects=True)


def test_period_closes_only_after_its_deadline_with_the_order(college, login, db, app):
    page = _close(app, login, college, day="2026-01-15", order_date="2026-01-14")
    assert "после срока" in page.get_data(as_text=True)
    assert "номер и дату" in _close(app, login, college, order_number="").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Period, college.autumn.id).closed_at is None
    page = _close(app, login, college)
    assert page.status_code == 200
    db.session.expire_all()
    autumn = db.session.get(Period, college.autumn.id)
    assert (autumn.close_order_number, autumn.close_order_date, autumn.closed_by_id) == (
        "55-у", date(2026, 1, 19), college.users["deputy"].id)
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "period_close")) == 1
    assert "уже закрыт" in _close(app, login, college).get_data(as_text=True)
    r = login("deputy").post("/deputy/deadline", data={
        "period": college.autumn.id, "deadline": "2026-02-01", "order_number": "1",
        "order_date": "2026-01-19"}, follow_redirects=True)
    assert "закрыт" in r.get_data(as_text=True)
    assert login("teacher1").post(f"/final-grades/periods/{college.spring.id}/close", data={
        "order_number": "1", "order_date": "2026-01-19"}).status_code in (302, 403)
    assert login("teacher1").get("/final-grades/periods").status_code in (302, 403)


def test_closed_period_is_read_only_except_the_deputys_correction(college, login, db, app,
                                                                   today):
    c = college
    lesson = add_lesson(db, c.journal_a_op, date(2025, 10, 15))
    teacher = login("teacher1")
    url = f"/api/v1/journals/{c.journal_a_op.id}/marks"
    assert teacher.put(url, json={"changes": [change(lesson, c.student1, marks=["4"])]}
                       ).status_code == 200
    empty = add_lesson(db, c.journal_a_op, date(2025, 10, 16))  # deletable any day while open
    assert _close(app, login, c).status_code == 200
    # the teacher: marks, absences, lessons and final grades of the closed period refused
    r = teacher.put(url, json={"changes": [change(lesson, c.student1, version=1,
                                                  marks=["5"])]})
    assert r.status_code == 403 and "закрыт" in r.get_json()["message"]
    r = teacher.put(url, json={"changes": [change(lesson, c.a_students[1], absent=True)]})
    assert r.status_code == 403
    lessons_url = f"/api/v1/journals/{c.journal_a_op.id}/lessons"
    r = teacher.post(lessons_url, json={"lesson_date": "2025-12-01",
                                        "topic_id": c.topics[2].id})
    assert r.status_code == 403 and "закрыт" in r.get_json()["message"]
    r = teacher.put(f"{lessons_url}/{lesson.id}", json={"topic_id": c.topics[1].id})
    assert r.status_code == 403 and "закрыт" in r.get_json()["message"]
    assert teacher.delete(f"{lessons_url}/{lesson.id}").status_code == 403
    r = teacher.delete(f"{lessons_url}/{empty.id}")
    assert r.status_code == 403 and "закрыт" in r.get_json()["message"]
    r = _put_final(teacher, c.journal_a_op, student_id=c.student1.id, period_id=c.autumn.id,
                   kind="exam", value="5")
    assert r.status_code == 403
    # the spring stays open for the teacher
    r = teacher.post(lessons_url, json={"lesson_date": "2026-01-19",
                                        "topic_id": c.topics[2].id,
                                        "off_timetable_reason": "extra"})
    assert r.status_code == 201
    grid = teacher.get(f"/api/v1/journals/{c.journal_a_op.id}/grid").get_json()
    assert {l["id"]: l["editable"] for l in grid["lessons"]} == {
        lesson.id: False, empty.id: False, r.get_json()["result"]["id"]: True}
    assert {p["id"]: p["closed"] for p in grid["periods"]} == {c.autumn.id: True,
                                                               c.spring.id: False}
    # the deputy: a reason is required, then the correction is logged and in the history
    deputy = login("deputy")
    r = deputy.put(url, json={"changes": [change(lesson, c.student1, version=1,
                                                 marks=["5"])]})
    assert r.status_code == 422 and "основание" in r.get_json()["message"]
    r = deputy.put(url, json={"reason": "Приказ 56-у, апелляция",
                              "changes": [change(lesson, c.student1, version=1, marks=["5"])]})
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    assert db.session.scalars(select(Mark.value)).all() == ["5"]
    assert db.session.scalar(select(func.count()).select_from(JournalCell)) == 1
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 3
    last = db.session.scalars(select(CellChange).order_by(CellChange.id.desc())).first()
    assert (last.old_value, last.new_value, last.correction_reason) == (
        "4", "5", "Приказ 56-у, апелляция")
    history = deputy.get(f"/api/v1/journals/{c.journal_a_op.id}/cells/{lesson.id}/"
                         f"{c.student1.id}/history").get_json()
    assert history["result"][-1]["reason"] == "Приказ 56-у, апелляция"
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "cell_change")
                               .order_by(AuditLog.id.desc())).first()
    assert "Приказ 56-у" in entry.details


def test_absence_reason_of_a_closed_period_refused(college, login, db, app, today):
    lesson = add_lesson(db, college.journal_a_op, date(2025, 10, 15))
    absent = cell(lesson, college.student1, absent=True)
    db.session.commit()
    assert _close(app, login, college).status_code == 200
    db.session.expire_all()
    with pytest.raises(completeness.Forbidden):
        completeness.correct_reason(college.users["curator1"], absent.id, "illness",
                                    date(2026, 1, 20))
    db.session.rollback()
    assert db.session.get(JournalCell, absent.id).absence_reason == ""


def test_guard_refuses_everyone_in_an_archived_year(college, db):
    from app.models import ArchiveRecord
    deputy = college.users["deputy"]
    assert periods.ensure_open(deputy, college.year.id, day=date(2025, 10, 1)) is None
    db.session.add(ArchiveRecord(group_id=college.group_a.id, academic_year_id=college.year.id,
                                 directory="/nonexistent", manifest="{}", manifest_sha256="0",
                                 retention_until=date(2031, 6, 30), is_draft=True))
    db.session.commit()
    assert periods.ensure_open(deputy, college.year.id, day=date(2025, 10, 1)) is None
    db.session.query(ArchiveRecord).update({"is_draft": False})
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        periods.ensure_open(deputy, college.year.id, day=date(2025, 10, 1), reason="Приказ")
    assert refused.value.status == 403 and "архивирован" in refused.value.message
