"""Exam and credit sheets (2.2, 4.7; issue 14.1): made from the journal, admission by the
thresholds and by decision, grades that are the journal's final grades (deadline, the deputy's
reason, closed periods), print-out, XLSX, row rules and a constant number of queries."""
import io
from datetime import date, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import (
    AuditLog, FinalGrade, FinalGradeChange, GroupMembership, JournalCell, Lesson, Mark, Student,
)
from app.models.sheets import ExamSheet, ExamSheetExaminer, ExamSheetRow
from app.services.assessment import sheets
from app.services.journal import forecast, progress
from tests.journal_helpers import count_queries, today  # noqa: F401

EXAM_DAY = "2025-12-25"
LESSON_DAYS = [date(2025, 10, d) for d in (1, 2, 3, 6)]


def _cell(db, lesson, student, marks=(), absent=False, reason=""):
    cell = JournalCell(lesson_id=lesson.id, student_id=student.id, absent=absent,
                       absence_reason=reason)
    db.session.add(cell)
    db.session.flush()
    for n, (value, kind) in enumerate(marks):
        db.session.add(Mark(cell_id=cell.id, position=n, value=value, work_kind=kind))


@pytest.fixture()
def taught(college, db, today):
    """Four lessons of ОП.01 in group A with attendance taken: student1 good marks; Попов
    (a_students[2]) missed three of four unexcused; Васильева (a_students[3]) two «2»."""
    c = college
    lessons = []
    for n, day in enumerate(LESSON_DAYS, start=1):
        lesson = Lesson(journal_id=c.journal_a_op.id, lesson_date=day, pair_number=1,
                        teacher_id=c.teacher1.id, topic=f"Тема {n}", attendance_taken=True,
                        hours=2)
        db.session.add(lesson)
        lessons.append(lesson)
    db.session.flush()
    popov, vasilyeva = c.a_students[2], c.a_students[3]
    _cell(db, lessons[0], c.student1, [("5", "current"), ("4", "control")])
    _cell(db, lessons[1], c.student2, [("4", "current")])
    for lesson in lessons[:3]:
        _cell(db, lesson, popov, absent=True)
    _cell(db, lessons[3], popov, [("4", "current")])
    _cell(db, lessons[0], vasilyeva, [("2", "current")])
    _cell(db, lessons[1], vasilyeva, [("2", "control")])
    db.session.commit()
    c.popov, c.vasilyeva = popov, vasilyeva
    return c


def _create(client, c, journal=None, period=None, kind="exam", day=EXAM_DAY, **extra):
    journal, period = journal or c.journal_a_op, period or c.autumn
    data = {"target": f"{journal.id}:{period.id}:{kind}", "exam_date": day,
            "place": "ауд. 214"}
    data.update(extra)
    return client.post("/sheets/create", data=data)


def _sheet(db):
    db.session.expire_all()
    return db.session.scalars(select(ExamSheet)).one()


def _rows(db, sheet):
    db.session.expire_all()
    return {r.student_id: r for r in db.session.scalars(
        select(ExamSheetRow).where(ExamSheetRow.sheet_id == sheet.id))}


def _make(db, c, user=None, kind="exam", journal=None, day=date(2025, 12, 25)):
    sheet = sheets.create_sheet(user or c.teacher1, (journal or c.journal_a_op).id,
                                c.autumn.id, kind, day, "ауд. 214", [], date(2025, 10, 15))
    db.session.commit()
    return sheet


# --- making a sheet --------------------------------------------------------------------------
def test_teacher_makes_a_sheet_from_the_journal(taught, login, db):
    c = taught
    r = _create(login("teacher1"), c, examiners=[str(c.teacher2.id)])
    assert r.status_code == 302, r.get_data(as_text=True)
    sheet = _sheet(db)
    assert (sheet.kind, sheet.exam_date, sheet.place) == ("exam", date(2025, 12, 25), "ауд. 214")
    assert sheet.number.endswith("-Э")
    examiners = db.session.scalars(select(ExamSheetExaminer.user_id).order_by(
        ExamSheetExaminer.position)).all()
    assert examiners == [c.teacher1.id, c.teacher2.id]  # the journal's teacher first
    rows = _rows(db, sheet)
    assert set(rows) == {s.id for s in c.a_students}
    expected = progress.journal_progress([c.journal_a_op.id], c.autumn.start_date,
                                         date(2025, 12, 25))
    for sid, row in rows.items():
        figure = expected[(c.journal_a_op.id, sid)]
        assert (None if row.average is None else float(row.average)) == figure.average
        assert (None if row.attendance_pct is None else float(row.attendance_pct)) == \
            figure.attendance_pct
        assert row.admitted == (forecast.admission_reasons(figure) == [])
    # the weighted average: 5 and a control work 4 (weight 2) → 4.33
    assert float(rows[c.student1.id].average) == 4.33
    assert rows[c.student1.id].admitted and rows[c.student2.id].admitted
    assert not rows[c.popov.id].admitted and "посещаемость" in rows[c.popov.id].admission_reason
    assert not rows[c.vasilyeva.id].admitted and \
        "средний балл" in rows[c.vasilyeva.id].admission_reason
    assert db.session.scalar(select(func.count()).where(
        AuditLog.action == "exam_sheet_create")) == 1
    page = login("teacher1").get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert "Экзаменационная ведомость" in page and sheet.number in page
    assert "не допущен" in page and c.popov.last_name in page


