"""Student's record (2.2, 3.6) and its row rights on the page, the API and the export;
parent access ends at the 18th birthday or when the child leaves (5.2)."""
import re
from datetime import date, datetime
from io import BytesIO

import pytest
from sqlalchemy import select

from app.models import AuditLog
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.portal_helpers import fixed_today, previous_year, seed_record  # noqa: F401


@pytest.fixture()
def c(college, db, fixed_today):  # noqa: F811
    seed_record(db, college)
    previous_year(db, college)
    return college


def api(client, student):
    return client.get(f"/api/v1/students/{student.id}/record")


def test_student_sees_own_record_page(c, login, db):
    client = login("student1")
    home = client.get("/portal/")
    assert home.status_code == 302 and f"/portal/student/{c.student1.id}" in home.location
    page = client.get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert "Смирнов Артём Игоревич" in page
    assert "5 4" in page and "болезнь" in page and "Прочитать главу 3" in page
    assert "Лабораторная работа №2" in page  # homework of their own subgroup
    assert "(самостоятельная работа)" in page  # with its kind (4.8)
    assert "2024/2025" in page and "зач" in page  # history over all years
    assert db.session.scalar(select(AuditLog).where(
        AuditLog.action == "record_view", AuditLog.object_id == str(c.student1.id)))


def test_record_api_contents(c, login):
    data = api(login("student1"), c.student1).get_json()["result"]
    by_code = {d["code"]: d for d in data["disciplines"]}
    assert set(by_code) == {"ОП.01", "МДК.01.01", "УП.01"}
    op = by_code["ОП.01"]
    assert op["average"] == 4.5 and op["absences"] == 1
    assert [e["date"] for e in op["entries"]] == ["2025-10-13", "2025-10-15"]
    assert op["entries"][1]["absence_reason"] == "болезнь"
    assert op["final_grades"][0]["value"] == "5"
    assert {h["academic_year"] for h in data["history"]} == {"2024/2025", "2025/2026"}
    assert {h["text"] for h in data["homework"]} == {"Прочитать главу 3",
                                                     "Лабораторная работа №2"}
    # 4.8: the kind of each homework comes with it, as a code and as words
    assert {(h["kind"], h["kind_label"]) for h in data["homework"]} == {
        ("independent", "самостоятельная работа"), ("laboratory", "лабораторная работа")}
    assert not data["limited_to_own_disciplines"]
    # each discipline with its name, kind and teacher; homework names its discipline
    journal = c.journal_a_op
    assert (op["name"], op["kind"], op["teacher"]) == (
        journal.discipline.name, journal.discipline.kind,
        f"{journal.teacher.last_name} {journal.teacher.first_name}")
    assert {h["discipline"] for h in data["homework"]} == {
        f"{j.discipline.code} {j.discipline.name}" for j in (journal, c.journal_a_mdk1)}
    assert data["period"]["name"] == f"{c.autumn.academic_year.name} {c.autumn.name}"


def test_student_cannot_open_another_record(c, login, db):
    client = login("student1")
    for other in (c.student3, c.student2):
        assert client.get(f"/portal/student/{other.id}").status_code == 403
        answer = api(client, other)
        assert answer.status_code == 403 and "Нет доступа" in answer.get_json()["message"]
        assert client.get(f"/portal/student/{other.id}/record.xlsx").status_code == 403
    denied = db.session.scalars(select(AuditLog.object_id).where(
        AuditLog.action == "access_denied")).all()
    assert sorted(denied) == sorted([str(c.student3.id)] * 3 + [str(c.student2.id)] * 3)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "record_view")) is None


def test_parent_of_minor_child(c, login):
    client = login("parent1")
    page = client.get("/portal/").get_data(as_text=True)
    assert f"/portal/student/{c.student1.id}" in page
    assert client.get(f"/portal/student/{c.student1.id}").status_code == 200
    assert api(client, c.student1).status_code == 200
    assert client.get(f"/portal/student/{c.student3.id}").status_code == 403
    assert api(client, c.student3).status_code == 403


def test_parent_of_adult_child_sees_why(c, login):
    client = login("parent2")
    page = client.get("/portal/").get_data(as_text=True)
    assert "исполнилось 18 лет (10.05.2024)" in page
    assert f"/portal/student/{c.student2.id}\"" not in page
    answer = api(client, c.student2)
    assert answer.status_code == 403 and "18 лет" in answer.get_json()["message"]
    assert client.get(f"/portal/student/{c.student2.id}/record.xlsx").status_code == 403


