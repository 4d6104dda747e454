"""One college clock (issue 12, item 7): COLLEGE_TIMEZONE decides "today", late entries and
every time shown, whatever the server's own zone; stored times stay UTC.

The server tests start a real gunicorn process under TZ=UTC and TZ=America/New_York with the
testing configuration and JOURNAL_NOW fixing "now" (UTC) at 23:30 of 14.10.2025, which is
07:30 of 15.10.2025 in Irkutsk. JOURNAL_TODAY is not set there: the date comes from the clock.
Its bell schedule (BELL) has two pairs begun by 07:30 and a third one at 09:05.
"""
import os
import re
import signal
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime, timezone
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import select

from app import labels
from app.infra import clock
from app.models import AuditLog, Lesson
from bench._common import free_port, wait_http
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
NOW_UTC = "2025-10-14T23:30:00"  # = 15.10.2025 07:30 in Irkutsk (UTC+8)
COLLEGE_DAY = date(2025, 10, 15)
BELL = "07:00-07:20, 07:25-08:55, 09:05-10:35"  # an early college: pairs 1-2 begun at 07:30


@pytest.fixture()
def fixed_now(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_NOW", NOW_UTC)
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "")
    monkeypatch.setitem(app.config, "COLLEGE_TIMEZONE", "Asia/Irkutsk")
    with app.app_context():
        yield


def test_today_is_the_college_date_not_the_utc_date(fixed_now):
    assert clock.now() == datetime(2025, 10, 14, 23, 30, tzinfo=timezone.utc)
    assert clock.today() == COLLEGE_DAY


def test_times_are_shown_on_the_college_clock(fixed_now, app, monkeypatch):
    stored = datetime(2025, 10, 14, 23, 30, tzinfo=timezone.utc)
    assert clock.format_moment(stored) == "15.10.2025 07:30"
    assert clock.format_moment(stored.replace(tzinfo=None)) == "15.10.2025 07:30"  # SQLite
    assert clock.format_date(stored) == "15.10.2025"
    assert clock.format_moment(date(2025, 10, 15)) == "15.10.2025"
    assert clock.local_date(stored) == COLLEGE_DAY
    # the same filters in every template
    env = app.jinja_env
    assert env.from_string("{{ t|dt }} {{ t|d }}").render(t=stored) == \
        "15.10.2025 07:30 15.10.2025"
    monkeypatch.setitem(app.config, "COLLEGE_TIMEZONE", "Europe/Moscow")
    assert clock.format_moment(stored) == "15.10.2025 02:30"
    assert clock.today() == COLLEGE_DAY


def test_a_fixed_now_is_ignored_outside_testing(fixed_now, app, monkeypatch):
    monkeypatch.setitem(app.config, "TESTING", False)
    assert abs((clock.now() - datetime.now(timezone.utc)).total_seconds()) < 60


def test_college_day_bounds_for_queries(fixed_now):
    assert clock.day_start(COLLEGE_DAY) == datetime(2025, 10, 14, 16, 0, tzinfo=timezone.utc)


def test_codes_and_details_read_in_russian():
    assert labels.role("Teacher") == "Преподаватель"
    assert labels.action("status_change") == "изменение статуса студента"
    assert labels.object_type("ab_user") == "учётная запись"
    assert labels.status("memo", "sent") == "отправлена"
    pairs = labels.details('{"cancelled": false, "room": null, "date": "2025-10-15"}')
    assert pairs == [("отменена", "нет"), ("аудитория", "—"), ("дата", "15.10.2025")]
    assert labels.details_text('{"active": ["True", "False"]}', "update") == "активна: да → нет"
    assert labels.details_text('{"status": "received"}', "memo_status") == "статус: получена"


# --- a real server process in another time zone ------------------------------------------
class _Server:
    def __init__(self, zone: str, database_url: str):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k != "JOURNAL_TODAY"}
        env.update(TZ=zone, DATABASE_URL=database_url, JOURNAL_NOW=NOW_UTC,
                   COLLEGE_TIMEZONE="Asia/Irkutsk", BELL_SCHEDULE=BELL, PYTHONPATH=str(ROOT))
        self.log = tempfile.NamedTemporaryFile(prefix="journal-clock-", suffix=".log",
                                               delete=False)
        self.proc = subprocess.Popen(
            [str(GUNICORN), "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "60",
             "app:create_app('config.TestConfig')"], cwd=ROOT, env=env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_http(self.url + "/login/", timeout=90)
        except RuntimeError:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        Path(self.log.name).unlink(missing_ok=True)


def _opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def _post(opener, url, data) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _get(opener, url) -> str:
    with opener.open(url, timeout=30) as response:
        return response.read().decode()


@pytest.mark.parametrize("zone", ["America/New_York", "UTC"])
def test_server_in_another_zone_keeps_the_college_clock(app, college, db, zone):
    db.session.commit()
    server = _Server(zone, app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        teacher = _opener()
        status, _ = _post(teacher, server.url + "/login/",
                          {"username": "teacher1", "password": PASSWORD})
        assert status == 200
        journal = college.journal_a_op.id
        # the lesson of the college's today, 07:30 in Irkutsk (still the 14th on the server)
        status, page = _post(teacher, f"{server.url}/journal/{journal}/lesson/",
                             {"lesson_date": COLLEGE_DAY.isoformat(), "pair_number": "1",
                              "hours": "2", "topic": "Введение",
                              "off_program_reason": "вводное занятие",
                              "off_timetable_reason": "extra"})
        assert status == 200 and "будущей" not in page, page[:500]
        # a lesson without a date is recorded on the college's today
        status, page = _post(teacher, f"{server.url}/journal/{journal}/lesson/",
                             {"pair_number": "2", "hours": "2", "topic": "Практика",
                              "off_program_reason": "практика вне программы",
                              "off_timetable_reason": "extra"})
        assert status == 200, page[:500]
        # 4.6: the third pair begins at 09:05 on the college's clock (not yet at 07:30 there,
        # whatever the server's own hour)
        status, page = _post(teacher, f"{server.url}/journal/{journal}/lesson/",
                             {"pair_number": "3", "hours": "2", "topic": "Практика",
                              "off_program_reason": "практика вне программы"})
        assert status == 400 and "Пара 3 начинается в 09:05" in page, page[:500]
        db.session.expire_all()
        lessons = db.session.scalars(select(Lesson).where(Lesson.journal_id == journal)
                                     .order_by(Lesson.pair_number)).all()
        assert [(ls.lesson_date, ls.pair_number, ls.is_late) for ls in lessons] == [
            (COLLEGE_DAY, 1, False), (COLLEGE_DAY, 2, False)]
        stored = lessons[0].created_at.replace(tzinfo=None)
        assert stored == datetime(2025, 10, 14, 23, 30)  # stored in UTC

        it = _opener()
        _post(it, server.url + "/login/", {"username": "it", "password": PASSWORD})
        audit_page = _get(it, server.url + "/audit/list/")
        assert "15.10.2025 07:30" in audit_page
        assert not re.search(r"14\.10\.2025 (23|19):30", audit_page)  # UTC or New York time
        assert db.session.scalar(select(AuditLog.id).where(
            AuditLog.action == "lesson_create")) is not None
    finally:
        server.stop()
