"""The teacher's start page (4.4-4.7): today's pairs, lessons left unfinished, final grades due.

Queries: the teacher's journals, the day's timetable (three), lessons of today and of the last
days, the periods, the curriculum's forms, students per group and subgroup, final grades set —
the same number whatever the size of the college.
"""
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import FinalGrade, Journal, Lesson, Period, Student, SubgroupMember
from ..assessment import sheet_reading
from ..journal import forecast
from ..journal.generation import period_forms, plan_forms
from ..journal.timetable import teacher_pairs
from ..scopes import role_names

# 4.6: a lesson is entered on its day; the start page reminds of those of the last two weeks.
UNFINISHED_DAYS = 14
UNFINISHED_LIMIT = 15
STUDYING = ("studying",)


def _own_journals(user) -> dict[int, Journal]:
    return {j.id: j for j in db.session.scalars(
        select(Journal).where(Journal.teacher_id == user.id).options(
            joinedload(Journal.group), joinedload(Journal.subgroup),
            joinedload(Journal.discipline)))}


def today_pairs(user, day: date) -> list[dict]:
    """Today's pairs of the teacher by the timetable (with the day's changes, substitutions
    given to them included), each with the lesson already recorded for it, if any."""
    pairs = teacher_pairs(user, day, day)
    recorded = {(le.journal_id, le.pair_number): le for le in db.session.scalars(
        select(Lesson).where(Lesson.journal_id.in_({p["journal"].id for p in pairs}),
                             Lesson.lesson_date == day))} if pairs else {}
    return [dict(p, lesson=recorded.get((p["journal"].id, p["pair_number"]))) for p in pairs]


def missing_pairs(user, day: date) -> list[dict]:
    """3.3, 4.4: pairs of the last days that the timetable gave the teacher and nobody
    recorded (pair by pair), newest first."""
    start = day - timedelta(days=UNFINISHED_DAYS)
    pairs = teacher_pairs(user, start, day - timedelta(days=1))
    if not pairs:
        return []
    recorded = set(map(tuple, db.session.execute(select(
        Lesson.journal_id, Lesson.lesson_date, Lesson.pair_number).where(
        Lesson.journal_id.in_({p["journal"].id for p in pairs}), Lesson.lesson_date >= start,
        Lesson.lesson_date < day)).all()))
    missing = [p for p in pairs
               if (p["journal"].id, p["date"], p["pair_number"]) not in recorded]
    return list(reversed(missing))[:UNFINISHED_LIMIT]


def unfinished_lessons(user, day: date) -> list[Lesson]:
    """4.4-4.5: the teacher's lessons of the last days without a topic or without attendance."""
    return db.session.scalars(
        select(Lesson).where(
            Lesson.teacher_id == user.id, Lesson.lesson_date < day,
            Lesson.lesson_date >= day - timedelta(days=UNFINISHED_DAYS),
            or_(Lesson.attendance_taken.is_(False),
                and_(Lesson.topic_id.is_(None),
                     func.coalesce(func.trim(Lesson.topic), "") == "")))
        .options(joinedload(Lesson.journal).joinedload(Journal.group),
                 joinedload(Lesson.journal).joinedload(Journal.subgroup),
                 joinedload(Lesson.journal).joinedload(Journal.discipline))
        .order_by(Lesson.lesson_date.desc(), Lesson.pair_number)
        .limit(UNFINISHED_LIMIT)).unique().all()


def _student_counts(journals: dict[int, Journal]) -> dict[int, int]:
    """Journal → students who get a final grade there: the group's studying students, or the
    subgroup's members."""
    groups = {j.group_id for j in journals.values()}
    subgroups = {j.subgroup_id for j in journals.values() if j.subgroup_id}
    per_group = dict(db.session.execute(
        select(Student.group_id, func.count(Student.id))
        .where(Student.group_id.in_(groups), Student.status.in_(STUDYING))
        .group_by(Student.group_id)).all())
    per_subgroup = dict(db.session.execute(
        select(SubgroupMember.subgroup_id, func.count(SubgroupMember.student_id))
        .join(Student, Student.id == SubgroupMember.student_id)
        .where(SubgroupMember.subgroup_id.in_(subgroups), Student.status.in_(STUDYING))
        .group_by(SubgroupMember.subgroup_id)).all())
    return {jid: (per_subgroup.get(j.subgroup_id, 0) if j.subgroup_id
                  else per_group.get(j.group_id, 0)) for jid, j in journals.items()}


def final_grades_due(journals: dict[int, Journal], day: date) -> list[dict]:
    """4.7: journals whose final grades of a period are not all set while its deadline has not
    passed (the period has begun, the deadline is today or later)."""
    periods = db.session.scalars(select(Period).where(
        Period.start_date <= day, Period.final_grade_deadline >= day,
        Period.closed_at.is_(None)).options(joinedload(Period.academic_year))).all()
    plan = plan_forms()
    students = _student_counts(journals)
    set_counts = {(jid, pid): n for jid, pid, n in db.session.execute(
        select(FinalGrade.journal_id, FinalGrade.period_id,
               func.count(func.distinct(FinalGrade.student_id)))
        .where(FinalGrade.journal_id.in_(list(journals)),
               FinalGrade.period_id.in_([p.id for p in periods]))
        .group_by(FinalGrade.journal_id, FinalGrade.period_id))}
    due = []
    for period in sorted(periods, key=lambda p: p.final_grade_deadline):
        for journal in sorted(journals.values(), key=lambda j: j.title):
            if journal.academic_year_id != period.academic_year_id:
                continue
            if not period_forms(journal, [period], plan).get(period.id):
                continue  # the plan sets no assessment in this semester
            total, done = students[journal.id], set_counts.get((journal.id, period.id), 0)
            if total and done < total:
                due.append(dict(journal=journal, period=period, done=done, total=total,
                                deadline=period.final_grade_deadline,
                                days_left=(period.final_grade_deadline - day).days))
    return due


def teacher_day(user, day: date) -> dict:
    journals = _own_journals(user)
    return dict(day=day, pairs=today_pairs(user, day), missing=missing_pairs(user, day),
                unfinished=unfinished_lessons(user, day),
                due=final_grades_due(journals, day), journals=len(journals),
                # a teacher who also curates sees one block, in the curator's section
                at_risk=None if "Curator" in role_names(user)
                else forecast.at_risk(user, day, scope="teacher"),
                sheets=sheet_reading.sheets_to_fill(user, day))
