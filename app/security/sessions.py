"""Sessions that end (ASVS 3.3.1, 3.3.3; SECURITY.md "Authentication and sessions").

Every account has a session generation. A session cookie and every access or refresh token
carry the generation they were issued in; a request whose generation is not the account's
current one is not authenticated. Logout, a password change or reset, a block and a role
change raise the generation, which ends every session and token of the account at once.
The raise happens at flush, whatever door changed the account (FAB's forms, its REST API,
issuing credentials, contingent orders, the command line)."""
import uuid
from dataclasses import dataclass
from functools import cache

from flask_appbuilder.security.sqla.models import (
    Group, Permission, PermissionView, Role, User, ViewMenu,
)
from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.orm import Session, joinedload

from ..extensions import db
from ..models import AccessStamp, AccountSession, AccountState, DisplayPreference

# Changing any of these ends the account's sessions.
ENDING_ATTRIBUTES = ("password", "active", "roles")
# where a request keeps the account it read with the user (security.manager.load_user), so the
# request hooks of app/web.py ask nothing again
REQUEST_ACCOUNT = "_journal_account"


def generation_of(user_id: int) -> int:
    return db.session.scalar(select(AccountSession.generation)
                             .where(AccountSession.user_id == user_id)) or 0


@dataclass(frozen=True)
class Account:
    """What every authenticated request needs to know of its account, read at once."""
    user: User
    generation: int
    must_change_password: bool
    access_version: str | None  # the roles' permissions version (AccessStamp)
    low_vision: bool = False  # SPEC §8: the version for people with impaired vision


def access_version_query():
    return select(AccessStamp.version).where(AccessStamp.id == 1)


@cache
def _account_query():
    """Built once, on the first request (it runs on every request, and building it cost more
    than running it); not at import, since `User.roles` is a backref that exists only once
    the mappers are configured."""
    return (
        select(User, AccountSession.generation, AccountState.must_change_password,
               access_version_query().scalar_subquery(), DisplayPreference.low_vision)
        .outerjoin(AccountSession, AccountSession.user_id == User.id)
        .outerjoin(AccountState, AccountState.user_id == User.id)
        .outerjoin(DisplayPreference, DisplayPreference.user_id == User.id)
        .where(User.id == bindparam("user_id"))
        .options(joinedload(User.roles), joinedload(User.groups).joinedload(Group.roles)))


def account(user_id: int) -> Account | None:
    """The account of a session or token in one indexed read: the user with their roles and
    groups, the session generation, whether a password change is due, the roles'
    permissions version and the display the account chose — instead of a query for each."""
    row = db.session.execute(_account_query(), {"user_id": user_id}).unique().first()
    if row is None:
        return None
    return Account(row[0], row[1] or 0, bool(row[2]), row[3], bool(row[4]))


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


# --- the roles' permissions version ----------------------------------------------------------
ACCESS_CLASSES = (Role, PermissionView, Permission, ViewMenu)


def raise_access_version(session: Session) -> None:
    stamp = session.get(AccessStamp, 1)
    if stamp is None:
        stamp = AccessStamp(id=1)
        session.add(stamp)
    stamp.version = uuid.uuid4().hex


@event.listens_for(Session, "before_flush")
def _new_access_version_on_role_change(session, _context, _instances) -> None:
    """A role, permission or view added, changed or removed — through FAB's screens, its API,
    the role sync or the command line — gives the roles' permissions a new version: every
    worker's copy is read again on its next request (app/security/manager.py)."""
    for obj in (*session.new, *session.deleted, *session.dirty):
        if isinstance(obj, ACCESS_CLASSES) and (
                obj not in session.dirty or _access_changed(obj)):
            raise_access_version(session)
            return


def _access_changed(obj) -> bool:
    """A changed role counts by its name and permissions only: giving a role to an account
    (the role's `user` side of it) changes no role's permissions."""
    state = inspect(obj)
    if isinstance(obj, Role):
        return _changed(state, "name") or _changed(state, "permissions")
    return any(attr.history.has_changes() for attr in state.attrs)
