"""Year archive (7.3) and retention (7.4): files open and match the manifest and the database,
a second run is refused, retention = graduation + 3 years, destruction leaves an act."""
import hashlib
import json
from datetime import date
from pathlib import Path

from flask import g
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import ArchiveRecord, AuditLog, DestructionAct, Mark
from app.services.records import archive
from tests.archive_helpers import fill_college


def _close_year(db, college):
    """Both periods of 2025/2026 closed by order (4.7): the year may be archived (7.3)."""
    from app.models import Period
    from app.models.base import utcnow
    for period in (college.autumn, college.spring):
        db.session.query(Period).filter_by(id=period.id).update({
            "closed_at": utcnow(), "closed_by_id": college.deputy.id,
            "close_order_number": "70-у", "close_order_date": date(2026, 7, 6)})
    db.session.commit()


def _archive(app, college, db):
    marks = fill_college(db, college, lessons=5)
    _close_year(db, college)
    result = app.test_cli_runner().invoke(args=["journal", "archive", "--year", "2025/2026"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return marks, db.session.scalars(select(ArchiveRecord).order_by(ArchiveRecord.id)).all()


def test_archive_files_open_and_match_manifest_and_database(app, college, db):
    marks, records = _archive(app, college, db)
    assert {r.group.name for r in records} == {"ИС-24-1", "ИС-24-2"}
    total_marks = 0
    for record in records:
        folder = Path(record.directory)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest() \
            == record.manifest_sha256
        assert set(manifest["files"]) == {"journals.xlsx", "journals.html", "journals.json"}
        for name, digest in manifest["files"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
        data = json.loads((folder / "journals.json").read_text(encoding="utf-8"))
        assert data["group"] == record.group.name and data["academic_year"] == "2025/2026"
        journal_marks = sum(len(c["marks"]) for j in data["journals"] for c in j["cells"])
        total_marks += journal_marks
        book = load_workbook(folder / "journals.xlsx")
        assert len(book.sheetnames) == len(data["journals"])
        html = (folder / "journals.html").read_text(encoding="utf-8")
        assert record.group.name in html and "@media print" in html
    assert total_marks == marks == db.session.scalar(select(func.count()).select_from(Mark))
    # the grid in the XLSX shows the same marks as the database
    a = next(r for r in records if r.group_id == college.group_a.id)
    data = json.loads((Path(a.directory) / "journals.json").read_text(encoding="utf-8"))
    op = next(j for j in data["journals"] if j["id"] == college.journal_a_op.id)
    book = load_workbook(Path(a.directory) / "journals.xlsx")
    sheet = next(book[n] for n in book.sheetnames if "Операционные" in n)
    rows = list(sheet.iter_rows(values_only=True))
    first = next(c for c in op["cells"] if c["marks"])
    student = next(s for s in op["students"] if s["id"] == first["student_id"])
    lesson_index = [ls["id"] for ls in op["lessons"]].index(first["lesson_id"])
    row = next(r for r in rows if r[0] == student["name"])
    assert first["marks"][0]["value"] in str(row[1 + lesson_index])


def test_retention_is_graduation_plus_three_years():
    assert archive.retention_date(date(2028, 6, 30)) == date(2031, 6, 30)
    assert archive.retention_date(date(2028, 2, 29)) == date(2031, 2, 28)


def test_second_archive_of_a_year_is_refused_and_files_unchanged(app, college, db):
    _marks, records = _archive(app, college, db)
    assert all(r.retention_until == date(2031, 6, 30) for r in records)
    before = {p: p.read_bytes() for r in records for p in Path(r.directory).iterdir()}
    result = app.test_cli_runner().invoke(args=["journal", "archive", "--year", "2025/2026"])
    assert result.exit_code != 0 and "отклонено" in result.output
    assert {p: p.read_bytes() for p in before} == before
    assert db.session.scalar(select(func.count()).select_from(ArchiveRecord)) == 2
    result = app.test_cli_runner().invoke(args=["journal", "archive", "--year", "1999/2000"])
    assert result.exit_code != 0 and "не найден" in result.output


def test_destruction_needs_expiry_and_confirmation_and_leaves_an_act(app, college, db, login):
    _marks, records = _archive(app, college, db)
    record = records[0]
    g.pop("_login_user", None)
    client = login("it")
    page = client.get("/archive/").get_data(as_text=True)
    assert "30.06.2031" in page and "retention-expired" not in page
    r = client.post(f"/archive/{record.id}/destroy", data={"confirm": "yes"})
    assert r.status_code == 409 and "30.06.2031" in r.get_data(as_text=True)
    app.config["JOURNAL_TODAY"] = "2031-07-01"
    try:
        assert "retention-expired" in client.get("/archive/").get_data(as_text=True)
        r = client.post(f"/archive/{record.id}/destroy", data={})
        assert r.status_code == 409 and Path(record.directory).exists()
        r = client.post(f"/archive/{record.id}/destroy",
                        data={"confirm": "yes", "note": "Приказ №5"})
        assert r.status_code == 302
    finally:
        app.config["JOURNAL_TODAY"] = ""
    db.session.expire_all()
    assert not Path(record.directory).exists()
    act = db.session.scalars(select(DestructionAct)).one()
    files = json.loads(act.files)
    assert act.destroyed_by_id == college.it.id and act.group_name == record.group.name
    assert files["journals.json"]["manifest"] == files["journals.json"]["at_destruction"]
    assert db.session.get(ArchiveRecord, record.id).destroyed
    page = client.get(f"/archive/acts/{act.id}").get_data(as_text=True)
    assert "Приказ №5" in page and files["journals.xlsx"]["manifest"] in page
    assert str(act.id) in client.get("/archive/acts").get_data(as_text=True)
    assert "archive_destroy" in [e.action for e in db.session.scalars(select(AuditLog))]


def test_it_button_archives_and_others_are_refused(app, college, db, login):
    fill_college(db, college, lessons=2)
    for username in ("teacher1", "deputy"):
        g.pop("_login_user", None)
        assert login(username).post("/archive/run", data={"year": "2025/2026"}).status_code \
            in (302, 403)
        assert login(username).get("/archive/").status_code in (302, 403)
    assert db.session.scalar(select(func.count()).select_from(ArchiveRecord)) == 0
    _close_year(db, college)
    g.pop("_login_user", None)
    client = login("it")
    assert client.post("/archive/run", data={"year": "2025/2026"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ArchiveRecord)) == 2
    r = client.post("/archive/run", data={"year": "2025/2026"}, follow_redirects=True)
    assert "отклонено" in r.get_data(as_text=True)


def test_retention_follows_a_moved_graduation_date(app, college, db, login):
    """7.4: the group's graduation is a planned date; when the administration moves it, the
    archive's retention date moves with it and destruction follows the new date."""
    from app.models import StudentGroup
    _marks, records = _archive(app, college, db)
    record = next(r for r in records if r.group_id == college.group_a.id)
    group = db.session.get(StudentGroup, college.group_a.id)
    group.graduation_date = date(2029, 6, 30)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ArchiveRecord, record.id).retention_until == date(2032, 6, 30)
    app.config["JOURNAL_TODAY"] = "2031-07-01"  # past the old date, before the new one
    try:
        g.pop("_login_user", None)
        r = login("it").post(f"/archive/{record.id}/destroy", data={"confirm": "yes"})
        assert r.status_code == 409 and "30.06.2032" in r.get_data(as_text=True)
    finally:
        app.config["JOURNAL_TODAY"] = ""
    assert Path(record.directory).exists()


def test_final_archive_waits_for_the_last_period_draft_meanwhile(app, college, db, login):
    """7.3: before the year's last period is closed only a draft is made, marked as such; it
    re-runs, the year stays writable, and the final archive replaces it."""
    from app.models import Period
    from app.models.base import utcnow
    fill_college(db, college, lessons=2)
    cli = app.test_cli_runner()
    result = cli.invoke(args=["journal", "archive", "--year", "2025/2026"])
    assert result.exit_code != 0 and "последнего периода" in result.output
    assert db.session.scalar(select(func.count()).select_from(ArchiveRecord)) == 0
    for _run in range(2):
        result = cli.invoke(args=["journal", "archive", "--year", "2025/2026", "--draft"])
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    drafts = db.session.scalars(select(ArchiveRecord).order_by(ArchiveRecord.id)).all()
    assert len(drafts) == 2 and all(r.is_draft for r in drafts)
    draft_dirs = [Path(r.directory) for r in drafts]
    manifest = json.loads((draft_dirs[0] / "manifest.json").read_text(encoding="utf-8"))
    assert "Черновик" in manifest["draft"]
    # a draft does not make the year read-only
    from tests.journal_helpers import add_lesson, change
    lesson = add_lesson(db, college.journal_a_op, date(2025, 10, 15), pair=3)
    app.config["JOURNAL_TODAY"] = "2025-10-15"
    try:
        r = login("teacher1").put(f"/api/v1/journals/{college.journal_a_op.id}/marks",
                                  json={"changes": [change(lesson, college.student1,
                                                           marks=["5"])]})
        assert r.status_code == 200
    finally:
        app.config["JOURNAL_TODAY"] = ""
    db.session.query(Period).filter_by(id=college.autumn.id).update({"closed_at": utcnow()})
    db.session.commit()
    assert cli.invoke(args=["journal", "archive", "--year", "2025/2026"]).exit_code != 0
    _close_year(db, college)
    result = cli.invoke(args=["journal", "archive", "--year", "2025/2026"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    final = db.session.scalars(select(ArchiveRecord).order_by(ArchiveRecord.id)).all()
    assert [r.id for r in final] == [r.id for r in drafts]
    assert not any(r.is_draft for r in final) and not any(d.exists() for d in draft_dirs)
    assert "draft" not in json.loads((Path(final[0].directory) / "manifest.json").read_text(
        encoding="utf-8"))


def test_archived_year_is_read_only_but_for_the_deputys_correction(app, college, db, login):
    """7.3: once the year is archived no mark or lesson of it changes — not even the deputy's
    with a reason — and a final grade only by the deputy's correction with its reason, which
    waits for the archive's supplement."""
    from tests.journal_helpers import change
    from app.models import ArchiveChange, FinalGrade, JournalCell, Lesson
    _archive(app, college, db)
    # a marked cell of the journal the requests name (PostgreSQL returns rows in no set order)
    cell_id = db.session.scalars(
        select(Mark.cell_id).join(JournalCell, JournalCell.id == Mark.cell_id)
        .join(Lesson, Lesson.id == JournalCell.lesson_id)
        .where(Lesson.journal_id == college.journal_a_op.id).order_by(Mark.cell_id)).first()
    assert cell_id is not None
    cell = db.session.get(JournalCell, cell_id)
    before = sorted(db.session.scalars(select(Mark.value)))
    grade = dict(student_id=college.student1.id, period_id=college.autumn.id, kind="exam",
                 value="5")
    url = f"/api/v1/journals/{college.journal_a_op.id}"
    app.config["JOURNAL_TODAY"] = "2026-07-10"
    try:
        for who, body in (("teacher1", {}), ("teacher1", {"reason": "Приказ 80-у"}),
                          ("deputy", {"reason": "Приказ 80-у"})):
            g.pop("_login_user", None)
            client = login(who)
            r = client.put(f"{url}/marks", json=dict(
                body, changes=[change(cell.lesson, cell.student, version=cell.version,
                                      marks=["3"])]))
            assert r.status_code == 403 and "архивирован" in r.get_json()["message"]
            if who == "teacher1":
                r = client.put(f"{url}/final-grades", json=dict(body, **grade))
                assert r.status_code == 403 and "архивирован" in r.get_json()["message"]
        without = client.put(f"{url}/final-grades", json=grade)
        assert without.status_code == 422
        assert "архивирован: укажите основание" in without.get_json()["message"]
        assert db.session.scalar(select(func.count()).select_from(ArchiveChange)) == 0
        fixed = client.put(f"{url}/final-grades", json=dict(grade, reason="Приказ 80-у"))
        assert fixed.status_code == 200, fixed.get_json()
    finally:
        app.config["JOURNAL_TODAY"] = ""
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Mark.value))) == before
    assert db.session.scalars(select(FinalGrade.value).where(
        FinalGrade.kind == "exam")).all() == ["5"]
    noted = db.session.scalars(select(ArchiveChange)).one()
    assert (noted.action, noted.old_value, noted.new_value, noted.reason) == (
        "final_grade_change", None, "5", "Приказ 80-у")
    assert noted.changed_by_id == college.deputy.id and noted.supplement_id is None
    assert college.student1.full_name in noted.subject and "экзамен" in noted.subject
    assert db.session.scalar(select(AuditLog.id).where(
        AuditLog.action == "final_grade_change")) is not None
