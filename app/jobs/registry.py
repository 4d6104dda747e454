"""Scheduled duties: a function, the setting that holds its time (app/jobs/schedule.py) and its
default. Every minute the worker's `tick` finds the duties whose slot has come and claims each
slot by inserting a `scheduled_run` row (duty, due moment): the unique key lets exactly one
worker, on one host or several, run it. The run is then a task of the queue, retried with a
backoff when it raises.

A new duty is one registration:

    @duty("remind", setting="JOB_REMIND_AT", default="18:00", title=lazy_gettext("…"))
    def remind() -> str:  # what it did, in words, for the jobs page
        ...
"""
import logging
import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from flask import current_app
from huey import crontab
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..infra.clock import now
from ..models import ScheduledRun
from ..infra import schedule
from .queue import app_task, huey, in_context

log = logging.getLogger(__name__)


@dataclass
class Duty:
    name: str
    func: Callable[[], str | None]
    setting: str
    default: str
    title: object

    def spec(self) -> str:
        return current_app.config.get(self.setting) or self.default

    def schedule(self) -> schedule.Schedule:
        return schedule.parse(self.spec())


DUTIES: dict[str, Duty] = {}


def duty(name: str, setting: str, default: str, title):
    """Register a scheduled duty; its time is the setting `setting` (default `default`)."""
    def decorator(func):
        DUTIES[name] = Duty(name, func, setting, default, title)
        return func
    return decorator


def due_now(moment=None) -> list[tuple[Duty, object]]:
    """The duties whose latest slot has come and is still within its catch-up window."""
    moment = moment or now()
    found = []
    for item in DUTIES.values():
        try:
            plan = item.schedule()
        except schedule.ScheduleError:
            log.error("duty %s: unreadable %s=%r", item.name, item.setting, item.spec())
            continue
        slot = schedule.latest_due(plan, moment)
        if moment - slot <= schedule.catch_up(plan):
            found.append((item, slot))
    return found


def claim(name: str, slot) -> ScheduledRun | None:
    """Insert the run of `name` at `slot`; None when another worker already has it."""
    run = ScheduledRun(duty=name, due_at=slot, state="queued", attempts=0,
                       host=socket.gethostname()[:255], started_at=now())
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run


def run_due(moment=None) -> list[str]:
    """Claim and queue every due duty; the names of those this worker took."""
    taken = []
    for item, slot in due_now(moment):
        run = claim(item.name, slot)
        if run is not None:
            taken.append(item.name)
            run_duty(item.name, run.id)
    return taken


@app_task(retries=3, retry_delay=60, retry_backoff=2)
def run_duty(name: str, run_id: int) -> None:
    """One run of a duty: its outcome on its row; an exception makes Huey try again later."""
    run = db.session.get(ScheduledRun, run_id)
    item = DUTIES.get(name)
    if run is None or item is None or run.state == "done":
        return
    run.state, run.attempts, run.error = "running", (run.attempts or 0) + 1, None
    run.host = socket.gethostname()[:255]
    db.session.commit()
    try:
        result = item.func()
    except Exception as exc:
        db.session.rollback()
        run = db.session.get(ScheduledRun, run_id)
        run.state, run.error, run.finished_at = "failed", f"{type(exc).__name__}: {exc}", now()
        db.session.commit()
        log.exception("duty %s failed", name)
        raise
    db.session.commit()
    run = db.session.get(ScheduledRun, run_id)
    run.state, run.result, run.finished_at = "done", str(result or ""), now()
    db.session.commit()


@huey.periodic_task(crontab(), name="tick")
@in_context
def tick() -> list[str]:
    """Every minute on every worker: claim and queue what is due (one winner per slot)."""
    return run_due()


@app_task()
def tick_now() -> list[str]:
    """The same, queued once when a worker starts (a slot due a moment ago is not lost)."""
    return run_due()


def prune(days: int) -> int:
    """Drop runs older than `days` days (the every-minute duties write a row a minute)."""
    return db.session.execute(delete(ScheduledRun).where(
        ScheduledRun.started_at < now() - timedelta(days=days))).rowcount


def last_runs() -> dict[str, ScheduledRun]:
    """Each duty's latest run."""
    found = {}
    for run in db.session.scalars(select(ScheduledRun).order_by(ScheduledRun.due_at.desc(),
                                                                ScheduledRun.id.desc())
                                  .limit(2000)):
        found.setdefault(run.duty, run)
    for name in DUTIES:
        if name not in found:
            run = db.session.scalar(select(ScheduledRun).where(ScheduledRun.duty == name)
                                    .order_by(ScheduledRun.due_at.desc()).limit(1))
            if run is not None:
                found[name] = run
    return found


def failures(days: int = 7) -> list[ScheduledRun]:
    return db.session.scalars(select(ScheduledRun).where(
        ScheduledRun.state == "failed", ScheduledRun.started_at >= now() - timedelta(days=days))
        .order_by(ScheduledRun.started_at.desc())).all()
