"""Retakes of academic debts (4.7).

The deputy or the administration schedules a retake for open debts of one discipline of one
group: the first before one examiner, the second before a commission of three (chairman and
two members); a third retake is not scheduled — two failed retakes are grounds for expulsion,
shown in the register and never acted on. The examiner (the chairman) or the deputy enters the
result: a positive grade closes the debt and becomes the journal's final grade with its
history — the one write into a closed period besides the deputy's correction
(_write_retake_grade); a failure keeps the debt open and counts the attempt. In an archived
year the debts stay open to retakes and their results until each debt's deadline (7.3, 273-ФЗ
art. 58), and what is done goes into the archive's supplement (records/archive_changes.py).
"""
from datetime import date

from flask import current_app
from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import joinedload

from ...errors import BadInput, Conflict, DomainError, Forbidden, NotFound
from ...extensions import db
from ...infra.clock import today as clock_today
from ...infra.daytime import hhmm, parse_time
from ...models import FinalGrade, Journal, Period, User
from ...models.base import utcnow
from ...models.debts import AcademicDebt, Retake, RetakeEntry, RetakeExaminer
from ...security.access import ENTERS_ANY_RETAKE, EXAMINES, SCHEDULES_RETAKES, SEES_COLLEGE
from ..journal.access import row_for_read
from ..journal.final_grades import write_grade
from ..journal.periods import year_archived
from ..records import archive_changes, audit
from ..scopes import role_names
from .debt_deadlines import ensure_within_deadline
from .debts import POSITIVE, debt_filter, kind_label


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def examiner_choices() -> list[User]:
    """Staff who may examine a retake: active accounts of teachers, curators, the deputy."""
    return db.session.scalars(select(User).where(
        User.active.is_(True), User.roles.any(Role.name.in_(EXAMINES)))
        .order_by(User.last_name, User.first_name)).all()


def _ids(values) -> list[int]:
    out = []
    for value in values or []:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            raise BadInput(_("Неверный номер задолженности.")) from None
    return list(dict.fromkeys(out))


def _examiner(user_id, what: str) -> User:
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        user = None
    if user is None or not user.active or not {r.name for r in user.roles} & EXAMINES:
        raise BadInput(_("Выберите %(what)s из преподавателей техникума.", what=what))
    return user


def schedule_retake(user, debt_ids, retake_date: date | None, place: str, examiner_id=None,
                    chairman_id=None, member_ids=(), today: date | None = None,
                    starts_at=None) -> Retake:
    """4.7: a retake for one or more open debts of one discipline of one group: the first
    before one examiner, the second before a commission (chairman + two members); held by
    the debts' deadline (debt_deadlines.py: the deputy extends it by an order); at a time
    of day «ЧЧ:ММ» if one is given."""
    today = today or clock_today()
    if not role_names(user) & SCHEDULES_RETAKES:
        raise Forbidden(_("Пересдачу назначает заместитель директора по УР или администрация."))
    ids = _ids(debt_ids)
    if not ids:
        raise BadInput(_("Выберите задолженности для пересдачи."))
    debts = db.session.scalars(select(AcademicDebt).where(AcademicDebt.id.in_(ids)).options(
        joinedload(AcademicDebt.journal), joinedload(AcademicDebt.student))).unique().all()
    if len(debts) != len(ids):
        raise NotFound(_("Задолженность не найдена."))
    if any(d.status != "open" for d in debts):
        raise Conflict(_("Задолженность уже закрыта: пересдача не нужна."))
    if len({(d.journal.discipline_id, d.journal.group_id) for d in debts}) > 1:
        raise DomainError(_("В одну пересдачу включаются задолженности одной дисциплины "
                            "одной группы."))
    pending = db.session.scalar(select(func.count(RetakeEntry.id)).where(
        RetakeEntry.debt_id.in_(ids), RetakeEntry.result.is_(None)))
    if pending:
        raise Conflict(_("Пересдача по этой задолженности уже назначена, результат ещё не "
                         "внесён."))
    attempts = {d.failed_retakes for d in debts}
    if len(attempts) > 1:
        raise DomainError(_("Первая и повторная пересдачи назначаются отдельно."))
    attempt = attempts.pop() + 1
    if attempt > 2:
        raise DomainError(_("Обе пересдачи не сданы: это основание для отчисления, третья "
                            "пересдача не назначается."))
    if retake_date is None:
        raise BadInput(_("Укажите дату пересдачи."))
    if retake_date < today:
        raise BadInput(_("Дата пересдачи не может быть в прошлом."))
    # an archived year's debt past its deadline is closed to retakes (7.3); any debt's retake
    # falls on or before its deadline, extended only by the deputy's order (4.7)
    archived = archived_years({d.journal.academic_year_id for d in debts})
    ensure_debts_open(debts, archived, today)
    ensure_within_deadline(debts, retake_date)
    starts_at = parse_time(starts_at)
    place = (place or "").strip() if isinstance(place, str) else ""
    if not place or len(place) > 128:
        raise BadInput(_("Укажите место пересдачи (не длиннее 128 знаков)."))
    if attempt == 1:
        if member_ids and any(m for m in member_ids):
            raise DomainError(_("Первую пересдачу принимает один преподаватель; комиссия — "
                                "на второй пересдаче."))
        people = [(_examiner(examiner_id, _("экзаменатора")), "examiner")]
    else:
        members = [m for m in (member_ids or []) if m not in (None, "")]
        if chairman_id in (None, "") or len(members) != 2:
            raise DomainError(_("Вторая пересдача принимается комиссией из трёх человек: "
                                "председатель и два члена комиссии."))
        people = [(_examiner(chairman_id, _("председателя комиссии")), "chairman")] + \
            [(_examiner(m, _("члена комиссии")), "member") for m in members]
        if len({p.id for p, _r in people}) != 3:
            raise DomainError(_("В комиссии должны быть три разных человека."))
    first = debts[0].journal
    retake = Retake(discipline_id=first.discipline_id, group_id=first.group_id,
                    attempt=attempt, retake_date=retake_date, starts_at=starts_at,
                    place=place, created_by_id=user.id)
    retake.examiners = [RetakeExaminer(user_id=p.id, role=role, position=n)
                        for n, (p, role) in enumerate(people)]
    retake.entries = [RetakeEntry(debt_id=d.id) for d in debts]
    db.session.add(retake)
    db.session.flush()
    audit.record("retake_schedule", "retake", retake.id, user=user, details={
        "debts": ids, "attempt": attempt, "date": retake_date.isoformat(),
        **({"time": hhmm(starts_at)} if starts_at else {}), "place": place,
        "examiners": [[p.id, role] for p, role in people]})
    if archived:
        archive_changes.note_retake_schedule(user, retake, debts)
    return retake


