"""Status change → block request → IT confirms → the account cannot log in; restoration →
unblock request → can log in again (5.2)."""
from datetime import date

import pytest

from app.models import AuditLog, BlockRequest, Student, StudentStatusChange
from app.services.college import contingent
from app.services.control import completeness as cc
from tests.factories import PASSWORD, login_client


def _login_status(app, username):
    return app.test_client().post("/login/", data={"username": username,
                                                   "password": PASSWORD})


def test_round_trip(app, college, db, login):
    student_client = login("student1")
    record_url = f"/api/v1/students/{college.student1.id}/record"
    assert student_client.get(record_url).status_code == 200
    c1 = login("curator1")
    resp = c1.post("/curator/status", data={
        "student": college.student1.id, "kind": "academic_leave", "order_number": "15-к",
        "order_date": "2025-10-01"})
    assert resp.status_code == 302
    req = db.session.query(BlockRequest).one()
    assert req.action == "block" and req.status == "pending"
    assert db.session.query(StudentStatusChange).one().order_number == "15-к"
    assert "15-к" in c1.get("/curator/status").get_data(as_text=True)
    it = login("it")
    assert "15-к" in it.get("/it/").get_data(as_text=True)
    assert it.post(f"/it/request/{req.id}", data={"confirm": "1", "sure": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(college.users["student1"]), college.users["student1"].id)\
        .active is False
    assert "/login" in _login_status(app, "student1").headers.get("Location", "/login")
    # the session opened before the block no longer reads the record (the route exists: it
    # answered 200 before the block)
    blocked = student_client.get(record_url, headers={"Accept": "application/json"})
    assert blocked.status_code in (401, 403) and "result" not in (blocked.get_json() or {})
    c1.post("/curator/status", data={"student": college.student1.id, "kind": "restoration",
                                     "order_number": "20-к", "order_date": "2025-11-01"})
    req2 = db.session.query(BlockRequest).filter_by(status="pending").one()
    assert req2.action == "unblock"
    it.post(f"/it/request/{req2.id}", data={"confirm": "1"})
    login_client(app, "student1")
    actions = [a for (a,) in db.session.query(AuditLog.action)]
    assert "account_block" in actions and "account_unblock" in actions


def test_rules(college, db):
    with pytest.raises(cc.Forbidden):
        contingent.record_status_change(college.curator2, college.student1.id, "expulsion",
                                        "1", date(2025, 10, 1))
    with pytest.raises(cc.BadInput):
        contingent.record_status_change(college.curator1, college.student1.id, "expulsion",
                                        "", None)
    with pytest.raises(cc.BadInput):
        contingent.record_status_change(college.curator1, college.student1.id, "restoration",
                                        "1", date(2025, 10, 1))
    contingent.record_status_change(college.curator1, college.student1.id, "expulsion", "2",
                                    date(2025, 10, 1))
    assert db.session.get(Student, college.student1.id).status == "expelled"
    req = db.session.query(BlockRequest).one()
    with pytest.raises(cc.Forbidden):
        contingent.decide(college.curator1, req.id, True)
    assert contingent.requests_for(college.curator2) == []


def test_order_entered_on_the_administration_screen_is_applied(college, db, login):
    """5.2: an order entered on the contingent screen has the same effect as the curator's
    form — new status, membership closed, a blocking request for IT; an order that does not
    fit the student's status is refused and changes nothing."""
    from sqlalchemy import func, select

    from app.models import BlockRequest, GroupMembership, Student, StudentStatusChange
    director = login("director")
    refused = director.post("/studentstatuschangeview/add", data={
        "student": college.student2.id, "kind": "restoration", "order_number": "7-к",
        "order_date": "2025-11-01", "effective_date": "2025-11-01"}, follow_redirects=True)
    assert "невозможно" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StudentStatusChange)) == 0
    r = director.post("/studentstatuschangeview/add", data={
        "student": college.student2.id, "kind": "expulsion", "order_number": "9-к",
        "order_date": "2025-11-01", "effective_date": "2025-11-02", "note": ""})
    assert r.status_code == 302
    db.session.expire_all()
    student = db.session.get(Student, college.student2.id)
    change = db.session.scalar(select(StudentStatusChange))
    assert (student.status, change.old_status, change.new_status) == (
        "expelled", "studying", "expelled")
    assert all(m.end_date is not None for m in db.session.scalars(
        select(GroupMembership).where(GroupMembership.student_id == student.id)))
    if student.user_id:
        request = db.session.scalar(select(BlockRequest).where(
            BlockRequest.student_id == student.id))
        assert (request.action, request.status, request.status_change_id) == (
            "block", "pending", change.id)
    assert director.get(f"/studentstatuschangeview/edit/{change.id}").status_code in (302, 403)
