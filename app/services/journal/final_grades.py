"""Final grades (4.7): the kinds of each period come from that semester's assessment form in
the curriculum; grades only at the end of the period's teaching (grading_window.py); locked
for the teacher after the period's deadline; the Deputy may change them with a reason, and
every change is logged; a closed period or an archived year is read-only but for the Deputy's
correction with a reason (services/journal/periods.py), which in an archived year also goes
into the archive's supplement (services/records/archive_changes.py)."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ...errors import BadInput, Conflict, DomainError, Forbidden, NotFound
from ...extensions import db
from ...infra.schemas import load
from ...models import FinalGrade, FinalGradeChange, Journal, Period
from ...models.base import utcnow
from ...security.access import OVERRIDES_DEADLINE
from ..notifications import events as notification_events
from ..records import archive_changes, audit
from ..scopes import journal_filter, role_names
from .access import enrolled_on, roster
from .forms import (  # noqa: F401  (the vocabulary of forms, kinds and results, 4.7)
    ABSENT, CREDITS, EXEMPT, FORM_KINDS, GRADES, KIND_ORDER, NOT_ATTESTED, RESULTS, TRANSFERRED,
    allowed_values, form_kinds, form_parts,
)
from .generation import period_forms, plan_forms
from .grading_window import ensure_open_for_grades
from .periods import ensure_open, year_archived
from .schemas import FinalGradeSchema

def kinds_by_period(journal: Journal, periods: list[Period] | None = None,
                    plan: dict | None = None) -> dict[int, list]:
    """4.7: period id → the final kinds due in it, per that semester's form in the curriculum.

    A year grade is due in the year's last period when the plan has the discipline in every
    semester of the year with a graded form (not only credits)."""
    if periods is None:
        periods = list(db.session.scalars(select(Period).where(
            Period.academic_year_id == journal.academic_year_id).order_by(Period.number)))
    forms = period_forms(journal, periods, plan)
    kinds = {p.id: form_kinds(forms[p.id]) for p in periods}
    year_forms = [form_parts(forms[p.id])[:1] or ["none"] for p in periods]
    if len(periods) > 1 and all(f[0] in ("grade", "exam", "diff_credit", "credit")
                                for f in year_forms) and \
            any(f[0] != "credit" for f in year_forms):
        kinds[max(periods, key=lambda p: p.number).id].append("year")
    return kinds


def allowed_kinds(journal: Journal, periods: list[Period] | None = None) -> list[str]:
    """Every final kind due in some period of the journal's year (the grid's columns)."""
    due = {k for kinds in kinds_by_period(journal, periods).values() for k in kinds}
    return [k for k in KIND_ORDER if k in due]


def has_credit(journal: Journal, kinds: dict | None = None) -> bool:
    """4.5: a credit is the final form of the discipline in some period of the journal's year
    (`kinds`: final kinds by period, when the caller has them)."""
    kinds = kinds if kinds is not None else kinds_by_period(journal)
    return journal.assessment_form == "credit" or any("credit" in k for k in kinds.values())


MAX_BASIS = 255


def check_basis(value: str, basis, basis_date) -> tuple[str | None, date | None]:
    """4.7: «перезачтено» names its basis — the document (an academic transcript, a diploma)
    and its date; an exemption may name its order; other results have none."""
    basis = basis.strip() if isinstance(basis, str) else ""
    if value not in (EXEMPT, TRANSFERRED):
        return None, None
    if len(basis) > MAX_BASIS:
        raise BadInput(_("Основание длиннее %(limit)s символов.", limit=MAX_BASIS))
    if value == TRANSFERRED and (not basis or basis_date is None):
        raise BadInput(_("Для «перезачтено» укажите документ-основание и его дату "
                         "(например, академическая справка № 15 от 20.06.2025)."))
    return basis or None, basis_date


def is_locked(period: Period, today: date) -> bool:
    return bool(period.final_grade_deadline and today > period.final_grade_deadline)


def set_final_grade(user, journal: Journal, data: dict, today: date,
                    graders: tuple[int, ...] = ()) -> FinalGrade:
    """Set or change one final grade; returns the grade. Empty value removes nothing: use н/а.

    `graders`: accounts that grade in this journal besides its teacher, with the teacher's
    rights and limits (the practice's supervisor for the practice grade)."""
    data = load(FinalGradeSchema(), data)
    student_id, period_id, kind, value, reason = (
        data[key] for key in ("student_id", "period_id", "kind", "value", "reason"))
    basis = check_basis(value, data.get("basis"), data.get("basis_date"))
    period = db.session.get(Period, period_id)
    if period is None or period.academic_year_id != journal.academic_year_id:
        raise NotFound(_("Период не найден."))
    if kind not in kinds_by_period(journal).get(period.id, []):
        raise DomainError(_("Такой вид итоговой оценки не предусмотрен учебным планом "
                            "в периоде «%(period)s».", period=period.name))
    if value not in allowed_values(kind):
        raise DomainError(_("Недопустимая итоговая оценка: %(allowed)s.",
                            allowed=", ".join(allowed_values(kind))))
    if today < period.start_date:
        raise DomainError(_("Период «%(period)s» начнётся %(start_date)s: итоговые оценки за него "
                            "ещё не выставляются.", period=period.name,
                            start_date=period.start_date.strftime("%d.%m.%Y")))
    ensure_open_for_grades(journal, period, today)  # 4.7: not in the middle of the semester
    if student_id not in {s["id"] for s in roster(journal)}:
        raise DomainError(_("Студент не относится к этому журналу."))
    deputy = bool(role_names(user) & OVERRIDES_DEADLINE)
    teacher = user.id == journal.teacher_id or user.id in graders
    locked = is_locked(period, today)
    if not teacher and not deputy:
        raise Forbidden(_("Итоговые оценки выставляет преподаватель журнала."))
    archived = year_archived(journal.academic_year_id)
    ensure_open(user, journal.academic_year_id, period=period, reason=reason,
                archived=archived, final_grade=True)
    if locked and not deputy:
        raise Forbidden(_("Срок выставления итоговых оценок истёк (%(deadline)s): "
                          "изменить оценку может заместитель директора по УР.",
                          deadline=period.final_grade_deadline.strftime("%d.%m.%Y")))
    # 4.7: a change after the deadline, or by the Deputy in another teacher's journal, needs
    # its reason — also when the Deputy teaches this journal.
    if deputy and (locked or not teacher) and not reason:
        raise DomainError(_("Укажите основание изменения итоговой оценки."))
    grade = db.session.scalar(select(FinalGrade).where(
        FinalGrade.journal_id == journal.id, FinalGrade.student_id == student_id,
        FinalGrade.period_id == period_id, FinalGrade.kind == kind))
    expected = data["version"]
    if expected is not None and (grade.version if grade else 0) != expected:
        raise Conflict(_("Итоговую оценку уже изменил другой пользователь."),
                       payload={"current": grade_dict(grade) if grade else None})
    return write_grade(user, grade, (journal.id, student_id, period_id, kind), value,
                       reason or None, locked, basis=basis, archived=archived)


def write_grade(user, grade: FinalGrade | None, key: tuple[int, int, int, str], value: str,
                reason: str | None, after_deadline: bool, details: dict | None = None,
                basis: tuple = (None, None), archived: bool = False) -> FinalGrade:
    """Write a final grade whose rules the caller has checked: the row (new or changed), its
    history line and the audit entry. `key`: (journal, student, period, kind); `details`:
    what else the audit entry says (a retake); `basis`: (document, date) of a transfer or an
    exemption; `archived`: the year is archived, so the change waits for the archive's
    supplement (7.3)."""
    journal_id, student_id, period_id, kind = key
    old = grade.value if grade else ""
    if grade is None:
        grade = FinalGrade(journal_id=journal_id, student_id=student_id, period_id=period_id,
                           kind=kind, value=value, set_by_id=user.id)
        db.session.add(grade)
    else:
        grade.value, grade.set_by_id, grade.set_at = value, user.id, utcnow()
    grade.basis, grade.basis_date = basis
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_("Итоговую оценку одновременно изменил другой пользователь.")) from None
    db.session.add(FinalGradeChange(final_grade_id=grade.id, old_value=old, new_value=value,
                                    reason=reason, after_deadline=after_deadline,
                                    changed_by_id=user.id))
    audit.record("final_grade_change", "final_grade", grade.id, user=user, details={
        "journal": journal_id, "student": student_id, "period": period_id, "kind": kind,
        "old": old, "new": value, "after_deadline": after_deadline, "reason": reason,
        **({"basis": basis[0], "basis_date": basis[1].isoformat()} if basis[1] else {}),
        **(details or {})})
    if archived:
        archive_changes.note_final_grade(user, key, old, value, reason)
    if old != value:  # SPEC §5: the student and the minor's parents are told
        notification_events.final_grade(journal_id, student_id, grade.id, old, value)
    return grade


