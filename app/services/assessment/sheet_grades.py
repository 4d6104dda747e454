"""The admission and the grades of an exam or credit sheet (2.2, 4.7): the teacher's or the
deputy's decision on a student's admission with its reason, and the grades typed on the sheet
written into the journals' final grades — one per discipline of a complex exam or credit."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ...errors import BadInput, DomainError, NotFound, Refused
from ...extensions import db
from ...infra import clock
from ...models import FinalGrade, Journal, Student
from ...models.base import utcnow
from ...models.sheets import ExamSheet, ExamSheetRow
from ..journal.final_grades import NOT_ATTESTED, set_final_grade
from ..records import audit
from .sheet_access import MAX_REASON, _guard, sheet_for_write, sheet_journals, values_for

DECISION_WORDS = {"refuse": "не допущен решением", "admit": "допущен решением",
                  "auto": "по порогам допуска"}


def decide(user, sheet_id: int, student_id, action: str, reason: str = "") -> ExamSheetRow:
    """The teacher's or the deputy's admission decision for one student:
    "refuse" — not admitted with a reason of their own (e.g. «не сдан отчёт по практике»);
    "admit" — admitted despite the thresholds; "auto" — back to the thresholds."""
    sheet = sheet_for_write(user, sheet_id)
    _guard(user, sheet.journal, sheet.period)
    try:
        student_id = int(student_id)
    except (TypeError, ValueError):
        raise BadInput(_("Не указан студент.")) from None
    row = db.session.scalar(select(ExamSheetRow).where(ExamSheetRow.sheet_id == sheet.id,
                                                       ExamSheetRow.student_id == student_id))
    if row is None:
        raise NotFound(_("Студента нет в этой ведомости."))
    reason = reason.strip() if isinstance(reason, str) else ""
    before = (row.decision, row.admitted, row.admission_reason)
    if action == "refuse":
        if not reason:
            raise BadInput(_("Укажите причину недопуска."))
        if len(reason) > MAX_REASON:
            raise BadInput(_("Причина недопуска длиннее %(limit)s символов.", limit=MAX_REASON))
        row.decision, row.admitted, row.admission_reason = "refused", False, reason
    elif action == "admit":
        row.decision, row.admitted, row.admission_reason = "admitted", True, None
    elif action == "auto":
        row.decision, row.admitted = "auto", not row.auto_reason
        row.admission_reason = row.auto_reason
    else:
        raise BadInput(_("Неизвестное решение о допуске."))
    row.decided_by_id, row.decided_at = user.id, utcnow()
    db.session.flush()
    audit.record("exam_sheet_admission", "exam_sheet", sheet.id, user=user, details={
        "number": sheet.number, "student": student_id, "old": before[2] or
        ("допущен" if before[1] else "не допущен"),
        "new": row.admission_reason or ("допущен" if row.admitted else "не допущен"),
        "decision": DECISION_WORDS[action]})
    return row


def ensure_held(sheet: ExamSheet, today: date) -> None:
    """4.7: the grades of a sheet are the results of its exam or credit — none before its
    date, and nothing of them reaches the journal."""
    if today < sheet.exam_date:
        raise Refused(_("Аттестация по ведомости № %(number)s назначена на %(exam_date)s: "
                        "оценки вносятся в день аттестации или позже.", number=sheet.number,
                        exam_date=sheet.exam_date.strftime("%d.%m.%Y")))


def _wanted(values: dict, bases: dict, student_id: int, journal: Journal, main: bool):
    """The value (and basis) typed for a student in one discipline: "<student>:<journal>", or
    "<student>" for the sheet's own journal."""
    keys = [f"{student_id}:{journal.id}"] + ([student_id, str(student_id)] if main else [])
    key = next((k for k in keys if k in values), None)
    raw = values.get(key, "") if key is not None else ""
    basis = bases.get(key, (None, None)) if key is not None else (None, None)
    return (raw.strip() if isinstance(raw, str) else ""), basis


def save_grades(user, sheet_id: int, values: dict, reason: str = "",
                today: date | None = None, bases: dict | None = None) -> int:
    """Grades of the sheet into the journals' final grades, from the sheet's date on
    (ensure_held; then set_final_grade: 4.7 window and deadlines,
    the deputy's reason, closed periods) — one per discipline of a complex sheet. A student not
    admitted gets «н/а», and any other grade for them is refused; «перезачтено» and
    «освобождён» carry their basis (`bases`: the same keys → (document, date)). All or
    nothing: the caller commits or rolls back. Returns the number of grades changed."""
    today = today or clock.today()
    bases = bases or {}
    sheet = sheet_for_write(user, sheet_id)
    ensure_held(sheet, today)
    journals = sheet_journals(sheet)
    rows = db.session.execute(select(ExamSheetRow, Student).join(
        Student, Student.id == ExamSheetRow.student_id).where(
        ExamSheetRow.sheet_id == sheet.id)).all()
    current = grades_of(sheet)
    wanted: list[tuple[Journal, int, str, tuple]] = []
    for row, student in rows:
        for journal in journals:
            value, basis = _wanted(values, bases, student.id, journal,
                                   journal.id == sheet.journal_id)
            if not row.admitted:
                if value and value != NOT_ATTESTED:
                    raise DomainError(_("%(student)s не допущен(а) к аттестации "
                                        "(%(reason)s): оценка — только «н/а».",
                                        student=student.full_name,
                                        reason=row.admission_reason or _("решение о недопуске")))
                value = NOT_ATTESTED
            elif value and value not in values_for(sheet.kind):
                raise DomainError(_("Недопустимая оценка для %(student)s: %(allowed)s.",
                                    student=student.full_name,
                                    allowed=", ".join(values_for(sheet.kind))))
            have = current.get((journal.id, student.id))
            if value and (have is None or (have["value"], have["basis"], have["basis_date"])
                          != (value,) + tuple(basis)):
                wanted.append((journal, student.id, value, basis))
    for journal, student_id, value, basis in wanted:
        set_final_grade(user, journal, {
            "student_id": student_id, "period_id": sheet.period_id, "kind": sheet.kind,
            "value": value, "reason": reason, "basis": basis[0] or "",
            "basis_date": basis[1]}, today)
    return len(wanted)


def grades_of(sheet: ExamSheet) -> dict[tuple[int, int], dict]:
    """(journal, student) → the final grade of the sheet's kind and period: value, version,
    basis — every discipline of the sheet, one query."""
    journal_ids = [sheet.journal_id] + [part.journal_id for part in sheet.parts]
    return {(jid, sid): {"value": value, "version": version, "basis": basis,
                         "basis_date": basis_date}
            for jid, sid, value, version, basis, basis_date in db.session.execute(
                select(FinalGrade.journal_id, FinalGrade.student_id, FinalGrade.value,
                       FinalGrade.version, FinalGrade.basis, FinalGrade.basis_date).where(
                    FinalGrade.journal_id.in_(journal_ids),
                    FinalGrade.period_id == sheet.period_id, FinalGrade.kind == sheet.kind))}
