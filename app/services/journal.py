"""The journal's rules: who may read and write a journal, its roster and its grid (1.6, 4.4, 5.3).

Lessons, marks and final grades have their own modules (lessons.py, marks.py,
final_grades.py); all of them use the access checks and the roster defined here.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import joinedload

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import (
    FinalGrade, GroupMembership, Journal, JournalCell, Lesson, Mark, Period, Student,
    SubgroupMember,
)
from .progress import weighted_average, weights_hint, work_kind_weights
from .bulk import plain_rows, statement
from .scopes import journal_filter, journal_scope, role_names

OVERRIDE_ROLES = {"Deputy"}          # 4.7: final grades after the deadline
LESSON_MANAGERS = {"Deputy", "Administration"}  # record a substitution in any journal (4.4)


def row_for_read(query, model, row_id: int, missing: str, denied: str,
                 not_found=NotFound, forbidden=Forbidden, params=None):
    """The row `query` (with its `params`) finds under the user's row scope; if none, 404
    when no such row exists, else 403 — one more query only on refusal."""
    row = db.session.scalar(query, params)
    if row is None:
        if db.session.get(model, row_id) is None:
            raise not_found(missing)
        raise forbidden(denied)
    return row


def journal_for_read(user, journal_id: int) -> Journal:
    """The journal if the user may read it (row scope), else NotFound/Forbidden."""
    # built once per kind of scope: every write to a journal and every grid reads it first
    query = statement(("journal for read", journal_scope(user)), lambda: (
        select(Journal).where(Journal.id == bindparam("journal_id"),
                              journal_filter(user, bindparam("user_id")))
        .options(joinedload(Journal.group), joinedload(Journal.subgroup),
                 joinedload(Journal.discipline), joinedload(Journal.teacher),
                 joinedload(Journal.academic_year))))
    return row_for_read(query, Journal, journal_id, _("Журнал не найден."),
                        _("Нет доступа к этому журналу."),
                        params={"journal_id": journal_id, "user_id": getattr(user, "id", None)})


def is_journal_teacher(user, journal: Journal) -> bool:
    return getattr(user, "id", None) == journal.teacher_id


def can_write_lesson(user, journal: Journal, lesson: Lesson) -> bool:
    """4.4: the journal's teacher writes every lesson; a substitute only the lesson they gave."""
    if is_journal_teacher(user, journal):
        return True
    return lesson.is_substitution and lesson.teacher_id == getattr(user, "id", None)


def can_manage_lessons(user, journal: Journal) -> bool:
    return is_journal_teacher(user, journal) or bool(role_names(user) & LESSON_MANAGERS)


def _roster_condition(group_id, subgroup_id):
    """Students of the journal: the group's members, or the subgroup's members (5.3)."""
    cond = GroupMembership.group_id == group_id
    if subgroup_id is not None:
        cond = and_(cond, GroupMembership.student_id.in_(
            select(SubgroupMember.student_id).where(SubgroupMember.subgroup_id == subgroup_id)))
    return cond


def roster(journal: Journal, start: date | None = None, end: date | None = None) -> list[dict]:
    """Students with their enrolment span in the group overlapping the academic year."""
    year = journal.academic_year
    start = start or year.start_date
    end = end or year.end_date
    subgroup = journal.subgroup_id is not None
    query = statement(("roster", subgroup), lambda: (
        select(Student.id, Student.last_name, Student.first_name, Student.middle_name,
               GroupMembership.start_date, GroupMembership.end_date)
        .join(GroupMembership, GroupMembership.student_id == Student.id)
        .where(_roster_condition(bindparam("group"), bindparam("subgroup") if subgroup
                                 else None),
               GroupMembership.start_date <= bindparam("end"),
               or_(GroupMembership.end_date.is_(None),
                   GroupMembership.end_date >= bindparam("start")))
        .order_by(Student.last_name, Student.first_name, Student.id,
                  GroupMembership.start_date)))
    rows = plain_rows(query, {"group": journal.group_id, "start": start, "end": end,
                                      **({"subgroup": journal.subgroup_id} if subgroup
                                         else {})})
    students: dict[int, dict] = {}
    for sid, last, first, middle, since, until in rows:
        entry = students.setdefault(sid, {
            "id": sid, "name": f"{last} {first[:1]}.{(middle or '')[:1] + '.' if middle else ''}",
            "full_name": " ".join(p for p in (last, first, middle) if p), "spans": []})
        entry["spans"].append((since, until))
    return list(students.values())


def enrolled_on(student: dict, day: date) -> bool:
    return any(since <= day and (until is None or until >= day)
               for since, until in student["spans"])


def cell_text(absent: bool, marks) -> str:
    """How a cell reads in the paper journal: «Н» and/or the marks, e.g. "Н" or "5 4"."""
    parts = ["Н"] if absent else []
    parts += [m if isinstance(m, str) else m.value for m in marks]
    return " ".join(parts)


def sibling_journal_ids(journal: Journal) -> list[int]:
    """5.3: the journals of the other subgroups of the same group and discipline."""
    return list(db.session.scalars(select(Journal.id).where(
        Journal.group_id == journal.group_id, Journal.discipline_id == journal.discipline_id,
        Journal.academic_year_id == journal.academic_year_id,
        Journal.subgroup_id.is_not(None)).order_by(Journal.id)))


