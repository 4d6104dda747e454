"""Absence documents (issue 14.5; 3.3, 5.2): who uploads (the student, the parent of a minor
still at the college), what is accepted (PDF, JPEG, PNG by content, within the size limit),
who reads the file (the student, the parent, the group's curator, the administration — nobody
else), who decides (the curator of the student's current group, the deputy), and what an
accepted document does: every «Н» of the student in its range gets the reason, with its
history, version and audit, outside closed periods."""
import io
import re
import os
import stat
from datetime import date, datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.models import AuditLog, CellChange, JournalCell, Lesson, Message, Period, User
from app.models.documents import AbsenceDocument
from app.services.control import absence_documents as docs, document_decisions
from tests.journal_helpers import count_queries
from tests.portal_helpers import add_cell, add_lesson

TODAY = date(2025, 10, 17)  # a Friday
PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
       b"%%EOF\n")


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


PNG, JPEG = _image("PNG"), _image("JPEG")


@pytest.fixture()
def term(app, college, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "documents"))
    return college


def _upload(c, user, student, data=PDF, name="справка.pdf", kind="medical",
            start=date(2025, 10, 13), end=date(2025, 10, 15), content_type=None):
    return docs.upload(user, student.id, kind, start, end, name, content_type, data)


def _absences(db, c):
    """student1: «Н» on 13 and 15 October in two journals, one on 16 October (outside the
    range 13–15), a mark on 14 October; student4 (same group): «Н» on 14 October."""
    cells = {}
    for key, journal, day, student, absent, marks in (
            ("in1", c.journal_a_op, date(2025, 10, 13), c.student1, True, ()),
            ("in2", c.journal_a_mdk1, date(2025, 10, 15), c.student1, True, ()),
            ("mark", c.journal_a_op, date(2025, 10, 14), c.student1, False, ("4",)),
            ("after", c.journal_a_op, date(2025, 10, 16), c.student1, True, ()),
            ("other", c.journal_a_op, date(2025, 10, 14), c.a_students[3], True, ())):
        lesson = add_lesson(db, journal, day, pair=1 + len(cells) % 3)
        cells[key] = add_cell(db, lesson, student, marks, absent=absent)
    db.session.commit()
    return cells


# --- upload ---------------------------------------------------------------------------------
@pytest.mark.parametrize("data,name", [(PDF, "справка.pdf"), (PNG, "скан.PNG"),
                                       (JPEG, "фото.jpeg")], ids=["pdf", "png", "jpeg"])
def test_student_uploads_for_themself(term, db, data, name):
    c = term
    document = _upload(c, c.users["student1"], c.student1, data, name)
    db.session.commit()
    assert document.status == "pending"
    assert document.content_type == docs.EXTENSIONS[os.path.splitext(name)[1].lower()]
    path = docs.file_path(document)
    kept = path.read_bytes()
    assert document.size == len(kept)
    if data == PDF:
        assert kept == data
    else:  # an image is written again by the portal (tests/test_document_uploads.py)
        with Image.open(io.BytesIO(kept)) as image, Image.open(io.BytesIO(data)) as sent:
            assert image.format == sent.format and image.size == sent.size
    assert name not in document.stored_name and "/" not in document.stored_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    entry = db.session.scalar(select(AuditLog).where(
        AuditLog.action == "absence_document_upload"))
    assert entry.object_id == str(document.id)


def test_parent_uploads_for_minor_child_not_for_adult(term, db):
    c = term
    document = _upload(c, c.users["parent1"], c.student1)
    assert document.uploaded_by_id == c.users["parent1"].id
    with pytest.raises(docs.DocumentDenied, match="18 лет"):
        _upload(c, c.users["parent2"], c.student2)  # student2 is an adult
    with pytest.raises(docs.DocumentDenied):
        _upload(c, c.users["parent1"], c.student3)  # not their child
    db.session.commit()
    assert db.session.scalar(select(func.count(AbsenceDocument.id))) == 1


def test_parent_of_a_child_who_left_is_refused(term, db):
    c = term
    c.student1.status = "expelled"
    db.session.commit()
    with pytest.raises(docs.DocumentDenied, match="не обучается"):
        _upload(c, c.users["parent1"], c.student1)