def test_roster_on_the_exam_date(taught, login, db):
    """A student who left the group before the exam date is not on the sheet."""
    c = taught
    membership = db.session.scalar(select(GroupMembership).where(
        GroupMembership.student_id == c.students[4].id))
    membership.end_date = date(2025, 11, 30)
    db.session.commit()
    sheet = _make(db, c)
    assert set(_rows(db, sheet)) == {s.id for s in c.a_students[:4]}


def test_refusals_when_making_a_sheet(taught, login, db):
    c = taught
    # another teacher's journal
    r = _create(login("teacher2"), c)
    assert r.status_code == 403 and "преподаватель журнала" in r.get_data(as_text=True)
    teacher = login("teacher1")
    # a form the curriculum does not have in that period: ОП.01 is an exam in the autumn,
    # nothing in the spring
    r = _create(teacher, c, kind="credit")
    assert r.status_code == 422 and "Учебный план не предусматривает" in r.get_data(as_text=True)
    r = _create(teacher, c, period=c.spring, day="2026-06-20")
    assert r.status_code == 422
    # an exam date before the period
    r = _create(teacher, c, day="2025-08-20")
    assert r.status_code == 422 and "раньше начала периода" in r.get_data(as_text=True)
    assert _create(teacher, c, day="не дата").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ExamSheet)) == 0
    # a student has no sheets at all
    assert login("student1").post("/sheets/create", data={
        "target": f"{c.journal_a_op.id}:{c.autumn.id}:exam",
        "exam_date": EXAM_DAY}).status_code in (302, 403)
    assert db.session.scalar(select(func.count()).select_from(ExamSheet)) == 0
    assert _create(teacher, c).status_code == 302
    r = _create(teacher, c)
    assert r.status_code == 409 and "уже создана" in r.get_data(as_text=True)
    # the deputy makes one for any journal; the credit of УП.01 and the diff. credit of МДК
    deputy = login("deputy")
    assert _create(deputy, c, journal=c.journal_a_up, kind="credit").status_code == 302
    assert _create(deputy, c, journal=c.journal_a_mdk1, kind="diff_credit").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ExamSheet)) == 3


# --- admission -------------------------------------------------------------------------------
def test_admission_follows_the_thresholds(taught, db, app):
    c = taught
    sheet = _make(db, c)
    assert not _rows(db, sheet)[c.vasilyeva.id].admitted
    saved = {k: app.config[k] for k in ("ADMISSION_MIN_AVERAGE", "ADMISSION_MIN_ATTENDANCE")
             if k in app.config}
    app.config["ADMISSION_MIN_AVERAGE"] = 2.0
    try:
        sheets.regenerate(c.teacher1, sheet.id)
        db.session.commit()
        rows = _rows(db, sheet)
        assert rows[c.vasilyeva.id].admitted and rows[c.vasilyeva.id].admission_reason is None
        assert not rows[c.popov.id].admitted  # attendance still below its threshold
        app.config["ADMISSION_MIN_ATTENDANCE"] = 20.0
        sheets.regenerate(c.teacher1, sheet.id)
        db.session.commit()
        assert _rows(db, sheet)[c.popov.id].admitted
    finally:
        for key in ("ADMISSION_MIN_AVERAGE", "ADMISSION_MIN_ATTENDANCE"):
            app.config.pop(key, None)
        app.config.update(saved)
    # an excused absence does not bar from the attestation
    db.session.execute(JournalCell.__table__.update().where(
        JournalCell.student_id == c.popov.id).values(absence_reason="illness"))
    db.session.commit()
    sheets.regenerate(c.teacher1, sheet.id)
    db.session.commit()
    assert _rows(db, sheet)[c.popov.id].admitted


