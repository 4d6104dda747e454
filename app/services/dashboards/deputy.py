"""The deputy's start page (3.4, 4.7, 6.x): journals not checked for a month, curators' memos
awaiting an answer, and the deadlines ahead (final grades; remarks of checks to be fixed)."""
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import ControlCheck, Journal, Period
from ..control.checks import CHECK_INTERVAL_DAYS, unchecked_journals
from ..control.memos import memos_for

SHOWN = 8  # the start page lists the first few; the control page has them all
DEADLINE_HORIZON_DAYS = 45


def open_remarks(day: date) -> list[ControlCheck]:
    """Checks whose remarks are still to be fixed, by their deadline."""
    return db.session.scalars(
        select(ControlCheck).where(ControlCheck.fixed.is_(False),
                                   ControlCheck.fix_deadline.is_not(None),
                                   ControlCheck.fix_deadline <= day + timedelta(days=14))
        .options(joinedload(ControlCheck.journal).joinedload(Journal.group),
                 joinedload(ControlCheck.journal).joinedload(Journal.discipline),
                 joinedload(ControlCheck.journal).joinedload(Journal.subgroup))
        .order_by(ControlCheck.fix_deadline).limit(SHOWN)).unique().all()


def final_grade_deadlines(day: date) -> list[Period]:
    """4.7: periods whose final-grade deadline is ahead (or not set while the period runs)."""
    return db.session.scalars(select(Period).where(
        Period.closed_at.is_(None),
        Period.start_date <= day + timedelta(days=DEADLINE_HORIZON_DAYS),
        (Period.final_grade_deadline >= day) | (Period.final_grade_deadline.is_(None)
                                                & (Period.end_date >= day)))
        .options(joinedload(Period.academic_year)).order_by(Period.start_date)).all()


def deputy_control(user, day: date) -> dict:
    unchecked = unchecked_journals(day)
    waiting = memos_for(user, status="sent")
    return dict(unchecked=unchecked[:SHOWN], unchecked_total=len(unchecked),
                interval=CHECK_INTERVAL_DAYS, memos=waiting[:SHOWN], memos_total=len(waiting),
                remarks=open_remarks(day), periods=final_grade_deadlines(day), day=day)
