"""Browser: the reports on users' work (6.1, 6.2) and the lists behind their figures fit a
390-px phone and a 1280-px screen — the page never wider than the screen, every wide table
scrolling inside its own box. Screenshots go to JOURNAL_TEST_ARTIFACTS."""
import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login
from tests.test_reports_users_work import curators_case  # noqa: F401

pytestmark = pytest.mark.layout_only  # the same on either database

ARTIFACTS = Path(os.environ.get("JOURNAL_TEST_ARTIFACTS", "var/test-artifacts"))
# each table wider than its box scrolls inside it: the box's own overflow, never the page's
BOXED = """() => Array.from(document.querySelectorAll('table')).filter(t =>
    t.getBoundingClientRect().width > t.parentElement.clientWidth + 1 &&
    !(t.parentElement.classList.contains('table-responsive') &&
      getComputedStyle(t.parentElement).overflowX === 'auto')).map(t => t.id)"""


def _urls(c) -> list[str]:
    return [f"/reports/council/?period={c.autumn.id}", f"/reports/council/?year={c.year.id}",
            "/reports/activity?start=2025-09-01&end=2025-12-31",
            f"/reports/council/rows?figure=checks_missing&period={c.autumn.id}",
            f"/reports/council/rows?figure=reasons&period={c.autumn.id}",
            "/reports/council/rows?figure=family&start=2025-09-01&end=2025-12-31"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_reports_on_users_work_fit_the_screen(curators_case, db, live_server,  # noqa: F811
                                              playwright_browser, width):
    c = curators_case
    context = playwright_browser.new_context(viewport={"width": width, "height": 900},
                                             locale="ru-RU", is_mobile=width < 500,
                                             has_touch=width < 500)
    context.set_default_timeout(10000)
    try:
        page = browser_login(context, live_server, "deputy", PASSWORD)
        for url in _urls(c):
            page.goto(live_server + url)
            page.wait_for_load_state()
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll <= width, (url, scroll)
            assert page.evaluate(BOXED) == [], url
        page.goto(live_server + _urls(c)[0])
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"council-users-work-{width}.png"), full_page=True)
        page.click("#curators-table a[data-figure=checks_late]")
        page.wait_for_load_state()
        assert "08.09.2025" in page.inner_text("#rows-table")
    finally:
        context.close()
