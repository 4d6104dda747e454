"""Служебная записка from the curator to the deputy about late or missing entries (3.4)."""
from collections import OrderedDict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import Forbidden, NotFound, Refused
from ...extensions import db
from ...models import Memo
from ...models.base import utcnow
from ...security.access import ANSWERS_MEMOS, READS_ALL_MEMOS
from ..journal.timetable import ru
from ..records import audit
from ..scopes import role_names
from . import weekly_checks
from .completeness import PROBLEMS, group_for, week_check

STATUSES = labels.STATUSES["memo"]  # the labels of labels.py


def memo_body(check: dict) -> str:
    """The memo text: the week's problems by teacher and discipline."""
    by_teacher: "OrderedDict[tuple, list]" = OrderedDict()
    for i in sorted(check["issues"], key=lambda i: (i["teacher"], i["discipline"], i["date"])):
        by_teacher.setdefault((i["teacher"], i["journal"].title), []).append(i)
    lines = [f"Группа {check['group'].name}, неделя {ru(check['start'])}–{ru(check['end'])}.",
             "По итогам еженедельной проверки журналов выявлено:"]
    for (teacher, title), items in by_teacher.items():
        lines.append(f"{teacher} — {title}:")
        for i in items:
            problem = labels.russian(PROBLEMS, i["kind"])
            lines.append(f"  • {ru(i['date'])}, {i['pair_number']} пара: {problem}")
    return "\n".join(lines)


def week_memo(group_id: int, start: date) -> Memo | None:
    """The memo already written for this group and week, if any."""
    return db.session.scalar(select(Memo).where(Memo.group_id == group_id,
                                                Memo.week_start == start))


def send_memo(user, group_id: int, day: date) -> tuple[Memo, bool]:
    """3.4: one memo per group and week. Returns (memo, created): a second attempt changes
    nothing and gives back the memo already sent (also when two attempts race: the unique
    constraint decides, the loser reads the winner's memo)."""
    group = group_for(user, group_id)
    if group.curator_id != user.id:
        raise Forbidden(_("Служебную записку составляет куратор группы."))
    check = week_check(group, day)
    existing = week_memo(group.id, check["start"])
    if existing is not None:
        return existing, False
    if not check["issues"]:
        raise Refused(_("За эту неделю нарушений нет: служебная записка не нужна."))
    memo = Memo(group_id=group.id, curator_id=user.id, week_start=check["start"],
                body=memo_body(check), status="sent")
    try:
        with db.session.begin_nested():
            db.session.add(memo)
            db.session.flush()
    except IntegrityError:
        return week_memo(group.id, check["start"]), False
    audit.record("memo_send", "memo", memo.id, details={"group": group.name,
                                                         "week": check["start"].isoformat()})
    weekly_checks.record(user, group.id, check["start"], memo_sent=True)  # 3.3: check done
    return memo, True


def create_memo(user, group_id: int, day: date) -> Memo:
    """The week's memo: written now, or the one already sent (see send_memo)."""
    return send_memo(user, group_id, day)[0]


def memo_filter(user):
    """Memos visible to the user: the deputy sees all, a curator their own."""
    if role_names(user) & READS_ALL_MEMOS:
        return Memo.id.isnot(None)
    return Memo.curator_id == user.id


def memos_for(user, status: str | None = None) -> list[Memo]:
    query = select(Memo).where(memo_filter(user)).options(
        joinedload(Memo.group), joinedload(Memo.curator)).order_by(Memo.created_at.desc())
    if status:
        query = query.where(Memo.status == status)
    return db.session.scalars(query).all()


def memo_for(user, memo_id: int) -> Memo:
    memo = db.session.get(Memo, memo_id)
    if memo is None:
        raise NotFound(_("Служебная записка не найдена."))
    if db.session.scalar(select(Memo.id).where(Memo.id == memo_id, memo_filter(user))) is None:
        raise Forbidden(_("Эта служебная записка вам недоступна."))
    return memo


def set_status(user, memo_id: int, status: str, note: str = "") -> Memo:
    """The deputy's answer: sent → received → acted (taking action implies receipt)."""
    if not role_names(user) & ANSWERS_MEMOS:
        raise Forbidden(_("Статус записки меняет заместитель директора."))
    memo = memo_for(user, memo_id)
    order = list(STATUSES)
    if status not in ("received", "acted"):
        raise Refused(_("Неизвестный статус записки."))
    if order.index(status) <= order.index(memo.status):
        raise Refused(_("Записка уже в этом или более позднем статусе."))
    now = utcnow()
    memo.received_at = memo.received_at or now
    if status == "acted":
        memo.acted_at = now
        memo.deputy_note = (note or "").strip() or memo.deputy_note
    memo.status = status
    audit.record("memo_status", "memo", memo.id, details={"status": status})
    return memo
