"""A user's notifications (SPEC §5): the bell's unread count, the list newest first, marking
one or all as read. A user reads their own rows only: row rules were applied when the rows
were written (outbox.recipients), and another user's id is answered as not found."""
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ...errors import NotFound
from ...extensions import db
from ...infra.clock import now
from ...models import Notification
from .preferences import KIND_NAMES, shown_condition

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _mine(user):
    return (Notification.user_id == user.id, shown_condition())


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        *_mine(user), Notification.read_at.is_(None))) or 0


def page(user, number: int = 1, size: int = PAGE_SIZE, unread_only: bool = False,
         clamp: bool = True) -> dict:
    """One page of the user's notifications, newest first: items, total and page count. A
    page past the last is the last one (`clamp`; the API answers it empty instead)."""
    size = max(1, min(int(size or PAGE_SIZE), MAX_PAGE_SIZE))
    conditions = list(_mine(user))
    if unread_only:
        conditions.append(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count(Notification.id)).where(*conditions)) or 0
    pages = max(1, -(-total // size))
    number = max(1, min(int(number or 1), pages) if clamp else int(number or 1))
    items = db.session.scalars(select(Notification).where(*conditions)
                               .order_by(Notification.created_at.desc(), Notification.id.desc())
                               .offset((number - 1) * size).limit(size)).all()
    return {"items": items, "total": total, "page": number, "pages": pages, "size": size}


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


def present(item: Notification) -> dict:
    """A notification as the API gives it."""
    return {"id": item.id, "kind": item.kind, "kind_name": kind_name(item.kind),
            "text": item.text, "link": item.link, "created": item.created_at.isoformat(),
            "read": item.read_at is not None}


def _own(user, notification_id) -> Notification:
    try:
        item = db.session.get(Notification, int(notification_id))
    except (TypeError, ValueError):
        item = None
    if item is None or item.user_id != user.id:  # another user's row does not exist for you
        raise NotFound(_("Уведомление не найдено."))
    return item


def mark_read(user, notification_id) -> Notification:
    item = _own(user, notification_id)
    if item.read_at is None:
        item.read_at = now()
    return item


def mark_all_read(user) -> int:
    return db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now()).execution_options(synchronize_session=False)).rowcount
