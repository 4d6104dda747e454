"""Students at risk (4.7, 3.3): admission to the assessment by attendance and average against
the college's thresholds, and who is at risk today in a user's journals or a group."""
from collections import defaultdict
from datetime import date

from flask import current_app, g, has_request_context
from sqlalchemy import and_, or_, select, true

from ...extensions import db
from ...models import (
    Discipline, GroupMembership, Journal, Period, Student, StudentGroup, SubgroupMember,
)
from ...security.access import SEES_ALL_JOURNALS
from ..scopes import current_curated_group_ids, role_names
from .progress import (
    DEFAULT_MIN_ATTENDANCE, DEFAULT_MIN_AVERAGE, Progress, _enrolled, _number, _progress_of,
    attendance_events,
)


def admission_attendance(progress: Progress) -> float | None:
    """The attendance that decides admission: only unexcused missed hours count against it."""
    if not progress.hours:
        return None
    unexcused = (progress.missed or {}).get("unexcused", 0)
    return round(100 * (progress.hours - unexcused) / progress.hours, 1)


def admission_thresholds() -> tuple[float, float]:
    config = current_app.config
    return (float(config.get("ADMISSION_MIN_ATTENDANCE", DEFAULT_MIN_ATTENDANCE)),
            float(config.get("ADMISSION_MIN_AVERAGE", DEFAULT_MIN_AVERAGE)))


def admission_reasons(progress: Progress) -> list[str]:
    """Russian reasons of non-admission by the thresholds; [] — admitted (see the module's
    docstring: the attendance for admission counts unexcused missed hours only)."""
    min_attendance, min_average = admission_thresholds()
    reasons = []
    attendance = admission_attendance(progress)
    if attendance is not None and attendance < min_attendance:
        reasons.append(f"посещаемость {_number(attendance, 1)} % ниже {_number(min_attendance)} %"
                       " (пропуски без уважительной причины)")
    if progress.average is not None and progress.average < min_average:
        reasons.append(f"средний балл {_number(progress.average, 2)} ниже "
                       f"{_number(min_average)}")
    return reasons


def period_on(day: date) -> Period | None:
    """The semester under way on `day` (one query), None between semesters."""
    return db.session.scalar(select(Period).where(Period.start_date <= day,
                                                  Period.end_date >= day)
                             .order_by(Period.start_date.desc()).limit(1))


def _risk_roster(journal_condition, day: date):
    """One query: the journals matching the condition in the semester under way on `day`,
    with their students' enrolment spans, names and status, the group and the discipline."""
    query = (
        select(Journal.id, Journal.teacher_id, Journal.group_id, StudentGroup.name,
               StudentGroup.curator_id, StudentGroup.status, Discipline.code, Discipline.name,
               Period.id, Period.name, Period.start_date, Period.end_date,
               Student.id, Student.last_name, Student.first_name, Student.middle_name,
               Student.status, GroupMembership.start_date, GroupMembership.end_date)
        .join(Period, and_(Period.academic_year_id == Journal.academic_year_id,
                           Period.start_date <= day, Period.end_date >= day))
        .join(StudentGroup, StudentGroup.id == Journal.group_id)
        .join(Discipline, Discipline.id == Journal.discipline_id)
        .join(GroupMembership, GroupMembership.group_id == Journal.group_id)
        .join(Student, Student.id == GroupMembership.student_id)
        .outerjoin(SubgroupMember, and_(SubgroupMember.subgroup_id == Journal.subgroup_id,
                                        SubgroupMember.student_id == Student.id))
        .where(journal_condition,
               or_(Journal.subgroup_id.is_(None), SubgroupMember.id.is_not(None)),
               GroupMembership.start_date <= day,
               or_(GroupMembership.end_date.is_(None),
                   GroupMembership.end_date >= Period.start_date)))
    return db.session.execute(query).all()


