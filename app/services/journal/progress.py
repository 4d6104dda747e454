"""Progress of a student in a journal: the weighted average of current marks, the hours
attended and missed by reason, and admission to the attestation by the thresholds (2.2, 3.3,
4.7). One implementation, used by the grid, the record and diary, the exam sheets, the
forecast before the session and the attendance report.

Rules
- Average: only the marks 2–5 count (зач/незач are not averaged); each mark weighs as its
  kind of work (setting WORK_KIND_WEIGHTS, by default a control work and a test count twice,
  every other kind once); rounded to 2 decimals.
- Hours: the hours of the lessons on which attendance was taken and the student was enrolled in
  the journal's group (or subgroup) on the lesson's day — a student who joined or left mid-term
  is counted only for their own days.
- Missed hours: the lesson's hours when the student's cell is «Н», by reason; «Н» without a
  reason counts as unexcused (3.3).
- Attendance shown (attendance_pct): 100 × (hours − all missed hours) / hours.
- Admission (admission_reasons): the attendance for admission counts only the UNEXCUSED missed
  hours — a doctor's note or another good reason does not bar a student from the attestation;
  a student is not admitted when that attendance is below ADMISSION_MIN_ATTENDANCE (percent)
  or when the weighted average is below ADMISSION_MIN_AVERAGE.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select

from ... import labels
from ...extensions import db
from ...infra.bulk import plain_rows, statement
from ...models import (
    AcademicYear, GroupMembership, Journal, JournalCell, Lesson, Mark, SubgroupMember,
)
from ...models.journal import WORK_KINDS

WorkKindWeights = dict[str, float]

NUMERIC_MARKS = ("2", "3", "4", "5")
MISSED_REASONS = ("excused", "illness", "unexcused")
DEFAULT_WORK_KIND_WEIGHTS: WorkKindWeights = {kind: 1.0 for kind in WORK_KINDS} | {
    "control": 2.0, "test": 2.0}
DEFAULT_MIN_ATTENDANCE = 50.0
DEFAULT_MIN_AVERAGE = 2.5


def work_kind_weights() -> WorkKindWeights:
    """The weight of every kind of work: the defaults, overridden by WORK_KIND_WEIGHTS."""
    weights = dict(DEFAULT_WORK_KIND_WEIGHTS)
    for kind, weight in (current_app.config.get("WORK_KIND_WEIGHTS") or {}).items():
        weights[kind] = float(weight)
    return weights


def weighted_average(marks: Iterable[tuple[str, str]],
                     weights: WorkKindWeights | None = None) -> float | None:
    """The average of (value, work_kind) pairs: only "2".."5" count, each weighed by its kind
    of work (an unknown kind weighs 1); round(…, 2); None when no mark counts."""
    weights = work_kind_weights() if weights is None else weights
    total = weight_sum = 0.0
    for value, kind in marks:
        if value not in NUMERIC_MARKS:
            continue
        weight = weights.get(kind or "current", 1.0)
        total += int(value) * weight
        weight_sum += weight
    return round(total / weight_sum, 2) if weight_sum > 0 else None


def weights_hint(weights: WorkKindWeights | None = None) -> str:
    """The Russian hint shown beside an average, built from the settings, e.g. «средний балл с
    учётом веса работ: контрольная ×2, тест ×2, остальные ×1»."""
    weights = work_kind_weights() if weights is None else weights
    heavy = [f"{labels.text(labels.WORK_KINDS, kind, kind)} ×{_number(weight)}"
             for kind, weight in weights.items() if weight != 1.0]
    if not heavy:
        return "средний балл: все виды работ с весом ×1"
    return "средний балл с учётом веса работ: " + ", ".join(heavy) + ", остальные ×1"


@dataclass
class Progress:
    average: float | None = None
    marks: int = 0
    hours: int = 0
    missed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MISSED_REASONS, 0))
    missed_total: int = 0
    attendance_pct: float | None = None


def make_progress(pairs: list[tuple[str, str]], hours: int, missed: dict[str, int],
                  weights: WorkKindWeights | None = None) -> Progress:
    """A Progress from the student's marks, hours and missed hours by reason."""
    missed = {reason: missed.get(reason, 0) for reason in MISSED_REASONS}
    total = sum(missed.values())
    return Progress(
        average=weighted_average(pairs, weights),
        marks=sum(1 for value, _ in pairs if value in NUMERIC_MARKS),
        hours=hours, missed=missed, missed_total=total,
        attendance_pct=round(100 * (hours - total) / hours, 1) if hours else None)


