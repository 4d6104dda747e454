"""The deputy's control of journals (3.5, 7.2): check records, journals not checked for a
month, final-grade deadlines of the periods by order (4.7)."""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...errors import NotFound, Refused
from ...extensions import db
from ...infra.clock import today
from ...models import AcademicYear, ControlCheck, Journal, Lesson, Period
from ..records import audit

CHECK_INTERVAL_DAYS = 30  # 3.5: every journal is checked at least monthly


def check_findings(findings: str) -> str:
    """3.5: a control check records its result — an empty check is no check (write
    «замечаний нет» when the journal is in order)."""
    text = (findings or "").strip()
    if not text:
        raise Refused(_("Запишите результат проверки: замечания или «замечаний нет»."))
    return text


def add_check(inspector, journal_id: int, check_date: date | None, findings: str,
              fix_deadline: date | None, fixed: bool = False) -> ControlCheck:
    journal = db.session.get(Journal, journal_id)
    if journal is None:
        raise NotFound(_("Журнал не найден."))
    check_date = check_date or today()
    if check_date > today():
        raise Refused(_("Дата проверки не может быть в будущем."))
    if fix_deadline is not None and fix_deadline < check_date:
        raise Refused(_("Срок устранения не может быть раньше даты проверки."))
    findings = check_findings(findings)
    check = ControlCheck(journal_id=journal.id, inspector_id=inspector.id,
                         check_date=check_date, findings=(findings or "").strip(),
                         fix_deadline=fix_deadline, fixed=bool(fixed))
    db.session.add(check)
    db.session.flush()
    audit.record("control_check", "control_check", check.id,
                 details={"journal": journal.id, "date": check_date.isoformat()})
    return check


def update_check(check_id: int, findings: str, fix_deadline: date | None,
                 fixed: bool) -> ControlCheck:
    check = db.session.get(ControlCheck, check_id)
    if check is None:
        raise NotFound(_("Запись проверки не найдена."))
    if fix_deadline is not None and fix_deadline < check.check_date:
        raise Refused(_("Срок устранения не может быть раньше даты проверки."))
    findings = check_findings(findings)
    before = dict(findings=check.findings, fixed=check.fixed)
    check.findings, check.fix_deadline, check.fixed = (findings or "").strip(), fix_deadline, \
        bool(fixed)
    audit.record("control_check_update", "control_check", check.id,
                 details={"before": before, "fixed": bool(fixed)})
    return check


def delete_check(check_id: int) -> None:
    check = db.session.get(ControlCheck, check_id)
    if check is None:
        raise NotFound(_("Запись проверки не найдена."))
    audit.record("control_check_delete", "control_check", check.id,
                 details={"journal": check.journal_id, "date": check.check_date.isoformat()})
    db.session.delete(check)


def checks(journal_id: int | None = None, limit: int | None = None,
           offset: int = 0) -> list[ControlCheck]:
    query = select(ControlCheck).options(
        joinedload(ControlCheck.journal).joinedload(Journal.group),
        joinedload(ControlCheck.journal).joinedload(Journal.discipline),
        joinedload(ControlCheck.journal).joinedload(Journal.subgroup),
        joinedload(ControlCheck.inspector)).order_by(ControlCheck.check_date.desc(),
                                                     ControlCheck.id.desc())
    if journal_id:
        query = query.where(ControlCheck.journal_id == journal_id)
    if limit is not None:
        query = query.limit(limit).offset(max(offset, 0))
    return db.session.scalars(query).all()


def checks_count() -> int:
    return db.session.scalar(select(func.count(ControlCheck.id))) or 0


def current_year(day: date | None = None) -> AcademicYear | None:
    day = day or today()
    return db.session.scalar(select(AcademicYear).where(
        AcademicYear.start_date <= day, AcademicYear.end_date >= day)) or db.session.scalar(
        select(AcademicYear).order_by(AcademicYear.start_date.desc()).limit(1))