def test_manual_decisions_survive_regeneration(taught, login, db):
    c = taught
    sheet = _make(db, c)
    teacher = login("teacher1")
    url = f"/sheets/{sheet.id}/admission"
    r = teacher.post(url, data={"student": c.student1.id, "action": "refuse", "reason": ""},
                     follow_redirects=True)
    assert "Укажите причину недопуска" in r.get_data(as_text=True)
    assert _rows(db, sheet)[c.student1.id].admitted
    teacher.post(url, data={"student": c.student1.id, "action": "refuse",
                            "reason": "не сдан отчёт по практике"})
    teacher.post(url, data={"student": c.popov.id, "action": "admit"})
    rows = _rows(db, sheet)
    assert not rows[c.student1.id].admitted
    assert rows[c.student1.id].admission_reason == "не сдан отчёт по практике"
    assert rows[c.popov.id].admitted and rows[c.popov.id].decided_by_id == c.teacher1.id
    assert teacher.post(f"/sheets/{sheet.id}/generate").status_code == 302
    rows = _rows(db, sheet)
    assert not rows[c.student1.id].admitted and rows[c.popov.id].admitted
    assert rows[c.popov.id].auto_reason  # the thresholds' reason is kept beside the decision
    teacher.post(url, data={"student": c.popov.id, "action": "auto"})
    assert not _rows(db, sheet)[c.popov.id].admitted
    assert db.session.scalar(select(func.count()).where(
        AuditLog.action == "exam_sheet_admission")) == 3
    # a curator reads the group's sheet but decides nothing
    curator = login("curator1")
    assert curator.get(f"/sheets/{sheet.id}/").status_code == 200
    assert curator.post(url, data={"student": c.popov.id, "action": "admit"}).status_code == 403
    assert not _rows(db, sheet)[c.popov.id].admitted


# --- grades ----------------------------------------------------------------------------------
def _grades(client, sheet, reason="", **values):
    data = {f"grade-{sid}": v for sid, v in values.items()}
    data["reason"] = reason
    return client.post(f"/sheets/{sheet.id}/grades", data=data, follow_redirects=True)


def _finals(db):
    db.session.expire_all()
    return dict(db.session.execute(select(FinalGrade.student_id, FinalGrade.value).where(
        FinalGrade.kind == "exam")).all())


def test_grades_are_the_journals_final_grades(taught, login, db, app):
    c = taught
    sheet = _make(db, c)
    teacher = login("teacher1")
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    r = _grades(teacher, sheet, **{str(c.student1.id): "5", str(c.student2.id): "4"})
    assert r.status_code == 200 and "сохранены" in r.get_data(as_text=True)
    finals = _finals(db)
    assert finals[c.student1.id] == "5" and finals[c.student2.id] == "4"
    # the students not admitted got «н/а» without asking
    assert finals[c.popov.id] == "н/а" and finals[c.vasilyeva.id] == "н/а"
    assert c.a_students[4].id not in finals  # admitted, no grade yet
    # the same grades in the journal's grid and in the student's record
    grid = teacher.get(f"/api/v1/journals/{c.journal_a_op.id}/grid").get_json()
    assert {(f["student_id"], f["kind"], f["value"]) for f in grid["final_grades"]} >= {
        (c.student1.id, "exam", "5"), (c.popov.id, "exam", "н/а")}
    record = login("student1").get(f"/api/v1/students/{c.student1.id}/record").get_json()
    assert any(g["kind"] == "exam" and g["value"] == "5"
               for g in record["result"]["history"])
    # in figures and words on the page
    page = teacher.get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert "отлично" in page and "хорошо" in page and "не допущен" in page
    assert db.session.scalar(select(func.count()).where(
        AuditLog.action == "final_grade_change")) == 4


def test_the_administration_makes_sheets_but_the_examiners_grade(taught, login, db, app):
    """The director (administration) opens and keeps the sheet but has no grade form, and a
    posted grade is refused with nothing written: grades are the teacher's and the deputy's."""
    c = taught
    sheet = _make(db, c)
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    director = login("director")
    page = director.get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert f'name="grade-{c.student1.id}"' not in page
    assert 'id="sheet-grades-by-examiners"' in page and 'id="sheet-admission"' in page
    r = _grades(director, sheet, **{str(c.student1.id): "5"})
    assert r.status_code == 403
    assert _finals(db) == {}
    teacher_page = login("teacher1").get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert f'name="grade-{c.student1.id}"' in teacher_page


