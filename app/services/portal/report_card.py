"""The report card (табель успеваемости, 2.2, 3.6, 5.2): for one student and one period, each
discipline's final grade, current weighted average and missed hours by reason, each with the
group's figure beside it, and the totals. Read by whoever may read the student's record
(record.record_scope: the student, a parent while allowed, the curator, the administration, a
teacher for their disciplines); the read is audited (4.1).

Rules
- Final grade of a discipline: the period's grade of the first kind in FINAL_ORDER the student
  has (an exam over the semester grade); every kind is listed.
- Average of the card: the mean of the numeric final grades (2–5); «зач», «осв» and the like
  are shown, not averaged. Current average: progress.weighted_average.
- Missed hours: progress (the lessons with attendance taken while the student was enrolled),
  by reason; «Н» without a reason is unexcused (3.3).
- The group's figure: the mean over the students enrolled in the journal during the period
  (a discipline) or over the students with a figure (the totals); missed hours per student.

A fixed number of queries whatever the number of disciplines, lessons and students: the
student, the journals, the periods, the enrolment and the lessons with cells and marks (two),
the final grades of the journals, and the audit entry."""
from collections import defaultdict
from statistics import fmean

from sqlalchemy import select

from ... import labels
from ...extensions import db
from ...infra.bulk import plain_rows
from ...infra.clock import today
from ...models import FinalGrade
from ..journal import progress
from ..records import audit
from . import diary, record

FINAL_ORDER = ("exam", "module_exam", "diff_credit", "credit", "course_project", "course_work",
               "semester", "year")
NUMERIC = progress.NUMERIC_MARKS


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(fmean(values), 2) if values else None


def _main_grade(grades: dict[str, str]) -> str | None:
    """The grade the card shows first: the first kind of FINAL_ORDER the student has."""
    for kind in FINAL_ORDER:
        if kind in grades:
            return grades[kind]
    return next(iter(grades.values()), None)


def _numeric(value) -> int | None:
    return int(value) if value in NUMERIC else None


def report_card(user, student_id, period_id=None, audit_action: str = "record_view") -> dict:
    student = record._student(student_id)
    try:
        scope = record.record_scope(user, student)
    except record.RecordDenied:
        audit.record("access_denied", "student", student.id)  # 4.1: refused reads too
        db.session.commit()
        raise
    journals = record.record_journals(student, scope)
    day = today()
    known = diary.all_periods()
    periods = diary.periods_for(journals, day, known)
    period = diary.choose_period(periods, period_id, record.current_period(day, known))
    rows, totals = [], None
    if period is not None:
        ids = [jid for jid, j in sorted(journals.items(), key=lambda kv: kv[1].discipline.code)
               if j.academic_year_id == period.academic_year_id]
        rows, totals = _card(student.id, ids, journals, period, day)
    audit.record(audit_action, "student", student.id,
                 details={"scope": "all" if scope is None else "own_disciplines",
                          "report_card": period.id if period else None})
    audit.commit_read()
    return {
        "student": {"id": student.id, "full_name": student.full_name,
                    "group": student.group.name,
                    "record_book_number": student.record_book_number},
        "period": None if period is None else {
            "id": period.id, "name": str(period), "start_date": period.start_date.isoformat(),
            "end_date": period.end_date.isoformat()},
        "periods": [{"id": p.id, "name": str(p)} for p in periods],
        "limited_to_own_disciplines": scope is not None,
        "disciplines": rows, "totals": totals, "today": day.isoformat(),
        "average_hint": progress.weights_hint()}


def _card(student_id: int, ids: list[int], journals: dict, period, day):
    end = min(period.end_date, day)
    figures = progress.journal_progress(ids, period.start_date, end) if ids else {}
    grades: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    if ids:
        for jid, sid, kind, value in plain_rows(
                select(FinalGrade.journal_id, FinalGrade.student_id, FinalGrade.kind,
                       FinalGrade.value)
                .where(FinalGrade.journal_id.in_(ids), FinalGrade.period_id == period.id)):
            grades[(jid, sid)][kind] = value
    students_of = defaultdict(set)  # journal → the students enrolled in it in the period
    for jid, sid in figures:
        students_of[jid].add(sid)
    for jid, sid in grades:
        students_of[jid].add(sid)
    kinds = labels.names(labels.FINAL_GRADE_KINDS)
    words = labels.names(labels.GRADE_WORDS) | labels.names(labels.FINAL_RESULTS)
    rows = []
    finals_by_student: dict[int, list[int]] = defaultdict(list)
    missed_by_student: dict[int, int] = defaultdict(int)
    for jid in ids:
        for sid in students_of[jid]:
            value = _numeric(_main_grade(grades.get((jid, sid), {})))
            if value is not None:
                finals_by_student[sid].append(value)
            if (jid, sid) in figures:
                missed_by_student[sid] += figures[(jid, sid)].missed_total
        own = figures.get((jid, student_id)) or progress.Progress()
        mine = grades.get((jid, student_id), {})
        others = students_of[jid]
        journal = journals[jid]
        rows.append({
            "journal_id": jid, "code": journal.discipline.code, "name": journal.discipline.name,
            "teacher": journal.teacher,
            "final": _main_grade(mine),
            "final_text": [f"{kinds.get(k, k)}: {words.get(v, v) if v not in NUMERIC else v}"
                           for k, v in sorted(mine.items(), key=lambda kv: _order(kv[0]))],
            "group_final": _mean(_numeric(_main_grade(grades.get((jid, s), {})))
                                 for s in others),
            "average": own.average,
            "group_average": _mean(figures[(jid, s)].average for s in others
                                   if (jid, s) in figures),
            "hours": own.hours, "missed": own.missed_total, "missed_by_reason": own.missed,
            "group_missed": _mean(figures[(jid, s)].missed_total for s in others
                                  if (jid, s) in figures)})
    mine_total = progress.total_progress(figures[(jid, student_id)] for jid in ids
                                         if (jid, student_id) in figures)
    group_students = set().union(*students_of.values()) if students_of else set()
    totals = {
        "average": _mean(finals_by_student.get(student_id, [])),
        "group_average": _mean(_mean(finals_by_student.get(s, [])) for s in group_students),
        "hours": mine_total.hours, "missed": mine_total.missed_total,
        "missed_by_reason": mine_total.missed, "attendance_pct": mine_total.attendance_pct,
        "group_missed": _mean(missed_by_student.get(s, 0) for s in group_students)}
    return rows, totals


def _order(kind: str) -> int:
    return FINAL_ORDER.index(kind) if kind in FINAL_ORDER else len(FINAL_ORDER)

