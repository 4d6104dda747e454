"""Helpers of the journal tests: a fixed "today", lessons and cells built directly."""
from datetime import date

import pytest
from sqlalchemy import event

TODAY = date(2025, 10, 15)
# 4.7: a day inside the autumn's window of final grades (14 days before its end, 31.12.2025)
GRADING_DAY = date(2025, 12, 20)
# The small college has no timetable: a lesson recorded through the service takes no pair of
# it and carries the teacher's reason (1.7, 3.3) — here "an extra lesson"
EXTRA = {"off_timetable_reason": "extra"}


def fixed_day(app, day: date):
    """The college's "today" fixed to `day` for one test (JOURNAL_TODAY)."""
    old = app.config.get("JOURNAL_TODAY")
    app.config["JOURNAL_TODAY"] = day.isoformat()
    yield day
    app.config["JOURNAL_TODAY"] = old


@pytest.fixture()
def today(app):
    yield from fixed_day(app, TODAY)


@pytest.fixture()
def grading_day(app):
    """A day on which the autumn's final grades are accepted."""
    yield from fixed_day(app, GRADING_DAY)


def add_lesson(db, journal, day, pair=1, teacher=None, topic=None, substitution=False):
    from app.models import Lesson
    lesson = Lesson(journal_id=journal.id, lesson_date=day, pair_number=pair,
                    teacher_id=(teacher or journal.teacher).id, topic=topic,
                    is_substitution=substitution, subgroup_id=journal.subgroup_id)
    db.session.add(lesson)
    db.session.commit()
    return lesson


def change(lesson, student, version=0, marks=(), absent=False):
    return {"lesson_id": lesson.id, "student_id": student.id, "version": version,
            "absent": absent, "marks": [{"value": m, "kind": "current"} for m in marks]}



def count_queries(db, fn) -> int:
    """How many SQL statements `fn` sends: the hot pages load with a fixed number of queries."""
    counter = {"n": 0}

    def before(*_args):
        counter["n"] += 1
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return counter["n"]


def teach_group_b(db, college, year, teacher):
    """`teacher` teaches the small college's group B in `year` (its journals generated)."""
    from app.models import TeachingLoad
    from app.services.journal.generation import generate_journals
    db.session.add(TeachingLoad(academic_year_id=year.id, group_id=college.group_b.id,
                                discipline_id=college.up01.id, teacher_id=teacher.id,
                                hours=36))
    db.session.flush()
    generate_journals(year.id)
    db.session.commit()


@pytest.fixture()
def last_year(db, college):
    """The academic year before the small college's, 2024/2025."""
    from app.models import AcademicYear
    year = AcademicYear(name="2024/2025", start_date=date(2024, 9, 1),
                        end_date=date(2025, 6, 30))
    db.session.add(year)
    db.session.commit()
    return year
