"""`GET /api/v1/sheets/<id>` (2.2, 4.7; issue 14.7): the sheet as JSON with a Bearer token,
under the journals' row rules; 401 without a token, 403/404 for other rows, students and
parents have none."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models import AuditLog
from app.services.assessment import sheets
from tests.factories import PASSWORD
from tests.journal_helpers import today  # noqa: F401
from tests.test_sheets import taught  # noqa: F401


def _token(app, username):
    r = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["access_token"]


def _get(app, path, username=None):
    headers = {"Authorization": f"Bearer {_token(app, username)}"} if username else {}
    return app.test_client().get(path, headers=headers)


@pytest.fixture()
def sheet(taught, db, app):  # noqa: F811
    c = taught
    made = sheets.create_sheet(c.teacher1, c.journal_a_op.id, c.autumn.id, "exam",
                               date(2025, 12, 25), "ауд. 214", [c.teacher2.id],
                               date(2025, 10, 15))
    sheets.decide(c.teacher1, made.id, c.student2.id, "refuse", "не выполнены практические работы")
    db.session.commit()
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    sheets.save_grades(c.teacher1, made.id, {c.student1.id: "5"})
    db.session.commit()
    return made


def test_sheet_as_json(taught, sheet, app, db):  # noqa: F811
    c = taught
    r = _get(app, f"/api/v1/sheets/{sheet.id}", "teacher1")
    assert r.status_code == 200, r.get_json()
    data = r.get_json()["result"]
    assert (data["number"], data["kind"], data["exam_date"]) == (sheet.number, "exam",
                                                                 "2025-12-25")
    assert (data["group"], data["place"], data["journal_id"]) == ("ИС-24-1", "ауд. 214",
                                                                  c.journal_a_op.id)
    assert [e["id"] for e in data["examiners"]] == [c.teacher1.id, c.teacher2.id]
    rows = {row["student_id"]: row for row in data["rows"]}
    assert set(rows) == {s.id for s in c.a_students}
    assert rows[c.student1.id]["grade"] == "5" and rows[c.student1.id]["grade_words"] == "отлично"
    assert rows[c.student1.id]["average"] == 4.33 and rows[c.student1.id]["admitted"] is True
    assert rows[c.student1.id]["record_book"] == c.student1.record_book_number
    refused = rows[c.student2.id]
    assert (refused["admitted"], refused["reason"], refused["decision"]) == (
        False, "не выполнены практические работы", "refused")
    assert (refused["grade"], refused["grade_words"]) == ("н/а", "не допущен")
    popov = rows[c.popov.id]
    assert popov["admitted"] is False and "посещаемость" in popov["reason"]
    assert popov["attendance_pct"] == 25.0
    assert data["totals"]["admitted"] == sum(1 for row in data["rows"] if row["admitted"])
    by_grade = {(g["value"], g["words"]): g["count"] for g in data["totals"]["by_grade"]}
    assert by_grade[("5", "отлично")] == 1 and by_grade[("4", "хорошо")] == 0
    assert by_grade[("н/а", "не допущен")] == sum(
        1 for row in data["rows"] if row["grade"] == "н/а" and not row["admitted"])
    assert by_grade[("н/а", "не аттестован")] == 0 and by_grade[("неяв", "неявка")] == 0
    assert db.session.scalar(select(func.count()).where(
        AuditLog.action == "view", AuditLog.object_type == "exam_sheet")) == 1


def test_row_rules_of_the_api(taught, sheet, app):  # noqa: F811
    url = f"/api/v1/sheets/{sheet.id}"
    assert _get(app, url).status_code == 401
    assert app.test_client().get(url, headers={"Authorization": "Bearer nonsense"}
                                 ).status_code in (401, 422)
    for username in ("curator1", "deputy", "director"):
        assert _get(app, url, username).status_code == 200, username
    for username in ("teacher2", "curator2"):
        r = _get(app, url, username)
        assert r.status_code == 403 and r.get_json()["message"] == "Нет доступа к этой ведомости."
    for username in ("student1", "parent1", "it"):
        assert _get(app, url, username).status_code == 403, username
    r = _get(app, "/api/v1/sheets/987654", "teacher1")
    assert r.status_code == 404 and "не найдена" in r.get_json()["message"]
