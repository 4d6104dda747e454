"""Exam and credit sheets (ведомости, 2.2, 4.7): generated from the journal, graded into it.

A sheet is made for a journal, a period and a final kind the curriculum asks for in that period
(final_grades.kinds_by_period). Its rows are the journal's roster on the exam date, each with the
weighted average and attendance of the period up to the exam date (services/journal/progress.py) and
the admission: by the thresholds (forecast.admission_reasons), or by the teacher's or the deputy's
decision with a reason of their own (not admitted) or despite the thresholds (admitted).
Regenerating refreshes the roster and the figures and keeps those decisions.

The grades of a sheet are the journal's final grades: they go through final_grades.set_final_grade,
so the 4.7 deadline, the deputy's reason after it and closed periods apply to them as to the grid.
A student not admitted gets «н/а»; any other grade for them is refused.
"""
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import BadInput, Conflict, DomainError, Forbidden, NotFound
from ...extensions import db
from ...infra import clock
from ...models import FinalGrade, Journal, Period, Student
from ...models.base import utcnow
from ...models.sheets import SHEET_KINDS, ExamSheet, ExamSheetExaminer, ExamSheetRow
from ...security.access import KEEPS_SHEETS, OVERRIDES_DEADLINE, TEACHES
from ..journal import forecast, progress
from ..journal.access import enrolled_on, roster, row_for_read
from ..journal.final_grades import kinds_by_period, set_final_grade
from ..journal.generation import plan_forms
from ..journal.periods import year_archived
from ..records import audit
from ..scopes import current_year_id, journal_filter, role_names

NUMBER_SUFFIX = {"exam": "Э", "diff_credit": "ДЗ", "credit": "З"}
NOT_ADMITTED_WORDS, ABSENT_WORDS = "не допущен", "не явился"
NOT_ATTESTED = "н/а"
# Who makes and keeps sheets besides the journal's teacher (the deputy and the administration).
MAX_EXAMINERS = 3
MAX_REASON = 500
# An exam date is inside the period or after it, within the session that follows.
LATEST_AFTER_PERIOD = timedelta(days=120)

DECISION_WORDS = {"refuse": "не допущен решением", "admit": "допущен решением",
                  "auto": "по порогам допуска"}


def college_name() -> str:
    """The heading of the printed sheet (setting COLLEGE_NAME)."""
    return current_app.config.get("COLLEGE_NAME") or "Колледж"


def grade_words(value: str | None, admitted: bool = True) -> str:
    """A grade in words as the sheet writes it: 5 «отлично» … н/а «не допущен»/«не явился»."""
    if not value:
        return ""
    if value == NOT_ATTESTED:
        return ABSENT_WORDS if admitted else NOT_ADMITTED_WORDS
    return labels.text(labels.GRADE_WORDS, value, value)


def values_for(kind: str) -> tuple[str, ...]:
    return ("зач", "незач", NOT_ATTESTED) if kind == "credit" else ("5", "4", "3", "2",
                                                                     NOT_ATTESTED)


# --- rows the user may see and sheets the user may keep ----------------------------------------
def sheet_filter(user):
    """SQL condition on ExamSheet: the sheets of the journals the user may read (the teacher:
    their journals; the curator: their groups'; the deputy and the administration: all).
    Students and parents have no journals, so no sheets: their grades are in the diary."""
    return ExamSheet.journal_id.in_(select(Journal.id).where(journal_filter(user)))


def may_keep(user, journal: Journal) -> bool:
    """The journal's teacher, the deputy and the administration make and fill its sheets; a
    curator reads their groups' sheets."""
    return getattr(user, "id", None) == journal.teacher_id or \
        bool(role_names(user) & KEEPS_SHEETS)


def may_grade(user, journal: Journal) -> bool:
    """Who enters the grades (final grades, 4.7): the journal's teacher and the deputy — the
    administration makes sheets and decides admission, the grades are the examiners'."""
    return getattr(user, "id", None) == journal.teacher_id or \
        bool(role_names(user) & OVERRIDES_DEADLINE)


