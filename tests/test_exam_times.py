"""The time of day of exams, credits and retakes (4.7, 5.2; issue 27): typed on the sheet's and
the retake's forms («ЧЧ:ММ», optional), refused when unreadable with nothing saved, and shown
wherever the date is — the sheet's pages, its print-out and XLSX, the retake's sheet and
referral, the debt register, the student's and the family's session and the record API."""
import io
from datetime import time

import pytest
from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from app.errors import BadInput
from app.infra.daytime import parse_time
from app.models.audit import AuditLog
from app.models.debts import Retake
from app.models.sheets import ExamSheet
from tests.journal_helpers import today  # noqa: F401
from tests.test_debts import closed, debt_of  # noqa: F401
from tests.test_sheets import _create, _rows, _sheet, taught  # noqa: F401

BAD_TIME = "Время начала указывается как ЧЧ:ММ"


@pytest.mark.parametrize("text, expected", [
    ("09:00", time(9, 0)), ("9:05", time(9, 5)), (" 14:30 ", time(14, 30)),
    ("09:00:00", time(9, 0)), ("23:59", time(23, 59)), ("", None), ("  ", None), (None, None),
])
def test_a_time_of_day_is_read_as_hh_mm(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:99", "24:00", "12:60", "abc", "9", "09:00:30", "0900",
                                  "09.00", "-1:00", "９:００", 900])
def test_an_unreadable_time_is_refused_in_russian(app, text):
    with app.test_request_context(), pytest.raises(BadInput) as refused:
        parse_time(text)
    assert refused.value.message.startswith(BAD_TIME) and refused.value.status == 400


# --- the sheet ---------------------------------------------------------------------------------
def test_the_sheets_time_reaches_the_family_the_api_and_the_documents(taught, login, db):
    """The teacher types 09:00 on the form; the student and the parent read «25.12.2025, 09:00»
    in the diary's and the start page's session, the record API answers "09:00"; the sheet's
    page, print-out, XLSX and API carry it."""
    c = taught
    teacher = login("teacher1")
    assert 'type="time" name="starts_at"' in teacher.get("/sheets/").get_data(as_text=True)
    assert _create(teacher, c, starts_at="09:00").status_code == 302
    sheet = _sheet(db)
    assert sheet.starts_at == time(9, 0)
    row = _rows(db, sheet)[c.student1.id]
    row.admitted, row.admission_reason = False, "посещаемость 40,0 % ниже 50 %"
    db.session.commit()
    for username in ("student1", "parent1"):
        client = login(username)
        page = client.get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
        block = page.split('id="record-session"')[1].split("</table>")[0]
        assert "<td>25.12.2025, 09:00</td>" in block and "ауд. 214" in block, username
        home = client.get("/").get_data(as_text=True).split('class="home-session"')[1]
        assert "<b>25.12.2025, 09:00</b>" in home, username
        record = client.get(f"/api/v1/students/{c.student1.id}/record").get_json()
        assert [(e["date"], e["time"], e["place"]) for e in record["result"]["session"][
            "exams"]] == [("2025-12-25", "09:00", "ауд. 214")], username
    assert "25.12.2025, 09:00" in teacher.get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert "25.12.2025, 09:00" in teacher.get("/sheets/").get_data(as_text=True)
    printed = teacher.get(f"/sheets/{sheet.id}/print/").get_data(as_text=True)
    assert "25.12.2025, 09:00 · Место проведения: ауд. 214" in printed
    book = load_workbook(io.BytesIO(teacher.get(f"/sheets/{sheet.id}/xlsx/").data)).active
    cells = [v for row in book.iter_rows(values_only=True) for v in row if v is not None]
    assert "Дата: 25.12.2025, 09:00; место: ауд. 214" in cells
    answer = teacher.get(f"/api/v1/sheets/{sheet.id}").get_json()["result"]
    assert (answer["exam_date"], answer["time"]) == ("2025-12-25", "09:00")


