"""The attendance report (issue 14.6): hours missed by reason per month, semester and year,
attendance percentage, XLSX with the same figures; who may open it; the student's own
attendance in the diary; a fixed number of queries."""
import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.models import GroupMembership, JournalCell, Lesson, Student
from app.services.control import attendance
from tests.print_helpers import table_rows
from tests.factories import login_client
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.journal_helpers import count_queries

TODAY = date(2026, 2, 20)


@pytest.fixture()
def today(app):
    saved = app.config.get("JOURNAL_TODAY")
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    yield TODAY
    app.config["JOURNAL_TODAY"] = saved


def _lesson(db, journal, day, hours=2, pair=1, taken=True):
    row = Lesson(journal_id=journal.id, lesson_date=day, pair_number=pair, hours=hours,
                 teacher_id=journal.teacher_id, attendance_taken=taken,
                 subgroup_id=journal.subgroup_id)
    db.session.add(row)
    db.session.flush()
    return row


def _absent(db, lesson, student, reason=""):
    db.session.add(JournalCell(lesson_id=lesson.id, student_id=student.id, absent=True,
                               absence_reason=reason))


@pytest.fixture()
def data(college, db, today):
    """ОП.01 and УП.01 of group A. student1: September — 2 h without a reason and 2 h of
    illness; October — 4 h excused; February — 2 h unexcused. A student who joined group A on
    01.10 (student3, moved from group B) counts from that day only."""
    c = college
    op, up = c.journal_a_op, c.journal_a_up
    sep1, sep2 = _lesson(db, op, date(2025, 9, 2)), _lesson(db, up, date(2025, 9, 3))
    oct1 = _lesson(db, op, date(2025, 10, 6), hours=4)
    _lesson(db, up, date(2025, 10, 7))
    _lesson(db, op, date(2025, 10, 8), taken=False)  # attendance not taken: not counted
    feb = _lesson(db, op, date(2026, 2, 2))
    _absent(db, sep1, c.student1, "")
    _absent(db, sep2, c.student1, "illness")
    _absent(db, oct1, c.student1, "excused")
    _absent(db, feb, c.student1, "unexcused")
    db.session.add(GroupMembership(student_id=c.student3.id, group_id=c.group_a.id,
                                   start_date=date(2025, 10, 1)))
    _absent(db, sep1, c.student3, "")  # before joining: not counted
    db.session.commit()
    return c


def _row(report, student):
    return next(r for r in report["rows"] if r["student_id"] == student.id)


def test_hours_by_reason_per_month_period_and_year(data):
    c = data
    report = attendance.report(c.curator1, c.group_a.id, TODAY, period_id=c.autumn.id)
    assert report["months"] == ["сентябрь 2025", "октябрь 2025", "ноябрь 2025", "декабрь 2025"]
    me = _row(report, c.student1)
    september, october = me["months"][0], me["months"][1]
    assert (september["unexcused"], september["illness"], september["excused"]) == (2, 2, 0)
    assert (october["excused"], october["missed"]) == (4, 4)
    autumn = me["period"]
    assert (autumn["hours"], autumn["missed"], autumn["pct"]) == (10, 8, 20.0)
    year = me["year"]
    assert (year["hours"], year["unexcused"], year["missed"], year["pct"]) == (12, 4, 10, 16.7)
    # the spring semester: only February's lesson
    spring = attendance.report(c.curator1, c.group_a.id, TODAY)
    assert spring["period"].id == c.spring.id
    assert _row(spring, c.student1)["period"]["unexcused"] == 2
    assert _row(spring, c.student1)["year"] == year


def test_enrolment_limits_the_hours(data):
    c = data
    report = attendance.report(c.deputy, c.group_a.id, TODAY, period_id=c.autumn.id)
    joiner = _row(report, c.student3)
    assert joiner["period"]["hours"] == 6 and joiner["period"]["missed"] == 0
    assert _row(report, c.student2)["period"]["hours"] == 10


