"""The login limit shared by every worker when no Redis is configured (ASVS 2.2.1,
FSTEC УПД.6): AUTH_RATE_LIMIT tries per client address over all login doors (the form and
the API), counted in the database."""
from datetime import datetime, timedelta, timezone

from limits import parse
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import LoginAttempt


def _window(limit: str):
    item = parse(limit)
    return item.amount, timedelta(seconds=item.get_expiry())


def allow_login_attempt(client: str, limit: str) -> bool:
    """Count this try and say whether it is within the limit. The try is written and committed
    first and all tries of the window are counted after it, so workers racing never let more
    than the limit through (at worst both refuse). Refused tries are not kept, so hammering does not
    extend the wait beyond the window."""
    amount, window = _window(limit)
    now = datetime.now(timezone.utc)
    since = now - window
    client = (client or "-")[:64]
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.client == client,
                                                  LoginAttempt.attempted_at < since))
    attempt = LoginAttempt(client=client, attempted_at=now)
    db.session.add(attempt)
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.client == client, LoginAttempt.attempted_at >= since))
    if count <= amount:
        return True
    db.session.delete(attempt)
    db.session.commit()
    return False
