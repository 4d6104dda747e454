"""The year's archive as a download (7.3, issue 25): IT downloads a year's or a group's archive
as one zip from the archive page, with a manifest of the checksums of every file in it; the
download is audited, other roles are refused, a damaged archive is refused, and the page lists
archives by year and group without server paths."""
import hashlib
import io
import json
import zipfile
from pathlib import Path

from flask import g
from sqlalchemy import select

from app.models import AuditLog
from app.services.records import archive_download
from tests.test_archive import _archive


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_it_downloads_a_year_with_its_manifest_and_the_download_is_audited(app, college, db,
                                                                         login):
    _marks, records = _archive(app, college, db)
    g.pop("_login_user", None)
    client = login("it")
    bundle = _zip(client.get(f"/archive/zip?year={college.year.id}"))
    names = bundle.namelist()
    manifest = json.loads(bundle.read("2025-2026/manifest.json"))
    assert manifest["algorithm"] == "SHA-256" and manifest["academic_year"] == "2025/2026"
    assert set(manifest["groups"]) == {"ИС-24-1", "ИС-24-2"}
    assert set(manifest["files"]) == set(names) - {"2025-2026/manifest.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(bundle.read(name)).hexdigest() == digest, name
    # each group's own manifest is in the zip and matches the database's record
    for record in records:
        own = next(n for n in names if n.endswith("/manifest.json") and n.count("/") == 2
                   and record.group.name.replace("-", "") in n.replace("-", ""))
        assert hashlib.sha256(bundle.read(own)).hexdigest() == record.manifest_sha256
        assert json.loads(bundle.read(own))["files"] == json.loads(record.manifest)
    entry = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "archive_download")).one()
    assert entry.username == "it"
    details = json.loads(entry.details)
    assert details["year"] == "2025/2026" and sorted(details["groups"]) == ["ИС-24-1",
                                                                            "ИС-24-2"]


def test_a_group_archive_holds_that_group_only(app, college, db, login):
    _archive(app, college, db)
    g.pop("_login_user", None)
    answer = login("it").get(f"/archive/zip?year={college.year.id}&group={college.group_a.id}")
    assert answer.headers["Content-Disposition"].isascii()
    bundle = _zip(answer)
    manifest = json.loads(bundle.read("2025-2026/manifest.json"))
    assert set(manifest["groups"]) == {"ИС-24-1"}
    assert {Path(n).name for n in manifest["files"]} == {
        "journals.xlsx", "journals.html", "journals.json", "manifest.json"}


def test_other_roles_are_refused_and_nothing_is_audited(app, college, db, login):
    _archive(app, college, db)
    for username in ("deputy", "teacher1", "director", "student1"):
        g.pop("_login_user", None)
        answer = login(username).get(f"/archive/zip?year={college.year.id}")
        assert answer.status_code in (302, 403), username
    assert not db.session.scalars(select(AuditLog).where(
        AuditLog.action == "archive_download")).all()
    try:
        archive_download.archive_zip(college.deputy, college.year.id)
    except Exception as exc:  # the service refuses too, whatever the view
        assert getattr(exc, "status", None) == 403
    else:
        raise AssertionError("the deputy downloaded the archive")


def test_a_damaged_archive_is_refused_not_handed_out(app, college, db, login):
    _marks, records = _archive(app, college, db)
    (Path(records[0].directory) / "journals.json").write_text("{}", encoding="utf-8")
    g.pop("_login_user", None)
    client = login("it")
    answer = client.get(f"/archive/zip?year={college.year.id}", follow_redirects=True)
    assert answer.mimetype != "application/zip"
    page = answer.get_data(as_text=True)
    assert "повреждён" in page and "journals.json" in page
    assert client.get("/archive/zip?year=999999").status_code == 404


def test_the_page_lists_archives_by_year_and_group_without_server_paths(app, college, db,
                                                                      login):
    _marks, records = _archive(app, college, db)
    g.pop("_login_user", None)
    page = login("it").get("/archive/").get_data(as_text=True)
    assert "2025/2026 учебный год" in page and "ИС-24-1" in page and "ИС-24-2" in page
    assert f"/archive/zip?year={college.year.id}" in page
    assert f"group={college.group_a.id}" in page
    assert "30.06.2031" in page
    for record in records:
        assert record.directory not in page
        assert str(Path(app.config["ARCHIVE_DIR"])) not in page
