"""Helpers of the journal tests: a fixed "today", lessons and cells built directly."""
from datetime import date

import pytest

TODAY = date(2025, 10, 15)


@pytest.fixture()
def today(app):
    old = app.config.get("JOURNAL_TODAY")
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    yield TODAY
    app.config["JOURNAL_TODAY"] = old


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


@pytest.fixture(autouse=True)
def fresh_user_per_request(app):
    """The test's app context is shared by its requests, so `g` (and the logged-in user cached
    in it) would leak from one client to the next: forget it at the start of each request."""
    from flask import g, request_started

    def forget(_sender, **_extra):
        for name in ("_login_user", "user"):
            g.pop(name, None)
    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)