def test_page_and_xlsx_hold_the_same_figures(data, app):
    c = data
    client = login_client(app, "curator1")
    page = client.get(f"/attendance/{c.group_a.id}?period={c.autumn.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html.split(f'data-student="{c.student1.id}"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(?:<b>)?([^<]*)", row)
    report = attendance.report(c.curator1, c.group_a.id, TODAY, period_id=c.autumn.id)
    me = _row(report, c.student1)
    expected = []
    for month in me["months"]:
        expected += [month["excused"], month["illness"], month["unexcused"], month["missed"]]
    for t in (me["period"], me["year"]):
        expected += [t["hours"], t["excused"], t["illness"], t["unexcused"], t["missed"],
                     t["pct"]]
    assert cells[2:] == [f"{v:.1f}".replace(".", ",") if isinstance(v, float) else str(v)
                         for v in expected]
    book = client.get(f"/attendance/{c.group_a.id}/xlsx?period={c.autumn.id}")
    assert book.status_code == 200
    sheet = load_workbook(BytesIO(book.data)).active
    rows = table_rows(sheet)
    line = next(r for r in rows[1:] if r[1] == c.student1.full_name)
    assert [float(v) for v in line[2:]] == [float(v) for v in expected]
    assert len(rows) == 1 + len(report["rows"])


def test_scope_refusals(data, app):
    c = data
    other = login_client(app, "curator2")
    assert other.get(f"/attendance/{c.group_a.id}").status_code == 403
    assert other.get(f"/attendance/{c.group_a.id}/xlsx").status_code == 403
    assert "ИС-24-1" not in other.get("/attendance/", follow_redirects=True).get_data(
        as_text=True)
    assert login_client(app, "curator1").get(f"/attendance/{c.group_a.id}").status_code == 200
    assert login_client(app, "deputy").get(f"/attendance/{c.group_b.id}").status_code == 200
    deputy = login_client(app, "deputy")
    assert deputy.get("/attendance/987654").status_code == 404
    assert deputy.get(f"/attendance/{c.group_a.id}?period=987654").status_code == 404
    for username in ("student1", "parent1", "teacher1"):
        answer = login_client(app, username).get(f"/attendance/{c.group_a.id}")
        assert answer.status_code in (302, 403) and b"data-student" not in answer.data
        assert login_client(app, username).get("/attendance/").status_code in (302, 403)
    with pytest.raises(attendance.AttendanceDenied):
        attendance.report(c.teacher1, c.group_a.id, TODAY)


def test_diary_shows_own_attendance(data, app):
    c = data
    client = login_client(app, "student1")
    html = client.get(f"/portal/student/{c.student1.id}?period={c.autumn.id}").get_data(
        as_text=True)
    block = html.split('id="record-attendance"', 1)[1].split("</p>", 1)[0]
    # autumn: 10 h of lessons (УП.01 and ОП.01), 8 h missed: 2 + 0 excused + 4, 2 illness, 2
    assert "20,0 %" in block and "10 ч занятий" in block and "пропущено 8 ч" in block
    assert "по уважительной причине 4 ч" in block and "по болезни 2 ч" in block
    assert "без уважительной причины 2 ч" in block
    # the diary's XLSX holds the same figures
    book = load_workbook(BytesIO(client.get(
        f"/portal/student/{c.student1.id}/record.xlsx?period={c.autumn.id}").data))
    rows = {r[0]: r[1] for r in book["Текущий период"].iter_rows(values_only=True) if r}
    assert rows["Посещаемость за период, %"] == 20.0 and rows["Часов занятий"] == 10
    assert (rows["Пропущено часов, всего"], rows["по уважительной причине"],
            rows["по болезни"], rows["без уважительной причины"]) == (8, 4, 2, 2)
    # the API gives the same figures, for the current (spring) period: February's 2 h
    spring = client.get(f"/api/v1/students/{c.student1.id}/record").get_json()["result"]
    assert spring["attendance"]["hours"] == 2
    assert spring["attendance"]["missed"] == {"excused": 0, "illness": 0, "unexcused": 2}


def test_report_reads_with_a_fixed_number_of_queries(data, db):
    c = data
    db.session.expire_all()
    small = count_queries(db, lambda: attendance.report(c.deputy, c.group_a.id, TODAY))
    for i in range(15):
        s = Student(last_name=f"Новиков{i}", first_name="Иван", birth_date=date(2008, 1, 1),
                    record_book_number=f"M{i}", group_id=c.group_a.id, status="studying")
        db.session.add(s)
        db.session.flush()
        db.session.add(GroupMembership(student_id=s.id, group_id=c.group_a.id,
                                       start_date=date(2025, 9, 1)))
        if i < 8:  # eight more lessons of УП.01 in January, each with one absence
            _absent(db, _lesson(db, c.journal_a_up, date(2026, 1, 12), pair=1 + i), s,
                    "illness")
    db.session.commit()
    db.session.expire_all()
    big = count_queries(db, lambda: attendance.report(c.deputy, c.group_a.id, TODAY))
    assert small == big
    assert len(attendance.report(c.deputy, c.group_a.id, TODAY)["rows"]) == 5 + 1 + 15
