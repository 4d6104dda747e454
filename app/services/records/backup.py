"""Verified backups (7.1): a consistent copy while the portal runs, its SHA-256, a test restore
into a scratch database with row counts compared per table, restore with refusal of corrupt
files, and rotation (the last BACKUP_KEEP copies are kept).

SQLite: the online backup API (sqlite3.Connection.backup). PostgreSQL: `pg_dump -Fc` from an
exported snapshot, so the counted rows are exactly the rows in the dump.
"""
import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import create_engine, inspect as sa_inspect, select, text
from sqlalchemy.engine import make_url

from ...errors import Refused
from ...extensions import db
from ...models import BackupRecord
from . import audit

LATEST_MARK_SQL = "SELECT max(updated_at) FROM journal_cell"
# 4.1: the audit chain's head as the copy holds it, to compare with `flask journal audit-verify`
AUDIT_HEAD_SQL = "SELECT last_id, last_hash FROM audit_head WHERE id = 1"


class BackupError(Refused):
    """A backup or restore refused or failed; the message is Russian."""


# --- helpers ----------------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_dir() -> Path:
    """The copies hold every person's data (152-FZ): the directory is the portal's alone."""
    path = Path(current_app.config["BACKUP_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _private_file(path: Path) -> Path:
    """Create `path` empty and readable by the portal's account only (0600), before any data
    is written into it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)
    return path


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _engine_name() -> str:
    return "postgresql" if _url().get_backend_name() == "postgresql" else "sqlite"


def _sqlite_path(url=None) -> str:
    return (url or _url()).database


def _pg_env(url) -> tuple[dict, list[str]]:
    """libpq connection arguments of a SQLAlchemy URL (password through the environment)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
    if url.username:
        args += ["-U", url.username]
    return env, args


def _run(cmd: list[str], env: dict) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(_("%(command)s завершился с ошибкой: %(stderr)s", command=cmd[0],
                            stderr=done.stderr.strip()[:500]))


def _counts_sqlite(conn) -> dict:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
              for name in names}
    latest = conn.execute(LATEST_MARK_SQL).fetchone()[0] if "journal_cell" in names else None
    head = conn.execute(AUDIT_HEAD_SQL).fetchone() if "audit_head" in names else None
    return {"tables": counts, "latest_mark": None if latest is None else str(latest),
            "audit_head": _head(head)}


def _head(row) -> dict | None:
    return None if row is None else {"last_id": row[0], "last_hash": row[1]}


def _counts_sqla(conn) -> dict:
    names = sorted(sa_inspect(conn).get_table_names())
    counts = {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
              for name in names}
    latest = conn.execute(text(LATEST_MARK_SQL)).scalar() if "journal_cell" in names else None
    head = conn.execute(text(AUDIT_HEAD_SQL)).first() if "audit_head" in names else None
    return {"tables": counts, "latest_mark": None if latest is None else latest.isoformat(),
            "audit_head": _head(head)}


# --- making a copy ----------------------------------------------------------------------------
def _dump_sqlite(target: Path) -> dict:
    source = sqlite3.connect(_sqlite_path())
    try:
        source.execute("BEGIN")  # one read transaction: the counts and the copy see the same data
        counts = _counts_sqlite(source)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
        source.rollback()
    finally:
        source.close()
    return counts


def _dump_postgresql(target: Path) -> dict:
    url = _url()
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            counts = _counts_sqla(conn)
            env, args = _pg_env(url)
            _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", *args,
                  "-f", str(target), url.database], env)
            conn.rollback()
    finally:
        engine.dispose()
    return counts


# --- restoring --------------------------------------------------------------------------------
def _restore_sqlite(source: Path, database: str) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dest = sqlite3.connect(database)
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()


def _restore_postgresql(source: Path, url) -> None:
    env, args = _pg_env(url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          *args, "-d", url.database, str(source)], env)


def check_readable(path: Path, engine: str) -> None:
    """Refuse a file that is not a readable backup of this kind."""
    if engine == "sqlite":
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(_("Файл %(path)s не читается как копия SQLite: %(exc)s",
                                path=path.name, exc=exc)) from None
        if result != "ok":
            raise BackupError(_("Файл %(path)s повреждён: %(result)s", path=path.name,
                                result=result))
        return
    env, _args = _pg_env(_url())
    done = subprocess.run(["pg_restore", "-l", str(path)], env=env, capture_output=True)
    if done.returncode != 0:
        raise BackupError(_("Файл %(path)s не читается как копия PostgreSQL (pg_restore -l).",
                            path=path.name))


