"""Uploads of absence documents that cannot fill the disk or attack the reader (issue 23,
findings 5 and 9, and "a 5 MB document gets 413"): quotas per account and day, images limited
in pixels before decoding and written again without metadata, PDFs never shown inline, the
file's limit reached before the request's, and lists paged so no student's document is hidden.
Rules: app/services/control/document_files.py, absence_documents.documents_page."""
import io
import re
import warnings
from datetime import date, datetime, timedelta, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.models.documents import AbsenceDocument
from app.services.control import absence_documents as docs

TODAY = date(2025, 10, 17)
PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
       b"%%EOF\n")
SCRIPTED_PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\n"
                b"endobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                b"3 0 obj\n<< /S /JavaScript /JS (app.alert\\('x'\\)) >>\nendobj\n"
                b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


@pytest.fixture()
def term(app, college, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "documents"))
    return college


def _png(width, height, **save) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, "PNG", optimize=True, **save)
    return out.getvalue()


def _upload(c, user, student, data=PDF, name="справка.pdf"):
    return docs.upload(user, student.id, "medical", date(2025, 10, 13), date(2025, 10, 15),
                       name, None, data)


def _post(client, student, data, name="справка.pdf", mimetype="application/pdf"):
    return client.post("/documents/upload", data={
        "student": str(student.id), "kind": "medical", "date_from": "2025-10-13",
        "date_to": "2025-10-14", "note": "x" * 400,
        "file": (io.BytesIO(data), name, mimetype)}, content_type="multipart/form-data")


def _count(db) -> int:
    return db.session.scalar(select(func.count(AbsenceDocument.id)))


# --- images -------------------------------------------------------------------------------
def test_a_png_bomb_is_refused_before_decoding(term, db, login):
    """12000 × 12000 mostly empty: a few hundred KB on the wire, 144 Mpx (432 MB as RGB) to
    decode — refused from its header with the limit named, nothing stored."""
    bomb = _png(12000, 12000)
    assert len(bomb) < 1024 * 1024
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(docs.DocumentError, match="12000 × 12000 точек, допускается не "
                                                     "более 40 млн точек"):
            _upload(term, term.users["student1"], term.student1, bomb, "скан.png")
    db.session.rollback()
    page = _post(login("student1"), term.student1, bomb, "скан.png", "image/png")
    assert page.status_code == 422
    assert "допускается не более 40 млн точек" in page.get_data(as_text=True)
    assert _count(db) == 0
    assert not list((docs.documents_dir()).iterdir())


