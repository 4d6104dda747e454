"""Append-only audit log with a hash chain (4.1; 152-FZ art. 19).

Every entry stores the hash of the previous one and the chain's head (audit_head: last id,
last hash, number of entries) is updated in the same transaction, so `flask journal
audit-verify` names the first entry that was changed, inserted or deleted behind the portal's
back — the last entries included. On PostgreSQL `flask journal init` also installs a trigger
that refuses UPDATE and DELETE on audit_log (install_guard).
"""
import hashlib
import json
from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditHead, AuditLog

GENESIS = "0" * 64

# One name per kind of action, used by every domain (SPEC 4.1); labels for IT's screen.
ACTIONS = {
    "login": "вход",
    "login_failed": "неудачный вход",
    "login_locked": "вход при блокировке",
    "logout": "выход",
    "password_change": "смена пароля",
    "password_reset": "сброс пароля",
    "account_block": "блокировка учётной записи",
    "account_unblock": "разблокировка учётной записи",
    "role_change": "изменение ролей",
    "credentials_issue": "выдача учётных данных",
    "journal_view": "просмотр журнала",
    "record_view": "просмотр карточки студента",
    "export": "выгрузка",
    "lesson_create": "создание занятия",
    "lesson_update": "изменение занятия",
    "lesson_delete": "удаление занятия",
    "cell_change": "изменение отметки",
    "final_grade_change": "изменение итоговой оценки",
    "message_send": "отправка сообщения",
    "backup_create": "резервная копия",
    "backup_restore": "восстановление из копии",
    "archive_create": "архивирование",
    "archive_destroy": "уничтожение архива",
}


def _canonical(entry: AuditLog) -> str:
    created = entry.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return json.dumps(
        [entry.id, created.astimezone(timezone.utc).isoformat(timespec="microseconds"),
         entry.user_id, entry.username, entry.action, entry.object_type, entry.object_id,
         entry.ip_address, entry.user_agent, entry.details, entry.prev_hash],
        ensure_ascii=False, separators=(",", ":"),
    )


def entry_hash(entry: AuditLog) -> str:
    return hashlib.sha256(_canonical(entry).encode()).hexdigest()


def _lock_chain(session) -> None:
    """Serialise writers so the chain never forks (PostgreSQL; SQLite locks the file)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    # The lock lasts until the transaction ends: take it once per transaction, not per entry.
    if hasattr(session, "registry"):  # a scoped_session: work on the current Session
        session = session()
    transaction = session.get_transaction()
    if transaction is not None and session.info.get("audit_lock") is transaction:
        return
    session.execute(text("SELECT pg_advisory_xact_lock(727001)"))
    session.info["audit_lock"] = session.get_transaction()


def _current_user():
    try:
        from flask_login import current_user
        if current_user and current_user.is_authenticated:
            return current_user
    except Exception:  # outside a request: CLI, scheduler
        return None
    return None


def record(action: str, object_type: str | None = None, object_id=None, details=None,
           user=None, username: str | None = None, session=None) -> AuditLog:
    """Add an audit entry to the current transaction (committed with the caller's work)."""
    session = session if session is not None else db.session
    user = user if user is not None else _current_user()
    ip = agent = None
    if has_request_context():
        ip = request.remote_addr
        agent = (request.user_agent.string or "")[:512]
    _lock_chain(session)
    with session.no_autoflush:
        head = session.get(AuditHead, 1) or next(
            (o for o in session.new if isinstance(o, AuditHead)), None)
        last = None if head else session.execute(
            select(AuditLog.id, AuditLog.entry_hash).order_by(AuditLog.id.desc()).limit(1)
        ).first()
    if head is not None:
        last_id, last_hash = head.last_id, head.last_hash
    else:  # first entry (or a head lost in the database: verify_chain reports that)
        last_id, last_hash = (last.id, last.entry_hash) if last else (0, GENESIS)
    entry = AuditLog(
        created_at=datetime.now(timezone.utc),
        user_id=getattr(user, "id", None),
        # CR/LF encoded so a crafted username cannot forge log lines
        username=(username or getattr(user, "username", None) or "")
        .replace("\r", "\\r").replace("\n", "\\n")[:255] or None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip_address=ip,
        user_agent=agent,
        details=None if details is None else json.dumps(details, ensure_ascii=False,
                                                        default=str, sort_keys=True),
        prev_hash=last_hash,
    )
    entry.id = last_id + 1
    entry.entry_hash = entry_hash(entry)
    session.add(entry)
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS, entries=0)
        session.add(head)
    head.last_id, head.last_hash = entry.id, entry.entry_hash
    head.entries = entry.id
    return entry


def verify_chain() -> tuple[bool, AuditLog | None, str]:
    """Walk the chain in id order; return (ok, first bad entry, reason)."""
    prev_hash, prev_id = GENESIS, 0
    for entry in db.session.scalars(select(AuditLog).order_by(AuditLog.id)).yield_per(1000):
        if entry.id != prev_id + 1:
            return False, entry, f"перед записью №{entry.id} удалены записи"
        if entry.prev_hash != prev_hash:
            return False, entry, f"запись №{entry.id}: нарушена связь с предыдущей записью"
        if entry_hash(entry) != entry.entry_hash:
            return False, entry, f"запись №{entry.id} изменена"
        prev_hash, prev_id = entry.entry_hash, entry.id
    head = db.session.get(AuditHead, 1)
    head_id, head_hash = (head.last_id, head.last_hash) if head else (0, GENESIS)
    if head is None and prev_id:
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
    from flask_appbuilder.security.sqla.models import User
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
