"""Curator's week: completeness check on a constructed week, reason correction keeps «Н»,
row rights (a curator of group A never sees group B)."""
from datetime import date

import pytest

from app.models import AuditLog, CellChange, JournalCell
from app.services import completeness as cc
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
    assert check["counts"] == {"missing": 1, "late": 1, "no_topic": 1, "no_attendance": 1}


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
