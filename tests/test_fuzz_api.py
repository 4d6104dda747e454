"""Bad input on the journal API (property-based): wrong types, huge strings, unicode, HTML/JS,
wrong ids, dates far out — always a 4xx with a Russian message or a correct write, never a 500,
never a partial write."""
import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from app.models.curriculum import LESSON_TYPES
from app.models.journal import HOMEWORK_KINDS
from tests.fast_hashing import fast_password_hashing  # noqa: F401

TODAY = date(2025, 10, 20)
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
CYRILLIC = re.compile(r"[А-Яа-яЁё]")

weird_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "\x00",
                     "' OR 1=1 --", "Ω" * 600, "😀" * 300, "a" * 20000, "", " ", "\u202e"]),
)
weird_int = st.one_of(
    st.integers(min_value=-2**70, max_value=2**70), st.sampled_from([0, -1, 2**31, 2**63]),
    st.text(max_size=12), st.none(), st.booleans(), st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=2),
)
weird_date = st.one_of(
    st.dates(min_value=TODAY - timedelta(days=60), max_value=TODAY).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
    st.sampled_from(["9999-12-31", "0001-01-01", "2025-02-30", "31.12.2025", "", "today",
                     "2025-10-20T10:00", "1e9"]),
    weird_int,
)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
any_json = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)


def _registered(app, rule):
    if rule not in {r.rule for r in app.url_map.iter_rules()}:
        pytest.fail(f"{rule} is not registered: the test names a route that no longer exists")


@pytest.fixture()
def journal_setup(app, college, db, login):
    _registered(app, "/api/v1/journals/<int:pk>/marks")
    from app.models import Lesson
    previous = app.config.get("JOURNAL_TODAY")
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    lessons = [Lesson(journal_id=college.journal_a_op.id, lesson_date=TODAY - timedelta(days=i),
                      pair_number=1, teacher_id=college.teacher1.id, topic="Тема")
               for i in range(2)]
    db.session.add_all(lessons)
    db.session.commit()
    yield college, [lesson.id for lesson in lessons], login("teacher1")
    app.config["JOURNAL_TODAY"] = previous


def _counts(db):
    from app.models import CellChange, JournalCell, Lesson, Mark
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (JournalCell, Mark, CellChange, Lesson))


def _check_refusal(response, before, after):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        body = response.get_json(silent=True)
        assert isinstance(body, dict) and isinstance(body.get("message"), str), body
        assert CYRILLIC.search(body["message"]), body
        assert after == before, "a refused request changed the database"


@FUZZ
@given(payload=any_json)
def test_marks_any_json(journal_setup, db, payload):
    college, _, client = journal_setup
    before = _counts(db)
    r = client.put(f"/api/v1/journals/{college.journal_a_op.id}/marks", json=payload)
    _check_refusal(r, before, _counts(db))


@FUZZ
@given(lesson=weird_int, student=weird_int, version=weird_int,
       marks=st.one_of(st.lists(st.one_of(weird_text, st.sampled_from(["5", "зач", "2"]),
                                          st.dictionaries(st.sampled_from(["value", "kind"]),
                                                          weird_text, max_size=2)),
                                max_size=6), weird_text, weird_int),
       absent=st.one_of(st.booleans(), weird_text), good_first=st.booleans())
def test_marks_batch_fields(journal_setup, db, lesson, student, version, marks, absent,
                            good_first):
    """A batch with one valid cell and one bad cell is refused as a whole (all-or-nothing)."""
    college, lessons, client = journal_setup
    bad = {"lesson_id": lesson, "student_id": student, "version": version, "marks": marks,
           "absent": absent}
    good = {"lesson_id": lessons[1], "student_id": college.a_students[4].id, "version": 0,
            "marks": ["5"]}
    before = _counts(db)
    r = client.put(f"/api/v1/journals/{college.journal_a_op.id}/marks",
                   json={"changes": [good, bad] if good_first else [bad]})
    _check_refusal(r, before, _counts(db))
    if r.status_code == 200:  # it happened to be valid: undo for the next example
        _reset_cells(db)


def _reset_cells(db):
    from app.models import AuditLog, CellChange, JournalCell, Mark
    for model in (Mark, CellChange, JournalCell):
        db.session.query(model).delete()
    db.session.query(AuditLog).filter(AuditLog.action == "cell_change").delete()
    db.session.commit()


