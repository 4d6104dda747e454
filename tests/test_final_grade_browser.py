"""4.7 in the grid: a final grade refused after the deadline does not stay in the cell — the
previous value comes back and the refusal is shown."""
import pytest

from app.models import FinalGrade
from tests.factories import PASSWORD
from tests.live_server import browser_login

pytestmark = pytest.mark.browser


def test_refused_final_grade_is_not_left_in_the_cell(app, college, db, live_server, browser,
                                                     monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2026-01-20")  # autumn deadline 15.01
    page = browser_login(browser, live_server, "teacher1", PASSWORD)
    page.goto(f"{live_server}/journal/{college.journal_a_op.id}/")
    cell = f'td.jg-final[data-p="{college.autumn.id}"]'
    page.wait_for_selector(cell)
    before = page.text_content(cell)
    page.click(cell)
    page.keyboard.type("5")
    page.wait_for_selector("#jg-status.jg-err")
    assert page.text_content(cell) == before  # not the refused «5»
    assert page.text_content("#jg-status").strip()  # the server's reason is shown
    assert db.session.query(FinalGrade).count() == 0
