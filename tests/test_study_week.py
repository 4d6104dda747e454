"""27: one study week everywhere (STUDY_WEEK_DAYS: Monday–Saturday or Monday–Sunday): every
week view names its days by their dates, so a seven-day week shows its Sunday and a six-day
week does not; the timetable takes a Sunday pair only in a seven-day week."""
import re

import pytest

from app.models import TimetableEntry
from app.services.journal import timetable as tt
from tests.reports_helpers import entry
from tests.test_timetable import xlsx

WEEK = "2025-10-15"  # Wednesday; the week is 13.10 – 18.10 (or 19.10) 2025
SUNDAY = "19.10.2025"


@pytest.fixture()
def sunday_pair(app, college, db, monkeypatch):
    """Today is Friday 17.10.2025; group A has a pair on Monday and one on Sunday."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-17")
    entry(college.autumn, college.journal_a_op, 0, 1, room="каб. 3")
    entry(college.autumn, college.journal_a_op, 6, 2, room="каб. 7")
    db.session.commit()
    return college


def _pages(college, login) -> dict[str, str]:
    """Each week view, as the role that reads it."""
    student, parent = login("student1"), login("parent1")
    return {
        "student's start page": student.get("/").get_data(as_text=True),
        "parent's start page": parent.get("/").get_data(as_text=True),
        "student's diary": student.get(f"/portal/student/{college.student1.id}")
        .get_data(as_text=True),
        "teacher's own week": login("teacher1").get(f"/timetable/mine?week={WEEK}")
        .get_data(as_text=True),
        "group's timetable": login("deputy").get(
            f"/timetable/?group={college.group_a.id}&week={WEEK}").get_data(as_text=True),
        "curator's week": login("curator1").get(
            f"/curator/group/{college.group_a.id}?week={WEEK}").get_data(as_text=True),
    }


@pytest.mark.parametrize("days", [6, 7])
def test_every_week_view_follows_the_one_setting(app, sunday_pair, login, monkeypatch, days):
    monkeypatch.setitem(app.config, "STUDY_WEEK_DAYS", days)
    pages = _pages(sunday_pair, login)
    sunday_headings = {
        "student's start page": "Воскресенье, 19.10.2025",
        "parent's start page": "Воскресенье, 19.10.2025",
        "student's diary": "Вс, 19.10",
        "teacher's own week": "Воскресенье, 19.10.2025",
        "group's timetable": "Воскресенье, 19.10.2025",
        "curator's week": f"13.10.2025 – {SUNDAY}",
    }
    saturday_headings = {
        "student's start page": "Суббота, 18.10.2025",
        "parent's start page": "Суббота, 18.10.2025",
        "student's diary": "Сб, 18.10",
        "teacher's own week": "Суббота, 18.10.2025",
        "group's timetable": "Суббота, 18.10.2025",
        "curator's week": "13.10.2025 – 18.10.2025",
    }
    for view, html in pages.items():
        assert "Понедельник, 13.10.2025" in html or "Пн, 13.10" in html or \
            view == "curator's week", view
        if days == 7:
            assert sunday_headings[view] in html, view
            assert saturday_headings[view] in html or view == "curator's week", view
        else:
            assert SUNDAY not in html and "19.10<" not in html, view
            assert saturday_headings[view] in html, view
    # the Sunday pair itself is shown in a seven-day week only
    for view in ("teacher's own week", "group's timetable"):
        assert ("каб. 7" in pages[view]) == (days == 7), view


def test_days_are_named_by_their_dates(app, sunday_pair, login, monkeypatch):
    """A heading is the day's own name, not its place in a list: the Sunday is never called
    anything else, and no day of the week is named twice."""
    monkeypatch.setitem(app.config, "STUDY_WEEK_DAYS", 7)
    html = login("student1").get("/").get_data(as_text=True)
    heads = re.findall(r'class="home-day-head">([^,<]+), (\d\d\.\d\d\.\d{4})', html)
    assert heads == [("Понедельник", "13.10.2025"), ("Вторник", "14.10.2025"),
                     ("Среда", "15.10.2025"), ("Четверг", "16.10.2025"),
                     ("Пятница", "17.10.2025"), ("Суббота", "18.10.2025"),
                     ("Воскресенье", "19.10.2025")]


def _sunday_form_choice(client) -> bool:
    form = client.get("/timetableentryview/add").get_data(as_text=True)
    return bool(re.search(r'<option[^>]*value="6"[^>]*>\s*Воскресенье', form))


@pytest.mark.parametrize("days", [6, 7])
def test_a_sunday_pair_only_in_a_seven_day_week(app, college, db, login, monkeypatch, days):
    monkeypatch.setitem(app.config, "STUDY_WEEK_DAYS", days)
    deputy = login("deputy")
    assert _sunday_form_choice(deputy) == (days == 7)
    deputy.post("/timetableentryview/add", data={
        "period": college.autumn.id, "group": college.group_a.id, "weekday": "6",
        "pair_number": "3", "journal": college.journal_a_op.id, "room": "каб. 9"})
    db.session.expire_all()
    stored = db.session.query(TimetableEntry).filter_by(weekday=6).count()
    assert stored == (1 if days == 7 else 0)
    # the model view's own rule, whatever the form offered
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "TimetableEntryView")
    item = TimetableEntry(weekday=6)
    if days == 6:
        with pytest.raises(Exception, match="Воскресенье не входит в учебную неделю"):
            view.validate(item)
    else:
        view.validate(item)
    # the timetable file: «Вс» and «7» are days of a seven-day week only
    rows = [("ИС-24-1", "Вс", 4, "ОП.01", "", "101"), ("ИС-24-1", "7", 5, "ОП.01", "", "")]
    if days == 6:
        with pytest.raises(tt.BadInput) as refused:
            tt.import_xlsx(college.autumn, xlsx(rows))
        assert "Строка 2: день недели «Вс» не распознан" in str(refused.value)
        assert "Строка 3: день недели «7» не распознан" in str(refused.value)
    else:
        assert tt.import_xlsx(college.autumn, xlsx(rows)) == 2
