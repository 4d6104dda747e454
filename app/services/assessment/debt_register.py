"""The register of academic debts (4.7): filtered by status, group, discipline and period for
the page and its XLSX, within the user's scope (the college, a curator's groups, a teacher's
disciplines)."""
from datetime import date

from sqlalchemy import and_, case, func, select

from ... import labels
from ...extensions import db
from ...infra.clock import today as clock_today
from ...models import AcademicYear, Discipline, Journal, Period, Student, StudentGroup
from ...models.debts import AcademicDebt, Retake, RetakeEntry
from .debts import (
    LEFT_STATUSES, PAGE_SIZE, STATUS_FILTERS, _rows, _status_condition, debt_filter,
    expulsion_condition, overdue_condition,
)


def _int(value):
    """A positive 32-bit id from a query string, else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 2147483647 else None


def clean_filters(args) -> dict:
    """The register's filters from a query string; a bad value is dropped, never an error."""
    status = args.get("status") or "open"
    origin = args.get("origin") or None
    return {"group": _int(args.get("group")), "discipline": _int(args.get("discipline")),
            "period": _int(args.get("period")),
            "origin": origin if origin in labels.DEBT_ORIGINS else None,
            "status": status if status in STATUS_FILTERS else "open",
            "left": args.get("left") in ("1", "true", "on"),
            "page": min(_int(args.get("page")) or 1, 100000)}


def _filtered(user, filters: dict, day: date):
    conditions = [debt_filter(user, day), _status_condition(filters["status"], day)]
    if filters.get("group"):
        conditions.append(Student.group_id == filters["group"])
    if filters.get("discipline"):
        conditions.append(Journal.discipline_id == filters["discipline"])
    if filters.get("period"):
        conditions.append(AcademicDebt.period_id == filters["period"])
    if filters.get("origin"):
        conditions.append(AcademicDebt.origin == filters["origin"])
    return conditions


def _left(flag: bool):
    left = Student.status.in_(LEFT_STATUSES)
    return left if flag else ~left


def register(user, filters: dict, day: date | None = None) -> dict:
    """The register of debts in the user's scope: counts by group, by discipline and by state
    (in SQL), and one page of rows — students who left the college apart (`left`)."""
    day = day or clock_today()
    base = (select(AcademicDebt).join(Student, Student.id == AcademicDebt.student_id)
            .join(Journal, Journal.id == AcademicDebt.journal_id))
    conditions = _filtered(user, filters, day)
    scoped = [debt_filter(user, day)]
    by_group = db.session.execute(
        select(StudentGroup.id, StudentGroup.name, func.count(AcademicDebt.id),
               func.sum(case((overdue_condition(day), 1), else_=0)))
        .select_from(AcademicDebt).join(Student, Student.id == AcademicDebt.student_id)
        .join(Journal, Journal.id == AcademicDebt.journal_id)
        .join(StudentGroup, StudentGroup.id == Student.group_id)
        .where(*conditions, _left(False)).group_by(StudentGroup.id, StudentGroup.name)
        .order_by(StudentGroup.name)).all()
    by_discipline = db.session.execute(
        select(Discipline.id, Discipline.code, Discipline.name, func.count(AcademicDebt.id))
        .select_from(AcademicDebt).join(Student, Student.id == AcademicDebt.student_id)
        .join(Journal, Journal.id == AcademicDebt.journal_id)
        .join(Discipline, Discipline.id == Journal.discipline_id)
        .where(*conditions, _left(False))
        .group_by(Discipline.id, Discipline.code, Discipline.name)
        .order_by(Discipline.code)).all()
    summary = db.session.execute(
        select(func.count(AcademicDebt.id),
               func.sum(case((AcademicDebt.status == "open", 1), else_=0)),
               func.sum(case((overdue_condition(day), 1), else_=0)),
               func.sum(case((expulsion_condition(), 1), else_=0)),
               func.sum(case((and_(Student.status.in_(LEFT_STATUSES),
                                   AcademicDebt.status == "open"), 1), else_=0)))
        .select_from(AcademicDebt).join(Student, Student.id == AcademicDebt.student_id)
        .join(Journal, Journal.id == AcademicDebt.journal_id).where(*scoped)).one()
    shown = base.where(*conditions, _left(filters.get("left", False)))
    total = db.session.scalar(select(func.count()).select_from(shown.subquery()))
    ordered = shown.join(StudentGroup, StudentGroup.id == Student.group_id).join(
        Period, Period.id == AcademicDebt.period_id).join(
        Discipline, Discipline.id == Journal.discipline_id).order_by(
        StudentGroup.name, Student.last_name, Student.first_name, Student.id,
        Period.start_date, Discipline.code, AcademicDebt.id)
    page = filters.get("page", 1)
    ordered = ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    return {
        "rows": _rows(ordered, day), "total": total, "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "by_group": [{"id": i, "name": n, "count": c, "overdue": int(o or 0)}
                     for i, n, c, o in by_group],
        "by_discipline": [{"id": i, "code": code, "name": n, "count": c}
                          for i, code, n, c in by_discipline],
        "summary": {"all": summary[0], "open": int(summary[1] or 0),
                    "overdue": int(summary[2] or 0), "expulsion": int(summary[3] or 0),
                    "left_open": int(summary[4] or 0)},
        "today": day}


