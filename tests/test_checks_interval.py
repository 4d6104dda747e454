"""7.2 (3.5): the deputy checks every journal at least monthly — a journal checked 30 days ago
is still in time, one checked 31 days ago is listed as not checked for a month."""
from datetime import date

import pytest

from app.services.control import checks as control

TODAY = date(2025, 11, 20)


@pytest.fixture()
def checked(college, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    deputy = college.users["deputy"]
    control.add_check(deputy, college.journal_a_op.id, date(2025, 10, 21), "замечаний нет",
                      None)  # 30 days before today
    control.add_check(deputy, college.journal_a_mdk1.id, date(2025, 10, 20), "замечаний нет",
                      None)  # 31 days before today
    db.session.commit()
    return college


def test_thirty_days_is_in_time_and_the_thirty_first_is_flagged(checked):
    c = checked
    rows = {r["journal"].id: r["last_check"] for r in control.unchecked_journals(TODAY)}
    assert c.journal_a_op.id not in rows
    assert rows[c.journal_a_mdk1.id] == date(2025, 10, 20)
    # the next day the first one is due as well
    assert c.journal_a_op.id in {r["journal"].id for r in control.unchecked_journals(
        date(2025, 11, 21))}


def test_the_deputys_page_lists_the_same(checked, login):
    c = checked
    page = login("deputy").get("/deputy/?all=1").get_data(as_text=True)
    unchecked = page.split('id="unchecked"')[1].split("</table>")[0]
    assert c.journal_a_mdk1.title in unchecked and "20.10.2025" in unchecked
    assert c.journal_a_op.title not in unchecked
