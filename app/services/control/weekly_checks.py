"""The record of the curator's weekly check (3.3, 3.4): who checked which group's week, when,
what was found and whether a memo went to the deputy; the deputy's table of it (7.2) and the
counts of the council's report (6.2)."""
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import Forbidden, Refused
from ...extensions import db
from ...infra.clock import local_date, now as clock_now, today as clock_today
from ...models import Memo, StudentGroup, WeeklyCheck
from ..journal.timetable import week_start
from ..records import audit
from .completeness import PROBLEMS, group_for, week_check


def due_days() -> int:
    return int(current_app.config.get("WEEKLY_CHECK_DUE_DAYS", 7)) if has_app_context() else 7


def due_date(start: date) -> date:
    """The last day the check of the week beginning `start` is on time (3.3)."""
    return start + timedelta(days=due_days())


def on_time(check: WeeklyCheck) -> bool:
    return local_date(check.checked_at) <= due_date(check.week_start)


def findings_text(check: dict) -> str:
    """What the check found, in words: each kind of problem and its count."""
    parts = [f"{labels.text(PROBLEMS, kind)}: {count}"
             for kind, count in check["counts"].items() if count]
    return "; ".join(parts) if parts else "нарушений нет"


def week_record(group_id: int, start: date) -> WeeklyCheck | None:
    return db.session.scalar(select(WeeklyCheck).where(WeeklyCheck.group_id == group_id,
                                                       WeeklyCheck.week_start == start))


def record(user, group_id: int, day: date, memo_sent: bool | None = None) -> WeeklyCheck:
    """Record the curator's check of the week containing `day` as done now, with what the
    check finds; recording again updates the findings (the time of the first stays). Only the
    group's curator records it, and not for a week that has not begun."""
    group = group_for(user, group_id)
    if group.curator_id != user.id:
        raise Forbidden(_("Проверку недели отмечает куратор группы."))
    today = clock_today()
    start = week_start(day)
    if start > today:
        raise Refused(_("Неделя %(week)s ещё не началась: проверять нечего.",
                        week=start.strftime("%d.%m.%Y")))
    check = week_check(group, day)
    if memo_sent is None:
        memo_sent = db.session.scalar(select(Memo.id).where(
            Memo.group_id == group.id, Memo.week_start == start)) is not None
    row = week_record(group.id, start)
    if row is None:
        row = WeeklyCheck(group_id=group.id, week_start=start, curator_id=user.id,
                          checked_at=clock_now())
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
        except IntegrityError:  # recorded at the same moment elsewhere: update that one
            row = week_record(group.id, start)
    row.issues = len(check["issues"])
    row.findings = findings_text(check)
    row.memo_sent = bool(memo_sent or row.memo_sent)
    audit.record("weekly_check", "student_group", group.id, user=user,
                 details={"week": start.isoformat(), "issues": row.issues,
                          "memo": row.memo_sent})
    return row


def weeks_back(day: date, count: int = 4) -> list[date]:
    """The Mondays of the last `count` weeks that have ended before `day`, newest first."""
    this = week_start(day)
    return [this - timedelta(days=7 * n) for n in range(1, count + 1)]


def table(day: date | None = None, count: int = 4) -> dict:
    """The deputy's table (7.2): each active group with a curator × the last weeks — who
    checked, when, on time or late, problems found, memo — or «не проведена»."""
    day = day or clock_today()
    weeks = weeks_back(day, count)
    groups = db.session.scalars(select(StudentGroup).where(
        StudentGroup.status == "active", StudentGroup.curator_id.is_not(None))
        .options(joinedload(StudentGroup.curator)).order_by(StudentGroup.name)).all()
    found = {(c.group_id, c.week_start): c for c in db.session.scalars(
        select(WeeklyCheck).where(WeeklyCheck.week_start.in_(weeks))
        .options(joinedload(WeeklyCheck.curator)))}
    rows = []
    for group in groups:
        cells = []
        for start in weeks:
            c = found.get((group.id, start))
            cells.append({"week": start, "check": c,
                          "on_time": c is not None and on_time(c),
                          "overdue": c is None and day > due_date(start)})
        rows.append({"group": group, "curator": group.curator, "cells": cells})
    return {"weeks": weeks, "rows": rows}


def counts(start: date, end: date) -> dict:
    """The council's figures (6.2) for the weeks that began between two dates: weekly checks
    due, done, done on time; memos to the deputy."""
    checks = db.session.scalars(select(WeeklyCheck).where(
        WeeklyCheck.week_start >= start, WeeklyCheck.week_start <= end)).all()
    return {"done": len(checks), "on_time": sum(1 for c in checks if on_time(c)),
            "with_memo": sum(1 for c in checks if c.memo_sent)}

