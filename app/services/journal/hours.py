"""Hours delivered (1.7): per teacher and month, lessons and hours actually recorded (the
substitutions a teacher gave included) against the teacher's teaching load. The hours of
lessons given outside the timetable (with the teacher's reason, 3.3) are shown apart: the
journal is a financial document and such hours are checked before they are paid."""
from collections import defaultdict

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ... import labels
from ...extensions import db
from ...models import AcademicYear, Journal, Lesson, TeachingLoad
from ...security.access import SEES_ALL_JOURNALS
from ..scopes import role_names

MONTHS = ("", "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
          "сентябрь", "октябрь", "ноябрь", "декабрь")
# the hours of a lesson that took no pair of the timetable (its reason is stored)
OFF_HOURS = func.sum(case((Lesson.off_timetable_reason.is_not(None), Lesson.hours), else_=0))


def _new_row() -> dict:
    return {"months": {}, "lessons": 0, "hours": 0, "substitution_hours": 0,
            "off_timetable_hours": 0, "timetabled_hours": 0, "load": 0.0, "journals": []}


def hours_report(user, year: AcademicYear) -> list[dict]:
    """Rows per teacher: load, per-month lessons/hours/substitution hours/hours outside the
    timetable, totals, and the same per journal. Four queries whatever the number of
    lessons and teachers."""
    everyone = bool(role_names(user) & SEES_ALL_JOURNALS)
    month = func.extract("month", Lesson.lesson_date)
    query = (select(Lesson.teacher_id, month.label("m"), func.count(Lesson.id),
                    func.sum(Lesson.hours), func.sum(Lesson.hours * Lesson.is_substitution.cast(
                        db.Integer)), OFF_HOURS)
             .join(Journal, Journal.id == Lesson.journal_id)
             .where(Journal.academic_year_id == year.id)
             .group_by(Lesson.teacher_id, month))
    per_journal = (select(Lesson.teacher_id, Lesson.journal_id, func.count(Lesson.id),
                          func.sum(Lesson.hours), OFF_HOURS)
                   .join(Journal, Journal.id == Lesson.journal_id)
                   .where(Journal.academic_year_id == year.id)
                   .group_by(Lesson.teacher_id, Lesson.journal_id))
    loads = select(TeachingLoad.teacher_id, func.sum(TeachingLoad.hours)).where(
        TeachingLoad.academic_year_id == year.id).group_by(TeachingLoad.teacher_id)
    if not everyone:
        query = query.where(Lesson.teacher_id == user.id)
        per_journal = per_journal.where(Lesson.teacher_id == user.id)
        loads = loads.where(TeachingLoad.teacher_id == user.id)
    by_teacher: dict[int, dict] = defaultdict(_new_row)
    for teacher_id, m, count, hours, sub_hours, off_hours in db.session.execute(query):
        row = by_teacher[teacher_id]
        row["months"][int(m)] = {"lessons": count, "hours": int(hours or 0),
                                 "substitution_hours": int(sub_hours or 0),
                                 "off_timetable_hours": int(off_hours or 0)}
        row["lessons"] += count
        row["hours"] += int(hours or 0)
        row["substitution_hours"] += int(sub_hours or 0)
        row["off_timetable_hours"] += int(off_hours or 0)
    journal_rows = db.session.execute(per_journal).all()
    journals = {j.id: j for j in db.session.scalars(select(Journal).where(
        Journal.id.in_({r[1] for r in journal_rows})).options(
        joinedload(Journal.group), joinedload(Journal.subgroup),
        joinedload(Journal.discipline)))} if journal_rows else {}
    for teacher_id, journal_id, count, hours, off_hours in journal_rows:
        by_teacher[teacher_id]["journals"].append(dict(
            journal_id=journal_id, title=journals[journal_id].title, lessons=count,
            hours=int(hours or 0), off_timetable_hours=int(off_hours or 0),
            timetabled_hours=int(hours or 0) - int(off_hours or 0)))
    for teacher_id, hours in db.session.execute(loads):
        by_teacher[teacher_id]["load"] = float(hours or 0)
    names = {u.id: f"{u.last_name} {u.first_name}" for u in db.session.scalars(
        select(User).where(User.id.in_(list(by_teacher))))} if by_teacher else {}
    rows = []
    for teacher_id, row in by_teacher.items():
        row["journals"].sort(key=lambda j: j["title"])
        row.update(teacher_id=teacher_id, teacher=names.get(teacher_id, str(teacher_id)),
                   timetabled_hours=row["hours"] - row["off_timetable_hours"],
                   percent=round(100 * row["hours"] / row["load"], 1) if row["load"] else None)
        rows.append(row)
    return sorted(rows, key=lambda r: r["teacher"])


def off_timetable_lessons(user, year: AcademicYear) -> list[dict]:
    """The lessons of the year given outside the timetable, with the teacher's reason (1.7,
    3.3): the rows behind the hours shown apart. One query."""
    query = (select(Lesson).join(Journal, Journal.id == Lesson.journal_id)
             .where(Journal.academic_year_id == year.id,
                    Lesson.off_timetable_reason.is_not(None))
             .options(joinedload(Lesson.teacher), joinedload(Lesson.journal).joinedload(
                 Journal.group), joinedload(Lesson.journal).joinedload(Journal.subgroup),
                 joinedload(Lesson.journal).joinedload(Journal.discipline))
             .order_by(Lesson.lesson_date, Lesson.pair_number, Lesson.id))
    if not role_names(user) & SEES_ALL_JOURNALS:
        query = query.where(Lesson.teacher_id == user.id)
    return [dict(lesson_id=le.id, journal_id=le.journal_id, journal=le.journal.title,
                 date=le.lesson_date, pair_number=le.pair_number, hours=le.hours,
                 teacher=f"{le.teacher.last_name} {le.teacher.first_name}",
                 reason=labels.text(labels.OFF_TIMETABLE_REASONS, le.off_timetable_reason))
            for le in db.session.scalars(query)]


def year_months(year: AcademicYear) -> list[int]:
    months, y, m = [], year.start_date.year, year.start_date.month
    while (y, m) <= (year.end_date.year, year.end_date.month):
        months.append(m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months
