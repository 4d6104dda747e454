"""Deleting a lesson (1.6): it asks first and says what will be lost; a lesson holding marks or
absences is deleted by its teacher on the lesson's day only, afterwards by the deputy with a
reason; the cells' history stays in the database and the audit log keeps what they held."""
import json
from datetime import timedelta

from sqlalchemy import func, select

from tests.journal_helpers import TODAY, add_lesson, change, today  # noqa: F401


def _fill(login, college, lesson):
    r = login("teacher1").put(f"/api/v1/journals/{college.journal_a_op.id}/marks",
                              json={"changes": [change(lesson, college.student1, marks=["5", "4"]),
                                                change(lesson, college.student2, absent=True)]})
    assert r.status_code == 200


def _url(college, lesson):
    return f"/journal/{college.journal_a_op.id}/lesson/{lesson.id}/delete"


def _live(db, lesson_id):
    from app.models import Lesson
    db.session.expire_all()
    return db.session.scalar(select(Lesson).where(Lesson.id == lesson_id))


def test_teacher_deletes_an_empty_lesson_any_day(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY - timedelta(days=20), topic="Пустое")
    c = login("teacher1")
    page = c.get(_url(college, lesson)).get_data(as_text=True)
    assert "В занятии нет отметок и пропусков." in page and 'name="reason"' not in page
    assert _live(db, lesson.id) is not None  # opening the confirmation deletes nothing
    assert c.post(_url(college, lesson)).status_code == 302
    assert _live(db, lesson.id) is None


def test_confirmation_counts_marks_and_absences(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="С отметками")
    _fill(login, college, lesson)
    page = login("teacher1").get(_url(college, lesson)).get_data(as_text=True)
    assert "отметок — 2" in page and "пропусков «Н» — 1" in page
    form = page.split('id="lesson-delete-form"')[1].split("</form>")[0]
    assert college.student1.last_name in page and "Отмена" in form and "Cancel" not in form
    # the lesson form's button only leads to this page
    r = login("teacher1").post(f"/journal/{college.journal_a_op.id}/lesson/{lesson.id}/",
                               data={"action": "delete"})
    assert r.status_code == 302 and _live(db, lesson.id) is not None


def test_teacher_deletes_a_lesson_with_marks_on_its_day(college, login, db, today):
    from app.models import AuditLog, CellChange, JournalCell, Lesson, Mark
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Ошибочная запись")
    _fill(login, college, lesson)
    history_before = db.session.scalar(select(func.count()).select_from(CellChange))
    assert history_before == 2
    assert login("teacher1").post(_url(college, lesson)).status_code == 302
    assert _live(db, lesson.id) is None
    for model in (JournalCell, Mark):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    # the row and its history stay; the clearing of each cell is added to the history
    kept = db.session.scalar(select(Lesson).where(Lesson.id == lesson.id)
                             .execution_options(include_deleted_lessons=True))
    assert kept is not None and kept.deleted_at is not None
    assert kept.deleted_by_id == college.teacher1.id
    history = db.session.scalars(select(CellChange).where(CellChange.lesson_id == lesson.id)
                                 .order_by(CellChange.id)).all()
    assert len(history) == 4
    assert {(h.old_value, h.new_value) for h in history[2:]} == {("5 4", ""), ("Н", "")}
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "lesson_delete"))
    details = json.loads(entry.details)
    assert details["cells"] == {str(college.student1.id): "5 4", str(college.student2.id): "Н"}
    assert details["marks"] == 2 and details["absences"] == 1
    # the grid no longer shows it, and the same slot can be recorded again
    grid = login("teacher1").get(f"/api/v1/journals/{college.journal_a_op.id}/grid").get_json()
    assert all(item["id"] != lesson.id for item in grid["lessons"])
    r = login("teacher1").post(f"/api/v1/journals/{college.journal_a_op.id}/lessons",
                               json={"lesson_date": TODAY.isoformat(), "pair_number": 1,
                                     "off_timetable_reason": "extra"})
    assert r.status_code == 201


