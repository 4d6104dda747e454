"""Backups (7.1): verified copy, backup → wipe → restore round trip, corrupt file refused,
rotation, IT's page; the signed manifest's checksum is the authority, files are private.
The attacks of findings 1-3 are in tests/test_backup_restore.py."""
import shutil
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import func, select

from app.models import BackupRecord, FinalGrade, JournalCell, Lesson, Mark, Student
from app.services.records import audit, backup, backup_manifest
from tests.archive_helpers import fill_college
from tests.conftest import _wipe


@pytest.fixture(autouse=True)
def empty_backup_dir(app):
    """Each test starts with no copies and no manifest (the folder outlives the tables)."""
    shutil.rmtree(app.config["BACKUP_DIR"], ignore_errors=True)
    yield
    shutil.rmtree(app.config["BACKUP_DIR"], ignore_errors=True)


def snapshot(db):
    db.session.expire_all()
    return {
        "students": db.session.execute(select(Student.id, Student.last_name,
                                              Student.record_book_number)
                                       .order_by(Student.id)).all(),
        "lessons": db.session.execute(select(Lesson.id, Lesson.lesson_date, Lesson.topic)
                                      .order_by(Lesson.id)).all(),
        "cells": db.session.execute(select(JournalCell.id, JournalCell.absent,
                                           JournalCell.updated_at)
                                    .order_by(JournalCell.id)).all(),
        "marks": db.session.execute(select(Mark.id, Mark.cell_id, Mark.value)
                                    .order_by(Mark.id)).all(),
        "finals": db.session.scalar(select(func.count()).select_from(FinalGrade)),
    }


