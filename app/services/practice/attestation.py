"""Practice: the mentor's attestation sheet (competencies «освоена / не освоена» and the
характеристика) and the practice grade — the final grade (differentiated credit) of the
practice's journal for its period, through final_grades.set_final_grade, so the 4.7 deadlines,
closed periods and debts apply to it like to any other final grade."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ...errors import DomainError
from ...extensions import db
from ...infra.clock import today as clock_today
from ...models import FinalGrade
from ...models.base import utcnow
from ...models.practice import (
    CHARACTERISTIC_MAX, NOTE_MAX, Practice, PracticeAttestation, PracticeAttestationItem,
    PracticePlacement,
)
from ..journal.final_grades import kinds_by_period, set_final_grade
from ..records import audit
from .base import (
    GRADE_VALUES, PracticeConflict, PracticeDenied, PracticeError, PracticeNotFound, _id, _text,
)
from .scopes import check_attester, grades_practice


def _placement_full(placement_id) -> PracticePlacement:
    placement = db.session.scalar(select(PracticePlacement).where(
        PracticePlacement.id == _id(placement_id, _("Место практики"))).options(
        joinedload(PracticePlacement.practice).selectinload(Practice.competencies),
        joinedload(PracticePlacement.practice).joinedload(Practice.journal),
        joinedload(PracticePlacement.practice).joinedload(Practice.period),
        selectinload(PracticePlacement.attestation).selectinload(PracticeAttestation.items)))
    if placement is None:
        raise PracticeNotFound(_("Место практики не найдено."))
    return placement


def _grade_of(placement: PracticePlacement) -> FinalGrade | None:
    practice = placement.practice
    return db.session.scalar(select(FinalGrade).where(
        FinalGrade.journal_id == practice.journal_id, FinalGrade.student_id ==
        placement.student_id, FinalGrade.period_id == practice.period_id,
        FinalGrade.kind == "diff_credit"))


def attestation_complete(practice: Practice, sheet: PracticeAttestation | None) -> bool:
    """Every competency of the practice marked and the характеристика written."""
    if sheet is None or not (sheet.characteristic or "").strip():
        return False
    marked = {i.competency_id for i in sheet.items}
    return all(c.id in marked for c in practice.competencies)


def save_attestation(user, placement_id, items: dict, characteristic: str
                     ) -> PracticeAttestation:
    """The mentor's attestation sheet — the supervisor's for a practice in the college's own
    workshop: every competency «освоена / не освоена» with a note, and the характеристика.
    Until the practice grade is set it may be corrected."""
    placement = _placement_full(placement_id)
    check_attester(user, placement)
    practice = placement.practice
    if not isinstance(items, dict):
        raise PracticeError(_("Отметьте каждую компетенцию."), status=400)
    competencies = {c.id: c for c in practice.competencies}
    marks = {}
    for key, value in items.items():
        try:
            competency_id = int(key)
            mastered, note = value
        except (TypeError, ValueError):
            raise PracticeError(_("Отметьте каждую компетенцию: освоена или не освоена."),
                                status=400) from None
        if competency_id not in competencies:
            raise PracticeError(_("Такой компетенции нет в программе практики."))
        if not isinstance(mastered, bool):
            raise PracticeError(_("%(code)s: укажите «освоена» или «не освоена».",
                                  code=competencies[competency_id].code), status=400)
        note = _text(_("Примечание к %(code)s",
                       code=competencies[competency_id].code), note, NOTE_MAX,
                     required=False) or None
        marks[competency_id] = (mastered, note)
    missing = [c.code for c in practice.competencies if c.id not in marks]
    if missing:
        raise PracticeError(_("Не отмечены компетенции: %(missing)s.", missing=", ".join(missing)))
    characteristic = _text(_("Характеристика"), characteristic, CHARACTERISTIC_MAX)
    if _grade_of(placement) is not None:
        raise PracticeConflict(_("Оценка за практику уже выставлена: лист аттестации изменить "
                                 "нельзя."))
    sheet = placement.attestation
    created = sheet is None
    if created:
        sheet = PracticeAttestation(placement_id=placement.id, filled_by_id=user.id,
                                    filled_at=utcnow())
        db.session.add(sheet)
    sheet.characteristic = characteristic
    sheet.updated_at = utcnow()
    existing = {i.competency_id: i for i in sheet.items}
    for competency_id, (mastered, note) in marks.items():
        item = existing.get(competency_id)
        if item is None:
            sheet.items.append(PracticeAttestationItem(competency_id=competency_id,
                                                       mastered=mastered, note=note))
        else:
            item.mastered, item.note = mastered, note
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise PracticeConflict(_("Лист аттестации одновременно сохранил другой пользователь: "
                                 "обновите страницу.")) from None
    audit.record("create" if created else "update", "practice_attestation", sheet.id, details={
        "placement": placement.id, "student": placement.student_id,
        "mastered": sorted(competencies[c].code for c, (m, _n) in marks.items() if m),
        "not_mastered": sorted(competencies[c].code for c, (m, _n) in marks.items() if not m)},
        user=user)
    return sheet


def set_practice_grade(user, placement_id, value: str, reason: str = "") -> FinalGrade:
    """The practice grade (differentiated credit, 2–5) as the final grade of the practice's
    journal for its period: by the supervisor or the deputy, only after the mentor's complete
    attestation sheet; the journal's rules (4.7 deadlines, closed periods) apply."""
    placement = _placement_full(placement_id)
    practice = placement.practice
    if not grades_practice(user, practice):
        raise PracticeDenied(_("Оценку за практику выставляет руководитель практики от колледжа "
                               "или заместитель директора по УР."))
    if value not in GRADE_VALUES:
        raise PracticeError(_("Оценка за практику — от 2 до 5 (дифференцированный зачёт)."),
                            status=400)
    if not attestation_complete(practice, placement.attestation):
        raise PracticeError(_("Оценку за практику выставляют после того, как наставник заполнит "
                              "лист аттестации: все компетенции и характеристику."))
    if "diff_credit" not in kinds_by_period(practice.journal).get(practice.period_id, []):
        raise PracticeError(_("Учебный план не предусматривает дифференцированный зачёт по "
                              "практике в периоде «%(period)s».", period=practice.period.name))
    reason = reason if isinstance(reason, str) else ""
    try:
        return set_final_grade(user, practice.journal, {
            "student_id": placement.student_id, "period_id": practice.period_id,
            "kind": "diff_credit", "value": value, "reason": reason}, clock_today(),
            graders=(practice.supervisor_id,))
    except PracticeError:
        raise
    except DomainError as exc:
        kind = {403: PracticeDenied, 404: PracticeNotFound, 409: PracticeConflict}.get(
            exc.status, PracticeError)
        raise kind(exc.message, status=exc.status) from None
