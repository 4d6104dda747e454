"""Files private from the first start (finding 7 of the third trust review): the instance
folder and the data folders 0700, the live SQLite database and its -wal/-shm 0600, keys,
backups and their manifest 0600, archives written owner only — on a fresh instance folder and
on one an older install left readable by everyone. The portal runs in a process of its own
started with umask 022, as a shell would start it."""
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.infra.private_files import make_private, write_private
from app.services.records.archive import archive_year
from tests.archive_helpers import fill_college

ROOT = Path(__file__).resolve().parent.parent
PROBE = r"""
import json, os, stat, sys
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app

app = create_app("config.Config")
umask = os.umask(0o077)
folder = Path(app.config["INSTANCE_FOLDER"])
with app.app_context():
    upgrade(revision="heads")
    from app.extensions import db
    from app.services.records.backup import make_backup
    with db.engine.connect() as conn:  # a connection open: the -wal and -shm exist
        conn.execute(text("CREATE TABLE probe (x integer)"))
        conn.commit()
        names = ["", "journal.db", "journal.db-wal", "journal.db-shm", "secret_key",
                 "audit_key", "backup_key", "backups", "documents", "archive", "uploads"]
        modes = {name: oct(stat.S_IMODE((folder / name).stat().st_mode)) for name in names}
    record = make_backup()
    backups = folder / "backups"
    for path in sorted(backups.iterdir()):
        if path.is_file():
            modes["backups/" + path.name.replace(record.file_name, "COPY")] = oct(
                stat.S_IMODE(path.stat().st_mode))
print(json.dumps({"umask": oct(umask), "modes": modes}))
"""


def _start(instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "BACKUP_DIR", "ARCHIVE_DIR", "DOCUMENTS_DIR",
                        "UPLOAD_FOLDER", "BACKUP_KEY", "AUDIT_KEY")}
    env.update(JOURNAL_INSTANCE_DIR=str(instance), SECRET_KEY="")
    done = subprocess.run([sys.executable, "-c", "import os; os.umask(0o022)\n" + PROBE],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _older_install(instance: Path) -> None:
    """What a start before this rule left: folder 0755, database 0644."""
    old = os.umask(0o022)
    try:
        instance.mkdir(mode=0o755)
        instance.chmod(0o755)
        sqlite3.connect(instance / "journal.db").close()
        (instance / "journal.db").chmod(0o644)
    finally:
        os.umask(old)


@pytest.mark.parametrize("install", ["fresh", "older"])
def test_the_portal_keeps_its_files_to_itself(tmp_path, install):
    instance = tmp_path / "instance"
    if install == "older":
        _older_install(instance)
    found = _start(instance)
    assert found["umask"] == "0o77"
    expected = {"": "0o700", "journal.db": "0o600", "journal.db-wal": "0o600",
                "journal.db-shm": "0o600", "secret_key": "0o600", "audit_key": "0o600",
                "backup_key": "0o600", "backups": "0o700", "documents": "0o700",
                "archive": "0o700", "uploads": "0o700", "backups/COPY": "0o600",
                "backups/COPY.sha256": "0o600", "backups/manifest.json": "0o600",
                "backups/.manifest.lock": "0o600"}
    assert found["modes"] == expected


def test_private_writes_and_modes(tmp_path):
    """Archives go through write_private (0600 whatever the umask); make_private tightens an
    existing file and leaves another account's alone."""
    old = os.umask(0o022)
    try:
        target = tmp_path / "book.xlsx"
        write_private(target, b"marks")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"marks"
        loose = tmp_path / "loose"
        loose.write_text("x")
        assert stat.S_IMODE(loose.stat().st_mode) == 0o644
        make_private(loose, 0o600)
        assert stat.S_IMODE(loose.stat().st_mode) == 0o600
        make_private(tmp_path / "missing", 0o600)  # nothing to do, no error
    finally:
        os.umask(old)


def test_archive_files_are_private(app, college, db):
    """7.3: the archive of a year (people's marks on disk) is owner only."""
    fill_college(db, college, lessons=1)
    old = os.umask(0o022)
    try:
        made, _refused = archive_year(college.year.name, draft=True)
    finally:
        os.umask(old)
    assert made
    folder = Path(made[0].directory)
    for path in [folder, folder.parent, *folder.iterdir()]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
