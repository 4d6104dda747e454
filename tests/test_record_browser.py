"""Browser: the student's diary (2.2, 3.6, 5.4) on a desktop and on a phone (390×844): the student
sees their marks, not another student's; the page is no wider than the phone's screen, the
period grid scrolls inside its own box with the discipline names fixed; a click on a mark opens
the wrong-mark form. Screenshots go to JOURNAL_TEST_ARTIFACTS (default var/test-artifacts)."""
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.a11y_helpers import assert_fits_the_screen, scrolls_inside
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login
from tests.portal_helpers import add_cell, add_lesson, fixed_today, seed_record  # noqa: F401

pytestmark = pytest.mark.layout_only  # the same on either database

ARTIFACTS = Path(os.environ.get("JOURNAL_TEST_ARTIFACTS", "var/test-artifacts"))


def _shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _busy_autumn(db, c):
    """Marks on many September–October days: a grid wider than a phone."""
    day = date(2025, 9, 1)
    for n in range(24):
        while day.weekday() > 4:
            day += timedelta(days=1)
        journal = (c.journal_a_op, c.journal_a_mdk1)[n % 2]
        lesson = add_lesson(db, journal, day, 2 + n % 2)
        add_cell(db, lesson, c.student1, [("5", "4", "3")[n % 3]], absent=n % 7 == 0)
        day += timedelta(days=1)
    db.session.commit()


@pytest.mark.browser
def test_student_sees_marks_not_others(college, db, fixed_today,  # noqa: F811
                                       live_server, browser):
    c = seed_record(db, college)
    page = browser_login(browser, live_server, "student1", PASSWORD)
    page.click("text=Успеваемость")
    page.wait_for_load_state()
    assert f"/portal/student/{c.student1.id}" in page.url
    table = page.inner_text("#record-current")
    assert "ОП.01" in table and "5 4" in table and "Н" in table
    assert "болезнь" in page.inner_text("#record-absences")
    assert "Прочитать главу 3" in page.inner_text("#record-homework")
    _shot(page, "diary-desktop.png")
    answer = page.goto(f"{live_server}/portal/student/{c.student3.id}")
    assert answer.status == 403
    assert "Нет доступа" in page.inner_text("body")
    assert "Михайлов" not in page.content()
    answer = page.goto(f"{live_server}/api/v1/students/{c.student3.id}/record")
    assert answer.status == 403


@pytest.mark.browser
def test_diary_fits_a_phone_and_the_grid_scrolls_in_its_box(college, db, fixed_today,  # noqa: F811
                                                             live_server, playwright_browser):
    c = seed_record(db, college)
    _busy_autumn(db, c)
    context = playwright_browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ru-RU", is_mobile=True, has_touch=True)
    context.set_default_timeout(10000)
    try:
        page = browser_login(context, live_server, "student1", PASSWORD)
        page.goto(f"{live_server}/portal/student/{c.student1.id}")
        assert_fits_the_screen(page)
        box = page.locator("#record-grid-box")
        assert scrolls_inside(box)  # the wide grid scrolls inside its box
        _shot(page, "diary-phone.png")
        name = page.locator("#record-current tbody th.rec-disc").first
        box.evaluate("b => { b.scrollLeft = 0; }")
        left_before = name.bounding_box()["x"]
        box.evaluate("b => { b.scrollLeft = 300; }")
        assert box.evaluate("b => b.scrollLeft") > 0
        assert abs(name.bounding_box()["x"] - left_before) < 1  # discipline names stay fixed
        assert page.evaluate("getComputedStyle(document.querySelector("
                             "'#record-current tbody th.rec-disc')).position") == "sticky"
        # a click on a mark opens the compact wrong-mark form, no page of «ошибка?» lines
        assert "ошибка?" not in page.content()
        page.locator("#record-current a.rec-mark").first.click()
        dialog = page.locator("#rec-report")
        assert dialog.is_visible()
        assert dialog.bounding_box()["width"] <= 390
        page.fill("#rec-report-text", "Отметка 5, а не 4")
        _shot(page, "diary-phone-report.png")
        page.click("#rec-report button[type=submit]")
        page.wait_for_load_state()
        assert "Сообщение об ошибке в оценке отправлено" in page.inner_text("body")
    finally:
        context.close()
