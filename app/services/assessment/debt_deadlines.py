"""An academic debt's deadline (4.7): a retake is held by it; a later retake is scheduled only
once the deputy director has extended the deadline by an order — its number and date recorded
on the debt (the deadline it had before kept), audited, and shown on the debt, in the register
and on the retake referral."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...errors import BadInput, Conflict, Forbidden, NotFound, Refused
from ...extensions import db
from ...infra.clock import today as clock_today
from ...models.base import utcnow
from ...models.debts import AcademicDebt
from ...security.access import EXTENDS_DEBT_DEADLINE
from ..records import audit
from ..scopes import role_names

MAX_ORDER_NUMBER = 32


def ensure_within_deadline(debts: list[AcademicDebt], retake_date: date) -> None:
    """4.7: a retake after a debt's deadline is refused; the deputy extends the deadline first."""
    late = [d for d in debts if retake_date > d.deadline]
    if late:
        deadline = min(d.deadline for d in late)
        raise Refused(_("Пересдача %(retake_date)s — позже срока ликвидации задолженности "
                        "(%(deadline)s). Назначить её можно, когда заместитель директора по УР "
                        "продлит срок приказом.", retake_date=retake_date.strftime("%d.%m.%Y"),
                        deadline=deadline.strftime("%d.%m.%Y")))


def extension_text(order_number: str | None, order_date: date | None,
                   before: date | None) -> str:
    """«продлён приказом № 17-у от 01.09.2026 (был 20.08.2026)», or "" when never extended."""
    if not order_number or order_date is None or before is None:
        return ""
    return _("продлён приказом № %(number)s от %(order_date)s (был %(before)s)",
             number=order_number, order_date=order_date.strftime("%d.%m.%Y"),
             before=before.strftime("%d.%m.%Y"))


def debt_extension(debt: AcademicDebt) -> dict | None:
    """The extension of a debt as shown and answered by the API, or None."""
    if not debt.extension_order_number:
        return None
    return {"order_number": debt.extension_order_number,
            "order_date": debt.extension_order_date.isoformat(),
            "original_deadline": debt.original_deadline.isoformat(),
            "text": extension_text(debt.extension_order_number, debt.extension_order_date,
                                   debt.original_deadline)}


def extend_deadline(user, debt_ids, new_deadline: date | None, order_number: str,
                    order_date: date | None, today: date | None = None) -> list[AcademicDebt]:
    """4.7: the deputy extends the deadline of open debts by an order (number and date); each
    debt keeps the deadline it had first, and each extension is audited."""
    today = today or clock_today()
    if not role_names(user) & EXTENDS_DEBT_DEADLINE:
        raise Forbidden(_("Срок ликвидации задолженности продлевает заместитель директора по УР "
                          "приказом."))
    ids = []
    for value in debt_ids or []:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise BadInput(_("Неверный номер задолженности.")) from None
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise BadInput(_("Выберите задолженности, срок которых продлевается."))
    number = order_number.strip() if isinstance(order_number, str) else ""
    if new_deadline is None:
        raise BadInput(_("Укажите новый срок ликвидации задолженности."))
    if not number or len(number) > MAX_ORDER_NUMBER or order_date is None:
        raise BadInput(_("Укажите номер приказа (не длиннее %(limit)s знаков) и его дату.",
                         limit=MAX_ORDER_NUMBER))
    if order_date > today:
        raise BadInput(_("Дата приказа не может быть позже сегодняшнего дня."))
    if new_deadline < today:
        raise BadInput(_("Новый срок не может быть в прошлом."))
    debts = db.session.scalars(select(AcademicDebt).where(AcademicDebt.id.in_(ids)).options(
        joinedload(AcademicDebt.student)).order_by(AcademicDebt.id)).unique().all()
    if len(debts) != len(ids):
        raise NotFound(_("Задолженность не найдена."))
    if any(d.status != "open" for d in debts):
        raise Conflict(_("Задолженность уже закрыта: срок не продлевается."))
    for debt in debts:
        if new_deadline <= debt.deadline:
            raise Refused(_("Новый срок должен быть позже нынешнего (%(deadline)s, "
                            "%(student)s).", deadline=debt.deadline.strftime("%d.%m.%Y"),
                            student=debt.student.full_name))
    now = utcnow()
    for debt in debts:
        old = debt.deadline
        if debt.original_deadline is None:
            debt.original_deadline = old
        debt.deadline = new_deadline
        debt.extension_order_number, debt.extension_order_date = number, order_date
        debt.extended_by_id, debt.extended_at = user.id, now
        audit.record("debt_deadline_extend", "academic_debt", debt.id, user=user, details={
            "student": debt.student_id, "old": old.isoformat(),
            "new": new_deadline.isoformat(), "order": number,
            "order_date": order_date.isoformat()})
    db.session.flush()
    return debts