def _sheet_query():
    return select(ExamSheet).options(
        joinedload(ExamSheet.journal).joinedload(Journal.group),
        joinedload(ExamSheet.journal).joinedload(Journal.subgroup),
        joinedload(ExamSheet.journal).joinedload(Journal.discipline),
        joinedload(ExamSheet.journal).joinedload(Journal.teacher),
        joinedload(ExamSheet.journal).joinedload(Journal.academic_year),
        joinedload(ExamSheet.period).joinedload(Period.academic_year))


def sheet_for_read(user, sheet_id: int) -> ExamSheet:
    return row_for_read(_sheet_query().where(ExamSheet.id == sheet_id, sheet_filter(user)),
                        ExamSheet, sheet_id, _("Ведомость не найдена."),
                        _("Нет доступа к этой ведомости."))


def sheet_for_write(user, sheet_id: int) -> ExamSheet:
    sheet = sheet_for_read(user, sheet_id)
    if not may_keep(user, sheet.journal):
        raise Forbidden(_("Ведомость ведёт преподаватель журнала или заместитель директора."))
    return sheet


def _guard(user, journal: Journal, period: Period) -> None:
    """7.3: an archived year is read-only; 4.7: a closed period only for the deputy."""
    if year_archived(journal.academic_year_id):
        raise Forbidden(_("Учебный год %(year)s архивирован: ведомости "
                          "доступны только для чтения.", year=journal.academic_year.name))
    if period.closed_at is not None and not role_names(user) & OVERRIDES_DEADLINE:
        raise Forbidden(_("Период «%(period)s» закрыт приказом № %(order_number)s: ведомость "
                          "изменяет только заместитель директора по УР.", period=period.name,
                          order_number=period.close_order_number))


# --- creating and generating ---------------------------------------------------------------------
def creatable_journals(user, day: date, group_id: int | None = None) -> list[dict]:
    """The journals of the current year the user may make sheets for, each with the sheet kinds
    the curriculum asks for by period (begun periods only): constant number of queries."""
    query = select(Journal).where(Journal.academic_year_id == current_year_id(day)).options(
        joinedload(Journal.group), joinedload(Journal.subgroup),
        joinedload(Journal.discipline), joinedload(Journal.academic_year))
    if not role_names(user) & KEEPS_SHEETS:
        query = query.where(Journal.teacher_id == user.id)
    if group_id:
        query = query.where(Journal.group_id == group_id)
    journals = db.session.scalars(query).unique().all()
    if not journals:
        return []
    periods = db.session.scalars(select(Period).where(
        Period.academic_year_id.in_({j.academic_year_id for j in journals}),
        Period.start_date <= day).options(joinedload(Period.academic_year))
        .order_by(Period.number)).all()
    plan = plan_forms()
    deputy = bool(role_names(user) & OVERRIDES_DEADLINE)  # 4.7: a closed period is the deputy's
    existing = set(db.session.execute(select(ExamSheet.journal_id, ExamSheet.period_id,
                                             ExamSheet.kind).where(
        ExamSheet.journal_id.in_([j.id for j in journals]))).all())
    out = []
    for journal in sorted(journals, key=lambda j: j.title):
        own = [p for p in periods if p.academic_year_id == journal.academic_year_id
               and (p.closed_at is None or deputy)]
        due = kinds_by_period(journal, own, plan) if own else {}
        options = [(p, kind) for p in own for kind in due.get(p.id, [])
                   if kind in SHEET_KINDS and (journal.id, p.id, kind) not in existing]
        if options:
            out.append(dict(journal=journal, options=options))
    return out


def examiner_choices() -> list[User]:
    """Accounts that may be named examiners: active teachers (curators teach too)."""
    return db.session.scalars(select(User).where(
        User.active.is_(True), User.roles.any(Role.name.in_(TEACHES)))
        .order_by(User.last_name, User.first_name)).all()