def test_a_sheet_without_a_time_shows_the_date_alone(taught, login, db):
    c = taught
    assert _create(login("teacher1"), c).status_code == 302
    assert _sheet(db).starts_at is None
    record = login("student1").get(f"/api/v1/students/{c.student1.id}/record").get_json()
    assert [e["time"] for e in record["result"]["session"]["exams"]] == [None]
    page = login("student1").get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
    assert "<td>25.12.2025</td>" in page.split('id="record-session"')[1]


@pytest.mark.parametrize("bad", ["25:99", "abc"])
def test_a_bad_time_on_the_sheets_form_saves_nothing(taught, login, db, bad):
    c = taught
    r = _create(login("teacher1"), c, starts_at=bad)
    assert r.status_code == 400 and BAD_TIME in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ExamSheet)) == 0


def test_the_time_is_set_and_changed_on_the_sheet(taught, login, db):
    """A sheet made without a time gets one on its page; a bad time leaves it as it was;
    the student, who reads the sheet in the session only, cannot change it."""
    c = taught
    teacher = login("teacher1")
    _create(teacher, c)
    sheet = _sheet(db)
    page = teacher.get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert 'id="sheet-time-form"' in page and '<datalist id="pair-starts">' in page
    assert '<option value="08:30">' in page  # the bell schedule's first pair, a suggestion
    r = teacher.post(f"/sheets/{sheet.id}/time", data={"starts_at": "10:10"})
    assert r.status_code == 302
    assert _sheet(db).starts_at == time(10, 10)
    r = teacher.post(f"/sheets/{sheet.id}/time", data={"starts_at": "25:99"},
                     follow_redirects=True)
    assert BAD_TIME in r.get_data(as_text=True)
    assert _sheet(db).starts_at == time(10, 10)
    assert login("student1").post(f"/sheets/{sheet.id}/time", data={
        "starts_at": "12:00"}).status_code in (302, 403)
    assert login("teacher2").post(f"/sheets/{sheet.id}/time", data={
        "starts_at": "12:00"}).status_code in (302, 403, 404)
    assert _sheet(db).starts_at == time(10, 10)
    teacher.post(f"/sheets/{sheet.id}/time", data={"starts_at": "13:55"})  # off the bells
    assert _sheet(db).starts_at == time(13, 55)
    teacher.post(f"/sheets/{sheet.id}/time", data={"starts_at": ""})
    assert _sheet(db).starts_at is None


# --- the retake --------------------------------------------------------------------------------
def _schedule(client, c, debt, **extra):
    data = {"debt": debt.id, "date": "2026-02-02", "place": "ауд. 214",
            "examiner": c.teacher1.id}
    data.update(extra)
    return client.post("/debts/schedule", data=data)


def test_the_retakes_time_is_shown_wherever_its_date_is(closed, db, login):  # noqa: F811
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    deputy = login("deputy")
    assert 'type="time" name="time"' in deputy.get("/debts/").get_data(as_text=True)
    assert _schedule(deputy, c, debt, time="14:00").status_code == 302
    retake = db.session.scalar(select(Retake))
    assert retake.starts_at == time(14, 0)
    entry = retake.entries[0]
    pages = {
        "retake": deputy.get(f"/debts/retake/{retake.id}"),
        "sheet": deputy.get(f"/debts/retake/{retake.id}/sheet"),
        "referral": deputy.get(f"/debts/retake/{retake.id}/referral/{entry.id}"),
        "register": deputy.get("/debts/"),
        "student": deputy.get(f"/debts/student/{c.student1.id}"),
    }
    texts = {name: r.get_data(as_text=True) for name, r in pages.items()}
    assert "02.02.2026, 14:00" in texts["retake"]
    assert "Дата: 02.02.2026. Начало в 14:00. Место: ауд. 214." in texts["sheet"]
    assert "02.02.2026, 14:00, ауд. 214" in texts["referral"]
    assert "02.02.2026 14:00</a>" in texts["register"]
    assert "02.02.2026, 14:00, ауд. 214" in texts["student"]
    book = load_workbook(io.BytesIO(deputy.get("/debts/register.xlsx").data))["Задолженности"]
    assert "№1 02.02.2026 14:00: назначена" in [
        v for row in book.iter_rows(values_only=True) for v in row]
    for username in ("student1", "parent1"):
        client = login(username)
        api = client.get(f"/api/v1/students/{c.student1.id}/debts").get_json()["result"][
            "debts"]
        assert [(x["date"], x["time"]) for d in api for x in d["retakes"]] == [
            ("2026-02-02", "14:00")], username
        record = client.get(f"/api/v1/students/{c.student1.id}/record").get_json()
        assert {"date": "2026-02-02", "time": "14:00", "place": "ауд. 214"} in [
            d["retake"] for d in record["result"]["session"]["debts"]], username
        page = client.get(f"/portal/student/{c.student1.id}").get_data(as_text=True)
        assert "пересдача 02.02.2026, 14:00, ауд. 214" in page.split('id="record-debts"')[1]


