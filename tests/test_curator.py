"""Curator's week: completeness check on a constructed week, reason correction keeps «Н»,
row rights (a curator of group A never sees group B)."""
from datetime import date

import pytest

from app.models import AuditLog, CellChange, JournalCell
from app.services.control import completeness as cc
from tests.factories import PASSWORD
from tests.live_server import browser_login
from tests.reports_helpers import cell, entry, lesson

MON = date(2025, 10, 13)


@pytest.fixture()
def week(app, college, db, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-17")
    j = college.journal_a_op
    entry(college.autumn, j, 0, 1)  # Mon: recorded, fine
    entry(college.autumn, j, 1, 1)  # Tue: recorded late, no topic
    entry(college.autumn, j, 2, 1)  # Wed: missing
    entry(college.autumn, j, 4, 1)  # Fri = today: not missing yet
    fine = lesson(j, MON, 1)
    lesson(j, date(2025, 10, 14), 1, topic="", late=True, attendance=False)
    absence = cell(fine, college.student1, absent=True)
    db.session.commit()
    return absence


def test_week_check(college, db, week):
    check = cc.week_check(college.group_a, date(2025, 10, 15))
    kinds = sorted((i["kind"], i["date"].day) for i in check["issues"])
    assert kinds == [("late", 14), ("missing", 15), ("no_attendance", 14), ("no_topic", 14)]
    assert check["counts"] == {"missing": 1, "late": 1, "no_topic": 1, "no_attendance": 1,
                               "no_homework": 0}


def test_reason_keeps_absence(college, db, week):
    cc.correct_reason(college.curator1, week.id, "illness")
    db.session.commit()
    stored = db.session.get(JournalCell, week.id)
    assert stored.absent is True and stored.absence_reason == "illness"
    hist = db.session.query(CellChange).one()
    assert hist.old_value == "Н" and hist.new_value == "Н (болезнь)" and hist.is_correction
    assert db.session.query(AuditLog).filter_by(action="cell_change").count() == 1
    with pytest.raises(cc.BadInput):
        cc.correct_reason(college.curator1, week.id, "nonsense")
    with pytest.raises(cc.Forbidden):
        cc.correct_reason(college.curator2, week.id, "excused")


def test_reason_only_for_an_absence(college, db, week):
    present = cell(week.lesson, college.student2, marks=["5"])
    db.session.commit()
    with pytest.raises(cc.BadInput) as refused:
        cc.correct_reason(college.curator1, present.id, "excused")
    assert "нет «Н»" in str(refused.value)
    db.session.rollback()
    stored = db.session.get(JournalCell, present.id)
    assert stored.absent is False and not stored.absence_reason
    assert db.session.query(CellChange).count() == 0


def test_pages_and_rights(college, db, week, login):
    c1 = login("curator1")
    page = c1.get(f"/curator/group/{college.group_a.id}?week=2025-10-13")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "пара по расписанию не записана" in text
    assert c1.get(f"/curator/group/{college.group_b.id}").status_code == 403
    assert c1.post("/curator/reason", data={"cell": week.id, "reason": "excused"}).status_code \
        == 302
    db.session.expire_all()
    assert db.session.get(JournalCell, week.id).absence_reason == "excused"
    c2 = login("curator2")
    assert c2.post("/curator/reason", data={"cell": week.id, "reason": "illness"}).status_code \
        == 403
    assert c2.get(f"/curator/credentials/{college.group_a.id}").status_code == 403
    assert login("teacher1").get(f"/curator/group/{college.group_a.id}").status_code in (302,
                                                                                         403)
    assert c1.get("/curator/group/99999").status_code == 404


def test_week_reasons_in_one_save(college, db, week, login):
    """5.2: the week's reasons in one form and one save: all stored, each with its history and
    audit entry; one refused row saves none."""
    tue = lesson(college.journal_a_op, date(2025, 10, 15), 2)
    second = cell(tue, college.student1, absent=True)
    third = cell(tue, college.a_students[2], absent=True)
    db.session.commit()
    c1 = login("curator1")
    page = c1.get(f"/curator/group/{college.group_a.id}?week=2025-10-13").get_data(as_text=True)
    assert page.count('id="reasons-form"') == 1 and page.count(">Сохранить причины<") == 1
    assert all(f'name="reason-{c.id}"' in page for c in (week, second, third))
    answer = c1.post("/curator/reasons", data={
        "group": college.group_a.id, "week": "2025-10-13", f"reason-{week.id}": "illness",
        f"reason-{second.id}": "excused", f"reason-{third.id}": ""}, follow_redirects=True)
    assert answer.status_code == 200 and "Причины пропусков сохранены: 2" in answer.get_data(
        as_text=True)
    db.session.expire_all()
    stored = {c.id: (c.absent, c.absence_reason) for c in db.session.query(JournalCell)}
    assert stored[week.id] == (True, "illness") and stored[second.id] == (True, "excused")
    assert stored[third.id] == (True, "")  # left «не указана»: unchanged
    assert sorted(h.new_value for h in db.session.query(CellChange)) == [
        "Н (болезнь)", "Н (уважительная)"]
    assert db.session.query(AuditLog).filter_by(action="cell_change").count() == 2
    # one bad row: nothing of this save is stored
    answer = c1.post("/curator/reasons", data={
        "group": college.group_a.id, "week": "2025-10-13", f"reason-{third.id}": "unexcused",
        f"reason-{week.id}": "nonsense"}, follow_redirects=True)
    assert answer.status_code == 200 and "Выберите причину" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(JournalCell, third.id).absence_reason == ""
    assert db.session.query(CellChange).count() == 2
    # another curator's cells are refused whole
    assert login("curator2").post("/curator/reasons", data={
        "group": college.group_a.id, f"reason-{third.id}": "illness"}).status_code == 403
    assert login("curator2").post("/curator/reasons", data={
        "group": college.group_b.id, f"reason-{third.id}": "illness"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(JournalCell, third.id).absence_reason == ""


def test_browser_week_reasons_one_save(college, db, week, live_server, browser):
    """In the browser: the curator picks the reasons of the week's absences and saves once."""
    other = cell(lesson(college.journal_a_op, date(2025, 10, 15), 2), college.student1,
                 absent=True)
    db.session.commit()
    page = browser_login(browser, live_server, "curator1", PASSWORD)
    page.goto(f"{live_server}/curator/group/{college.group_a.id}?week=2025-10-13")
    page.select_option(f"select[name=reason-{week.id}]", "illness")
    page.select_option(f"select[name=reason-{other.id}]", "unexcused")
    page.click("#reasons-form button[type=submit]")
    page.wait_for_load_state()
    assert "Причины пропусков сохранены: 2" in page.content()
    assert page.eval_on_selector(f"select[name=reason-{other.id}]", "e => e.value") == \
        "unexcused"
    db.session.expire_all()
    assert {db.session.get(JournalCell, week.id).absence_reason,
            db.session.get(JournalCell, other.id).absence_reason} == {"illness", "unexcused"}
    assert db.session.query(CellChange).count() == 2


@pytest.mark.parametrize("days, last", [(6, "18.10.2025"), (7, "19.10.2025")])
def test_one_study_week_everywhere(app, college, db, week, login, monkeypatch, days, last):
    """27: the curator's week, the student's diary week and the weekly report to parents end
    on the same day, set once (STUDY_WEEK_DAYS: Monday–Saturday or Monday–Sunday)."""
    monkeypatch.setitem(app.config, "STUDY_WEEK_DAYS", days)
    page = login("curator1").get(f"/curator/group/{college.group_a.id}?week=2025-10-15")
    assert f"13.10.2025 – {last}" in page.get_data(as_text=True)
    diary = login("student1").get(f"/api/v1/students/{college.student1.id}/record")
    week = diary.get_json()["result"]["week"]
    assert len(week["days"]) == days
    assert week["saturday"] == "2025-10-" + last[:2]
    assert cc.week_check(college.group_a, date(2025, 10, 15))["end"] == date(2025, 10,
                                                                             int(last[:2]))


def test_names_in_staff_lists_lead_to_the_diary(app, college, db, week, login):
    """27: from a group's lists a name opens the student's diary for the roles that read
    diaries; the diary itself still checks the row."""
    diary = f"/portal/student/{college.student1.id}"
    page = login("curator1").get(f"/curator/group/{college.group_a.id}?week=2025-10-13")
    absences = page.get_data(as_text=True).split('id="week-absences"')[1]
    assert f'href="{diary}"' in absences
    for username in ("deputy", "director"):
        client = login(username)
        html = client.get(f"/attendance/{college.group_a.id}").get_data(as_text=True)
        assert f'href="{diary}"' in html, username
        assert client.get(diary).status_code == 200
