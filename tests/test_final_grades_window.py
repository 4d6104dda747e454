"""Final grades (4.7) only at the end of the teaching: from FINAL_GRADE_WINDOW_DAYS days before
the period's end, or from the discipline's last timetabled lesson in it — never mid-semester."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.practice_helpers import pc, practice_day  # noqa: F401


@pytest.fixture()
def day(app):
    """Sets the college's "today" for the rest of the test (restored after it)."""
    old = app.config.get("JOURNAL_TODAY")
    yield lambda d: app.config.__setitem__("JOURNAL_TODAY", d.isoformat())
    app.config["JOURNAL_TODAY"] = old


def _put(client, college, **body):
    data = {"student_id": college.student1.id, "period_id": college.autumn.id,
            "kind": "semester", "value": "5"}
    data.update(body)
    return client.put(f"/api/v1/journals/{college.journal_a_op.id}/final-grades", json=data)


def _grades(db) -> int:
    from app.models import FinalGrade
    return db.session.scalar(select(func.count()).select_from(FinalGrade))


def test_mid_semester_grade_is_refused_with_the_day_it_opens(college, login, db, day):
    """The issue's case: 15.10 for a period ending 31.12 — refused, nothing written; the
    message says from which day (31.12 − 14 days = 17.12.2025)."""
    day(date(2025, 10, 15))
    r = _put(login("teacher1"), college)
    assert r.status_code == 422
    assert "с 17.12.2025" in r.get_json()["message"]
    assert _grades(db) == 0
    # the deputy is held to the same window
    assert _put(login("deputy"), college, reason="проверка").status_code == 422
    assert _grades(db) == 0


def test_the_window_opens_fourteen_days_before_the_end(college, login, db, day):
    teacher = login("teacher1")
    day(date(2025, 12, 16))
    assert _put(teacher, college).status_code == 422
    day(date(2025, 12, 17))
    assert _put(teacher, college).status_code == 200
    assert _grades(db) == 1


def test_the_window_is_a_setting(college, login, db, day, app):
    teacher = login("teacher1")
    old = app.config.get("FINAL_GRADE_WINDOW_DAYS")
    app.config["FINAL_GRADE_WINDOW_DAYS"] = 30
    try:
        day(date(2025, 11, 30))
        r = _put(teacher, college)
        assert r.status_code == 422 and "с 01.12.2025" in r.get_json()["message"]
        day(date(2025, 12, 1))
        assert _put(teacher, college).status_code == 200
    finally:
        app.config["FINAL_GRADE_WINDOW_DAYS"] = old


def _monday_pairs_until(db, c, last: date):
    """The journal's pair on Mondays of the autumn, cancelled by single-date changes after
    `last` (the discipline's hours are given by then)."""
    from app.models import TimetableChange, TimetableEntry
    db.session.add(TimetableEntry(period_id=c.autumn.id, group_id=c.group_a.id, weekday=0,
                                  pair_number=2, journal_id=c.journal_a_op.id))
    monday = last + timedelta(days=7)
    while monday <= c.autumn.end_date:
        db.session.add(TimetableChange(group_id=c.group_a.id, change_date=monday,
                                       pair_number=2, journal_id=c.journal_a_op.id,
                                       cancelled=True))
        monday += timedelta(days=7)
    db.session.commit()


def test_the_last_timetabled_lesson_opens_the_window_earlier(college, login, db, day):
    last = date(2025, 11, 10)  # a Monday
    _monday_pairs_until(db, college, last)
    teacher = login("teacher1")
    day(last - timedelta(days=1))
    r = _put(teacher, college)
    assert r.status_code == 422 and "с 10.11.2025" in r.get_json()["message"]
    day(last)
    assert _put(teacher, college).status_code == 200


def test_a_timetable_to_the_end_leaves_the_window_as_it_is(college, login, db, day):
    """Whichever comes first: pairs to the period's last week do not move the window later."""
    _monday_pairs_until(db, college, date(2025, 12, 29))
    teacher = login("teacher1")
    day(date(2025, 12, 17))
    assert _put(teacher, college).status_code == 200


def test_the_service_refuses_the_same_way_for_every_caller(college, db):
    """An exam sheet and the practice's grade call set_final_grade too: the rule is there."""
    from app.errors import Refused
    from app.services.journal.final_grades import set_final_grade
    from app.services.journal.grading_window import grades_open_from
    assert grades_open_from(college.journal_a_op, college.autumn) == date(2025, 12, 17)
    with pytest.raises(Refused):
        set_final_grade(college.teacher1, college.journal_a_op, {
            "student_id": college.student1.id, "period_id": college.autumn.id,
            "kind": "semester", "value": "5"}, date(2025, 12, 1))
    assert _grades(db) == 0


def test_a_practice_is_graded_from_its_last_day(pc, db, app):
    """A practice is not timetabled: its last day (24.10.2025) opens its grade, long before
    the semester's window; the day before is refused with nothing written."""
    from app.services import practice as svc
    from tests.practice_helpers import END, set_today
    from tests.test_practice_rules import _complete_sheet
    _complete_sheet(pc)
    pid = pc.placements["student1"].id
    set_today(app, END - timedelta(days=1))
    with pytest.raises(svc.PracticeError, match="с 24.10.2025"):
        svc.set_practice_grade(pc.teacher1, pid, "5")
    db.session.rollback()
    assert _grades(db) == 0
    set_today(app, END)
    assert svc.set_practice_grade(pc.teacher1, pid, "5").value == "5"