def risks(journal_condition, day: date) -> list[dict]:
    """Students at risk of non-admission in the journals matching `journal_condition` (a SQL
    condition on Journal), in the semester under way on `day`, counted from its first day to
    `day`: admission_reasons non-empty for a student still studying and enrolled on that day.
    Rows are sorted by group, student and discipline; two queries whatever the size."""
    roster = _risk_roster(journal_condition, day)
    if not roster:
        return []
    spans: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    journals, students = {}, {}
    period = None
    for (jid, teacher_id, group_id, group, curator_id, group_status, code, name, period_id,
         period_name, first, last, sid, last_name, first_name, middle, status, since,
         until) in roster:
        spans[jid][sid].append((since, until))
        journals[jid] = {"teacher_id": teacher_id, "group_id": group_id, "group": group,
                         "curator_id": curator_id, "group_active": group_status == "active",
                         "discipline": f"{code} {name}"}
        students[sid] = (" ".join(p for p in (last_name, first_name, middle) if p), status)
        period = {"id": period_id, "name": period_name, "start_date": first, "end_date": last}
    end = min(day, period["end_date"])
    spans, marks, visits = attendance_events(list(journals), period["start_date"], end,
                                             spans=spans)
    progress = _progress_of(spans, marks, visits)
    rows = []
    for (jid, sid), prog in progress.items():
        name, status = students[sid]
        if status != "studying" or not _enrolled(spans[jid][sid], end):
            continue
        reasons = admission_reasons(prog)
        if not reasons:
            continue
        journal = journals[jid]
        rows.append({"student_id": sid, "student": name, "group_id": journal["group_id"],
                     "group": journal["group"], "journal_id": jid,
                     "discipline": journal["discipline"], "teacher_id": journal["teacher_id"],
                     "curator_id": journal["curator_id"],
                     "group_active": journal["group_active"], "reasons": reasons,
                     "progress": prog, "period": period["name"], "period_id": period["id"]})
    rows.sort(key=lambda r: (r["group"], r["student"], r["discipline"], r["journal_id"]))
    return rows


def at_risk(user, day: date, scope: str | None = None) -> list[dict]:
    """Students at risk in the user's scope: the teacher's own journals ("teacher"), the
    journals of the groups the user curates now ("curator"), both by role ("own"); by default
    both, and for the administration and the deputy every journal. Computed once per
    request."""
    roles = role_names(user)
    everything = bool(roles & SEES_ALL_JOURNALS)
    key = ("at_risk", getattr(user, "id", None), day, everything)
    memo = g.setdefault("_progress_memo", {}) if has_request_context() else {}
    if key not in memo:
        conditions = []
        if everything:
            conditions.append(true())
        if "Teacher" in roles:
            conditions.append(Journal.teacher_id == user.id)
        if "Curator" in roles:
            conditions.append(Journal.group_id.in_(current_curated_group_ids(user)))
        memo[key] = risks(or_(*conditions), day) if conditions else []
    rows = memo[key]
    teacher = "Teacher" in roles and scope in (None, "teacher", "own")
    curator = "Curator" in roles and scope in (None, "curator", "own")
    if everything and scope is None:
        return list(rows)
    return [r for r in rows if (teacher and r["teacher_id"] == user.id) or (
        curator and r["curator_id"] == user.id and r["group_active"])]


def group_risks(group_id: int, day: date) -> dict[int, list[dict]]:
    """student_id → [{"discipline", "reasons"}] of one group (the weekly report to parents)."""
    found: dict[int, list[dict]] = defaultdict(list)
    for row in risks(Journal.group_id == group_id, day):
        found[row["student_id"]].append({"discipline": row["discipline"],
                                         "reasons": row["reasons"]})
    return found


def risk_sentence(discipline: str, reasons: list[str]) -> str:
    """«риск недопуска к аттестации по ОП.01 Операционные системы: посещаемость … »."""
    return f"риск недопуска к аттестации по {discipline}: " + "; ".join(reasons)