def _examiners(journal: Journal, examiner_ids) -> list[int]:
    ids = [journal.teacher_id]
    for raw in examiner_ids or ():
        try:
            uid = int(raw)
        except (TypeError, ValueError):
            raise BadInput(_("Экзаменатор указан неверно.")) from None
        if uid not in ids:
            ids.append(uid)
    if len(ids) > MAX_EXAMINERS + 1:
        raise BadInput(_("Не больше %(limit)s экзаменаторов кроме преподавателя журнала.",
                         limit=MAX_EXAMINERS))
    allowed = set(db.session.scalars(select(User.id).where(
        User.id.in_(ids), User.active.is_(True),
        User.roles.any(Role.name.in_(TEACHES)))))
    if set(ids) - allowed - {journal.teacher_id}:
        raise BadInput(_("Экзаменатором может быть только преподаватель колледжа."))
    return ids


def _next_number(journal: Journal, kind: str) -> str:
    """"12/25-Э": the sheet's number in its academic year, the year, the kind."""
    count = db.session.scalar(select(func.count(ExamSheet.id)).join(
        Journal, Journal.id == ExamSheet.journal_id).where(
        Journal.academic_year_id == journal.academic_year_id)) or 0
    return f"{count + 1}/{journal.academic_year.start_date.year % 100:02d}-{NUMBER_SUFFIX[kind]}"


def create_sheet(user, journal_id, period_id, kind, exam_date: date | None, place: str,
                 examiner_ids=(), today: date | None = None) -> ExamSheet:
    """Make a sheet and generate its rows; refused for another teacher's journal, a kind the
    curriculum does not ask for in that period, an exam date before the period."""
    try:
        journal_id, period_id = int(journal_id), int(period_id)
    except (TypeError, ValueError):
        raise BadInput(_("Выберите журнал и период.")) from None
    journal = db.session.scalar(select(Journal).where(Journal.id == journal_id).options(
        joinedload(Journal.group), joinedload(Journal.academic_year)))
    if journal is None:
        raise NotFound(_("Журнал не найден."))
    if not may_keep(user, journal):
        raise Forbidden(_("Ведомость создаёт преподаватель журнала или заместитель директора."))
    period = db.session.get(Period, period_id)
    if period is None or period.academic_year_id != journal.academic_year_id:
        raise NotFound(_("Период не найден."))
    if kind not in SHEET_KINDS or kind not in kinds_by_period(journal).get(period.id, []):
        form = (f"«{labels.SHEET_KINDS[kind]}»" if kind in labels.SHEET_KINDS
                else "такой формы аттестации")
        raise DomainError(_("Учебный план не предусматривает %(form)s по этой дисциплине "
                            "в периоде «%(period)s».", form=form, period=period.name))
    if exam_date is None:
        raise BadInput(_("Укажите дату в формате ДД.ММ.ГГГГ."))
    if exam_date < period.start_date:
        raise DomainError(_("Дата аттестации не может быть раньше начала периода "
                            "(%(start_date)s).", start_date=period.start_date.strftime("%d.%m.%Y")))
    if exam_date > period.end_date + LATEST_AFTER_PERIOD:
        raise DomainError(_("Дата аттестации слишком далеко после окончания периода "
                            "(%(end_date)s).", end_date=period.end_date.strftime("%d.%m.%Y")))
    _guard(user, journal, period)
    place = (place or "").strip() if isinstance(place, str) else ""
    if len(place) > 128:
        raise BadInput(_("Место проведения длиннее 128 символов."))
    examiners = _examiners(journal, examiner_ids)
    existing = db.session.scalar(select(ExamSheet).where(
        ExamSheet.journal_id == journal.id, ExamSheet.period_id == period.id,
        ExamSheet.kind == kind))
    if existing is not None:
        raise Conflict(_("Ведомость уже создана: № %(number)s.", number=existing.number),
                       payload={"sheet_id": existing.id})
    sheet = ExamSheet(number=_next_number(journal, kind), journal_id=journal.id,
                      period_id=period.id, kind=kind, exam_date=exam_date, place=place or None,
                      created_by_id=user.id)
    sheet.journal, sheet.period = journal, period
    db.session.add(sheet)
    for position, uid in enumerate(examiners):
        sheet.examiners.append(ExamSheetExaminer(user_id=uid, position=position))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Ведомость с этим номером или на этот журнал, период и форму "
                         "только что создана: обновите страницу.")) from None
    audit.record("exam_sheet_create", "exam_sheet", sheet.id, user=user, details={
        "number": sheet.number, "journal": journal.id, "period": period.id,
        "kind": labels.russian(labels.SHEET_KINDS, kind),
        "date": exam_date.isoformat(), "examiners": examiners})
    _generate(sheet)
    return sheet


