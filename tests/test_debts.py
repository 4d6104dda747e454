"""Academic debts (4.7): closing a period turns its unsatisfactory, «н/а» and missing grades
into debts with their origin and deadline; the register (college, curator, teacher) with its
counts, filters, deadlines, students who left, XLSX and a constant number of queries."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import AuditLog, FinalGrade, Student
from app.models.debts import AcademicDebt
from app.models.sheets import ExamSheet, ExamSheetRow
from app.services.assessment import debt_register, debts, retakes
from app.services.journal import periods
from app.services.journal.final_grades import set_final_grade
from tests.print_helpers import table_rows
from tests.journal_helpers import count_queries

CLOSED_ON = date(2026, 1, 16)
AFTER_CLOSING = "2026-01-20"


def grade(db, journal, student, period, kind, value):
    db.session.add(FinalGrade(journal_id=journal.id, student_id=student.id,
                              period_id=period.id, kind=kind, value=value,
                              set_by_id=journal.teacher_id))


def autumn_grades(c, db):
    """ОП.01 exam of group A: Смирнов 2, Кузнецова н/а (not admitted on the sheet), Попов н/а,
    Васильева nothing, Соколов 5; УП.01 credit: Смирнов незач; every other grade positive."""
    a = c.a_students
    for student, value in zip(a, ("2", "н/а", "н/а", None, "5")):
        if value:
            grade(db, c.journal_a_op, student, c.autumn, "exam", value)
    sheet = ExamSheet(number="1-Э", journal_id=c.journal_a_op.id, period_id=c.autumn.id,
                      kind="exam", exam_date=date(2025, 12, 25))
    db.session.add(sheet)
    db.session.flush()
    db.session.add(ExamSheetRow(sheet_id=sheet.id, student_id=c.student2.id, admitted=False,
                                admission_reason="посещаемость 40,0 % ниже 50 %"))
    for student in a:
        grade(db, c.journal_a_up, student, c.autumn, "credit",
              "незач" if student.id == c.student1.id else "зач")
    for student in a[:3]:
        grade(db, c.journal_a_mdk1, student, c.autumn, "diff_credit", "4")
    for student in a[3:]:
        grade(db, c.journal_a_mdk2, student, c.autumn, "diff_credit", "4")
    for student in c.b_students:
        grade(db, c.journal_b_op, student, c.autumn, "exam", "4")
    db.session.commit()


def close_autumn(c, db):
    periods.close_period(c.deputy, c.autumn.id, "50-у", CLOSED_ON, date(2026, 1, 20))
    db.session.commit()


@pytest.fixture()
def closed(college, db, app, monkeypatch):
    """The test college with the autumn graded and closed by the deputy's order; today is
    four days after the closing."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", AFTER_CLOSING)
    autumn_grades(college, db)
    close_autumn(college, db)
    return college


def debt_of(db, student, journal):
    return db.session.scalar(select(AcademicDebt).where(
        AcademicDebt.student_id == student.id, AcademicDebt.journal_id == journal.id))


# --- materialising -----------------------------------------------------------------------------
def test_closing_a_period_makes_debts_with_their_origins(closed, db, app):
    c = closed
    a = c.a_students
    found = {(d.student_id, d.journal_id, d.kind, d.origin, d.grade_value)
             for d in db.session.scalars(select(AcademicDebt))}
    assert found == {
        (a[0].id, c.journal_a_op.id, "exam", "unsatisfactory", "2"),
        (a[1].id, c.journal_a_op.id, "exam", "not_admitted", "н/а"),
        (a[2].id, c.journal_a_op.id, "exam", "not_attested", "н/а"),
        (a[3].id, c.journal_a_op.id, "exam", "missing", None),
        (a[0].id, c.journal_a_up.id, "credit", "unsatisfactory", "незач"),
    }
    days = app.config["DEBT_DEADLINE_DAYS"]
    assert {d.deadline for d in db.session.scalars(select(AcademicDebt))} == {
        date.fromordinal(CLOSED_ON.toordinal() + days)}
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "debts_sync")) == 1


