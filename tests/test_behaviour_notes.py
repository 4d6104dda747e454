"""Behaviour notes (3.3, 5.2): the student's teachers and curator write them, nobody else;
bad input changes nothing; the week's notes reach parents in the weekly report."""
from datetime import date

import pytest

from app.models import AuditLog, BehaviourNote
from app.services.portal import behaviour

TODAY = date(2025, 10, 17)


@pytest.fixture()
def term(app, college, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    return college


def test_teacher_and_curator_of_the_group_write(term, db):
    c = term
    note = behaviour.add_note(c.teacher1, c.student1.id, date(2025, 10, 16), " Опоздал на пару ")
    behaviour.add_note(c.curator1, c.student1.id, TODAY, "Пропустил классный час")
    db.session.commit()
    assert note.text == "Опоздал на пару" and note.author_id == c.teacher1.id
    assert db.session.query(BehaviourNote).count() == 2
    entry = db.session.query(AuditLog).filter_by(action="behaviour_note").first()
    assert entry.object_id == str(c.student1.id) and entry.user_id == c.teacher1.id


@pytest.mark.parametrize("author", ["teacher1", "curator2", "deputy", "student1", "parent1"])
def test_others_are_refused(term, db, author):
    """teacher1 teaches no journal of group B; curator2 curates B, not A; the rest do not
    teach at all."""
    c = term
    student = c.student3 if author == "teacher1" else c.student1
    with pytest.raises(behaviour.NoteDenied):
        behaviour.add_note(c.users[author], student.id, TODAY, "Замечание")
    assert db.session.query(BehaviourNote).count() == 0


@pytest.mark.parametrize("day,text,message", [
    (date(2025, 10, 18), "Текст", "будущем"),
    (None, "Текст", "дату"),
    (date(2025, 9, 1), "Текст", "не позже"),
    (TODAY, "   ", "текст"),
    (TODAY, "я" * 501, "500"),
])
def test_bad_input_changes_nothing(term, db, day, text, message):
    with pytest.raises(behaviour.NoteError, match=message):
        behaviour.add_note(term.teacher1, term.student1.id, day, text)
    assert db.session.query(BehaviourNote).count() == 0


def test_pages(term, db, login):
    c = term
    teacher = login("teacher1")
    page = teacher.get("/notes/").get_data(as_text=True)
    assert "Смирнов Артём" in page and "Михайлов Егор" not in page  # only group A's students
    resp = teacher.post("/notes/add", data={"student": c.student1.id, "date": "2025-10-17",
                                            "text": "<b>Шумел</b> на занятии"})
    assert resp.status_code == 302
    refused = teacher.post("/notes/add", data={"student": c.student3.id, "date": "2025-10-17",
                                               "text": "Шумел"})
    assert refused.status_code == 403 and "куратор" in refused.get_data(as_text=True)
    bad = teacher.post("/notes/add", data={"student": "abc", "date": "завтра", "text": "x"})
    assert bad.status_code == 422
    listing = login("curator1").get("/notes/").get_data(as_text=True)
    assert "&lt;b&gt;Шумел&lt;/b&gt; на занятии" in listing  # escaped, visible to the curator
    assert "Шумел" not in login("curator2").get("/notes/").get_data(as_text=True)
    assert "Шумел" in login("deputy").get("/notes/").get_data(as_text=True)
    assert login("student1").get("/notes/").status_code in (302, 403)
    assert db.session.query(BehaviourNote).count() == 1


def test_week_notes(term, db):
    c = term
    behaviour.add_note(c.teacher1, c.student1.id, date(2025, 10, 10), "Прошлая неделя")
    behaviour.add_note(c.teacher1, c.student1.id, date(2025, 10, 14), "Эта неделя")
    db.session.commit()
    notes = behaviour.week_notes([c.student1.id, c.student2.id], date(2025, 10, 13),
                                 date(2025, 10, 19))
    assert [n.text for n in notes[c.student1.id]] == ["Эта неделя"]
    assert c.student2.id not in notes


def test_weekly_report_carries_the_week_notes(term, db):
    from app.services.portal import weekly_reports as wr
    c = term
    behaviour.add_note(c.teacher1, c.student1.id, date(2025, 10, 14), "Опоздал на пару")
    behaviour.add_note(c.teacher1, c.student2.id, date(2025, 10, 6), "Прошлая неделя")
    db.session.commit()
    reports = {r["student"].id: r for r in wr.build(c.group_a, date(2025, 10, 13))}
    assert [n["text"] for n in reports[c.student1.id]["conduct"]] == ["Опоздал на пару"]
    assert reports[c.student2.id]["conduct"] == []
    body = wr.text_body(reports[c.student1.id], c.group_a)
    assert "14.10.2025 Опоздал на пару (Петрова Анна)" in body
