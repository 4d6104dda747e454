"""Blocking an account asks first and says what will be lost (5.2): IT's «Подтвердить» shows
the account, the effect on its sessions and on the parents, and blocks only on «Заблокировать»;
rejecting and unblocking take one click."""
import os
from datetime import date
from pathlib import Path

import pytest

from app.models import BlockRequest
from app.services.college import contingent
from tests.factories import PASSWORD
from tests.live_server import browser_login

ARTIFACTS = Path(os.environ.get("JOURNAL_TEST_ARTIFACTS", "var/test-artifacts"))


def _request_for(college, db, kind):
    """The curator records an order for student1; the blocking request it creates."""
    contingent.record_status_change(college.curator1, college.student1.id, kind, "41-к",
                                    date(2025, 10, 1))
    db.session.commit()
    return db.session.query(BlockRequest).filter_by(status="pending").one()


def _status(db, request_id):
    db.session.expire_all()
    return db.session.get(BlockRequest, request_id).status


def _account(college, db):
    db.session.expire_all()
    return db.session.get(type(college.users["student1"]), college.users["student1"].id)


def test_confirm_without_sure_shows_what_is_lost_and_blocks_nothing(college, db, login):
    req = _request_for(college, db, "expulsion")
    it = login("it")
    for resp in (it.post(f"/it/request/{req.id}", data={"confirm": "1"}),
                 it.get(f"/it/request/{req.id}")):
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200
        assert "Заблокировать" in page and college.student1.full_name in page
        assert "student1" in page and "Студент" in page and college.group_a.name in page
        assert "больше не сможет войти" in page and "токены" in page
        assert "покидает колледж" in page and "41-к" in page
    assert _account(college, db).active is True
    assert _status(db, req.id) == "pending"
    assert it.post(f"/it/request/{req.id}", data={"confirm": "1", "sure": "1"}).status_code == 302
    assert _account(college, db).active is False
    assert _status(db, req.id) == "confirmed"


def test_academic_leave_page_says_parents_keep_access(college, db, login):
    req = _request_for(college, db, "academic_leave")
    page = login("it").post(f"/it/request/{req.id}", data={"confirm": "1"}).get_data(
        as_text=True)
    assert "по-прежнему видят" in page and "покидает колледж" not in page
    assert "Родителей в карточке студента: 1" in page


def test_reject_takes_one_step(college, db, login):
    req = _request_for(college, db, "expulsion")
    assert login("it").post(f"/it/request/{req.id}", data={"confirm": "0"}).status_code == 302
    assert _status(db, req.id) == "rejected"
    assert _account(college, db).active is True


def test_unblock_takes_one_step(college, db, login):
    req = _request_for(college, db, "expulsion")
    contingent.decide(college.users["it"], req.id, True)
    db.session.commit()
    assert _account(college, db).active is False
    unblock = _request_for(college, db, "restoration")
    assert unblock.action == "unblock"
    assert login("it").post(f"/it/request/{unblock.id}", data={"confirm": "1"}).status_code \
        == 302
    assert _account(college, db).active is True


def test_only_it_sees_the_page_and_a_decided_request_is_refused(college, db, login):
    req = _request_for(college, db, "expulsion")
    curator = login("curator1").get(f"/it/request/{req.id}")
    assert "Заблокировать" not in curator.get_data(as_text=True)
    it = login("it")
    it.post(f"/it/request/{req.id}", data={"confirm": "0"})
    again = it.post(f"/it/request/{req.id}", data={"confirm": "1"})
    assert again.status_code == 422 and "уже рассмотрена" in again.get_data(as_text=True)
    assert it.get("/it/request/999999").status_code == 404
    assert _account(college, db).active is True


def test_curator_form_says_a_blocking_request_goes_to_it(college, db, login):
    page = login("curator1").get("/curator/status").get_data(as_text=True)
    assert "заявку на блокировку" in page and "отдел ИТ" in page


@pytest.mark.browser
def test_it_confirms_blocking_in_the_browser(college, db, live_server, browser):
    req = _request_for(college, db, "expulsion")
    page = browser_login(browser, live_server, "it", PASSWORD)
    page.goto(f"{live_server}/it/")
    page.click(f'#block-requests form[action$="/it/request/{req.id}"] button[value="1"]')
    page.wait_for_selector("#block-confirmation")
    assert college.student1.full_name in page.inner_text("#block-confirmation")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "block-confirm.png"))
    page.click("#block-cancel")
    page.wait_for_selector("#block-requests")
    assert _account(college, db).active is True
    page.click(f'#block-requests form[action$="/it/request/{req.id}"] button[value="1"]')
    page.click("#block-confirm")
    page.wait_for_selector("#block-requests")
    assert "Заявка рассмотрена" in page.inner_text("body")
    assert _account(college, db).active is False
