"""The work of the users besides teaching, for the council's report (6.2) and the activity
report (6.1): curators, the deputy director, IT — per person, over a span of days.

Definitions (one place; the pages repeat them under each figure):
- a curator's weekly check is due for every active group they curate and every week that began
  in the span and whose check date has passed; «в срок» = recorded by the check date (3.3);
- «причин пропусков исправлено» = changes of an absence's reason (the «Н» stays) that the
  group's curator made in the span (3.3, 5.2);
- «отчётов родителям» = weekly reports (student × week, weeks begun in the span) sent to at
  least one parent's address (3.3, 5.2); «служебных записок» = memos of those weeks (3.4);
- the deputy's control, per month: checks of journals recorded, distinct journals checked,
  remarks (a check with findings), remarks fixed, remarks whose deadline passed unfixed (7.2);
- IT: backups made and verified by a trial restore (7.1); blocking requests filed in the span,
  decided, still pending, and the hours from filing to decision (5.2).
"""
from collections import defaultdict
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, select

from ....extensions import db
from ....infra import clock
from ....models import (
    AcademicYear, BackupRecord, BlockRequest, CellChange, ControlCheck, Journal, Lesson, Memo,
    StaffProfile, Student, StudentGroup, WeeklyCheck, WeeklyReportDelivery,
)
from .. import weekly_checks
from . import percent
from .duties import due_weeks

CURATOR_COUNTS = ("groups", "checks_due", "checks_done", "checks_on_time", "checks_late",
                  "checks_missing", "reasons", "parent_reports", "memos")
DEPUTY_COUNTS = ("checks", "journals", "remarks", "fixed", "overdue")


def bounds(start: date, end: date):
    return clock.day_start(start), clock.day_start(end + timedelta(days=1))