def test_an_open_period_makes_no_debts(college, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", AFTER_CLOSING)
    autumn_grades(college, db)
    assert debts.sync_debts() == {"created": 0, "closed": 0, "updated": 0}
    assert db.session.scalar(select(func.count()).select_from(AcademicDebt)) == 0


def test_sync_is_idempotent_and_a_corrected_grade_closes_the_debt(closed, db):
    c = closed
    assert debts.sync_debts() == {"created": 0, "closed": 0, "updated": 0}
    # the deputy's correction in the closed period (periods.ensure_open: with a reason)
    set_final_grade(c.deputy, c.journal_a_op, {
        "student_id": c.student1.id, "period_id": c.autumn.id, "kind": "exam", "value": "3",
        "reason": "ошибка при переносе из ведомости"}, date(2026, 1, 21))
    assert debts.sync_debts()["closed"] == 1
    db.session.commit()
    assert debt_of(db, c.student1, c.journal_a_op).status == "closed"
    assert debt_of(db, c.student1, c.journal_a_up).status == "open"


# --- the register -------------------------------------------------------------------------------
def test_register_lists_counts_and_filters(closed, login):
    c = closed
    deputy = login("deputy")
    page = deputy.get("/debts/").get_data(as_text=True)
    for student in c.a_students[:4]:
        assert student.last_name in page
    assert "Соколов" not in page
    assert 'data-group="%d"><td><a' % c.group_a.id in page
    data = debt_register.register(c.deputy, debt_register.clean_filters({}), date(2026, 1, 20))
    assert [(g["name"], g["count"]) for g in data["by_group"]] == [("ИС-24-1", 5)]
    assert {d["code"]: d["count"] for d in data["by_discipline"]} == {"ОП.01": 4, "УП.01": 1}
    only = deputy.get("/debts/?origin=missing").get_data(as_text=True)
    assert "Васильева" in only and "Смирнов" not in only
    by_discipline = deputy.get(f"/debts/?discipline={c.up01.id}").get_data(as_text=True)
    assert "Смирнов" in by_discipline and "Кузнецова" not in by_discipline
    for query in ("group=zzz&status=<b>&page=-3", "group=99999999999&page=99999999999999999"):
        assert deputy.get(f"/debts/?{query}").status_code == 200


def test_overdue_debts_are_flagged(closed, login, app, monkeypatch, db):
    deadline = db.session.scalar(select(AcademicDebt.deadline).limit(1))
    page = login("deputy").get("/debts/").get_data(as_text=True)
    assert "просрочена</b>" not in page
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", date.fromordinal(
        deadline.toordinal() + 1).isoformat())
    page = login("deputy").get("/debts/?status=overdue").get_data(as_text=True)
    assert page.count("просрочена</b>") == 5
    data = debt_register.register(closed.deputy, debt_register.clean_filters({}),
                          date.fromordinal(deadline.toordinal() + 1))
    assert data["summary"]["overdue"] == 5 and all(r["overdue"] for r in data["rows"])


def test_students_who_left_are_shown_apart(closed, login, db):
    c = closed
    db.session.get(Student, c.a_students[2].id).status = "expelled"
    db.session.commit()
    deputy = login("deputy")
    page = deputy.get("/debts/").get_data(as_text=True)
    assert "Попов" not in page and "у выбывших студентов" in page
    left = deputy.get("/debts/?left=1").get_data(as_text=True)
    assert "Попов" in left and "Смирнов" not in left


def test_register_rows_follow_the_users_scope(closed, login):
    c = closed
    # curator1 curates group A; teacher1 teaches ОП.01 of group A; teacher2 teaches group B's
    # ОП.01 and group A's МДК subgroup (no debts); curator2 curates group B (no debts)
    assert "Смирнов" in login("curator1").get("/debts/").get_data(as_text=True)
    teacher1 = login("teacher1").get("/debts/").get_data(as_text=True)
    assert "Кузнецова" in teacher1 and "УП.01" not in teacher1.split('id="debts"')[1]
    for username in ("teacher2", "curator2"):
        page = login(username).get("/debts/").get_data(as_text=True)
        assert "Смирнов" not in page and 'id="debts-none"' in page
    found = debt_register.register(c.teacher2, debt_register.clean_filters({}))
    assert found["summary"]["all"] == 0


def test_row_filter_gives_families_their_own_debts_only(closed, db):
    """debt_filter (the register's and the retakes' row rule): a student their own debts, a
    parent their minor child's, nothing once the child is of age (5.2)."""
    c = closed

    def students(user):
        return set(db.session.scalars(select(AcademicDebt.student_id).where(
            debts.debt_filter(user))))
    assert students(c.users["student1"]) == {c.student1.id}
    assert students(c.users["parent1"]) == {c.student1.id}
    assert debt_of(db, c.student2, c.journal_a_op) is not None  # the adult has debts…
    assert students(c.users["parent2"]) == set()                 # …their parent sees none


def test_student_page_refusals(closed, login):
    c = closed
    assert login("student1").get(f"/debts/student/{c.student1.id}").status_code == 200
    other = login("student1").get(f"/debts/student/{c.student2.id}")
    assert other.status_code == 403 and "Кузнецова" not in other.get_data(as_text=True)
    # teacher2 teaches student1's group (the other subgroup of МДК) but none of their
    # disciplines: the student is theirs to see (tests/test_student_row_rule.py), no debt is
    page = login("teacher2").get(f"/debts/student/{c.student1.id}")
    assert page.status_code == 200 and "Операционные системы" not in page.get_data(as_text=True)
    assert login("parent2").get(f"/debts/student/{c.student2.id}").status_code == 403
    assert login("deputy").get("/debts/student/987654").status_code == 404
    page = login("teacher1").get(f"/debts/student/{c.student1.id}").get_data(as_text=True)
    assert "ОП.01" in page and "УП.01" not in page  # their disciplines only


