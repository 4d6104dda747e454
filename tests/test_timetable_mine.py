"""The teacher's own timetable («Моё расписание», 4.4; issue 27): their week from Monday to the
study week's last day, the substitutions given and received, week by week; the default of the
timetable for a teacher."""
import re
from datetime import date

import pytest

from app.services.journal import timetable as tt
from tests.reports_helpers import entry


@pytest.fixture()
def week(app, college, db, monkeypatch):
    """teacher1: ОП.01 of group A on Mondays (pair 2) and Fridays (pair 1); teacher2: ОП.01 of
    group B on Tuesdays (pair 3). On 13.10 teacher2 gives teacher1's Monday pair, on 14.10
    teacher1 gives teacher2's; on Sunday 19.10 group A has an extra pair of ОП.01."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-15")
    c = college
    entry(c.autumn, c.journal_a_op, 0, 2, "каб. 7")
    entry(c.autumn, c.journal_a_op, 4, 1, "каб. 8")
    entry(c.autumn, c.journal_b_op, 1, 3, "каб. 9")
    tt.add_change(c.group_a, date(2025, 10, 13), 2, c.journal_a_op, False, "каб. 7", c.teacher2)
    tt.add_change(c.group_b, date(2025, 10, 14), 3, c.journal_b_op, False, "каб. 9", c.teacher1)
    tt.add_change(c.group_a, date(2025, 10, 19), 1, c.journal_a_op, False, "каб. 5")
    db.session.commit()
    return c


def pairs(html: str) -> list[tuple[str, str]]:
    """(kind, text) of each pair on the page, in order."""
    found = re.findall(r'<li class="my-pair my-pair-(\w+)"[^>]*>(.*?)</li>', html, re.S)
    return [(kind, " ".join(re.sub(r"<[^>]+>", " ", text).split())) for kind, text in found]


def test_the_teachers_week_with_substitutions_given_and_received(week, login, app, monkeypatch):
    client = login("teacher1")
    page = client.get("/timetable/mine?week=2025-10-15").get_data(as_text=True)
    assert "13.10.2025 – 18.10.2025" in page
    found = pairs(page)
    assert [kind for kind, _text in found] == ["given", "received", "own"]
    assert "вас заменяет Сидоров Олег" in found[0][1] and "ИС-24-1" in found[0][1]
    assert "вместо: Сидоров Олег" in found[1][1] and "ИС-24-2" in found[1][1]
    assert "каб. 8" in found[2][1]
    assert "вас заменяют — 1, вы заменяете — 1" in page
    # the other teacher's week: the same substitutions the other way round
    other = pairs(login("teacher2").get("/timetable/mine?week=14.10.2025")
                  .get_data(as_text=True))
    assert [kind for kind, _text in other] == ["received", "given"]
    # the next week: the weekly pairs, no substitution; Sunday only in a seven-day week
    following = client.get("/timetable/mine?week=2025-10-20").get_data(as_text=True)
    assert [kind for kind, _text in pairs(following)] == ["own", "own"]
    assert "каб. 5" not in page
    monkeypatch.setitem(app.config, "STUDY_WEEK_DAYS", 7)
    seven = client.get("/timetable/mine?week=2025-10-15").get_data(as_text=True)
    assert "13.10.2025 – 19.10.2025" in seven and "каб. 5" in seven
    assert [kind for kind, _text in pairs(seven)] == ["given", "received", "own", "own"]


def test_the_timetable_opens_on_the_teachers_own_week(week, login):
    opened = login("teacher1").get("/timetable/?week=2025-10-15")
    assert opened.status_code == 302
    assert opened.location.endswith("/timetable/mine?week=2025-10-15")
    assert login("curator1").get("/timetable/").location.endswith("/timetable/mine")
    # a group is one choice away; the administration opens on a group as before
    group = login("teacher1").get(f"/timetable/?group={week.group_a.id}")
    assert group.status_code == 200 and "timetable-week" in group.get_data(as_text=True)
    assert login("director").get("/timetable/").status_code == 200
    assert login("director").get("/timetable/mine").status_code == 200  # no pairs of theirs
    assert login("student1").get("/timetable/mine").status_code in (302, 403)
    # a date nobody can read opens the current week
    assert "13.10.2025 – 18.10.2025" in login("teacher1").get(
        "/timetable/mine?week=31.02.2025").get_data(as_text=True)
