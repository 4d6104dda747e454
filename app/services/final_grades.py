"""Final grades (4.7): per the curriculum's assessment form; locked for the teacher after the
period's deadline; the Deputy may change them with a reason, and every change is logged."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..models import FinalGrade, FinalGradeChange, Journal, Period
from . import audit
from .journal import (
    OVERRIDE_ROLES, BadInput, Conflict, DomainError, Forbidden, NotFound, roster,
)
from .scopes import role_names

def allowed_kinds(journal: Journal) -> list[str]:
    """Semester grades always; the final assessment per the curriculum's form."""
    form = journal.assessment_form
    if form == "credit":
        return ["credit"]
    kinds = ["semester"]
    if form in ("exam", "diff_credit"):
        kinds.append(form)
    return kinds


def allowed_values(kind: str) -> tuple[str, ...]:
    return ("зач", "незач", "н/а") if kind == "credit" else ("2", "3", "4", "5", "н/а")


def is_locked(period: Period, today: date) -> bool:
    return bool(period.final_grade_deadline and today > period.final_grade_deadline)


def set_final_grade(user, journal: Journal, data: dict, today: date) -> FinalGrade:
    """Set or change one final grade; returns the grade. Empty value removes nothing: use н/а."""
    try:
        student_id, period_id = int(data["student_id"]), int(data["period_id"])
    except (KeyError, TypeError, ValueError):
        raise BadInput("Не указаны студент и период.") from None
    kind, value = data.get("kind"), data.get("value")
    reason = (data.get("reason") or "").strip() if isinstance(data.get("reason"), str) else ""
    if kind not in allowed_kinds(journal):
        raise DomainError("Такой вид итоговой оценки не предусмотрен учебным планом.")
    if value not in allowed_values(kind):
        raise DomainError(f"Недопустимая итоговая оценка: {', '.join(allowed_values(kind))}.")
    period = db.session.get(Period, period_id)
    if period is None or period.academic_year_id != journal.academic_year_id:
        raise NotFound("Период не найден.")
    if student_id not in {s["id"] for s in roster(journal)}:
        raise DomainError("Студент не относится к этому журналу.")
    deputy = bool(role_names(user) & OVERRIDE_ROLES)
    teacher = user.id == journal.teacher_id
    locked = is_locked(period, today)
    if not teacher and not deputy:
        raise Forbidden("Итоговые оценки выставляет преподаватель журнала.")
    if locked and not deputy:
        raise Forbidden("Срок выставления итоговых оценок истёк "
                        f"({period.final_grade_deadline:%d.%m.%Y}): изменить оценку может "
                        "заместитель директора по УР.")
    # 4.7: a change after the deadline, or by the Deputy in another teacher's journal, needs
    # its reason — also when the Deputy teaches this journal.
    if deputy and (locked or not teacher) and not reason:
        raise DomainError("Укажите основание изменения итоговой оценки.")
    grade = db.session.scalar(select(FinalGrade).where(
        FinalGrade.journal_id == journal.id, FinalGrade.student_id == student_id,
        FinalGrade.period_id == period_id, FinalGrade.kind == kind))
    expected = data.get("version")
    if expected is not None and (grade.version if grade else 0) != expected:
        raise Conflict("Итоговую оценку уже изменил другой пользователь.",
                       payload={"current": grade_dict(grade) if grade else None})
    old = grade.value if grade else ""
    if grade is None:
        grade = FinalGrade(journal_id=journal.id, student_id=student_id, period_id=period_id,
                           kind=kind, value=value, set_by_id=user.id)
        db.session.add(grade)
    else:
        grade.value = value
        grade.set_by_id = user.id
        from ..models.base import utcnow
        grade.set_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("Итоговую оценку одновременно изменил другой пользователь.") from None
    db.session.add(FinalGradeChange(final_grade_id=grade.id, old_value=old, new_value=value,
                                    reason=reason or None, after_deadline=locked,
                                    changed_by_id=user.id))
    audit.record("final_grade_change", "final_grade", grade.id, details={
        "journal": journal.id, "student": student_id, "period": period_id, "kind": kind,
        "old": old, "new": value, "after_deadline": locked, "reason": reason or None})
    return grade


def grade_dict(grade: FinalGrade) -> dict:
    return {"student_id": grade.student_id, "period_id": grade.period_id, "kind": grade.kind,
            "value": grade.value, "version": grade.version}