def test_grade_other_than_na_for_a_student_not_admitted_is_refused(taught, login, db, app):
    c = taught
    sheet = _make(db, c)
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    r = _grades(login("teacher1"), sheet, **{str(c.student1.id): "5", str(c.popov.id): "3"})
    assert r.status_code == 200 and "только «н/а»" in r.get_data(as_text=True)
    assert _finals(db) == {}  # all or nothing
    r = _grades(login("teacher1"), sheet, **{str(c.student1.id): "7"})
    assert "Недопустимая оценка" in r.get_data(as_text=True) and _finals(db) == {}


def test_deadline_teacher_refused_deputy_with_reason(taught, login, db, app):
    c = taught
    sheet = _make(db, c)
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    teacher = login("teacher1")
    _grades(teacher, sheet, **{str(c.student1.id): "3"})
    app.config["JOURNAL_TODAY"] = "2026-01-16"  # the day after the autumn deadline
    r = _grades(teacher, sheet, **{str(c.student1.id): "4"})
    assert r.status_code == 403 and "Срок" in r.get_data(as_text=True)
    assert _finals(db)[c.student1.id] == "3"
    deputy = login("deputy")
    r = _grades(deputy, sheet, **{str(c.student1.id): "4"})
    assert "основание" in r.get_data(as_text=True) and _finals(db)[c.student1.id] == "3"
    r = _grades(deputy, sheet, reason="Приказ 15-у, апелляция", **{str(c.student1.id): "4"})
    assert "сохранены" in r.get_data(as_text=True)
    assert _finals(db)[c.student1.id] == "4"
    history = db.session.execute(select(FinalGradeChange.old_value, FinalGradeChange.new_value,
                                        FinalGradeChange.after_deadline,
                                        FinalGradeChange.reason).join(
        FinalGrade, FinalGrade.id == FinalGradeChange.final_grade_id).where(
        FinalGrade.student_id == c.student1.id).order_by(FinalGradeChange.id)).all()
    assert [tuple(h) for h in history] == [("", "3", False, None),
                                           ("3", "4", True, "Приказ 15-у, апелляция")]


def test_closed_period_only_the_deputy_with_a_reason(taught, login, db, app):
    c = taught
    sheet = _make(db, c)
    app.config["JOURNAL_TODAY"] = "2026-01-20"
    deputy = login("deputy")
    assert deputy.post(f"/final-grades/periods/{c.autumn.id}/close", data={
        "order_number": "55-у", "order_date": "2026-01-19"}).status_code == 302
    # the teacher: the sheet is read-only in a closed period
    teacher = login("teacher1")
    r = _grades(teacher, sheet, **{str(c.student1.id): "5"})
    assert r.status_code == 403 and "закрыт" in r.get_data(as_text=True)
    assert teacher.post(f"/sheets/{sheet.id}/generate").status_code == 403
    assert _finals(db) == {}
    r = _grades(deputy, sheet, **{str(c.student1.id): "5"})
    assert "основание" in r.get_data(as_text=True) and _finals(db) == {}
    r = _grades(deputy, sheet, reason="Приказ 56-у", **{str(c.student1.id): "5"})
    assert "сохранены" in r.get_data(as_text=True) and _finals(db)[c.student1.id] == "5"


# --- who sees sheets -------------------------------------------------------------------------
def _denied(response) -> bool:
    return response.status_code in (401, 403) or (
        response.status_code == 302 and "/login" in response.headers.get("Location", ""))


def test_row_rules_of_the_pages(taught, login, db):
    c = taught
    sheet = _make(db, c)
    other = _make(db, c, user=c.teacher2, journal=c.journal_b_op)
    for name in ("student1", "parent1"):
        client = login(name)
        for url in ("/sheets/", f"/sheets/{sheet.id}/", f"/sheets/{sheet.id}/print/",
                    f"/sheets/{sheet.id}/xlsx/"):
            assert _denied(client.get(url)), (name, url)
    assert login("teacher2").get(f"/sheets/{sheet.id}/").status_code == 403
    assert login("curator2").get(f"/sheets/{sheet.id}/print/").status_code == 403
    assert login("teacher1").get("/sheets/999999/").status_code == 404
    listed = login("teacher1").get("/sheets/").get_data(as_text=True)
    assert sheet.number in listed and other.number not in listed
    listed = login("curator1").get("/sheets/").get_data(as_text=True)
    assert sheet.number in listed and other.number not in listed
    listed = login("deputy").get(f"/sheets/?group={c.group_b.id}").get_data(as_text=True)
    assert other.number in listed and sheet.number not in listed


