"""Results (6.2) and objectivity (2.2) against hand-computed figures; XLSX re-opened."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.extensions import db as _db
from app.models import AuditLog
from app.services.control.reports import objectivity as obj, results as res
from tests.print_helpers import table_rows
from tests.reports_helpers import cell, final, lesson


@pytest.fixture()
def data(college, db):
    c = college
    s1, s2, s3, s4, _s5 = c.a_students
    for s, v in ((s1, "5"), (s2, "4"), (s3, "3"), (s4, "2")):
        final(c.journal_a_op, s, c.autumn, "exam", v)
    final(c.journal_a_up, s1, c.autumn, "credit", "зач")
    final(c.journal_a_up, s2, c.autumn, "credit", "незач")
    for s, v in ((s1, "5"), (s2, "4"), (s3, "4")):
        final(c.journal_a_mdk1, s, c.autumn, "diff_credit", v)
    final(c.journal_a_mdk2, s4, c.autumn, "diff_credit", "3")
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
    """6.2: every student of the group on the period's end date counts; one without a final
    grade is «не аттестован» and not passing (Соколов has none in ОП.01, three lack УП.01)."""
    rows = res.results(data.users["deputy"], [data.autumn])
    op = next(r for r in rows if "ОП.01" in r["discipline"] and r["group"] == "ИС-24-1")
    assert (op["count"], op["unattested"], op["success"], op["quality"], op["average"]) == \
        (5, 1, 60.0, 40.0, 3.5)
    assert (op["hours"], op["excused_share"]) == (5, 60.0)
    up = next(r for r in rows if "УП.01" in r["discipline"])
    assert (up["count"], up["unattested"], up["success"], up["quality"], up["average"]) == \
        (5, 3, 20.0, 20.0, None)
    mdk2 = next(r for r in rows if "2 подгруппа" in r["group"])
    assert (mdk2["count"], mdk2["unattested"], mdk2["success"], mdk2["quality"]) == \
        (2, 1, 50.0, 0.0)
    group = next(r for r in res.results(data.users["deputy"], [data.autumn], "group")
                 if r["group"] == "ИС-24-1")
    assert (group["count"], group["unattested"], group["success"], group["quality"],
            group["average"], group["hours"], group["excused_share"]) == \
        (5, 3, 20.0, 20.0, 3.75, 5, 60.0)


def test_one_of_five_graded_is_not_a_hundred_percent(college, db):
    """6.2: with 1 of 5 students graded the report shows 20 %, not 100 %."""
    final(college.journal_a_op, college.student1, college.autumn, "exam", "5")
    db.session.commit()
    rows = res.results(college.users["deputy"], [college.autumn])
    op = next(r for r in rows if "ОП.01" in r["discipline"] and r["group"] == "ИС-24-1")
    assert (op["count"], op["unattested"], op["success"], op["quality"]) == (5, 4, 20.0, 20.0)


def test_students_counted_by_membership_on_the_period_end(data, db):
    """6.2: a student who left the group before the period's end is not in its figures; one
    who is in the group on that day is, graded or not."""
    from app.models import GroupMembership
    s5 = data.a_students[4]
    db.session.query(GroupMembership).filter_by(student_id=s5.id).update(
        {"end_date": date(2025, 11, 30)})
    db.session.commit()
    rows = res.results(data.users["deputy"], [data.autumn])
    op = next(r for r in rows if "ОП.01" in r["discipline"] and r["group"] == "ИС-24-1")
    assert (op["count"], op["unattested"], op["success"], op["quality"]) == (4, 0, 75.0, 50.0)


def test_results_xlsx_and_rights(data, login):
    director = login("director")
    resp = director.get(f"/reports/results?period={data.autumn.id}&format=xlsx")
    ws = load_workbook(BytesIO(resp.data)).active
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    op = next(r for r in rows if r[0] == "ИС-24-1" and "ОП.01" in r[1])
    assert op[3:10] == [5, 1, 60, 40, 3.5, 5, 60]
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
    assert table_rows(ws)[1][3:9] == (
        4, 4.25, 3.5, -0.75, 50, "да")
    assert login("curator1").get("/reports/objectivity").status_code in (302, 403)
