"""E-mails made of notifications — the daily digest and the reminders by e-mail — queued in
the database like the weekly reports (`notification_letter`: one row per user and key, state
waiting → sending → sent | failed), delivered by `deliver` (`flask journal deliver-mail`)."""
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ...infra.clock import now
from ...infra.mailer import MailError, MailServerDown, send_mail
from ...models import NotificationLetter

STALE_CLAIM = timedelta(minutes=15)


def queue(user_id: int, email: str, key: str, subject: str, body: str) -> bool:
    """Queue one letter; a letter of the same user and key already queued is kept (→ False)."""
    connection = db.session.connection()
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    stmt = module.insert(NotificationLetter.__table__).values(
        user_id=user_id, key=key, recipient_email=email, subject=subject[:255], body=body,
        status="waiting", created_at=now()).on_conflict_do_nothing(
        index_elements=["user_id", "key"]).returning(NotificationLetter.id)
    return connection.execute(stmt).first() is not None  # nothing returned: already queued


def _claim(letter_id: int) -> bool:
    moment = now()
    taken = db.session.execute(update(NotificationLetter).where(
        NotificationLetter.id == letter_id,
        or_(NotificationLetter.status == "waiting",
            and_(NotificationLetter.status == "sending",
                 NotificationLetter.attempted_at < moment - STALE_CLAIM)))
        .values(status="sending", attempted_at=moment)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return taken == 1


def deliver(ids=None) -> dict:
    """Send the queued letters (all, or the given ids), each claimed, sent and committed on its
    own; once the server does not answer, the rest of the run is marked failed."""
    result = {"sent": [], "failed": []}
    query = select(NotificationLetter.id).where(
        NotificationLetter.status.in_(("waiting", "sending")))
    if ids is not None:
        query = query.where(NotificationLetter.id.in_(list(ids) or [0]))
    down = None
    for letter_id in db.session.scalars(query.order_by(NotificationLetter.id)).all():
        if not _claim(letter_id):
            continue
        letter = db.session.get(NotificationLetter, letter_id)
        try:
            if down is not None:
                raise MailError(down)
            send_mail(letter.recipient_email, letter.subject, letter.body)
            letter.status, letter.error = "sent", None
            result["sent"].append(letter.recipient_email)
        except MailError as exc:
            if isinstance(exc, MailServerDown):
                down = str(exc)
            letter.status, letter.error = "failed", str(exc)
            result["failed"].append((letter.recipient_email, str(exc)))
        letter.attempted_at = now()
        db.session.commit()
    return result