def test_print_and_xlsx(taught, login, db, app):
    c = taught
    sheet = _make(db, c)
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    teacher = login("teacher1")
    _grades(teacher, sheet, **{str(c.student1.id): "5"})
    page = teacher.get(f"/sheets/{sheet.id}/print/").get_data(as_text=True)
    assert app.config["COLLEGE_NAME"] in page and "ЭКЗАМЕНАЦИОННАЯ ВЕДОМОСТЬ" in page
    assert sheet.number in page and c.student1.record_book_number in page
    assert "отлично" in page and "не допущен" in page and "Подпись" in page
    assert "Заместитель директора по УР" in page and "navbar" not in page
    r = teacher.get(f"/sheets/{sheet.id}/xlsx/")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.data)).active
    values = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert any(sheet.number in str(v) for v in values)
    assert c.student1.full_name in values and "отлично" in values
    assert c.student1.record_book_number in values
    assert any("Допущено: 3" in str(v) for v in values)
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "export")) == 2


# --- a constant number of queries ------------------------------------------------------------
def _grow(db, c, extra: int):
    for n in range(extra):
        student = Student(last_name=f"Добавленный{n}", first_name="Студент",
                          birth_date=date(2008, 1, 1), record_book_number=f"99-{n:03d}",
                          group_id=c.group_a.id, status="studying")
        db.session.add(student)
        db.session.flush()
        db.session.add(GroupMembership(student_id=student.id, group_id=c.group_a.id,
                                       start_date=date(2024, 9, 1)))
    db.session.commit()


def test_list_and_sheet_in_a_constant_number_of_queries(taught, login, db, app):
    c = taught
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    sheet = _make(db, c)
    teacher, deputy = login("teacher1"), login("deputy")

    def measure():
        return (count_queries(db, lambda: teacher.get(f"/sheets/{sheet.id}/")),
                count_queries(db, lambda: deputy.get("/sheets/")),
                count_queries(db, lambda: teacher.get(f"/api/v1/sheets/{sheet.id}")))
    measure()  # the first request of a login session records it once
    small = measure()
    _grow(db, c, 12)
    sheets.regenerate(c.teacher1, sheet.id)
    _make(db, c, user=c.teacher2, journal=c.journal_b_op)
    _make(db, c, user=c.deputy, journal=c.journal_a_up, kind="credit")
    db.session.commit()
    _grades(teacher, sheet, **{str(s.id): "4" for s in c.a_students[:2]})
    assert len(_rows(db, sheet)) == 17
    measure()  # the flash message of the grades' save is shown once
    assert measure() == small


def test_the_teachers_start_page_lists_sheets_to_fill(taught, login, db, app):
    c = taught
    sheet = _make(db, c)
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    teacher = login("teacher1")
    page = teacher.get("/").get_data(as_text=True)
    assert "Ведомости к заполнению" in page and sheet.number in page
    assert sheet.number not in login("teacher2").get("/").get_data(as_text=True)
    admitted = [s for s in c.a_students if s not in (c.popov, c.vasilyeva)]
    _grades(teacher, sheet, **{str(s.id): "4" for s in admitted})  # н/а for the others
    assert len(_finals(db)) == 5
    assert sheet.number not in teacher.get("/").get_data(as_text=True)


def test_stored_text_is_shown_escaped(taught, login, db):
    c = taught
    evil = '<script>alert("ведомость")</script>'
    r = _create(login("teacher1"), c, place='<img src=x onerror=alert(1)>')
    sheet = _sheet(db)
    teacher = login("teacher1")
    teacher.post(f"/sheets/{sheet.id}/admission", data={"student": c.student1.id,
                                                        "action": "refuse", "reason": evil})
    assert r.status_code == 302 and _rows(db, sheet)[c.student1.id].admission_reason == evil
    for url in (f"/sheets/{sheet.id}/", f"/sheets/{sheet.id}/print/"):
        html = teacher.get(url).get_data(as_text=True)
        assert evil not in html and "&lt;script&gt;" in html, url
        assert "<img src=x" not in html, url


