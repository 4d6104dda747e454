"""Attendance in the grid (4.5), in a real browser: the first «Н» of a column shows «✓» under
its date, a «Н» with a mark is refused before it is sent, and a lesson with nobody absent is
taken from the keyboard with the button under its date."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import JournalCell, Lesson
from tests.factories import PASSWORD
from tests.journal_helpers import TODAY, add_lesson, today  # noqa: F401
from tests.live_server import browser_login

pytestmark = pytest.mark.browser


def test_attendance_is_taken_in_the_grid(college, db, live_server, browser, today):
    earlier = add_lesson(db, college.journal_a_op, TODAY - timedelta(days=1), topic="Введение")
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    page = browser_login(browser, live_server, "teacher1", PASSWORD)
    page.goto(f"{live_server}/journal/{college.journal_a_op.id}/")
    page.wait_for_selector("td.jg-cell.jg-active")
    column = f'th.jg-lesson[data-lesson="{lesson.id}"]'
    assert page.text_content(f"{column} .jg-att-take") == "Отметить"
    # «н» (the key Y of the ЙЦУКЕН layout), then a mark in the same cell: refused at once
    page.keyboard.press("KeyY")
    page.keyboard.type("5")
    page.wait_for_selector("#jg-hint:not([hidden])")
    assert "не может быть «Н» и отметки" in page.text_content("#jg-hint")
    page.wait_for_selector(f"{column} .jg-att-done")
    assert page.text_content("td.jg-active") == "Н"
    assert page.get_attribute(f"{column} .jg-att-done", "aria-label").startswith(
        "Посещаемость отмечена")
    # the earlier lesson, nobody absent: its button, reached and pressed from the keyboard
    button = f'th.jg-lesson[data-lesson="{earlier.id}"] button.jg-att-take'
    page.focus(button)
    page.keyboard.press("Enter")
    page.wait_for_selector(f'th.jg-lesson[data-lesson="{earlier.id}"] .jg-att-done')
    assert "Посещаемость отмечена" in page.text_content("#jg-status")
    db.session.expire_all()
    assert [db.session.get(Lesson, x.id).attendance_taken for x in (earlier, lesson)] == [
        True, True]
    cells = db.session.scalars(select(JournalCell).where(
        JournalCell.lesson_id == lesson.id)).all()
    assert [(c.absent, [m.value for m in c.marks]) for c in cells] == [(True, [])]
