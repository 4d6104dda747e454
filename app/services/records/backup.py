"""Verified backups (7.1): a consistent copy while the portal runs, its SHA-256 in a signed
list of copies (backup_manifest), a test restore into a scratch database with row counts
compared per table, restore with refusal of corrupt, unlisted or forged files, and rotation
(the last BACKUP_KEEP copies are kept).

Every copy is read through backup_files.private_copy: copied into a private folder while its
SHA-256 is computed, and only that copy is opened (a `-wal` beside a copy is never applied).
"""
import json
import shutil
import sqlite3
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import create_engine, select, text

from ...extensions import db
from ...infra import clock
from ...models import BackupRecord
from . import audit, backup_manifest as manifest
from .backup_files import (
    SUFFIXES, WORK_PREFIX, BackupError, backup_dir, counts_sqla, counts_sqlite, database_url,
    dump_postgresql, dump_sqlite, engine_name, new_file, private_copy, restore_postgresql,
    restore_sqlite, sha256_file, sqlite_path,
)

__all__ = ["BackupError", "sha256_file", "make_backup", "verify", "rotate", "expected_checksum",
           "check_backup", "restore", "backups", "listing"]
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
STALE_WORK_SECONDS = 24 * 3600


def _scratch_counts(copy: Path, engine: str) -> tuple[dict, float]:
    """Restore the private copy into a scratch database; its counts and the seconds taken."""
    if engine == "sqlite":
        scratch = str(copy.parent / "scratch.db")
        started = time.monotonic()
        restore_sqlite(copy, scratch)
        seconds = time.monotonic() - started
        conn = sqlite3.connect(scratch)
        try:
            return counts_sqlite(conn), seconds
        finally:
            conn.close()
    url = database_url()
    name = f"{url.database}_verify_{uuid.uuid4().hex[:8]}"[:63]
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            scratch_url = url.set(database=name)
            started = time.monotonic()
            restore_postgresql(copy, scratch_url)
            seconds = time.monotonic() - started
            scratch = create_engine(scratch_url)
            try:
                with scratch.connect() as conn:
                    return counts_sqla(conn), seconds
            finally:
                scratch.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def verify(path: Path, engine: str, expected: dict, sha256: str | None = None) -> dict:
    """7.1: restore (a private copy of) the file into a scratch database and compare row counts
    and the latest mark; `sha256`, when given, must be the file's checksum."""
    started = datetime.now(timezone.utc)
    try:
        with private_copy(path, engine, sha256) as (copy, _digest):
            got, seconds = _scratch_counts(copy, engine)
    except BackupError as exc:
        return {"ok": False, "error": str(exc), "checked_at": started.isoformat()}
    differences = {name: [expected["tables"].get(name), got["tables"].get(name)]
                   for name in sorted(set(expected["tables"]) | set(got["tables"]))
                   if expected["tables"].get(name) != got["tables"].get(name)}
    latest_ok = (expected["latest_mark"] or "")[:19] == (got["latest_mark"] or "")[:19]
    return {"ok": not differences and latest_ok, "checked_at": started.isoformat(),
            "restore_seconds": round(seconds, 3), "tables": len(got["tables"]),
            "rows": sum(got["tables"].values()), "differences": differences,
            "latest_mark": expected["latest_mark"], "latest_mark_restored": got["latest_mark"],
            "audit_head": expected.get("audit_head")}


# --- making copies ----------------------------------------------------------------------------
def make_backup(user=None) -> BackupRecord:
    """Make, checksum, verify and list a backup; keep the last BACKUP_KEEP (7.1)."""
    manifest.copies()  # a manifest that fails its check stops here, before any copy is made
    engine = engine_name()
    # the name reads in the college's clock, as the backups' table does
    stamp = clock.local(clock.now()).strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir() / f"journal-{stamp}.{SUFFIXES[engine]}"
    db.session.remove()
    new_file(target)
    counts = dump_sqlite(target) if engine == "sqlite" else dump_postgresql(target)
    digest = sha256_file(target)
    # a convenience for copies kept off the server; the signed manifest is the authority
    new_file(Path(f"{target}.sha256")).write_text(f"{digest}  {target.name}\n")
    result = verify(target, engine, counts, sha256=digest)
    record = BackupRecord(file_name=target.name, size_bytes=target.stat().st_size,
                          sha256=digest, engine=engine, verified=bool(result["ok"]),
                          verification=json.dumps(result, ensure_ascii=False, sort_keys=True))
    db.session.add(record)
    db.session.flush()
    manifest.add(record)
    audit.record("backup_create", "backup", record.id, user=user,
                 details={"file": target.name, "sha256": digest, "verified": result["ok"]})
    rotate()
    db.session.commit()
    return record


