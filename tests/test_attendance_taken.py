"""Attendance taken only when the teacher says so (4.5): a mark alone leaves a lesson "без
посещаемости"; the grid's button (the lesson's API with `attendance_taken: true`), the flag on
a new lesson and the first «Н» take it, each in the audit log; «Н» and a mark in one cell are
refused, and the whole batch with them."""
import json

from sqlalchemy import func, select

from app.models import AuditLog, CellChange, JournalCell, Lesson
from app.services.control.completeness import week_check
from tests.journal_helpers import EXTRA, TODAY, add_lesson, change, today  # noqa: F401

ABSENT_AND_MARK = ("В одной клетке не может быть «Н» и отметки: отработку отмечают на "
                   "занятии, где она была.")


def _taken(db, lesson) -> bool:
    db.session.expire_all()
    return db.session.get(Lesson, lesson.id).attendance_taken


def _takings(db, lesson) -> list[str]:
    """How each audited taking of the lesson's attendance came about ("lesson", "absence")."""
    db.session.expire_all()
    return [json.loads(e.details)["way"] for e in db.session.scalars(
        select(AuditLog).where(AuditLog.action == "attendance_take",
                               AuditLog.object_id == str(lesson.id)).order_by(AuditLog.id))]


def _unattended(college) -> list[int]:
    """The lessons the curator's weekly check lists "без посещаемости" (3.3)."""
    return [i["lesson_id"] for i in week_check(college.group_a, TODAY, now=TODAY)["issues"]
            if i["kind"] == "no_attendance"]


def _marks_url(college) -> str:
    return f"/api/v1/journals/{college.journal_a_op.id}/marks"


def test_a_mark_alone_leaves_attendance_untaken(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    r = login("teacher1").put(_marks_url(college), json={"changes": [
        change(lesson, s, marks=["5"]) for s in college.a_students]})
    assert r.status_code == 200, r.get_json()
    assert _taken(db, lesson) is False and _takings(db, lesson) == []
    # the curator's weekly check still says so (3.3)
    assert _unattended(college) == [lesson.id]


def test_the_first_absence_takes_attendance(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    c = login("teacher1")
    s1, s2, s3 = college.a_students[:3]
    r = c.put(_marks_url(college), json={"changes": [change(lesson, s1, marks=["4"]),
                                                     change(lesson, s2, absent=True)]})
    assert r.status_code == 200, r.get_json()
    assert _taken(db, lesson) is True and _takings(db, lesson) == ["absence"]
    # the next «Н» of the lesson takes nothing more
    assert c.put(_marks_url(college), json={"changes": [
        change(lesson, s3, absent=True)]}).status_code == 200
    assert _takings(db, lesson) == ["absence"]
    assert _unattended(college) == []


def test_the_button_takes_attendance_of_a_lesson_with_nobody_absent(college, login, db, today):
    """The grid's button sends `{"attendance_taken": true}` to the lesson (4.5)."""
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons/{lesson.id}"
    assert login("teacher2").put(url, json={"attendance_taken": True}).status_code == 403
    assert login("curator1").put(url, json={"attendance_taken": True}).status_code == 403
    assert _taken(db, lesson) is False
    c = login("teacher1")
    r = c.put(url, json={"attendance_taken": True})
    assert r.status_code == 200 and r.get_json()["result"]["attendance_taken"] is True
    assert _taken(db, lesson) is True and _takings(db, lesson) == ["lesson"]
    # taken once: again, or "false", changes nothing and logs nothing
    assert c.put(url, json={"attendance_taken": True}).status_code == 200
    assert c.put(url, json={"attendance_taken": False}).status_code == 200
    assert _taken(db, lesson) is True and _takings(db, lesson) == ["lesson"]


def test_a_new_lesson_taken_by_its_flag_is_audited(college, login, db, today):
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons"
    r = c.post(url, json={**EXTRA, "lesson_date": TODAY.isoformat(), "pair_number": 1,
                          "topic_id": college.topics[0].id, "attendance_taken": True})
    assert r.status_code == 201 and r.get_json()["result"]["attendance_taken"] is True
    taken = db.session.get(Lesson, r.get_json()["result"]["id"])
    assert _takings(db, taken) == ["lesson"]
    r = c.post(url, json={**EXTRA, "lesson_date": TODAY.isoformat(), "pair_number": 2,
                          "topic_id": college.topics[1].id})
    untaken = db.session.get(Lesson, r.get_json()["result"]["id"])
    assert _taken(db, untaken) is False and _takings(db, untaken) == []


def test_the_lesson_form_takes_attendance(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    r = login("teacher1").post(
        f"/journal/{college.journal_a_op.id}/lesson/{lesson.id}/",
        data={**EXTRA, "lesson_date": TODAY.isoformat(), "pair_number": "1", "hours": "2",
              "topic_id": str(college.topics[0].id), "attendance_taken": "1"})
    assert r.status_code == 302
    assert _taken(db, lesson) is True and _takings(db, lesson) == ["lesson"]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "attendance_take"))
    assert entry.username == "teacher1"


def test_absence_and_mark_in_one_cell_are_refused_with_the_whole_batch(college, login, db,
                                                                       today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    s1, s2 = college.a_students[:2]
    c = login("teacher1")
    r = c.put(_marks_url(college), json={"changes": [change(lesson, s1, marks=["5"]),
                                                     change(lesson, s2, marks=["4"],
                                                            absent=True)]})
    assert r.status_code == 422 and r.get_json()["message"] == ABSENT_AND_MARK
    db.session.expire_all()
    for table in (JournalCell, CellChange):
        assert db.session.scalar(select(func.count()).select_from(table)) == 0
    assert _taken(db, lesson) is False and _takings(db, lesson) == []
    # a stored «Н» gets no mark beside it either: the cell stays as it was
    assert c.put(_marks_url(college), json={"changes": [
        change(lesson, s2, absent=True)]}).status_code == 200
    r = c.put(_marks_url(college), json={"changes": [change(lesson, s2, version=1,
                                                            marks=["зач"], absent=True)]})
    assert r.status_code == 422
    db.session.expire_all()
    cell = db.session.scalar(select(JournalCell).where(JournalCell.student_id == s2.id))
    assert (cell.absent, [m.value for m in cell.marks], cell.version) == (True, [], 1)
