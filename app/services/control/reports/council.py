"""Users' work in the journal for the pedagogical council (6.2), per semester and per year.

The head of IT presents it: per teacher and per department, how the journal was kept —
lessons recorded on the lesson day, recorded late, missing by the timetable, without a topic,
without attendance; final grades set by the deadline; corrections after the fact; logins —
with the college's totals.

Definitions (one place):
- a lesson counts in the semester of its date and for the teacher who gave it (a substitute
  included, 4.4); «в день занятия» = not entered late (4.6);
- «не записано по расписанию» = a pair of the timetable (with its changes) whose day is over
  and for which the journal holds no lesson of that date and pair; it counts for the journal's
  teacher, or for the substitute the timetable's change names;
- «доля в срок» = lessons recorded on the day / (lessons recorded + lessons missing);
- a final grade is «в срок» when it was first set no later than its period's deadline (the
  college's day); grades of a period without a deadline are counted as set, not as late;
- corrections = changes of the scope's lessons made after the lesson day (1.6) and changes of
  its periods' final grades after the deadline (4.7), whenever made, by who made them;
- logins are counted from the audit log (4.1).
"""
from collections import defaultdict
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from ....errors import Refused
from ....extensions import db
from ....infra import clock
from ....models import (
    AcademicYear, AuditLog, CellChange, Department, FinalGrade, FinalGradeChange, Journal, Lesson,
    Period, StaffProfile,
)
from ....security.access import STAFF, TEACHES
from ...journal.timetable import timetabled_pairs_by_group

from . import percent, staff_work, usage
from .duties import duties

COUNTS = ("lessons", "on_day", "late", "missing", "no_topic", "no_homework", "no_attendance",
          "grades", "grades_on_time", "grades_late", "corrections", "logins")
NO_DEPARTMENT = "без отделения"
NO_TOPIC = and_(Lesson.topic_id.is_(None), func.coalesce(func.trim(Lesson.topic), "") == "")
# a lesson gives homework when the kind is chosen or the text written
NO_HOMEWORK = and_(Lesson.homework_kind == "none",
                   func.coalesce(func.trim(Lesson.homework), "") == "")


def scope(period_id: int | None, year_id: int | None) -> tuple[str, list[Period]]:
    """The semester or the academic year asked for: (title, its periods)."""
    if year_id:
        year = db.session.get(AcademicYear, year_id)
        periods = db.session.scalars(select(Period).where(
            Period.academic_year_id == year_id).order_by(Period.start_date)).all() if year else []
        if not periods:
            raise Refused(_("Учебный год не найден или в нём нет семестров."))
        return f"{year.name} учебный год", periods
    if period_id:
        period = db.session.get(Period, period_id)
        if period is None:
            raise Refused(_("Семестр не найден."))
        return str(period), [period]
    raise Refused(_("Выберите семестр или учебный год."))


def default_period(periods: list[Period], today: date,
                   with_data: set[int] | None = None) -> Period | None:
    """The period a report opens on: the latest begun one that has data (`with_data`: the
    ids of periods with lessons, or with final grades) — the current one when it has; when
    none has, the last completed semester, before the first one ends the current one."""
    started = sorted((p for p in periods if p.start_date <= today),
                     key=lambda p: p.start_date, reverse=True)
    found = next((p for p in started if p.id in (with_data or ())), None)
    if found is not None:
        return found
    done = [p for p in periods if p.end_date < today]
    if done:
        return max(done, key=lambda p: p.end_date)
    return started[0] if started else None


def periods_with_lessons() -> set[int]:
    """Ids of the periods in which at least one lesson was given."""
    return set(db.session.scalars(select(Period.id).where(select(Lesson.id).where(
        Lesson.lesson_date.between(Period.start_date, Period.end_date)).exists())))


def periods_with_final_grades() -> set[int]:
    return set(db.session.scalars(select(FinalGrade.period_id).distinct()))