@pytest.mark.parametrize("bad", ["25:99", "abc"])
def test_a_bad_time_on_the_retakes_form_saves_nothing(closed, db, login, bad):  # noqa: F811
    c = closed
    r = _schedule(login("deputy"), c, debt_of(db, c.student1, c.journal_a_op), time=bad)
    assert r.status_code == 400 and BAD_TIME in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Retake)) == 0


# --- the schema --------------------------------------------------------------------------------
def test_the_migration_adds_and_removes_the_start_times(app, db):
    def columns(table):
        return {column["name"] for column in inspect(db.engine).get_columns(table)}

    db.session.remove()
    try:
        downgrade(revision="0026")
        assert "starts_at" not in columns("exam_sheet") | columns("retake")
        assert {"exam_date", "place"} <= columns("exam_sheet")
    finally:
        upgrade(revision="heads")
    assert "starts_at" in columns("exam_sheet") and "starts_at" in columns("retake")


def test_the_retakes_time_is_set_changed_and_kept_once_held(closed, db, login):  # noqa: F811
    """A retake scheduled without a time gets one on its page, from those who schedule retakes;
    a bad time changes nothing; once a result is entered the time stays as it was held."""
    c = closed
    deputy = login("deputy")
    assert _schedule(deputy, c, debt_of(db, c.student1, c.journal_a_op)).status_code == 302
    retake = db.session.scalar(select(Retake))
    assert retake.starts_at is None
    page = f"/debts/retake/{retake.id}"
    assert 'id="retake-time-form"' in deputy.get(page).get_data(as_text=True)
    assert 'id="retake-time-form"' not in login("teacher1").get(page).get_data(as_text=True)

    def kept() -> time | None:
        db.session.expire_all()
        return db.session.get(Retake, retake.id).starts_at

    assert deputy.post(f"{page}/time", data={"time": "15:20"}).status_code == 302
    assert kept() == time(15, 20)
    answer = deputy.post(f"{page}/time", data={"time": "25:99"})
    assert answer.status_code == 400 and BAD_TIME in answer.get_data(as_text=True)
    assert login("teacher1").post(f"{page}/time", data={"time": "09:00"}).status_code == 403
    assert kept() == time(15, 20)
    assert ["15:20" in (a.details or "") for a in db.session.scalars(
        select(AuditLog).where(AuditLog.action == "retake_time"))] == [True]
    assert "время начала пересдачи" in login("it").get("/audit/list/").get_data(as_text=True)
    entry = db.session.get(Retake, retake.id).entries[0]
    entry.result = "4"
    db.session.commit()
    answer = deputy.post(f"{page}/time", data={"time": "09:00"})
    assert answer.status_code == 409 and "время её начала не меняется" in answer.get_data(
        as_text=True)
    assert kept() == time(15, 20)