def _described(query):
    """A select over debts joined to what names them: the student and their group, the
    journal's discipline, the period and its academic year."""
    return (query.select_from(AcademicDebt)
            .join(Student, Student.id == AcademicDebt.student_id)
            .join(StudentGroup, StudentGroup.id == Student.group_id)
            .join(Journal, Journal.id == AcademicDebt.journal_id)
            .join(Discipline, Discipline.id == Journal.discipline_id)
            .join(Period, Period.id == AcademicDebt.period_id)
            .join(AcademicYear, AcademicYear.id == Period.academic_year_id))


def filter_choices(user, day: date | None = None) -> dict:
    """Groups, disciplines and periods that have debts in the user's scope (the filter lists),
    in one query."""
    rows = db.session.execute(_described(
        select(StudentGroup.id, StudentGroup.name, Discipline.id, Discipline.code,
               Discipline.name, Period.id, Period.name, Period.start_date, AcademicYear.name))
        .where(debt_filter(user, day)).distinct()).all()
    groups = sorted({(r[0], r[1]) for r in rows}, key=lambda g: g[1])
    disciplines = sorted({(r[2], f"{r[3]} {r[4]}") for r in rows}, key=lambda d: d[1])
    periods = sorted({(r[5], f"{r[8]} {r[6]}", r[7]) for r in rows}, key=lambda p: p[2])
    return {"groups": groups, "disciplines": disciplines,
            "periods": [(pid, name) for pid, name, _start in periods]}


def register_table(user, filters: dict, day: date | None = None):
    """Every row of the register, students who left included (last), as flat values for the
    XLSX, and each debt's retakes as text: two queries whatever the college's size."""
    day = day or clock_today()
    left = Student.status.in_(LEFT_STATUSES)
    query = _described(
        select(AcademicDebt.id, Student.last_name, Student.first_name, Student.middle_name,
               left, StudentGroup.name, Discipline.code, Discipline.name,
               AcademicYear.name, Period.name, AcademicDebt.kind, AcademicDebt.origin,
               AcademicDebt.grade_value, AcademicDebt.deadline, AcademicDebt.status,
               AcademicDebt.failed_retakes, AcademicDebt.extension_order_number,
               AcademicDebt.extension_order_date, AcademicDebt.original_deadline)
    ).where(*_filtered(user, filters, day))
    retakes: dict[int, list[str]] = {}
    for debt_id, attempt, held, starts_at, result in db.session.execute(
            select(RetakeEntry.debt_id, Retake.attempt, Retake.retake_date, Retake.starts_at,
                   RetakeEntry.result)
            .join(Retake, Retake.id == RetakeEntry.retake_id)
            .where(RetakeEntry.debt_id.in_(query.with_only_columns(AcademicDebt.id)))
            .order_by(Retake.attempt, Retake.id)):
        retakes.setdefault(debt_id, []).append(
            f"№{attempt} {held:%d.%m.%Y}" + (f" {starts_at:%H:%M}" if starts_at else "")
            + f": {result or 'назначена'}")
    rows = db.session.execute(query.order_by(
        left, StudentGroup.name, Student.last_name, Student.first_name, Student.id,
        Period.start_date, Discipline.code, AcademicDebt.id)).all()
    return rows, retakes
