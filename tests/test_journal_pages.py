"""Journal pages: list, grid, lesson form, print, XLSX, hours report, start page."""
from datetime import date, timedelta
from io import BytesIO

from sqlalchemy import func, select

from app.models import AcademicYear, Journal, TeachingLoad
from app.services.journal.generation import generate_journals
from tests.print_helpers import table_header, table_rows
from tests.journal_helpers import TODAY, add_lesson, change, today  # noqa: F401


def test_grid_page_has_csrf_meta_and_local_script(college, login, db, today):
    from app.models import AuditLog
    r = login("teacher1").get(f"/journal/{college.journal_a_op.id}/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'name="csrf-token"' in html
    assert "js/journal_grid.js" in html and "http" not in html.split("journal_grid.js")[0][-60:]
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "journal_view")) == 1


def test_grid_page_rights(college, login, today):
    jid = college.journal_a_op.id
    assert login("teacher2").get(f"/journal/{jid}/").status_code == 403
    assert login("student1").get(f"/journal/{jid}/").status_code in (302, 403)
    assert login("curator1").get(f"/journal/{jid}/").status_code == 200
    assert login("it").get(f"/journal/{jid}/").status_code == 200
    assert login("teacher1").get("/journal/999/").status_code == 404


def test_grid_page_shows_write_buttons_only_to_writers(college, login, db, today):
    """The journal's teacher (and a substitute in it) gets the entry buttons; the deputy,
    the director and the curator of another teacher's journal read it without them."""
    jid = college.journal_a_op.id
    html = login("teacher1").get(f"/journal/{jid}/").get_data(as_text=True)
    assert 'id="jg-new-lesson"' in html and 'id="jg-keypad"' in html
    assert 'data-writer="1"' in html and 'id="jg-readonly"' not in html
    for name in ("curator1", "director", "deputy"):
        html = login(name).get(f"/journal/{jid}/").get_data(as_text=True)
        assert 'id="jg-new-lesson"' not in html and 'id="jg-keypad"' not in html, name
        assert 'id="jg-work-kind"' not in html and 'id="jg-readonly"' in html, name
    add_lesson(db, college.journal_a_op, TODAY, teacher=college.teacher2, substitution=True)
    html = login("teacher2").get(f"/journal/{jid}/").get_data(as_text=True)
    assert 'id="jg-keypad"' in html and 'id="jg-new-lesson"' not in html


