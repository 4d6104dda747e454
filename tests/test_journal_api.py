"""The journal JSON API: lessons, marks batches, conflicts, rights on every endpoint."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.journal_helpers import (  # noqa: F401
    EXTRA, TODAY, add_lesson, change, count_queries, today,
)


def test_list_is_scoped(college, login, today):
    body = login("teacher1").get("/api/v1/journals/").get_json()
    ids = {j["id"] for j in body["result"]}
    assert ids == {college.journal_a_op.id, college.journal_a_mdk1.id}
    body = login("curator1").get("/api/v1/journals/").get_json()
    assert college.journal_a_mdk2.id in {j["id"] for j in body["result"]}
    assert college.journal_b_op.id not in {j["id"] for j in body["result"]}
    assert len(login("deputy").get("/api/v1/journals/").get_json()["result"]) == 5


@pytest.mark.parametrize("who", ["student1", "parent1"])
def test_students_and_parents_get_403(college, login, today, who):
    c = login(who)
    jid = college.journal_a_op.id
    assert c.get("/api/v1/journals/").status_code == 403
    assert c.get(f"/api/v1/journals/{jid}/grid").status_code == 403
    assert c.post(f"/api/v1/journals/{jid}/lessons", json={}).status_code == 403
    assert c.put(f"/api/v1/journals/{jid}/marks", json={"changes": []}).status_code == 403
    assert c.get(f"/journal/{jid}/xlsx/").status_code in (302, 403)
    assert c.get(f"/journal/{jid}/print/").status_code in (302, 403)


def test_anonymous_gets_401(college, client):
    assert client.get(f"/api/v1/journals/{college.journal_a_op.id}/grid").status_code == 401


def test_lesson_future_date_refused_and_late_flag(college, login, db, today):
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons"
    r = c.post(url, json={"lesson_date": (TODAY + timedelta(days=1)).isoformat()})
    assert r.status_code == 422 and "будущей" in r.get_json()["message"]
    assert c.post(url, json={"lesson_date": "31.02.2025"}).status_code == 400
    r = c.post(url, json={**EXTRA, "lesson_date": TODAY.isoformat(),
                          "topic_id": college.topics[0].id})
    assert r.status_code == 201
    assert r.get_json()["result"]["late"] is False and r.get_json()["result"]["complete"]
    r = c.post(url, json={**EXTRA, "lesson_date": "10.10.2025", "pair_number": 2})
    body = r.get_json()["result"]
    assert r.status_code == 201 and body["late"] is True and body["complete"] is False
    again = {**EXTRA, "lesson_date": "10.10.2025", "pair_number": 2}
    assert c.post(url, json=again).status_code == 409
    from app.models import AuditLog
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "lesson_create")) == 2


def test_topic_must_come_from_work_program(college, login, today):
    c = login("teacher1")
    r = c.post(f"/api/v1/journals/{college.journal_a_mdk1.id}/lessons",
               json={"lesson_date": TODAY.isoformat(), "topic_id": college.topics[0].id})
    assert r.status_code == 422 and "рабочей программы" in r.get_json()["message"]


def test_next_untaught_topic_first(college, login, db, today):
    from app.models import Lesson
    db.session.add(Lesson(journal_id=college.journal_a_op.id, lesson_date=TODAY, pair_number=1,
                          teacher_id=college.teacher1.id, topic_id=college.topics[0].id))
    db.session.commit()
    topics = login("teacher1").get(
        f"/api/v1/journals/{college.journal_a_op.id}/topics").get_json()["result"]
    assert topics[0]["id"] == college.topics[1].id
    assert topics[-1]["id"] == college.topics[0].id


def _stored_marks(db) -> list[tuple]:
    """(lesson, student, value) of every mark in the database: what a write really left."""
    from app.models import JournalCell, Mark
    db.session.expire_all()
    return sorted(db.session.execute(select(JournalCell.lesson_id, JournalCell.student_id,
                                            Mark.value).join(Mark, Mark.cell_id ==
                                                             JournalCell.id)).all())


def test_teacher_of_other_journal_gets_403(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY)
    c = login("teacher2")
    jid = college.journal_a_op.id
    assert c.get(f"/api/v1/journals/{jid}/grid").status_code == 403
    assert c.post(f"/api/v1/journals/{jid}/lessons", json={}).status_code == 403
    r = c.put(f"/api/v1/journals/{jid}/marks",
              json={"changes": [change(lesson, college.student1, marks=["5"])]})
    assert r.status_code == 403
    assert _stored_marks(db) == []
    from app.models import Lesson
    assert db.session.scalar(select(func.count()).select_from(Lesson).where(
        Lesson.journal_id == jid)) == 1


def test_curator_reads_but_cannot_write(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY)
    c = login("curator1")  # curator of group A, teaches only УП.01
    jid = college.journal_a_op.id
    assert c.get(f"/api/v1/journals/{jid}/grid").status_code == 200
    r = c.put(f"/api/v1/journals/{jid}/marks",
              json={"changes": [change(lesson, college.student1, marks=["5"])]})
    assert r.status_code == 403
    assert _stored_marks(db) == []


def test_marks_batch_saves_history_and_attendance(college, login, db, today):
    from app.models import AuditLog, CellChange, Lesson
    lesson = add_lesson(db, college.journal_a_op, TODAY)
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/marks"
    s1, s2 = college.a_students[:2]
    r = c.put(url, json={"changes": [change(lesson, s1, marks=["5", "4"]),
                                     change(lesson, s2, absent=True)]})
    assert r.status_code == 200, r.get_json()
    cells = {x["student_id"]: x for x in r.get_json()["cells"]}
    assert [m["value"] for m in cells[s1.id]["marks"]] == ["5", "4"]
    assert cells[s2.id]["absent"] is True
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).attendance_taken is True
    r = c.put(url, json={"changes": [change(lesson, s1, version=cells[s1.id]["version"],
                                            marks=["3"])]})
    assert r.status_code == 200
    history = c.get(f"/api/v1/journals/{college.journal_a_op.id}/cells/{lesson.id}/{s1.id}"
                    "/history").get_json()["result"]
    assert [(h["old"], h["new"]) for h in history] == [("", "5 4"), ("5 4", "3")]
    assert history[0]["by"] == "Петрова Анна"
    assert db.session.scalar(select(func.count()).select_from(CellChange)) == 3
    logged = db.session.scalars(select(AuditLog).where(AuditLog.action == "cell_change")
                                .order_by(AuditLog.id)).all()
    assert len(logged) == 3 and '"old": "5 4"' in logged[-1].details


def test_conflict_second_writer_gets_409_with_current_value(college, login, db, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY)
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/marks"
    s1 = college.student1
    assert c.put(url, json={"changes": [change(lesson, s1, marks=["5"])]}).status_code == 200
    r = c.put(url, json={"changes": [change(lesson, s1, version=0, marks=["2"])]})
    assert r.status_code == 409
    conflict = r.get_json()["conflicts"][0]
    assert conflict["marks"][0]["value"] == "5" and conflict["version"] == 1
    r = c.put(url, json={"changes": [change(lesson, s1, version=1, marks=["4"])]})
    assert r.status_code == 200 and r.get_json()["cells"][0]["version"] == 2


def test_batch_is_all_or_nothing(college, login, db, today):
    from app.models import JournalCell
    lesson = add_lesson(db, college.journal_a_op, TODAY)
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/marks"
    s1, s2, s3 = college.a_students[:3]
    assert c.put(url, json={"changes": [change(lesson, s3, marks=["5"])]}).status_code == 200
    bad = [change(lesson, s1, marks=["5"]), change(lesson, s2, marks=["6"])]
    assert c.put(url, json={"changes": bad}).status_code == 422
    stale = [change(lesson, s1, marks=["5"]), change(lesson, s3, version=0, marks=["2"])]
    assert c.put(url, json={"changes": stale}).status_code == 409
    assert c.put(url, json={"changes": "x"}).status_code == 400
    assert c.put(url, data="{", content_type="application/json").status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(JournalCell)) == 1


def test_current_marks_2_to_5_everywhere_credit_marks_where_the_form_is_a_credit(
        college, login, db, today):
    """4.5: a «5» is a current mark in a credit discipline too; зач/незач are current marks
    only where the final form is a credit."""
    from app.models import Mark
    lesson = add_lesson(db, college.journal_a_up, TODAY)
    c = login("curator1")
    url = f"/api/v1/journals/{college.journal_a_up.id}/marks"
    r = c.put(url, json={"changes": [change(lesson, college.student1, marks=["5"])]})
    assert r.status_code == 200, r.get_json()
    r = c.put(url, json={"changes": [change(lesson, college.a_students[1], marks=["зач"])]})
    assert r.status_code == 200
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Mark.value))) == ["5", "зач"]
    exam = add_lesson(db, college.journal_a_op, TODAY)
    r = login("teacher1").put(f"/api/v1/journals/{college.journal_a_op.id}/marks", json={
        "changes": [change(exam, college.student1, marks=["зач"])]})
    assert r.status_code == 422 and "зач" in r.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 2


def test_student_who_left_is_greyed_and_not_writable(college, login, db, today):
    from app.models import GroupMembership
    m = db.session.scalar(select(GroupMembership).where(
        GroupMembership.student_id == college.a_students[4].id))
    m.end_date = date(2025, 10, 1)
    db.session.commit()
    lesson = add_lesson(db, college.journal_a_op, TODAY)
    c = login("teacher1")
    grid = c.get(f"/api/v1/journals/{college.journal_a_op.id}/grid").get_json()
    left = [s for s in grid["students"] if s["id"] == college.a_students[4].id][0]
    assert left["left_on"] == "2025-10-01"
    r = c.put(f"/api/v1/journals/{college.journal_a_op.id}/marks",
              json={"changes": [change(lesson, college.a_students[4], marks=["5"])]})
    assert r.status_code == 422
    assert _stored_marks(db) == []


def test_substitute_writes_that_lesson_only(college, login, db, today):
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_b_op.id}/lessons"
    # teacher1 cannot record a lesson in teacher2's journal…
    assert c.post(url, json={"lesson_date": TODAY.isoformat()}).status_code == 403
    # …the Deputy records the substitution, naming teacher1
    r = login("deputy").post(url, json={"off_timetable_reason": "replacement",
                                        "lesson_date": TODAY.isoformat(),
                                        "substitute_teacher_id": college.teacher1.id})
    assert r.status_code == 201 and r.get_json()["result"]["substitution"]
    sub_lesson_id = r.get_json()["result"]["id"]
    other = add_lesson(db, college.journal_b_op, TODAY, pair=3)
    grid = c.get(f"/api/v1/journals/{college.journal_b_op.id}/grid")
    assert grid.status_code == 200
    editable = {l["id"]: l["editable"] for l in grid.get_json()["lessons"]}
    assert editable == {sub_lesson_id: True, other.id: False}
    marks = f"/api/v1/journals/{college.journal_b_op.id}/marks"
    ok = {"lesson_id": sub_lesson_id, "student_id": college.student3.id, "version": 0,
          "marks": ["4"]}
    assert c.put(marks, json={"changes": [ok]}).status_code == 200
    r = c.put(marks, json={"changes": [change(other, college.student3, marks=["4"])]})
    assert r.status_code == 403
    assert _stored_marks(db) == [(sub_lesson_id, college.student3.id, "4")]


def test_subgroup_teacher_writes_own_subgroup_only(college, login, db, today):
    l1 = add_lesson(db, college.journal_a_mdk1, TODAY)
    l2 = add_lesson(db, college.journal_a_mdk2, TODAY)
    sub1_student, sub2_student = college.a_students[0], college.a_students[4]
    c = login("teacher1")
    url1 = f"/api/v1/journals/{college.journal_a_mdk1.id}/marks"
    assert c.put(url1, json={"changes": [change(l1, sub1_student, marks=["5"])]}
                 ).status_code == 200
    r = c.put(url1, json={"changes": [change(l1, sub2_student, marks=["5"])]})
    assert r.status_code == 422  # not in subgroup 1
    r = c.put(f"/api/v1/journals/{college.journal_a_mdk2.id}/marks",
              json={"changes": [change(l2, sub2_student, marks=["5"])]})
    assert r.status_code == 403
    assert _stored_marks(db) == [(l1.id, sub1_student.id, "5")]
    grid = c.get(f"/api/v1/journals/{college.journal_a_mdk1.id}/grid").get_json()
    assert len(grid["students"]) == 3
    both = login("curator1").get(
        f"/api/v1/journals/{college.journal_a_mdk1.id}/grid?subgroups=all").get_json()
    assert len(both["students"]) == 5 and {l["id"] for l in both["lessons"]} == {l1.id, l2.id}


def test_grid_query_count_does_not_depend_on_size(college, login, db, today):
    from app.models import JournalCell, Lesson, Mark
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/grid"

    def grow(n_lessons, offset=0):
        start = date(2025, 9, 1)
        for i in range(offset, offset + n_lessons):
            lesson = Lesson(journal_id=college.journal_a_op.id,
                            lesson_date=start + timedelta(days=i // 4), pair_number=i % 4 + 1,
                            teacher_id=college.teacher1.id, topic=f"Тема {i}")
            db.session.add(lesson)
            db.session.flush()
            for s in college.a_students:
                cell = JournalCell(lesson_id=lesson.id, student_id=s.id, absent=i % 5 == 0)
                cell.marks.append(Mark(position=0, value="4"))
                db.session.add(cell)
        db.session.commit()
    grow(2)
    small = count_queries(db, lambda: c.get(url))
    grow(30, offset=8)
    large = count_queries(db, lambda: c.get(url))
    assert small == large and large <= 15  # incl. login, permission and audit queries
    assert c.get(url).get_json()["cells"]


def test_attendance_taken_without_absences(college, login, db, today):
    """4.5: a lesson with nobody absent still records that attendance was taken."""
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons"
    r = c.post(url, json={**EXTRA, "lesson_date": TODAY.isoformat(), "pair_number": 1})
    assert r.status_code == 201 and r.get_json()["result"]["attendance_taken"] is False
    r = c.post(url, json={**EXTRA, "lesson_date": TODAY.isoformat(), "pair_number": 2,
                          "attendance_taken": True})
    assert r.status_code == 201 and r.get_json()["result"]["attendance_taken"] is True


def test_homework_kind_outside_the_four_kinds_is_refused(college, login, db, today):
    """4.8: homework is one of the four kinds of work; another kind is refused, nothing stored."""
    from app.models import Lesson
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons"
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "topic_id": college.topics[0].id,
                          "homework": "Реферат", "homework_kind": "essay"})
    assert r.status_code == 400
    assert r.get_json()["message"] == "Неизвестный вид домашнего задания."
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0
    r = c.post(url, json={**EXTRA, "lesson_date": TODAY.isoformat(),
                          "topic_id": college.topics[0].id, "homework": "Задачи 1–5",
                          "homework_kind": "practical"})
    assert r.status_code == 201
    stored = db.session.scalars(select(Lesson)).one()
    assert (stored.homework, stored.homework_kind) == ("Задачи 1–5", "practical")
