"""Browser: the curator accepts a student's absence document and sees the week's «Н» recoded
(issue 14.5); the student's upload page fits a phone (390 px). Screenshots go to
JOURNAL_TEST_ARTIFACTS (default var/test-artifacts)."""
import os
from datetime import date
from pathlib import Path

import pytest

from app.services.control import absence_documents as docs
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login
from tests.portal_helpers import add_cell, add_lesson

ARTIFACTS = Path(os.environ.get("JOURNAL_TEST_ARTIFACTS", "var/test-artifacts"))
TODAY = date(2025, 10, 17)  # a Friday; its week starts 13.10.2025
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture()
def term(app, college, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "documents"))
    return college


@pytest.mark.browser
def test_curator_accepts_a_document_and_sees_the_weeks_absences_recoded(
        term, db, live_server, browser):
    c = term
    absent = add_cell(db, add_lesson(db, c.journal_a_op, date(2025, 10, 14), pair=2),
                      c.student1, absent=True)
    untouched = add_cell(db, add_lesson(db, c.journal_a_op, date(2025, 10, 16), pair=3),
                         c.student1, absent=True)
    db.session.commit()
    document = docs.upload(c.users["parent1"], c.student1.id, "medical", date(2025, 10, 13),
                           date(2025, 10, 15), "справка.pdf", "application/pdf", PDF)
    db.session.commit()

    page = browser_login(browser, live_server, "curator1", PASSWORD)
    assert "Документы о пропусках на рассмотрении: 1" in page.inner_text("#home-documents")
    page.goto(f"{live_server}/documents/")
    row = page.locator(f'tr[data-document="{document.id}"]')
    assert "на рассмотрении" in row.inner_text()
    row.locator("text=Рассмотреть").click()
    page.wait_for_load_state()
    page.fill("#decision-comment", "Справка из поликлиники № 3")
    page.click("#decision-accept")
    page.wait_for_load_state()
    assert "Причина «болезнь» указана для «Н»: 1." in page.inner_text("body")
    assert "принят" in page.locator(f'tr[data-document="{document.id}"]').inner_text()

    page.goto(f"{live_server}/curator/group/{c.group_a.id}?week=2025-10-13")
    recoded = page.locator(f'select[name="reason-{absent.id}"]')
    assert recoded.input_value() == "illness"
    assert page.locator(f'select[name="reason-{untouched.id}"]').input_value() == ""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "documents-curator-week.png"), full_page=True)


@pytest.mark.browser
def test_upload_page_fits_a_phone(term, db, live_server, playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ru-RU", is_mobile=True, has_touch=True)
    context.set_default_timeout(10000)
    try:
        page = browser_login(context, live_server, "student1", PASSWORD)
        page.goto(f"{live_server}/documents/")
        assert page.locator("#document-form").is_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "documents-upload-phone.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_curator_pages_through_a_flood_and_sees_every_student(
        term, db, live_server, playwright_browser, width):
    """Issue 23, finding 5: 120 documents of one student and one of another; the other's is on
    page 1, the page links lead on, and the list fits a phone."""
    from datetime import datetime, timedelta, timezone

    from app.models.documents import AbsenceDocument
    c = term
    for n in range(120):
        db.session.add(AbsenceDocument(
            student_id=c.student1.id, kind="other", date_from=date(2025, 10, 1),
            date_to=date(2025, 10, 1), original_name="a.pdf", stored_name=f"flood-{n}.pdf",
            content_type="application/pdf", size=10, sha256="0" * 64,
            uploaded_by_id=c.users["student1"].id, status="pending",
            uploaded_at=datetime(2025, 10, 1, 8, tzinfo=timezone.utc) + timedelta(minutes=n)))
    other = docs.upload(c.users["student2"], c.student2.id, "medical", date(2025, 10, 13),
                        date(2025, 10, 13), "справка.pdf", "application/pdf", PDF)
    db.session.commit()
    context = playwright_browser.new_context(viewport={"width": width, "height": 900},
                                             locale="ru-RU", is_mobile=width < 500)
    context.set_default_timeout(10000)
    try:
        page = browser_login(context, live_server, "curator1", PASSWORD)
        page.goto(f"{live_server}/documents/")
        assert page.locator(f'tr[data-document="{other.id}"]').is_visible()
        assert "ожидают решения: 121 (студентов: 2)" in page.inner_text("#documents-counts")
        assert page.locator("tr[data-document]").count() == 50
        page.locator("a[rel=next]").first.click()
        page.wait_for_load_state()
        assert "Страница 2 из 3" in page.inner_text("#documents-counts")
        assert page.locator(f'tr[data-document="{other.id}"]').count() == 0
        page.locator(".documents-pages a", has_text="3").first.click()
        page.wait_for_load_state()
        assert page.locator("tr[data-document]").count() == 21
        if width < 500:
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"documents-pages-{width}.png"), full_page=True)
    finally:
        context.close()
