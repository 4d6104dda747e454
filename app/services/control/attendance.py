"""The attendance report of a group (3.3, 6.1): hours missed per student by reason —
уважительная, болезнь, неуважительная («Н» without a reason counts as unexcused) — per month
of a semester, for the semester and for the academic year, with the attendance percentage.
The figures come from services/journal/progress.py (the same hours and reasons as the exam sheets
and the forecast). Rows: the curator sees the groups they curate now, the deputy and the
administration any group."""
from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, true

from ...errors import BadInput
from ...extensions import db
from ...infra.clock import today
from ...models import AcademicYear, Journal, Period, Student, StudentGroup
from ...security.access import SEES_COLLEGE
from ..journal import progress
from ..scopes import current_curated_group_ids, curates_now, role_names

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
          "октябрь", "ноябрь", "декабрь")


class AttendanceError(BadInput):
    """The attendance report refused (3.3, 6.1)."""


class AttendanceDenied(AttendanceError):
    status = 403


class AttendanceNotFound(AttendanceError):
    status = 404


def group_condition(user):
    """SQL condition on StudentGroup: the groups whose attendance report the user opens."""
    roles = role_names(user)
    if roles & SEES_COLLEGE:
        return true()
    if "Curator" in roles:
        return StudentGroup.id.in_(current_curated_group_ids(user))
    return StudentGroup.id.in_([])


def groups_for(user) -> list[StudentGroup]:
    return db.session.scalars(select(StudentGroup).where(
        group_condition(user), StudentGroup.status == "active")
        .order_by(StudentGroup.name)).all()


def group_for(user, group_id) -> StudentGroup:
    """The group if the user may read its report: 404 when there is none, 403 when not theirs."""
    try:
        group_id = int(group_id)
    except (TypeError, ValueError):
        raise AttendanceNotFound(_("Группа не найдена.")) from None
    group = db.session.get(StudentGroup, group_id)
    if group is None:
        raise AttendanceNotFound(_("Группа не найдена."))
    roles = role_names(user)
    # group_condition for one group: the administration, or its curator now (scopes.curates_now)
    if not (roles & SEES_COLLEGE or "Curator" in roles and curates_now(user, group)):
        raise AttendanceDenied(_("Отчёт о посещаемости этой группы доступен её куратору "
                                 "и администрации."))
    return group


def _periods(day: date, period_id=None) -> tuple[Period, list[Period]]:
    """The chosen semester (by default the one under way, else the last begun) and all the
    semesters of its academic year."""
    periods = db.session.scalars(select(Period).join(AcademicYear)
                                 .order_by(Period.start_date)).all()
    if not periods:
        raise AttendanceNotFound(_("В справочнике нет учебных периодов."))
    chosen = None
    if period_id not in (None, ""):
        try:
            chosen = next((p for p in periods if p.id == int(period_id)), None)
        except (TypeError, ValueError):
            chosen = None
        if chosen is None:
            raise AttendanceNotFound(_("Учебный период не найден."))
    else:
        begun = [p for p in periods if p.start_date <= day]
        chosen = begun[-1] if begun else periods[0]
    return chosen, periods


def _month_keys(period: Period) -> list[tuple[int, int]]:
    keys, year, month = [], period.start_date.year, period.start_date.month
    while (year, month) <= (period.end_date.year, period.end_date.month):
        keys.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _totals():
    return {"hours": 0, **dict.fromkeys(progress.MISSED_REASONS, 0)}


def _finish(t: dict) -> dict:
    missed = sum(t[r] for r in progress.MISSED_REASONS)
    return dict(t, missed=missed, pct=round(100 * (t["hours"] - missed) / t["hours"], 1)
                if t["hours"] else None)


def report(user, group_id, day: date | None = None, period_id=None) -> dict:
    """The group's report for a semester: per student, per month of the semester, the
    semester and the academic year — hours, missed hours by reason, attendance %. Counts only
    lessons with attendance taken on days the student was in the group, up to `day`; a fixed
    number of queries whatever the size of the group."""
    day = day or today()
    group = group_for(user, group_id)
    period, periods = _periods(day, period_id)
    year = period.academic_year
    journal_ids = list(db.session.scalars(select(Journal.id).where(
        Journal.group_id == group.id, Journal.academic_year_id == year.id)))
    end = min(day, year.end_date)
    spans, _marks, visits = progress.attendance_events(journal_ids, year.start_date, end)
    months = _month_keys(period)
    per_student = defaultdict(lambda: {"months": defaultdict(_totals), "period": _totals(),
                                       "year": _totals()})
    for jid, students in spans.items():
        for sid in students:
            row = per_student[sid]
            for lesson_day, hours, reason in visits.get((jid, sid), ()):
                buckets = [row["year"]]
                if period.start_date <= lesson_day <= period.end_date:
                    buckets += [row["period"], row["months"][(lesson_day.year,
                                                              lesson_day.month)]]
                for bucket in buckets:
                    bucket["hours"] += hours
                    if reason is not None:
                        bucket[reason] += hours
    names = {s.id: s for s in db.session.scalars(select(Student).where(
        Student.id.in_(list(per_student) or [0])))}
    rows = []
    for sid, data in per_student.items():
        student = names[sid]
        rows.append({"student_id": sid, "name": student.full_name,
                     "months": [_finish(data["months"][key]) for key in months],
                     "period": _finish(data["period"]), "year": _finish(data["year"])})
    rows.sort(key=lambda r: (r["name"], r["student_id"]))
    total = {key: _finish({k: sum(r[key][k] for r in rows)
                           for k in ("hours",) + progress.MISSED_REASONS})
             for key in ("period", "year")}
    return {"group": group, "period": period, "year": year,
            "periods": [p for p in periods if p.academic_year_id == year.id],
            "all_periods": periods, "day": day,
            "months": [f"{MONTHS[m - 1]} {y}" for y, m in months], "rows": rows,
            "total": total}