def unchecked_journals(day: date | None = None) -> list[dict]:
    """Journals of the current year with no check in the last month, with their last check."""
    day = day or today()
    year = current_year(day)
    if year is None:
        return []
    last = dict(db.session.execute(select(ControlCheck.journal_id, func.max(
        ControlCheck.check_date)).group_by(ControlCheck.journal_id)).all())
    since = day - timedelta(days=CHECK_INTERVAL_DAYS)
    journals = db.session.scalars(select(Journal).where(
        Journal.academic_year_id == year.id).options(
        joinedload(Journal.group), joinedload(Journal.discipline), joinedload(Journal.subgroup),
        joinedload(Journal.teacher))).all()
    rows = [dict(journal=j, last_check=last.get(j.id)) for j in journals
            if last.get(j.id) is None or last[j.id] < since]
    return sorted(rows, key=lambda r: (r["last_check"] or date.min, r["journal"].title))


def off_timetable_journals(day: date | None = None) -> list[dict]:
    """Journals of the current year with lessons given outside the timetable in the last month
    (1.7, 3.3, 3.5): how many, how many hours and when the last one was — what the deputy's
    monthly check looks at before such hours are paid. Two queries."""
    day = day or today()
    year = current_year(day)
    if year is None:
        return []
    since = day - timedelta(days=CHECK_INTERVAL_DAYS)
    counts = db.session.execute(
        select(Lesson.journal_id, func.count(Lesson.id), func.sum(Lesson.hours),
               func.max(Lesson.lesson_date))
        .join(Journal, Journal.id == Lesson.journal_id)
        .where(Journal.academic_year_id == year.id, Lesson.off_timetable_reason.is_not(None),
               Lesson.lesson_date > since, Lesson.lesson_date <= day)
        .group_by(Lesson.journal_id)).all()
    if not counts:
        return []
    journals = {j.id: j for j in db.session.scalars(select(Journal).where(
        Journal.id.in_([r[0] for r in counts])).options(
        joinedload(Journal.group), joinedload(Journal.discipline), joinedload(Journal.subgroup),
        joinedload(Journal.teacher)))}
    rows = [dict(journal=journals[jid], lessons=n, hours=int(hours or 0), last=last)
            for jid, n, hours, last in counts]
    return sorted(rows, key=lambda r: (-r["hours"], r["journal"].title))


def check_deadline(period: Period, deadline: date | None, order_number: str | None,
                   order_date: date | None, unset_allowed: bool = False) -> str:
    """4.7: a period's final-grade deadline is set by an order — the deadline, the order's
    number and its date go together — and falls after the period's last lesson day. Returns
    the order number as stored. The deputy's deadline form and the period screen both ask
    this; only the period screen may leave all three empty (`unset_allowed`: a period is
    entered before its order)."""
    number = (order_number or "").strip()
    if unset_allowed and deadline is None and not number and order_date is None:
        return ""
    if deadline is not None and (not number or order_date is None):
        raise Refused(_("Укажите срок, номер и дату приказа."))
    if bool(number) != (order_date is not None):
        raise Refused(_("Укажите и номер, и дату приказа о сроке."))
    if deadline is None:
        raise Refused(_("Укажите срок, номер и дату приказа."))
    end = period.end_date  # the period's end date is its last lesson day
    if end is not None and deadline <= end:
        raise Refused(_("Срок выставления итоговых оценок должен быть позже последнего учебного "
                        "дня периода (%(end_date)s).", end_date=end.strftime("%d.%m.%Y")))
    return number


def set_deadline(period_id: int, deadline: date | None, order_number: str,
                 order_date: date | None) -> Period:
    """4.7: the deputy sets the final-grade deadline of a period by an order (check_deadline);
    a period closed by order keeps its deadline."""
    period = db.session.get(Period, period_id)
    if period is None:
        raise NotFound(_("Семестр не найден."))
    order_number = check_deadline(period, deadline, order_number, order_date)
    if period.closed_at is not None:
        raise Refused(_("Период «%(period)s» закрыт приказом: срок уже не меняется.",
                         period=period.name))
    before = dict(deadline=str(period.final_grade_deadline), order=period.deadline_order_number)
    period.final_grade_deadline, period.deadline_order_number = deadline, order_number[:32]
    period.deadline_order_date = order_date
    audit.record("period_deadline", "period", period.id,
                 details={"before": before, "deadline": deadline.isoformat(),
                          "order": order_number})
    return period


def periods() -> list[Period]:
    """The deputy's deadline form: periods as the calendar runs (the first semester first)."""
    return db.session.scalars(select(Period).options(joinedload(Period.academic_year)).order_by(
        Period.start_date, Period.number)).all()
