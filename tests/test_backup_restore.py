"""Restores restore exactly what was backed up (7.1; findings 1-3 of the third trust review):
a planted write-ahead log or a file swapped after its check is never applied, the signed list
of copies outlives every restore (X1, X2, X3 → restore X2 → X3 and X2 restore again), a
forged copy with a recomputed side file is refused after the oldest copy is restored, and a
manifest whose signature fails is refused. SQLite `.sqlite3` and PostgreSQL `.dump` alike."""
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import delete, select, update

import config
from app.models import BackupRecord, Mark, Student
from app.services.records import audit, backup, backup_files, backup_manifest
from tests.archive_helpers import fill_college


@pytest.fixture(autouse=True)
def empty_backup_dir(app):
    """Each test starts with no copies and no manifest (the folder outlives the tables)."""
    shutil.rmtree(app.config["BACKUP_DIR"], ignore_errors=True)
    yield
    shutil.rmtree(app.config["BACKUP_DIR"], ignore_errors=True)


def _restore(app, path):
    return app.test_cli_runner().invoke(args=["journal", "restore", str(path), "--yes"])


def _path(app, record) -> Path:
    return Path(app.config["BACKUP_DIR"]) / record.file_name


def _marks(db) -> list:
    db.session.expire_all()
    return db.session.execute(select(Mark.id, Mark.value).order_by(Mark.id)).all()


def _set_marks(db, value) -> None:
    db.session.execute(update(Mark).values(value=value))
    db.session.commit()


def _name(db, student_id) -> str:
    db.session.expire_all()
    return db.session.get(Student, student_id).last_name


def _rename(db, student_id, name) -> None:
    db.session.execute(update(Student).where(Student.id == student_id).values(last_name=name))
    db.session.commit()


def _side_file(path: Path) -> None:
    Path(f"{path}.sha256").write_text(f"{backup.sha256_file(path)}  {path.name}\n")


def _forge(app, db, target: Path) -> None:
    """A copy the portal never listed: every mark «2», dumped by the same code as a backup."""
    _set_marks(db, "2")
    db.session.remove()
    if backup_files.engine_name() == "sqlite":
        backup_files.dump_sqlite(target)
    else:
        backup_files.dump_postgresql(target)
    _side_file(target)


# --- finding 1: nothing but the checksummed bytes is restored -------------------------------
def _legacy_sqlite_copy(app, db) -> Path:
    """A copy as made before copies were single files: the online backup of the live WAL
    database, itself in WAL mode, listed only in the database (no manifest yet)."""
    target = Path(app.config["BACKUP_DIR"]) / "journal-20250101-000000-000000.sqlite3"
    target.parent.mkdir(mode=0o700, exist_ok=True)
    source = sqlite3.connect(backup_files.sqlite_path())
    dest = sqlite3.connect(target)
    source.backup(dest)
    dest.close()
    source.close()
    with open(target, "rb") as handle:
        assert handle.read(20)[18] == 2  # WAL mode, as the finding found them
    db.session.add(BackupRecord(file_name=target.name, size_bytes=target.stat().st_size,
                                sha256=backup.sha256_file(target), engine="sqlite",
                                verified=True))
    db.session.commit()
    return target


def _plant_wal(target: Path, tmp_path: Path) -> None:
    """A WAL that changes every mark to «2», made on a copy of the backup and put beside it
    (the listed file, and so its checksum, unchanged)."""
    victim = tmp_path / "victim.db"
    shutil.copy(target, victim)
    conn = sqlite3.connect(victim)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE mark SET value = '2'")
    conn.commit()
    shutil.copy(f"{victim}-wal", f"{target}-wal")  # while open: not checkpointed into victim
    conn.close()
    assert Path(f"{target}-wal").stat().st_size > 0


@pytest.mark.sqlite_only
def test_a_planted_wal_beside_a_listed_copy_is_not_applied(app, college, db, tmp_path):
    assert fill_college(db, college, lessons=3) > 0
    before = _marks(db)
    assert {value for _, value in before} != {"2"}
    student = college.student1.id
    legacy = _legacy_sqlite_copy(app, db)  # an old install's WAL-mode copy
    _plant_wal(legacy, tmp_path / "")
    _rename(db, student, "Изменённая")
    result = _restore(app, legacy)
    assert result.exit_code == 0, result.output
    assert _marks(db) == before and _name(db, student) != "Изменённая"
    assert audit.verify_chain()[0]

    record = backup.make_backup()  # a new copy is one file: journal mode DELETE, nothing beside
    path = _path(app, record)
    with open(path, "rb") as handle:
        assert tuple(handle.read(20)[18:20]) == (1, 1)
    assert not any(Path(f"{path}{s}").exists() for s in ("-wal", "-shm", "-journal"))
    _plant_wal(path, tmp_path)
    _rename(db, student, "Изменённая")
    assert _restore(app, path).exit_code == 0
    assert _marks(db) == before and _name(db, student) != "Изменённая"


