"""The duties the worker runs by itself: the nightly backup with verification and rotation at
its time (7.1), the outbox sweep with retries and backoff of a temporary refusal (3.3)."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.jobs import registry
from app.models import BackupRecord, Parent, ScheduledRun, StudentParent, WeeklyReportDelivery
from app.services.portal import weekly_reports
from tests.jobs_helpers import Mailbox, free_port


@pytest.fixture()
def clock(app):
    saved = app.config.get("JOURNAL_NOW")

    def _set(moment):
        app.config["JOURNAL_NOW"] = moment
    yield _set
    app.config["JOURNAL_NOW"] = saved


def test_the_nightly_backup_runs_at_its_time_verified_and_rotated(app, college, db, clock,
                                                                 monkeypatch):
    monkeypatch.setattr(registry, "DUTIES", {"backup": registry.DUTIES["backup"]})
    saved = app.config["BACKUP_KEEP"]
    app.config["BACKUP_KEEP"] = 2
    try:
        clock("2026-12-04T18:29:00")  # 02:29 in the college
        assert registry.run_due() == []
        for night in ("2026-12-04", "2026-12-05", "2026-12-06"):
            clock(f"{night}T18:30:30")  # 02:30:30 in Irkutsk the next day
            assert registry.run_due() == ["backup"]
            assert registry.run_due() == []  # a second worker at the same moment
    finally:
        app.config["BACKUP_KEEP"] = saved
    db.session.expire_all()
    runs = db.session.scalars(select(ScheduledRun).order_by(ScheduledRun.id)).all()
    assert [r.state for r in runs] == ["done"] * 3 and "проверена" in runs[-1].result
    records = db.session.scalars(select(BackupRecord).order_by(BackupRecord.id)).all()
    assert len(records) == 3 and all(r.verified for r in records)
    kept = [r for r in records if (Path(app.config["BACKUP_DIR"]) / r.file_name).exists()]
    assert [r.id for r in kept] == [r.id for r in records[-2:]]  # rotation: the last two


class Greylisting(Mailbox):
    """Answers 451 (try later) to the first attempt of each address, then accepts."""

    def __init__(self):
        super().__init__()
        self.seen = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address not in self.seen:
            self.seen.add(address)
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_temporary_refusal_waits_its_backoff_then_the_sweep_sends_it(app, college, db,
                                                                      clock):
    handler = Greylisting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "JOURNAL_TODAY")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, JOURNAL_TODAY="")
    try:
        parent = Parent(last_name="Смирнова", first_name="Анна", email="grey@mail.test")
        db.session.add(parent)
        db.session.flush()
        db.session.add(StudentParent(student_id=college.student1.id, parent_id=parent.id))
        db.session.commit()
        clock("2026-12-04T07:00:00")
        queued = weekly_reports.queue(college.group_a, date(2026, 11, 30))["queued"]
        db.session.commit()
        weekly_reports.deliver([d.id for d in queued])
        db.session.expire_all()
        row = db.session.scalars(select(WeeklyReportDelivery).where(
            WeeklyReportDelivery.recipient_email == "grey@mail.test")).one()
        assert row.status == "waiting" and row.attempts == 1 and "451" in row.error
        assert row.next_attempt_at.replace(tzinfo=None) == \
            registry.now().replace(tzinfo=None) + timedelta(seconds=60)
        # the sweep a moment later leaves it to its backoff; a minute later sends it
        clock("2026-12-04T07:00:30")
        assert registry.DUTIES["mail"].func() == "отправлено 0, ошибок 0"
        clock("2026-12-04T07:01:05")
        registry.DUTIES["mail"].func()
        db.session.expire_all()
        row = db.session.get(WeeklyReportDelivery, row.id)
        assert row.status == "sent" and row.attempts == 2 and row.error is None
        assert [r for r, _ in handler.subjects()].count("grey@mail.test") == 1
    finally:
        controller.stop()
        app.config.update(saved)
