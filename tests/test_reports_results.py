"""Results (6.2) and objectivity (2.2) against hand-computed figures; XLSX re-opened."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.extensions import db as _db
from app.models import AuditLog
from app.services.reports import objectivity as obj
from app.services.reports import results as res
from tests.reports_helpers import cell, final, lesson


@pytest.fixture()
def data(college, db):
    c = college
    s1, s2, s3, s4, _s5 = c.a_students
    for s, v in ((s1, "5"), (s2, "4"), (s3, "3"), (s4, "2")):
        final(c.journal_a_op, s, c.autumn, "exam", v)
    final(c.journal_a_up, s1, c.autumn, "credit", "зач")
    final(c.journal_a_up, s2, c.autumn, "credit", "незач")
    l1 = lesson(c.journal_a_op, date(2025, 10, 13), 1, hours=2)
    l2 = lesson(c.journal_a_op, date(2025, 10, 14), 1, hours=1)
    cell(l1, s1, absent=True, reason="illness")
    cell(l1, s2, absent=True, reason="unexcused")
    cell(l2, s3, absent=True, reason="excused")
    cell(l2, s1, marks=("5", "5"))
    cell(l1, s3, marks=("5",))
    cell(l2, s2, marks=("3",))
    cell(l2, s4, marks=("4", "4"))
    db.session.commit()
    return c


def test_results_by_journal_and_group(data):
    rows = res.results(data.users["deputy"], [data.autumn])
    op = next(r for r in rows if "ОП.01" in r["discipline"] and r["group"] == "ИС-24-1")
    assert (op["count"], op["success"], op["quality"], op["average"]) == (4, 75.0, 50.0, 3.5)
    assert (op["hours"], op["excused_share"]) == (5, 60.0)
    up = next(r for r in rows if "УП.01" in r["discipline"])
    assert (up["count"], up["success"], up["quality"], up["average"]) == (2, 50.0, 50.0, None)
    group = next(r for r in res.results(data.users["deputy"], [data.autumn], "group")
                 if r["group"] == "ИС-24-1")
    assert (group["count"], group["success"], group["quality"], group["average"],
            group["hours"], group["excused_share"]) == (4, 50.0, 25.0, 3.5, 5, 60.0)


def test_results_xlsx_and_rights(data, login):
    director = login("director")
    resp = director.get(f"/reports/results?period={data.autumn.id}&format=xlsx")
    ws = load_workbook(BytesIO(resp.data)).active
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    op = next(r for r in rows if r[0] == "ИС-24-1" and "ОП.01" in r[1])
    assert op[3:9] == [4, 75, 50, 3.5, 5, 60]
    assert _db.session.query(AuditLog).filter_by(action="export").count() == 1
    page = director.get(f"/reports/results?period={data.autumn.id}")
    assert page.status_code == 200 and "chart.umd.min.js" in page.get_data(as_text=True)
    assert director.get("/static/vendor/chart.js/chart.umd.min.js").status_code == 200
    assert director.get(f"/reports/results?year={data.year.id}&print=1").status_code == 200
    for user in ("curator1", "teacher1", "student1"):
        client = login(user)
        assert client.get("/reports/results").status_code in (302, 403)
        assert client.get("/reports/results?format=xlsx").status_code in (302, 403)


def test_objectivity(data, login):
    rows = obj.objectivity(data.users["deputy"], data.autumn)
    (row,) = rows
    assert (row["students"], row["current"], row["final"], row["gap"], row["far_share"],
            row["outlier"]) == (4, 4.25, 3.5, -0.75, 50.0, True)
    deputy = login("deputy")
    page = deputy.get(f"/reports/objectivity?period={data.autumn.id}").get_data(as_text=True)
    assert "outlier" in page
    ws = load_workbook(BytesIO(deputy.get(
        f"/reports/objectivity?period={data.autumn.id}&format=xlsx").data)).active
    assert list(ws.iter_rows(min_row=2, values_only=True))[0][3:9] == (
        4, 4.25, 3.5, -0.75, 50, "да")
    assert login("curator1").get("/reports/objectivity").status_code in (302, 403)
