"""Browser: the programme completion report (2.2) fits a 390-px phone — the page is no wider
than the screen and the wide table scrolls inside its own box; the topics not yet given
unfold in their cell."""
import pytest

from tests.a11y_helpers import assert_fits_the_screen, scrolls_inside
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login
from tests.test_programme import _case

pytestmark = pytest.mark.layout_only  # the same on either database


@pytest.mark.browser
def test_programme_report_fits_a_phone(college, db, live_server, playwright_browser):
    _case(college, db)
    context = playwright_browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ru-RU", is_mobile=True, has_touch=True)
    context.set_default_timeout(10000)
    try:
        page = browser_login(context, live_server, "deputy", PASSWORD)
        page.goto(f"{live_server}/programme/")
        assert_fits_the_screen(page)
        # the table scrolls inside its box
        assert scrolls_inside(page.locator("#programme-table").locator("xpath=.."))
        row = page.locator(f'#programme-table tr[data-journal="{college.journal_a_op.id}"]')
        row.first.locator("summary").click()
        assert row.first.locator("ol.programme-topics li").first.is_visible()
    finally:
        context.close()
