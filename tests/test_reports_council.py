"""The pedagogical council's report on users' work (6.2) against hand-computed figures:
lessons on the day / late / missing by the timetable (pair by pair, with changes) / without
topic / without attendance, final grades by the deadline, corrections, logins; XLSX, print,
rights (IT, director, deputy yes; teacher, curator no) and a constant number of queries."""
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from app.models import AcademicYear, FinalGrade, FinalGradeChange, Period, TimetableChange
from app.services.control.reports import council as cr
from app.services.records import audit
from tests.reports_helpers import change, entry, lesson

UTC = timezone.utc


def _grade(c, student, at: datetime, after_deadline=False, by=None):
    grade = FinalGrade(journal_id=c.journal_a_op.id, student_id=student.id,
                       period_id=c.autumn.id, kind="exam", value="4")
    from app.extensions import db
    db.session.add(grade)
    db.session.flush()
    db.session.add(FinalGradeChange(final_grade_id=grade.id, old_value="", new_value="4",
                                    after_deadline=after_deadline,
                                    changed_by_id=(by or c.teacher1).id, changed_at=at))


@pytest.fixture()
def data(college, db):
    c = college
    # Monday pair 1 of ОП.01 in group A all autumn: 18 Mondays from 01.09 to 29.12.2025.
    entry(c.autumn, c.journal_a_op, 0, 1)
    # 22.09 the pair is cancelled: not expected that day.
    db.session.add(TimetableChange(group_id=c.group_a.id, change_date=date(2025, 9, 22),
                                   pair_number=1, journal_id=None, cancelled=True))
    lesson(c.journal_a_op, date(2025, 9, 1), 1)                          # on the day
    late = lesson(c.journal_a_op, date(2025, 9, 8), 1, late=True, attendance=False)
    # recorded on 15.09 but as pair 2: pair 1 of that day is still missing (pair by pair)
    lesson(c.journal_a_op, date(2025, 9, 15), 2, topic="")
    lesson(c.journal_b_op, date(2025, 10, 1), 3)                         # teacher2
    change(late, c.student1, c.teacher1, correction=True,
           at=datetime(2025, 10, 2, 8, tzinfo=UTC))
    s1, s2, s3 = c.a_students[:3]
    _grade(c, s1, datetime(2026, 1, 10, 5, tzinfo=UTC))                 # before 15.01
    _grade(c, s2, datetime(2026, 1, 15, 14, tzinfo=UTC))                # 15.01 22:00 Irkutsk
    _grade(c, s3, datetime(2026, 1, 15, 17, tzinfo=UTC))                # 16.01 01:00 Irkutsk
    from app.extensions import db as _db
    _db.session.add(FinalGradeChange(
        final_grade_id=_db.session.query(FinalGrade.id).filter_by(student_id=s1.id).scalar(),
        old_value="4", new_value="5", after_deadline=True, changed_by_id=c.teacher1.id,
        changed_at=datetime(2026, 2, 3, 3, tzinfo=UTC)))
    db.session.commit()
    return c


def _row(report, user):
    return next(r for r in report["rows"] if r["user_id"] == user.id)


def test_council_counts_by_hand(data):
    c = data
    report = cr.council([c.autumn], today=date(2026, 11, 30))
    t1 = _row(report, c.teacher1)
    assert (t1["lessons"], t1["on_day"], t1["late"], t1["no_topic"], t1["no_attendance"]) == \
        (3, 2, 1, 1, 1)
    # 18 Mondays − 22.09 cancelled − 01.09 and 08.09 recorded = 15 (15.09 pair 1 is missing)
    assert t1["missing"] == 15
    assert t1["on_time_share"] == round(100 * 2 / (3 + 15), 1)
    # 15.01 22:00 in Irkutsk is still the deadline day; 16.01 01:00 is not
    assert (t1["grades"], t1["grades_on_time"], t1["grades_late"]) == (3, 2, 1)
    assert t1["corrections"] == 2          # a cell after its day + a final grade after deadline
    t2 = _row(report, c.teacher2)
    assert (t2["lessons"], t2["missing"], t2["grades"]) == (1, 0, 0)
    dept = report["departments"][0]
    assert (dept["lessons"], dept["missing"], dept["late"]) == (4, 15, 1)
    assert report["total"]["lessons"] == 4 and report["total"]["teachers"] == len(report["rows"])