def regenerate(user, sheet_id: int) -> ExamSheet:
    """Refresh the roster and the figures; the teacher's and the deputy's decisions stay."""
    sheet = sheet_for_write(user, sheet_id)
    _guard(user, sheet.journal, sheet.period)
    _generate(sheet)
    audit.record("exam_sheet_generate", "exam_sheet", sheet.id, user=user,
                 details={"number": sheet.number, "rows": len(sheet.rows)})
    return sheet


def figures_end(sheet: ExamSheet) -> date:
    """The figures count the period's lessons up to the exam date."""
    return min(sheet.exam_date, sheet.period.end_date)


def _decimal(value, places: str) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


def _generate(sheet: ExamSheet) -> None:
    journal, period = sheet.journal, sheet.period
    students = [s for s in roster(journal, period.start_date, sheet.exam_date)
                if enrolled_on(s, sheet.exam_date)]
    figures = progress.journal_progress([journal.id], period.start_date, figures_end(sheet),
                                        [s["id"] for s in students]) if students else {}
    rows = {r.student_id: r for r in db.session.scalars(select(ExamSheetRow).where(
        ExamSheetRow.sheet_id == sheet.id))}
    on_roster = {s["id"] for s in students}
    for sid, row in rows.items():
        if sid not in on_roster:
            db.session.delete(row)  # left the group (or the subgroup) before the exam date
    for student in students:
        figure = figures.get((journal.id, student["id"])) or progress.Progress()
        reasons = forecast.admission_reasons(figure)
        auto_reason = "; ".join(reasons)[:MAX_REASON] or None
        row = rows.get(student["id"])
        if row is None:
            row = ExamSheetRow(sheet_id=sheet.id, student_id=student["id"], decision="auto")
            db.session.add(row)
        row.average = _decimal(figure.average, "0.01")
        row.attendance_pct = _decimal(figure.attendance_pct, "0.1")
        row.auto_reason = auto_reason
        if row.decision == "auto":
            row.admitted, row.admission_reason = not reasons, auto_reason
        elif row.decision == "admitted":
            row.admitted, row.admission_reason = True, None
        else:
            row.admitted = False
    sheet.generated_at = utcnow()
    db.session.flush()
    db.session.expire(sheet, ["rows"])


# --- admission and grades ------------------------------------------------------------------------
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


def save_grades(user, sheet_id: int, values: dict, reason: str = "",
                today: date | None = None) -> int:
    """Grades of the sheet into the journal's final grades (set_final_grade: 4.7 deadlines,
    the deputy's reason, closed periods). A student not admitted gets «н/а», and any other
    grade for them is refused. All or nothing: the caller commits or rolls back. Returns the
    number of grades changed."""
    today = today or clock.today()
    sheet = sheet_for_write(user, sheet_id)
    rows = db.session.execute(select(ExamSheetRow, Student).join(
        Student, Student.id == ExamSheetRow.student_id).where(
        ExamSheetRow.sheet_id == sheet.id)).all()
    current = _grades(sheet)
    wanted: list[tuple[int, str]] = []
    for row, student in rows:
        raw = values.get(student.id, values.get(str(student.id), ""))
        value = raw.strip() if isinstance(raw, str) else ""
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
        if value and current.get(student.id, (None,))[0] != value:
            wanted.append((student.id, value))
    for student_id, value in wanted:
        set_final_grade(user, sheet.journal, {
            "student_id": student_id, "period_id": sheet.period_id, "kind": sheet.kind,
            "value": value, "reason": reason}, today)
    return len(wanted)


def _grades(sheet: ExamSheet) -> dict[int, tuple[str, int]]:
    return {sid: (value, version) for sid, value, version in db.session.execute(
        select(FinalGrade.student_id, FinalGrade.value, FinalGrade.version).where(
            FinalGrade.journal_id == sheet.journal_id, FinalGrade.period_id == sheet.period_id,
            FinalGrade.kind == sheet.kind))}
