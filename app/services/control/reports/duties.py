"""The recurring duties in the council's report (6.2): the curators' weekly checks (3.3) due,
done and done on time, the weekly reports sent to parents (3.3, 5.2), the memos to the deputy
(3.4) and the deputy's monthly control of the journals (3.5, 7.2)."""
from datetime import date, timedelta

from sqlalchemy import func, select

from ....extensions import db
from ....models import ControlCheck, Memo, StudentGroup, WeeklyReportDelivery
from ...journal.timetable import week_start
from .. import weekly_checks
from . import percent


def due_weeks(start: date, end: date, today: date) -> list[date]:
    """The Mondays of the weeks that began in the span and whose check was due by today."""
    monday = week_start(start)
    if monday < start:
        monday += timedelta(days=7)
    weeks = []
    while monday <= end:
        if weekly_checks.due_date(monday) < today:
            weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def duties(start: date, end: date, today: date) -> dict:
    weeks = due_weeks(start, end, today)
    groups = db.session.scalar(select(func.count(StudentGroup.id)).where(
        StudentGroup.status == "active", StudentGroup.curator_id.is_not(None))) or 0
    checks = weekly_checks.counts(start, end)
    sent = select(WeeklyReportDelivery).where(
        WeeklyReportDelivery.status == "sent", WeeklyReportDelivery.week_start >= start,
        WeeklyReportDelivery.week_start <= end).subquery()
    pairs = db.session.execute(select(sent.c.student_id, sent.c.week_start)).all()
    letters, reports = len(pairs), len(set(pairs))  # letters; reports (student × week)
    memos = db.session.scalar(select(func.count(Memo.id)).where(
        Memo.week_start >= start, Memo.week_start <= end)) or 0
    controls = db.session.execute(select(ControlCheck.check_date).where(
        ControlCheck.check_date >= start, ControlCheck.check_date <= end)).scalars().all()
    months = {(d.year, d.month) for d in controls}
    due = groups * len(weeks)
    return {"weekly_checks_due": due, "weekly_checks_done": checks["done"],
            "weekly_checks_on_time": checks["on_time"],
            "weekly_checks_on_time_share": percent(checks["on_time"], due),
            "parent_reports": reports, "parent_letters": letters, "memos": memos,
            "controls": len(controls), "control_months": len(months)}