def grade_dict(grade: FinalGrade) -> dict:
    return {"student_id": grade.student_id, "period_id": grade.period_id, "kind": grade.kind,
            "value": grade.value, "basis": grade.basis,
            "basis_date": grade.basis_date.isoformat() if grade.basis_date else None,
            "version": grade.version}


def missing_final_grades(user, today: date, academic_year_id: int | None = None) -> list[dict]:
    """4.7: per journal and period, the students without a final grade the curriculum requires.

    Journals in the user's scope (the deputy: all; the curator: their groups; the teacher:
    their journals); periods that have started. A student is required when in the journal's
    roster on the period's last day. Each row: journal, period, kind, deadline, overdue (the
    deadline has passed) and the students' names. Overdue rows come first."""
    query = select(Journal).where(journal_filter(user)).options(
        joinedload(Journal.group), joinedload(Journal.subgroup),
        joinedload(Journal.discipline), joinedload(Journal.teacher),
        joinedload(Journal.academic_year))
    if academic_year_id is not None:
        query = query.where(Journal.academic_year_id == academic_year_id)
    journals = db.session.scalars(query).unique().all()
    if not journals:
        return []
    year_ids = {j.academic_year_id for j in journals}
    periods_of: dict[int, list[Period]] = {}
    for period in db.session.scalars(select(Period).where(
            Period.academic_year_id.in_(year_ids)).order_by(Period.number)):
        periods_of.setdefault(period.academic_year_id, []).append(period)
    graded = set(db.session.execute(select(
        FinalGrade.journal_id, FinalGrade.student_id, FinalGrade.period_id, FinalGrade.kind)
        .where(FinalGrade.journal_id.in_([j.id for j in journals]))).all())
    plan = plan_forms()
    rows = []
    for journal in journals:
        periods = [p for p in periods_of.get(journal.academic_year_id, [])
                   if p.start_date <= today]
        if not periods:
            continue
        due = kinds_by_period(journal, periods, plan)
        students = roster(journal)
        for period in periods:
            present = [s for s in students if enrolled_on(s, period.end_date)]
            for kind in due[period.id]:
                names = [s["full_name"] for s in present
                         if (journal.id, s["id"], period.id, kind) not in graded]
                if names:
                    rows.append(dict(
                        journal=journal, period=period, kind=kind, students=names,
                        deadline=period.final_grade_deadline,
                        overdue=is_locked(period, today)))
    return sorted(rows, key=lambda r: (not r["overdue"], r["period"].start_date,
                                       r["journal"].title, KIND_ORDER.index(r["kind"])))