def test_a_copy_swapped_after_its_check_is_not_restored(app, college, db, tmp_path,
                                                         monkeypatch):
    """The restore reads the private copy it hashed, never the listed path again: bytes put
    in place of the copy once its checksum has passed are not restored."""
    assert fill_college(db, college, lessons=3) > 0
    before = _marks(db)
    record = backup.make_backup()
    path, digest = _path(app, record), record.sha256
    forged = tmp_path / f"forged.{backup_files.SUFFIXES[record.engine]}"
    _forge(app, db, forged)
    _set_marks(db, "3")
    checked = backup_files.check_readable

    def swap_then_check(copy, engine, name=None):
        shutil.copy(forged, path)  # the listed file replaced once its copy is taken
        return checked(copy, engine, name=name)

    monkeypatch.setattr(backup_files, "check_readable", swap_then_check)
    backup.restore(path)
    assert backup.sha256_file(path) != digest  # the swap did happen
    assert _marks(db) == before


# --- finding 2: the list of copies outlives a restore ----------------------------------------
def test_every_listed_copy_restores_after_a_restore(app, college, db, login):
    student = college.student1.id
    copies = {}
    for name in ("Первая", "Вторая", "Третья"):
        _rename(db, student, name)
        copies[name] = _path(app, backup.make_backup())
    _rename(db, student, "Текущая")
    for name in ("Вторая", "Третья", "Вторая", "Первая", "Третья"):
        result = _restore(app, copies[name])
        assert result.exit_code == 0, (name, result.output)
        assert _name(db, student) == name
    # the restored database's list is reconciled with the manifest: all three, as made
    db.session.expire_all()
    rows = {r.file_name: r.sha256 for r in db.session.scalars(select(BackupRecord))}
    listed = backup_manifest.read()
    assert rows == {p.name: listed[p.name]["sha256"] for p in copies.values()}
    g.pop("_login_user", None)
    page = login("it").get("/backups/").get_data(as_text=True)
    assert all(p.name in page for p in copies.values()) and "Подписанный список" in page
    assert "нет — не восстанавливается" not in page
    # a copy made after the restores joins the same list
    fourth = _path(app, backup.make_backup())
    assert set(backup_manifest.read()) == {p.name for p in copies.values()} | {fourth.name}


# --- finding 3: the side file never vouches once a signed list exists ------------------------
def test_after_the_oldest_copy_a_forged_copy_is_refused(app, college, db):
    assert fill_college(db, college, lessons=2) > 0
    oldest = _path(app, backup.make_backup())  # its own list of copies is empty
    newer = _path(app, backup.make_backup())
    assert _restore(app, oldest).exit_code == 0
    assert db.session.scalar(select(BackupRecord.id).where(
        BackupRecord.file_name == newer.name)) is not None  # listed again from the manifest
    _forge(app, db, newer)  # the listed name, other bytes, a recomputed side file
    planted = newer.with_name("journal-20991231-000000-000000" + newer.suffix)
    _forge(app, db, planted)  # a name the portal never made, with its side file
    _set_marks(db, "3")
    db.session.execute(delete(BackupRecord))  # even with the database's own list emptied
    db.session.commit()
    result = _restore(app, newer)
    assert result.exit_code != 0 and "Контрольная сумма" in result.output
    result = _restore(app, planted)
    assert result.exit_code != 0 and "нет в списке резервных копий" in result.output
    assert {value for _, value in _marks(db)} == {"3"}


