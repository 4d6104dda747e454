"""The college at a glance, for the director and the administration (4.6, 6.1, 6.2): the share
of lessons entered on their day and attendance over the last weeks, успеваемость and качество
знаний of the last completed period — per group, for the start page's charts.

Queries: the groups, lessons per group, cells per group, the last completed period and its
final grades — the same number for any size of the college.
"""
from collections import defaultdict
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import FinalGrade, Journal, JournalCell, Lesson, Period, StudentGroup
from ..control.reports import percent
from ..control.reports.results import FAILING, QUALITY

RECENT_DAYS = 28  # four weeks: long enough to be fair, short enough to be news


def _named_if_empty(rows: list[dict], *keys: str) -> list[str]:
    """A chart's group labels; a group with no figure for the chart says «нет данных» rather
    than showing empty bars."""
    return [r["group"] if any(r[k] is not None for k in keys)
            else gettext("%(group)s — нет данных", group=r["group"]) for r in rows]


def last_completed_period(day: date) -> Period | None:
    """The latest period whose last day is over (its final grades are the council's)."""
    return db.session.scalar(select(Period).where(Period.end_date < day)
                             .options(joinedload(Period.academic_year))
                             .order_by(Period.end_date.desc()).limit(1))


def period_results(period: Period) -> dict[int, dict]:
    """6.2 per group, by the results report's definitions (reports/results.py): успеваемость =
    students with no failing final grade / students graded; качество = students whose grades
    are all 4, 5 or зач / students graded. One query for the whole college."""
    per_student: dict[int, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    for group_id, student_id, value in db.session.execute(
            select(Journal.group_id, FinalGrade.student_id, FinalGrade.value)
            .join(Journal, Journal.id == FinalGrade.journal_id)
            .where(FinalGrade.period_id == period.id)):
        per_student[group_id][student_id].add(value)
    out = {}
    for group_id, students in per_student.items():
        n = len(students)
        out[group_id] = dict(
            count=n, success=percent(sum(1 for v in students.values() if not v & FAILING), n),
            quality=percent(sum(1 for v in students.values() if v <= QUALITY), n))
    return out


def _recent(day: date) -> tuple[dict, dict]:
    start, end = day - timedelta(days=RECENT_DAYS), day - timedelta(days=1)
    lessons = {g: (n, on_time) for g, n, on_time in db.session.execute(
        select(Journal.group_id, func.count(Lesson.id),
               func.sum(case((Lesson.is_late.is_(False), 1), else_=0)))
        .join(Journal, Journal.id == Lesson.journal_id)
        .where(Lesson.lesson_date >= start, Lesson.lesson_date <= end)
        .group_by(Journal.group_id))}
    cells = {g: (n, absent) for g, n, absent in db.session.execute(
        select(Journal.group_id, func.count(JournalCell.id),
               func.sum(case((JournalCell.absent.is_(True), 1), else_=0)))
        .join(Lesson, Lesson.id == JournalCell.lesson_id)
        .join(Journal, Journal.id == Lesson.journal_id)
        .where(Lesson.lesson_date >= start, Lesson.lesson_date <= end, Lesson.attendance_taken)
        .group_by(Journal.group_id))}
    return lessons, cells


def college_glance(user, day: date) -> dict:
    groups = db.session.scalars(select(StudentGroup).where(StudentGroup.status == "active")
                                .order_by(StudentGroup.name)).all()
    lessons, cells = _recent(day)
    period = last_completed_period(day)
    by_group = period_results(period) if period else {}
    rows = []
    for g in groups:
        n, on_time = lessons.get(g.id, (0, 0))
        c, absent = cells.get(g.id, (0, 0))
        res = by_group.get(g.id, {})
        rows.append(dict(group=g.name, lessons=n, on_time=percent(int(on_time or 0), n),
                         attendance=percent(c - int(absent or 0), c),
                         success=res.get("success"), quality=res.get("quality"),
                         graded=res.get("count", 0)))
    total_lessons = sum(n for n, _x in lessons.values())
    total_on_time = sum(int(x or 0) for _n, x in lessons.values())
    total_cells = sum(c for c, _a in cells.values())
    total_present = total_cells - sum(int(a or 0) for _c, a in cells.values())
    graded = [r for r in rows if r["graded"]]
    weight = sum(r["graded"] for r in graded)

    def weighted(key):
        if not weight:
            return None
        return round(sum((r[key] or 0) * r["graded"] for r in graded) / weight, 1)
    return dict(
        start=day - timedelta(days=RECENT_DAYS), end=day - timedelta(days=1), period=period,
        rows=rows, on_time=percent(total_on_time, total_lessons), lessons=total_lessons,
        attendance=percent(total_present, total_cells), success=weighted("success"),
        quality=weighted("quality"),
        chart=dict(labels=[r["group"] for r in rows],
                   recording_labels=_named_if_empty(rows, "on_time", "attendance"),
                   results_labels=_named_if_empty(rows, "success", "quality"),
                   on_time=[r["on_time"] for r in rows],
                   attendance=[r["attendance"] for r in rows],
                   success=[r["success"] for r in rows],
                   quality=[r["quality"] for r in rows]))