def _scratch_counts(path: Path, engine: str) -> tuple[dict, float]:
    """Restore into a scratch database; return its counts and the restore time in seconds."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="journal-verify-") as tmp:
            scratch = str(Path(tmp) / "scratch.db")
            started = time.monotonic()
            _restore_sqlite(path, scratch)
            seconds = time.monotonic() - started
            conn = sqlite3.connect(scratch)
            try:
                return _counts_sqlite(conn), seconds
            finally:
                conn.close()
    url = _url()
    name = f"{url.database}_verify_{uuid.uuid4().hex[:8]}"[:63]
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            scratch_url = url.set(database=name)
            started = time.monotonic()
            _restore_postgresql(path, scratch_url)
            seconds = time.monotonic() - started
            scratch = create_engine(scratch_url)
            try:
                with scratch.connect() as conn:
                    return _counts_sqla(conn), seconds
            finally:
                scratch.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def verify(path: Path, engine: str, expected: dict) -> dict:
    """7.1: restore into a scratch database and compare row counts and the latest mark."""
    started = datetime.now(timezone.utc)
    try:
        check_readable(path, engine)
        got, seconds = _scratch_counts(path, engine)
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


# --- the commands -----------------------------------------------------------------------------
def make_backup(user=None) -> BackupRecord:
    """Make, checksum and verify a backup; keep the last BACKUP_KEEP (7.1)."""
    engine = _engine_name()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir() / f"journal-{stamp}.{'sqlite3' if engine == 'sqlite' else 'dump'}"
    db.session.remove()
    _private_file(target)
    counts = _dump_sqlite(target) if engine == "sqlite" else _dump_postgresql(target)
    digest = sha256_file(target)
    # a convenience for copies kept off the server; the database's record is the authority
    _private_file(Path(f"{target}.sha256")).write_text(f"{digest}  {target.name}\n")
    result = verify(target, engine, counts)
    record = BackupRecord(file_name=target.name, size_bytes=target.stat().st_size,
                          sha256=digest, engine=engine, verified=bool(result["ok"]),
                          verification=json.dumps(result, ensure_ascii=False, sort_keys=True))
    db.session.add(record)
    db.session.flush()
    audit.record("backup_create", "backup", record.id, user=user,
                 details={"file": target.name, "sha256": digest, "verified": result["ok"]})
    rotate()
    db.session.commit()
    return record


def rotate() -> list[str]:
    """Delete the files of all but the last BACKUP_KEEP backups (their records stay). The
    newest verified copy is always kept, even behind a run of copies that failed (7.1)."""
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
    return removed


def expected_checksum(path: Path) -> str | None:
    """7.1: the SHA-256 recorded in the database's list of copies is the authority; a
    `.sha256` file beside the copy never overrides it (anyone who can change the copy can
    recompute that file). The side file is read only when the database keeps no list at all
    (a new server, or the database itself being recovered). None: nothing to compare with."""
    try:
        recorded = db.session.scalar(select(BackupRecord.sha256)
                                     .where(BackupRecord.file_name == path.name))
        if recorded is not None:
            return recorded
        if db.session.scalar(select(BackupRecord.id).limit(1)) is not None:
            return None  # the list exists and does not know this file
    except Exception:  # the database itself may be the thing being recovered
        db.session.rollback()
    sidecar = Path(f"{path}.sha256")
    if sidecar.is_file():
        words = sidecar.read_text(errors="replace").split()
        return words[0] if words else None
    return None


def check_backup(path: Path) -> str:
    """Refuse a missing, unreadable or checksum-mismatched file; return its engine."""
    if not path.is_file():
        raise BackupError(_("Файл %(path)s не найден.", path=path))
    engine = _engine_name()
    expected = expected_checksum(path)
    if expected is None:
        raise BackupError(_("Файла %(path)s нет в списке резервных копий этой базы, контрольная "
                            "сумма неизвестна: восстановление отклонено.", path=path.name))
    actual = sha256_file(path)
    if actual != expected:
        raise BackupError(_("Контрольная сумма файла %(path)s не совпадает (ожидалась "
                            "%(expected)s…, получена %(actual)s…): файл повреждён, восстановление "
                            "отклонено.", path=path.name, expected=expected[:12],
                            actual=actual[:12]))
    check_readable(path, engine)
    return engine


def restore(path: Path) -> float:
    """Replace the database with the backup (after check_backup); returns seconds taken."""
    engine = check_backup(path)
    db.session.remove()
    db.engine.dispose()  # no open connection holds the tables being replaced
    started = time.monotonic()
    if engine == "sqlite":
        _restore_sqlite(path, _sqlite_path())
    else:
        _restore_postgresql(path, _url())
    seconds = time.monotonic() - started
    db.engine.dispose()
    audit.record("backup_restore", "backup", None,
                 details={"file": path.name, "seconds": round(seconds, 3)})
    db.session.commit()
    return seconds


def backups() -> list[BackupRecord]:
    return db.session.scalars(select(BackupRecord).order_by(BackupRecord.created_at.desc(),
                                                            BackupRecord.id.desc())).all()
