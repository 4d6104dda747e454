"""Each user's choice (SPEC §5): which kinds of notifications they get in the portal, which by
e-mail (reminders at once, the others in one daily digest) and the digest's hour."""
from flask_babel import gettext as _
from sqlalchemy import literal, not_, select

from ... import labels
from ...errors import BadInput
from ...extensions import db
from ...models import Notification, NotificationPreference
from ...models.notifications import KINDS

KIND_NAMES = labels.NOTIFICATION_KINDS
DEFAULT_PORTAL = KINDS
DEFAULT_EMAIL = ("reminder",)
DEFAULT_HOUR = 18


def _pack(kinds) -> str:
    return "," + ",".join(k for k in KINDS if k in set(kinds)) + ","


def _unpack(text: str) -> set[str]:
    return {k for k in (text or "").split(",") if k in KINDS}


def of(user_id: int) -> dict:
    """The user's choice, the defaults where they chose nothing yet."""
    row = db.session.get(NotificationPreference, user_id)
    if row is None:
        return {"portal": set(DEFAULT_PORTAL), "email": set(DEFAULT_EMAIL),
                "hour": DEFAULT_HOUR}
    return {"portal": _unpack(row.portal_kinds), "email": _unpack(row.email_kinds),
            "hour": row.digest_hour}


def row_for(user_id: int) -> NotificationPreference:
    row = db.session.get(NotificationPreference, user_id)
    if row is None:
        row = NotificationPreference(user_id=user_id, portal_kinds=_pack(DEFAULT_PORTAL),
                                     email_kinds=_pack(DEFAULT_EMAIL), digest_hour=DEFAULT_HOUR)
        db.session.add(row)
    return row


def save(user, portal, email, hour) -> NotificationPreference:
    """Store the choice from the preferences page; an unknown kind or hour is refused."""
    portal, email = list(portal or []), list(email or [])
    unknown = [k for k in portal + email if k not in KINDS]
    if unknown:
        raise BadInput(_("Неизвестный вид уведомлений: %(kind)s.", kind=unknown[0]))
    try:
        hour = int(str(hour).strip())
    except (TypeError, ValueError):
        hour = -1
    if not 0 <= hour <= 23:
        raise BadInput(_("Час отправки сводки — целое число от 0 до 23."))
    row = row_for(user.id)
    row.portal_kinds, row.email_kinds, row.digest_hour = _pack(portal), _pack(email), hour
    return row


def shown_condition():
    """SQL condition on Notification: its kind is one its user gets in the portal (no row of
    preferences = every kind), checked inside the same query as the list or the count."""
    pref = NotificationPreference
    return not_(select(literal(1)).where(
        pref.user_id == Notification.user_id,
        not_(pref.portal_kinds.contains(literal(",") + Notification.kind + literal(","))))
        .exists())