def missed_reason(reason: str) -> str:
    """3.3: «Н» without a reason is unexcused."""
    return reason if reason in ("excused", "illness") else "unexcused"


def enrolment_spans(journal_ids: list[int], start: date | None = None,
                    end: date | None = None, student_ids: list[int] | None = None
                    ) -> dict[int, dict[int, list[tuple[date, date | None]]]]:
    """journal → student → enrolment spans in the journal's group (or subgroup, 5.3) that
    overlap [start, end] (by default the journal's academic year): one query."""
    params = {"journals": list(journal_ids), "start": start, "end": end,
              "students": None if student_ids is None else list(student_ids)}
    variant = (start is None, end is None, student_ids is None)
    query = statement(("enrolment spans", variant), lambda: _enrolment_query(*variant))
    spans: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for jid, sid, since, until in plain_rows(
            query, {k: v for k, v in params.items() if v is not None}):
        spans[jid][sid].append((since, until))
    return spans


def _enrolment_query(whole_start: bool, whole_end: bool, all_students: bool):
    first = AcademicYear.start_date if whole_start else bindparam("start")
    last = AcademicYear.end_date if whole_end else bindparam("end")
    query = (
        select(Journal.id, GroupMembership.student_id, GroupMembership.start_date,
               GroupMembership.end_date)
        .join(AcademicYear, AcademicYear.id == Journal.academic_year_id)
        .join(GroupMembership, GroupMembership.group_id == Journal.group_id)
        .outerjoin(SubgroupMember, and_(SubgroupMember.subgroup_id == Journal.subgroup_id,
                                        SubgroupMember.student_id == GroupMembership.student_id))
        .where(Journal.id.in_(bindparam("journals", expanding=True)),
               or_(Journal.subgroup_id.is_(None), SubgroupMember.id.is_not(None)),
               GroupMembership.start_date <= last,
               or_(GroupMembership.end_date.is_(None), GroupMembership.end_date >= first))
    )
    if not all_students:
        query = query.where(GroupMembership.student_id.in_(bindparam("students",
                                                                     expanding=True)))
    return query


def _enrolled_throughout(spans, first: date, last: date) -> bool:
    """One span covers every day from `first` to `last`."""
    return any(since <= first and (until is None or until >= last) for since, until in spans)


def _enrolled(spans, day: date) -> bool:
    return _enrolled_throughout(spans, day, day)


def lesson_cell_rows(journal_ids: list[int], start: date | None = None,
                     end: date | None = None, student_ids: list[int] | None = None):
    """The live lessons with their cells and marks in one query (outer joins: a row per mark,
    one per cell without marks, one per lesson without cells): (lesson id, journal id, date,
    hours, attendance taken, student id, absent, reason, mark value, work kind)."""
    on_cell = JournalCell.lesson_id == Lesson.id
    if student_ids is not None:
        on_cell = and_(on_cell, JournalCell.student_id.in_(student_ids))
    query = (select(Lesson.id, Lesson.journal_id, Lesson.lesson_date, Lesson.hours,
                    Lesson.attendance_taken, JournalCell.student_id, JournalCell.absent,
                    JournalCell.absence_reason, Mark.value, Mark.work_kind)
             .outerjoin(JournalCell, on_cell)
             .outerjoin(Mark, Mark.cell_id == JournalCell.id)
             .where(Lesson.journal_id.in_(journal_ids)))
    if start is not None:
        query = query.where(Lesson.lesson_date >= start)
    if end is not None:
        query = query.where(Lesson.lesson_date <= end)
    return db.session.execute(query.order_by(Lesson.id, JournalCell.id, Mark.position)).all()


