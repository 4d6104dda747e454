"""The student's diary (2.2, 3.6, 4.8): the period's grid of disciplines × dates, the periods a
record can be opened on, and the week — timetable, marks and absences, homework with the day
it is due. record.student_record builds the record with these pieces; pages, the API and the
export read the same data."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, select

from ... import labels
from ...infra.bulk import plain_rows
from ...models import AcademicYear, JournalCell, Lesson, Mark, Period, Student
from ..journal.access import cell_text
from ..journal.timetable import timetabled_pairs, week_days, week_end, week_start

if TYPE_CHECKING:
    from ...models import Journal
    from .record import RecordJournal

HOMEWORK_LOOKBACK_DAYS = 14   # homework set in the last two weeks may still be due
DUE_LOOKAHEAD_DAYS = 21       # how far the timetable is searched for the next pair


@dataclass
class StudentLesson:
    """A live lesson of one of the student's journals with the student's own cell: what the
    record, the diary's week, homework and attendance are built from."""
    id: int
    journal_id: int
    lesson_date: date
    pair_number: int
    hours: int
    attendance_taken: bool
    topic: str | None
    homework: str | None
    homework_kind: str | None
    has_cell: bool = False
    absent: bool = False
    absence_reason: str | None = None
    marks: list[tuple[str, str | None]] = field(default_factory=list)  # (value, work kind)

    @property
    def values(self) -> list[str]:
        return [value for value, _kind in self.marks]


# built once (the record runs it on every view): the statement, not its values, is the same
_STUDENT_LESSONS = (
    select(Lesson.id, Lesson.journal_id, Lesson.lesson_date, Lesson.pair_number,
           Lesson.hours, Lesson.attendance_taken, Lesson.topic, Lesson.homework,
           Lesson.homework_kind, JournalCell.id, JournalCell.absent,
           JournalCell.absence_reason, Mark.value, Mark.work_kind)
    .outerjoin(JournalCell, and_(JournalCell.lesson_id == Lesson.id,
                                 JournalCell.student_id == bindparam("student_id")))
    .outerjoin(Mark, Mark.cell_id == JournalCell.id)
    .where(Lesson.journal_id.in_(bindparam("journals", expanding=True)),
           Lesson.lesson_date >= bindparam("start"), Lesson.lesson_date <= bindparam("end"),
           Lesson.deleted_at.is_(None))  # 1.6: run as plain rows, so said here
    .order_by(Lesson.lesson_date, Lesson.pair_number, Lesson.id, Mark.position))


def student_lessons(student_id: int, journal_ids, start: date, end: date
                    ) -> list[StudentLesson]:
    """The lessons of the journals in [start, end] with the student's cell and marks, in date
    and pair order: one query of plain rows, whatever the number of lessons."""
    ids = list(journal_ids)
    if not ids or end < start:
        return []
    rows = plain_rows(_STUDENT_LESSONS, {"student_id": student_id, "journals": ids,
                                         "start": start, "end": end})
    lessons: list[StudentLesson] = []
    for (lid, jid, day, pair, hours, taken, topic, homework, kind, cell_id, absent, reason,
         value, work_kind) in rows:
        if not lessons or lessons[-1].id != lid:
            lessons.append(StudentLesson(lid, jid, day, pair, hours, bool(taken), topic,
                                         homework, kind, cell_id is not None, bool(absent),
                                         reason))
        if value is not None:
            lessons[-1].marks.append((value, work_kind))
    return lessons


def week_range(day: date) -> tuple[date, date]:
    """The dates the week of `day` reads lessons from: homework set up to two weeks back may
    still be due this week; nothing after `day` is recorded yet."""
    return min(week_start(day), day - timedelta(days=HOMEWORK_LOOKBACK_DAYS)), day


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """What the record reads of a period, as plain columns (the record only shows periods)."""
    id: int
    academic_year_id: int
    name: str
    start_date: date
    end_date: date
    year_name: str

    def __str__(self) -> str:
        return Period.label(self.year_name, self.name)


def all_periods() -> list[PeriodRow]:
    """Every period of every year with its year, newest first: a short list (two a year) that
    the record reads once for its periods, the current one and the week's timetable."""
    return [PeriodRow(*row) for row in plain_rows(_ALL_PERIODS)]


_ALL_PERIODS = (select(Period.id, Period.academic_year_id, Period.name, Period.start_date,
                       Period.end_date, AcademicYear.name)
                .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
                .order_by(Period.start_date.desc()))


def periods_for(journals: dict[int, "RecordJournal"], day: date,
                periods: list[PeriodRow]) -> list[PeriodRow]:
    """Of `periods` (all_periods), those of the academic years of the student's journals that
    have begun by `day`, newest first: the record opens on any of them (earlier periods one
    click away)."""
    years = {j.academic_year_id for j in journals.values()}
    return [p for p in periods if p.academic_year_id in years and p.start_date <= day]


def choose_period(periods: list[PeriodRow], period_id,
                  fallback: PeriodRow | None) -> PeriodRow | None:
    """The period asked for, if the record has it; else the current one."""
    try:
        wanted = int(period_id) if period_id not in (None, "") else None
    except (TypeError, ValueError):
        wanted = None
    chosen = next((p for p in periods if p.id == wanted), None)
    return chosen or fallback or (periods[0] if periods else None)