def test_pixels_are_a_setting_and_pillows_guard_follows_it(term, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_PIXELS", 10_000)
    with pytest.raises(docs.DocumentError, match="101 × 100 точек"):
        _upload(term, term.users["student1"], term.student1, _png(101, 100), "a.png")
    document = _upload(term, term.users["student1"], term.student1, _png(100, 100), "b.png")
    assert document.content_type == "image/png"
    assert Image.MAX_IMAGE_PIXELS == 10_000


def test_images_are_written_again_without_metadata(term, db):
    """EXIF (camera, place) and text chunks are not kept; the picture is."""
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera"
    exif[0x8825] = {2: (55.0, 45.0, 0.0)}
    Image.new("RGB", (40, 30), (10, 200, 30)).save(out, "JPEG", exif=exif.tobytes())
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_text("Comment", "home address")
    for data, name in ((out.getvalue(), "фото.jpg"), (_png(40, 30, pnginfo=info), "скан.png")):
        document = _upload(term, term.users["student1"], term.student1, data, name)
        stored = docs.read_file(document)
        assert b"Secret Camera" not in stored and b"home address" not in stored
        with Image.open(io.BytesIO(stored)) as image:
            assert image.size == (40, 30)
            assert not image.getexif() and "Comment" not in image.info
        assert document.size == len(stored)


# --- PDFs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("user", ["curator1", "student1"])
def test_a_pdf_with_a_script_is_never_shown_inline(term, db, login, user):
    document = _upload(term, term.users["student1"], term.student1, SCRIPTED_PDF)
    db.session.commit()
    client = login(user)
    for query in ("", "?download=1"):
        answer = client.get(f"/documents/{document.id}/file{query}")
        assert answer.status_code == 200 and answer.data == SCRIPTED_PDF
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        assert "sandbox" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_images_keep_their_sandbox_inline(term, db, login):
    document = _upload(term, term.users["student1"], term.student1, _png(20, 20), "a.png")
    db.session.commit()
    answer = login("curator1").get(f"/documents/{document.id}/file")
    assert answer.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in answer.headers["Content-Security-Policy"]


# --- sizes --------------------------------------------------------------------------------
def _padded_pdf(size: int) -> bytes:
    return PDF[:-6] + b"%" + b"0" * (size - len(PDF) - 1) + PDF[-6:]


def test_the_files_limit_comes_before_the_requests(term, db, login, app):
    """The default 5 MB: a 4.99 MB file with the form around it is accepted; a 5.1 MB file gets
    the file's own message (not a bare 413), also when the request is larger than
    MAX_UPLOAD_BYTES."""
    assert app.config["ABSENCE_DOCUMENT_MAX_BYTES"] == app.config["MAX_CONTENT_LENGTH"] == (
        5 * 1024 * 1024)
    client = login("student1")
    accepted = _post(client, term.student1, _padded_pdf(int(4.99 * 1024 * 1024)))
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[:300]
    assert _count(db) == 1
    refused = _post(client, term.student1, _padded_pdf(int(5.1 * 1024 * 1024)))
    assert refused.status_code == 413
    assert "Файл слишком большой: допускается не более 5 МБ." in refused.get_data(as_text=True)
    huge = _post(client, term.student1, _padded_pdf(7 * 1024 * 1024))
    assert huge.status_code == 413
    assert "допускается не более 5 МБ" in huge.get_data(as_text=True)
    assert _count(db) == 1


def test_the_files_limit_is_a_setting(term, db, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "ABSENCE_DOCUMENT_MAX_BYTES", 3 * 1024 * 1024)
    refused = _post(login("student1"), term.student1, _padded_pdf(3 * 1024 * 1024 + 10))
    assert refused.status_code == 413
    assert "не более 3 МБ" in refused.get_data(as_text=True)


# --- quotas -------------------------------------------------------------------------------
def test_the_21st_document_of_a_day_is_refused(term, db, login):
    client = login("student1")
    for n in range(20):
        assert _post(client, term.student1, PDF).status_code == 302, n
    refused = _post(client, term.student1, PDF)
    assert refused.status_code == 429
    assert "не более 20 документов" in refused.get_data(as_text=True)
    assert _count(db) == 20
    # the quota is the account's: the parent of the same student still uploads
    assert _post(login("parent1"), term.student1, PDF).status_code == 302


def test_megabytes_per_day(term, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_DAILY_MB", 2)
    big = _padded_pdf(900 * 1024)
    _upload(term, term.users["student1"], term.student1, big)
    _upload(term, term.users["student1"], term.student1, big)
    with pytest.raises(docs.DocumentQuota, match="не более 2 МБ документов; загружено 1.8 МБ"):
        _upload(term, term.users["student1"], term.student1, big)


def test_the_quota_is_per_24_hours(term, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_DAILY_COUNT", 2)
    monkeypatch.setitem(app.config, "JOURNAL_NOW", "2025-10-16T08:00:00")
    for _ in range(2):
        _upload(term, term.users["student1"], term.student1)
    with pytest.raises(docs.DocumentQuota):
        _upload(term, term.users["student1"], term.student1)
    monkeypatch.setitem(app.config, "JOURNAL_NOW", "2025-10-17T08:01:00")
    assert _upload(term, term.users["student1"], term.student1).id


# --- lists ----------------------------------------------------------------------------------
def _flood(db, c, student, count, uploader):
    """`count` documents of one student, one a minute from 1 October 08:00 UTC; every tenth
    accepted, the rest pending."""
    for n in range(count):
        db.session.add(AbsenceDocument(
            uploaded_at=datetime(2025, 10, 1, 8, tzinfo=timezone.utc) + timedelta(minutes=n),
            student_id=student.id, kind="other", date_from=date(2025, 10, 1),
            date_to=date(2025, 10, 1), original_name="a.pdf", stored_name=f"flood-{n}.pdf",
            content_type="application/pdf", size=10, sha256="0" * 64,
            uploaded_by_id=uploader.id, status="pending" if n % 10 else "accepted"))
    db.session.commit()


@pytest.mark.parametrize("user", ["curator1", "deputy"])
def test_a_flood_never_hides_another_students_document(term, db, login, user):
    c = term
    _flood(db, c, c.student1, 300, c.users["student1"])
    # student2's document arrives in the middle of the flood: oldest-first and newest-first
    # alike would put it on page 4
    late = docs.upload(c.users["student2"], c.student2.id, "medical", date(2025, 10, 13),
                       date(2025, 10, 13), "справка.pdf", None, PDF)
    late.uploaded_at = datetime(2025, 10, 1, 10, 30, 30, tzinfo=timezone.utc)
    db.session.commit()
    client = login(user)
    page = client.get("/documents/").get_data(as_text=True)
    rows = re.findall(r'data-document="(\d+)"', page)
    assert len(rows) == docs.PAGE_SIZE == 50
    assert str(late.id) in rows[:2]  # its first turn, beside student1's oldest
    assert "ожидают решения: 271 (студентов: 2)" in page
    assert "Всего документов: 301" in page
    assert "Страница 1 из 7" in page and 'href="/documents/?page=2"' in page
    # every page in turn shows each document once; pending first, then decided newest first
    seen = []
    for n in range(1, 8):
        seen += re.findall(r'data-document="(\d+)"', client.get(
            f"/documents/?page={n}").get_data(as_text=True))
    assert len(seen) == len(set(seen)) == 301
    listed = [db.session.get(AbsenceDocument, int(i)) for i in seen]
    assert [d.status for d in listed] == ["pending"] * 271 + ["accepted"] * 30
    assert [d.uploaded_at for d in listed[:2]] == sorted(d.uploaded_at for d in listed[:2])
    decided = [d.uploaded_at for d in listed[271:]]
    assert decided == sorted(decided, reverse=True)
    # bad page numbers give the nearest page, never an error
    for bad in ("0", "-3", "abc", "999", "9" * 30):
        assert client.get(f"/documents/?page={bad}").status_code == 200


def test_a_student_pages_through_their_own(term, db, login):
    _flood(db, term, term.student1, 60, term.users["student1"])
    page = login("student1").get("/documents/?page=2").get_data(as_text=True)
    assert len(re.findall(r'data-document="(\d+)"', page)) == 10
    assert "Страница 2 из 2" in page


def test_the_form_names_the_quota(term, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_DAILY_COUNT", 7)
    page = login("student1").get("/documents/").get_data(as_text=True)
    assert "не более 7 документов и 50 МБ за сутки" in page
