"""Many teachers' clients saving marks to one journal at once, through gunicorn on PostgreSQL
(SECURITY.md "Concurrency"): every accepted write is in the database, conflicting writes to one
cell get 409 with the current value, nothing is lost silently."""
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bench._common import AppServer, Browser
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.skipif(os.environ.get("JOURNAL_TEST_DB") != "postgresql",
                                reason="concurrent writers through several gunicorn workers "
                                       "need PostgreSQL (JOURNAL_TEST_DB=postgresql)")
MARKS_URL = "/api/v1/journals/<int:pk>/marks"
TODAY = date(2025, 10, 20)
LESSONS = 6
CLIENTS = 12


@pytest.fixture(scope="module")
def server(app):
    if MARKS_URL not in {r.rule for r in app.url_map.iter_rules()}:
        pytest.skip(f"the mark batch API {MARKS_URL} is not registered")
    env = {"AUTH_RATE_LIMIT": "10000 per minute", "REDIS_URL": "",
           "JOURNAL_TODAY": TODAY.isoformat(), "SECRET_KEY": os.environ["SECRET_KEY"]}
    with AppServer(app.config["SQLALCHEMY_DATABASE_URI"], workers=4, threads=2,
                   env=env) as srv:
        yield srv


@pytest.fixture()
def lessons(server, college, db):
    from app.models import Lesson
    rows = [Lesson(journal_id=college.journal_a_op.id, lesson_date=TODAY - timedelta(days=i),
                   pair_number=1, teacher_id=college.teacher1.id, topic=f"Тема {i}")
            for i in range(LESSONS)]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def _teacher(server) -> Browser:
    browser = Browser(server.url)
    assert browser.login("teacher1", PASSWORD) == 302
    browser.fetch_csrf("/resetmypassword/form")
    assert browser.csrf
    return browser


def _put(browser, journal_id, lesson_id, student_id, version, value):
    return browser.json("PUT", f"/api/v1/journals/{journal_id}/marks", {"changes": [
        {"lesson_id": lesson_id, "student_id": student_id, "version": version,
         "marks": [value]}]})


def test_parallel_writers_on_distinct_cells_all_saved(server, college, lessons, db):
    from app.models import JournalCell, Mark
    journal = college.journal_a_op.id
    cells = [(lesson, s.id) for lesson in lessons for s in college.a_students]
    browsers = [_teacher(server) for _ in range(CLIENTS)]
    expected, failures = {}, []

    def writer(n):
        mine = cells[n::CLIENTS]
        versions = {cell: 0 for cell in mine}
        for round_ in range(2):
            for cell in mine:
                value = str(2 + (n + round_) % 4)
                status, body = _put(browsers[n], journal, *cell, versions[cell], value)
                if status != 200:
                    failures.append((cell, status, body))
                    continue
                versions[cell] = body["cells"][0]["version"]
                expected[cell] = value

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(writer, range(CLIENTS)))
    assert failures == []
    db.session.expire_all()
    stored = {(c.lesson_id, c.student_id): [m.value for m in c.marks]
              for c in db.session.scalars(select(JournalCell).where(
                  JournalCell.lesson_id.in_(lessons)))}
    assert stored == {cell: [value] for cell, value in expected.items()}
    assert db.session.scalar(select(func.count()).select_from(Mark)) == len(cells)


def test_same_cell_first_writer_wins_others_get_409(server, college, lessons, db):
    from app.models import CellChange, JournalCell
    journal, lesson, student = college.journal_a_op.id, lessons[0], college.a_students[0].id
    browsers = [_teacher(server) for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    results = []

    def writer(n):
        barrier.wait()
        results.append((n, *_put(browsers[n], journal, lesson, student, 0, str(2 + n % 4))))

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(writer, range(CLIENTS)))
    accepted = [r for r in results if r[1] == 200]
    refused = [r for r in results if r[1] != 200]
    assert len(accepted) == 1, results
    assert all(status == 409 and body.get("message") and body.get("conflicts")
               for _, status, body in refused), refused
    winner = str(2 + accepted[0][0] % 4)
    db.session.expire_all()
    cell = db.session.scalars(select(JournalCell).filter_by(lesson_id=lesson,
                                                             student_id=student)).one()
    assert [m.value for m in cell.marks] == [winner] and cell.version == 1
    assert db.session.scalar(select(func.count()).select_from(CellChange)) == 1


def test_retrying_writers_serialise_without_lost_updates(server, college, lessons, db):
    """Writers that reload the cell after a 409 and retry: every accepted write got its own
    version, one after another, and the last one is what the database holds."""
    from app.models import JournalCell
    journal, lesson, student = college.journal_a_op.id, lessons[1], college.a_students[1].id
    browsers = [_teacher(server) for _ in range(8)]
    accepted, lock = [], threading.Lock()

    def writer(n):
        version = 0
        for attempt in range(40):
            status, body = _put(browsers[n], journal, lesson, student, version,
                                str(2 + (n + attempt) % 4))
            if status == 200:
                with lock:
                    accepted.append((body["cells"][0]["version"],
                                     body["cells"][0]["marks"][0]["value"]))
                return
            assert status == 409, body
            version = body["conflicts"][0]["version"]

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(writer, range(8)))
    versions = sorted(v for v, _ in accepted)
    assert versions == list(range(1, len(accepted) + 1)) and len(accepted) == 8
    db.session.expire_all()
    cell = db.session.scalars(select(JournalCell).filter_by(lesson_id=lesson,
                                                             student_id=student)).one()
    assert cell.version == len(accepted)
    assert [m.value for m in cell.marks] == [max(accepted)[1]]
