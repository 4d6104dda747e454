"""The session as a student and their family see it (4.7, 5.2): the exams and credits of a
period with their date and place, admitted or not and why, the grade once set, and the
retakes of open debts. Read on the diary page, which has already checked and audited the
read (portal/record.py record_scope); a teacher sees only their own disciplines' sheets."""
from datetime import date

from sqlalchemy import select

from ... import labels
from ...extensions import db
from ...models import Discipline, FinalGrade, Journal
from ...models.debts import AcademicDebt, Retake, RetakeEntry
from ...models.sheets import ExamSheet, ExamSheetRow


def session_of(student_id: int, period_id: int | None, scope=None) -> list[dict]:
    """The sheets of the period with a row for this student, by date; `scope` (a select of
    journal ids) limits them to the reader's disciplines, None = all."""
    if period_id is None:
        return []
    query = (select(ExamSheet, ExamSheetRow, Discipline.code, Discipline.name)
             .join(ExamSheetRow, ExamSheetRow.sheet_id == ExamSheet.id)
             .join(Journal, Journal.id == ExamSheet.journal_id)
             .join(Discipline, Discipline.id == Journal.discipline_id)
             .where(ExamSheetRow.student_id == student_id, ExamSheet.period_id == period_id)
             .order_by(ExamSheet.exam_date, Discipline.code))
    if scope is not None:
        query = query.where(ExamSheet.journal_id.in_(scope))
    rows = db.session.execute(query).all()
    grades = {(journal_id, kind): value for journal_id, kind, value in db.session.execute(
        select(FinalGrade.journal_id, FinalGrade.kind, FinalGrade.value).where(
            FinalGrade.student_id == student_id, FinalGrade.period_id == period_id))}
    return [{"sheet": sheet.number, "discipline": f"{code} {name}",
             "kind_label": labels.text(labels.SHEET_KINDS, sheet.kind, sheet.kind),
             "date": sheet.exam_date, "place": sheet.place or "",
             "admitted": row.admitted, "reason": row.admission_reason or "",
             "grade": grades.get((sheet.journal_id, sheet.kind))}
            for sheet, row, code, name in rows]


def next_retakes(student_id: int, day: date, scope=None) -> dict[int, dict]:
    """Open debt id → its next retake not yet held (date and place), for the diary's list."""
    query = (select(RetakeEntry.debt_id, Retake.retake_date, Retake.place)
             .join(Retake, Retake.id == RetakeEntry.retake_id)
             .join(AcademicDebt, AcademicDebt.id == RetakeEntry.debt_id)
             .where(AcademicDebt.student_id == student_id, AcademicDebt.status == "open",
                    RetakeEntry.result.is_(None), Retake.retake_date >= day)
             .order_by(Retake.retake_date.desc()))
    if scope is not None:
        query = query.where(AcademicDebt.journal_id.in_(scope))
    return {debt_id: {"date": when, "place": place or ""}
            for debt_id, when, place in db.session.execute(query)}
