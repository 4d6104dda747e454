"""Results report for the pedagogical council: per group, discipline and teacher for a
semester or a year — успеваемость, качество знаний, average final mark, hours missed and the
excused share.

Definitions (one place): the students of a row are all students of the group (or subgroup) on
the period's end date (dated membership), in every journal and period where the curriculum
requires a final grade (4.7). A student without a final grade there is «не аттестован»: counted,
shown, and never passing.
Успеваемость = students attested with no failing final grade (2, незач, н/а, неявка) / students.
Качество знаний = students attested whose final grades are all 4, 5 (or зач, освобождён,
перезачтено) / students.
Average = mean of numeric final grades. Hours missed = «Н» cells × the lesson's hours;
excused share = hours with reason уважительная or болезнь / hours missed.
"""
from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .... import labels
from ....errors import Refused
from ....extensions import db
from ....models import FinalGrade, Journal, JournalCell, Lesson, Period
from ...journal.access import enrolled_on, roster
from ...journal.final_grades import kinds_by_period
from ...journal.generation import plan_forms
from ...scopes import journal_filter
from . import percent

NOT_ATTESTED = "не аттестован"  # no final grade where the curriculum requires one
# 4.7: a no-show fails like «н/а»; an exemption and credits transferred neither fail nor lower
# the quality
FAILING = {"2", "незач", "н/а", "неяв", NOT_ATTESTED}
QUALITY = {"4", "5", "зач", "осв", "перезач"}
LEVELS = labels.REPORT_LEVELS


def scope_periods(period_id: int | None, year_id: int | None) -> list[Period]:
    if period_id:
        period = db.session.get(Period, period_id)
        if period is None:
            raise Refused(_("Семестр не найден."))
        return [period]
    if year_id:
        found = db.session.scalars(select(Period).where(Period.academic_year_id == year_id)
                                   .order_by(Period.number)).all()
        if found:
            return found
    raise Refused(_("Выберите семестр или учебный год."))


def _key(level: str, j: Journal):
    if level == "group":
        return (j.group.name, "", "")
    if level == "discipline":
        return ("", str(j.discipline), "")
    if level == "teacher":
        return ("", "", f"{j.teacher.last_name} {j.teacher.first_name}")
    return (j.group.name + (f" ({j.subgroup.name})" if j.subgroup else ""), str(j.discipline),
            f"{j.teacher.last_name} {j.teacher.first_name}")


def results(user, periods: list[Period], level: str = "journal",
            group_id: int | None = None) -> list[dict]:
    if level not in LEVELS:
        raise Refused(_("Неизвестный разрез отчёта."))
    period_ids = [p.id for p in periods]
    years = {p.academic_year_id for p in periods}
    query = select(Journal).where(journal_filter(user), Journal.academic_year_id.in_(years))\
        .options(joinedload(Journal.group), joinedload(Journal.discipline),
                 joinedload(Journal.teacher), joinedload(Journal.subgroup))
    if group_id:
        query = query.where(Journal.group_id == group_id)
    journals = {j.id: j for j in db.session.scalars(query)}
    grades = defaultdict(list)  # (journal, student, period) → values
    for jid, sid, pid, value in db.session.execute(select(
            FinalGrade.journal_id, FinalGrade.student_id, FinalGrade.period_id,
            FinalGrade.value).where(
            FinalGrade.journal_id.in_(list(journals)), FinalGrade.period_id.in_(period_ids))):
        grades[(jid, sid, pid)].append(value)
    missed = defaultdict(lambda: [0, 0])  # journal → [hours, excused hours]
    for p in periods:
        for jid, reason, hours in db.session.execute(select(
                Lesson.journal_id, JournalCell.absence_reason, func.sum(Lesson.hours)).join(
                JournalCell, JournalCell.lesson_id == Lesson.id).where(
                Lesson.journal_id.in_(list(journals)), JournalCell.absent.is_(True),
                Lesson.lesson_date >= p.start_date, Lesson.lesson_date <= p.end_date)
                .group_by(Lesson.journal_id, JournalCell.absence_reason)):
            missed[jid][0] += int(hours or 0)
            if reason in ("excused", "illness"):
                missed[jid][1] += int(hours or 0)
    rows = {}
    for j in journals.values():
        key = _key(level, j)
        row = rows.setdefault(key, dict(group=key[0], discipline=key[1], teacher=key[2],
                                        students=defaultdict(list), hours=0, excused=0))
        row["hours"] += missed[j.id][0]
        row["excused"] += missed[j.id][1]
    for (jid, sid), values in _attestation(journals.values(), periods, grades).items():
        rows[_key(level, journals[jid])]["students"][sid].extend(values)
    out = []
    for key in sorted(rows):
        row = rows[key]
        per_student = row.pop("students")
        n = len(per_student)
        passed = sum(1 for v in per_student.values() if not set(v) & FAILING)
        quality = sum(1 for v in per_student.values() if v and set(v) <= QUALITY)
        unattested = sum(1 for v in per_student.values() if NOT_ATTESTED in v)
        numbers = [int(x) for v in per_student.values() for x in v if x in ("2", "3", "4", "5")]
        if n == 0 and row["hours"] == 0:
            continue
        out.append(dict(row, count=n, unattested=unattested, success=percent(passed, n),
                        quality=percent(quality, n),
                        average=round(sum(numbers) / len(numbers), 2) if numbers else None,
                        excused_share=percent(row["excused"], row["hours"])))
    return out


def _attestation(journals, periods: list[Period], grades: dict) -> dict:
    """(journal, student) → final grades, NOT_ATTESTED where a required grade is missing: every
    student of the roster on the period's end date, where the curriculum requires a grade."""
    plan = plan_forms()
    out = defaultdict(list)
    for journal in journals:
        due = kinds_by_period(journal, periods, plan)
        students = None
        for period in periods:
            if not due.get(period.id):
                continue
            students = students if students is not None else roster(journal)
            for student in students:
                if enrolled_on(student, period.end_date):
                    values = grades.get((journal.id, student["id"], period.id))
                    out[(journal.id, student["id"])].extend(values or [NOT_ATTESTED])
    return out


def chart_data(rows: list[dict]) -> dict:
    labels = [" · ".join(x for x in (r["group"], r["discipline"], r["teacher"]) if x)
              for r in rows]
    return dict(labels=labels, success=[r["success"] for r in rows],
                quality=[r["quality"] for r in rows], hours=[r["hours"] for r in rows])
