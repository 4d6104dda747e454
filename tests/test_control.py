"""Deputy's control (3.5, 7.2): check records, journals not checked for a month, deadlines."""
from datetime import date

import pytest

from app.models import ControlCheck, Period
from app.services.control import checks as control, completeness as cc
from app.views import deputy as view


@pytest.fixture()
def fixed_day(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-11-20")


def test_unchecked_list(college, db, fixed_day):
    deputy = college.users["deputy"]
    control.add_check(deputy, college.journal_a_op.id, date(2025, 11, 1), "нет тем", None)
    control.add_check(deputy, college.journal_a_mdk1.id, date(2025, 10, 1), "замечаний нет",
                      None)
    ids = [r["journal"].id for r in control.unchecked_journals()]
    assert college.journal_a_op.id not in ids  # checked 19 days ago
    assert college.journal_a_mdk1.id in ids and college.journal_b_op.id in ids
    assert len(ids) == 4
    with pytest.raises(cc.BadInput):
        control.add_check(deputy, college.journal_a_op.id, date(2025, 12, 1), "", None)
    with pytest.raises(cc.BadInput):
        control.add_check(deputy, college.journal_a_op.id, date(2025, 11, 10), "",
                          date(2025, 11, 1))


def test_pages(college, db, login, fixed_day):
    deputy = login("deputy")
    assert deputy.post("/deputy/check", data={
        "journal": college.journal_b_op.id, "check_date": "2025-11-19",
        "findings": "Не заполнены темы", "fix_deadline": "2025-11-30"}).status_code == 302
    check = db.session.query(ControlCheck).one()
    assert check.findings == "Не заполнены темы" and check.fixed is False
    deputy.post(f"/deputy/check/{check.id}", data={"findings": "Исправлено",
                                                  "fix_deadline": "2025-11-30", "fixed": "1"})
    db.session.expire_all()
    assert db.session.get(ControlCheck, check.id).fixed is True
    page = deputy.get("/deputy/").get_data(as_text=True)
    assert "Исправлено" in page and "не проверялся" in page
    deputy.post("/deputy/deadline", data={"period": college.autumn.id, "deadline": "2026-01-20",
                                          "order_number": "33-у", "order_date": "2025-12-25"})
    db.session.expire_all()
    period = db.session.get(Period, college.autumn.id)
    assert period.final_grade_deadline == date(2026, 1, 20)
    assert period.deadline_order_number == "33-у"
    for user in ("curator1", "teacher1", "it"):
        assert login(user).get("/deputy/").status_code in (302, 403)


def test_empty_check_is_refused(college, db, login, fixed_day):
    """3.5: a check records its result; no findings text — nothing is saved, a Russian word why."""
    deputy = college.users["deputy"]
    for blank in ("", "   \n "):
        with pytest.raises(cc.BadInput):
            control.add_check(deputy, college.journal_a_op.id, date(2025, 11, 19), blank, None)
    page = login("deputy")
    answer = page.post("/deputy/check", data={"journal": college.journal_a_op.id,
                                              "check_date": "2025-11-19", "findings": "  "},
                       follow_redirects=True)
    assert answer.status_code == 200 and "Запишите результат проверки" in answer.get_data(
        as_text=True)
    assert db.session.query(ControlCheck).count() == 0
    check = control.add_check(deputy, college.journal_a_op.id, date(2025, 11, 19), "ок", None)
    db.session.commit()
    page.post(f"/deputy/check/{check.id}", data={"findings": "", "fixed": "1"})
    db.session.expire_all()
    kept = db.session.get(ControlCheck, check.id)
    assert kept.findings == "ок" and kept.fixed is False


def test_page_opens_with_form_and_short_list(college, db, login, fixed_day, monkeypatch):
    """The form comes before the lists; the unchecked list is short, the rest behind a link;
    the history of checks is paged."""
    monkeypatch.setattr(view, "SHORT_LIST", 2)
    monkeypatch.setattr(view, "CHECKS_PER_PAGE", 1)
    inspector = college.users["deputy"]
    for day in (1, 2):
        control.add_check(inspector, college.journal_b_op.id, date(2025, 9, day),
                          f"замечание {day}", None)
    db.session.commit()
    client = login("deputy")
    page = client.get("/deputy/").get_data(as_text=True)
    assert page.index('id="new-check"') < page.index('id="unchecked"')
    rows = page.split('id="unchecked"')[1].split("</table>")[0].count("<tr>")
    assert rows == 1 + 2  # header + the short list
    assert 'id="unchecked-all"' in page and "Показать все (5)" in page
    assert "замечание 2" in page and "замечание 1" not in page  # newest first, one per page
    assert "замечание 1" in client.get("/deputy/?page=2").get_data(as_text=True)
    full = client.get("/deputy/?all=1").get_data(as_text=True)
    assert full.split('id="unchecked"')[1].split("</table>")[0].count("<tr>") == 1 + 5
    assert client.get("/deputy/?page=abc").status_code == 200
