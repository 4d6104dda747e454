"""No lessons in advance (4.6), by the bell schedule too: a pair of today is recorded once it has
begun on the college's clock, at creation and at an edit; an edit moving a lesson to a later
day is refused. The schedule is a setting (BELL_SCHEDULE), shown where pairs are chosen."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.infra import clock, schedule
from app.models import Lesson
from tests.journal_helpers import EXTRA, add_lesson

DAY = date(2025, 10, 15)  # a Wednesday of the factories' autumn
TEN_AM = "2025-10-15T02:00:00"  # UTC: 10:00 in Irkutsk, pair 1 (08:30) begun, pair 2 (10:10) not


@pytest.fixture()
def morning(app, monkeypatch):
    """The college's clock at 10:00 of DAY, from JOURNAL_NOW (the date comes from it)."""
    monkeypatch.setitem(app.config, "JOURNAL_NOW", TEN_AM)
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "")
    monkeypatch.setitem(app.config, "COLLEGE_TIMEZONE", "Asia/Irkutsk")
    monkeypatch.setitem(app.config, "BELL_SCHEDULE", "")
    return monkeypatch


def _url(college) -> str:
    return f"/api/v1/journals/{college.journal_a_op.id}/lessons"


def _lessons(db) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(select(Lesson.lesson_date, Lesson.pair_number)
                              .order_by(Lesson.pair_number)).all()


def test_the_default_bell_schedule_has_eight_pairs(app):
    pairs = schedule.parse_bells(schedule.DEFAULT_BELLS)
    assert [p.describe() for p in pairs[:3]] == ["08:30–10:00", "10:10–11:40", "12:00–13:30"]
    assert len(pairs) == 8 and pairs[-1].describe() == "20:20–21:50"


@pytest.mark.parametrize("spec, words", [
    ("08:30-10:00, 09:50-11:20", "после конца предыдущей"),
    ("10:00-08:30", "после конца предыдущей"),
    ("08:30", "ожидается «08:30-10:00»"),
    ("25:00-26:00", "часы 0–23"),
    (", ".join(["08:00-08:10"] * 9), "от 1 до 8 пар"),
])
def test_a_bell_schedule_that_cannot_be_read_says_why(app, spec, words):
    with pytest.raises(schedule.ScheduleError) as refused:
        schedule.parse_bells(spec)
    assert words in refused.value.message


def test_a_later_pair_of_today_is_refused_in_the_morning(college, login, db, morning, app):
    c = login("teacher1")
    r = c.post(_url(college), json={**EXTRA, "lesson_date": DAY.isoformat(), "pair_number": 2})
    assert r.status_code == 422
    assert r.get_json()["message"] == ("Пара 2 начинается в 10:10: занятие записывается после "
                                       "начала пары, не заранее.")
    r = c.post(_url(college), json={**EXTRA, "pair_number": 3})  # no date: the college's today
    assert r.status_code == 422 and "12:00" in r.get_json()["message"]
    assert _lessons(db) == []
    # the pair that has begun is recorded, and yesterday's later pairs too
    assert c.post(_url(college), json={**EXTRA, "lesson_date": DAY.isoformat(),
                                       "pair_number": 1}).status_code == 201
    assert c.post(_url(college), json={
        **EXTRA, "lesson_date": (DAY - timedelta(days=1)).isoformat(),
        "pair_number": 6}).status_code == 201
    # at 10:10 the second pair has begun
    morning.setitem(app.config, "JOURNAL_NOW", "2025-10-15T02:10:00")
    assert c.post(_url(college), json={**EXTRA, "lesson_date": DAY.isoformat(),
                                       "pair_number": 2}).status_code == 201
    assert _lessons(db) == [(DAY, 1), (DAY, 2), (DAY - timedelta(days=1), 6)]


def test_the_college_sets_its_own_bells(college, login, db, morning, app):
    morning.setitem(app.config, "BELL_SCHEDULE", "08:00-09:30, 09:40-11:10, 11:20-12:50")
    c = login("teacher1")
    assert c.post(_url(college), json={**EXTRA, "lesson_date": DAY.isoformat(),
                                       "pair_number": 2}).status_code == 201  # 09:40 < 10:00
    r = c.post(_url(college), json={**EXTRA, "lesson_date": (DAY - timedelta(days=1)).isoformat(),
                                    "pair_number": 4})
    assert r.status_code == 422
    assert r.get_json()["message"] == ("Пары 4 нет в расписании звонков колледжа (пар в день: "
                                       "3).")
    assert _lessons(db) == [(DAY, 2)]


