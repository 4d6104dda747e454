"""Memo to the deputy (3.4): generated from the check, inbox, status sent→received→acted."""
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from app.models import Memo
from app.services.control import completeness as cc, memos
from tests.reports_helpers import entry, lesson


@pytest.fixture()
def week(app, college, db, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-20")
    entry(college.autumn, college.journal_a_op, 0, 1)
    lesson(college.journal_a_mdk2, date(2025, 10, 14), 2, late=True)
    db.session.commit()


def test_memo_flow(college, db, week, login):
    c1 = login("curator1")
    resp = c1.post("/curator/memo", data={"group": college.group_a.id, "week": "2025-10-15"})
    assert resp.status_code == 302
    memo = db.session.query(Memo).one()
    assert memo.week_start == date(2025, 10, 13) and memo.status == "sent"
    # only the deputy moves a memo on: the curator's attempt changes nothing
    c1.post(f"/deputy/memo/{memo.id}", data={"status": "received"})
    db.session.expire_all()
    assert db.session.get(Memo, memo.id).status == "sent"
    assert "Петрова Анна" in memo.body and "13.10.2025, 1 пара: пара по расписанию не записана" \
        in memo.body
    assert "Сидоров Олег" in memo.body and "занятие внесено с опозданием" in memo.body
    deputy = login("deputy")
    inbox = deputy.get("/deputy/memos").get_data(as_text=True)
    assert "ИС-24-1" in inbox
    assert deputy.get(f"/curator/memo/{memo.id}").status_code == 200
    assert login("curator2").get(f"/curator/memo/{memo.id}").status_code == 403
    deputy.post(f"/deputy/memo/{memo.id}", data={"status": "received"})
    db.session.expire_all()
    assert db.session.get(Memo, memo.id).status == "received"
    deputy.post(f"/deputy/memo/{memo.id}", data={"status": "acted", "note": "Беседа"})
    db.session.expire_all()
    done = db.session.get(Memo, memo.id)
    assert done.status == "acted" and done.deputy_note == "Беседа"
    assert "приняты меры" in c1.get(f"/curator/memo/{memo.id}").get_data(as_text=True)
    with pytest.raises(cc.BadInput):
        memos.set_status(college.users["deputy"], memo.id, "received")
    with pytest.raises(cc.Forbidden):  # the service refuses a curator on its own, too
        memos.set_status(college.users["curator1"], memo.id, "acted")


def test_no_memo_for_clean_week(college, db, week):
    with pytest.raises(cc.BadInput):
        memos.create_memo(college.curator1, college.group_a.id, date(2025, 8, 25))
    with pytest.raises(cc.Forbidden):
        memos.create_memo(college.curator2, college.group_a.id, date(2025, 10, 13))


def test_one_memo_per_group_and_week(college, db, week, login):
    """3.4: a second attempt for the same week writes nothing and shows the memo already sent;
    the database refuses a second row too."""
    first = memos.create_memo(college.curator1, college.group_a.id, date(2025, 10, 13))
    db.session.commit()
    again, created = memos.send_memo(college.curator1, college.group_a.id, date(2025, 10, 16))
    assert again.id == first.id and created is False
    c1 = login("curator1")
    resp = c1.post("/curator/memo", data={"group": college.group_a.id, "week": "2025-10-14"})
    assert resp.status_code == 302 and resp.location.endswith(f"/curator/memo/{first.id}")
    assert db.session.query(Memo).count() == 1
    page = c1.get(f"/curator/group/{college.group_a.id}?week=2025-10-13").get_data(as_text=True)
    assert 'id="week-memo"' in page and "Составить служебную записку" not in page
    assert "отправлена" in page and ">sent<" not in page
    db.session.add(Memo(group_id=college.group_a.id, curator_id=college.curator1.id,
                        week_start=date(2025, 10, 13), body="копия", status="sent"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
