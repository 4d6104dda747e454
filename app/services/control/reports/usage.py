"""Students' and parents' use of the journal (6.2, 6.1, 2.2): per group and per month, the
share of the group's studying students, and of their parents, who logged in at least once.

- students: those studying in the group (status «обучается»), with an account or not — a
  student without one counts as not logged in;
- parents: the distinct parents linked to those students, likewise;
- a login is the audit log's «вход» entry (4.1), on the college's calendar day.
"""
from bisect import bisect_right
from collections import defaultdict
from datetime import date, timezone

from sqlalchemy import select

from ....extensions import db
from ....infra import clock
from ....models import AuditLog, Parent, Student, StudentGroup, StudentParent
from . import percent
from .staff_work import bounds, months

COUNTS = ("students", "students_in", "parents", "parents_in")


def members(group_id: int | None = None) -> tuple[list, list]:
    """(group, student, user) of studying students; (group, parent, user) of their parents."""
    where = [Student.status == "studying", StudentGroup.status == "active"]
    if group_id:
        where.append(Student.group_id == group_id)
    students = db.session.execute(select(Student.group_id, Student.id, Student.user_id).join(
        StudentGroup, StudentGroup.id == Student.group_id).where(*where)).all()
    parents = db.session.execute(select(Student.group_id, Parent.id, Parent.user_id).join(
        StudentParent, StudentParent.student_id == Student.id).join(
        Parent, Parent.id == StudentParent.parent_id).join(
        StudentGroup, StudentGroup.id == Student.group_id).where(*where).distinct()).all()
    return students, parents


def logins(start: date, end: date, user_ids=None) -> dict[int, list]:
    """user id → the college-clock moments of their logins in the span (students and parents
    only, chosen in SQL)."""
    lo, hi = bounds(start, end)
    family = select(Student.user_id).where(Student.user_id.is_not(None)).union(
        select(Parent.user_id).where(Parent.user_id.is_not(None)))
    query = select(AuditLog.user_id, AuditLog.created_at).where(
        AuditLog.action == "login", AuditLog.created_at >= lo, AuditLog.created_at < hi,
        AuditLog.user_id.in_(family))
    if user_ids is not None:
        query = query.where(AuditLog.user_id.in_(list(user_ids) or [0]))
    out: dict[int, list] = defaultdict(list)
    for uid, at in db.session.execute(query):
        out[uid].append(clock.local(at))
    return out


def _months_of_logins(start: date, end: date, span: list) -> dict[int, set]:
    """user id → the months (of `span`) they logged in: the stored moments compared with the
    UTC moments the college's months begin (no conversion per login)."""
    lo, hi = bounds(start, end)
    firsts = [clock.day_start(date(y, m, 1)) for y, m in span[1:]]
    family = select(Student.user_id).where(Student.user_id.is_not(None)).union(
        select(Parent.user_id).where(Parent.user_id.is_not(None)))
    out: dict[int, set] = defaultdict(set)
    for uid, at in db.session.execute(select(AuditLog.user_id, AuditLog.created_at).where(
            AuditLog.action == "login", AuditLog.created_at >= lo, AuditLog.created_at < hi,
            AuditLog.user_id.in_(family))):
        at = at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
        out[uid].add(span[bisect_right(firsts, at)])
    return out


def usage(start: date, end: date) -> dict:
    span = months(start, end)
    students, parents = members()
    in_month = _months_of_logins(start, end, span)
    names = dict(db.session.execute(select(StudentGroup.id, StudentGroup.name)).all())
    groups: dict[int, dict] = {}
    for kind, people in (("students", students), ("parents", parents)):
        for group_id, _id, uid in people:
            g = groups.setdefault(group_id, dict(
                group_id=group_id, group=names.get(group_id, ""),
                months={m: {k: 0 for k in COUNTS} for m in span},
                total={k: 0 for k in COUNTS}))
            g["total"][kind] += 1
            g["total"][f"{kind}_in"] += 1 if uid in in_month else 0
            for m in span:
                g["months"][m][kind] += 1
                g["months"][m][f"{kind}_in"] += 1 if m in in_month.get(uid, ()) else 0
    rows = []
    for g in sorted(groups.values(), key=lambda g: g["group"]):
        per_month = [_shares(dict(v, month=f"{m[1]:02d}.{m[0]}", key=f"{m[0]}-{m[1]:02d}"))
                     for m, v in g["months"].items()]
        rows.append(dict(group_id=g["group_id"], group=g["group"], total=_shares(g["total"]),
                         months=per_month))
    total = _shares({k: sum(r["total"][k] for r in rows) for k in COUNTS})
    return dict(rows=rows, total=total, months=[f"{m[1]:02d}.{m[0]}" for m in span])


def _shares(row: dict) -> dict:
    row["students_share"] = percent(row["students_in"], row["students"])
    row["parents_share"] = percent(row["parents_in"], row["parents"])
    return row
