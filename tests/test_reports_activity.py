"""Activity report (6.1) against hand-computed figures; XLSX re-opened with the same numbers."""
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from app.services.control.reports import activity as act
from tests.reports_helpers import change, lesson


def test_activity(college, db, login):
    c = college
    l1 = lesson(c.journal_a_op, date(2025, 10, 13), 1)
    l2 = lesson(c.journal_a_op, date(2025, 10, 14), 1, late=True)
    lesson(c.journal_a_op, date(2025, 9, 1), 1)  # before the range
    change(l1, c.student1, c.teacher1)
    change(l1, c.student2, c.teacher1)
    change(l2, c.student1, c.teacher1, correction=True)
    db.session.commit()
    login("teacher1")
    login("teacher1")
    end = date.today() + timedelta(days=1)
    report = act.activity(date(2025, 10, 1), end)
    t1 = next(r for r in report["rows"] if r["user_id"] == c.teacher1.id)
    assert (t1["logins"], t1["lessons"], t1["in_time"], t1["in_time_share"], t1["marks"],
            t1["corrections"]) == (2, 2, 1, 50.0, 3, 1)
    dept = next(d for d in report["departments"] if d["department"].startswith("Отделение"))
    assert (dept["users"], dept["logins"], dept["lessons"], dept["marks"]) == (4, 2, 2, 3)
    only = act.activity(date(2025, 10, 1), end, c.department.id)
    assert len(only["rows"]) == 4
    director = login("director")
    resp = director.get(f"/reports/activity?start=2025-10-01&end={end.isoformat()}&format=xlsx")
    ws = load_workbook(BytesIO(resp.data))["Активность"]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "Петрова Анна")
    assert row[2:] == (2, 2, 1, 50, 1, 3, 1, 0)  # … late, marks, corrections, upheld
    assert director.get("/reports/activity?start=2025-10-10&end=2025-10-01").status_code == 422
    assert login("curator1").get("/reports/activity").status_code in (302, 403)
