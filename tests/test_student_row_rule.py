"""One row rule for a teacher's view of a student on every page (SPEC §1, 3.3): the people
screen, the student's record and the student's debts agree — a teacher sees the students of
the groups they teach this academic year, and a group taught last year is closed on all three
(services/scopes.py sees_student_now)."""
from tests.journal_helpers import last_year, teach_group_b  # noqa: F401

PAGES = ("/studentview/show/{id}", "/portal/student/{id}", "/debts/student/{id}")


def _answers(client, student) -> list[int]:
    return [client.get(page.format(id=student.id)).status_code for page in PAGES]


def test_a_group_taught_last_year_is_closed_on_every_page(db, college, login, last_year):
    teach_group_b(db, college, last_year, college.teacher1)
    client = login("teacher1")
    answers = _answers(client, college.student3)
    assert answers[0] == 404 and answers[1:] == [403, 403], answers
    # the teacher's own last-year journal stays theirs to read
    assert client.get("/journal/").status_code == 200


def test_a_group_taught_this_year_is_open_on_every_page(db, college, login):
    teach_group_b(db, college, college.year, college.teacher1)
    assert _answers(login("teacher1"), college.student3) == [200, 200, 200]


def test_a_group_never_taught_is_closed_on_every_page(db, college, login):
    answers = _answers(login("teacher1"), college.student3)
    assert answers[0] == 404 and answers[1:] == [403, 403], answers


def test_the_teachers_current_group_is_open_on_every_page(db, college, login):
    assert _answers(login("teacher2"), college.student3) == [200, 200, 200]
    for student in college.a_students:
        assert _answers(login("teacher2"), student) == [200, 200, 200], student.id