def test_parent_access_ends_on_18th_birthday(c, login, fixed_today):  # noqa: F811
    client = login("parent1")
    fixed_today(date(2027, 3, 14))  # the day before student1 turns 18
    assert api(client, c.student1).status_code == 200
    fixed_today(date(2027, 3, 15))
    answer = api(client, c.student1)
    assert answer.status_code == 403
    assert "исполнилось 18 лет (15.03.2027)" in answer.get_json()["message"]
    assert "15.03.2027" in client.get("/portal/").get_data(as_text=True)


def test_parent_access_ends_when_child_leaves(c, login, db):
    c.student1.status = "expelled"
    db.session.commit()
    client = login("parent1")
    answer = api(client, c.student1)
    assert answer.status_code == 403 and "больше не обучается" in answer.get_json()["message"]


def test_curator_sees_own_group_only(c, login):
    client = login("curator1")
    data = api(client, c.student1).get_json()["result"]
    assert {d["code"] for d in data["disciplines"]} == {"ОП.01", "МДК.01.01", "УП.01"}
    assert client.get(f"/portal/student/{c.student1.id}").status_code == 200
    assert api(client, c.student3).status_code == 403


def test_teacher_sees_only_their_disciplines(c, login):
    data = api(login("teacher1"), c.student1).get_json()["result"]
    assert data["limited_to_own_disciplines"]
    assert {d["code"] for d in data["disciplines"]} == {"ОП.01", "МДК.01.01"}
    assert {h["code"] for h in data["history"]} == {"ОП.01"}
    client = login("teacher2")
    # teaches the other subgroup only: a student of their current group (the people screens'
    # rule, tests/test_student_row_rule.py), whose record holds none of their disciplines
    assert api(client, c.student1).get_json()["result"]["disciplines"] == []
    other = api(client, c.students[3]).get_json()["result"]
    assert {d["code"] for d in other["disciplines"]} == {"МДК.01.01"}
    assert api(client, c.student3).status_code == 200


def test_administration_reads_everything_it_does_not(c, login):
    for name in ("director", "deputy", "admin"):
        client = login(name)
        assert api(client, c.student3).status_code == 200, name
        assert client.get(f"/portal/student/{c.student3.id}").status_code == 200
    client = login("it")
    assert api(client, c.student1).status_code == 403
    assert client.get(f"/portal/student/{c.student1.id}").status_code in (302, 403)


def test_unknown_student_and_anonymous(c, app, login):
    assert api(login("director"), type("S", (), {"id": 999999})).status_code == 404
    assert app.test_client().get(f"/api/v1/students/{c.student1.id}/record").status_code == 401


def test_export_is_own_data_and_audited(c, login, db):
    from openpyxl import load_workbook
    answer = login("student1").get(f"/portal/student/{c.student1.id}/record.xlsx")
    assert answer.status_code == 200
    book = load_workbook(BytesIO(answer.data))
    values = [cell for row in book["Текущий период"].iter_rows(values_only=True) for cell in row]
    assert "Обучающийся: Смирнов Артём Игоревич; группа ИС-24-1" in values and "5 4" in values
    assert all("Попов" not in str(v) for v in values)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "export",
                                                    AuditLog.object_type == "student"))


def test_record_query_count_does_not_grow_with_lessons(c, login, db):
    from sqlalchemy import event

    from tests.portal_helpers import add_cell, add_lesson

    client = login("student1")
    api(client, c.student1)  # warm-up: the login's first requests load the roles

    def count_queries():
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert api(client, c.student1).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    counts = []
    for days in (range(1, 4), range(4, 12)):
        for day in days:
            lesson = add_lesson(db, c.journal_a_op, date(2025, 10, day), 3,
                                homework=f"Задание {day}")
            add_cell(db, lesson, c.student1, ["4"])
        db.session.commit()
        counts.append(count_queries())
    # the account with its roles, the student, journals, all periods, the lessons with the
    # student's cells and marks (one query for the period, its attendance and the week), final
    # grades, enrolment, the week's timetable and changes, the audit entry's seal (3): 12–13,
    # where it was 28 when lessons, cells and marks were read apart for each part
    assert counts[0] == counts[1] <= 13


