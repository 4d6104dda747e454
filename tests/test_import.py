"""Import of students, curricula and teaching load (4.2): all or nothing, Russian row messages."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.models import (
    AuditLog, Curriculum, CurriculumItem, Discipline, GroupMembership, Journal, Parent, Student,
    StudentParent, Subgroup, TeachingLoad,
)
from app.services.college.import_tables import COLUMNS, ImportRefused
from app.services.college.imports import import_file
from tests.fast_hashing import fast_password_hashing  # noqa: F401

STUDENT_HEADER = [label for _k, label in COLUMNS["students"]]
CURRICULUM_HEADER = [label for _k, label in COLUMNS["curricula"]]
LOAD_HEADER = [label for _k, label in COLUMNS["load"]]


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header, rows, delimiter=";", encoding="utf-8") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def student_row(group="ИС-24-1", last="Орлов", first="Никита", middle="Андреевич",
                born="12.04.2009", book="25-100", email="", parents=()):
    row = [group, last, first, middle, born, book, email]
    for n in range(2):
        row += list(parents[n]) if n < len(parents) else [""] * 6
    return row


MOTHER = ("Орлова", "Светлана", "Ивановна", "мать", "+7 914 000-11-22", "orlova@mail.test")


def counts(db):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Student, Parent, StudentParent, GroupMembership, Curriculum,
                          CurriculumItem, Discipline, TeachingLoad, Journal, Subgroup)}


def upload(client, kind, filename, data):
    return client.post("/import/upload", data={"kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


# --- students -----------------------------------------------------------------------------------
def test_students_xlsx_with_parents(college, db, login):
    before = counts(db)
    data = xlsx(STUDENT_HEADER, [
        student_row(parents=[MOTHER]),
        student_row(last="Орлова", first="Вера", book="25-101", born="01.02.2008",
                    parents=[MOTHER, ("Орлов", "Андрей", "", "отец", "", "orlov@mail.test")]),
        student_row(group="ИС-24-2", last="Белова", first="Ия", middle="", book="25-102"),
    ])
    response = upload(login("director"), "students", "students.xlsx", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "загружен" in page
    after = counts(db)
    assert after["Student"] == before["Student"] + 3
    assert after["GroupMembership"] == before["GroupMembership"] + 3
    assert after["Parent"] == before["Parent"] + 2  # the sisters' mother is one person
    assert after["StudentParent"] == before["StudentParent"] + 3
    vera = db.session.scalar(select(Student).where(Student.record_book_number == "25-101"))
    assert vera.birth_date.strftime("%d.%m.%Y") == "01.02.2008"
    assert vera.group.name == "ИС-24-1"
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "import")) == 1


@pytest.mark.parametrize("delimiter,encoding", [(";", "utf-8"), (",", "cp1251"),
                                                (";", "utf-8-sig")])
def test_students_csv_encodings_and_delimiters(college, db, delimiter, encoding):
    data = csv_bytes(STUDENT_HEADER, [student_row(parents=[MOTHER])], delimiter, encoding)
    summary = import_file("students", "students.csv", data)
    assert summary["студентов"] == 1
    student = db.session.scalar(select(Student).where(Student.record_book_number == "25-100"))
    assert student.last_name == "Орлов"
    assert student.parent_links[0].parent.phone == "+7 914 000-11-22"


def test_bad_student_file_is_refused_whole_with_row_numbers(college, db, login):
    before = counts(db)
    data = xlsx(STUDENT_HEADER, [
        student_row(),                                             # row 2: good
        student_row(group="ИС-99-9", book="25-101"),               # row 3: unknown group
        student_row(born="2009-04-12", book="25-102"),             # row 4: bad date format
        student_row(book="25-100"),                                # row 5: duplicate in file
        student_row(book="24-001"),                                # row 6: duplicate in DB
        student_row(book="25-103", born="31.02.2009"),             # row 7: impossible date
        student_row(book="25-104", parents=[("Орлова", "", "", "", "", "x@")]),  # row 8
    ])
    response = upload(login("director"), "students", "students.xlsx", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "не загружен" in page
    for expected in ("Строка 3: группа «ИС-99-9» не найдена",
                     "Строка 4: дата «2009-04-12» не в формате дд.мм.гггг",
                     "Строка 5: зачётная книжка № 25-100 повторяет строку 2",
                     "Строка 6: зачётная книжка № 24-001 уже есть в базе",
                     "Строка 7: дата «31.02.2009» не в формате дд.мм.гггг",
                     "Строка 8: родитель 1: нужны фамилия и имя",
                     "Строка 8: родитель 1: адрес «x@» указан неверно"):
        assert expected in page, expected
    assert "Строка 2" not in page
    assert counts(db) == before  # nothing written, not even the good row


def test_missing_required_column_and_empty_cells(college, db):
    with pytest.raises(ImportRefused) as refused:
        import_file("students", "s.csv", csv_bytes(["Группа", "Фамилия", "Имя"], [["ИС-24-1",
                                                                                  "А", "Б"]]))
    assert "Строка 1: нет столбца «Дата рождения»" in refused.value.problems
    with pytest.raises(ImportRefused) as refused:
        import_file("students", "s.csv", csv_bytes(STUDENT_HEADER, [student_row(last="")]))
    assert refused.value.problems == ["Строка 2: не заполнено «Фамилия»"]


@pytest.mark.parametrize("filename,data,message", [
    ("students.xls", b"\xd0\xcf\x11\xe0 old excel", "Поддерживаются только файлы XLSX и CSV."),
    ("students.pdf", b"%PDF-1.4", "Поддерживаются только файлы XLSX и CSV."),
    ("students.xlsx", b"not a zip at all", "Файл не читается как таблица XLSX."),
    ("students.csv", b"", "Файл пуст: нет строки заголовков."),
])
def test_wrong_file_type_is_refused(college, db, login, filename, data, message):
    before = counts(db)
    response = upload(login("director"), "students", filename, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts(db) == before


# --- curricula ------------------------------------------------------------------------------------
def test_curricula_xlsx_creates_plan_and_new_disciplines(college, db):
    data = xlsx(CURRICULUM_HEADER, [
        ["09.02.07", 2025, "ОП.01", "", "", 1, 72, "экзамен"],
        ["09.02.07", 2025, "МДК.02.01", "Технология разработки ПО", "", 2, 120,
         "Дифференцированный зачёт"],
        ["09.02.07", 2025, "УП.02", "Учебная практика", "учебная практика", 2, 36, "зачет"],
        ["09.02.07", 2025, "ОУД.01", "Русский язык", "", 1, 78, "оценка"],
    ])
    summary = import_file("curricula", "plan.xlsx", data)
    assert summary == {"строк учебных планов": 4, "новых планов": 1, "новых дисциплин": 3}
    plan = db.session.scalar(select(Curriculum).where(Curriculum.admission_year == 2025))
    forms = {i.discipline.code: (i.semester, i.hours, i.assessment_form) for i in plan.items}
    assert forms == {"ОП.01": (1, 72, "exam"), "МДК.02.01": (2, 120, "diff_credit"),
                     "УП.02": (2, 36, "credit"), "ОУД.01": (1, 78, "grade")}
    kinds = {d.code: d.kind for d in db.session.scalars(select(Discipline))}
    assert (kinds["МДК.02.01"], kinds["УП.02"], kinds["ОУД.01"]) == ("mdk", "up", "general")


def test_curricula_csv(college, db):
    data = csv_bytes(CURRICULUM_HEADER, [["09.02.07", "2024", "ОП.01", "", "", "4", "36",
                                          "зачёт"]], delimiter=",", encoding="cp1251")
    assert import_file("curricula", "plan.csv", data)["строк учебных планов"] == 1
    assert db.session.scalar(select(func.count()).select_from(CurriculumItem)) == 4


def test_bad_curricula_refused(college, db):
    before = counts(db)
    data = xlsx(CURRICULUM_HEADER, [
        ["09.02.07", 2024, "ОП.01", "", "", 3, 72, "экзамен"],    # 2: already in the plan
        ["01.01.01", 2024, "ОП.01", "", "", 4, 72, "экзамен"],    # 3: unknown specialty
        ["09.02.07", 2024, "ОП.77", "", "", 4, 72, "экзамен"],    # 4: new discipline, no name
        ["09.02.07", 2024, "ОП.01", "", "", 11, 0, "курсовая"],   # 5: semester, hours, form
        ["09.02.07", 2024, "ОП.01", "", "", 5, 10, "экзамен"],    # 6: fine
        ["09.02.07", 2024, "ОП.01", "", "", 5, 10, "экзамен"],    # 7: duplicate of 6
    ])
    with pytest.raises(ImportRefused) as refused:
        import_file("curricula", "plan.xlsx", data)
    problems = refused.value.problems
    assert "Строка 2: дисциплина «ОП.01» в семестре 3 уже есть в учебном плане" in problems
    assert "Строка 3: специальность «01.01.01» не найдена" in problems
    assert "Строка 4: дисциплины «ОП.77» нет в базе: укажите её название" in problems
    assert "Строка 5: семестр: 11 вне допустимых значений 1–10" in problems
    assert "Строка 5: часы: 0 вне допустимых значений 1–10000" in problems
    assert any(p.startswith("Строка 5: форма аттестации «курсовая» не распознана")
               for p in problems)
    assert "Строка 7: дисциплина «ОП.01» в семестре 5 повторяет строку 6" in problems
    assert not any(p.startswith("Строка 6") for p in problems)
    assert counts(db) == before


# --- teaching load -------------------------------------------------------------------------------
def test_load_xlsx_generates_journals(college, db, login):
    before = counts(db)
    data = xlsx(LOAD_HEADER, [
        ["2025/2026", "ИС-24-2", "МДК.01.01", "", "teacher1", 96],
        ["2025/2026", "ИС-24-2", "УП.01", "1 подгруппа", "curator2", "18,5"],
        ["2025/2026", "ИС-24-2", "УП.01", "2 подгруппа", "teacher2", 18],
    ])
    response = upload(login("director"), "load", "load.xlsx", data)
    assert response.status_code == 200, response.get_data(as_text=True)
    after = counts(db)
    assert after["TeachingLoad"] == before["TeachingLoad"] + 3
    assert after["Journal"] == before["Journal"] + 3
    assert after["Subgroup"] == before["Subgroup"] + 2
    journal = db.session.scalar(select(Journal).join(Subgroup, Journal.subgroup_id == Subgroup.id)
                                .where(Subgroup.name == "1 подгруппа",
                                       Journal.group_id == college.group_b.id))
    assert journal.teacher_id == college.curator2.id
    assert journal.assessment_form == "credit"  # from the curriculum (4.2)


def test_reassigned_load_moves_the_journal_to_the_new_teacher(college, db):
    from app.services.journal.generation import generate_journals
    journal = college.journal_a_op
    load = db.session.get(TeachingLoad, journal.teaching_load_id)
    load.teacher_id, load.hours = college.teacher2.id, 120
    db.session.commit()
    assert generate_journals(college.year.id) == (0, 1)
    db.session.commit()
    stored = db.session.get(Journal, journal.id)
    assert (stored.teacher_id, stored.planned_hours) == (college.teacher2.id, 120)
    assert generate_journals(college.year.id) == (0, 0)  # safe to repeat


def test_load_csv(college, db):
    data = csv_bytes(LOAD_HEADER, [["2025/2026", "ИС-24-2", "УП.01", "", "teacher1", "36"]])
    assert import_file("load", "load.csv", data) == {"строк нагрузки": 1, "новых журналов": 1}


def test_bad_load_refused(college, db):
    before = counts(db)
    data = xlsx(LOAD_HEADER, [
        ["2025/2026", "ИС-24-1", "ОП.01", "", "teacher1", 72],    # 2: already loaded
        ["2030/2031", "ИС-24-2", "ОП.99", "", "nobody", 10],      # 3: year, discipline, teacher
        ["2025/2026", "ИС-24-2", "УП.01", "", "student1", 10],    # 4: a student is no teacher
        ["2025/2026", "ИС-24-2", "МДК.01.01", "", "teacher1", "много"],  # 5: hours
        ["2025/2026", "ИС-24-2", "УП.01", "", "teacher2", 10],    # 6: duplicate of 4
    ])
    with pytest.raises(ImportRefused) as refused:
        import_file("load", "load.xlsx", data)
    problems = refused.value.problems
    assert "Строка 2: такая строка нагрузки уже есть в базе" in problems
    assert "Строка 3: учебный год «2030/2031» не найден(а)" in problems
    assert "Строка 3: дисциплина «ОП.99» не найден(а)" in problems
    assert "Строка 3: преподаватель с логином «nobody» не найден" in problems
    assert "Строка 4: преподаватель с логином «student1» не найден" in problems
    assert "Строка 5: часы: «много» — не число" in problems
    assert "Строка 6: нагрузка повторяет строку 4" in problems
    assert counts(db) == before


# --- templates, CLI, access, size -----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["students", "curricula", "load"])
def test_template_has_the_header_row(college, login, kind):
    response = login("director").get(f"/import/template/{kind}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == [label for _k, label in COLUMNS[kind]]
    assert sheet.max_row == 1


def test_cli_import(app, college, db, tmp_path):
    good = tmp_path / "load.csv"
    good.write_bytes(csv_bytes(LOAD_HEADER, [["2025/2026", "ИС-24-2", "УП.01", "", "teacher1",
                                              "36"]]))
    result = app.test_cli_runner().invoke(args=["journal", "import", "load", str(good)])
    assert result.exit_code == 0, result.output
    assert "новых журналов: 1" in result.output
    bad = tmp_path / "students.csv"
    bad.write_bytes(csv_bytes(STUDENT_HEADER, [student_row(group="Нет такой")]))
    before = counts(db)
    result = app.test_cli_runner().invoke(args=["journal", "import", "students", str(bad)])
    assert result.exit_code == 1
    assert "Строка 2: группа «Нет такой» не найдена" in result.output
    assert counts(db) == before


@pytest.mark.parametrize("username", ["teacher1", "curator1", "it", "student1", "parent1"])
def test_only_administration_imports(college, login, username):
    client = login(username)
    assert client.get("/import/").status_code in (302, 403)
    data = csv_bytes(STUDENT_HEADER, [student_row()])
    assert upload(client, "students", "s.csv", data).status_code in (302, 403)
    assert client.get("/import/template/students").status_code in (302, 403)


def test_anonymous_cannot_import(client, college):
    assert client.get("/import/").status_code == 302
    response = client.post("/import/upload", data={"kind": "students"})
    assert response.status_code in (302, 401, 403)


def test_oversize_upload_gets_russian_413(app, college, db, login):
    client = login("director")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = upload(client, "students", "big.csv", b"x" * 4096)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "Файл слишком большой" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Student)) == 8


def test_import_page_lists_kinds(college, login):
    page = login("director").get("/import/").get_data(as_text=True)
    for title in ("Студенты и родители", "Учебные планы", "Педагогическая нагрузка",
                  "Шаблон XLSX"):
        assert title in page


# --- hostile files (finding 13) -------------------------------------------------------------------
def _with_extra_parts(data: bytes, parts: dict) -> bytes:
    """The same XLSX with more parts added to its archive."""
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def test_archive_expanding_beyond_the_limit_is_refused_fast(college, db, login):
    import time
    bomb = _with_extra_parts(xlsx(STUDENT_HEADER, [student_row()]),
                             {"xl/media/pad.bin": b"\0" * (52 * 1024 * 1024)})
    assert len(bomb) < 200_000
    before = counts(db)
    started = time.monotonic()
    with pytest.raises(ImportRefused) as refused:
        import_file("students", "bomb.xlsx", bomb)
    elapsed = time.monotonic() - started
    message = refused.value.problems[0]
    assert "распакованном виде" in message and "52 МБ" in message
    assert elapsed < 1.0, elapsed
    page = upload(login("director"), "students", "bomb.xlsx", bomb).get_data(as_text=True)
    assert "распакованном виде" in page
    assert counts(db) == before


def test_archive_with_extreme_compression_or_many_parts_is_refused(college, db):
    small = xlsx(STUDENT_HEADER, [student_row()])
    dense = _with_extra_parts(small, {"xl/media/pad.bin": b"A" * (5 * 1024 * 1024)})
    with pytest.raises(ImportRefused) as refused:
        import_file("students", "dense.xlsx", dense)
    assert "сжат подозрительно" in refused.value.problems[0]
    many = _with_extra_parts(small, {f"xl/media/{n}.bin": b"x" for n in range(300)})
    with pytest.raises(ImportRefused) as refused:
        import_file("students", "many.xlsx", many)
    assert "частей" in refused.value.problems[0]


@pytest.mark.parametrize("encoding,found", [("koi8_r", "KOI8-R"),
                                            ("utf-16-le", "UTF-16 без метки BOM")])
def test_csv_in_another_encoding_names_the_expected_one(college, db, encoding, found):
    text = csv_bytes(STUDENT_HEADER, [student_row(parents=[MOTHER])]).decode("utf-8")
    data = text.encode(encoding, errors="replace")  # KOI8-R has no «№»
    with pytest.raises(ImportRefused) as refused:
        import_file("students", "students.csv", data)
    assert "UTF-8" in refused.value.problems[0] and found in refused.value.problems[0]
    assert db.session.scalar(select(func.count()).select_from(Student)) == len(college.students)


def test_csv_in_utf16_with_a_bom_is_read(college, db):
    data = csv_bytes(STUDENT_HEADER, [student_row(parents=[MOTHER])], ";", "utf-16")
    assert import_file("students", "students.csv", data)["студентов"] == 1


def test_formula_cell_is_reported_as_a_formula(college, db):
    data = xlsx(STUDENT_HEADER, [student_row(last='=UPPER("орлов")'), student_row(book="25-101")])
    with pytest.raises(ImportRefused) as refused:
        import_file("students", "students.xlsx", data)
    assert refused.value.problems == ["Строка 2: «Фамилия» — в ячейке формула, нужно значение"]