def test_register_xlsx(closed, login):
    response = login("deputy").get("/debts/register.xlsx?status=all")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    rows = table_rows(book["Задолженности"])[1:]
    assert sorted(r[1].split()[0] for r in rows) == sorted(
        ["Смирнов", "Смирнов", "Кузнецова", "Попов", "Васильева"])
    assert table_rows(book["По группам"])[1:] == [("ИС-24-1", 5, 0)]
    assert login("student1").get("/debts/register.xlsx").status_code in (302, 403)


def test_register_renders_with_a_constant_number_of_queries(closed, login, db):
    c = closed
    deputy = login("deputy")
    small = count_queries(db, lambda: deputy.get("/debts/?status=all"))
    for student in c.b_students:  # three more students, a second group and more retakes
        db.session.add(AcademicDebt(student_id=student.id, journal_id=c.journal_b_op.id,
                                    period_id=c.autumn.id, kind="exam", origin="missing",
                                    deadline=date(2026, 3, 1), status="open",
                                    failed_retakes=0))
    db.session.commit()
    retakes.schedule_retake(c.deputy, [d.id for d in db.session.scalars(select(AcademicDebt)
                          .where(AcademicDebt.journal_id == c.journal_b_op.id))],
                          date(2026, 2, 2), "ауд. 101", examiner_id=c.teacher2.id,
                          today=date(2026, 1, 20))
    db.session.commit()
    big = count_queries(db, lambda: deputy.get("/debts/?status=all"))
    assert big == small
    page = deputy.get("/debts/?status=all").get_data(as_text=True)
    assert "ИС-24-2" in page and page.count('data-debt="') == 8


def test_curator_start_page_and_record_show_open_debts(closed, login, app, monkeypatch):
    c = closed
    home = login("curator1").get("/").get_data(as_text=True)
    assert 'id="home-debts"' in home
    assert debts.group_debt_counts([c.group_a.id, c.group_b.id], date(2026, 1, 20)) == {
        c.group_a.id: {"open": 5, "overdue": 0}}
    record = login("student1").get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert 'id="record-debts"' in record and "УП.01" in record.split('id="record-debts"')[1]



def test_demo_college_has_closed_semesters_with_debts_and_retakes(app, db, monkeypatch):
    """Issue 14.8: the previous year's closed semesters hold debts; student1 failed a retake
    and has a second one before a commission scheduled; a classmate passed theirs (the grade
    changed with its history)."""
    from app.demo.college import build_demo
    from app.models import FinalGradeChange, Period, User
    from app.models.debts import Retake, RetakeEntry
    from tests.factories import PASSWORD
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-11-20")
    build_demo(PASSWORD)
    closed_ids = set(db.session.scalars(select(Period.id).where(Period.closed_at.is_not(None))))
    assert closed_ids and set(db.session.scalars(select(AcademicDebt.period_id))) <= closed_ids
    student1 = db.session.scalar(select(Student).join(User, User.id == Student.user_id)
                                 .where(User.username == "student1"))
    failed = db.session.scalar(select(AcademicDebt).where(
        AcademicDebt.student_id == student1.id, AcademicDebt.failed_retakes == 1))
    assert failed.status == "open" and failed.origin == "unsatisfactory"
    attempts = sorted((e.retake.attempt, e.result, len(e.retake.examiners))
                      for e in db.session.scalars(select(RetakeEntry).where(
                          RetakeEntry.debt_id == failed.id)))
    assert attempts == [(1, "2", 1), (2, None, 3)]
    passed = db.session.scalar(select(AcademicDebt).where(
        AcademicDebt.closed_by_retake_id.is_not(None)))
    final = db.session.scalar(select(FinalGrade).where(
        FinalGrade.journal_id == passed.journal_id, FinalGrade.student_id == passed.student_id,
        FinalGrade.period_id == passed.period_id, FinalGrade.kind == passed.kind))
    history = [(h.old_value, h.new_value) for h in db.session.scalars(
        select(FinalGradeChange).where(FinalGradeChange.final_grade_id == final.id)
        .order_by(FinalGradeChange.id))]
    assert final.value == "4" and history == [("", "2"), ("2", "4")]
    assert db.session.scalar(select(func.count()).select_from(Retake)) == 3


def test_debts_sync_command_is_idempotent(closed, app, db):
    db.session.execute(AcademicDebt.__table__.delete().where(
        AcademicDebt.student_id == closed.a_students[3].id))
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["journal", "debts-sync"])
    assert first.exit_code == 0 and "создано 1" in first.output
    again = runner.invoke(args=["journal", "debts-sync"])
    assert again.exit_code == 0 and "создано 0" in again.output
    assert db.session.scalar(select(func.count()).select_from(AcademicDebt)) == 5