def test_lesson_form_refuses_tomorrow_and_accepts_today(college, login, db, today):
    from app.models import Lesson
    c = login("teacher1")
    url = f"/journal/{college.journal_a_op.id}/lesson/"
    page = c.get(url).get_data(as_text=True)
    assert TODAY.isoformat() in page and college.topics[0].title in page
    assert f'max="{TODAY.isoformat()}"' in page  # 4.6: the picker offers no future day
    r = c.post(url, data={"lesson_date": (TODAY + timedelta(days=1)).isoformat(),
                          "pair_number": "1", "hours": "2"})
    assert r.status_code == 400 and "будущей" in r.get_data(as_text=True)
    r = c.post(url, data={"lesson_date": TODAY.isoformat(), "pair_number": "2", "hours": "2",
                          "topic_id": str(college.topics[0].id), "homework": "<b>§1</b>",
                          "homework_kind": "practical", "off_timetable_reason": "extra"})
    assert r.status_code == 302
    lesson = db.session.scalar(select(Lesson))
    assert lesson.topic == college.topics[0].title and lesson.homework == "<b>§1</b>"
    page = c.get(f"/journal/{college.journal_a_op.id}/print/").get_data(as_text=True)
    assert "&lt;b&gt;§1&lt;/b&gt;" in page and "<b>§1</b>" not in page
    r = c.post(f"{url}{lesson.id}/", data={"lesson_date": "01.10.2025", "pair_number": "2",
                                            "hours": "2", "topic": "Повторение",
                                            "off_program_reason": "повторение"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).lesson_date == date(2025, 10, 1)
    r = c.post(f"{url}{lesson.id}/", data={"action": "delete"})  # asks first (1.6)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"{lesson.id}/delete")
    assert c.post(f"{url}{lesson.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0


def test_lesson_form_forbidden_for_other_teacher(college, login, today):
    r = login("teacher2").post(f"/journal/{college.journal_a_op.id}/lesson/",
                               data={"lesson_date": TODAY.isoformat()})
    assert r.status_code == 403


def test_print_and_xlsx_export(college, login, db, today):
    from openpyxl import load_workbook

    from app.models import AuditLog
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Файловые системы")
    lesson.lesson_type, lesson.homework, lesson.homework_kind = (
        "laboratory", "Отчёт по работе №3", "laboratory")
    db.session.commit()
    c = login("teacher1")
    c.put(f"/api/v1/journals/{college.journal_a_op.id}/marks",
          json={"changes": [change(lesson, college.student1, marks=["5"]),
                            change(lesson, college.student2, absent=True)]})
    page = c.get(f"/journal/{college.journal_a_op.id}/print/").get_data(as_text=True)
    assert "Файловые системы" in page and "15.10" in page and "Н" in page
    r = c.get(f"/journal/{college.journal_a_op.id}/xlsx/")
    assert r.status_code == 200
    book = load_workbook(BytesIO(r.data))
    values = table_rows(book["Отметки"])
    assert any(5 in row for row in values) and any("Н" in row for row in values)
    lessons = table_rows(book["Занятия"])
    assert lessons[1][3] == "Файловые системы"
    # 4.8: the lesson type and the homework's kind read as words, not as stored codes
    assert list(lessons[1][4:7]) == [
        "лабораторная работа", "Отчёт по работе №3", "лабораторная работа"]
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "export")) == 2
    assert login("teacher2").get(f"/journal/{college.journal_a_op.id}/xlsx/").status_code == 403


def test_hours_report_counts_substitutions(college, login, db, today):
    from openpyxl import load_workbook
    add_lesson(db, college.journal_a_op, date(2025, 9, 10))
    add_lesson(db, college.journal_a_op, date(2025, 10, 10))
    add_lesson(db, college.journal_b_op, date(2025, 10, 11), teacher=college.teacher1,
               substitution=True)
    add_lesson(db, college.journal_b_op, date(2025, 10, 12))
    from app.services.journal.hours import hours_report
    rows = {r["teacher_id"]: r for r in hours_report(college.deputy, college.autumn.academic_year)}
    t1 = rows[college.teacher1.id]
    assert (t1["lessons"], t1["hours"], t1["substitution_hours"]) == (3, 6, 2)
    assert t1["months"][10] == {"lessons": 2, "hours": 4, "substitution_hours": 2,
                                "off_timetable_hours": 0}
    assert t1["load"] == 72 + 48
    assert rows[college.teacher2.id]["hours"] == 2
    own = hours_report(college.teacher1, college.autumn.academic_year)
    assert [r["teacher_id"] for r in own] == [college.teacher1.id]
    page = login("teacher1").get("/hours/").get_data(as_text=True)
    assert "Петрова Анна" in page and "Завучева" not in page
    r = login("deputy").get("/hours/xlsx/")
    assert r.status_code == 200
    rows = table_rows(load_workbook(BytesIO(r.data)).active)
    assert rows[1][0] == "Кураторова Елена" and len(rows) == 4  # the header, 3 teachers
    assert login("student1").get("/hours/").status_code in (302, 403)


def test_start_page_lists_teacher_journals(college, login, today):
    html = login("teacher1").get("/").get_data(as_text=True)
    assert f"/journal/{college.journal_a_op.id}/" in html
    assert f"/journal/{college.journal_b_op.id}/" not in html
    assert "/hours/" in html


