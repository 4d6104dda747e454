"""The grid in a real browser: keyboard entry persists, a conflict is shown, the lesson form
refuses tomorrow."""
from datetime import timedelta

import pytest

from tests.factories import PASSWORD
from tests.journal_helpers import TODAY, add_lesson, today  # noqa: F401
from tests.live_server import browser_login

pytestmark = pytest.mark.browser


def test_keyboard_entry_persists_and_conflict_is_shown(college, db, live_server, browser,
                                                       today):
    from app.services.marks import save_cells
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


def test_lesson_form_refuses_tomorrow(college, live_server, browser, today):
    page = browser_login(browser, live_server, "teacher1", PASSWORD)
    page.goto(f"{live_server}/journal/{college.journal_a_op.id}/lesson/")
    page.fill("#lesson_date", (TODAY + timedelta(days=1)).isoformat())
    page.click("#lesson-save")
    page.wait_for_selector("#lesson-error")
    assert "будущей" in page.text_content("#lesson-error")