def test_council_missing_only_after_the_day(data):
    """A pair whose day is not over is not missing yet (4.6 allows entry on the day)."""
    c = data
    report = cr.council([c.autumn], today=date(2025, 9, 29))
    # Mondays 01.09–22.09 are over on 29.09: 01, 08 recorded, 15 missing, 22 cancelled
    assert _row(report, c.teacher1)["missing"] == 1


def test_council_year_and_logins(data, db):
    c = data
    year = AcademicYear(name="2099/2100", start_date=date.today() - timedelta(days=30),
                        end_date=date.today() + timedelta(days=30))
    now_period = Period(academic_year=year, number=1, name="Текущий",
                        start_date=date.today() - timedelta(days=3),
                        end_date=date.today() + timedelta(days=3))
    db.session.add_all([year, now_period])
    audit.record("login", user=c.teacher1)
    audit.record("login", user=c.teacher1)
    audit.record("login_failed", user=c.teacher1)
    db.session.commit()
    assert _row(cr.council([now_period]), c.teacher1)["logins"] == 2
    assert _row(cr.council([c.autumn], today=date(2026, 11, 30)), c.teacher1)["logins"] == 0
    title, periods = cr.scope(None, c.year.id)
    assert title == "2025/2026 учебный год" and c.autumn in periods and c.spring in periods


def test_council_default_is_the_latest_period_with_data(data):
    """27: a report opens on the latest begun period with lessons (the current one when it
    has them); with none anywhere, on the last completed semester."""
    c = data
    periods = [c.autumn, c.spring]
    assert cr.default_period(periods, date(2026, 3, 1)) == c.autumn
    assert cr.default_period(periods, date(2026, 7, 1)) == c.spring
    assert cr.default_period(periods, date(2025, 10, 1)) == c.autumn
    # spring under way with lessons: it; spring without lessons: autumn, the last with data
    assert cr.default_period(periods, date(2026, 3, 1), {c.spring.id, c.autumn.id}) == c.spring
    assert cr.default_period(periods, date(2026, 7, 1), {c.autumn.id}) == c.autumn
    assert c.autumn.id in cr.periods_with_lessons()


def test_council_page_xlsx_print_and_rights(data, login):
    c = data
    for username in ("it", "director", "deputy"):
        page = login(username).get(f"/reports/council/?period={c.autumn.id}")
        assert page.status_code == 200, username
        assert "Петрова Анна" in page.get_data(as_text=True)
    it = login("it")
    resp = it.get(f"/reports/council/?period={c.autumn.id}&format=xlsx")
    ws = load_workbook(BytesIO(resp.data)).worksheets[0]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "Петрова Анна")
    assert row[2:9] == (3, 2, 1, 15, 1, 3, 1)  # … without topic, homework, attendance
    printed = it.get(f"/reports/council/?period={c.autumn.id}&print=1").get_data(as_text=True)
    assert "navbar" not in printed and "Начальник отдела ИТ" in printed
    assert it.get(f"/reports/council/?year={c.year.id}").status_code == 200
    assert it.get("/reports/council/?period=999999").status_code == 422
    for username in ("teacher1", "curator1", "student1"):
        assert login(username).get("/reports/council/").status_code in (302, 403), username


def test_council_query_count_does_not_grow(data, db, app):
    """The report reads the college in a fixed number of queries, whatever its size."""
    c = data

    def count():
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            cr.council([c.autumn], today=date(2026, 11, 30))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    small = count()
    for day in range(2, 30):
        lesson(c.journal_b_op, date(2025, 10, day), 1)
    entry(c.autumn, c.journal_b_op, 2, 2)
    entry(c.autumn, c.journal_a_mdk1, 3, 2)
    db.session.commit()
    assert count() == small


def test_council_page_without_lessons_explains_instead_of_an_empty_chart(data, login):
    """The spring semester has no lessons yet: no blank chart, a sentence saying why."""
    c = data
    director = login("director")
    empty = director.get(f"/reports/council/?period={c.spring.id}").get_data(as_text=True)
    assert 'id="council-no-lessons"' in empty and '<canvas id="council-chart"' not in empty
    full = director.get(f"/reports/council/?period={c.autumn.id}").get_data(as_text=True)
    assert '<canvas id="council-chart"' in full and 'id="council-no-lessons"' not in full
