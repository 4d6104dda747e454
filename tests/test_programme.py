"""Programme completion (2.2, 1.7, 4.6): per journal and semester, the curriculum's hours and
the work programme's topics against those given, and what is behind; rows scoped like the
journals; a fixed number of queries whatever the number of lessons."""
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from app.models import CurriculumItem, Lesson
from app.services.journal.programme import programme_report, topics_by_semester
from tests.journal_helpers import count_queries

DAY = date(2026, 2, 10)  # the autumn semester over, the spring one under way


def _lesson(db, journal, day, pair, topic=None, hours=2):
    db.session.add(Lesson(journal_id=journal.id, lesson_date=day, pair_number=pair, hours=hours,
                          topic_id=topic.id if topic else None,
                          topic=topic.title if topic else None,
                          teacher_id=journal.teacher_id, attendance_taken=True))


def _case(college, db):
    """ОП.01 of group A: 72 hours in semester 3 (autumn) and 36 in semester 4 (spring); ten
    topics of 8 hours — the first nine fill semester 3, the tenth is semester 4's. Given:
    topics 1 and 2 and a lesson without a topic in autumn (6 hours), topic 10 in spring."""
    db.session.add(CurriculumItem(curriculum_id=college.curriculum.id,
                                  discipline_id=college.op01.id, semester=4, hours=36,
                                  assessment_form="exam"))
    for topic in college.topics:
        topic.hours = 8
    j, t = college.journal_a_op, college.topics
    _lesson(db, j, date(2025, 10, 1), 1, t[0])
    _lesson(db, j, date(2025, 10, 8), 1, t[1])
    _lesson(db, j, date(2025, 10, 15), 1)
    _lesson(db, j, date(2026, 2, 2), 1, t[9])
    db.session.commit()


def _rows(rows, journal):
    return {(r.period.number if r.period else None): r for r in rows if r.journal.id == journal.id}


def test_topics_fall_in_semesters_by_the_programme_hours():
    class T:
        def __init__(self, hours):
            self.hours = hours
    topics = [T(8) for _ in range(10)]
    split = topics_by_semester(topics, {3: 72, 4: 36})
    assert [len(split[3]), len(split[4])] == [9, 1]
    assert [len(v) for v in topics_by_semester(topics, {3: 20}).values()] == [10]


def test_planned_against_given_by_semester(college, db):
    _case(college, db)
    rows = _rows(programme_report(college.deputy, college.year, DAY), college.journal_a_op)
    autumn, spring = rows[1], rows[2]
    assert (autumn.semester, autumn.planned_hours, autumn.given_hours, autumn.hours_short) == \
        (3, 72, 6, 66)
    assert (len(autumn.planned_topics), len(autumn.given_topics)) == (9, 2)
    assert [t.position for t in autumn.missing_topics] == [3, 4, 5, 6, 7, 8, 9]
    assert autumn.state == "over" and autumn.behind
    assert (spring.semester, spring.planned_hours, spring.given_hours, spring.hours_short) == \
        (4, 36, 2, 34)
    assert [t.position for t in spring.given_topics] == [10] and not spring.missing_topics
    assert spring.state == "current" and not spring.behind  # the semester is not over yet


def test_a_discipline_without_semesters_in_the_plan_is_planned_by_the_load(college, db):
    """УП.01 of group B has no row in the plan: one row for the year, by the teaching load."""
    rows = _rows(programme_report(college.deputy, college.year, DAY), college.journal_b_op)
    assert set(rows) == {1}  # ОП.01 is in group B's plan: semester 3 only
    [year_row] = [r for r in programme_report(college.deputy, college.year, DAY)
                  if r.journal.id == college.journal_a_up.id]
    assert year_row.period is not None  # УП.01 is in the plan too
    item = db.session.query(CurriculumItem).filter_by(discipline_id=college.up01.id).one()
    db.session.delete(item)
    db.session.commit()
    [year_row] = [r for r in programme_report(college.deputy, college.year, DAY)
                  if r.journal.id == college.journal_a_up.id]
    assert year_row.period is None and year_row.planned_hours == 36


def test_a_teacher_sees_only_own_journals(college, db, login, monkeypatch, app):
    _case(college, db)
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", DAY.isoformat())
    own = {r.journal.id for r in programme_report(college.teacher2, college.year, DAY)}
    assert own == {college.journal_a_mdk2.id, college.journal_b_op.id}
    page = login("teacher2").get("/programme/").get_data(as_text=True)
    assert f'data-journal="{college.journal_b_op.id}"' in page
    assert f'data-journal="{college.journal_a_op.id}"' not in page
    book = load_workbook(BytesIO(login("teacher2").get("/programme/xlsx/").data))
    titles = {r[0] for r in book.active.iter_rows(values_only=True)}
    assert college.journal_b_op.title in titles and college.journal_a_op.title not in titles
    assert login("student1").get("/programme/").status_code in (302, 403)


def test_page_and_xlsx_show_what_is_behind(college, db, login, monkeypatch, app):
    _case(college, db)
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", DAY.isoformat())
    c = login("deputy")
    page = c.get("/programme/?behind=1").get_data(as_text=True)
    assert f'data-journal="{college.journal_a_op.id}" data-period="{college.autumn.id}"' in page
    assert f'data-period="{college.spring.id}"' not in page  # not behind: under way
    assert "Тема 3. Раздел операционных систем №3" in page
    book = load_workbook(BytesIO(c.get("/programme/xlsx/").data))
    [row] = [r for r in book.active.iter_rows(values_only=True)
             if r[0] == college.journal_a_op.title and r[2] == "1 семестр"]
    assert row[4:9] == (72, 6, 66, 9, 2) and row[10] == "да"
    assert row[9].splitlines()[0] == "3. Тема 3. Раздел операционных систем №3"


def test_queries_do_not_grow_with_lessons(college, db):
    _case(college, db)
    few = count_queries(db, lambda: programme_report(college.deputy, college.year, DAY))
    for n in range(30):
        for journal in (college.journal_a_op, college.journal_b_op, college.journal_a_mdk1):
            _lesson(db, journal, date(2025, 11, 3) + timedelta(days=n), 2,
                    college.topics[n % 10] if journal.discipline_id == college.op01.id
                    else None)
    db.session.commit()
    many = count_queries(db, lambda: programme_report(college.deputy, college.year, DAY))
    assert many == few <= 10  # six of the report, the rest the user and year reloaded
