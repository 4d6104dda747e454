"""IT's start page (3.1, 4.1, 7.1): the last backup and its age, the audit chain's head,
blocking requests waiting, failed logins and locked accounts of the last day.

The audit chain is not re-verified on every page view (that reads the whole log): the head
row and the last entry are compared and the last entry's hash recomputed; the full check is
`flask journal audit-verify` and the audit page's button.
"""
from datetime import date, timedelta

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from ...extensions import db
from ...infra import clock
from ...models import AccountState, AuditHead, AuditLog, BackupRecord, BlockRequest
from ..records.audit import entry_hash

BACKUP_STALE_HOURS = 26  # a daily backup that is more than a day old is late (7.1)


def last_backup() -> dict:
    record = db.session.scalar(select(BackupRecord).where(BackupRecord.removed.is_(False))
                               .order_by(BackupRecord.created_at.desc()).limit(1))
    if record is None:
        return dict(record=None, hours=None, stale=True)
    created = clock.local(record.created_at)
    hours = int((clock.now() - created).total_seconds() // 3600)
    return dict(record=record, hours=hours, stale=hours > BACKUP_STALE_HOURS or not record.verified)


def audit_head() -> dict:
    """4.1: the head row agrees with the last entry and that entry's hash is its own."""
    head = db.session.get(AuditHead, 1)
    last = db.session.scalar(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))
    if last is None:
        return dict(ok=head is None, entries=0, last=None)
    ok = (head is not None and head.last_id == last.id and head.last_hash == last.entry_hash
          and entry_hash(last) == last.entry_hash)
    return dict(ok=ok, entries=head.entries if head else 0, last=last)


def security_day() -> dict:
    """Failed logins and accounts locked or blocked (SECURITY.md: lockout, 3.1 blocking)."""
    since = clock.now() - timedelta(hours=24)
    failed = db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "login_failed", AuditLog.created_at >= since)) or 0
    now_text = clock.now().isoformat()
    locked = db.session.scalar(select(func.count(AccountState.user_id)).where(
        AccountState.locked_until.is_not(None), AccountState.locked_until > now_text)) or 0
    blocked = db.session.scalar(select(func.count(User.id)).where(User.active.is_(False))) or 0
    pending = db.session.scalar(select(func.count(BlockRequest.id)).where(
        BlockRequest.status == "pending")) or 0
    return dict(failed=failed, locked=locked, blocked=blocked, pending=pending)


def it_health(user, day: date) -> dict:
    return dict(backup=last_backup(), audit=audit_head(), security=security_day(),
                stale_hours=BACKUP_STALE_HOURS)