@pytest.mark.parametrize("user", ["student1", "teacher1", "curator1", "deputy"])
def test_nobody_uploads_for_another_student(term, db, user):
    c = term
    with pytest.raises(docs.DocumentDenied):
        _upload(c, c.users[user], c.student3 if user == "student1" else c.student1)
    assert db.session.scalar(select(func.count(AbsenceDocument.id))) == 0
    assert not os.listdir(docs.documents_dir())


@pytest.mark.parametrize("data,name,content_type,message", [
    (PNG, "справка.pdf", "application/pdf", "PNG, а не PDF"),
    (b"just text, no document\n" * 10, "справка.pdf", "application/pdf", "не является PDF"),
    (PDF, "справка.png", "image/png", "PDF, а не PNG"),
    (PDF, "справка.pdf", "image/png", "PDF, а не PNG"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "скан.png", "image/png", "не является PNG"),
    (PDF, "справка.docx", None, "только файлы PDF, JPEG и PNG"),
    (b"", "справка.pdf", None, "пуст"),
], ids=["png-named-pdf", "text-named-pdf", "pdf-named-png", "pdf-declared-png",
        "broken-png", "docx", "empty"])
def test_content_must_be_what_the_name_says(term, db, data, name, content_type, message):
    c = term
    with pytest.raises(docs.DocumentError, match=message) as refused:
        _upload(c, c.users["student1"], c.student1, data, name, content_type=content_type)
    assert refused.value.status == 422
    assert db.session.scalar(select(func.count(AbsenceDocument.id))) == 0
    assert not os.listdir(docs.documents_dir())


def test_size_limit(term, db, app, monkeypatch):
    c = term
    monkeypatch.setitem(app.config, "ABSENCE_DOCUMENT_MAX_BYTES", len(PDF) + 10)
    _upload(c, c.users["student1"], c.student1, PDF)
    big = PDF[:-7] + b"0" * 11 + b"\n%%EOF\n"
    with pytest.raises(docs.DocumentTooLarge, match="не более"):
        _upload(c, c.users["student1"], c.student1, big)


@pytest.mark.parametrize("start,end,message", [
    (date(2025, 10, 18), date(2025, 10, 18), "не может быть позже"),
    (date(2025, 10, 15), date(2025, 10, 13), "раньше даты начала"),
    (date(2025, 8, 1), date(2025, 10, 1), "не более 60 дней"),
    (date(2024, 8, 20), date(2024, 8, 31), "обучается с 01.09.2024"),
    (None, date(2025, 10, 13), "Укажите даты"),
])
def test_dates(term, db, start, end, message):
    c = term
    with pytest.raises(docs.DocumentError, match=message):
        _upload(c, c.users["student1"], c.student1, start=start, end=end)


