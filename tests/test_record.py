"""Student's record (2.2, 3.6) and its row rights on the page, the API and the export;
parent access ends at the 18th birthday or when the child leaves (5.2)."""
from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import select

from app.models import AuditLog
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.portal_helpers import (  # noqa: F401
    fixed_today, previous_year, seed_record,
)


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
    assert api(client, c.student1).status_code == 403  # teaches the other subgroup only
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
    assert "Смирнов Артём Игоревич" in values and "5 4" in values
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
    assert counts[0] == counts[1] < 30