def test_the_form_offers_the_forms_the_curriculum_has(taught, login, db, app):
    c = taught
    target = f'value="{c.journal_a_op.id}:{c.autumn.id}:exam"'
    page = login("teacher1").get("/sheets/").get_data(as_text=True)
    assert target in page and f'value="{c.journal_a_mdk1.id}:{c.autumn.id}:diff_credit"' in page
    assert f"{c.journal_a_op.id}:{c.autumn.id}:credit" not in page  # not in the plan
    assert f'value="{c.journal_b_op.id}:' not in page  # another teacher's journal
    assert f'value="{c.journal_b_op.id}:{c.autumn.id}:exam"' in \
        login("deputy").get("/sheets/").get_data(as_text=True)
    _make(db, c)
    assert target not in login("teacher1").get("/sheets/").get_data(as_text=True)


def test_the_family_sees_the_session_and_why_not_admitted(taught, login, db):
    """27: a student «не допущен» on a sheet, and nobody in the family could see it; the diary
    shows the session: date, place, admission with its reason, the grade once set."""
    c = taught
    sheet = _make(db, c)
    row = _rows(db, sheet)[c.student1.id]
    row.admitted, row.admission_reason = False, "посещаемость 40,0 % ниже 50 %"
    db.session.commit()
    for username in ("student1", "parent1"):
        page = login(username).get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
        block = page.split('id="record-session"')[1].split("</table>")[0]
        assert sheet.number in block and "25.12.2025" in block and "ауд. 214" in block
        assert "не допущен(а)</b>: посещаемость 40,0 % ниже 50 %" in block, username
    # a teacher of another discipline only: no sheet of theirs, no block
    other = login("teacher2").get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert 'id="record-session"' not in other


def test_the_record_api_and_the_start_page_carry_the_session(taught, login, db):
    """27: the API's record and the family's start page have the «Сессия» too: the sheet with
    its date as ISO text, place, admission and its reason; an open debt with its next retake."""
    from app.models.debts import AcademicDebt, Retake, RetakeEntry
    c = taught
    sheet = _make(db, c)
    row = _rows(db, sheet)[c.student1.id]
    row.admitted, row.admission_reason = False, "посещаемость 40,0 % ниже 50 %"
    debt = AcademicDebt(student_id=c.student1.id, journal_id=c.journal_a_op.id,
                        period_id=c.spring.id, kind="semester", origin="missing",
                        deadline=date(2025, 11, 30))
    held = Retake(discipline_id=c.journal_a_op.discipline_id, group_id=c.group_a.id, attempt=1,
                  retake_date=date(2025, 10, 1), place="ауд. 100")
    ahead = Retake(discipline_id=c.journal_a_op.discipline_id, group_id=c.group_a.id,
                   attempt=1, retake_date=date(2025, 11, 20), starts_at=time(10, 10),
                   place="ауд. 301")
    db.session.add_all([debt, held, ahead])
    db.session.flush()
    db.session.add_all([RetakeEntry(retake_id=held.id, debt_id=debt.id),
                        RetakeEntry(retake_id=ahead.id, debt_id=debt.id)])
    db.session.commit()
    answer = login("student1").get(f"/api/v1/students/{c.student1.id}/record")
    found = answer.get_json()["result"]["session"]
    assert [(e["sheet"], e["date"], e["place"], e["admitted"], e["reason"], e["grade"])
            for e in found["exams"]] == [
        (sheet.number, "2025-12-25", "ауд. 214", False, "посещаемость 40,0 % ниже 50 %", None)]
    assert [(d["code"], d["deadline"], d["retake"]) for d in found["debts"]] == [
        ("ОП.01", "2025-11-30", {"date": "2025-11-20", "time": "10:10", "place": "ауд. 301"})]
    # the grade once set
    db.session.add(FinalGrade(journal_id=c.journal_a_op.id, student_id=c.student1.id,
                              period_id=c.autumn.id, kind="exam", value="4"))
    db.session.commit()
    exams = login("parent1").get(f"/api/v1/students/{c.student1.id}/record").get_json()
    assert exams["result"]["session"]["exams"][0]["grade"] == "4"
    for username in ("student1", "parent1"):
        home = login(username).get("/").get_data(as_text=True)
        block = home.split('class="home-session"')[1]
        assert sheet.number in block and "25.12.2025" in block and "ауд. 214" in block
        assert "не допущен(а)</b>: посещаемость 40,0 % ниже 50 %" in block, username
        assert "пересдача 20.11.2025, 10:10, ауд. 301" in block and "01.10.2025" not in block
    # a teacher of another discipline: none of it
    other = login("teacher2").get(f"/api/v1/students/{c.student1.id}/record").get_json()
    assert other["result"]["session"] == {"exams": [], "debts": []}
