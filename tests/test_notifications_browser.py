"""Browser: the bell in the navbar (SPEC §5) at 1280 px and on a 390-px phone — the unread
count, the list, «Прочитано» — and the settings page from the user menu. Screenshots go to
JOURNAL_TEST_ARTIFACTS (default var/test-artifacts)."""
import os
from datetime import date
from pathlib import Path

import pytest
from flask_appbuilder.security.sqla.models import User

from app.services.journal.marks import save_cells
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.journal_helpers import add_lesson, change
from tests.live_server import browser_login

pytestmark = pytest.mark.layout_only  # the same on either database

ARTIFACTS = Path(os.environ.get("JOURNAL_TEST_ARTIFACTS", "var/test-artifacts"))
TODAY = date(2025, 10, 15)


@pytest.fixture()
def marked(app, college, db, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    c = college
    for pair, value in ((1, "5"), (2, "2")):
        lesson = add_lesson(db, c.journal_a_op, TODAY, pair=pair)
        save_cells(db.session.get(User, c.teacher1.id), c.journal_a_op,
                   [change(lesson, c.student1, marks=[value])], TODAY)
        db.session.commit()
    return c


@pytest.mark.browser
def test_bell_on_desktop(marked, db, live_server, browser):
    page = browser_login(browser, live_server, "student1", PASSWORD)
    bell = page.locator("a.bell-desktop")
    assert bell.is_visible() and not page.locator("a.bell-phone").is_visible()
    assert bell.locator(".notification-count").inner_text() == "2"
    bell.click()
    page.wait_for_load_state()
    items = page.locator("#notifications li.notification")
    assert items.count() == 2 and "Оценка 2" in items.first.inner_text()  # newest first
    items.first.locator("button.mark-read").click()
    page.wait_for_load_state()
    assert page.locator("a.bell-desktop .notification-count").inner_text() == "1"
    page.click("#read-all")
    page.wait_for_load_state()
    assert page.locator("a.bell-desktop .notification-count").count() == 0
    page.click("a.dropdown-toggle:has(.fa-user)")
    page.click("text=Настройки уведомлений")
    page.wait_for_load_state()
    assert page.locator("#kinds").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notifications-desktop.png"), full_page=True)


@pytest.mark.browser
def test_bell_fits_a_phone(marked, db, live_server, playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ru-RU", is_mobile=True, has_touch=True)
    context.set_default_timeout(10000)
    try:
        page = browser_login(context, live_server, "parent1", PASSWORD)
        bell = page.locator("a.bell-phone")  # beside the menu button, the menu folded
        assert bell.is_visible() and not page.locator("a.bell-desktop").is_visible()
        assert bell.locator(".notification-count").inner_text() == "2"
        bell.click()
        page.wait_for_load_state()
        assert "Смирнов А.И.: Оценка 5" in page.inner_text("#notifications")
        for url in ("/notifications/", "/notifications/settings"):
            page.goto(live_server + url)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, (url, width)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "notifications-phone.png"), full_page=True)
    finally:
        context.close()
