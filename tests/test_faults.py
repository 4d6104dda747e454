"""PostgreSQL restarted under load (SECURITY.md "Concurrency", FSTEC ОДТ): the portal answers
errors only while the database is down, recovers by itself (pool_pre_ping), and loses no
acknowledged write. Uses a private PostgreSQL instance, never the machine's shared server."""
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from bench._common import (
    ROOT, AppServer, Browser, PrivatePostgres, create_database, flask_journal, lost_writes,
    pg_bindir,
)
from tests.factories import PASSWORD

# a PostgreSQL restart: collected in the PostgreSQL pass only (tests/conftest.py)
pytestmark = pytest.mark.postgresql_only
TODAY = "2025-10-20"
WRITERS, READERS = 6, 2
DOWN_AT, DOWN_FOR, DURATION = 3.0, 4.0, 14.0
RECOVERY = 4.0  # seconds after the restart within which the first requests may still fail

SEED = """
import json
from datetime import date, timedelta
from app import create_app
app = create_app()
app.config["FAB_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
with app.app_context():
    from app.extensions import db
    from app.models import Lesson
    from tests.factories import build_college
    c = build_college(db)
    lessons = [Lesson(journal_id=c.journal_a_op.id, lesson_date=date(2025, 10, 20) -
                      timedelta(days=i), pair_number=1, teacher_id=c.teacher1.id)
               for i in range(6)]
    db.session.add_all(lessons)
    db.session.commit()
    print(json.dumps({"journal": c.journal_a_op.id, "lessons": [l.id for l in lessons],
                      "students": [s.id for s in c.a_students]}))
"""


@pytest.fixture(scope="module")
def private_pg(app):
    if "/api/v1/journals/<int:pk>/marks" not in {r.rule for r in app.url_map.iter_rules()}:
        pytest.fail("the mark batch API is not registered")
    if pg_bindir() is None:
        pytest.fail("PostgreSQL server binaries (initdb) are not installed")
    try:
        pg = PrivatePostgres().init()
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        pytest.fail(f"cannot start a private PostgreSQL: {exc}")
    try:
        url = create_database(pg.admin_url, "journal_faults")
        flask_journal(url, "init")
        env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT))
        out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True, timeout=300).stdout
        yield pg, url, json.loads(out.strip().splitlines()[-1])
    finally:
        pg.destroy()


def _teacher(base):
    browser = Browser(base, timeout=20)
    assert browser.login("teacher1", PASSWORD) == 302
    browser.fetch_csrf("/resetmypassword/form")
    return browser


def test_postgres_restart_under_load(private_pg):
    pg, url, data = private_pg
    env = {"AUTH_RATE_LIMIT": "10000 per minute", "REDIS_URL": "", "JOURNAL_TODAY": TODAY}
    cells = [(lesson, student) for lesson in data["lessons"] for student in data["students"]]
    samples, acknowledged, lock = [], {}, threading.Lock()
    with AppServer(url, workers=2, threads=2, env=env) as srv:
        browsers = [_teacher(srv.url) for _ in range(WRITERS + READERS)]
        t0 = time.monotonic()

        def writer(n):
            mine, versions, i = cells[n::WRITERS], {}, 0
            while time.monotonic() - t0 < DURATION:
                cell = mine[i % len(mine)]
                value = "2345"[i % 4]
                start = time.monotonic() - t0
                status, body = browsers[n].json("PUT", f"/api/v1/journals/{data['journal']}"
                                                "/marks", {"changes": [{
                                                    "lesson_id": cell[0], "student_id": cell[1],
                                                    "version": versions.get(cell, 0),
                                                    "marks": [value]}]})
                with lock:
                    samples.append((start, status, body))
                if status == 200:
                    versions[cell] = body["cells"][0]["version"]
                    with lock:
                        acknowledged[cell] = (versions[cell], value)
                elif status == 409:
                    versions[cell] = body["conflicts"][0]["version"]
                else:
                    time.sleep(0.1)
                i += 1

        def reader(n):
            while time.monotonic() - t0 < DURATION:
                start = time.monotonic() - t0
                status, body = browsers[n].json("GET", f"/api/v1/journals/{data['journal']}"
                                                "/grid")
                with lock:
                    samples.append((start, status, body))
                if status != 200:
                    time.sleep(0.1)

        def restart():
            time.sleep(DOWN_AT)
            pg.stop("fast")
            time.sleep(DOWN_FOR)
            pg.start()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        threads += [threading.Thread(target=reader, args=(WRITERS + n,))
                    for n in range(READERS)]
        threads.append(threading.Thread(target=restart))
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    errors = [(t, s, b) for t, s, b in samples if s >= 500 or s == 0]
    outside = [(round(t, 1), s) for t, s, _ in errors
               if not DOWN_AT - 1 <= t <= DOWN_AT + DOWN_FOR + RECOVERY]
    assert errors, "the outage was not noticed at all"
    assert outside == [], f"errors while PostgreSQL was up: {outside}"
    late = [s for t, s, _ in samples if t > DOWN_AT + DOWN_FOR + RECOVERY]
    assert late and all(s in (200, 409) for s in late), (
        "the portal did not recover by itself: "
        f"{sorted((round(t, 1), s) for t, s, _ in samples if s not in (200, 409))[-10:]}, "
        f"{len(late)} requests after recovery")
    # the outage is answered clearly, never with the database's error text
    for _, status, body in errors:
        if status:
            assert status == 503 and "База данных временно недоступна" in json.dumps(
                body, ensure_ascii=False), (status, body)

    lost = lost_writes(url, acknowledged)
    assert acknowledged and lost == []