def _remove_stale_work() -> None:
    """Private folders of a restore killed midway (kill -9) go after a day."""
    limit = time.time() - STALE_WORK_SECONDS
    for folder in backup_dir().glob(f"{WORK_PREFIX}*"):
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def rotate() -> list[str]:
    """Delete the files of all but the last BACKUP_KEEP backups (their records and manifest
    entries stay, marked removed). The newest verified copy is always kept, even behind a run
    of copies that failed (7.1)."""
    keep = int(current_app.config.get("BACKUP_KEEP", 14))
    records = db.session.scalars(select(BackupRecord).where(BackupRecord.removed.is_(False))
                                 .order_by(BackupRecord.created_at.desc(),
                                           BackupRecord.id.desc())).all()
    newest_good = next((r for r in records if r.verified), None)
    removed = []
    for record in records[keep:]:
        if record is newest_good:
            continue
        for path in (backup_dir() / record.file_name,
                     backup_dir() / f"{record.file_name}.sha256"):
            path.unlink(missing_ok=True)
        record.removed = True
        removed.append(record.file_name)
    manifest.mark_removed(removed)
    _remove_stale_work()
    return removed


# --- restoring --------------------------------------------------------------------------------
def _side_file(path: Path) -> str | None:
    sidecar = Path(f"{path}.sha256")
    if not sidecar.is_file():
        return None
    words = sidecar.read_text(errors="replace").split()
    return words[0] if words else None


def _expected(path: Path) -> tuple[str | None, bool]:
    """(the SHA-256 the file must have, whether it comes from the `.sha256` side file).

    The signed manifest decides; an install from before it gets one built from the
    database's list. Only with no manifest and no list anywhere (a new server, the database
    itself being recovered) is the side file read."""
    listed = manifest.copies()
    if listed is not None:
        item = listed.get(path.name)
        if item is not None and item.get("engine") not in (None, engine_name()):
            raise BackupError(_("Копия %(path)s сделана из базы %(kind)s, а портал работает с "
                                "%(current)s: восстановление отклонено.", path=path.name,
                                kind=ENGINE_NAMES.get(item["engine"], item["engine"]),
                                current=ENGINE_NAMES[engine_name()]))
        return (item["sha256"] if item else None), False
    return _side_file(path), True


def expected_checksum(path: Path) -> str | None:
    """The SHA-256 a copy must have, None when nothing vouches for it (it is refused)."""
    return _expected(path)[0]


def _checked(path: Path) -> tuple[str, str, bool]:
    if not path.is_file():
        raise BackupError(_("Файл %(path)s не найден.", path=path))
    expected, from_side_file = _expected(path)
    if expected is None:
        raise BackupError(_("Файла %(path)s нет в списке резервных копий этой базы, контрольная "
                            "сумма неизвестна: восстановление отклонено.", path=path.name))
    return engine_name(), expected, from_side_file


def check_backup(path: Path) -> str:
    """Refuse a missing, unlisted, checksum-mismatched or unreadable file; return its engine.
    The file is checked through a private copy, as a restore reads it."""
    engine, expected, _from_side_file = _checked(path)
    with private_copy(path, engine, expected):
        pass
    return engine


def restore(path: Path) -> float:
    """Replace the database with the backup, read only through its checked private copy, then
    reconcile the restored database's list of copies with the manifest; returns seconds."""
    engine, expected, from_side_file = _checked(path)
    with private_copy(path, engine, expected) as (copy, _digest):
        db.session.remove()
        db.engine.dispose()  # no open connection holds the tables being replaced
        started = time.monotonic()
        if engine == "sqlite":
            restore_sqlite(copy, sqlite_path())
        else:
            restore_postgresql(copy, database_url())
        seconds = time.monotonic() - started
    db.engine.dispose()
    if from_side_file:
        _list_restored(path, engine, expected, seconds)
    listed = manifest.copies() or {}
    changed = manifest.reconcile(listed)
    audit.record("backup_restore", "backup", None,
                 details={"file": path.name, "seconds": round(seconds, 3),
                          "sha256": expected, "listed": len(listed), "reconciled": changed})
    db.session.commit()
    return seconds


def _list_restored(path: Path, engine: str, digest: str, seconds: float) -> None:
    """A copy brought to a server with no list, accepted on its side file, is listed from now
    on (the manifest is built from the restored database's list plus this copy)."""
    record = db.session.scalar(select(BackupRecord).where(BackupRecord.file_name == path.name))
    if record is None:
        record = BackupRecord(file_name=path.name)
        db.session.add(record)
    record.size_bytes, record.sha256, record.engine = path.stat().st_size, digest, engine
    record.verified, record.removed = True, False
    record.verification = json.dumps({"ok": True, "restore_seconds": round(seconds, 3),
                                      "restored_at": datetime.now(timezone.utc).isoformat()},
                                     sort_keys=True)
    db.session.flush()
    manifest.add(record)


# --- IT's page ------------------------------------------------------------------------------
def backups() -> list[BackupRecord]:
    return db.session.scalars(select(BackupRecord).order_by(BackupRecord.created_at.desc(),
                                                            BackupRecord.id.desc())).all()


def listing() -> dict:
    """What the signed manifest lists, for IT's page: {"copies": name → entry (None when there
    is no manifest), "error": the refusal if it fails its check, "key_id": the key's name}."""
    try:
        listed, error = manifest.copies(), None
    except BackupError as exc:
        listed, error = None, str(exc)
    return {"copies": listed, "error": error, "key_id": manifest.key_id(),
            "file": manifest.MANIFEST_NAME}
