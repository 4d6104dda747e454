"""`GET /api/v1/students/<id>/practice` (issue 15, 2.2): Bearer tokens, the same row rules as
the pages; a mentor only their student, in the window, with name and group only; reads by a
mentor are in the audit log."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditLog
from app.services import practice as svc
from tests.factories import PASSWORD
from tests.practice_helpers import END, TODAY, pc, practice_day, set_today  # noqa: F401


def _token(client, username):
    answer = client.post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["access_token"]


def _get(client, token, student_id):
    return client.get(f"/api/v1/students/{student_id}/practice",
                      headers={"Authorization": f"Bearer {token}"})


@pytest.fixture()
def api(app, pc):
    client = app.test_client()

    def call(username, student_id):
        return _get(client, _token(client, username), student_id)
    return call


def _with_entry(pc, db):
    entry = svc.write_entry(pc.users["student1"], pc.placements["student1"].id,
                            TODAY - timedelta(days=1), "Собрал стенд", 6)
    db.session.commit()
    svc.review_entry(pc.mentor1, entry.id, "return", "Уточните, какой стенд.")
    db.session.commit()
    return entry


def test_who_reads_the_practice_of_a_student(api, pc, db):
    _with_entry(pc, db)
    sid = pc.student1.id
    for username in ("student1", "parent1", "curator1", "teacher1", "deputy", "director",
                     "mentor1"):
        answer = api(username, sid)
        assert answer.status_code == 200, (username, answer.get_json())
        (placement,) = answer.get_json()["result"]["placements"]
        assert placement["organisation"]["name"] == "ООО «Софтлайн»"
        assert placement["entries"][0]["mentor_comment"] == "Уточните, какой стенд."
        assert placement["entries"][0]["date"] == (TODAY - timedelta(days=1)).isoformat()
    for username in ("student2", "curator2", "teacher2", "mentor2"):
        answer = api(username, sid)
        assert answer.status_code == 403, username
        assert "Нет доступа к практике" in answer.get_json()["message"]
    assert api("it", sid).status_code == 403                   # IT has no grant at all
    assert api("parent2", pc.student2.id).status_code == 403   # of age


def test_mentor_gets_name_and_group_only_and_no_grade(api, pc, db):
    _with_entry(pc, db)
    answer = api("mentor1", pc.student1.id).get_json()["result"]
    assert answer["student"] == {"id": pc.student1.id, "full_name": pc.student1.full_name,
                                 "group": "ИС-24-1"}
    assert "grade" not in answer["placements"][0]
    body = repr(answer)
    for private in (pc.student1.record_book_number, "birth", "email", "2009-03-15"):
        assert private not in body
    assert "grade" in api("teacher1", pc.student1.id).get_json()["result"]["placements"][0]


def test_mentor_read_is_audited(api, pc, db):
    assert api("mentor1", pc.student1.id).status_code == 200
    db.session.expire_all()
    entries = db.session.scalars(select(AuditLog).where(
        AuditLog.user_id == pc.mentor1.id, AuditLog.action == "view")).all()
    assert [(e.object_type, e.object_id) for e in entries] == [
        ("practice_placement", str(pc.placements["student1"].id))]


def test_mentor_after_the_window_gets_403(api, pc, app):
    assert api("mentor1", pc.student1.id).status_code == 200
    set_today(app, END + timedelta(days=app.config["MENTOR_CLOSING_DAYS"] + 1))
    assert api("mentor1", pc.student1.id).status_code == 403


def test_mentor_gets_403_on_the_other_apis(api, pc, app):
    client = app.test_client()
    token = _token(client, "mentor1")
    for url in (f"/api/v1/students/{pc.student1.id}/record",
                f"/api/v1/students/{pc.student1.id}/debts",
                f"/api/v1/journals/{pc.journal_a_pp.id}"):
        answer = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code in (403, 404), (url, answer.status_code)
        assert answer.status_code != 200
    teacher = _token(client, "curator1")
    assert client.get(f"/api/v1/students/{pc.student1.id}/record", headers={
        "Authorization": f"Bearer {teacher}"}).status_code == 200


def test_unknown_student_404_and_no_token_401(api, pc, app):
    assert api("deputy", 999999).status_code == 404
    assert app.test_client().get(f"/api/v1/students/{pc.student1.id}/practice").status_code \
        == 401


def test_student_without_placement_sees_an_empty_list(api, pc):
    answer = api("student3", pc.student3.id)
    assert answer.status_code == 200
    assert answer.get_json()["result"]["placements"] == []
