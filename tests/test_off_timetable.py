"""Lessons outside the timetable (1.7, 3.3): recorded only with the teacher's reason, their
hours shown apart in the hours report and flagged in the curator's and the deputy's checks."""
import re
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import Lesson, TimetableChange
from app.services.control import checks, completeness
from app.services.journal.hours import hours_report
from tests.journal_helpers import TODAY, today  # noqa: F401
from tests.reports_helpers import entry

WEDNESDAY = TODAY.weekday()  # 15.10.2025
URL = "/api/v1/journals/{}/lessons"


def _lessons(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Lesson))


def _timetable(college, db):
    """Group A's ОП.01: pair 1 on Wednesdays."""
    entry(college.autumn, college.journal_a_op, WEDNESDAY, 1)
    db.session.commit()


def test_no_pair_that_day_needs_a_reason(college, login, db, today):
    """A lesson on a day without a timetabled pair is refused without a reason, with a message
    that says so; with a reason it is recorded and keeps it."""
    c = login("teacher1")
    url = URL.format(college.journal_a_op.id)
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 2})
    assert r.status_code == 400
    message = r.get_json()["message"]
    assert "В расписании нет пары" in message and "15.10.2025" in message
    assert "перенос, дополнительное занятие или замена" in message
    assert _lessons(db) == 0
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 2,
                          "off_timetable_reason": "moved"})
    assert r.status_code == 201
    assert r.get_json()["result"]["off_timetable_reason"] == "moved"
    assert c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 3,
                             "off_timetable_reason": "holiday"}).status_code == 400


def test_timetabled_pair_needs_no_reason(college, login, db, today):
    """The timetable's pair is recorded without a reason; another pair number of the same day
    is outside the timetable and the message names the free pair."""
    _timetable(college, db)
    c = login("teacher1")
    url = URL.format(college.journal_a_op.id)
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 3})
    assert r.status_code == 400 and "пара №1, а не №3" in r.get_json()["message"]
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 1,
                          "off_timetable_reason": "extra"})
    assert r.status_code == 201
    assert r.get_json()["result"]["off_timetable_reason"] is None  # it took the pair
    # the day's only pair is taken now: another lesson that day needs its reason
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 2})
    assert r.status_code == 400 and "уже записаны" in r.get_json()["message"]


def test_timetable_changes_are_applied(college, login, db, today):
    """A cancelled pair is no pair; a pair a change gives the journal is one."""
    _timetable(college, db)
    db.session.add(TimetableChange(group_id=college.group_a.id, change_date=TODAY,
                                   pair_number=1, journal_id=None, cancelled=True))
    tuesday = TODAY - timedelta(days=1)
    db.session.add(TimetableChange(group_id=college.group_a.id, change_date=tuesday,
                                   pair_number=4, journal_id=college.journal_a_op.id))
    db.session.commit()
    c = login("teacher1")
    url = URL.format(college.journal_a_op.id)
    r = c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 1})
    assert r.status_code == 400 and "В расписании нет пары" in r.get_json()["message"]
    r = c.post(url, json={"lesson_date": tuesday.isoformat(), "pair_number": 4})
    assert r.status_code == 201 and r.get_json()["result"]["off_timetable_reason"] is None


def test_moving_a_lesson_off_its_pair_asks_for_the_reason(college, login, db, today):
    _timetable(college, db)
    c = login("teacher1")
    url = URL.format(college.journal_a_op.id)
    lesson_id = c.post(url, json={"lesson_date": TODAY.isoformat(),
                                  "pair_number": 1}).get_json()["result"]["id"]
    r = c.put(f"{url}/{lesson_id}", json={"pair_number": 5})
    assert r.status_code == 400 and "пара №1, а не №5" in r.get_json()["message"]
    r = c.put(f"{url}/{lesson_id}", json={"pair_number": 5, "off_timetable_reason": "moved"})
    assert r.status_code == 200 and r.get_json()["result"]["off_timetable_reason"] == "moved"
    r = c.put(f"{url}/{lesson_id}", json={"pair_number": 1})  # back on its pair
    assert r.status_code == 200 and r.get_json()["result"]["off_timetable_reason"] is None