def test_journal_list_page_scoped(college, login, today):
    html = login("teacher2").get("/journal/").get_data(as_text=True)
    assert f"/journal/{college.journal_b_op.id}/" in html
    assert f"/journal/{college.journal_a_op.id}/" not in html


def test_deleting_a_lesson_keeps_its_cells_in_the_audit_log(college, login, db, today):
    """1.6: a deleted lesson takes its cells along, but what they held stays on record."""
    import json

    from app.models import AuditLog, JournalCell, Lesson, Mark
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic="Ошибочная запись")
    c = login("teacher1")
    r = c.put(f"/api/v1/journals/{college.journal_a_op.id}/marks",
              json={"changes": [change(lesson, college.student1, marks=["5", "4"]),
                                change(lesson, college.student2, absent=True)]})
    assert r.status_code == 200
    url = f"/journal/{college.journal_a_op.id}/lesson/{lesson.id}/delete"
    assert login("teacher2").post(url).status_code == 403
    assert c.post(url).status_code == 302
    for model in (Lesson, JournalCell, Mark):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "lesson_delete"))
    details = json.loads(entry.details)
    assert details["cells"] == {str(college.student1.id): "5 4", str(college.student2.id): "Н"}


def test_xlsx_exports_never_hold_formulas(college, login, db, today):
    """Text a teacher typed (a topic, homework) that starts with = stays text in the XLSX
    journal and in the year archive: opening the file runs nothing."""
    from openpyxl import load_workbook

    from app.services.records import archive
    payload = '=HYPERLINK("http://evil.test","Открыть")'
    lesson = add_lesson(db, college.journal_a_op, TODAY, topic=payload)
    lesson.homework = "=1+2"
    db.session.commit()
    r = login("teacher1").get(f"/journal/{college.journal_a_op.id}/xlsx/")
    sheet = load_workbook(BytesIO(r.data))["Занятия"]
    first = table_header(sheet)[0] + 1
    assert (sheet[f"D{first}"].value, sheet[f"D{first}"].data_type) == (payload, "s")
    assert (sheet[f"F{first}"].value, sheet[f"F{first}"].data_type) == ("=1+2", "s")
    data = archive.collect(college.group_a, college.year)
    book = load_workbook(BytesIO(archive.to_xlsx(data)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and payload in c.value and "=1+2" in c.value]
    assert len(cells) == 1 and {c.data_type for c in cells} == {"s"}


def test_journal_list_names_the_year_and_puts_the_current_year_first(college, login, db, today):
    """Last year's journal of the same group and discipline must not be taken for this year's."""
    newer = AcademicYear(name="2026/2027", start_date=date(2026, 9, 1), end_date=date(2027, 6, 30))
    db.session.add(newer)
    db.session.flush()
    db.session.add(TeachingLoad(academic_year_id=newer.id, group_id=college.group_a.id,
                                discipline_id=college.op01.id, teacher_id=college.teacher1.id,
                                hours=72))
    db.session.flush()
    generate_journals(newer.id)
    db.session.commit()
    current = db.session.scalar(select(Journal).where(Journal.academic_year_id == newer.id))
    html = login("teacher1").get("/journal/").get_data(as_text=True)
    assert "2026/2027" in html and "2025/2026" in html
    older = college.journal_a_op.id
    assert html.index(f"/journal/{current.id}/") < html.index(f"/journal/{older}/")
    grid = login("teacher1").get(f"/journal/{current.id}/").get_data(as_text=True)
    assert "2026/2027" in grid


def test_lesson_form_of_last_years_journal_opens_on_a_day_of_that_year(app, college, login,
                                                                       monkeypatch):
    """In September the 2025/2026 journal's form must not default to a date the server refuses
    («вне учебного года»): it offers only the year's days, its last day first."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2026-09-10")
    page = login("teacher1").get(f"/journal/{college.journal_a_op.id}/lesson/").get_data(
        as_text=True)
    assert 'min="2025-09-01" max="2026-06-30"' in page and 'value="2026-06-30"' in page
    assert 'value="2026-09-10"' not in page
