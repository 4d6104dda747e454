"""The weekly reports' own schedule (3.3, 5.2): each group's reports go to parents by
themselves on the curator's chosen weekday and time (WEEKLY_REPORT_DEFAULT_AT, «fri 15:00», when
the curator chose none), unless the curator holds that week. A report sent on Friday or later
covers the week then ending; one sent Monday to Thursday covers the week before.

The job worker calls `send_due` every minute; a group's week is claimed by one UPDATE of its
schedule row, so two workers never send it twice."""
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...infra import schedule
from ...infra.clock import college_zone, local, now
from ...models import StudentGroup, WeeklyReportSchedule
from ..records import audit
from . import weekly_reports
from .weekly_reports import WeeklyReportError

CATCH_UP = timedelta(hours=24)  # a worker down at the chosen time sends within a day after


def default_plan() -> schedule.Schedule:
    return schedule.parse(current_app.config.get("WEEKLY_REPORT_DEFAULT_AT") or "fri 15:00")


def plan_of(row: WeeklyReportSchedule | None) -> schedule.Schedule:
    """The group's weekday and time (the college's default where the curator chose none)."""
    if row is None or row.weekday is None or not row.send_time:
        return default_plan()
    hours, minutes = row.send_time.split(":")
    return schedule.Schedule(at=time(int(hours), int(minutes)), weekdays=frozenset({row.weekday}))


def report_week(due_day: date) -> date:
    """The Monday of the week a report sent on `due_day` covers."""
    monday = due_day - timedelta(days=due_day.weekday())
    return monday if due_day.weekday() >= 4 else monday - timedelta(days=7)


def _row(group_id: int) -> WeeklyReportSchedule:
    """The group's schedule row, made (with the college's default) when missing; a second
    worker making it at the same moment is harmless."""
    row = db.session.get(WeeklyReportSchedule, group_id)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            db.session.add(WeeklyReportSchedule(group_id=group_id))
    except IntegrityError:
        pass
    return db.session.get(WeeklyReportSchedule, group_id)


def state(group: StudentGroup, moment: datetime | None = None) -> dict:
    """What the curator's page shows: the day and time, the next sending and its week, the
    week held, the last automatic sending."""
    moment = moment or now()
    row = db.session.get(WeeklyReportSchedule, group.id)
    plan = plan_of(row)
    upcoming = schedule.next_due(plan, moment)
    week = report_week(local(upcoming).date())
    return {"weekday": min(plan.weekdays), "time": plan.at.strftime("%H:%M"),
            "custom": row is not None and row.weekday is not None,
            "next": upcoming, "next_week": week,
            "next_held": row is not None and row.held_week == week,
            "held_week": row.held_week if row is not None else None,
            "last_week": row.last_auto_week if row is not None else None,
            "last_at": row.last_auto_at if row is not None else None}


def choose(user, group_id, weekday, send_time) -> WeeklyReportSchedule:
    """The curator sets the weekday (0–6) and time (HH:MM) of the automatic sending."""
    group = weekly_reports.group_for(user, group_id)
    try:
        day = int(weekday)
        hours, minutes = (int(p) for p in str(send_time or "").strip().split(":"))
        if not 0 <= day <= 6 or not 0 <= hours <= 23 or not 0 <= minutes <= 59:
            raise ValueError
    except (TypeError, ValueError):
        raise WeeklyReportError(_("Укажите день недели и время отправки в виде ЧЧ:ММ "
                                  "(например, 15:00).")) from None
    row = _row(group.id)
    row.weekday, row.send_time, row.changed_by_id = day, f"{hours:02d}:{minutes:02d}", user.id
    audit.record("weekly_reports_schedule", "group", group.id, user=user,
                 details={"weekday": day, "time": row.send_time})
    return row


def hold(user, group_id, week_text, held: bool) -> date:
    """The curator holds (or releases) the automatic sending of one week."""
    group = weekly_reports.group_for(user, group_id)
    week = weekly_reports.parse_week(week_text)
    row = _row(group.id)
    if held:
        row.held_week = week
    elif row.held_week == week:
        row.held_week = None
    audit.record("weekly_reports_hold", "group", group.id, user=user,
                 details={"week_start": week.isoformat(), "held": int(held)})
    return week


def _claim(group_id: int, week: date, moment: datetime) -> bool:
    taken = db.session.execute(update(WeeklyReportSchedule).where(
        WeeklyReportSchedule.group_id == group_id,
        or_(WeeklyReportSchedule.last_auto_week.is_(None),
            WeeklyReportSchedule.last_auto_week < week),
        or_(WeeklyReportSchedule.held_week.is_(None), WeeklyReportSchedule.held_week != week))
        .values(last_auto_week=week, last_auto_at=moment)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return taken == 1


def send_due(moment: datetime | None = None) -> str:
    """Queue and deliver the reports of every group whose time has come this week (the job
    worker, every minute). Returns what went, in words."""
    moment = moment or now()
    groups = db.session.scalars(select(StudentGroup).where(StudentGroup.status == "active")
                                .order_by(StudentGroup.name)).all()
    rows = {r.group_id: r for r in db.session.scalars(select(WeeklyReportSchedule))}
    lines = []
    for group in groups:
        slot = schedule.latest_due(plan_of(rows.get(group.id)), moment)
        if moment - slot > CATCH_UP:
            continue
        week = report_week(slot.astimezone(college_zone()).date())
        row = rows.get(group.id) or _row(group.id)
        db.session.commit()
        if row.last_auto_week is not None and row.last_auto_week >= week:
            continue
        if not _claim(group.id, week, moment):
            continue
        queued = weekly_reports.queue(group, week)
        db.session.commit()
        sent = weekly_reports.deliver([d.id for d in queued["queued"]])
        lines.append(_("%(group)s, неделя с %(week)s: отправлено %(sent)s, ошибок %(failed)s",
                       group=group.name, week=week.strftime("%d.%m.%Y"),
                       sent=len(sent["sent"]), failed=len(sent["failed"])))
    return "; ".join(lines)
