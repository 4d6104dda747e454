"""The journal's grid (4.4, 4.5, 4.7, 5.3): students, lessons, cells with their marks, the
periods with their final grades and what this user may change — in a constant number of
queries, for the page and the API alike."""
from datetime import date

from sqlalchemy import and_, select

from ... import labels
from ...extensions import db
from ...models import FinalGrade, Journal, JournalCell, Lesson, Mark, Period
from ...security.access import OVERRIDES_DEADLINE
from ..scopes import role_names
from .access import roster, sibling_journal_ids
from .final_grades import KIND_ORDER, is_locked, kinds_by_period
from .marks import mark_values
from .periods import closed_days
from .progress import weighted_average, weights_hint, work_kind_weights


def grid_data(user, journal: Journal, today: date, both_subgroups: bool = False) -> dict:
    """Everything the grid shows, in a constant number of queries (no query per row)."""
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
               Lesson.attendance_taken, Lesson.off_timetable_reason)
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
            "off_timetable": labels.text(labels.OFF_TIMETABLE_REASONS,
                                         row.off_timetable_reason),
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
    override = bool(role_names(user) & OVERRIDES_DEADLINE)
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
