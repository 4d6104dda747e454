"""Sessions that end (ASVS 3.3.1, 3.3.3; SECURITY.md "Authentication and sessions").

Every account has a session generation. A session cookie and every access or refresh token
carry the generation they were issued in; a request whose generation is not the account's
current one is not authenticated. Logout, a password change or reset, a block and a role
change raise the generation, which ends every session and token of the account at once.
The raise happens at flush, whatever door changed the account (FAB's forms, its REST API,
issuing credentials, contingent orders, the command line)."""
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AccountSession

# Changing any of these ends the account's sessions.
ENDING_ATTRIBUTES = ("password", "active", "roles")


def generation_of(user_id: int) -> int:
    return db.session.scalar(select(AccountSession.generation)
                             .where(AccountSession.user_id == user_id)) or 0


def user_with_generation(user_id: int):
    """The account and its generation in one indexed read (every authenticated request)."""
    row = db.session.execute(
        select(User, AccountSession.generation)
        .outerjoin(AccountSession, AccountSession.user_id == User.id)
        .where(User.id == user_id)).first()
    if row is None:
        return None, 0
    return row[0], row[1] or 0


def end_sessions(user_id: int, session: Session | None = None) -> None:
    """Raise the account's generation (logout, and the changes in ENDING_ATTRIBUTES)."""
    session = session or db.session
    with session.no_autoflush:
        row = session.get(AccountSession, user_id)
        if row is None:
            row = AccountSession(user_id=user_id, generation=0)
            session.add(row)
        row.generation = (row.generation or 0) + 1
    return row


def previous_password_hashes(user) -> list[str]:
    """The hashes a new password must not match: the current and the previous one."""
    row = db.session.get(AccountSession, user.id) if user.id else None
    return [h for h in (user.password, row.previous_password if row else None) if h]


def _changed(state, name: str) -> bool:
    return state.attrs[name].history.has_changes()


@event.listens_for(Session, "before_flush")
def _end_sessions_on_account_change(session, _context, _instances) -> None:
    for obj in list(session.dirty):
        if not isinstance(obj, User) or obj.id is None:
            continue
        state = inspect(obj)
        if not any(_changed(state, name) for name in ENDING_ATTRIBUTES):
            continue
        row = end_sessions(obj.id, session)
        old = state.attrs.password.history.deleted
        if old and old[0] and old[0] != obj.password:
            row.previous_password = old[0]