def set_start_time(user, retake_id, starts_at) -> Retake:
    """The time of day a retake begins, set or changed by those who schedule retakes (a retake
    scheduled without one, or moved within its day); empty clears it. Only before any result
    is entered: after that the sheet records when it was held."""
    if not role_names(user) & SCHEDULES_RETAKES:
        raise Forbidden(_("Время пересдачи меняет заместитель директора по УР или "
                          "администрация."))
    retake = retake_for_read(user, retake_id)
    starts_at = parse_time(starts_at)
    if any(entry.result for entry in retake.entries):
        raise Conflict(_("Результаты пересдачи уже внесены: время её начала не меняется."))
    before = retake.starts_at
    retake.starts_at = starts_at
    audit.record("retake_time", "retake", retake.id, user=user, details={
        "time": hhmm(starts_at), "before": hhmm(before)})
    return retake


def retake_filter(user):
    """SQL condition on Retake: the administration all; an examiner their own; a teacher or
    curator a retake of a debt they may read."""
    roles = role_names(user)
    if roles & SEES_COLLEGE:
        return true()
    return or_(Retake.id.in_(select(RetakeExaminer.retake_id).where(
        RetakeExaminer.user_id == user.id)), Retake.id.in_(
        select(RetakeEntry.retake_id).join(AcademicDebt, AcademicDebt.id
                                           == RetakeEntry.debt_id).where(debt_filter(user))))


def retake_for_read(user, retake_id) -> Retake:
    return row_for_read(select(Retake).where(Retake.id == retake_id,
                                             retake_filter(user)).options(
        joinedload(Retake.discipline), joinedload(Retake.group),
        joinedload(Retake.examiners).joinedload(RetakeExaminer.user),
        joinedload(Retake.entries).joinedload(RetakeEntry.debt).joinedload(
            AcademicDebt.student),
        joinedload(Retake.entries).joinedload(RetakeEntry.debt).joinedload(
            AcademicDebt.period).joinedload(Period.academic_year),
        joinedload(Retake.entries).joinedload(RetakeEntry.debt).joinedload(
            AcademicDebt.journal).joinedload(Journal.teacher)),
        Retake, retake_id, _("Пересдача не найдена."), _("Нет доступа к этой пересдаче."))


def responsible(retake: Retake) -> User | None:
    """Who enters the result: the examiner, or the commission's chairman."""
    for ex in retake.examiners:
        if ex.role in ("examiner", "chairman"):
            return ex.user
    return None


def may_enter_results(user, retake: Retake) -> bool:
    lead = responsible(retake)
    return bool(role_names(user) & ENTERS_ANY_RETAKE) or (lead is not None
                                                        and lead.id == user.id)


