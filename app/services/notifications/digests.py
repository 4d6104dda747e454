"""The daily e-mail digest (SPEC §5): at the hour a user chose (college time), one letter with
their unread notifications of the kinds they take by e-mail that came since the last digest;
never twice for the same college day (the letter's key is the day)."""
from datetime import datetime

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from ...extensions import db
from ...infra.clock import format_moment, local
from ...models import Notification, NotificationPreference
from . import letters
from .inbox import kind_name
from .preferences import _unpack

DIGEST_KINDS_EXCLUDED = {"reminder"}  # reminders go by e-mail at once, not in the digest


def due_users(moment: datetime) -> list[NotificationPreference]:
    """Preferences of the users whose digest hour has come today and who had none today."""
    wall = local(moment)
    rows = db.session.scalars(select(NotificationPreference).where(
        NotificationPreference.digest_hour <= wall.hour)).all()
    return [r for r in rows if r.last_digest_on != wall.date()
            and _unpack(r.email_kinds) - DIGEST_KINDS_EXCLUDED]


def body(user: User, items: list[Notification], day) -> str:
    lines = [f"Здравствуйте, {user.first_name or ''} {user.last_name or ''}!".replace(" !", "!"),
             "", f"Новые уведомления электронного журнала на {day:%d.%m.%Y}:", ""]
    lines += [f"  {format_moment(n.created_at)} · {kind_name(n.kind)}: {n.text}" for n in items]
    lines += ["", "Прочитать и настроить уведомления: раздел «Уведомления» журнала.",
              "Письмо сформировано электронным журналом техникума."]
    return "\n".join(lines)


def send_digests(now: datetime) -> dict:
    """Queue one letter per user whose digest hour has come (college time of `now`) and who
    has unread notifications since the last digest; nothing is queued twice for one day.
    Run it every few minutes (or at least hourly); → counts of queued and skipped users."""
    wall = local(now)
    queued = skipped = 0
    for pref in due_users(now):
        kinds = _unpack(pref.email_kinds) - DIGEST_KINDS_EXCLUDED
        query = select(Notification).where(
            Notification.user_id == pref.user_id, Notification.read_at.is_(None),
            Notification.kind.in_(sorted(kinds)), Notification.created_at <= now)
        if pref.last_digest_at is not None:
            query = query.where(Notification.created_at > pref.last_digest_at)
        items = db.session.scalars(query.order_by(Notification.created_at)).all()
        user = db.session.get(User, pref.user_id)
        pref.last_digest_on, pref.last_digest_at = wall.date(), now
        if not items or user is None or not (user.email or "").strip() or not user.active:
            skipped += 1
            continue
        subject = f"Электронный журнал: уведомления за {wall:%d.%m.%Y} ({len(items)})"
        if letters.queue(user.id, user.email.strip(), f"digest:{wall.date().isoformat()}",
                         subject, body(user, items, wall.date())):
            queued += 1
    db.session.commit()
    return {"queued": queued, "skipped": skipped}