def test_an_edit_into_a_pair_not_begun_is_refused(college, login, db, morning):
    lesson = add_lesson(db, college.journal_a_op, DAY, pair=1, topic="Процессы")
    earlier = add_lesson(db, college.journal_a_op, DAY - timedelta(days=1), pair=5)
    c = login("teacher1")
    url = f"{_url(college)}/{lesson.id}"
    r = c.put(url, json={**EXTRA, "pair_number": 2})
    assert r.status_code == 422 and "10:10" in r.get_json()["message"]
    # yesterday's fifth pair moved to today keeps its pair: 15:20 has not come yet
    r = c.put(f"{_url(college)}/{earlier.id}", json={**EXTRA, "lesson_date": DAY.isoformat()})
    assert r.status_code == 422 and "15:20" in r.get_json()["message"]
    assert _lessons(db) == [(DAY, 1), (DAY - timedelta(days=1), 5)]
    # an edit that leaves date and pair alone is not stopped by the bells (a row of pair 3
    # stored before the schedule was set gets its topic)
    stored = add_lesson(db, college.journal_a_op, DAY, pair=3)
    assert c.put(f"{_url(college)}/{stored.id}", json={
        "topic": "Потоки", "off_program_reason": "замена темы"}).status_code == 200


def test_an_edit_into_the_future_is_refused(college, login, db, morning):
    """4.6: a lesson cannot be moved to a later day by editing it, through the API or the
    lesson's form; nothing of it changes."""
    lesson = add_lesson(db, college.journal_a_op, DAY - timedelta(days=1), pair=1,
                        topic="Процессы")
    c = login("teacher1")
    tomorrow = (DAY + timedelta(days=1)).isoformat()
    r = c.put(f"{_url(college)}/{lesson.id}", json={**EXTRA, "lesson_date": tomorrow, "hours": 4})
    assert r.status_code == 422 and "будущей датой" in r.get_json()["message"]
    r = c.post(f"/journal/{college.journal_a_op.id}/lesson/{lesson.id}/",
               data={**EXTRA, "lesson_date": tomorrow, "pair_number": "1", "hours": "4",
                     "topic": "Процессы", "off_program_reason": "вводное"})
    assert r.status_code == 400 and "будущей датой" in r.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Lesson, lesson.id)
    assert (stored.lesson_date, stored.hours) == (DAY - timedelta(days=1), 2)
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 1


def test_the_lesson_form_refuses_a_pair_to_come_and_shows_the_bells(college, login, db,
                                                                    morning):
    c = login("teacher1")
    url = f"/journal/{college.journal_a_op.id}/lesson/"
    page = c.get(url).get_data(as_text=True)
    assert "1 пара 08:30–10:00" in page and "8 пара 20:20–21:50" in page
    r = c.post(url, data={**EXTRA, "lesson_date": DAY.isoformat(), "pair_number": "4", "hours": "2",
                          "topic_id": str(college.topics[0].id)})
    assert r.status_code == 400 and "Пара 4 начинается в 13:40" in r.get_data(as_text=True)
    assert _lessons(db) == []


def test_a_fixed_today_other_than_the_clocks_is_a_day_over(app, morning):
    """A reproducible run with JOURNAL_TODAY on another day finds all that day's pairs
    begun; on the clock's own day the clock's hour counts."""
    with app.app_context():
        assert clock.wall_now().strftime("%d.%m.%Y %H:%M") == "15.10.2025 10:00"
        morning.setitem(app.config, "JOURNAL_TODAY", "2025-10-14")
        assert clock.wall_now().strftime("%d.%m.%Y %H:%M") == "14.10.2025 23:59"
        morning.setitem(app.config, "JOURNAL_TODAY", "2025-10-15")
        assert clock.wall_now().strftime("%H:%M") == "10:00"
