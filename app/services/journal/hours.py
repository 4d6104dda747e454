"""Hours delivered (1.7): per teacher and month, lessons and hours actually recorded (the
substitutions a teacher gave included) against the teacher's teaching load."""
from collections import defaultdict

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from ...extensions import db
from ...models import AcademicYear, Journal, Lesson, TeachingLoad
from ...security.access import SEES_ALL_JOURNALS
from ..scopes import role_names

MONTHS = ("", "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
          "сентябрь", "октябрь", "ноябрь", "декабрь")


def hours_report(user, year: AcademicYear) -> list[dict]:
    """Rows per teacher: load, per-month lessons/hours/substitution hours, totals."""
    everyone = bool(role_names(user) & SEES_ALL_JOURNALS)
    month = func.extract("month", Lesson.lesson_date)
    query = (select(Lesson.teacher_id, month.label("m"), func.count(Lesson.id),
                    func.sum(Lesson.hours), func.sum(Lesson.hours * Lesson.is_substitution.cast(
                        db.Integer)))
             .join(Journal, Journal.id == Lesson.journal_id)
             .where(Journal.academic_year_id == year.id)
             .group_by(Lesson.teacher_id, month))
    loads = select(TeachingLoad.teacher_id, func.sum(TeachingLoad.hours)).where(
        TeachingLoad.academic_year_id == year.id).group_by(TeachingLoad.teacher_id)
    if not everyone:
        query = query.where(Lesson.teacher_id == user.id)
        loads = loads.where(TeachingLoad.teacher_id == user.id)
    by_teacher: dict[int, dict] = defaultdict(lambda: {"months": {}, "lessons": 0, "hours": 0,
                                                      "substitution_hours": 0, "load": 0.0})
    for teacher_id, m, count, hours, sub_hours in db.session.execute(query):
        row = by_teacher[teacher_id]
        row["months"][int(m)] = {"lessons": count, "hours": int(hours or 0),
                                 "substitution_hours": int(sub_hours or 0)}
        row["lessons"] += count
        row["hours"] += int(hours or 0)
        row["substitution_hours"] += int(sub_hours or 0)
    for teacher_id, hours in db.session.execute(loads):
        by_teacher[teacher_id]["load"] = float(hours or 0)
    names = {u.id: f"{u.last_name} {u.first_name}" for u in db.session.scalars(
        select(User).where(User.id.in_(list(by_teacher))))} if by_teacher else {}
    rows = []
    for teacher_id, row in by_teacher.items():
        row.update(teacher_id=teacher_id, teacher=names.get(teacher_id, str(teacher_id)),
                   percent=round(100 * row["hours"] / row["load"], 1) if row["load"] else None)
        rows.append(row)
    return sorted(rows, key=lambda r: r["teacher"])


def year_months(year: AcademicYear) -> list[int]:
    months, y, m = [], year.start_date.year, year.start_date.month
    while (y, m) <= (year.end_date.year, year.end_date.month):
        months.append(m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months