def test_backup_is_verified_and_restores_identical_data(app, college, db):
    assert fill_college(db, college, lessons=4) > 0
    audit.record("record_view", "student", college.student1.id, user=college.it)
    db.session.commit()
    before = snapshot(db)
    record = backup.make_backup()
    assert record.verified, record.verification
    path = Path(app.config["BACKUP_DIR"]) / record.file_name
    assert backup.sha256_file(path) == record.sha256
    assert Path(f"{path}.sha256").read_text().split()[0] == record.sha256
    import json
    result = json.loads(record.verification)
    assert result["ok"] and result["restore_seconds"] >= 0 and not result["differences"]
    assert result["latest_mark"]

    db.session.remove()
    _wipe(db)
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 0
    result = app.test_cli_runner().invoke(args=["journal", "restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert snapshot(db) == before
    db.session.expire_all()
    assert audit.verify_chain()[0]
    actions = [a for (a,) in db.session.execute(select(audit.AuditLog.action))]
    assert "backup_restore" in actions


def test_corrupted_backup_is_refused(app, college, db):
    record = backup.make_backup()
    path = Path(app.config["BACKUP_DIR"]) / record.file_name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["journal", "restore", str(path), "--yes"])
    assert result.exit_code != 0 and "Контрольная сумма" in result.output
    # a file that is not a backup at all, even with a matching recorded checksum
    junk = path.with_name("junk." + path.suffix.lstrip("."))
    junk.write_bytes(b"not a database" * 100)
    junk_record = BackupRecord(file_name=junk.name, size_bytes=1400, engine=record.engine,
                               sha256=backup.sha256_file(junk), verified=False)
    db.session.add(junk_record)
    db.session.flush()
    backup_manifest.add(junk_record)
    db.session.commit()
    result = runner.invoke(args=["journal", "restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "не читается" in result.output
    result = runner.invoke(args=["journal", "restore", str(path.with_name("none.db")),
                                 "--yes"])
    assert result.exit_code != 0 and "не найден" in result.output


def test_restore_asks_for_confirmation(app, college, db):
    record = backup.make_backup()
    path = Path(app.config["BACKUP_DIR"]) / record.file_name
    result = app.test_cli_runner().invoke(args=["journal", "restore", str(path)], input="n\n")
    assert result.exit_code != 0 and "Продолжить" in result.output
    assert db.session.scalar(select(func.count()).select_from(Student)) == len(college.students)


def test_cli_backup_and_rotation(app, db):
    app.config["BACKUP_KEEP"] = 2
    try:
        runner = app.test_cli_runner()
        for _ in range(3):
            result = runner.invoke(args=["journal", "backup"])
            assert result.exit_code == 0, result.output
            assert "Проверена" in result.output
            assert "Внесена в подписанный список копий manifest.json" in result.output
    finally:
        app.config["BACKUP_KEEP"] = 14
    db.session.expire_all()
    records = db.session.scalars(select(BackupRecord).order_by(BackupRecord.id)).all()
    assert [r.removed for r in records] == [True, False, False]
    listed = backup_manifest.read()  # the signed list keeps the rotated copy, marked removed
    assert [listed[r.file_name]["removed"] for r in records] == [True, False, False]
    folder = Path(app.config["BACKUP_DIR"])
    assert not (folder / records[0].file_name).exists()
    assert all((folder / r.file_name).exists() for r in records[1:])


def test_it_page_lists_backups_and_runs_one(app, college, db, login):
    g.pop("_login_user", None)
    client = login("it")
    r = client.post("/backups/run")
    assert r.status_code == 302
    page = client.get("/backups/").get_data(as_text=True)
    record = db.session.scalars(select(BackupRecord)).one()
    assert record.file_name in page and "пройдена" in page
    for username in ("teacher1", "deputy"):
        g.pop("_login_user", None)
        assert login(username).get("/backups/").status_code in (302, 403)
        assert login(username).post("/backups/run").status_code in (302, 403)
    assert db.session.scalar(select(func.count()).select_from(BackupRecord)) == 1


def test_rotation_keeps_the_newest_verified_copy(app, db):
    """7.1: a run of copies that failed verification never pushes out the last good one."""
    from app.services.records import backup
    runner = app.test_cli_runner()
    assert runner.invoke(args=["journal", "backup"]).exit_code == 0
    good = db.session.scalars(select(BackupRecord)).one()
    assert good.verified
    for n in range(3):  # three later copies whose verification failed
        db.session.add(BackupRecord(file_name=f"failed-{n}.bak", created_at=good.created_at
                                    + timedelta(minutes=n + 1), verified=False,
                                    size_bytes=0, sha256="0" * 64, engine=good.engine))
    db.session.commit()
    app.config["BACKUP_KEEP"] = 2
    try:
        removed = backup.rotate()
        db.session.commit()
    finally:
        app.config["BACKUP_KEEP"] = 14
    assert good.file_name not in removed and removed == ["failed-0.bak"]
    assert (Path(app.config["BACKUP_DIR"]) / good.file_name).exists()


def _restore(app, path):
    return app.test_cli_runner().invoke(args=["journal", "restore", str(path), "--yes"])


def test_recomputed_side_file_does_not_override_the_recorded_checksum(app, college, db):
    """A modified copy with a freshly computed .sha256 beside it is refused: the checksum in
    the database's list of copies decides (finding 12)."""
    record = backup.make_backup()
    path = Path(app.config["BACKUP_DIR"]) / record.file_name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    Path(f"{path}.sha256").write_text(f"{backup.sha256_file(path)}  {path.name}\n")
    result = _restore(app, path)
    assert result.exit_code != 0 and "Контрольная сумма" in result.output
    assert db.session.scalar(select(func.count()).select_from(Student)) == len(college.students)


def test_unlisted_copy_with_side_file_is_refused_while_the_list_exists(app, college, db):
    """A copy the database never made (renamed, planted) is not trusted on its side file."""
    record = backup.make_backup()
    path = Path(app.config["BACKUP_DIR"]) / record.file_name
    planted = path.with_name("planted-" + path.name)
    planted.write_bytes(path.read_bytes())
    Path(f"{planted}.sha256").write_text(f"{backup.sha256_file(planted)}  {planted.name}\n")
    result = _restore(app, planted)
    assert result.exit_code != 0 and "нет в списке резервных копий" in result.output
    assert backup.expected_checksum(path) == record.sha256


def test_side_file_serves_only_a_database_without_a_list(app, college, db):
    """A new server (no manifest, no list of copies in its database) checks a copy brought
    from elsewhere against the .sha256 beside it; a mismatch is still refused."""
    record = backup.make_backup()
    path, digest = Path(app.config["BACKUP_DIR"]) / record.file_name, record.sha256
    db.session.execute(BackupRecord.__table__.delete())
    db.session.commit()
    (path.parent / backup_manifest.MANIFEST_NAME).unlink()
    assert backup.expected_checksum(path) == digest  # read from the side file
    Path(f"{path}.sha256").write_text("0" * 64 + f"  {path.name}\n")
    result = _restore(app, path)
    assert result.exit_code != 0 and "Контрольная сумма" in result.output


def test_backup_files_and_directory_are_private(app, db):
    record = backup.make_backup()
    folder = Path(app.config["BACKUP_DIR"])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in (record.file_name, f"{record.file_name}.sha256",
                 backup_manifest.MANIFEST_NAME):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name


def test_copy_that_differs_from_the_database_is_not_verified(app, college, db):
    """7.1: a readable copy whose rows differ from the database is not taken as verified."""
    assert fill_college(db, college, lessons=2) > 0
    record = backup.make_backup()
    assert record.verified, record.verification
    path = Path(app.config["BACKUP_DIR"]) / record.file_name
    probe = backup.verify(path, record.engine, {"tables": {}, "latest_mark": None})
    in_copy = {name: got for name, (_, got) in probe["differences"].items()}
    assert in_copy and not probe["ok"]
    latest = probe["latest_mark_restored"]
    assert backup.verify(path, record.engine, {"tables": in_copy, "latest_mark": latest})["ok"]
    table = next(name for name, rows in in_copy.items() if rows)
    more = dict(in_copy, **{table: in_copy[table] + 1})
    result = backup.verify(path, record.engine, {"tables": more, "latest_mark": latest})
    assert not result["ok"] and result["differences"] == {table: [in_copy[table] + 1,
                                                                  in_copy[table]]}
    assert not backup.verify(path, record.engine,
                             {"tables": in_copy, "latest_mark": "2001-01-01 00:00:00"})["ok"]


def test_backup_file_is_named_in_the_college_time(app, db, monkeypatch):
    """The backups' table shows the college's time, and so does the file's name: 17:30 UTC on
    05.12.2026 is 01:30 of 06.12.2026 in Irkutsk (UTC+8)."""
    monkeypatch.setitem(app.config, "COLLEGE_TIMEZONE", "Asia/Irkutsk")
    monkeypatch.setitem(app.config, "JOURNAL_NOW", "2026-12-05T17:30:00")
    record = backup.make_backup()
    assert record.file_name.startswith("journal-20261206-013000-"), record.file_name
    assert (Path(app.config["BACKUP_DIR"]) / record.file_name).is_file()
