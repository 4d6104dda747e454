"""Files private from the first start (152-FZ: password hashes, minors' personal data).

The process creates everything owner-only (umask 0o077); the instance folder and the folders
of backups, archives, documents and uploads are 0700 at every start, whatever an older
install left; the live SQLite database and its `-wal`/`-shm` are made 0600 whenever the engine
opens a connection (SQLite gives the `-wal`/`-shm` it creates the database file's mode).
"""
import logging
import os
import sqlite3
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
FOLDER_MODE = 0o700
FILE_MODE = 0o600
# the folders of the configuration that hold people's data
PRIVATE_FOLDERS = ("INSTANCE_FOLDER", "BACKUP_DIR", "ARCHIVE_DIR", "DOCUMENTS_DIR",
                   "UPLOAD_FOLDER")
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _owned(path: Path) -> bool:
    try:
        return path.stat().st_uid == os.geteuid()
    except OSError:
        return False


def make_private(path: Path, mode: int) -> None:
    """chmod `path` to `mode` if it is the portal's own and not already so; a folder or file
    of another account (a mounted share) is left as it is, with a warning."""
    if not _owned(path):
        if path.exists():
            log.warning("%s belongs to another account: its mode is left as it is", path)
        return
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
    except OSError as exc:
        log.warning("cannot make %s private: %s", path, exc)


def private_folder(path: Path) -> Path:
    """The folder, created if missing, owner only (0700)."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    make_private(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty and owner only (0600) before any data is written into it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
    make_private(path, FILE_MODE)
    return path


def write_private(path: Path, content: bytes) -> None:
    """Write `content` into `path`, created owner only (0600)."""
    private_file(path)
    with open(path, "wb") as out:
        out.write(content)


def init_private_files(config) -> None:
    """The factory's part: umask for everything the process creates, the folders 0700."""
    os.umask(PRIVATE_UMASK)
    for name in PRIVATE_FOLDERS:
        if config.get(name):
            private_folder(Path(config[name]))


def sqlite_files_private(connection: sqlite3.Connection) -> None:
    """The connection's database file and its companions, owner only (0600)."""
    row = connection.execute("PRAGMA database_list").fetchone()
    database = row[2] if row else ""
    if not database:  # in memory or temporary: no file
        return
    for suffix in SQLITE_COMPANIONS:
        path = Path(database + suffix)
        if path.exists():
            make_private(path, FILE_MODE)
