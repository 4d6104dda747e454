"""Append-only audit log with a keyed hash chain (4.1; 152-FZ art. 19).

Every entry stores the previous entry's hash; its own hash is an HMAC-SHA256 under a key kept
outside the database (AUDIT_KEY, or instance/audit_key), so an entry edited in the database
cannot be re-hashed to match. The chain's head (audit_head: last id, last hash, number of
entries) is updated in the same transaction; `flask journal audit-verify` names the first
entry that was changed, inserted or deleted behind the portal's back and prints the head, to
be compared with a copy kept elsewhere (each backup records it too). On PostgreSQL `flask
journal init` also installs a trigger that refuses UPDATE and DELETE on audit_log.

record() only queues an entry on the session; the entries are sealed into the chain when the
transaction commits (seal), so the chain's lock is held for a few milliseconds at commit, not
for the whole request, and requests that only read never wait for one another.
"""
import hashlib
import hmac
import json
from datetime import timezone

from flask import current_app, g, has_request_context, request
from flask_appbuilder.security.sqla.models import User
from flask_jwt_extended import get_current_user
from flask_login import current_user
from sqlalchemy import bindparam, event, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from ... import labels
from ...extensions import db
from ...infra import bulk, clock
from ...models import AuditHead, AuditLog

GENESIS = "0" * 64
PENDING = "audit_pending"  # session.info key: entries recorded, not yet sealed
ADVISORY_LOCK = 727001  # PostgreSQL: only while the head row is first created

# One name per kind of action, used by every domain (SPEC 4.1); labels in labels.py.
ACTIONS = labels.ACTIONS
_COLUMNS = ("id", "created_at", "user_id", "username", "action", "object_type", "object_id",
            "ip_address", "user_agent", "details", "prev_hash", "entry_hash")


class Entry:
    """An entry queued on its transaction until commit (seal), then inserted as a plain row:
    a batch save queues one per changed cell, and a mapped AuditLog object would cost each
    of them the ORM's instrumentation for nothing."""
    __slots__ = _COLUMNS

    def __init__(self, **values):
        for name in _COLUMNS:
            setattr(self, name, values.get(name))


# json.dumps with these options, each encoder made once (a saved column hashes every entry)
_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DETAILS_JSON = json.JSONEncoder(ensure_ascii=False, default=str, sort_keys=True)


def _canonical(entry) -> str:
    created = entry.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return _CANONICAL_JSON.encode(
        [entry.id, created.astimezone(timezone.utc).isoformat(timespec="microseconds"),
         entry.user_id, entry.username, entry.action, entry.object_type, entry.object_id,
         entry.ip_address, entry.user_agent, entry.details, entry.prev_hash])


def _key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def entry_hash(entry, key: bytes | None = None) -> str:
    """4.1: HMAC-SHA256 of the entry's canonical form under the key kept outside the database."""
    return hmac.new(key or _key(), _canonical(entry).encode(), hashlib.sha256).hexdigest()


def legacy_hash(entry) -> str:
    """Plain SHA-256, as entries were hashed before the chain was keyed (verify_chain)."""
    return hashlib.sha256(_canonical(entry).encode()).hexdigest()


def _current_user():
    try:
        if current_user and current_user.is_authenticated:
            return current_user
        return get_current_user()  # an API client's account, authenticated by its token
    except Exception:  # outside a request: CLI, scheduler; a request without a token
        return None


def _client() -> tuple[str | None, str]:
    """The request's address and user agent, read once per request (a batch save audits
    every changed cell)."""
    client = g.get("_audit_client")
    if client is None:
        client = g._audit_client = (request.remote_addr,
                                    (request.user_agent.string or "")[:512])
    return client


def _plain_session(session):
    """A scoped_session stands for its current Session: entries queue on that one."""
    return session() if hasattr(session, "registry") else session


def record(action: str, object_type: str | None = None, object_id=None, details=None,
           user=None, username: str | None = None, session=None) -> Entry:
    """Add an audit entry to the current transaction (committed with the caller's work).

    The entry gets its number and hash when the transaction commits (seal)."""
    return record_many(action, object_type, [(object_id, details)], user=user,
                       username=username, session=session)[0]


