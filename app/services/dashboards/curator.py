"""The curator's start page (3.3-3.6): the group's week — the completeness check's counts,
absences still without a reason, unread messages and whether last week's report to the parents
went out. Per curated group a fixed set of queries (a curator has one or two groups)."""
from datetime import date, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ...models import Journal, JournalCell, Lesson, Student, StudentGroup, WeeklyReportDelivery
from ..assessment.debts import group_debt_counts
from ..control.absence_documents import pending_for_curator
from ..control.completeness import PROBLEMS, week_check
from ..journal import forecast
from ..journal.timetable import week_end, week_start
from ..portal.messaging import unread_count


def _curated_groups(user) -> list[StudentGroup]:
    return db.session.scalars(select(StudentGroup).where(
        StudentGroup.curator_id == user.id, StudentGroup.status == "active")
        .order_by(StudentGroup.name)).all()


def absences_without_reason(group_ids: list[int], start: date, end: date) -> dict[int, int]:
    """3.3: the week's «Н» whose reason the curator has not entered yet, per group."""
    return dict(db.session.execute(
        select(Journal.group_id, func.count(JournalCell.id))
        .join(Lesson, Lesson.id == JournalCell.lesson_id)
        .join(Journal, Journal.id == Lesson.journal_id)
        .where(Journal.group_id.in_(group_ids), JournalCell.absent.is_(True),
               JournalCell.absence_reason == "", Lesson.lesson_date >= start,
               Lesson.lesson_date <= end)
        .group_by(Journal.group_id)).all())


def weekly_report_state(group_ids: list[int], week: date) -> dict[int, dict[str, int]]:
    """3.6: last week's report e-mails per group and delivery state (sent / waiting / failed)."""
    out: dict[int, dict[str, int]] = {}
    for group_id, status, n in db.session.execute(
            select(Student.group_id, WeeklyReportDelivery.status, func.count())
            .join(Student, Student.id == WeeklyReportDelivery.student_id)
            .where(Student.group_id.in_(group_ids), WeeklyReportDelivery.week_start == week)
            .group_by(Student.group_id, WeeklyReportDelivery.status)):
        out.setdefault(group_id, {})[status] = n
    return out


def curator_week(user, day: date) -> dict | None:
    groups = _curated_groups(user)
    if not groups:
        return None
    # On a Monday no day of the new week is over yet: the week to act on is the one just ended
    # (its check, its reasons, its report to parents).
    shown = day - timedelta(days=7) if day.weekday() == 0 else day
    start = week_start(shown)
    ids = [g.id for g in groups]
    reasons = absences_without_reason(ids, start, week_end(start))
    last_week = start - timedelta(days=7) if shown == day else start
    reports = weekly_report_state(ids, last_week)
    rows = []
    for group in groups:
        check = week_check(group, shown, now=day)
        rows.append(dict(group=group, counts=check["counts"], issues=len(check["issues"]),
                         no_reason=reasons.get(group.id, 0), report=reports.get(group.id, {})))
    return dict(start=start, end=week_end(start), last_week=last_week,
                last_week_end=week_end(last_week), groups=rows, problems=PROBLEMS,
                unread=unread_count(user), documents=pending_for_curator(user),
                debts=group_debt_counts(ids, day),
                at_risk=forecast.at_risk(user, day, scope="own"))
