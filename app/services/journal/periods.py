"""Closing a period and the read-only guard (1.6, 4.7, 7.3).

After the final-grade deadline the deputy closes a period by an order; from then on its lessons,
marks, absences and final grades are read-only on every path. A correction afterwards is the
deputy's, with a reason, logged and kept in the history. Once the year's archive is made (not a
draft) the whole year is read-only for everyone.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ...errors import BadInput, DomainError, Forbidden, NotFound
from ...extensions import db
from ...models import AcademicYear, ArchiveRecord, Period
from ...models.base import utcnow
from ...security.access import OVERRIDES_DEADLINE
from ..assessment.debts import sync_debts
from ..records import audit
from ..scopes import role_names


def period_on(academic_year_id: int, day: date) -> Period | None:
    """The period a day belongs to: the last one of the year begun on or before the day (the
    holidays between semesters belong to the semester before them)."""
    return db.session.scalar(select(Period).where(
        Period.academic_year_id == academic_year_id, Period.start_date <= day)
        .order_by(Period.start_date.desc()).limit(1))


def closed_days(periods: list[Period]):
    """A test "is this day in a closed period" over a year's loaded periods (no query): the
    grid shows such lessons read-only (4.7, 7.3)."""
    ordered = sorted(periods, key=lambda p: p.start_date)

    def closed(day: date) -> bool:
        begun = [p for p in ordered if p.start_date <= day]
        return bool(begun) and begun[-1].closed_at is not None
    return closed


_YEAR_PERIODS = (  # built once: every saved column reads it
    select(Period, select(ArchiveRecord.id).where(
        ArchiveRecord.academic_year_id == bindparam("year"),
        ArchiveRecord.is_draft.is_(False)).exists())
    .where(Period.academic_year_id == bindparam("year")).order_by(Period.number))


def year_periods(academic_year_id: int) -> tuple[list[Period], bool]:
    """The year's periods and whether its final archive exists, in one query (saving a column
    of marks checks both for every batch)."""
    rows = db.session.execute(_YEAR_PERIODS, {"year": academic_year_id}).all()
    if not rows:
        return [], year_archived(academic_year_id)
    return [row[0] for row in rows], bool(rows[0][1])


def period_of(periods: list[Period], day: date) -> Period | None:
    """period_on over already loaded periods (no query)."""
    begun = [p for p in periods if p.start_date <= day]
    return max(begun, key=lambda p: p.start_date) if begun else None


def year_archived(academic_year_id: int) -> bool:
    """7.3: the year's final (not draft) archive exists."""
    return db.session.scalar(select(ArchiveRecord.id).where(
        ArchiveRecord.academic_year_id == academic_year_id,
        ArchiveRecord.is_draft.is_(False)).limit(1)) is not None


def ensure_open(user, academic_year_id: int, period: Period | None = None,
                day: date | None = None, reason: str | None = None,
                archived: bool | None = None, final_grade: bool = False) -> str | None:
    """The one guard of every write to lessons, marks, absences and final grades (4.7, 7.3).

    Refuses a write into an archived year (everyone; a final grade — `final_grade` — only the
    deputy's correction with a reason) or a closed period (everyone but the deputy with a
    reason). Returns the reason when the write is the deputy's correction, else None.
    `archived`: whether the year's archive exists, when the caller has already read it
    (year_periods).
    """
    if year_archived(academic_year_id) if archived is None else archived:
        return _archived_correction(user, academic_year_id, reason, final_grade)
    if period is None and day is not None:
        period = period_on(academic_year_id, day)
    if period is None or period.closed_at is None:
        return None
    if not role_names(user) & OVERRIDES_DEADLINE:
        raise Forbidden(_("Период «%(period)s» закрыт приказом № %(order_number)s от "
                          "%(order_date)s: изменить записи может только заместитель "
                          "директора по УР с указанием основания.", period=period.name,
                          order_number=period.close_order_number,
                          order_date=period.close_order_date.strftime("%d.%m.%Y")))
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise DomainError(_("Период «%(period)s» закрыт: укажите основание исправления.",
                            period=period.name))
    return reason[:1000]


def _archived_correction(user, academic_year_id: int, reason, final_grade: bool) -> str:
    """7.3: in an archived year only the deputy corrects a final grade, with its reason."""
    year = db.session.get(AcademicYear, academic_year_id)
    if not (final_grade and role_names(user) & OVERRIDES_DEADLINE):
        raise Forbidden(_("Учебный год %(year)s архивирован: записи журнала доступны только "
                          "для чтения; итоговую оценку исправляет заместитель директора по УР "
                          "с указанием основания.", year=year.name))
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise DomainError(_("Учебный год %(year)s архивирован: укажите основание исправления "
                            "итоговой оценки.", year=year.name))
    return reason[:1000]


def can_close(period: Period, today: date) -> bool:
    return bool(period.closed_at is None and period.final_grade_deadline
                and today > period.final_grade_deadline)


def close_period(user, period_id: int, order_number: str, order_date: date | None,
                 today: date) -> Period:
    """4.7, 7.3: the deputy closes a period after its final-grade deadline, by an order."""
    period = db.session.get(Period, period_id)
    if period is None:
        raise NotFound(_("Семестр не найден."))
    if period.closed_at is not None:
        raise BadInput(_("Период «%(period)s» уже закрыт.", period=period))
    order_number = (order_number or "").strip() if isinstance(order_number, str) else ""
    if not order_number or order_date is None:
        raise BadInput(_("Укажите номер и дату приказа о закрытии периода."))
    if order_date > today:
        raise BadInput(_("Дата приказа не может быть в будущем."))
    if period.final_grade_deadline is None:
        raise BadInput(_("Сначала установите приказом срок выставления итоговых оценок."))
    if today <= period.final_grade_deadline:
        raise BadInput(_("Период закрывается после срока выставления итоговых оценок "
                         "(%(deadline)s).",
                         deadline=period.final_grade_deadline.strftime("%d.%m.%Y")))
    period.closed_at, period.closed_by_id = utcnow(), user.id
    period.close_order_number, period.close_order_date = order_number[:32], order_date
    audit.record("period_close", "period", period.id, user=user, details={
        "period": str(period), "order": order_number, "order_date": order_date.isoformat()})
    db.session.flush()
    # 4.7: the closed attestation's unsatisfactory, «н/а» and missing grades become debts
    sync_debts([period.id], user=user)
    return period


def periods_in_order() -> list[Period]:
    """Periods as the calendar runs: year by year, the first semester before the second."""
    return db.session.scalars(select(Period).options(joinedload(Period.academic_year))
                              .order_by(Period.start_date, Period.number)).all()
