"""The list of backup copies that outlives any restore (7.1, findings 2 and 3).

BACKUP_DIR/manifest.json lists every copy — file name, size, SHA-256, when it was made, the
database kind, its verification — signed by HMAC-SHA256 under BACKUP_KEY, a key kept outside
the database. A restore replaces the database and with it the database's own list
(`backup_record`); the manifest stays, so the copies made after the restored one restore
still, and the restored database's list is reconciled with the manifest (rows added or
corrected, none taken from the manifest). Once a signed manifest exists it is the only
authority: a `.sha256` side file is never read, a copy it does not list is refused, and a
manifest whose signature fails is refused as a whole.

An install from before the manifest gets one the first time it is needed, built from the
database's list of copies (the authority until then) and signed.
"""
import fcntl
import hashlib
import hmac
import json
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ...extensions import db
from ...models import BackupRecord
from .backup_files import BackupError, backup_dir, new_file

MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".manifest.lock"
FORMAT = 1


# --- the key and the signature ------------------------------------------------------------
def _key() -> bytes:
    return current_app.config["BACKUP_KEY"].encode()


def key_id(key: bytes | None = None) -> str:
    """A short name of the key (not the key): says which key signed a manifest."""
    return hmac.new(key or _key(), b"journal backup key id", hashlib.sha256).hexdigest()[:12]


def _canonical(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _signature(body: dict) -> str:
    return hmac.new(_key(), _canonical(body), hashlib.sha256).hexdigest()


def manifest_path() -> Path:
    return backup_dir() / MANIFEST_NAME


# --- reading and writing ------------------------------------------------------------------
def _refused(path: Path, why: str) -> BackupError:
    return BackupError(_("Список резервных копий %(path)s не прошёл проверку (%(why)s): по нему "
                         "ничего не восстанавливается. Верните прежний файл или прежний ключ "
                         "BACKUP_KEY.", path=path.name, why=why))


def read() -> dict[str, dict] | None:
    """The copies the signed manifest lists, by file name; None when there is no manifest.
    A manifest that is not valid JSON or whose signature fails is refused (BackupError)."""
    path = manifest_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        document = json.loads(raw)
        body = {k: v for k, v in document.items() if k != "signature"}
        signature = str(document.get("signature", ""))
        copies = {str(c["file"]): c for c in body["copies"]}
    except (ValueError, TypeError, KeyError, AttributeError):
        raise _refused(path, _("файл не читается как список копий")) from None
    if not hmac.compare_digest(signature, _signature(body)):
        signed_by = str(body.get("key_id", ""))[:12]
        if signed_by and signed_by != key_id():
            why = _("подписан другим ключом: %(signed)s, текущий ключ %(current)s",
                    signed=signed_by, current=key_id())
        else:
            why = _("подпись не совпадает: файл изменён")
        raise _refused(path, why)
    return copies


def _write(copies: dict[str, dict]) -> None:
    """Sign and write the manifest atomically (a new 0600 file renamed over the old one)."""
    body = {"format": FORMAT, "key_id": key_id(),
            "copies": sorted(copies.values(), key=lambda c: (c["created_at"], c["file"]))}
    document = dict(body, signature=_signature(body))
    path = manifest_path()
    fresh = new_file(path.with_name(f".{MANIFEST_NAME}.{os.getpid()}.new"))
    fresh.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True),
                     encoding="utf-8")
    os.replace(fresh, path)


@contextmanager
def _locked():
    """One writer of the manifest at a time (cron's backup and IT's button may meet)."""
    lock = backup_dir() / LOCK_NAME
    fd = os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --- the database's list and the manifest's -------------------------------------------------
def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def entry(record: BackupRecord) -> dict:
    verification = json.loads(record.verification) if record.verification else None
    return {"file": record.file_name, "size": int(record.size_bytes or 0),
            "sha256": record.sha256, "created_at": _iso(record.created_at or datetime.now(
                timezone.utc)), "engine": record.engine, "verified": bool(record.verified),
            "verification": verification, "removed": bool(record.removed)}


def _database_copies() -> dict[str, dict] | None:
    """The database's own list; None when the database cannot be read (it may be the thing
    being recovered)."""
    try:
        return {r.file_name: entry(r) for r in db.session.scalars(select(BackupRecord))}
    except SQLAlchemyError:
        db.session.rollback()
        return None


def copies(build: bool = True) -> dict[str, dict] | None:
    """The manifest's copies. Without a manifest (an install from before it), one is built
    once from the database's list and signed — if that list holds anything; None otherwise
    (a new server with no list anywhere)."""
    found = read()
    if found is not None or not build:
        return found
    with _locked():
        found = read()
        if found is not None:
            return found
        listed = _database_copies()
        if not listed:
            return None
        _write(listed)
        return listed


def add(record: BackupRecord) -> None:
    """A new copy joins the manifest (built from the database's list first if missing)."""
    with _locked():
        listed = read()
        if listed is None:
            listed = _database_copies() or {}
        listed[record.file_name] = entry(record)
        _write(listed)


def mark_removed(names: list[str]) -> None:
    """Rotation deleted these files; the manifest keeps their entries (a copy kept elsewhere
    may be brought back and restored), marked removed."""
    if not names:
        return
    with _locked():
        listed = read() or {}
        for name in names:
            if name in listed:
                listed[name]["removed"] = True
        _write(listed)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def reconcile(listed: dict[str, dict]) -> int:
    """The database's list after a restore: every copy of the manifest added, or its row set
    to what the manifest says; rows the manifest does not know stay (their files are refused
    all the same). Returns the number of rows added or corrected; the caller commits."""
    rows = {r.file_name: r for r in db.session.scalars(select(BackupRecord))}
    changed = 0
    for name, item in listed.items():
        row = rows.get(name)
        if row is None:
            row = BackupRecord(file_name=name)
            db.session.add(row)
        values = {"size_bytes": int(item["size"]), "sha256": item["sha256"],
                  "engine": item["engine"], "verified": bool(item.get("verified")),
                  "removed": bool(item.get("removed")),
                  "verification": (json.dumps(item["verification"], ensure_ascii=False,
                                              sort_keys=True)
                                   if item.get("verification") is not None else None)}
        if row.id is not None and all(getattr(row, k) == v for k, v in values.items()):
            continue
        for column, value in values.items():
            setattr(row, column, value)
        row.created_at = _moment(item["created_at"])
        changed += 1
    db.session.flush()
    return changed
