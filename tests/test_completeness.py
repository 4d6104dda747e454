"""The curator's completeness check compares the timetable with the journal pair by pair
(3.3): one recorded pair of a day does not hide the day's other missing pairs; a timetable
change moves what is expected."""
from datetime import date

from app.models import TimetableChange
from app.services.control import completeness as cc
from tests.reports_helpers import entry, lesson

MON = date(2025, 10, 13)


def test_each_pair_of_a_day_is_checked(app, college, db, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-17")
    j = college.journal_a_op
    entry(college.autumn, j, 0, 1)
    entry(college.autumn, j, 0, 2)  # a double pair on Monday
    lesson(j, MON, 1)
    db.session.commit()
    check = cc.week_check(college.group_a, MON)
    missing = [(i["date"], i["pair_number"]) for i in check["issues"] if i["kind"] == "missing"]
    assert missing == [(MON, 2)]


def test_timetable_change_is_what_is_expected(app, college, db, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-17")
    c = college
    entry(c.autumn, c.journal_a_op, 1, 3)
    # Tuesday's pair 3 given to the practice journal for that date; it is not recorded
    db.session.add(TimetableChange(group_id=c.group_a.id, change_date=date(2025, 10, 14),
                                   pair_number=3, journal_id=c.journal_a_up.id))
    lesson(c.journal_a_op, date(2025, 10, 14), 3)  # the old pair recorded instead
    db.session.commit()
    check = cc.week_check(c.group_a, MON)
    missing = [(i["journal_id"], i["pair_number"]) for i in check["issues"]
               if i["kind"] == "missing"]
    assert missing == [(c.journal_a_up.id, 3)]