def record_many(action: str, object_type: str | None, items, user=None,
                username: str | None = None, session=None) -> list[Entry]:
    """One entry per (object id, details) of `items`, all by the same user at the same moment
    (a saved column audits each of its changed cells): who, when and from where are read once."""
    items = list(items)
    if not items:
        return []
    session = _plain_session(session if session is not None else db.session)
    user = user if user is not None else _current_user()
    ip, agent = _client() if has_request_context() else (None, None)
    created_at = clock.now()
    user_id = getattr(user, "id", None)
    # CR/LF encoded so a crafted username cannot forge log lines
    username = (username or getattr(user, "username", None) or "") \
        .replace("\r", "\\r").replace("\n", "\\n")[:255] or None
    entries = [Entry(created_at=created_at, user_id=user_id, username=username, action=action,
                     object_type=object_type,
                     object_id=None if object_id is None else str(object_id),
                     ip_address=ip, user_agent=agent,
                     details=None if details is None else _DETAILS_JSON.encode(details))
               for object_id, details in items]
    if not session.in_transaction():
        session.begin()  # so a rollback before any query forgets the entries too
    session.info.setdefault(PENDING, []).extend(entries)
    return entries


def commit_read(session=None) -> None:
    """Commit the audit entries of a read (a journal, a record viewed): nothing else changed, so
    the rows the request loaded stay loaded instead of being expired and read again — on the
    busiest pages that expiry cost more than the entry itself."""
    session = _plain_session(session if session is not None else db.session)
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


_HEAD = AuditHead.__table__
_READ_HEAD = (select(_HEAD.c.last_id, _HEAD.c.last_hash, _HEAD.c.entries)
              .where(_HEAD.c.id == 1).with_for_update())
_WRITE_HEAD = (update(_HEAD).where(_HEAD.c.id == 1).values(entries=_HEAD.c.entries)
               .returning(_HEAD.c.last_id, _HEAD.c.last_hash, _HEAD.c.entries))


def _lock_head(session):
    """Take the chain's lock and read its head: (last id, last hash, entries) or None.

    PostgreSQL: the head row FOR UPDATE (until commit, a few milliseconds away). SQLite: a
    write to the head row first, so the file's write lock is held before the head is read.
    The statements are built once: they run on every audited request."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        row = connection.execute(_READ_HEAD).first()
        if row is None:  # the very first entry: two first writers must not both create it
            connection.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
            row = connection.execute(_READ_HEAD).first()
        return row
    return connection.execute(_WRITE_HEAD).first()


_MOVE_HEAD = (update(_HEAD).where(_HEAD.c.id == 1)
              .values(last_id=bindparam("last_id"), last_hash=bindparam("last_hash"),
                      entries=bindparam("entries")))


def seal(session) -> None:
    """Number, link and hash the queued entries, insert them and move the head (4.1)."""
    entries = session.info.pop(PENDING, None)
    if not entries:
        return
    head = _lock_head(session)
    if head is None:  # first entry (or a head lost in the database: verify_chain reports it)
        last = session.execute(select(AuditLog.id, AuditLog.entry_hash)
                               .order_by(AuditLog.id.desc()).limit(1)).first()
        last_id, last_hash = (last.id, last.entry_hash) if last else (0, GENESIS)
    else:
        last_id, last_hash = head.last_id, head.last_hash
    key = _key()
    for entry in entries:
        last_id += 1
        entry.id, entry.prev_hash = last_id, last_hash
        entry.entry_hash = last_hash = entry_hash(entry, key)
    # Core statements on the transaction's own connection: the ORM's execution layer adds
    # nothing to plain inserts; all the entries in one statement.
    connection = session.connection()
    values = {"last_id": last_id, "last_hash": last_hash, "entries": last_id}
    rows = [{c: getattr(e, c) for c in _COLUMNS} for e in entries]
    if head is None:
        bulk.insert_rows(connection, AuditLog.__table__, rows)
        connection.execute(insert(AuditHead.__table__).values(id=1, **values))
    else:  # the head moves in the same statement as its entries (PostgreSQL)
        bulk.insert_rows(connection, AuditLog.__table__, rows,
                         along=("moved_head", _MOVE_HEAD, values))


@event.listens_for(Session, "before_commit")
def _seal_at_commit(session) -> None:
    """The caller's own changes are flushed first, so the chain's lock is taken last."""
    if session.in_nested_transaction():
        return
    session.flush()  # may queue entries of its own (account changes, see below)
    seal(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_unsealed(session, transaction) -> None:
    """Entries of a transaction that was rolled back are not recorded."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def head() -> tuple[int, str]:
    """The chain's head (last id, last hash), to compare with a copy kept elsewhere."""
    row = db.session.get(AuditHead, 1)
    return (row.last_id, row.last_hash) if row else (0, GENESIS)


