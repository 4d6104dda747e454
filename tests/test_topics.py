"""Topics from the work program (4.6, 4.8): a lesson's topic is one of the program's; a lesson
outside the program needs its reason, is marked and shows in the curator's check; where the
program expects homework, a lesson without it shows in the weekly check."""
from datetime import date

import pytest

from app.errors import BadInput
from app.models import Lesson
from app.services.control import completeness as cc
from app.services.journal import lessons
from tests.reports_helpers import entry

TODAY = date(2025, 10, 17)


@pytest.fixture()
def term(app, college, db, monkeypatch):
    """Group A's ОП.01 has pairs 1 and 2 on Tuesdays: the lessons below take them (1.7)."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    entry(college.autumn, college.journal_a_op, 1, 1)
    entry(college.autumn, college.journal_a_op, 1, 2)
    db.session.commit()
    return college


def _lesson(c, **data):
    return lessons.create_lesson(c.teacher1, c.journal_a_op, dict(
        {"lesson_date": "2025-10-14", "pair_number": 1}, **data), TODAY)


def test_free_topic_needs_its_reason(term, db):
    with pytest.raises(BadInput, match="причин"):
        _lesson(term, topic="Экскурсия на предприятие")
    assert db.session.query(Lesson).count() == 0


def test_lesson_outside_the_program_is_marked(term, db):
    lesson = _lesson(term, topic="Экскурсия на предприятие",
                     off_program_reason="по приказу директора")
    db.session.commit()
    assert lesson.is_complete and lesson.off_program_reason == "по приказу директора"
    check = cc.week_check(term.group_a, date(2025, 10, 13))
    assert [(o["topic"], o["reason"]) for o in check["off_program"]] == [
        ("Экскурсия на предприятие", "по приказу директора")]
    assert not [i for i in check["issues"] if i["kind"] == "no_topic"]


def test_program_topic_needs_no_reason(term, db):
    topic = term.topics[0]
    lesson = _lesson(term, topic_id=topic.id, off_program_reason="лишнее")
    assert (lesson.topic, lesson.off_program_reason) == (topic.title, None)


def test_missing_homework_where_the_program_expects_it(term, db):
    term.topics[0].homework_expected = True
    term.topics[1].homework_expected = True
    _lesson(term, topic_id=term.topics[0].id)
    _lesson(term, topic_id=term.topics[1].id, pair_number=2, homework="§2, задачи 1–3")
    db.session.commit()
    check = cc.week_check(term.group_a, date(2025, 10, 13))
    assert [(i["kind"], i["pair_number"]) for i in check["issues"]
            if i["kind"] == "no_homework"] == [("no_homework", 1)]
    assert check["counts"]["no_homework"] == 1


def test_api_and_form(term, db, login):
    c = term
    teacher = login("teacher1")
    url = f"/api/v1/journals/{c.journal_a_op.id}/lessons"
    refused = teacher.post(url, json={"lesson_date": "2025-10-14", "pair_number": 1,
                                      "topic": "Вне программы"})
    assert refused.status_code == 400 and "причин" in refused.get_json()["message"]
    ok = teacher.post(url, json={"lesson_date": "2025-10-14", "pair_number": 1,
                                 "topic": "Вне программы", "off_program_reason": "замена темы"})
    assert ok.status_code == 201
    form = teacher.get(f"/journal/{c.journal_a_op.id}/lesson/").get_data(as_text=True)
    assert 'name="off_program_reason"' in form