def grid(disciplines: list[dict]) -> dict:
    """Disciplines × dates: the dates on which the student has a mark or an absence, and for
    each discipline its entries by date (a day with two pairs keeps both)."""
    dates = sorted({e["date"] for row in disciplines for e in row["entries"]})
    rows = []
    for row in disciplines:
        cells: dict[str, list[dict]] = {}
        for entry in row["entries"]:
            cells.setdefault(entry["date"], []).append(entry)
        rows.append({**row, "cells": cells})
    return {"dates": dates, "rows": rows}


def _next_pairs(pairs: list[dict], lessons: list[StudentLesson]) -> dict[int, list[date]]:
    """Days each journal meets: the timetable, and recorded lessons where there is none."""
    days: dict[int, set[date]] = {}
    for pair in pairs:
        days.setdefault(pair["journal_id"], set()).add(pair["date"])
    for lesson in lessons:
        days.setdefault(lesson.journal_id, set()).add(lesson.lesson_date)
    return {jid: sorted(found) for jid, found in days.items()}


def due_date(meetings: dict[int, list[date]], lesson: StudentLesson) -> date | None:
    """4.8: homework is due at the journal's next pair after the lesson that set it."""
    return next((d for d in meetings.get(lesson.journal_id, []) if d > lesson.lesson_date), None)


def week(student: Student, journals: dict[int, "Journal | RecordJournal"], day: date,
         lessons: list[StudentLesson] | None = None,
         periods: list[PeriodRow] | None = None) -> dict:
    """The week of `day` for the student: each school day's pairs (timetable and recorded
    lessons, with the student's marks and «Н»), and homework still due, with its due date.
    `lessons` (covering week_range(day)) and `periods` (all_periods): when the caller has read
    them, as the record has; the start page's week has not."""
    monday = week_start(day)
    saturday = week_end(monday)
    start, _ = week_range(day)
    end = max(saturday, day + timedelta(days=DUE_LOOKAHEAD_DAYS))
    ids = list(journals)
    pairs = [p for p in timetabled_pairs(student.group_id, start, end, periods)
             if p["journal_id"] in journals] if ids else []
    if lessons is None:
        lessons = student_lessons(student.id, ids, start, day)
    lessons = [ls for ls in lessons
               if start <= ls.lesson_date <= day and ls.journal_id in journals]
    days = []
    for offset in range(week_days()):
        current = monday + timedelta(days=offset)
        slots: dict[tuple[int, int], dict] = {}
        for pair in pairs:
            if pair["date"] == current:
                slots[(pair["pair_number"], pair["journal_id"])] = _slot(
                    journals[pair["journal_id"]], pair["pair_number"], pair["room"],
                    pair["changed"])
        for lesson in lessons:
            if lesson.lesson_date != current:
                continue
            slot = slots.setdefault((lesson.pair_number, lesson.journal_id),
                                    _slot(journals[lesson.journal_id], lesson.pair_number))
            values = lesson.values
            slot.update(lesson_id=lesson.id, topic=lesson.topic or "",
                        homework=lesson.homework or "", marks=values, absent=lesson.absent,
                        text=cell_text(lesson.absent, values) if lesson.has_cell else "")
        days.append({"date": current.isoformat(), "today": current == day,
                     "pairs": [slots[k] for k in sorted(slots)]})
    meetings = _next_pairs(pairs, lessons)
    homework = []
    for lesson in lessons:
        if not (lesson.homework or "").strip():
            continue
        due = due_date(meetings, lesson)
        if due is not None and due < monday:
            continue  # due before this week: no longer the student's task
        if due is None and lesson.lesson_date < day - timedelta(days=7):
            continue
        homework.append({"set_on": lesson.lesson_date.isoformat(),
                         "due": due.isoformat() if due else None,
                         "past": due is not None and due < day,
                         "discipline": str(journals[lesson.journal_id].discipline),
                         "text": lesson.homework, "kind": lesson.homework_kind,
                         "kind_label": labels.homework_kind(lesson.homework_kind)})
    homework.sort(key=lambda h: (h["past"], h["due"] is None, h["due"] or "", h["discipline"]))
    return {"monday": monday.isoformat(), "saturday": saturday.isoformat(), "days": days,
            "homework": homework}


def _slot(journal: "Journal | RecordJournal", pair: int, room: str = "",
          changed: bool = False) -> dict:
    return {"pair": pair, "code": journal.discipline.code, "name": journal.discipline.name,
            "room": room, "changed": changed, "lesson_id": None, "topic": "", "homework": "",
            "marks": [], "absent": False, "text": ""}


def entry_to_report(record: dict, lesson_id) -> dict | None:
    """The marked entry of the record a wrong-mark report is about (5.4), with its label."""
    try:
        wanted = int(lesson_id)
    except (TypeError, ValueError):
        return None
    for row in record["disciplines"]:
        for entry in row["entries"]:
            if entry["lesson_id"] == wanted and entry["marks"]:
                day = date.fromisoformat(entry["date"]).strftime("%d.%m.%Y")
                return {"lesson_id": wanted, "label": f"{row['code']}, {day}: {entry['text']}"}
    return None
