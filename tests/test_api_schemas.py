"""The journal's write bodies are read through marshmallow schemas (services/journal/schemas.py):
a wrong type, a missing required field or a value out of range is refused with its Russian
message, the field's messages under "errors", and nothing written; a well-formed body is
accepted; the lesson form is read by the same schema; the OpenAPI document describes the
bodies with the schemas' own fields."""
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.journal_helpers import GRADING_DAY, TODAY, add_lesson, today  # noqa: F401


def _counts(db):
    from app.models import AuditLog, CellChange, FinalGrade, JournalCell, Lesson, Mark
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Lesson, JournalCell, Mark, CellChange, FinalGrade, AuditLog))


def _cell(lesson, student, **fields):
    return dict({"lesson_id": lesson.id, "student_id": student.id, "version": 0,
                 "marks": ["5"]}, **fields)


def _lessons(c, body):
    return "POST", f"/api/v1/journals/{c.journal_a_op.id}/lessons", body


def _lesson_change(c, lesson, body):
    return "PUT", f"/api/v1/journals/{c.journal_a_op.id}/lessons/{lesson.id}", body


def _marks(c, body):
    return "PUT", f"/api/v1/journals/{c.journal_a_op.id}/marks", body


def _grade(c, body):
    # 4.7: the final grade is sent at the end of the period (restored by the `today` fixture)
    current_app.config["JOURNAL_TODAY"] = GRADING_DAY.isoformat()
    return "PUT", f"/api/v1/journals/{c.journal_a_op.id}/final-grades", dict(
        {"student_id": c.student1.id, "period_id": c.autumn.id, "kind": "semester",
         "value": "5"}, **body)


def _deletion(c, lesson, body):
    return "DELETE", f"/api/v1/journals/{c.journal_a_op.id}/lessons/{lesson.id}", body


# (request, status, message, the field's path in "errors")
REFUSED = {
    "lesson: pair number not a number": (
        lambda c, l: _lessons(c, {"pair_number": "вторая"}), 400,
        "Номер пары: ожидается целое число.", ("pair_number",)),
    "lesson: hours out of range": (
        lambda c, l: _lessons(c, {"hours": 9}), 422,
        "Часы: допустимо от 1 до 8.", ("hours",)),
    "lesson: date not a date": (
        lambda c, l: _lessons(c, {"lesson_date": "вчера"}), 400,
        "Дата занятия указана неверно: ожидается дд.мм.гггг.", ("lesson_date",)),
    "lesson: lesson type unknown": (
        lambda c, l: _lessons(c, {"lesson_type": "lecture"}), 400,
        "Неизвестный вид занятия.", ("lesson_type",)),
    "lesson: topic too long": (
        lambda c, l: _lessons(c, {"topic": "т" * 501, "off_program_reason": "приказ"}), 400,
        "Тема: не более 500 символов.", ("topic",)),
    "lesson: homework not a text": (
        lambda c, l: _lessons(c, {"homework": ["§1"]}), 400,
        "Домашнее задание: не более 4000 символов.", ("homework",)),
    "lesson: off-timetable reason unknown": (
        lambda c, l: _lessons(c, {"off_timetable_reason": "holiday"}), 400,
        "Неизвестная причина занятия вне расписания.", ("off_timetable_reason",)),
    "lesson: topic id out of range": (
        lambda c, l: _lessons(c, {"topic_id": -3}), 422,
        "Тема: допустимо от 1 до 2147483647.", ("topic_id",)),
    "lesson change: pair out of range": (
        lambda c, l: _lesson_change(c, l, {"pair_number": 0}), 422,
        "Номер пары: допустимо от 1 до 8.", ("pair_number",)),
    "lesson change: homework kind unknown": (
        lambda c, l: _lesson_change(c, l, {"homework_kind": "essay"}), 400,
        "Неизвестный вид домашнего задания.", ("homework_kind",)),
    "marks: changes missing": (
        lambda c, l: _marks(c, {"reason": "x"}), 400,
        "Нет изменений для сохранения.", ("changes",)),
    "marks: changes not a list": (
        lambda c, l: _marks(c, {"changes": {"lesson_id": l.id}}), 400,
        "Нет изменений для сохранения.", ("changes",)),
    "marks: too many cells": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1)] * 501}), 400,
        "Не более 500 ячеек за раз.", ("changes",)),
    "marks: a cell not an object": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1), "5"]}), 400,
        "Изменение ячейки должно быть объектом.", ("changes", "1")),
    "marks: student missing": (
        lambda c, l: _marks(c, {"changes": [{"lesson_id": l.id, "marks": ["5"]}]}), 400,
        "У изменения не указаны занятие и студент.", ("changes", "0", "student_id")),
    "marks: lesson id out of range": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1, lesson_id=2**31)]}), 400,
        "У изменения не указаны занятие и студент.", ("changes", "0", "lesson_id")),
    "marks: version negative": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1, version=-1)]}), 400,
        "Версия ячейки указана неверно.", ("changes", "0", "version")),
    "marks: version not a number": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1, version="1")]}), 400,
        "Версия ячейки указана неверно.", ("changes", "0", "version")),
    "marks: five marks in a cell": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1, marks=["5"] * 5)]}), 400,
        "В ячейке не более 4 отметок.", ("changes", "0", "marks")),
    "marks: a mark not a text or object": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1, marks=[5])]}), 400,
        "Отметка указана неверно.", ("changes", "0", "marks", "0")),
    "marks: kind of work unknown": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1, marks=[
            {"value": "5", "kind": "essay"}])]}), 400,
        "Неизвестный вид работы.", ("changes", "0", "marks", "0", "kind")),
    "marks: the same cell twice": (
        lambda c, l: _marks(c, {"changes": [_cell(l, c.student1), _cell(l, c.student1)]}),
        400, "Ячейка указана в пакете дважды.", ("changes",)),
    "final grade: period missing": (
        lambda c, l: _grade(c, {"period_id": None}), 400,
        "Не указаны студент и период.", ("period_id",)),
    "final grade: student not a number": (
        lambda c, l: _grade(c, {"student_id": "первый"}), 400,
        "Не указаны студент и период.", ("student_id",)),
    "lesson deletion: reason too long": (
        lambda c, l: _deletion(c, l, {"reason": "п" * 1001}), 400,
        "Причина удаления: не более 1000 символов.", ("reason",)),
}


