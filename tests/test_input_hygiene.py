"""Input hygiene at every door (finding 6): control characters refused in forms, JSON bodies,
imports and command arguments; column lengths enforced on every database; exports write old
rows holding control characters without failing."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from app.infra.text_hygiene import TextRefused, control_character
from app.models import AuditLog, Lesson, Parent, Student
from app.services.college import import_tables, imports
from app.services.records import audit
from tests.journal_helpers import TODAY, add_lesson, today  # noqa: F401


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def _parent_form(**changes):
    form = {"last_name": "Орлова", "first_name": "Вера", "middle_name": "", "phone": "",
            "email": ""}
    form.update(changes)
    return form


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x0b", "\r"])
def test_form_with_control_character_is_refused(college, login, db, char):
    before = _count(db, Parent)
    r = login("admin").post("/parentview/add", data=_parent_form(last_name=f"Орл{char}ова"))
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and "управляющий символ" in body and "last_name" in body
    assert _count(db, Parent) == before


def test_form_keeps_tab_newline_and_stores_crlf_as_lf(college, login, db):
    """A message's text keeps its tabs and lines (a person's name is one line of visible text:
    tests/test_name_hygiene.py)."""
    from app.models import Message
    r = login("student1").post("/messages/new", data={
        "recipient_id": college.curator1.id, "subject": "Вопрос",
        "body": "Орлова\tВера\r\nвторая строка"})
    assert r.status_code == 302
    message = db.session.scalars(select(Message)).one()
    assert message.body == "Орлова\tВера\nвторая строка"


def test_json_body_with_control_character_is_refused(college, login, db, today):
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons"
    before = _count(db, Lesson)
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "homework": "стр. 5\x00"})
    assert r.status_code == 400 and "управляющий символ" in r.get_json()["message"]
    assert "homework" in r.get_json()["message"]
    nested = {"changes": [{"lesson_id": 1, "student_id": 1, "marks": [{"value": "5\x01"}]}]}
    r = c.put(f"/api/v1/journals/{college.journal_a_op.id}/marks", json=nested)
    assert r.status_code == 400 and "changes[0].marks[0].value" in r.get_json()["message"]
    assert _count(db, Lesson) == before


def test_lengths_are_enforced_on_every_database(college, db):
    student = college.students[0]
    student.last_name = "Я" * 100_000
    with pytest.raises(TextRefused, match="Фамилия"):
        db.session.flush()
    db.session.rollback()
    assert len(db.session.get(Student, student.id).last_name) <= 64


def test_over_long_value_in_a_form_is_refused_with_a_message(college, login, db):
    before = _count(db, Parent)
    r = login("admin").post("/parentview/add", data=_parent_form(last_name="Я" * 1000),
                            follow_redirects=True)
    body = r.get_data(as_text=True)
    # the form's own length check (from the column) answers first, in Russian
    assert r.status_code == 200 and "более 64 символов" in body
    assert _count(db, Parent) == before


def test_over_long_value_in_the_api_answers_422(college, login, db, today):
    c = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons"
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "topic": "т" * 600})
    assert r.status_code in (400, 422) and r.get_json()["message"]
    assert _count(db, Lesson) == 0


def _students_csv(**cell):
    header = [label for _key, label in import_tables.COLUMNS["students"]]
    row = dict(group="ИС-24-1", last_name="Новиков", first_name="Илья", middle_name="",
               birth_date="01.02.2008", record_book_number="N-1", email="")
    row.update(cell)
    values = [row.get(key, "") for key, _label in import_tables.COLUMNS["students"]]
    return (";".join(header) + "\n" + ";".join(values) + "\n").encode("utf-8")


def test_import_refuses_control_characters_and_long_values_with_the_row(college, db):
    before = _count(db, Student)
    with pytest.raises(import_tables.ImportRefused) as refused:
        imports.import_file("students", "s.csv", _students_csv(last_name="Нов\x01иков"))
    assert "Строка 2" in refused.value.problems[0]
    assert "управляющий символ" in refused.value.problems[0]
    with pytest.raises(import_tables.ImportRefused) as refused:
        imports.import_file("students", "s.csv", _students_csv(last_name="Я" * 100_000))
    assert refused.value.problems == ["Строка 2: «Фамилия» длиннее 64 символов (100000)"]
    assert _count(db, Student) == before


def test_cli_refuses_control_characters(app, db):
    result = app.test_cli_runner().invoke(args=["journal", "create-admin", "--username",
                                                "root\x01", "--password", "Xy7-long-pass"])
    assert result.exit_code != 0 and "управляющий символ" in result.output


def test_control_character_rule():
    assert control_character("a\tb\nc\r\nd") is None
    assert control_character("a\rb") == "U+000D"
    assert control_character("\x7fтекст") is None  # DEL is not C0: nothing to refuse
    assert control_character("x\x1f") == "U+001F"


# --- exports of rows stored before the rule ---------------------------------------------------
def _nul(db) -> str:
    """SQLite stores NUL in text; PostgreSQL never does (it refuses such a row itself)."""
    return "\x00" if db.engine.dialect.name == "sqlite" else "\x1f"


def test_audit_export_survives_a_login_attempt_with_control_characters(college, login, db):
    stored = "\u0001ctl" + _nul(db)
    audit.record("login_failed", "user", None, username=stored,
                 details={"reason": "unknown_user", "note": "\x02"})
    db.session.commit()
    client = login("it")
    xlsx = client.get("/audit/export/xlsx")
    assert xlsx.status_code == 200
    names = [row[2] for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(
        values_only=True)]
    assert "ctl" in names
    csv = client.get("/audit/export/csv")
    assert csv.status_code == 200 and "\x00" not in csv.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(AuditLog.username == stored))


def test_journal_and_record_xlsx_survive_stored_control_characters(college, login, db, today):
    journal = college.journal_a_op
    lesson = add_lesson(db, journal, date(2025, 10, 1))
    db.session.execute(update(Lesson).where(Lesson.id == lesson.id).values(
        topic="Тема\x01", homework="стр. 5" + _nul(db)))
    student = college.students[0]
    db.session.execute(update(Student).where(Student.id == student.id).values(
        last_name="Ива\x01нов"))
    db.session.commit()
    r = login("teacher1").get(f"/journal/{journal.id}/xlsx/")
    assert r.status_code == 200
    lessons = load_workbook(io.BytesIO(r.data))["Занятия"]
    assert ("стр. 5" in [row[5] for row in lessons.iter_rows(values_only=True)])
    r = login("curator1").get(f"/portal/student/{student.id}/record.xlsx")
    assert r.status_code == 200
    caption = [str(cell) for row in load_workbook(io.BytesIO(r.data)).active.iter_rows(
        max_row=6, values_only=True) for cell in row if cell]
    assert any("Иванов" in cell for cell in caption), caption  # the name, less the \x01