def enter_results(user, retake_id, results: dict, today: date | None = None) -> Retake:
    """4.7: the retake's results. A positive grade closes the debt and becomes the final grade
    with its history; a failure keeps the debt open and counts the attempt."""
    today = today or clock_today()
    retake = retake_for_read(user, retake_id)
    if not may_enter_results(user, retake):
        raise Forbidden(_("Результат пересдачи вносит экзаменатор (председатель комиссии) или "
                          "заместитель директора по УР."))
    if today < retake.retake_date:
        raise DomainError(_("Пересдача назначена на %(retake_date)s: результат вносится в день "
                            "пересдачи или позже.",
                            retake_date=retake.retake_date.strftime("%d.%m.%Y")))
    entries = {e.id: e for e in retake.entries}
    chosen = {}
    for key, value in (results or {}).items():
        value = (value or "").strip() if isinstance(value, str) else ""
        if not value:
            continue
        entry = entries.get(_int(key))
        if entry is None:
            raise NotFound(_("Студент не числится в этой пересдаче."))
        if entry.result is not None:
            raise Conflict(_("Результат студента %(student)s уже внесён.",
                             student=entry.debt.student.full_name))
        allowed = (("зач", "незач") if entry.debt.kind == "credit" else
                   ("2", "3", "4", "5")) + ("н/а", "неяв")
        if value not in allowed:
            raise BadInput(_("Недопустимая оценка: %(allowed)s.", allowed=", ".join(allowed)))
        chosen[entry.id] = (entry, value)
    if not chosen:
        raise BadInput(_("Укажите результат хотя бы одного студента."))
    archived = archived_years({e.debt.journal.academic_year_id for e, _v in chosen.values()})
    ensure_debts_open([e.debt for e, _v in chosen.values()], archived, today)
    now = utcnow()
    for entry, value in chosen.values():
        debt = entry.debt
        entry.result, entry.entered_by_id, entry.entered_at = value, user.id, now
        in_archive = debt.journal.academic_year_id in archived
        if in_archive:
            archive_changes.note_retake_result(user, retake, entry, value)
        if value in POSITIVE:
            _write_retake_grade(user, debt, value, retake, in_archive)
            debt.status, debt.closed_at, debt.closed_by_retake_id = "closed", now, retake.id
        else:
            debt.failed_retakes = min(2, debt.failed_retakes + 1)
        audit.record("retake_result", "retake_entry", entry.id, user=user, details={
            "retake": retake.id, "debt": debt.id, "student": debt.student_id,
            "result": value, "attempt": retake.attempt, "closed": value in POSITIVE,
            "failed_retakes": debt.failed_retakes})
    db.session.flush()
    return retake


def retake_reason(retake: Retake) -> str:
    return (f"пересдача №{retake.attempt} от {retake.retake_date:%d.%m.%Y}, "
            f"ведомость {retake.sheet_number}")


def archived_years(academic_year_ids) -> set[int]:
    """Of these years, those whose final archive is made (7.3)."""
    return {y for y in academic_year_ids if year_archived(y)}


def ensure_debts_open(debts, archived: set[int], today: date) -> None:
    """7.3, 273-ФЗ art. 58: an archived year's debts stay open to retakes until each debt's
    deadline; after it the archived year is read-only for them too."""
    for debt in debts:
        if debt.journal.academic_year_id in archived and today > debt.deadline:
            raise Forbidden(_("Учебный год %(year)s архивирован, срок ликвидации задолженности "
                              "студента %(student)s истёк %(deadline)s: пересдача и её "
                              "результат не принимаются.",
                              year=debt.journal.academic_year.name,
                              student=debt.student.full_name,
                              deadline=debt.deadline.strftime("%d.%m.%Y")))


def _write_retake_grade(user, debt: AcademicDebt, value: str, retake: Retake,
                        archived: bool = False) -> FinalGrade:
    """The retake's grade as the journal's final grade (4.7). The period is closed: this is the
    one narrow path into it besides the deputy's correction (periods.ensure_open) — allowed
    for a positive retake result only, with the retake in the history and the audit log."""
    grade = db.session.scalar(select(FinalGrade).where(
        FinalGrade.journal_id == debt.journal_id, FinalGrade.student_id == debt.student_id,
        FinalGrade.period_id == debt.period_id, FinalGrade.kind == debt.kind))
    return write_grade(user, grade, (debt.journal_id, debt.student_id, debt.period_id,
                                     debt.kind), value, retake_reason(retake), True,
                       details={"retake": retake.id, "debt": debt.id}, archived=archived)


def retake_sheet(retake: Retake) -> dict:
    """What the printed retake sheet and directions show."""
    first = retake.entries[0].debt if retake.entries else None
    return {"retake": retake, "number": retake.sheet_number,
            "college": current_app.config.get("COLLEGE_NAME") or "Колледж",
            "discipline": retake.discipline, "group": retake.group,
            "kind_label": kind_label(first.kind) if first else "",
            "period": first.period if first else None,
            "examiners": [(ex.user, ex.role) for ex in retake.examiners],
            "entries": sorted(retake.entries, key=lambda e: (e.debt.student.last_name,
                                                            e.debt.student.first_name))}