def test_lesson_form_asks_for_the_reason(college, login, db, today):
    """The grid's lesson form: without a reason the form comes back with the message and
    nothing is stored; with the reason chosen the lesson is recorded."""
    c = login("teacher1")
    url = f"/journal/{college.journal_a_op.id}/lesson/"
    page = c.get(url).get_data(as_text=True)
    assert 'name="off_timetable_reason"' in page and "дополнительное занятие" in page
    form = {"lesson_date": TODAY.isoformat(), "pair_number": "2", "hours": "2",
            "topic_id": str(college.topics[0].id)}
    r = c.post(url, data=form)
    assert r.status_code == 400 and "В расписании нет пары" in r.get_data(as_text=True)
    assert _lessons(db) == 0
    r = c.post(url, data={**form, "off_timetable_reason": "extra"})
    assert r.status_code == 302
    assert db.session.scalars(select(Lesson.off_timetable_reason)).all() == ["extra"]


def _three_lessons(college, login, db):
    """The issue's case: three lessons of 2 hours, one of them on the timetable's pair."""
    _timetable(college, db)
    c = login("teacher1")
    url = URL.format(college.journal_a_op.id)
    assert c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 1}
                  ).status_code == 201
    assert c.post(url, json={"lesson_date": TODAY.isoformat(), "pair_number": 2,
                             "off_timetable_reason": "extra"}).status_code == 201
    saturday = date(2025, 10, 11)
    assert c.post(url, json={"lesson_date": saturday.isoformat(), "pair_number": 1,
                             "off_timetable_reason": "moved"}).status_code == 201


def test_hours_report_splits_timetabled_hours(college, login, db, today):
    _three_lessons(college, login, db)
    row = {r["teacher_id"]: r for r in hours_report(college.deputy, college.year)}[
        college.teacher1.id]
    assert (row["hours"], row["timetabled_hours"], row["off_timetable_hours"]) == (6, 2, 4)
    assert row["months"][10]["off_timetable_hours"] == 4
    [journal] = row["journals"]
    assert (journal["hours"], journal["timetabled_hours"], journal["off_timetable_hours"]) == \
        (6, 2, 4)
    page = login("deputy").get("/hours/").get_data(as_text=True)
    assert 'id="hours-off-timetable"' in page
    assert "дополнительное занятие" in page and "перенос" in page and "11.10.2025" in page
    book = load_workbook(BytesIO(login("deputy").get("/hours/xlsx/").data))
    assert book.sheetnames == ["Вычитанные часы", "По журналам", "Вне расписания"]
    off = [r for r in book["Вне расписания"].iter_rows(values_only=True) if r[-1] in (
        "дополнительное занятие", "перенос")]
    assert len(off) == 2
    journals = [r for r in book["По журналам"].iter_rows(values_only=True)
                if r[1] == college.journal_a_op.title]
    assert journals[0][3:] == (6, 2, 4)


def test_weekly_check_and_deputy_flag_off_timetable_lessons(college, login, db, today):
    _three_lessons(college, login, db)
    check = completeness.week_check(college.group_a, TODAY, now=TODAY)
    assert [(o["date"], o["pair_number"], o["reason"]) for o in check["off_timetable"]] == [
        (TODAY, 2, "дополнительное занятие")]
    page = login("curator1").get(f"/curator/group/{college.group_a.id}?week=2025-10-13")
    assert 'id="week-off-timetable"' in page.get_data(as_text=True)
    rows = checks.off_timetable_journals(TODAY)
    assert [(r["journal"].id, r["lessons"], r["hours"]) for r in rows] == [
        (college.journal_a_op.id, 2, 4)]
    page = login("deputy").get("/deputy/").get_data(as_text=True)
    assert 'id="off-timetable-journals"' in page and college.journal_a_op.title in page


def test_lesson_form_opens_on_the_timetabled_pair(college, login, db, today):
    """A new lesson's form proposes the day's free pair of the timetable: saved as it opens,
    the lesson needs no reason."""
    entry(college.autumn, college.journal_a_op, WEDNESDAY, 3)
    db.session.commit()
    page = login("teacher1").get(f"/journal/{college.journal_a_op.id}/lesson/")
    assert re.search(r'name="pair_number"\s+value="3"', page.get_data(as_text=True))
