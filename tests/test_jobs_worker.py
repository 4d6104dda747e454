"""The job worker as a real process (`flask journal worker`, Huey's consumer) on the test's
database and a real SMTP server (aiosmtpd): a test mail and a curator's weekly reports arrive
within a minute with no cron; two workers at the same due moment send everything once."""
import os
import uuid
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.infra.clock import local
from app.jobs.mail import TEST_SUBJECT
from app.models import ScheduledRun, WeeklyReportDelivery, WeeklyReportSchedule
from tests.jobs_helpers import Mailbox, flask, free_port, stop, wait_for, worker_env

REDIS_URL = os.environ.get("JOURNAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture()
def mailbox():
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def test_a_test_mail_and_the_weekly_reports_arrive_within_a_minute(college, db, mailbox,
                                                                   tmp_path):
    """The curator's chosen time is now (the college's clock): the worker sends the group's
    reports by itself; IT's test mail queued by the command goes through the same queue."""
    moment = local(datetime.now(timezone.utc))
    db.session.add(WeeklyReportSchedule(group_id=college.group_a.id, weekday=moment.weekday(),
                                        send_time=moment.strftime("%H:%M")))
    db.session.commit()
    env = worker_env(tmp_path / "jobs.db", mailbox.port)
    worker = flask(env, "worker")
    try:
        queued = flask(env, "send-test-mail", "it@mail.test")
        output, _ = queued.communicate(timeout=60)
        assert queued.returncode == 0 and "поставлено в очередь" in output
        arrived = wait_for(lambda: {"it@mail.test", "parent1@mail.test"} <= {
            rcpt for rcpt, _ in mailbox.subjects()}, timeout=60)
        assert arrived, mailbox.subjects()
    finally:
        code, output = stop(worker)
    assert code == 0, output  # Ctrl+C: a graceful stop
    subjects = dict(mailbox.subjects())
    assert subjects["it@mail.test"] == TEST_SUBJECT
    assert subjects["parent1@mail.test"].startswith("Еженедельный отчёт: Смирнов А.И., "
                                                    "группа ИС-24-1")
    db.session.expire_all()
    row = db.session.get(WeeklyReportSchedule, college.group_a.id)
    assert row.last_auto_week is not None and row.last_auto_at is not None
    sent = db.session.scalars(select(WeeklyReportDelivery)).all()
    assert sent and {d.status for d in sent} == {"sent"}


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_two_workers_at_the_same_due_moment_run_each_duty_once(college, db, mailbox,
                                                             tmp_path, storage):
    """Friday 15:00 in the college (07:00 UTC): both workers see the weekly reports due; one
    run is claimed, every parent gets one letter — with the queue in one SQLite file (one
    host) or in Redis (several hosts)."""
    extra = {"JOURNAL_NOW": "2026-12-04T07:00:20"}
    if storage == "redis":
        extra.update(REDIS_URL=REDIS_URL, HUEY_NAME=f"journal-test-{uuid.uuid4().hex[:8]}")
    env = worker_env(tmp_path / "jobs.db", mailbox.port, **extra)
    workers = [flask(env, "worker"), flask(env, "worker")]
    try:
        assert wait_for(lambda: mailbox.received, timeout=60)
        # let both workers tick again (at start, then every minute) and settle
        last = [-1]

        def settled():
            count = len(mailbox.received)
            done = count == last[0]
            last[0] = count
            return done
        wait_for(settled, timeout=60, step=4)
    finally:
        outcomes = [stop(worker) for worker in workers]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    letters = mailbox.subjects()
    assert len(letters) == len(set(letters)) >= 2  # nobody got a letter twice
    # the weekly reports (the reminders' letters go out through the same sweep)
    reports = [s for s in letters if "Еженедельный отчёт" in str(s)]
    db.session.expire_all()
    runs = db.session.execute(select(ScheduledRun.duty, ScheduledRun.due_at, func.count())
                              .group_by(ScheduledRun.duty, ScheduledRun.due_at)).all()
    assert runs and all(n == 1 for _, _, n in runs)
    assert "weekly_reports" in {duty for duty, _, _ in runs}
    deliveries = db.session.scalars(select(WeeklyReportDelivery)).all()
    assert len(deliveries) == len(reports) >= 2 and {d.status for d in deliveries} == {"sent"}
    # the queue lived where it was told to: no SQLite queue file beside Redis
    assert (tmp_path / "jobs.db").exists() == (storage == "sqlite")
