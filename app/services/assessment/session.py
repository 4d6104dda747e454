"""The session as a student and their family see it (4.7, 5.2): the exams and credits of a
period with their date, time and place, admitted or not and why, the grade once set, and the open
debts with their next retake. Part of the record (portal/record.py), which has checked and
audited the read and limits the journals to the reader's (a teacher: their disciplines).

The record reads its final grades, the period's sheet rows and the open debts with their
retakes in one statement (ASSESSMENT, a UNION ALL of three selects told apart by `source`):
the record is read on every diary view and its statements are counted."""
from datetime import date

from sqlalchemy import (
    Date, Integer, String, Time, and_, bindparam, case, cast, literal_column, null, select,
    union_all,
)

from ... import labels
from ...infra.daytime import iso_time
from ...models import AcademicYear, FinalGrade, Period
from ...models.debts import AcademicDebt, Retake, RetakeEntry
from ...models.sheets import ExamSheet, ExamSheetRow

GRADE, SHEET, DEBT = "grade", "sheet", "debt"


def _none(kind):
    return cast(null(), kind)


def _source(name: str):
    return literal_column(f"'{name}'", String).label("source")


def _period_columns():
    return (Period.start_date.label("start_date"), Period.name.label("period_name"),
            AcademicYear.name.label("year_name"))


# Columns: source, journal_id, period_id, kind, value (the grade | the sheet's number | the
# debt's origin), basis (the grade's basis | the sheet's place | the retake's place),
# basis_date (the grade's basis date | the exam date | the retake date), starts_at (none | the
# exam's time of day | the retake's), flag (admitted 1/0 | the debt's failed retakes), note
# (why not admitted), deadline (the debt's), the period.
_GRADES = (
    select(_source(GRADE), FinalGrade.journal_id, FinalGrade.period_id, FinalGrade.kind,
           FinalGrade.value, FinalGrade.basis, FinalGrade.basis_date,
           _none(Time).label("starts_at"), literal_column("0", Integer).label("flag"),
           _none(String).label("note"), _none(Date).label("deadline"), *_period_columns())
    .join(Period, Period.id == FinalGrade.period_id)
    .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
    .where(FinalGrade.student_id == bindparam("student_id"),
           FinalGrade.journal_id.in_(bindparam("journals", expanding=True))))
_SHEETS = (
    select(_source(SHEET), ExamSheet.journal_id, ExamSheet.period_id, ExamSheet.kind,
           ExamSheet.number, ExamSheet.place, ExamSheet.exam_date, ExamSheet.starts_at,
           case((ExamSheetRow.admitted.is_(True), 1), else_=0), ExamSheetRow.admission_reason,
           _none(Date), *_period_columns())
    .join(ExamSheetRow, ExamSheetRow.sheet_id == ExamSheet.id)
    .join(Period, Period.id == ExamSheet.period_id)
    .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
    .where(ExamSheetRow.student_id == bindparam("student_id"),
           ExamSheet.period_id == bindparam("period_id"),
           ExamSheet.journal_id.in_(bindparam("journals", expanding=True))))
_DEBTS = (
    select(_source(DEBT), AcademicDebt.journal_id, AcademicDebt.period_id, AcademicDebt.kind,
           AcademicDebt.origin, Retake.place, Retake.retake_date, Retake.starts_at,
           AcademicDebt.failed_retakes,
           _none(String), AcademicDebt.deadline, *_period_columns())
    .join(Period, Period.id == AcademicDebt.period_id)
    .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
    # the retakes the debt is on and not yet held: no result, not before today
    .outerjoin(RetakeEntry, and_(RetakeEntry.debt_id == AcademicDebt.id,
                                 RetakeEntry.result.is_(None)))
    .outerjoin(Retake, and_(Retake.id == RetakeEntry.retake_id,
                            Retake.retake_date >= bindparam("day")))
    .where(AcademicDebt.student_id == bindparam("student_id"), AcademicDebt.status == "open",
           AcademicDebt.journal_id.in_(bindparam("journals", expanding=True))))
ASSESSMENT = union_all(_GRADES, _SHEETS, _DEBTS)


def assessment_params(student_id: int, journal_ids, period_id: int | None, day: date) -> dict:
    return {"student_id": student_id, "journals": list(journal_ids) or [0],
            "period_id": period_id or 0, "day": day}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _when(retake: dict) -> tuple:
    return retake["date"], retake["time"] or ""


def session_block(rows, journals: dict, day: date) -> dict:
    """The «Сессия» of the record from the ASSESSMENT rows: `exams` — the period's sheets with
    a row for the student, by date and time (date, time, discipline, form, place, admitted or
    not and the reason in force, the grade once set); `debts` — the open debts, oldest period
    first, each with its next retake. Dates and times as ISO text («2025-12-25», «09:00»; null
    when no time is set), like the rest of the record."""
    grades = {(r.journal_id, r.period_id, r.kind): r.value for r in rows if r.source == GRADE}
    exams = []
    for r in sorted((r for r in rows if r.source == SHEET),
                    key=lambda r: (r.basis_date, iso_time(r.starts_at) or "",
                                   str(journals[r.journal_id].discipline))):
        discipline = journals[r.journal_id].discipline
        exams.append({
            "sheet": r.value, "code": discipline.code, "discipline": str(discipline),
            "kind": r.kind, "kind_label": labels.text(labels.SHEET_KINDS, r.kind, r.kind),
            "date": _iso(r.basis_date), "time": iso_time(r.starts_at),
            "place": r.basis or "", "admitted": bool(r.flag),
            "reason": "" if r.flag else (r.note or ""),
            "grade": grades.get((r.journal_id, r.period_id, r.kind))})
    debts: dict[tuple, dict] = {}
    for r in sorted((r for r in rows if r.source == DEBT),
                    key=lambda r: (r.start_date, str(journals[r.journal_id].discipline))):
        key = (r.journal_id, r.period_id, r.kind)
        item = debts.get(key)
        if item is None:
            discipline = journals[r.journal_id].discipline
            item = debts[key] = {
                "discipline": str(discipline), "code": discipline.code,
                "period": f"{r.year_name} {r.period_name}", "kind": r.kind,
                "kind_label": labels.text(labels.FINAL_GRADE_KINDS, r.kind, r.kind),
                "origin": r.value, "origin_label": labels.text(labels.DEBT_ORIGINS, r.value),
                "deadline": _iso(r.deadline), "overdue": r.deadline < day,
                "expulsion_grounds": r.flag >= 2, "retake": None}
        retake = {"date": _iso(r.basis_date), "time": iso_time(r.starts_at),
                  "place": r.basis or ""}
        if r.basis_date and (item["retake"] is None or _when(retake) < _when(item["retake"])):
            item["retake"] = retake
    return {"exams": exams, "debts": list(debts.values())}