def test_teacher_is_refused_the_next_day(college, login, db, app, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Вчерашнее")
    _fill(login, college, lesson)
    app.config["JOURNAL_TODAY"] = (TODAY + timedelta(days=1)).isoformat()
    c = login("teacher1")
    r = c.get(_url(college, lesson))
    assert r.status_code == 403
    assert "только в день занятия" in r.get_data(as_text=True)
    r = c.post(_url(college, lesson))
    assert r.status_code == 403 and _live(db, lesson.id) is not None
    r = c.delete(f"/api/v1/journals/{college.journal_a_op.id}/lessons/{lesson.id}")
    assert r.status_code == 403 and "заместитель директора" in r.get_json()["message"]
    assert _live(db, lesson.id) is not None


def test_deputy_deletes_with_a_reason_and_history_is_kept(college, login, db, app, today):
    from app.models import AuditLog, CellChange
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Не та группа")
    _fill(login, college, lesson)
    app.config["JOURNAL_TODAY"] = (TODAY + timedelta(days=3)).isoformat()
    c = login("deputy")
    page = c.get(_url(college, lesson)).get_data(as_text=True)
    assert 'name="reason"' in page and "отметок — 2" in page
    r = c.post(_url(college, lesson), data={"reason": "  "})
    assert r.status_code == 400 and "Укажите причину" in r.get_data(as_text=True)
    r = c.delete(f"/api/v1/journals/{college.journal_a_op.id}/lessons/{lesson.id}")
    assert r.status_code == 400 and "причину" in r.get_json()["message"]
    assert _live(db, lesson.id) is not None
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "lesson_delete")) == 0
    r = c.post(_url(college, lesson), data={"reason": "Занятие записано не в тот журнал"})
    assert r.status_code == 302 and _live(db, lesson.id) is None
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "lesson_delete"))
    details = json.loads(entry.details)
    assert entry.user_id == college.deputy.id
    assert details["reason"] == "Занятие записано не в тот журнал" and details["by"] == "deputy"
    assert details["cells"] == {str(college.student1.id): "5 4", str(college.student2.id): "Н"}
    history = db.session.scalars(select(CellChange).where(CellChange.lesson_id == lesson.id)
                                 .order_by(CellChange.id)).all()
    assert len(history) == 4 and all(h.is_correction for h in history[2:])


def test_deputy_deletes_through_the_api_with_a_reason(college, login, db, app, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Дубль")
    _fill(login, college, lesson)
    app.config["JOURNAL_TODAY"] = (TODAY + timedelta(days=1)).isoformat()
    r = login("deputy").delete(f"/api/v1/journals/{college.journal_a_op.id}/lessons/{lesson.id}",
                               json={"reason": "Дубль занятия"})
    assert r.status_code == 200 and _live(db, lesson.id) is None


def test_other_teacher_and_curator_cannot_delete(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY - timedelta(days=2))
    assert login("teacher2").post(_url(college, lesson)).status_code == 403
    assert login("curator1").post(_url(college, lesson)).status_code == 403
    assert _live(db, lesson.id) is not None


def test_a_wrong_mark_report_outlives_its_deleted_lesson(college, login, db, today):
    """A report about a mark still names its lesson after the lesson was deleted."""
    from app.models import IssueReport
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="С жалобой")
    _fill(login, college, lesson)
    student = login("student1")
    assert student.post("/portal/report/mark", data={
        "student_id": college.student1.id, "lesson_id": lesson.id,
        "text": "Должно быть 5 5"}).status_code == 302
    assert login("teacher1").post(_url(college, lesson)).status_code == 302
    report = db.session.scalar(select(IssueReport))
    page = login("teacher1").get(f"/portal/reports/{report.id}")
    assert page.status_code == 200 and "занятие удалено" in page.get_data(as_text=True)
    assert "5 4" in page.get_data(as_text=True)  # the history of the mark stays readable
    for client, url in ((student, "/portal/reports"), (login("teacher1"), "/"),
                        (student, f"/portal/student/{college.student1.id}")):
        answer = client.get(url)
        assert answer.status_code == 200, url
    assert "занятие удалено" in student.get("/portal/reports").get_data(as_text=True)


def test_a_deleted_lesson_leaves_the_students_record(college, login, db, today):
    """1.6 on the diary: the record's entries, its attendance and the week read the lessons
    as plain rows, past the ORM's deleted-lessons criterion, and still leave a deleted lesson
    out (student2's «Н» stops counting, student1's «5 4» is gone from the grid and the week)."""
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Ошибочная запись")
    _fill(login, college, lesson)

    def record(username, student):
        r = login(username).get(f"/api/v1/students/{student.id}/record")
        assert r.status_code == 200
        return r.get_json()["result"]

    def shown(data):
        entries = [e for d in data["disciplines"] for e in d["entries"]
                   if e["lesson_id"] == lesson.id]
        in_week = [p for day in data["week"]["days"] for p in day["pairs"]
                   if p["lesson_id"] == lesson.id]
        return entries, in_week

    before = record("student1", college.student1)
    assert [e["text"] for e in shown(before)[0]] == ["5 4"] and shown(before)[1]
    missed = record("student2", college.student2)["attendance"]["missed_total"]
    assert login("teacher1").post(_url(college, lesson)).status_code == 302
    assert shown(record("student1", college.student1)) == ([], [])
    after = record("student2", college.student2)["attendance"]["missed_total"]
    assert after == missed - lesson.hours