def people(ids) -> dict[int, dict]:
    """user id → name and department id, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    user = current_app.appbuilder.sm.user_model
    rows = db.session.execute(select(user.id, user.last_name, user.first_name,
                                     StaffProfile.department_id).outerjoin(
        StaffProfile, StaffProfile.user_id == user.id).where(user.id.in_(ids)))
    return {r[0]: dict(name=f"{r[1]} {r[2]}", department_id=r[3]) for r in rows}


def role_members(role_name: str) -> set[int]:
    user = current_app.appbuilder.sm.user_model
    role = current_app.appbuilder.sm.role_model
    return set(db.session.scalars(select(user.id).where(
        user.active.is_(True), user.roles.any(role.name == role_name))))


def reason_changes():
    """Cell changes that changed an absence's reason, made by the curator of the lesson's group."""
    return and_(CellChange.old_value.like("Н%"), CellChange.new_value.like("Н%"),
                CellChange.old_value != CellChange.new_value,
                StudentGroup.curator_id == CellChange.changed_by_id)


def curator_groups() -> list[tuple[int, int]]:
    return db.session.execute(select(StudentGroup.id, StudentGroup.curator_id).where(
        StudentGroup.status == "active", StudentGroup.curator_id.is_not(None))).all()


def curators(start: date, end: date, today: date, department_id: int | None = None) -> dict:
    lo, hi = bounds(start, end)
    weeks = due_weeks(start, end, today)
    rows: dict[int, dict] = defaultdict(lambda: {k: 0 for k in CURATOR_COUNTS})
    curator_of = {}
    for group_id, curator_id in curator_groups():
        curator_of[group_id] = curator_id
        rows[curator_id]["groups"] += 1
        rows[curator_id]["checks_due"] += len(weeks)
    done = set()
    for group_id, week, checked_at, curator_id in db.session.execute(select(
            WeeklyCheck.group_id, WeeklyCheck.week_start, WeeklyCheck.checked_at,
            WeeklyCheck.curator_id).where(WeeklyCheck.week_start.between(start, end))):
        row = rows[curator_id]
        row["checks_done"] += 1
        done.add((group_id, week))
        on_time = clock.local_date(checked_at) <= weekly_checks.due_date(week)
        row["checks_on_time" if on_time else "checks_late"] += 1
    for group_id, curator_id in curator_of.items():
        rows[curator_id]["checks_missing"] += sum(1 for w in weeks if (group_id, w) not in done)
    for uid, n in db.session.execute(select(CellChange.changed_by_id, func.count()).join(
            Lesson, Lesson.id == CellChange.lesson_id).join(
            Journal, Journal.id == Lesson.journal_id).join(
            StudentGroup, StudentGroup.id == Journal.group_id).where(
            reason_changes(), CellChange.changed_at >= lo, CellChange.changed_at < hi)
            .group_by(CellChange.changed_by_id)):
        rows[uid]["reasons"] += n
    sent = select(WeeklyReportDelivery.student_id,
                  WeeklyReportDelivery.week_start, StudentGroup.curator_id).join(
        Student, Student.id == WeeklyReportDelivery.student_id).join(
        StudentGroup, StudentGroup.id == Student.group_id).where(
        WeeklyReportDelivery.status == "sent",
        WeeklyReportDelivery.week_start.between(start, end)).group_by(
        WeeklyReportDelivery.student_id, WeeklyReportDelivery.week_start,
        StudentGroup.curator_id).subquery()
    for uid, n in db.session.execute(select(sent.c.curator_id, func.count()).group_by(
            sent.c.curator_id)):
        if uid is not None:
            rows[uid]["parent_reports"] += n
    for uid, n in db.session.execute(select(Memo.curator_id, func.count()).where(
            Memo.week_start.between(start, end)).group_by(Memo.curator_id)):
        rows[uid]["memos"] += n
    return _by_person(rows, CURATOR_COUNTS, department_id, _curator_shares)


def _curator_shares(row: dict) -> dict:
    row["checks_on_time_share"] = percent(row["checks_on_time"], row["checks_due"])
    return row


def _by_person(rows: dict, counts: tuple, department_id, shares) -> dict:
    names = people(rows)
    out = []
    for uid, row in rows.items():
        person = names.get(uid, dict(name="", department_id=None))
        if department_id and person["department_id"] != department_id:
            continue
        out.append(shares(dict(row, user_id=uid, name=person["name"],
                               department_id=person["department_id"])))
    out.sort(key=lambda r: r["name"])
    total = shares({k: sum(r[k] for r in out) for k in counts})
    return dict(rows=out, total=total)


def months(start: date, end: date) -> list[tuple[int, int]]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append((day.year, day.month))
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def deputy(start: date, end: date, today: date) -> dict:
    """Per deputy (anyone who recorded a check, and every active deputy) and month."""
    journals = db.session.scalar(select(func.count(Journal.id)).join(
        AcademicYear, AcademicYear.id == Journal.academic_year_id).where(
        AcademicYear.start_date <= end, AcademicYear.end_date >= start)) or 0
    span = months(start, end)
    seen: dict[tuple[int, tuple], dict] = {}
    checked: dict[tuple[int, tuple], set] = defaultdict(set)
    for inspector, day, journal_id, findings, deadline, fixed in db.session.execute(select(
            ControlCheck.inspector_id, ControlCheck.check_date, ControlCheck.journal_id,
            ControlCheck.findings, ControlCheck.fix_deadline, ControlCheck.fixed).where(
            ControlCheck.check_date.between(start, end))):
        key = (inspector, (day.year, day.month))
        row = seen.setdefault(key, {k: 0 for k in DEPUTY_COUNTS})
        row["checks"] += 1
        checked[key].add(journal_id)
        if (findings or "").strip():
            row["remarks"] += 1
            if fixed:
                row["fixed"] += 1
            elif deadline is not None and deadline < today:
                row["overdue"] += 1
    inspectors = role_members("Deputy") | {k[0] for k in seen}
    names = people(inspectors)
    rows = []
    for uid in sorted(inspectors, key=lambda i: names.get(i, {}).get("name", "")):
        per_month = []
        for month in span:
            row = dict(seen.get((uid, month), {k: 0 for k in DEPUTY_COUNTS}))
            row["journals"] = len(checked.get((uid, month), ()))
            per_month.append(dict(row, month=f"{month[1]:02d}.{month[0]}",
                                  key=f"{month[0]}-{month[1]:02d}",
                                  journals_share=percent(row["journals"], journals)))
        total = {k: sum(m[k] for m in per_month) for k in DEPUTY_COUNTS}
        total["journals"] = len(set().union(*(checked.get((uid, m), set()) for m in span)))
        total["months_without"] = sum(1 for m in per_month if not m["checks"])
        rows.append(dict(user_id=uid, name=names.get(uid, {}).get("name", ""),
                         months=per_month, total=total))
    return dict(rows=rows, journals=journals)


def it_work(start: date, end: date) -> dict:
    lo, hi = bounds(start, end)
    backups = db.session.execute(select(func.count(BackupRecord.id), func.sum(
        case((BackupRecord.verified.is_(True), 1), else_=0))).where(
        BackupRecord.created_at >= lo, BackupRecord.created_at < hi)).one()
    requests = db.session.execute(select(BlockRequest.requested_at, BlockRequest.decided_at,
                                         BlockRequest.status).where(
        BlockRequest.requested_at >= lo, BlockRequest.requested_at < hi)).all()
    hours = [(decided - filed).total_seconds() / 3600 for filed, decided, status in requests
             if status != "pending" and decided is not None]
    made, verified = backups[0] or 0, int(backups[1] or 0)
    return dict(backups=made, verified=verified, verified_share=percent(verified, made),
                requests=len(requests), decided=len(hours),
                pending=sum(1 for r in requests if r[2] == "pending"),
                average_hours=round(sum(hours) / len(hours), 1) if hours else None,
                longest_hours=round(max(hours), 1) if hours else None)