def test_upload_page_and_refusals(term, db, login):
    c = term
    student = login("student1")
    record = student.get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert f'href="/documents/?student={c.student1.id}"' in record  # from the diary
    page = student.get(f"/documents/?student={c.student1.id}").get_data(as_text=True)
    assert 'id="document-form"' in page
    parent = login("parent1").get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert 'id="record-documents"' in parent
    assert 'id="record-documents"' not in login("curator1").get(
        f"/portal/student/{c.student1.id}").get_data(as_text=True)
    resp = student.post("/documents/upload", data={
        "student": str(c.student1.id), "kind": "medical", "date_from": "2025-10-13",
        "date_to": "2025-10-14", "note": "Грипп",
        "file": (io.BytesIO(PDF), "справка.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    fake = student.post("/documents/upload", data={
        "student": str(c.student1.id), "kind": "medical", "date_from": "2025-10-13",
        "date_to": "2025-10-14", "file": (io.BytesIO(PNG), "справка.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert fake.status_code == 422 and "PNG, а не PDF" in fake.get_data(as_text=True)
    other = student.post("/documents/upload", data={
        "student": str(c.student3.id), "kind": "medical", "date_from": "2025-10-13",
        "date_to": "2025-10-14", "file": (io.BytesIO(PDF), "справка.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert other.status_code == 403
    assert db.session.scalar(select(func.count(AbsenceDocument.id))) == 1
    assert login("teacher1").get("/documents/").status_code in (302, 403)


def test_too_large_body_answers_a_russian_413(term, db, login, app, monkeypatch):
    """A request larger than the file's limit plus the form's allowance: the file's own
    message, whatever MAX_UPLOAD_BYTES says."""
    c = term
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    monkeypatch.setattr(docs, "request_limit", lambda: 3000)
    resp = login("student1").post("/documents/upload", data={
        "student": str(c.student1.id), "kind": "medical", "date_from": "2025-10-13",
        "date_to": "2025-10-14",
        "file": (io.BytesIO(PDF + b"0" * 5000), "справка.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert resp.status_code == 413
    assert "Файл слишком большой: допускается не более 5 МБ." in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AbsenceDocument.id))) == 0


# --- reading --------------------------------------------------------------------------------
@pytest.mark.parametrize("user,allowed", [
    ("student1", True), ("parent1", True), ("curator1", True), ("deputy", True),
    ("director", True), ("teacher1", False), ("curator2", False), ("student2", False),
    ("parent2", False), ("parent3", False), ("it", False), (None, False)])
def test_who_reads_the_file(term, db, login, app, user, allowed):
    c = term
    document = _upload(c, c.users["student1"], c.student1, PNG, "скан.png")
    db.session.commit()
    client = login(user) if user else app.test_client()
    resp = client.get(f"/documents/{document.id}/file")
    page = client.get(f"/documents/{document.id}")
    if allowed:
        assert resp.status_code == 200 and resp.data == PNG
        assert resp.mimetype == "image/png"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Content-Disposition"].startswith("inline")
        assert page.status_code == 200
        download = client.get(f"/documents/{document.id}/file?download=1")
        assert download.headers["Content-Disposition"].startswith("attachment")
    else:
        assert resp.status_code in (302, 403, 404) and resp.data != PNG
        assert page.status_code in (302, 403, 404)
        if resp.status_code == 404:  # no hint whether it exists
            missing = client.get(f"/documents/{document.id + 1000}/file")
            assert missing.status_code == 404
            # the same page, but for the logout form's CSRF token (it carries the second)
            token = re.compile(r'name="csrf_token" value="[^"]*"')
            assert token.sub("", missing.get_data(as_text=True)) == token.sub(
                "", resp.get_data(as_text=True))


def test_parent_of_an_adult_reads_nothing(term, db):
    c = term
    _upload(c, c.users["student2"], c.student2)
    db.session.commit()
    assert docs.documents_for(c.users["parent2"]) == []
    assert len(docs.documents_for(c.users["student2"])) == 1


def _seed_documents(db, c, per_student):
    seeded = db.session.scalar(select(func.count(AbsenceDocument.id)))
    for student in c.students:
        user = c.users["student1"] if student.id == c.student1.id else None
        for n in range(per_student):
            db.session.add(AbsenceDocument(
                student_id=student.id, kind="other", date_from=date(2025, 10, 1 + n),
                date_to=date(2025, 10, 1 + n), original_name="a.pdf",
                stored_name=f"{seeded}-{student.id}-{n}.pdf", content_type="application/pdf",
                size=10, sha256="0" * 64, uploaded_by_id=(user or c.users["parent1"]).id,
                status=("pending", "accepted", "rejected")[n % 3]))
    db.session.commit()


@pytest.mark.parametrize("user", ["curator1", "student1", "deputy"])
def test_lists_are_scoped_and_read_in_constant_queries(term, db, login, user):
    c = term
    client = login(user)
    _seed_documents(db, c, 1)
    small = count_queries(db, lambda: client.get("/documents/"))
    _seed_documents(db, c, 6)
    page = ""

    def fetch():
        nonlocal page
        page = client.get("/documents/").get_data(as_text=True)
    big = count_queries(db, fetch)
    assert big == small, (small, big)
    shown = page.count('data-document="')
    own = db.session.scalar(select(func.count(AbsenceDocument.id)).where(
        AbsenceDocument.student_id.in_([s.id for s in (
            c.students if user == "deputy" else c.a_students if user == "curator1"
            else [c.student1])])))
    assert shown == min(own, docs.PAGE_SIZE)  # one page; the others: test_document_uploads
    first_decided = page.find("document-accepted")
    assert page.rfind("document-pending") < first_decided  # pending first


# --- the decision ---------------------------------------------------------------------------
def test_accept_recodes_only_the_students_absences_in_the_range(term, db):
    c = term
    cells = _absences(db, c)
    document = _upload(c, c.users["parent1"], c.student1)  # medical, 13–15 October
    db.session.commit()
    versions = {k: cell.version for k, cell in cells.items()}
    recoding = document_decisions.decide(c.curator1, document.id, "accept",
                                         "Справка из поликлиники")
    db.session.commit()
    assert recoding.changed == 2 and not recoding.refused
    db.session.expire_all()
    now = {k: db.session.get(JournalCell, cell.id) for k, cell in cells.items()}
    assert now["in1"].absence_reason == now["in2"].absence_reason == "illness"
    assert now["in1"].absent and now["in2"].absent  # the «Н» stays
    assert now["in1"].version == versions["in1"] + 1
    assert now["after"].absence_reason == "" and now["other"].absence_reason == ""
    assert now["mark"].absent is False and [m.value for m in now["mark"].marks] == ["4"]
    assert now["mark"].version == versions["mark"]
    history = db.session.scalars(select(CellChange).order_by(CellChange.id)).all()
    assert [(h.lesson_id, h.old_value, h.new_value, h.changed_by_id) for h in history] == [
        (cells[k].lesson_id, "Н", "Н (болезнь)", c.curator1.id) for k in ("in1", "in2")]
    document = db.session.get(AbsenceDocument, document.id)
    assert (document.status, document.decided_by_id, document.comment) == (
        "accepted", c.curator1.id, "Справка из поликлиники")
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert actions.count("cell_change") == 2 and "absence_document_accept" in actions


def test_summons_gives_excused_and_the_deputy_may_decide(term, db):
    c = term
    cells = _absences(db, c)
    document = _upload(c, c.users["student1"], c.student1, kind="summons")
    db.session.commit()
    document_decisions.decide(c.deputy, document.id, "accept")
    db.session.commit()
    assert db.session.get(JournalCell, cells["in1"].id).absence_reason == "excused"


@pytest.mark.parametrize("user", ["curator2", "teacher1", "student1", "parent1", "it"])
def test_others_do_not_decide(term, db, user):
    c = term
    cells = _absences(db, c)
    document = _upload(c, c.users["student1"], c.student1)
    db.session.commit()
    with pytest.raises(docs.DocumentError) as refused:
        document_decisions.decide(c.users[user], document.id, "accept")
    assert refused.value.status in (403, 404)
    db.session.rollback()
    assert db.session.get(AbsenceDocument, document.id).status == "pending"
    assert db.session.get(JournalCell, cells["in1"].id).absence_reason == ""


def test_decision_pages(term, db, login):
    c = term
    cells = _absences(db, c)
    document = _upload(c, c.users["student1"], c.student1)
    db.session.commit()
    assert login("curator2").post(f"/documents/{document.id}/decide",
                                  data={"action": "accept"}).status_code == 404
    assert login("teacher1").post(f"/documents/{document.id}/decide",
                                  data={"action": "accept"}).status_code in (302, 403)
    curator = login("curator1")
    no_comment = curator.post(f"/documents/{document.id}/decide", data={"action": "reject"})
    assert no_comment.status_code == 422
    assert "почему документ отклонён" in no_comment.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AbsenceDocument, document.id).status == "pending"
    ok = curator.post(f"/documents/{document.id}/decide",
                      data={"action": "accept", "comment": "Принято"}, follow_redirects=True)
    assert ok.status_code == 200 and "Причина «болезнь» указана для «Н»: 2." in ok.get_data(
        as_text=True)
    again = curator.post(f"/documents/{document.id}/decide", data={"action": "reject",
                                                                   "comment": "Нет"})
    assert again.status_code == 409
    db.session.expire_all()
    assert db.session.get(JournalCell, cells["in1"].id).absence_reason == "illness"
    # the uploader is told by a portal message, and sees the state on their page
    message = db.session.scalar(select(Message).where(
        Message.recipient_id == c.users["student1"].id))
    assert message is not None and "): принят." in message.body
    page = login("student1").get("/documents/").get_data(as_text=True)
    assert 'label-success">принят</span>' in page and "<td>Принято</td>" in page


def test_reject_needs_a_comment_and_changes_no_cell(term, db):
    c = term
    cells = _absences(db, c)
    document = _upload(c, c.users["student1"], c.student1)
    db.session.commit()
    with pytest.raises(docs.DocumentError, match="почему"):
        document_decisions.decide(c.curator1, document.id, "reject", "   ")
    assert document_decisions.decide(c.curator1, document.id, "reject", "Нет печати") is None
    db.session.commit()
    assert db.session.get(AbsenceDocument, document.id).status == "rejected"
    assert db.session.get(JournalCell, cells["in1"].id).absence_reason == ""
    assert db.session.scalar(select(func.count(CellChange.id))) == 0
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "absence_document_reject")) == 1


def test_closed_period_cells_stay_and_are_reported(app, college, db, monkeypatch, tmp_path):
    c = college
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2026-01-20")
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "documents"))
    closed = add_cell(db, add_lesson(db, c.journal_a_op, date(2025, 12, 29)), c.student1,
                      absent=True)
    open_ = add_cell(db, add_lesson(db, c.journal_a_op, date(2026, 1, 13)), c.student1,
                     absent=True)
    autumn = db.session.get(Period, c.autumn.id)
    autumn.closed_at = datetime(2026, 1, 16, tzinfo=timezone.utc)
    autumn.close_order_number, autumn.close_order_date = "7-у", date(2026, 1, 16)
    db.session.commit()
    document = docs.upload(c.users["student1"], c.student1.id, "medical", date(2025, 12, 29),
                           date(2026, 1, 14), "справка.pdf", "application/pdf", PDF)
    db.session.commit()
    recoding = document_decisions.decide(c.curator1, document.id, "accept")
    db.session.commit()
    assert recoding.changed == 1 and recoding.refused_total == 1
    assert "Не изменено «Н»: 1 — Период «1 семестр» закрыт" in recoding.summary()
    assert db.session.get(JournalCell, closed.id).absence_reason == ""
    assert db.session.get(JournalCell, open_.id).absence_reason == "illness"


def test_reapply_recodes_absences_marked_later(term, db, login):
    c = term
    document = _upload(c, c.users["student1"], c.student1)
    db.session.commit()
    document_decisions.decide(c.curator1, document.id, "accept")
    db.session.commit()
    late = add_cell(db, add_lesson(db, c.journal_a_op, date(2025, 10, 14), pair=4),
                    c.student1, absent=True)
    db.session.commit()
    page = login("curator1").get(f"/documents/{document.id}").get_data(as_text=True)
    assert 'id="reapply-form"' in page
    home = login("curator1").get("/").get_data(as_text=True)
    assert "home-documents-stale" in home
    resp = login("curator1").post(f"/documents/{document.id}/reapply", follow_redirects=True)
    assert resp.status_code == 200
    db.session.expire_all()
    assert db.session.get(JournalCell, late.id).absence_reason == "illness"
    assert "home-documents-stale" not in login("curator1").get("/").get_data(as_text=True)
    assert login("curator2").post(f"/documents/{document.id}/reapply").status_code == 404


def test_curator_start_page_lists_pending_documents(term, db, login):
    c = term
    _upload(c, c.users["student1"], c.student1)
    db.session.commit()
    home = login("curator1").get("/").get_data(as_text=True)
    assert 'id="home-documents"' in home and "Смирнов" in home
    assert 'id="home-documents"' not in login("curator2").get("/").get_data(as_text=True)


def test_migration_matches_the_model(app, db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.models import Model
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "render_as_batch": True})
        differences = compare_metadata(context, Model.metadata)
    assert [d for d in differences if "absence_document" in repr(d)] == []


def test_demo_has_pending_and_accepted_documents(app, db, monkeypatch, tmp_path):
    """The demo college: documents pending in curator1's group; the accepted ones really set
    the reason of every «Н» of their range, with the history rows."""
    from app.demo.college import build_demo
    from tests.factories import PASSWORD
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-11-20")
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "documents"))
    build_demo(PASSWORD, 2025)
    documents = db.session.scalars(select(AbsenceDocument)).all()
    assert {d.status for d in documents} == {"pending", "accepted"}
    curator1 = db.session.scalar(select(User).where(User.username == "curator1"))
    assert docs.pending_for_curator(curator1)["total"] >= 1
    for document in documents:
        assert docs.read_file(document)[:4] in (b"%PDF", b"\x89PNG")
        assert docs.detect_type(docs.read_file(document)) == document.content_type
        cells = db.session.scalars(select(JournalCell).join(Lesson).where(
            JournalCell.student_id == document.student_id, JournalCell.absent.is_(True),
            Lesson.lesson_date >= document.date_from,
            Lesson.lesson_date <= document.date_to)).all()
        assert cells
        reasons = {cell.absence_reason for cell in cells}
        if document.status == "accepted":
            assert reasons == {docs.REASON_BY_KIND[document.kind]}
            assert db.session.scalar(select(func.count(CellChange.id)).where(
                CellChange.student_id == document.student_id,
                CellChange.changed_by_id == document.decided_by_id,
                CellChange.new_value.like("Н (%"))) >= 1
        else:
            assert "" in reasons
