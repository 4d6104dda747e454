"""Activity report (6.1) for the director's meetings: per staff user — logins, lessons and
marks entered, the share of lessons entered on the lesson day, and «достоверность»: changes
made after the lesson day and reports of a wrong mark the teacher upheld («исправлено»); per
department; then the same sections on curators, the deputy, students and parents and IT as the
council's report (council.users_work), over the chosen days."""
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from ....errors import Refused
from ....extensions import db
from ....infra import clock
from ....models import AuditLog, CellChange, Department, IssueReport, Lesson, StaffProfile
from ....security.access import STAFF
from . import percent
from .council import users_work

KEYS = ("logins", "lessons", "in_time", "late", "marks", "corrections", "upheld")


def _bounds(start: date, end: date):
    if start is None or end is None:
        raise Refused(_("Укажите период: дату начала и окончания."))
    if end < start:
        raise Refused(_("Дата окончания раньше даты начала."))
    # the college's days, not UTC days (COLLEGE_TIMEZONE)
    return clock.day_start(start), clock.day_start(end + timedelta(days=1))


def activity(start: date, end: date, department_id: int | None = None) -> dict:
    """Rows per staff user and totals per department for [start, end] (dates inclusive).
    Lessons count by entry time (created_at); «in time» = not entered late (4.6)."""
    lo, hi = _bounds(start, end)
    logins = dict(db.session.execute(select(AuditLog.user_id, func.count()).where(
        AuditLog.action == "login", AuditLog.created_at >= lo, AuditLog.created_at < hi)
        .group_by(AuditLog.user_id)).all())
    lessons = {r[0]: (r[1], r[2] or 0) for r in db.session.execute(select(
        Lesson.created_by_id, func.count(),
        func.sum(case((Lesson.is_late.is_(False), 1), else_=0))).where(
        Lesson.created_at >= lo, Lesson.created_at < hi).group_by(Lesson.created_by_id))}
    marks = {r[0]: (r[1], r[2] or 0) for r in db.session.execute(select(
        CellChange.changed_by_id, func.count(),
        func.sum(case((CellChange.is_correction.is_(True), 1), else_=0))).where(
        and_(CellChange.changed_at >= lo, CellChange.changed_at < hi)).group_by(
        CellChange.changed_by_id))}
    upheld = dict(db.session.execute(select(IssueReport.assignee_id, func.count()).where(
        IssueReport.kind == "wrong_mark", IssueReport.status == "corrected",
        IssueReport.answered_at >= lo, IssueReport.answered_at < hi).group_by(
        IssueReport.assignee_id)).all())
    departments = {p.user_id: p.department for p in db.session.scalars(
        select(StaffProfile).options(joinedload(StaffProfile.department)))}
    user = current_app.appbuilder.sm.user_model
    role = current_app.appbuilder.sm.role_model
    # staff only, chosen in SQL: students' and parents' accounts are never loaded
    users = db.session.scalars(select(user).where(
        user.roles.any(role.name.in_(STAFF))).order_by(user.last_name, user.first_name))
    rows = []
    for u in users:
        dept = departments.get(u.id)
        if department_id and (dept is None or dept.id != department_id):
            continue
        n_lessons, in_time = lessons.get(u.id, (0, 0))
        n_marks, corrections = marks.get(u.id, (0, 0))
        rows.append(dict(user_id=u.id, name=f"{u.last_name} {u.first_name}",
                         department=dept.name if dept else "", logins=logins.get(u.id, 0),
                         lessons=n_lessons, in_time=in_time,
                         in_time_share=percent(in_time, n_lessons), marks=n_marks,
                         late=n_lessons - in_time, corrections=corrections,
                         upheld=upheld.get(u.id, 0)))
    by_dept = {}
    for r in rows:
        d = by_dept.setdefault(r["department"] or "без отделения", dict(
            department=r["department"] or "без отделения", users=0, logins=0, lessons=0,
            in_time=0, late=0, marks=0, corrections=0, upheld=0))
        d["users"] += 1
        for key in KEYS:
            d[key] += r[key]
    for d in by_dept.values():
        d["in_time_share"] = percent(d["in_time"], d["lessons"])
    total = {k: sum(r[k] for r in rows) for k in KEYS}
    total["in_time_share"] = percent(total["in_time"], total["lessons"])
    return dict(start=start, end=end, rows=rows, total=total,
                departments=sorted(by_dept.values(), key=lambda d: d["department"]),
                work=users_work(start, end, clock.today(), department_id))


def departments() -> list[Department]:
    return db.session.scalars(select(Department).order_by(Department.name)).all()