def grid_data(user, journal: Journal, today: date, both_subgroups: bool = False) -> dict:
    """Everything the grid shows, in a constant number of queries (no query per row)."""
    from .final_grades import KIND_ORDER, is_locked, kinds_by_period
    from .periods import closed_days
    from .marks import mark_values
    journal_ids = [journal.id]
    rows_journal = journal
    if both_subgroups and journal.subgroup_id:
        journal_ids = sibling_journal_ids(journal) or [journal.id]
        students = []
        seen = set()
        for jid in journal_ids:
            other = journal if jid == journal.id else db.session.get(Journal, jid)
            for s in roster(other):
                if s["id"] not in seen:
                    seen.add(s["id"])
                    students.append(s)
        students.sort(key=lambda s: s["full_name"])
    else:
        students = roster(rows_journal)
    lessons = db.session.execute(
        select(Lesson.id, Lesson.journal_id, Lesson.lesson_date, Lesson.pair_number,
               Lesson.topic_id, Lesson.topic, Lesson.lesson_type, Lesson.hours, Lesson.homework,
               Lesson.homework_kind, Lesson.teacher_id, Lesson.is_substitution, Lesson.is_late,
               Lesson.attendance_taken)
        .where(Lesson.journal_id.in_(journal_ids))
        .order_by(Lesson.lesson_date, Lesson.pair_number, Lesson.id)
    ).all()
    cells = db.session.execute(  # cells with their marks in one query (outer join)
        select(JournalCell.id, JournalCell.lesson_id, JournalCell.student_id, JournalCell.absent,
               JournalCell.absence_reason, JournalCell.version, Mark.value, Mark.work_kind)
        .join(Lesson, Lesson.id == JournalCell.lesson_id)
        .outerjoin(Mark, Mark.cell_id == JournalCell.id)
        .where(Lesson.journal_id.in_(journal_ids))
        .order_by(JournalCell.id, Mark.position)
    ).all()
    # periods with this journal's final grades in one query (outer join)
    period_rows = db.session.execute(
        select(Period, FinalGrade.student_id, FinalGrade.kind, FinalGrade.value,
               FinalGrade.version)
        .outerjoin(FinalGrade, and_(FinalGrade.period_id == Period.id,
                                    FinalGrade.journal_id == journal.id))
        .where(Period.academic_year_id == journal.academic_year_id)
        .order_by(Period.number)
    ).all()
    periods = list(dict.fromkeys(row[0] for row in period_rows))
    kinds = kinds_by_period(journal, periods)  # 4.7: each semester's form in the curriculum
    finals = [{"student_id": sid, "period_id": period.id, "kind": kind, "value": value,
               "version": version} for period, sid, kind, value, version in period_rows
              if sid is not None]
    uid = getattr(user, "id", None)
    teacher = uid == journal.teacher_id
    values_by_student: dict[int, list] = {}
    cell_list, by_id = [], {}
    for cid, lid, sid, absent, reason, version, value, kind in cells:
        cell = by_id.get(cid)
        if cell is None:
            cell = by_id[cid] = {"lesson_id": lid, "student_id": sid, "absent": absent,
                                 "reason": reason, "version": version, "marks": []}
            cell_list.append(cell)
        if value is not None:
            cell["marks"].append({"value": value, "kind": kind})
            values_by_student.setdefault(sid, []).append((value, kind))
    lesson_list = []
    closed = closed_days(periods)
    for row in lessons:
        editable = row.journal_id == journal.id and not closed(row.lesson_date) and (
            teacher or (row.is_substitution and row.teacher_id == uid))
        lesson_list.append({
            "id": row.id, "journal_id": row.journal_id, "date": row.lesson_date.isoformat(),
            "pair": row.pair_number, "topic": row.topic or "", "topic_id": row.topic_id,
            "lesson_type": row.lesson_type, "hours": row.hours, "homework": row.homework or "",
            "homework_kind": row.homework_kind, "teacher_id": row.teacher_id,
            "substitution": row.is_substitution, "late": row.is_late,
            "attendance_taken": row.attendance_taken,
            "complete": bool(row.topic_id or (row.topic or "").strip()), "editable": editable})
    student_list = []
    weights = work_kind_weights()
    for s in students:
        last_until = max((u for _, u in s["spans"] if u is not None), default=None)
        still = any(u is None for _, u in s["spans"])
        student_list.append({
            "id": s["id"], "name": s["name"], "full_name": s["full_name"],
            "spans": [[a.isoformat(), b.isoformat() if b else None] for a, b in s["spans"]],
            "left_on": None if still or last_until is None else last_until.isoformat(),
            "average": weighted_average(values_by_student.get(s["id"], []), weights)})
    override = bool(role_names(user) & OVERRIDE_ROLES)
    return {
        "journal": {
            "id": journal.id, "title": journal.title, "group": journal.group.name,
            "subgroup": journal.subgroup.name if journal.subgroup else None,
            "discipline": str(journal.discipline), "teacher_id": journal.teacher_id,
            "assessment_form": journal.assessment_form,
            "mark_values": mark_values(journal, kinds), "can_write": teacher,
            "can_override": override, "both_subgroups": len(journal_ids) > 1,
            "has_subgroups": bool(journal.subgroup_id),
            "average_hint": weights_hint(weights)},
        "students": student_list, "lessons": lesson_list, "cells": cell_list,
        "periods": [{"id": p.id, "name": p.name, "number": p.number,
                     "deadline": p.final_grade_deadline.isoformat()
                     if p.final_grade_deadline else None,
                     "locked": is_locked(p, today) or p.closed_at is not None,
                     "closed": p.closed_at is not None, "kinds": kinds[p.id]}
                    for p in periods],
        "final_kinds": [k for k in KIND_ORDER if any(k in v for v in kinds.values())],
        "final_grades": finals,
    }
