"""Substitutes (4.4, 5.3): the teacher a timetable change names records that lesson themselves
— and only that one: another pair, another day or another journal is refused; the pair is on
their start-page day and not on the journal teacher's; a missing substituted pair is theirs."""
from datetime import date

import pytest

from app.errors import Forbidden
from app.models import Journal, Lesson
from app.services.control.reports import council as cr
from app.services.journal import lessons, timetable as tt
from app.services.scopes import journal_filter
from tests.reports_helpers import entry

MON = date(2025, 10, 13)


@pytest.fixture()
def change(app, college, db, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-17")
    c = college
    entry(c.autumn, c.journal_a_op, 0, 1)
    entry(c.autumn, c.journal_a_op, 0, 2)
    found = tt.add_change(c.group_a, MON, 1, c.journal_a_op, False, "каб. 5", c.teacher2)
    db.session.commit()
    return found


def _data(pair=1, day=MON):
    return {"lesson_date": day.isoformat(), "pair_number": pair, "topic": "Замена",
            "off_program_reason": "замена по расписанию"}


def test_named_substitute_records_that_lesson(college, db, change):
    c = college
    lesson = lessons.create_lesson(c.teacher2, c.journal_a_op, _data(), date(2025, 10, 17))
    db.session.commit()
    assert (lesson.teacher_id, lesson.is_substitution, lesson.is_late) == \
        (c.teacher2.id, True, True)


@pytest.mark.parametrize("pair,day", [(2, MON), (1, date(2025, 10, 14))])
def test_substitute_only_that_pair(college, db, change, pair, day):
    with pytest.raises(Forbidden):
        lessons.create_lesson(college.teacher2, college.journal_a_op, _data(pair, day),
                              date(2025, 10, 17))
    assert db.session.query(Lesson).count() == 0


@pytest.mark.parametrize("pair,day", [(2, MON), (1, date(2025, 10, 14))])
def test_substitute_naming_themselves_for_another_pair_is_refused(college, db, change, pair, day):
    data = dict(_data(pair, day), substitute_teacher_id=college.teacher2.id)
    with pytest.raises(Forbidden) as refused:
        lessons.create_lesson(college.teacher2, college.journal_a_op, data, date(2025, 10, 17))
    assert "ту пару, которую называет изменение расписания" in refused.value.message
    db.session.rollback()
    assert db.session.query(Lesson).count() == 0


def test_substitute_not_in_other_journals(college, db, change):
    with pytest.raises(Forbidden):
        lessons.create_lesson(college.teacher2, college.journal_a_mdk1, _data(), date(2025, 10, 17))


def test_substitute_sees_the_journal_and_the_day(college, db, change):
    c = college
    visible = set(db.session.scalars(db.select(Journal.id).where(journal_filter(c.teacher2))))
    assert c.journal_a_op.id in visible and c.journal_a_mdk1.id not in visible
    day2 = tt.teacher_day(c.teacher2, MON)
    assert [(p["journal"].id, p["pair_number"], p["substitution"]) for p in day2] == \
        [(c.journal_a_op.id, 1, True)]
    assert [p["pair_number"] for p in tt.teacher_day(c.teacher1, MON)] == [2]


def test_missing_substituted_pair_counts_for_the_substitute(college, db, change):
    c = college
    report = cr.council([c.autumn], today=date(2025, 10, 14))
    missing = {r["user_id"]: r["missing"] for r in report["rows"]}
    # 7 Mondays 01.09–13.10 × 2 pairs; pair 1 of 13.10 is teacher2's, not teacher1's
    assert missing[c.teacher2.id] == 1 and missing[c.teacher1.id] == 13


@pytest.mark.parametrize("who,cancelled,message", [
    ("student1", False, "действующий преподаватель"),
    ("teacher1", False, "самого журнала"),
    ("teacher2", True, "отменённой"),
])
def test_bad_substitute_refused(college, db, change, who, cancelled, message):
    with pytest.raises(tt.BadInput, match=message):
        tt.add_change(college.group_a, MON, 2, college.journal_a_op, cancelled, "",
                      college.users[who])


def test_substitute_through_the_pages(college, db, change, login):
    c = college
    director = login("director")
    resp = director.post("/timetable/change", data={
        "group": c.group_a.id, "date": "2025-10-14", "pair": 3, "journal": c.journal_a_op.id,
        "substitute": c.teacher2.id})
    assert resp.status_code == 302
    page = director.get(f"/timetable/?group={c.group_a.id}&week=2025-10-13").get_data(
        as_text=True)
    assert "замена: Сидоров Олег" in page
    api = login("teacher2").post(f"/api/v1/journals/{c.journal_a_op.id}/lessons", json={
        "lesson_date": "2025-10-14", "pair_number": 3, "topic_id": c.topics[0].id})
    assert api.status_code in (200, 201), api.get_data(as_text=True)
    assert db.session.query(Lesson).filter_by(teacher_id=c.teacher2.id).count() == 1


def test_start_page_offers_the_substituted_pair_and_the_missing_ones(app, college, db, change,
                                                                    login, monkeypatch):
    """The substitute sees the pair on their start page with one click to record it; the
    journal's teacher sees their own pair 2 and, among unfinished lessons, the pairs the
    timetable gave them that nobody recorded."""
    from app.services.dashboards import teacher as dash
    c = college
    sub = dash.teacher_day(c.teacher2, MON)
    assert [(p["journal"].id, p["pair_number"], p["substitution"]) for p in sub["pairs"]] == \
        [(c.journal_a_op.id, 1, True)]
    own = dash.teacher_day(c.teacher1, MON)
    assert [p["pair_number"] for p in own["pairs"] if p["journal"].id == c.journal_a_op.id] == [2]
    later = dash.teacher_day(c.teacher1, date(2025, 10, 15))
    # Monday 13.10: pair 2 is teacher1's and not recorded; pair 1 went to teacher2
    assert [(p["date"], p["pair_number"]) for p in later["missing"]
            if p["date"] == MON] == [(MON, 2)]
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", MON.isoformat())
    page = login("teacher2").get("/").get_data(as_text=True)
    assert "Записать занятие" in page
    assert f"/journal/{c.journal_a_op.id}/lesson/?lesson_date=2025-10-13&amp;pair_number=1" \
        in page
