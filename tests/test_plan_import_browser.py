"""4.2 in the browser: the deputy uploads a plan of «Планы» on the curricula page, reads the
difference and confirms it; the upload form and the difference fit a phone."""
import pytest
from sqlalchemy import func, select

from app.models import CurriculumRow, Mark
from tests.factories import PASSWORD
from tests.live_server import browser_login
from tests.plx_builder import full_plan

pytestmark = [pytest.mark.browser, pytest.mark.layout_only]  # the same on either database


def _upload(page, live_server, data: bytes) -> None:
    page.goto(f"{live_server}/curriculumview/list/")
    page.set_input_files("#plan-file", files=[{"name": "РУП 09.02.07.plx",
                                                "mimeType": "application/xml",
                                                "buffer": data}])
    page.click("#plan-upload button[type=submit]")
    page.wait_for_selector("#plan-diff")


def test_deputy_uploads_reads_the_difference_and_confirms(college, db, live_server, browser):
    marks = db.session.scalar(select(func.count()).select_from(Mark))
    page = browser_login(browser, live_server, "deputy", PASSWORD)
    _upload(page, live_server, full_plan().utf16())
    added = page.text_content("#plan-added")
    assert "ПМ.01.ЭК Экзамен по модулю" in added and "ГИА.01" in added
    assert "УП.01, семестр 3" in page.text_content("#plan-items-removed")
    assert db.session.scalar(select(func.count()).select_from(CurriculumRow)) == 0
    page.click("#plan-confirm button[type=submit]")
    page.wait_for_url("**/curriculumview/show/**")
    assert "загружен из «РУП 09.02.07.plx»" in page.text_content("body")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CurriculumRow)) == 12
    assert db.session.scalar(select(func.count()).select_from(Mark)) == marks
    _upload(page, live_server, full_plan().utf8())  # the same plan again: nothing to apply
    assert page.locator("#plan-unchanged").is_visible()
    assert page.locator("#plan-confirm").count() == 0


def test_upload_and_difference_fit_a_phone(college, db, live_server, playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ru-RU", is_mobile=True, has_touch=True)
    context.set_default_timeout(10000)
    try:
        page = browser_login(context, live_server, "director", PASSWORD)
        _upload(page, live_server, full_plan().utf16())
        assert page.locator("#plan-confirm button[type=submit]").is_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width
    finally:
        context.close()
