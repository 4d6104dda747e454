"""The grid in a real browser: keyboard entry persists, a conflict is shown, the lesson form
refuses tomorrow."""
import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.journal_helpers import TODAY, add_lesson, today  # noqa: F401
from tests.live_server import browser_login

pytestmark = pytest.mark.browser
ARTIFACTS = Path(os.environ.get("JOURNAL_TEST_ARTIFACTS", "var/test-artifacts"))


def test_keyboard_entry_persists_and_conflict_is_shown(college, db, live_server, browser,
                                                       today):
    from app.services.journal.marks import save_cells
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    jid = college.journal_a_op.id
    page = browser_login(browser, live_server, "teacher1", PASSWORD)
    page.goto(f"{live_server}/journal/{jid}/")
    page.wait_for_selector("td.jg-cell.jg-active")
    page.keyboard.type("5")
    page.keyboard.press("ArrowDown")
    # «н»: the key Y of the ЙЦУКЕН layout (headless chromium types Cyrillic as text input)
    page.keyboard.press("KeyY")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("43")
    page.wait_for_selector("#jg-status.jg-ok")
    page.wait_for_function("!document.querySelector('td.jg-pending')")
    page.reload()
    page.wait_for_selector("td.jg-cell.jg-active")
    texts = page.eval_on_selector_all(f'td.jg-cell[data-l="{lesson.id}"]',
                                      "els => els.map(e => e.textContent)")
    assert texts[:3] == ["5", "Н", "4 3"]
    # Somebody else changes the first cell behind the open page: the next write conflicts.
    first_id = int(page.get_attribute(f'td.jg-cell[data-l="{lesson.id}"]', "data-s"))
    save_cells(college.teacher1, college.journal_a_op,
               [{"lesson_id": lesson.id, "student_id": first_id, "version": 1,
                 "marks": ["2"]}], TODAY)
    db.session.commit()
    page.click(f'td.jg-cell[data-l="{lesson.id}"][data-s="{first_id}"]')
    page.keyboard.type("4")
    page.wait_for_selector("td.jg-conflict")
    assert page.text_content("td.jg-conflict") == "2"
    assert "изменил другой" in page.text_content("#jg-status")


def test_lesson_form_refuses_tomorrow(college, db, live_server, browser, today):
    """4.6: the date picker offers no future day (max = the college's today); the server
    refuses one too (tests/test_journal_pages.py)."""
    from sqlalchemy import func, select

    from app.models import Lesson
    page = browser_login(browser, live_server, "teacher1", PASSWORD)
    page.goto(f"{live_server}/journal/{college.journal_a_op.id}/lesson/")
    assert page.get_attribute("#lesson_date", "max") == TODAY.isoformat()
    page.fill("#lesson_date", (TODAY + timedelta(days=1)).isoformat())
    assert page.evaluate("document.getElementById('lesson_date').validity.rangeOverflow")
    page.click("#lesson-save")
    assert "/lesson/" in page.url
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0


def _autumn_lessons(db, journal):
    """A lesson on every weekday from 1 September to TODAY: a grid wider than the screen."""
    lessons, day = [], TODAY.replace(month=9, day=1)
    while day <= TODAY:
        if day.weekday() < 5:
            lessons.append(add_lesson(db, journal, day, topic=f"Тема {day:%d.%m}"))
        day += timedelta(days=1)
    return lessons


def _visible_in_grid(page, selector):
    """The element lies inside the grid's box, right of the fixed student-name column."""
    return page.evaluate("""sel => {
        const el = document.querySelector(sel), root = document.getElementById('jg-root');
        const name = document.querySelector('#jg-table thead th.jg-name');
        const r = el.getBoundingClientRect(), box = root.getBoundingClientRect();
        const nameRight = name.getBoundingClientRect().right;
        return r.left >= nameRight - 1 && r.right <= box.right + 1 && r.right <= innerWidth;
    }""", selector)


def test_grid_opens_on_todays_lesson(college, db, live_server, playwright_browser, today):
    lessons = _autumn_lessons(db, college.journal_a_op)
    assert len(lessons) > 30 and lessons[-1].lesson_date == TODAY
    context = playwright_browser.new_context(viewport={"width": 1366, "height": 900},
                                             locale="ru-RU")
    try:
        page = browser_login(context, live_server, "teacher1", PASSWORD)
        page.goto(f"{live_server}/journal/{college.journal_a_op.id}/")
        page.wait_for_selector("td.jg-cell.jg-active")
        assert page.evaluate("document.getElementById('jg-root').scrollLeft") > 0
        assert page.get_attribute("td.jg-active", "data-l") == str(lessons[-1].id)
        assert _visible_in_grid(page, f'th.jg-lesson[data-lesson="{lessons[-1].id}"]')
        assert not _visible_in_grid(page, f'th.jg-lesson[data-lesson="{lessons[0].id}"]')
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "grid-today.png"))
    finally:
        context.close()