@pytest.mark.parametrize("journal_id", [0, 999999, 2**31, 2**40])
def test_marks_wrong_journal(journal_setup, db, journal_id):
    _, lessons, client = journal_setup
    r = client.put(f"/api/v1/journals/{journal_id}/marks", json={"changes": [
        {"lesson_id": lessons[0], "student_id": 1, "marks": ["5"]}]})
    assert r.status_code in (400, 403, 404) and r.get_json()["message"]


@FUZZ
@given(lesson_date=weird_date, pair=weird_int, topic=weird_text, homework=weird_text,
       kind=st.one_of(weird_text, st.sampled_from(HOMEWORK_KINDS)),
       lesson_type=st.one_of(weird_text, st.sampled_from(LESSON_TYPES)),
       topic_id=weird_int, substitute=weird_int, hours=weird_int)
def test_lesson_create_fields(journal_setup, db, lesson_date, pair, topic, homework, kind,
                              lesson_type, topic_id, substitute, hours):
    college, _, client = journal_setup
    payload = {"lesson_date": lesson_date, "pair_number": pair, "topic": topic,
               "homework": homework, "homework_kind": kind, "lesson_type": lesson_type,
               "topic_id": topic_id, "substitute_teacher_id": substitute, "hours": hours}
    before = _counts(db)
    r = client.post(f"/api/v1/journals/{college.journal_a_op.id}/lessons", json=payload)
    _check_refusal(r, before, _counts(db))
    if r.status_code == 201:
        from app.models import AuditLog, Lesson
        created = db.session.get(Lesson, r.get_json()["result"]["id"])
        assert created.topic == (topic.strip() if isinstance(topic, str) else created.topic) \
            or created.topic_id
        db.session.delete(created)
        db.session.query(AuditLog).filter(AuditLog.action == "lesson_create").delete()
        db.session.commit()


@FUZZ
@given(payload=any_json)
def test_lesson_any_json(journal_setup, db, payload):
    college, _, client = journal_setup
    before = _counts(db)
    r = client.post(f"/api/v1/journals/{college.journal_a_op.id}/lessons", json=payload)
    _check_refusal(r, before, _counts(db))
    if r.status_code == 201:
        from app.models import Lesson
        db.session.query(Lesson).filter(Lesson.id == r.get_json()["result"]["id"]).delete()
        db.session.commit()


def test_non_json_bodies_refused(journal_setup, db):
    college, _, client = journal_setup
    url = f"/api/v1/journals/{college.journal_a_op.id}"
    for body, ctype in ((b"\xff\xfe\x00", "application/json"), (b"not json", "text/plain"),
                        (b"[" * 5000, "application/json"), (b"", "application/json")):
        for method, path in (("PUT", "/marks"), ("POST", "/lessons")):
            r = client.open(url + path, method=method, data=body, content_type=ctype)
            assert 400 <= r.status_code < 500, (path, body[:10], r.status_code)
            assert r.get_json()["message"]


def test_stored_text_rendered_escaped(app, journal_setup, db):
    """A topic and homework with HTML/JS are stored as text and never rendered as markup."""
    college, _, client = journal_setup
    evil_topic = "<script>alert('topic')</script>"
    evil_homework = '"><img src=x onerror=alert(1)>'
    r = client.post(f"/api/v1/journals/{college.journal_a_op.id}/lessons", json={
        "lesson_date": TODAY.isoformat(), "pair_number": 3, "topic": evil_topic,
        "off_program_reason": evil_topic, "off_timetable_reason": "extra",
        "homework": evil_homework, "homework_kind": "practical"})
    assert r.status_code == 201, r.get_json()
    pages = [rule.rule.replace("<int:pk>", str(college.journal_a_op.id))
             .replace("<int:journal_id>", str(college.journal_a_op.id))
             for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.rule.startswith("/api/")
             and re.search(r"journal", rule.rule) and rule.rule.count("<") <= 1]
    for path in pages:
        page = client.get(path)
        if page.status_code == 200 and page.mimetype == "text/html":
            html = page.get_data(as_text=True)
            assert evil_topic not in html and evil_homework not in html, path
    grid = client.get(f"/api/v1/journals/{college.journal_a_op.id}/grid")
    assert grid.mimetype == "application/json"  # the API answers JSON, never HTML
    assert evil_topic in {lesson.get("topic") for lesson in grid.get_json()["lessons"]}
