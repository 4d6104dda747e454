"""Append-only audit log with a hash chain (4.1; 152-FZ art. 19).

Every entry stores the hash of the previous one; `flask journal audit-verify` recomputes the
chain and names the first entry that was changed, inserted or deleted behind the portal's back.
"""
import hashlib
import json
from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import select, text

from ..extensions import db
from ..models import AuditLog

GENESIS = "0" * 64


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


def _lock_chain() -> None:
    """Serialise writers so the chain never forks (PostgreSQL; SQLite locks the file)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(727001)"))


def _current_user():
    try:
        from flask_login import current_user
        if current_user and current_user.is_authenticated:
            return current_user
    except Exception:  # outside a request: CLI, scheduler
        return None
    return None


def record(action: str, object_type: str | None = None, object_id=None, details=None,
           user=None, username: str | None = None) -> AuditLog:
    """Add an audit entry to the current transaction (committed with the caller's work)."""
    user = user if user is not None else _current_user()
    ip = agent = None
    if has_request_context():
        ip = request.remote_addr
        agent = (request.user_agent.string or "")[:512]
    _lock_chain()
    last = db.session.execute(
        select(AuditLog.id, AuditLog.entry_hash).order_by(AuditLog.id.desc()).limit(1)
    ).first()
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
        prev_hash=last.entry_hash if last else GENESIS,
    )
    entry.id = (last.id + 1) if last else 1
    entry.entry_hash = entry_hash(entry)
    db.session.add(entry)
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
    return True, None, ""