def attendance_events(journal_ids: list[int], start: date | None = None,
                      end: date | None = None, student_ids: list[int] | None = None,
                      spans=None, rows=None):
    """The raw facts of the journals in two queries (one when `spans` or the lesson_cell_rows
    `rows` are given): enrolment spans, and per (journal, student) the marks [(value, kind)]
    and the attended lessons [(day, hours, missed reason or None)] — only lessons with
    attendance taken on which the student was enrolled."""
    journal_ids = list(journal_ids)
    if not journal_ids:
        return {}, {}, {}
    if spans is None:
        spans = enrolment_spans(journal_ids, start, end, student_ids)
    if rows is None:
        rows = lesson_cell_rows(journal_ids, start, end, student_ids)
    lessons = {}
    absences: dict[tuple[int, int], str] = {}
    marks: dict[tuple[int, int], list] = defaultdict(list)
    for (lid, jid, day, hours, taken, sid, absent, reason, value,
         kind) in rows:
        lessons[lid] = (jid, day, hours, taken)
        if sid is None:
            continue
        if absent:
            absences[(lid, sid)] = missed_reason(reason)
        if value is not None:
            marks[(jid, sid)].append((value, kind))
    visits: dict[tuple[int, int], list] = defaultdict(list)
    by_journal = defaultdict(list)
    for lid, (jid, day, hours, taken) in lessons.items():
        if taken:
            by_journal[jid].append((lid, day, hours))
    for jid, students in spans.items():
        taken = by_journal.get(jid)
        if not taken:
            continue
        first = min(day for _lid, day, _hours in taken)
        last = max(day for _lid, day, _hours in taken)
        for sid, student_spans in students.items():
            if _enrolled_throughout(student_spans, first, last):  # the usual case: no day test
                visits[(jid, sid)] = [(day, hours, absences.get((lid, sid)))
                                      for lid, day, hours in taken]
                continue
            for lid, day, hours in taken:
                if _enrolled(student_spans, day):
                    visits[(jid, sid)].append((day, hours, absences.get((lid, sid))))
    return spans, marks, visits


def journal_progress(journal_ids: list[int], start: date | None = None, end: date | None = None,
                     student_ids: list[int] | None = None) -> dict[tuple[int, int], Progress]:
    """(journal_id, student_id) → Progress of every student enrolled in the journal's group
    (or subgroup) at some day of [start, end] (by default the academic year), optionally
    only `student_ids`; two queries whatever the number of journals and students."""
    return _progress_of(*attendance_events(journal_ids, start, end, student_ids))


def _progress_of(spans, marks, visits) -> dict[tuple[int, int], Progress]:
    weights = work_kind_weights() if spans else None
    result = {}
    for jid, students in spans.items():
        for sid in students:
            hours = 0
            missed = dict.fromkeys(MISSED_REASONS, 0)
            for _day, lesson_hours, reason in visits.get((jid, sid), ()):
                hours += lesson_hours
                if reason is not None:
                    missed[reason] += lesson_hours
            result[(jid, sid)] = make_progress(marks.get((jid, sid), []), hours, missed,
                                               weights)
    return result


def _number(value: float, digits: int | None = None) -> str:
    """A number as Russian text: 42,0 / 2,31 / 50 / 2,5."""
    if digits is not None:
        return f"{value:.{digits}f}".replace(".", ",")
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def total_progress(items: Iterable[Progress]) -> Progress:
    """The sum of several journals' hours and missed hours (the student's attendance over all
    disciplines); the average is per discipline, so the total has none."""
    hours = 0
    missed = dict.fromkeys(MISSED_REASONS, 0)
    for item in items:
        hours += item.hours
        for reason in MISSED_REASONS:
            missed[reason] += item.missed.get(reason, 0)
    return make_progress([], hours, missed)


def student_attendance(journal_ids: list[int], student_id: int, start: date | None,
                       end: date | None, lessons=None) -> Progress:
    """One student's attendance over the given journals in [start, end]: two queries, one
    when the caller has the student's lessons of that range (diary.student_lessons)."""
    rows = None
    if lessons is not None:
        wanted = set(journal_ids)
        rows = [(ls.id, ls.journal_id, ls.lesson_date, ls.hours, ls.attendance_taken,
                 student_id if ls.has_cell else None, ls.absent, ls.absence_reason, value, kind)
                for ls in lessons if ls.journal_id in wanted
                and (start is None or ls.lesson_date >= start)
                and (end is None or ls.lesson_date <= end)
                for value, kind in (ls.marks or [(None, None)])]
    progress = _progress_of(*attendance_events(journal_ids, start, end, [student_id],
                                               rows=rows))
    return total_progress(p for (_jid, sid), p in progress.items() if sid == student_id)


# --- the forecast before the session (issue: students at risk of non-admission) -------------
