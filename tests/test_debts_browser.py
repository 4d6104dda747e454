"""4.7 in the browser: the deputy opens the register of debts, schedules a retake for a debt
from it (its date, start time and place) and opens the printable retake sheet."""
from datetime import time

import pytest
from sqlalchemy import select

from app.models.debts import Retake
from tests.factories import PASSWORD
from tests.live_server import browser_login
from tests.test_debts import closed, debt_of  # noqa: F401

pytestmark = pytest.mark.browser


def test_deputy_schedules_a_retake_and_prints_the_sheet(closed, db, live_server,  # noqa: F811
                                                       browser):
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    page = browser_login(browser, live_server, "deputy", PASSWORD)
    page.goto(f"{live_server}/debts/")
    row = f'#debts tr[data-debt="{debt.id}"]'
    page.wait_for_selector(row)
    assert "Смирнов" in page.text_content(row)
    assert page.text_content("#debts-by-group").count("ИС-24-1") == 1
    page.check(f'{row} input[name="debt"]')
    page.fill('input[name="date"]', "2026-02-02")
    page.fill('input[name="time"]', "14:00")
    page.fill('input[name="place"]', "ауд. 214")
    page.select_option('select[name="examiner"]', str(c.teacher1.id))
    page.click("#schedule-submit")
    page.wait_for_selector("#retake-entries")
    retake = db.session.scalar(select(Retake))
    assert retake is not None and [e.debt_id for e in retake.entries] == [debt.id]
    assert retake.starts_at == time(14, 0)
    assert f"/debts/retake/{retake.id}" in page.url
    page.goto(live_server + page.get_attribute("#print-sheet", "href"))
    text = page.text_content("body")
    assert f"Ведомость пересдачи № П-{retake.id}" in text
    for expected in ("ОП.01 Операционные системы", "ИС-24-1", "02.02.2026", "Начало в 14:00",
                     "ауд. 214",
                     "Смирнов Артём Игоревич", "Петрова Анна (экзаменатор)",
                     "Заместитель директора по УР"):
        assert expected in text
    assert page.locator("p.sign").count() == 2  # the examiner's and the deputy's signatures