def verify_chain() -> tuple[bool, AuditLog | None, str]:
    """Walk the chain in id order; return (ok, first bad entry, reason).

    Entries from before the chain was keyed (plain SHA-256) are accepted only before the
    first keyed entry, which seals them: its HMAC covers the last of them. Once an entry is
    keyed, every later one must be, and so must the last one."""
    prev_hash, prev_id, keyed = GENESIS, 0, False
    key = _key()
    for entry in db.session.scalars(select(AuditLog).order_by(AuditLog.id)).yield_per(1000):
        if entry.id != prev_id + 1:
            return False, entry, f"перед записью №{entry.id} удалены записи"
        if entry.prev_hash != prev_hash:
            return False, entry, f"запись №{entry.id}: нарушена связь с предыдущей записью"
        if hmac.compare_digest(entry_hash(entry, key), entry.entry_hash):
            keyed = True
        elif keyed or legacy_hash(entry) != entry.entry_hash:
            return False, entry, f"запись №{entry.id} изменена"
        prev_hash, prev_id = entry.entry_hash, entry.id
    if prev_id and not keyed:
        return False, None, ("ни одна запись не подписана ключом журнала аудита: "
                             "журнал пересчитан без ключа или ключ заменён")
    row = db.session.get(AuditHead, 1)
    head_id, head_hash = (row.last_id, row.last_hash) if row else (0, GENESIS)
    if row is None and prev_id:
        return False, None, "удалена запись о последней записи журнала (audit_head)"
    if head_id > prev_id:
        first = prev_id + 1
        return False, None, (f"удалены последние записи: №{first}–№{head_id} "
                             f"(в журнале {prev_id} из {head_id})")
    if head_id < prev_id or head_hash != prev_hash:
        return False, None, (f"запись №{head_id + 1 if head_id < prev_id else head_id} "
                             "не совпадает с сохранённым концом цепочки")
    return True, None, ""


# --- account block/unblock and role changes, wherever they are made (FAB views, API) ------
def _audit_accounts(session, flush_context, instances) -> None:
    changed = [obj for obj in session.dirty if isinstance(obj, User)]
    for user in changed:
        state = inspect(user)
        active = state.attrs.active.history
        if active.has_changes() and active.deleted and bool(active.deleted[0]) != bool(user.active):
            record("account_unblock" if user.active else "account_block", "user", user.id,
                   details={"username": user.username}, session=session)
        roles = state.attrs.roles.history
        if roles.added or roles.deleted:
            after = sorted(r.name for r in user.roles or [])
            before = sorted(set(after) - {r.name for r in roles.added}
                            | {r.name for r in roles.deleted})
            if before != after:
                record("role_change", "user", user.id,
                       details={"username": user.username, "before": before, "after": after},
                       session=session)


event.listen(Session, "before_flush", _audit_accounts)


# --- PostgreSQL: the database itself refuses UPDATE/DELETE of entries -----------------------
GUARD_SQL = [
    """CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
]


def install_guard() -> bool:
    """Create (or re-create) the append-only trigger; idempotent. False on SQLite."""
    if db.engine.dialect.name != "postgresql":
        return False
    for statement in GUARD_SQL:  # on the session's own connection: no lock waits on itself
        db.session.execute(text(statement))
    db.session.commit()
    return True


def guard_installed() -> bool:
    if db.engine.dialect.name != "postgresql":
        return False
    return bool(db.session.scalar(text(
        "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_log_append_only'")))