@pytest.fixture()
def teacher(college, db, login, today):
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Введение")
    return college, lesson, login("teacher1")


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_malformed_body_is_refused_with_its_message_and_writes_nothing(teacher, db, case):
    college, lesson, client = teacher
    build, status, message, path = REFUSED[case]
    method, url, body = build(college, lesson)
    before = _counts(db)
    answer = client.open(url, method=method, json=body)
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["message"] == message
    errors = answer.get_json()["errors"]
    for key in path:
        errors = errors[key]
    assert errors == [message]
    assert _counts(db) == before


ACCEPTED = {
    "lesson": (lambda c, l: _lessons(c, {
        "lesson_date": TODAY.strftime("%d.%m.%Y"), "pair_number": "2", "hours": 2,
        "topic_id": c.topics[0].id, "homework": "  §1  ", "homework_kind": "practical",
        "off_timetable_reason": "extra", "csrf_token": "ignored"}), 201),
    "lesson change": (lambda c, l: _lesson_change(c, l, {"hours": "1", "topic_id": ""}), 200),
    "marks": (lambda c, l: _marks(c, {"changes": [
        _cell(l, c.student1, marks=["5", {"value": "4", "kind": "oral"}]),
        _cell(l, c.student2, marks=None, absent=True, version=None)]}), 200),
    "final grade": (lambda c, l: _grade(c, {"student_id": str(c.student1.id), "version": 0}),
                    200),
    "lesson deletion": (lambda c, l: _deletion(c, l, {"reason": "  дубль  "}), 200),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_a_well_formed_body_is_accepted(teacher, db, case):
    college, lesson, client = teacher
    build, status = ACCEPTED[case]
    method, url, body = build(college, lesson)
    answer = client.open(url, method=method, json=body)
    assert answer.status_code == status, answer.get_json()


def test_loaded_values_reach_the_journal(teacher, db):
    from app.models import JournalCell, Lesson
    college, lesson, client = teacher
    method, url, body = ACCEPTED["lesson"][0](college, lesson)
    created = client.open(url, method=method, json=body).get_json()["result"]
    assert (created["date"], created["pair"], created["homework"]) == (
        TODAY.isoformat(), 2, "§1")
    method, url, body = ACCEPTED["marks"][0](college, lesson)
    cells = client.open(url, method=method, json=body).get_json()["cells"]
    assert [(c["absent"], c["marks"]) for c in cells] == [
        (False, [{"value": "5", "kind": "current"}, {"value": "4", "kind": "oral"}]),
        (True, [])]
    db.session.expire_all()
    assert db.session.get(Lesson, created["id"]).pair_number == 2
    assert db.session.scalar(select(func.count()).select_from(JournalCell)) == 2


def test_field_messages_in_english(teacher, db):
    college, lesson, client = teacher
    client.get("/lang/en")
    answer = client.put(f"/api/v1/journals/{college.journal_a_op.id}/marks",
                        json={"changes": [_cell(lesson, college.student1, version=-1)]})
    assert answer.status_code == 400
    assert answer.get_json()["message"] == "The cell version is invalid."
    assert answer.get_json()["errors"] == {"changes": {"0": {"version": [
        "The cell version is invalid."]}}}


def test_the_lesson_form_is_read_by_the_same_schema(teacher, db):
    """Both doors refuse alike: the page's form gets the API's message."""
    college, lesson, client = teacher
    before = _counts(db)
    page = client.post(f"/journal/{college.journal_a_op.id}/lesson/", data={
        "lesson_date": TODAY.isoformat(), "pair_number": "9", "hours": "2", "topic_id": ""})
    assert page.status_code == 400
    assert "Номер пары: допустимо от 1 до 8." in page.get_data(as_text=True)
    page = client.post(f"/journal/{college.journal_a_op.id}/lesson/{lesson.id}/", data={
        "lesson_date": TODAY.isoformat(), "pair_number": "1", "homework_kind": "essay"})
    assert page.status_code == 400
    assert "Неизвестный вид домашнего задания." in page.get_data(as_text=True)
    assert _counts(db) == before


def test_the_openapi_document_describes_the_bodies_by_the_schemas(college, login, today):
    spec = login("admin").get("/api/v1/_openapi").get_json()
    schemas = spec["components"]["schemas"]
    lesson = schemas["LessonFields"]["properties"]
    assert {"lesson_date", "pair_number", "hours", "lesson_type", "homework_kind", "homework",
            "topic", "off_program_reason", "topic_id", "substitute_teacher_id",
            "attendance_taken", "reason"} <= set(lesson)
    assert (lesson["pair_number"]["minimum"], lesson["pair_number"]["maximum"]) == (1, 8)
    assert lesson["homework"]["maxLength"] == 4000
    assert "theory" in lesson["lesson_type"]["enum"]
    batch = schemas["MarksBatch"]
    assert batch["required"] == ["changes"]
    assert (batch["properties"]["changes"]["minItems"],
            batch["properties"]["changes"]["maxItems"]) == (1, 500)
    cell = schemas["CellChange"]
    assert set(cell["required"]) == {"lesson_id", "student_id"}
    assert cell["properties"]["marks"]["maxItems"] == 4
    assert "oral" in schemas["Mark"]["properties"]["kind"]["enum"]
    assert set(schemas["FinalGradeFields"]["required"]) == {"student_id", "period_id"}
    assert schemas["LessonDeletion"]["properties"]["reason"]["maxLength"] == 1000

    def body(path, method):
        return spec["paths"][path][method]["requestBody"]["content"]["application/json"][
            "schema"]["$ref"].rsplit("/", 1)[1]
    journal = "/api/v1/journals/{pk}"
    assert body(journal + "/lessons", "post") == "LessonFields"
    assert body(journal + "/lessons/{lesson_id}", "put") == "LessonFields"
    assert body(journal + "/lessons/{lesson_id}", "delete") == "LessonDeletion"
    assert body(journal + "/marks", "put") == "MarksBatch"
    assert body(journal + "/final-grades", "put") == "FinalGradeFields"


def test_a_refused_deletion_reason_keeps_the_lesson(teacher, db, app, login):
    """The deputy's deletion after the lesson's day: without a reason refused by the rule,
    with a too long one by the schema; the lesson stays."""
    from app.models import Lesson
    college, lesson, _ = teacher
    app.config["JOURNAL_TODAY"] = (TODAY + timedelta(days=1)).isoformat()
    deputy = login("deputy")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons/{lesson.id}"
    assert deputy.delete(url, json={"reason": " "}).status_code == 400
    assert deputy.delete(url, json={"reason": "д" * 1001}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).deleted_at is None
