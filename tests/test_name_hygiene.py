"""People's names (students, parents, staff accounts) are one line of visible text: a line
break, a tab, a bidirectional override or isolate, a zero-width or other invisible character
is refused with a Russian message, whatever the door (a form, an import, a service); a name
that starts with =, +, - or @ is kept as text and written as text into every XLSX."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.infra.text_hygiene import TextRefused
from app.models import Parent, Student

REFUSED = ["Иванов\nПетров", "Иванов\tПетров", "Иван\u202eвонави", "Иван\u202aов",
           "Иван\u2066ов\u2069", "Ива\u200bнов", "Ива\u200dнов", "Ива\u200fнов",
           "\ufeffИванов", "Ива\u2060нов", "Ива\u00adнов", "Ива\x7fнов", "Ива\x85нов"]
KEPT = ["=1+1", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "Д'Артаньян", "Мамин-Сибиряк"]


@pytest.mark.parametrize("name", REFUSED)
def test_invisible_characters_in_a_name_are_refused(college, db, name):
    student = db.session.get(Student, college.student1.id)
    student.last_name = name
    with pytest.raises(TextRefused) as refused:
        db.session.flush()
    db.session.rollback()
    assert "Фамилия" in str(refused.value) and "только видимые буквы" in str(refused.value)
    for column in ("first_name", "middle_name"):
        db.session.add(Parent(**{"last_name": "Петрова", "first_name": "Анна", column: name}))
        with pytest.raises(TextRefused):
            db.session.flush()
        db.session.rollback()


def test_formula_prefixes_are_kept_as_text(college, db, login):
    for name, student in zip(KEPT, college.a_students):
        db.session.get(Student, student.id).last_name = name
    db.session.commit()
    r = login("teacher1").get(f"/journal/{college.journal_a_op.id}/xlsx/")
    names = KEPT[:len(college.a_students)]
    cells = {name: c for ws in load_workbook(BytesIO(r.data)).worksheets
             for row in ws.iter_rows() for c in row for name in names
             if isinstance(c.value, str) and c.value.startswith(name)}
    assert set(cells) == set(names)
    assert {c.data_type for c in cells.values()} == {"s"}  # text, never a formula


def test_the_form_refuses_and_saves_nothing(college, db, login):
    before = db.session.scalar(select(func.count(Student.id)))
    r = login("director").post("/studentview/add", data={
        "last_name": "Смирнов\u202e", "first_name": "Иван", "middle_name": "",
        "birth_date": "2008-01-01", "record_book_number": "25-900",
        "group": str(college.group_a.id), "status": "studying"}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "невидимый или управляющий символ (U+202E)" in html
    assert db.session.scalar(select(func.count(Student.id))) == before


def test_an_account_name_is_refused_too(app, college, db):
    user = db.session.get(app.appbuilder.sm.user_model, college.teacher1.id)
    user.first_name = "Анна\u200b"
    with pytest.raises(TextRefused):
        db.session.flush()
    db.session.rollback()


def test_an_old_name_does_not_block_other_changes(college, db):
    """A row stored before the rule keeps working: only a changed name is judged."""
    db.session.execute(Student.__table__.update().where(
        Student.id == college.student1.id).values(last_name="Смир\u200bнов"))
    db.session.commit()
    student = db.session.get(Student, college.student1.id)
    student.record_book_number = "24-777"
    db.session.commit()
    assert db.session.get(Student, college.student1.id).record_book_number == "24-777"