def test_a_new_period_shows_only_its_own_lessons(c, login, db, fixed_today):  # noqa: F811
    """Two days into the spring semester the diary's week reaches back into the autumn (its
    homework may still be due), but the period's entries, average and attendance are the
    spring's alone: the lessons read once for both are split by the period's dates."""
    from tests.portal_helpers import add_cell, add_lesson
    fixed_today(date(2026, 1, 14))
    autumn_mark = add_lesson(db, c.journal_a_op, date(2025, 12, 31), 2)
    add_cell(db, autumn_mark, c.student1, ["2"])
    autumn_absence = add_lesson(db, c.journal_a_op, date(2025, 12, 31), 3)
    add_cell(db, autumn_absence, c.student1, absent=True)
    spring = add_lesson(db, c.journal_a_op, date(2026, 1, 13), 1, homework="Повторить тему 5")
    add_cell(db, spring, c.student1, ["5"])
    db.session.commit()
    data = api(login("student1"), c.student1).get_json()["result"]
    assert data["period"]["id"] == c.spring.id and data["period"]["current"]
    op = {d["code"]: d for d in data["disciplines"]}["ОП.01"]
    assert [(e["date"], e["marks"]) for e in op["entries"]] == [("2026-01-13", ["5"])]
    assert op["average"] == 5 and op["absences"] == 0
    assert data["attendance"]["missed_total"] == 0 and data["attendance"]["hours"] > 0
    days = {d["date"]: d for d in data["week"]["days"]}
    assert "2025-12-31" not in days
    assert [p["marks"] for p in days["2026-01-13"]["pairs"] if p["code"] == "ОП.01"] == [["5"]]
    assert [h["text"] for h in data["homework"]] == ["Повторить тему 5"]
    # the autumn keeps its own: opened on the autumn, the diary has 31 December's «2» and «Н»
    html = login("student1").get(
        f"/portal/student/{c.student1.id}?period={c.autumn.id}").get_data(as_text=True)
    autumn_op = grid_rows(html)["ОП.01"]
    assert "2" in autumn_op and "Н" in autumn_op


# --- the diary page: grid of disciplines × dates, week, periods (2.2, 4.8, 5.4) --------------
def grid_rows(html: str) -> dict[str, list[str]]:
    """The diary grid as {discipline code: [header…, cell texts…]} (tags stripped)."""
    table = html.split('id="record-current"')[1].split("</table>")[0]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", td)).strip()
                 for td in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        rows[cells[0].split()[0]] = cells
    return rows


def test_diary_grid_has_cells_averages_absences_and_finals(c, login):
    html = login("student1").get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    rows = grid_rows(html)
    assert rows["Дисциплина"] == ["Дисциплина", "13.10", "14.10", "15.10", "16.10",
                                  "Ср.", "Н", "Итог"]
    # ОП.01: 5 4 on 13.10, «Н» on 15.10, average 4.50, one absence, exam grade 5
    assert rows["ОП.01"][1:] == ["5 4", "", "Н", "", "4.50", "1", "5"]
    assert rows["МДК.01.01"][1:] == ["", "3", "", "", "3.00", "", ""]
    assert rows["УП.01"][1:] == ["", "", "", "зач", "—", "", ""]
    assert "ошибка?" not in html and "15.10.2025, ОП.01 Операционные системы — болезнь" in html
    # each mark opens the wrong-mark form of its own lesson; «Н» is no link
    assert html.count('class="rec-mark"') == 4
    assert f'data-lesson="{c.les_op.id}"' in html and f'data-lesson="{c.les_op2.id}"' not in html


def test_wrong_mark_form_opens_for_the_mark_without_scripts(c, login):
    client = login("student1")
    html = client.get(f"/portal/student/{c.student1.id}?report={c.les_op.id}").get_data(
        as_text=True)
    dialog = html.split('id="rec-report"')[1].split("</dialog>")[0]
    assert dialog.lstrip().startswith("open") and "ОП.01, 13.10.2025: 5 4" in dialog
    assert f'value="{c.les_op.id}"' in dialog
    # an absence-only entry or someone else's lesson opens nothing
    for bad in (c.les_op2.id, c.les_b.id, "x"):
        html = client.get(f"/portal/student/{c.student1.id}?report={bad}").get_data(as_text=True)
        assert not html.split('id="rec-report"')[1].lstrip().startswith("open")