def test_grid_focuses_the_lesson_just_recorded(college, db, live_server, playwright_browser,
                                               today):
    from sqlalchemy import select

    from app.models import Lesson
    _autumn_lessons(db, college.journal_a_op)
    context = playwright_browser.new_context(viewport={"width": 1366, "height": 900},
                                             locale="ru-RU")
    try:
        page = browser_login(context, live_server, "teacher1", PASSWORD)
        page.goto(f"{live_server}/journal/{college.journal_a_op.id}/lesson/")
        page.fill("#lesson_date", "2025-09-10")
        page.fill("#pair_number", "4")
        page.select_option("#off_timetable_reason", "extra")  # no timetable here (1.7)
        page.click("#lesson-save")
        page.wait_for_selector("td.jg-cell.jg-active")
        lesson = db.session.scalar(select(Lesson).where(Lesson.pair_number == 4))
        assert f"lesson={lesson.id}" in page.url
        assert page.get_attribute("td.jg-active", "data-l") == str(lesson.id)
        assert _visible_in_grid(page, f'th.jg-lesson[data-lesson="{lesson.id}"]')
    finally:
        context.close()


def test_refused_key_shows_a_hint_and_changes_nothing(college, db, live_server, browser, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    page = browser_login(browser, live_server, "teacher1", PASSWORD)
    page.goto(f"{live_server}/journal/{college.journal_a_op.id}/")
    page.wait_for_selector("td.jg-cell.jg-active")
    page.keyboard.type("7")
    page.wait_for_selector("#jg-hint:not([hidden])")
    assert "от 2 до 5" in page.text_content("#jg-hint")
    page.keyboard.type("b")
    assert "Допустимо" in page.text_content("#jg-hint")
    assert page.text_content("td.jg-active") == ""
    assert page.query_selector("td.jg-pending") is None
    box, cell = (page.locator(s).bounding_box() for s in ("#jg-hint", "td.jg-active"))
    assert abs(box["y"] - (cell["y"] + cell["height"])) < 10 and abs(box["x"] - cell["x"]) < 10
    page.keyboard.type("5")  # an accepted key still works
    page.wait_for_selector("#jg-status.jg-ok")
    assert page.text_content(f'td.jg-cell[data-l="{lesson.id}"]') == "5"


@pytest.mark.parametrize("username", ["curator1", "director", "deputy"])
def test_read_only_view_has_no_write_buttons(college, db, live_server, browser, today,
                                             username):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    page = browser_login(browser, live_server, username, PASSWORD)
    page.goto(f"{live_server}/journal/{college.journal_a_op.id}/")
    page.wait_for_selector("td.jg-cell.jg-active")
    for selector in ("#jg-new-lesson", "#jg-keypad", "#jg-work-kind", ".jg-key",
                     ".jg-att-take"):
        assert page.query_selector(selector) is None, selector
    assert page.is_visible("#jg-readonly")
    if username != "deputy":  # the deputy opens a lesson to delete it with a reason (1.6)
        assert page.query_selector("th.jg-lesson a") is None
    page.keyboard.type("5")
    page.wait_for_selector("#jg-hint:not([hidden])")
    assert "Только просмотр" in page.text_content("#jg-hint")
    assert page.text_content(f'td.jg-cell[data-l="{lesson.id}"]') == ""


def test_deleting_a_lesson_asks_first_and_says_what_is_lost(college, db, live_server, browser,
                                                            today):
    from app.services.journal.marks import save_cells
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Ошибочная запись")
    save_cells(college.teacher1, college.journal_a_op,
               [{"lesson_id": lesson.id, "student_id": college.student1.id, "version": 0,
                 "marks": ["5"], "absent": False},
                {"lesson_id": lesson.id, "student_id": college.student2.id, "version": 0,
                 "marks": [], "absent": True}], TODAY)
    db.session.commit()
    page = browser_login(browser, live_server, "teacher1", PASSWORD)
    page.goto(f"{live_server}/journal/{college.journal_a_op.id}/lesson/{lesson.id}/")
    page.click("#lesson-delete")
    loss = page.text_content("#lesson-delete-loss")
    assert "отметок — 1" in loss and "пропусков «Н» — 1" in loss
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson-delete.png"))
    page.click("#lesson-delete-form a.btn-default")
    page.wait_for_selector("#lesson-form")
    page.click("#lesson-delete")
    page.click("#lesson-delete-confirm")
    page.wait_for_selector("#jg-root")
    assert "Занятие удалено" in page.inner_text("body")
    page.wait_for_selector("#jg-table")
    assert page.query_selector(f'th.jg-lesson[data-lesson="{lesson.id}"]') is None
