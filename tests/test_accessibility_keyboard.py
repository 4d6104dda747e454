"""Keyboard alone (SPEC §8, WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7): the teacher logs in, passes the
menus by the link past them, opens a menu and moves through it, fills a lesson's marks in the
journal grid, opens a cell's history as a dialog and closes it, leaves the grid and comes back
— never touching the mouse, and whatever has the focus shows it."""
import pytest

from app.models import JournalCell, Mark
from tests.a11y_helpers import focus_is_visible
from tests.factories import PASSWORD
from tests.journal_helpers import TODAY, add_lesson, today  # noqa: F401

pytestmark = pytest.mark.browser
ACTIVE = "() => document.activeElement"


def _tab_to(page, test: str, limit: int = 40) -> None:
    """Press Tab until the focused element satisfies the JS predicate `test`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({test}); }}"):
            return
    raise AssertionError(f"Tab never reached {test}")


def _focused(page, test: str) -> bool:
    return page.evaluate(f"() => {{ const el = document.activeElement; return !!({test}); }}")


def test_a_teacher_fills_a_lessons_marks_by_keyboard_alone(college, db, live_server, browser,
                                                          today):  # noqa: F811
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    page = browser.new_page()
    page.goto(f"{live_server}/login/")
    _tab_to(page, "el.name === 'username'")
    focus_is_visible(page)
    page.keyboard.type("teacher1")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#main-content")

    # the first Tab shows the link past the menus; it leads to the page's content
    page.keyboard.press("Tab")
    assert _focused(page, "el.classList.contains('skip-link')")
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().top >= 0")
    focus_is_visible(page)
    page.keyboard.press("Enter")
    assert _focused(page, "el.id === 'main-content'")

    # a menu opens with Enter, its items are reached with the arrows, Esc closes it
    page.keyboard.press("Shift+Tab")
    _tab_to(page, "el.classList.contains('dropdown-toggle') && "
                  "el.closest('.navbar-nav:not(.navbar-right)')")
    focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_selector(".navbar-nav .dropdown.open .dropdown-menu")
    page.keyboard.press("ArrowDown")
    assert _focused(page, "el.closest('.dropdown-menu') && el.tagName === 'A'")
    focus_is_visible(page)
    page.keyboard.press("Escape")
    assert page.locator(".navbar-nav .dropdown.open").count() == 0
    assert _focused(page, "el.classList.contains('dropdown-toggle')")

    # the journal: Tab from the page's buttons reaches the grid's cell; marks by keys alone
    page.goto(f"{live_server}/journal/{college.journal_a_op.id}/")
    page.wait_for_selector("td.jg-cell.jg-active")
    page.keyboard.press("Escape")  # out of the grid, onto the buttons above it
    assert _focused(page, "el.closest('.jg-actions, .jg-keypad')")
    focus_is_visible(page)
    _tab_to(page, "el.classList.contains('jg-cell')")
    focus_is_visible(page)
    first = f'td.jg-cell[data-l="{lesson.id}"]'
    assert _focused(page, f"el.matches('{first}')")
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.keyboard.press("KeyY")  # «н»: the key Y of the ЙЦУКЕН layout
    page.keyboard.press("Enter")
    page.keyboard.type("4")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")

    # the cell's history is a dialog: the focus goes into it and comes back on Esc
    page.keyboard.press("?")
    page.wait_for_selector("#jg-history:not([hidden])")
    assert _focused(page, "el.id === 'jg-history-close'")
    focus_is_visible(page)
    page.keyboard.press("Escape")
    assert page.is_hidden("#jg-history")
    assert _focused(page, f"el.matches('{first}')")

    page.wait_for_selector("#jg-status.jg-ok")
    page.wait_for_function("!document.querySelector('td.jg-pending')")
    texts = page.eval_on_selector_all(first, "els => els.map(e => e.textContent)")
    assert texts[:3] == ["5", "Н", "4"]
    order = [int(s) for s in page.eval_on_selector_all(first, "els => els.map(e => e.dataset.s)")]
    db.session.expire_all()
    cells = {c.student_id: c for c in db.session.query(JournalCell).filter_by(lesson_id=lesson.id)}
    assert cells[order[1]].absent
    assert [[m.value for m in db.session.query(Mark).filter_by(cell_id=cells[s].id)]
            for s in (order[0], order[2])] == [["5"], ["4"]]
