"""The files of backups (7.1): writing a copy of either database, reading it back, and the rule
that a restore reads only bytes its checksum covers.

SQLite copies are written by the online backup API and then turned into single-file databases
(journal mode DELETE: no `-wal`, nothing a file beside the copy could add). PostgreSQL copies
are `pg_dump -Fc` from an exported snapshot, so the counted rows are exactly the rows in the
dump. Before any copy is opened it is copied into a private folder (0700) while its SHA-256 is
computed; only that private copy is checked, opened and restored (finding 1).
"""
import hashlib
import os
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import create_engine, inspect as sa_inspect, text
from sqlalchemy.engine import make_url

from ...errors import Refused
from ...infra.private_files import private_file, private_folder

LATEST_MARK_SQL = "SELECT max(updated_at) FROM journal_cell"
# 4.1: the audit chain's head as the copy holds it, to compare with `flask journal audit-verify`
AUDIT_HEAD_SQL = "SELECT last_id, last_hash FROM audit_head WHERE id = 1"
SUFFIXES = {"sqlite": "sqlite3", "postgresql": "dump"}
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
# bytes 18 and 19 of a SQLite file: 1 = rollback journal, 2 = write-ahead log
SQLITE_WAL_HEADER = 2
WORK_PREFIX = ".restore-"


class BackupError(Refused):
    """A backup or restore refused or failed; the message is Russian."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_dir() -> Path:
    """The copies hold every person's data (152-FZ): the directory is the portal's alone."""
    return private_folder(Path(current_app.config["BACKUP_DIR"]))


def new_file(path: Path) -> Path:
    """`path` created empty and owner only (0600), before any data is written into it."""
    return private_file(path)


def database_url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def engine_name() -> str:
    return "postgresql" if database_url().get_backend_name() == "postgresql" else "sqlite"


def sqlite_path(url=None) -> str:
    return (url or database_url()).database


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


def _head(row) -> dict | None:
    return None if row is None else {"last_id": row[0], "last_hash": row[1]}


def counts_sqlite(conn) -> dict:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
              for name in names}
    latest = conn.execute(LATEST_MARK_SQL).fetchone()[0] if "journal_cell" in names else None
    head = conn.execute(AUDIT_HEAD_SQL).fetchone() if "audit_head" in names else None
    return {"tables": counts, "latest_mark": None if latest is None else str(latest),
            "audit_head": _head(head)}


def counts_sqla(conn) -> dict:
    names = sorted(sa_inspect(conn).get_table_names())
    counts = {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
              for name in names}
    latest = conn.execute(text(LATEST_MARK_SQL)).scalar() if "journal_cell" in names else None
    head = conn.execute(text(AUDIT_HEAD_SQL)).first() if "audit_head" in names else None
    return {"tables": counts, "latest_mark": None if latest is None else latest.isoformat(),
            "audit_head": _head(head)}


# --- making a copy ----------------------------------------------------------------------------
def dump_sqlite(target: Path) -> dict:
    """A consistent copy of the live database as ONE file: checkpointed into the main file and
    switched to journal mode DELETE, so the checksum covers everything the copy holds."""
    source = sqlite3.connect(sqlite_path())
    try:
        source.execute("BEGIN")  # one read transaction: the counts and the copy see the same data
        counts = counts_sqlite(source)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
            mode = dest.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        finally:
            dest.close()
        source.rollback()
    finally:
        source.close()
    if mode.lower() != "delete":
        raise BackupError(_("Копия %(name)s не переведена в режим одного файла (режим журнала "
                            "%(mode)s).", name=target.name, mode=mode))
    for suffix in SQLITE_COMPANIONS:
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    return counts


def dump_postgresql(target: Path) -> dict:
    url = database_url()
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            counts = counts_sqla(conn)
            env, args = _pg_env(url)
            _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", *args,
                  "-f", str(target), url.database], env)
            conn.rollback()
    finally:
        engine.dispose()
    return counts


# --- restoring --------------------------------------------------------------------------------
def restore_sqlite(source: Path, database: str) -> None:
    """`source` is always a private copy (private_copy): nothing lies beside it."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dest = sqlite3.connect(database)
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()


def restore_postgresql(source: Path, url) -> None:
    env, args = _pg_env(url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          *args, "-d", url.database, str(source)], env)


def _unreadable_sqlite(name: str, exc: Exception) -> BackupError:
    return BackupError(_("Файл %(path)s не читается как копия SQLite: %(exc)s", path=name,
                         exc=exc))


def check_readable(path: Path, engine: str, name: str | None = None) -> None:
    """Refuse a file that is not a readable backup of this kind (`name`: the copy's own name,
    for the message, when `path` is its private copy)."""
    name = name or path.name
    if engine == "sqlite":
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise _unreadable_sqlite(name, exc) from None
        if result != "ok":
            raise BackupError(_("Файл %(path)s повреждён: %(result)s", path=name,
                                result=result))
        return
    env, _args = _pg_env(database_url())
    done = subprocess.run(["pg_restore", "-l", str(path)], env=env, capture_output=True)
    if done.returncode != 0:
        raise BackupError(_("Файл %(path)s не читается как копия PostgreSQL (pg_restore -l).",
                            path=name))


def _copy_hashing(source: Path, target: Path) -> str:
    """Copy `source` into `target` (0600) and return the SHA-256 of the bytes copied: the
    checksum covers exactly what is then opened, even if the original changes meanwhile."""
    digest = hashlib.sha256()
    new_file(target)
    with open(source, "rb") as src, open(target, "wb") as out:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _single_file(copy: Path, name: str) -> None:
    """A copy made before copies were single files is in WAL mode: switched to journal mode
    DELETE inside the private folder, where no `-wal` lies beside it, so none is applied."""
    with open(copy, "rb") as handle:
        header = handle.read(20)
    if len(header) < 20 or SQLITE_WAL_HEADER not in (header[18], header[19]):
        return
    try:
        conn = sqlite3.connect(copy)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _unreadable_sqlite(name, exc) from None


def checksum_mismatch(name: str, expected: str, actual: str) -> BackupError:
    return BackupError(_("Контрольная сумма файла %(path)s не совпадает (ожидалась "
                         "%(expected)s…, получена %(actual)s…): файл повреждён, восстановление "
                         "отклонено.", path=name, expected=expected[:12], actual=actual[:12]))


@contextmanager
def private_copy(path: Path, engine: str, expected: str | None = None):
    """Yield (copy, sha256): `path` copied into a new private folder (0700) in the backup
    directory; refused unless its SHA-256 is `expected` (when given) and it reads as a backup
    of `engine`. Only the copy is ever opened; the folder goes when the block ends."""
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=backup_dir()) as folder:
        copy = Path(folder) / f"copy.{SUFFIXES[engine]}"
        try:
            digest = _copy_hashing(path, copy)
        except OSError as exc:
            raise BackupError(_("Файл %(path)s не читается: %(exc)s", path=path.name,
                                exc=exc.strerror or exc)) from None
        if expected is not None and digest != expected:
            raise checksum_mismatch(path.name, expected, digest)
        if engine == "sqlite":
            _single_file(copy, path.name)
        check_readable(copy, engine, name=path.name)
        yield copy, digest