def _lesson_counts(start: date, end: date) -> dict[int, dict]:
    rows = db.session.execute(select(
        Lesson.teacher_id, func.count(),
        func.sum(case((Lesson.is_late.is_(True), 1), else_=0)),
        func.sum(case((NO_TOPIC, 1), else_=0)),
        func.sum(case((Lesson.attendance_taken.is_(False), 1), else_=0)),
        func.sum(case((NO_HOMEWORK, 1), else_=0)),
    ).where(Lesson.lesson_date >= start, Lesson.lesson_date <= end, *_live_lessons())
        .group_by(Lesson.teacher_id))
    return {r[0]: dict(lessons=r[1], late=int(r[2] or 0), on_day=r[1] - int(r[2] or 0),
                       no_topic=int(r[3] or 0), no_attendance=int(r[4] or 0),
                       no_homework=int(r[5] or 0)) for r in rows}


def _live_lessons() -> list:
    """Lessons removed from the journal (kept for their history) are not lessons any more."""
    deleted = getattr(Lesson, "deleted_at", None)
    return [deleted.is_(None)] if deleted is not None else []


def missing_pairs(start: date, end: date) -> list[dict]:
    """Timetabled pairs whose day is over and that no lesson records, each with the teacher
    who owed it: the journal's, or the substitute the timetable's change names (4.4)."""
    if end < start:
        return []
    recorded = set(map(tuple, db.session.execute(select(
        Lesson.journal_id, Lesson.lesson_date, Lesson.pair_number).where(
        Lesson.lesson_date >= start, Lesson.lesson_date <= end, *_live_lessons())).all()))
    teacher_of = dict(db.session.execute(select(Journal.id, Journal.teacher_id)).all())
    out = []
    for pairs in timetabled_pairs_by_group(start, end).values():
        for p in pairs:
            if (p["journal_id"], p["date"], p["pair_number"]) not in recorded:
                teacher = p["substitute_id"] or teacher_of.get(p["journal_id"])
                if teacher is not None:
                    out.append(dict(journal_id=p["journal_id"], date=p["date"],
                                    pair_number=p["pair_number"], teacher_id=teacher))
    return out


def _missing(start: date, end: date) -> dict[int, int]:
    missing: dict[int, int] = defaultdict(int)
    for p in missing_pairs(start, end):
        missing[p["teacher_id"]] += 1
    return missing


def _final_grades(periods: list[Period]) -> dict[int, dict]:
    """Final grades of the periods per journal's teacher: set, by the deadline, after it."""
    deadline = {p.id: clock.day_start(p.final_grade_deadline + timedelta(days=1))
                for p in periods if p.final_grade_deadline}
    first_set = select(FinalGrade.id, Journal.teacher_id, FinalGrade.period_id,
                       func.min(FinalGradeChange.changed_at)).join(
        Journal, Journal.id == FinalGrade.journal_id).join(
        FinalGradeChange, FinalGradeChange.final_grade_id == FinalGrade.id).where(
        FinalGrade.period_id.in_([p.id for p in periods])).group_by(
        FinalGrade.id, Journal.teacher_id, FinalGrade.period_id)
    out: dict[int, dict] = defaultdict(lambda: dict(grades=0, grades_on_time=0, grades_late=0))
    for _id, teacher, period_id, first in db.session.execute(first_set):
        row = out[teacher]
        row["grades"] += 1
        limit = deadline.get(period_id)
        if limit is not None and first is not None and clock.local(first) >= limit:
            row["grades_late"] += 1
        else:
            row["grades_on_time"] += 1
    return out


def _corrections(start: date, end: date, periods: list[Period]) -> dict[int, int]:
    """Changes after the fact that belong to the scope, whenever they were made: cell changes
    of its lessons made after the lesson day (1.6), final-grade changes of its periods after
    the deadline (4.7)."""
    out: dict[int, int] = defaultdict(int)
    for uid, n in db.session.execute(select(CellChange.changed_by_id, func.count()).join(
            Lesson, Lesson.id == CellChange.lesson_id).where(
            CellChange.is_correction, Lesson.lesson_date >= start,
            Lesson.lesson_date <= end).group_by(CellChange.changed_by_id)):
        out[uid] += n
    for uid, n in db.session.execute(select(FinalGradeChange.changed_by_id, func.count()).join(
            FinalGrade, FinalGrade.id == FinalGradeChange.final_grade_id).where(
            FinalGradeChange.after_deadline.is_(True),
            FinalGrade.period_id.in_([p.id for p in periods])).group_by(
            FinalGradeChange.changed_by_id)):
        out[uid] += n
    return out


