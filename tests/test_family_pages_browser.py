"""Browser, 390-px phone (issue 27): the report card, the weekly reports received and the
teacher's own week are no wider than the screen after real use; the report card's table
scrolls inside its box with the discipline names fixed."""
from datetime import date

import pytest

from app.models import WeeklyReportDelivery
from app.services.journal import timetable as tt
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login
from tests.portal_helpers import fixed_today, seed_record  # noqa: F401
from tests.reports_helpers import entry

pytestmark = pytest.mark.layout_only  # the same on either database

FITS = """() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,
                  screen: window.innerWidth})"""


def _phone(playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ru-RU", is_mobile=True, has_touch=True)
    context.set_default_timeout(10000)
    return context


def _fits(page, url):
    answer = page.goto(url)
    assert answer.status == 200, url
    widths = page.evaluate(FITS)
    assert widths["doc"] <= widths["screen"] and widths["body"] <= widths["screen"], (url, widths)


@pytest.mark.browser
def test_the_family_and_teacher_pages_fit_a_phone(college, db, fixed_today,  # noqa: F811
                                                  live_server, playwright_browser):
    c = seed_record(db, college)
    body = "\n".join(["Здравствуйте!", "", "Оценки:"] + [
        f"  13.10.2025 МДК.01.01 Разработка программных модулей — очень длинная строка {n}: 5"
        for n in range(20)])
    for week in (date(2025, 10, 6), date(2025, 10, 13)):
        db.session.add(WeeklyReportDelivery(
            student_id=c.student1.id, week_start=week, recipient_email="parent1@mail.test",
            status="sent", subject="Еженедельный отчёт: Смирнов А.И., группа ИС-24-1",
            body=body))
    entry(c.autumn, c.journal_a_op, 0, 2, "каб. 7")
    entry(c.autumn, c.journal_b_op, 1, 3, "каб. 9")
    tt.add_change(c.group_b, date(2025, 10, 14), 3, c.journal_b_op, False, "каб. 9", c.teacher1)
    db.session.commit()
    context = _phone(playwright_browser)
    try:
        page = browser_login(context, live_server, "parent1", PASSWORD)
        _fits(page, f"{live_server}/portal/student/{c.student1.id}/report-card")
        box = page.locator("#report-card .rec-scroll")
        assert page.evaluate("getComputedStyle(document.querySelector("
                             "'#report-card-table tbody th.rc-disc')).position") == "sticky"
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the figures scroll
        _fits(page, f"{live_server}/portal/weekly-reports")
        assert "очень длинная строка 19" in page.inner_text("#weekly-received")
        _fits(page, f"{live_server}/")
    finally:
        context.close()
    context = _phone(playwright_browser)
    try:
        teacher = browser_login(context, live_server, "teacher1", PASSWORD)
        _fits(teacher, f"{live_server}/timetable/mine?week=2025-10-14")
        assert "вместо:" in teacher.inner_text("#my-timetable")
    finally:
        context.close()