def test_week_shows_timetable_marks_and_homework_due(c, login, db):
    from app.models import TimetableEntry
    db.session.add_all([  # Friday pair 1 ОП.01 in room 204, Monday pair 2 МДК.01.01
        TimetableEntry(period_id=c.autumn.id, group_id=c.group_a.id, weekday=4, pair_number=1,
                       journal_id=c.journal_a_op.id, room="204"),
        TimetableEntry(period_id=c.autumn.id, group_id=c.group_a.id, weekday=0, pair_number=2,
                       journal_id=c.journal_a_mdk1.id, room="лаб. 310")])
    db.session.commit()
    data = api(login("student1"), c.student1).get_json()["result"]
    week = data["week"]
    assert (week["monday"], week["saturday"]) == ("2025-10-13", "2025-10-18")
    friday = week["days"][4]
    assert friday["today"] and [(p["code"], p["room"]) for p in friday["pairs"]] == [
        ("ОП.01", "204")]
    monday = {p["code"]: p for p in week["days"][0]["pairs"]}
    assert monday["ОП.01"]["text"] == "5 4" and monday["МДК.01.01"]["room"] == "лаб. 310"
    assert week["days"][2]["pairs"][0]["absent"]
    due = {h["text"]: h for h in week["homework"]}
    # set on Tuesday 14.10, due at the next МДК.01.01 pair: Monday 20.10
    assert due["Лабораторная работа №2"]["due"] == "2025-10-20"
    assert not due["Лабораторная работа №2"]["past"]
    assert due["Прочитать главу 3"]["due"] == "2025-10-15" and due["Прочитать главу 3"]["past"]
    html = login("student1").get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert "к 20.10.2025" in html and "ауд. 204" in html
    # a room named with its kind is shown as it is, not as «ауд. лаб. 310»
    assert "лаб. 310" in html and "ауд. лаб." not in html


def test_earlier_periods_are_one_click_away(c, login, db, fixed_today):  # noqa: F811
    from tests.portal_helpers import add_cell, add_final, add_lesson
    fixed_today(date(2026, 2, 10))
    spring_lesson = add_lesson(db, c.journal_a_op, date(2026, 2, 9), 1)
    add_cell(db, spring_lesson, c.student1, ["3"])
    add_final(db, c.journal_a_op, c.student1, c.spring, "semester", "4")
    db.session.commit()
    client = login("student1")
    html = client.get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert grid_rows(html)["ОП.01"][1:] == ["3", "3.00", "", "4"]  # the current period: spring
    nav = html.split('id="record-periods"')[1].split("</nav>")[0]
    assert f"?period={c.autumn.id}" in nav and "2 семестр (текущий)" in nav
    assert "2024/2025 2 семестр" in nav  # last year's period too
    html = client.get(f"/portal/student/{c.student1.id}?period={c.autumn.id}").get_data(
        as_text=True)
    assert grid_rows(html)["ОП.01"][1:] == ["5 4", "", "Н", "", "4.50", "1", "5"]
    assert 'id="record-week"' not in html  # the week belongs to the current period
    data = api(client, c.student1).get_json()["result"]
    assert data["period"]["current"] and data["week"] is not None
    # an unknown or foreign period falls back to the current one
    for bad in ("999999", "abc", ""):
        html = client.get(f"/portal/student/{c.student1.id}?period={bad}").get_data(as_text=True)
        assert grid_rows(html)["ОП.01"][1:] == ["3", "3.00", "", "4"], bad
    xlsx = client.get(f"/portal/student/{c.student1.id}/record.xlsx?period={c.autumn.id}")
    from openpyxl import load_workbook
    values = [v for row in load_workbook(BytesIO(xlsx.data))["Текущий период"].iter_rows(
        values_only=True) for v in row]
    assert datetime(2025, 10, 13) in values and datetime(2026, 2, 9) not in values


def test_diary_row_rules(c, login, db):
    """The same row rules as the record: parents of minors see the grid and may report a mark;
    a teacher sees only their disciplines and reports nothing; an adult's parent is refused."""
    html = login("parent1").get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert set(grid_rows(html)) == {"Дисциплина", "ОП.01", "МДК.01.01", "УП.01"}
    assert 'class="rec-mark" href=' in html
    html = login("teacher1").get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert set(grid_rows(html)) == {"Дисциплина", "ОП.01", "МДК.01.01"}
    assert 'id="rec-report"' not in html and "href=" not in html.split(
        'id="record-current"')[1].split("</table>")[0]
    assert login("parent2").get(f"/portal/student/{c.student2.id}").status_code == 403
    assert login("student1").get(
        f"/portal/student/{c.student1.id}?report={c.les_b.id}").status_code == 200
