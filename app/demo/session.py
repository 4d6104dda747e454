"""Demo college: the end of the semester — exam sheets, academic debts and retakes (4.7)."""
from datetime import timedelta

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import FinalGrade, FinalGradeChange, Journal
from ..models.debts import AcademicDebt
from ..services.assessment import debt_deadlines, debts, retakes, sheets
from ..services.journal.final_grades import kinds_by_period


PLACES = {"exam": "ауд. 214", "course_project": "лаб. 316", "module_exam": "лаб. 316"}
# when each attestation begins: the exam in the morning, the others later in the day
STARTS = {"exam": "09:00", "credit": "10:10", "course_project": "12:00", "module_exam": "13:40"}


def build_sheets(builder) -> None:
    """Sheets of the period under way: an exam, a credit, a course project and a module exam
    of the first journals that have them, made by their teachers; one student not admitted by
    the teacher's decision."""
    b = builder
    period = b.lesson_period
    journals = db.session.scalars(select(Journal).where(
        Journal.academic_year_id == period.academic_year_id).options(
        joinedload(Journal.group), joinedload(Journal.academic_year))
        .order_by(Journal.id)).unique().all()
    exam_day = max(period.end_date - timedelta(days=3), b.today)
    # 4.7: in a period already closed by order only the deputy keeps sheets
    deputy = db.session.get(User, b.users["deputy"]) if period.closed_at else None
    made = []
    for kind in ("exam", "credit", "course_project", "module_exam"):
        # a course project is defended by subgroups where the МДК is split
        journal = next((j for j in journals
                        if (j.subgroup_id is None or kind == "course_project")
                        and kind in kinds_by_period(j).get(period.id, [])), None)
        if journal is None:
            continue
        author = deputy or db.session.get(User, journal.teacher_id)
        made.append(sheets.create_sheet(author, journal.id, period.id, kind, exam_day,
                                        PLACES.get(kind, "ауд. 305"), (), b.today,
                                        starts_at=STARTS[kind]))
    if made and made[0].rows:
        sheet = made[0]
        admitted = sorted((r for r in sheet.rows if r.admitted), key=lambda r: r.student_id)
        if admitted:
            sheets.decide(deputy or db.session.get(User, sheet.journal.teacher_id), sheet.id,
                          admitted[0].student_id, "refuse",
                          "не выполнены практические работы")
    b.counts["sheets"] = len(made)


def _fail(journal, student_id, period, kind) -> None:
    """The student's final grade becomes a 2, as first set (its one history row too)."""
    grade_id = db.session.scalar(select(FinalGrade.id).where(
        FinalGrade.journal_id == journal.id, FinalGrade.student_id == student_id,
        FinalGrade.period_id == period.id, FinalGrade.kind == kind))
    if grade_id is None:
        return
    db.session.execute(update(FinalGrade).where(FinalGrade.id == grade_id).values(value="2"))
    db.session.execute(update(FinalGradeChange).where(
        FinalGradeChange.final_grade_id == grade_id).values(new_value="2"))


def _failed_attestation(b):
    """The first closed period of the previous year in which curator1's group sat an exam
    (else any graded attestation): (period, kind, journals), or None."""
    for kind, form in (("exam", "exam"), ("semester", "grade")):
        for number in (1, 2):
            period = b.periods[("prev", number)]
            journals = [j for j in b.journals if j.year == "prev" and j.group == 0
                        and j.forms[number - 1] == form and j.subgroup_id is None]
            if period.closed_at is not None and journals:
                return period, kind, journals
    return None


def build_debts(builder) -> None:
    """Closed semesters with academic debts (4.7): the closed periods' unsatisfactory, «н/а»
    and missing grades become debts; in the previous year student1 and a classmate fail an
    exam; the classmate passes the retake (the grade changes with its history), student1 fails
    it and the second retake, before a commission, is scheduled."""
    b = builder
    chosen = _failed_attestation(b)
    classmates = [sid for sid in b.rosters[("prev", 0)] if sid != b.student1.id
                  and sid in b.base_roster[0]]
    if chosen and classmates:
        period, kind, journals = chosen
        _fail(journals[0], b.student1.id, period, kind)
        _fail(journals[-1], classmates[0], period, kind)
    debts.sync_debts()
    b.counts["debts"] = db.session.scalar(select(func.count(AcademicDebt.id)))
    if not chosen or not classmates:
        return
    deputy = db.session.get(User, b.users["deputy"])
    held = (period.close_order_date or b.today) + timedelta(days=14)

    def debt_of(journal, student_id):
        return db.session.scalar(select(AcademicDebt.id).where(
            AcademicDebt.journal_id == journal.id, AcademicDebt.student_id == student_id,
            AcademicDebt.period_id == period.id, AcademicDebt.kind == kind))

    for journal, student_id, result in ((journals[-1], classmates[0], "4"),
                                        (journals[0], b.student1.id, "2")):
        examiner = db.session.get(User, journal.teacher_id)
        retake = retakes.schedule_retake(deputy, [debt_of(journal, student_id)], held,
                                       "ауд. 214", examiner_id=examiner.id, today=held,
                                       starts_at="14:00")
        retakes.enter_results(examiner, retake.id, {retake.entries[0].id: result}, today=held)
    chairman = b.users["curator1"]
    commission = [chairman] + list(dict.fromkeys(
        uid for uid in (journals[0].teacher_id, b.users["teacher15"], b.users["teacher7"])
        if uid != chairman))[:2]
    second = db.session.get(AcademicDebt, debt_of(journals[0], b.student1.id))
    second_day = b.today + timedelta(days=7)
    if second_day > second.deadline:  # 4.7: a later retake needs the deputy's order first
        debt_deadlines.extend_deadline(deputy, [second.id], second_day + timedelta(days=14),
                                       f"{200 + period.number}-у", b.today, today=b.today)
    retakes.schedule_retake(deputy, [second.id], second_day, "ауд. 101 (комиссия)",
                          chairman_id=commission[0], member_ids=commission[1:], today=b.today,
                          starts_at="15:20")
    b.counts["retakes"] = 3


def build_session(builder) -> None:
    build_sheets(builder)
    build_debts(builder)