def _per_user(query) -> dict[int, int]:
    return {uid: n for uid, n in db.session.execute(query) if uid is not None}


def council(periods: list[Period], department_id: int | None = None,
            today: date | None = None) -> dict:
    """The report's rows per teacher, per department and for the college (see the module)."""
    today = today or clock.today()
    start = min(p.start_date for p in periods)
    end = max(p.end_date for p in periods)
    lo, hi = clock.day_start(start), clock.day_start(end + timedelta(days=1))
    lessons = _lesson_counts(start, end)
    missing = _missing(start, min(end, today - timedelta(days=1)))
    grades = _final_grades(periods)
    corrections = _corrections(start, end, periods)
    logins = _per_user(select(AuditLog.user_id, func.count()).where(
        AuditLog.action == "login", AuditLog.created_at >= lo, AuditLog.created_at < hi)
        .group_by(AuditLog.user_id))
    departments = dict(db.session.execute(
        select(StaffProfile.user_id, StaffProfile.department_id)).all())
    names = _department_names()
    # whoever made a correction is listed, so the college total is every correction
    teachers = _teachers(set(lessons) | set(missing) | set(grades) | set(corrections))
    rows = []
    for user in teachers:
        dept_id = departments.get(user.id)
        if department_id and dept_id != department_id:
            continue
        row = dict(user_id=user.id, name=f"{user.last_name} {user.first_name}",
                   department=names.get(dept_id, NO_DEPARTMENT),
                   **{k: 0 for k in COUNTS})
        row.update(lessons.get(user.id, {}))
        row.update(grades.get(user.id, {}))
        row.update(missing=missing.get(user.id, 0), corrections=corrections.get(user.id, 0),
                   logins=logins.get(user.id, 0))
        rows.append(_shares(row))
    by_dept: dict[str, dict] = {}
    for r in rows:
        d = by_dept.setdefault(r["department"], dict(department=r["department"], teachers=0,
                                                     **{k: 0 for k in COUNTS}))
        d["teachers"] += 1
        for k in COUNTS:
            d[k] += r[k]
    total = dict(department="Колледж", teachers=len(rows),
                 **{k: sum(r[k] for r in rows) for k in COUNTS})
    return dict(start=start, end=end, rows=rows, total=_shares(total),
                departments=[_shares(d) for _, d in sorted(by_dept.items())],
                duties=duties(start, end, today), work=users_work(start, end, today,
                                                                   department_id))


def users_work(start: date, end: date, today: date, department_id: int | None = None) -> dict:
    """The other users' sections (6.2, 6.1): curators, the deputy, students and parents, IT.
    Months after today are not shown (nobody could log in yet)."""
    last = max(start, min(end, today))
    return dict(curators=staff_work.curators(start, end, today, department_id),
                deputy=staff_work.deputy(start, last, today), usage=usage.usage(start, last),
                it=staff_work.it_work(start, end))


def _shares(row: dict) -> dict:
    row["on_time_share"] = percent(row["on_day"], row["lessons"] + row["missing"])
    row["grades_on_time_share"] = percent(row["grades_on_time"], row["grades"])
    return row


def _department_names() -> dict[int, str]:
    return dict(db.session.execute(select(Department.id, Department.name)).all())


def _teachers(with_work: set[int]) -> list:
    """Teaching staff (Teacher or Curator) and anyone else who recorded or owed lessons."""
    user = current_app.appbuilder.sm.user_model
    role = current_app.appbuilder.sm.role_model
    return db.session.scalars(select(user).where(or_(
        user.roles.any(role.name.in_(TEACHES)),
        and_(user.id.in_(with_work or {0}), user.roles.any(role.name.in_(STAFF)))))
        .order_by(user.last_name, user.first_name)).all()


def chart_data(report: dict) -> dict:
    """Per department: lessons on the day, late, missing (horizontal stacked bars)."""
    depts = report["departments"]
    return dict(labels=[d["department"] for d in depts],
                on_day=[d["on_day"] for d in depts], late=[d["late"] for d in depts],
                missing=[d["missing"] for d in depts])