def test_a_manifest_that_fails_its_signature_is_refused(app, college, db, tmp_path, login):
    assert fill_college(db, college, lessons=2) > 0
    record = backup.make_backup()
    path = _path(app, record)
    manifest = path.parent / backup_manifest.MANIFEST_NAME
    genuine = manifest.read_bytes()
    planted = path.with_name("journal-20991231-000000-000000" + path.suffix)
    _forge(app, db, planted)
    _set_marks(db, "3")
    document = json.loads(genuine)
    document["copies"].append(dict(document["copies"][0], file=planted.name,
                                   sha256=backup.sha256_file(planted)))
    manifest.write_text(json.dumps(document))  # listed, but the signature no longer matches
    for target in (planted, path):
        result = _restore(app, target)
        assert result.exit_code != 0 and "не прошёл проверку" in result.output, result.output
        assert "подпись не совпадает" in result.output
    result = app.test_cli_runner().invoke(args=["journal", "backup"])
    assert result.exit_code != 0 and "не прошёл проверку" in result.output
    assert sorted(p.name for p in path.parent.glob("journal-*")) == sorted(
        [path.name, f"{path.name}.sha256", planted.name, f"{planted.name}.sha256"])
    g.pop("_login_user", None)
    page = login("it").get("/backups/")
    assert page.status_code == 200 and "не прошёл проверку" in page.get_data(as_text=True)

    manifest.write_bytes(genuine)  # the right list under another key: refused, key named
    app.config["BACKUP_KEY"], key = "another-key-" + "0" * 40, app.config["BACKUP_KEY"]
    try:
        result = _restore(app, path)
    finally:
        app.config["BACKUP_KEY"] = key
    assert result.exit_code != 0 and "подписан другим ключом" in result.output
    assert {value for _, value in _marks(db)} == {"3"}
    result = _restore(app, path)
    assert result.exit_code == 0, result.output
    assert {value for _, value in _marks(db)} != {"3"}


# --- existing installs and new servers -------------------------------------------------------
def test_an_install_without_a_manifest_gets_one_from_its_list(app, college, db):
    made = {}
    for _ in range(2):
        record = backup.make_backup()
        made[record.file_name] = (_path(app, record), record.sha256, record.engine)
    (first, first_sha, engine), (second, second_sha, _) = made.values()
    (first.parent / backup_manifest.MANIFEST_NAME).unlink()  # as every install before it
    assert backup.check_backup(first) == engine
    listed = backup_manifest.read()  # built from the database's list once, and signed
    assert {n: c["sha256"] for n, c in listed.items()} == {first.name: first_sha,
                                                           second.name: second_sha}
    assert _restore(app, first).exit_code == 0
    assert _restore(app, second).exit_code == 0  # the list outlived the restore


def test_a_copy_restored_on_its_side_file_is_listed_from_then_on(app, college, db):
    """A new server (no manifest, no list): the side file is read once; the copy restored is
    then in a signed manifest, and side files vouch for nothing more."""
    record = backup.make_backup()
    path, digest = _path(app, record), record.sha256
    other = _path(app, backup.make_backup())
    (path.parent / backup_manifest.MANIFEST_NAME).unlink()
    db.session.execute(delete(BackupRecord))
    db.session.commit()
    result = _restore(app, path)
    assert result.exit_code == 0, result.output
    listed = backup_manifest.read()
    assert listed[path.name]["sha256"] == digest and other.name not in listed
    result = _restore(app, other)
    assert result.exit_code != 0 and "нет в списке резервных копий" in result.output
    assert _restore(app, path).exit_code == 0


def test_it_page_shows_what_the_signed_list_holds(app, college, db, login):
    """Copies the signed list holds but the database's list has lost are shown, marked so;
    a copy the database lists and the manifest does not is marked not restorable."""
    made = {}
    for _ in range(2):
        record = backup.make_backup()
        made[record.file_name] = record.sha256
    db.session.execute(delete(BackupRecord))
    db.session.add(BackupRecord(file_name="journal-elsewhere.sqlite3", size_bytes=1,
                                sha256="0" * 64, engine="sqlite", verified=True))
    db.session.commit()
    g.pop("_login_user", None)
    page = login("it").get("/backups/").get_data(as_text=True)
    assert all(name in page for name in made)
    assert page.count("да (только в списке)") == 2
    assert "journal-elsewhere.sqlite3" in page and "нет — не восстанавливается" in page
    assert backup_manifest.key_id() in page and app.config["BACKUP_KEY"] not in page


def test_the_list_is_signed_with_a_key_kept_outside_the_database(monkeypatch, tmp_path):
    """BACKUP_KEY from the environment; else derived from AUDIT_KEY (never AUDIT_KEY
    itself); else a key file created 0600 in the instance folder at first use."""
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    monkeypatch.setenv("BACKUP_KEY", "from-the-environment")
    assert config._backup_key() == "from-the-environment"
    monkeypatch.delenv("BACKUP_KEY")
    monkeypatch.setenv("AUDIT_KEY", "audit-secret")
    derived = config._backup_key()
    assert derived not in ("audit-secret", "") and derived == config._backup_key()
    monkeypatch.delenv("AUDIT_KEY")
    created = config._backup_key()
    key_file = tmp_path / "instance" / "backup_key"
    assert key_file.read_text() == created and len(created) == 64
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert config._backup_key() == created  # the same key at every start
    assert derived != created  # AUDIT_KEY set in the environment decided the key above
