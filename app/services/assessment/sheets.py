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

from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import BadInput, Conflict, DomainError, Forbidden, NotFound
from ...extensions import db
from ...infra.daytime import hhmm, parse_time
from ...models import Journal, Period
from ...models.base import utcnow
from ...models.sheets import (
    SHEET_KINDS, ExamSheet, ExamSheetExaminer, ExamSheetJournal, ExamSheetRow,
)
from ...security.access import KEEPS_SHEETS, OVERRIDES_DEADLINE, TEACHES
from ..journal import forecast, progress
from ..journal.access import enrolled_on, roster
from ..journal.final_grades import kinds_by_period
from ..journal.generation import plan_forms
from ..records import audit
from ..scopes import current_year_id, role_names
from .sheet_access import (  # noqa: F401  (the sheets' readers and views find them here)
    MAX_REASON, _guard, _sheet_query, college_name, grade_words, may_grade, may_keep,
    sheet_filter, sheet_for_read, sheet_for_write, sheet_journals, values_for,
)
from .sheet_grades import decide, grades_of, save_grades  # noqa: F401

NUMBER_SUFFIX = {"exam": "Э", "diff_credit": "ДЗ", "credit": "З", "course_project": "КП",
                 "course_work": "КР", "module_exam": "ЭМ"}
# A complex exam or credit: one sheet over several disciplines of one group («К» before the
# kind's suffix: "3/25-КЭ").
COMPLEX_KINDS = ("exam", "diff_credit", "credit")
MAX_PARTS = 5
# Who makes and keeps sheets besides the journal's teacher (the deputy and the administration).
MAX_EXAMINERS = 3
# An exam date is inside the period or after it, within the session that follows.
LATEST_AFTER_PERIOD = timedelta(days=120)

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
    ids = [j.id for j in journals]
    existing = set(db.session.execute(select(ExamSheet.journal_id, ExamSheet.period_id,
                                             ExamSheet.kind).where(
        ExamSheet.journal_id.in_(ids)))) | set(db.session.execute(select(
            ExamSheetJournal.journal_id, ExamSheetJournal.period_id, ExamSheetJournal.kind)
        .where(ExamSheetJournal.journal_id.in_(ids))))
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


def default_exam_date(creatable: list[dict], day: date) -> date:
    """The date the new-sheet form opens on: today, kept within what its first sheet (the one
    chosen by default) takes — from its period's start to LATEST_AFTER_PERIOD after its end
    (a sheet of the autumn made in May opens on the last day still allowed)."""
    if not creatable:
        return day
    period = creatable[0]["options"][0][0]
    return max(period.start_date, min(day, period.end_date + LATEST_AFTER_PERIOD))


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


def _next_number(journal: Journal, kind: str, complex_: bool = False) -> str:
    """"12/25-Э": the sheet's number in its academic year, the year, the kind ("КП" a course
    project, "ЭМ" a module exam, "КЭ" a complex exam)."""
    count = db.session.scalar(select(func.count(ExamSheet.id)).join(
        Journal, Journal.id == ExamSheet.journal_id).where(
        Journal.academic_year_id == journal.academic_year_id)) or 0
    suffix = ("К" if complex_ else "") + NUMBER_SUFFIX[kind]
    return f"{count + 1}/{journal.academic_year.start_date.year % 100:02d}-{suffix}"


def _on_a_sheet(journal_ids, period_id: int, kind: str) -> ExamSheet | None:
    """The sheet already holding one of these journals for the period and kind, if any."""
    return db.session.scalar(select(ExamSheet).where(
        ExamSheet.period_id == period_id, ExamSheet.kind == kind,
        (ExamSheet.journal_id.in_(journal_ids)) | ExamSheet.id.in_(
            select(ExamSheetJournal.sheet_id).where(
                ExamSheetJournal.journal_id.in_(journal_ids),
                ExamSheetJournal.period_id == period_id, ExamSheetJournal.kind == kind)))
        .limit(1))


def _parts(user, journal: Journal, period: Period, kind: str, part_ids) -> list[Journal]:
    """4.7: the other disciplines of a complex exam or credit — journals of the same group
    (and subgroup) and year whose plan has the same form in the period, kept by this user."""
    ids = []
    for raw in part_ids or ():
        if raw in (None, ""):
            continue
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise BadInput(_("Дисциплина комплексной аттестации указана неверно.")) from None
    ids = [i for i in dict.fromkeys(ids) if i != journal.id]
    if not ids:
        return []
    if kind not in COMPLEX_KINDS:
        raise DomainError(_("Комплексными бывают экзамен, зачёт и дифференцированный зачёт."))
    if len(ids) > MAX_PARTS:
        raise BadInput(_("Не больше %(limit)s дисциплин в комплексной аттестации.",
                         limit=MAX_PARTS + 1))
    parts = db.session.scalars(select(Journal).where(Journal.id.in_(ids)).options(
        joinedload(Journal.discipline))).unique().all()
    if len(parts) != len(ids):
        raise NotFound(_("Журнал не найден."))
    for part in parts:
        if (part.group_id, part.subgroup_id, part.academic_year_id) != (
                journal.group_id, journal.subgroup_id, journal.academic_year_id):
            raise DomainError(_("Комплексная аттестация объединяет дисциплины одной группы: "
                                "«%(discipline)s» — журнал другой группы.",
                                discipline=str(part.discipline)))
        if kind not in kinds_by_period(part).get(period.id, []):
            raise DomainError(_("Учебный план не предусматривает «%(form)s» по дисциплине "
                                "«%(discipline)s» в периоде «%(period)s».",
                                form=labels.text(labels.SHEET_KINDS, kind),
                                discipline=str(part.discipline), period=period.name))
        if not may_keep(user, part):
            raise Forbidden(_("Комплексную ведомость по чужой дисциплине создаёт заместитель "
                              "директора по УР."))
    return sorted(parts, key=lambda j: ids.index(j.id))


def create_sheet(user, journal_id, period_id, kind, exam_date: date | None, place: str,
                 examiner_ids=(), today: date | None = None, part_ids=(),
                 starts_at=None) -> ExamSheet:
    """Make a sheet and generate its rows; refused for another teacher's journal, a kind the
    curriculum does not ask for in that period, an exam date before the period, a start time
    that is not «ЧЧ:ММ» (the time is optional). `part_ids`: the other disciplines of a
    complex exam or credit (one sheet, a grade per discipline)."""
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
    starts_at = parse_time(starts_at)
    _guard(user, journal, period)
    place = (place or "").strip() if isinstance(place, str) else ""
    if len(place) > 128:
        raise BadInput(_("Место проведения длиннее 128 символов."))
    examiners = _examiners(journal, examiner_ids)
    parts = _parts(user, journal, period, kind, part_ids)
    existing = _on_a_sheet([journal.id] + [p.id for p in parts], period.id, kind)
    if existing is not None:
        raise Conflict(_("Ведомость уже создана: № %(number)s.", number=existing.number),
                       payload={"sheet_id": existing.id})
    sheet = ExamSheet(number=_next_number(journal, kind, bool(parts)), journal_id=journal.id,
                      period_id=period.id, kind=kind, exam_date=exam_date, starts_at=starts_at,
                      place=place or None, created_by_id=user.id)
    sheet.journal, sheet.period = journal, period
    db.session.add(sheet)
    for position, uid in enumerate(examiners):
        sheet.examiners.append(ExamSheetExaminer(user_id=uid, position=position))
    for position, part in enumerate(parts, start=1):
        sheet.parts.append(ExamSheetJournal(journal_id=part.id, period_id=period.id, kind=kind,
                                            position=position))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Ведомость с этим номером или на этот журнал, период и форму "
                         "только что создана: обновите страницу.")) from None
    audit.record("exam_sheet_create", "exam_sheet", sheet.id, user=user, details={
        "number": sheet.number, "journal": journal.id, "period": period.id,
        "kind": labels.russian(labels.SHEET_KINDS, kind),
        "date": exam_date.isoformat(), **({"time": hhmm(starts_at)} if starts_at else {}),
        "examiners": examiners,
        **({"disciplines": [str(p.discipline) for p in parts]} if parts else {})})
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


def set_start_time(user, sheet_id: int, starts_at) -> ExamSheet:
    """The time of day the exam or credit begins, set or changed on the sheet by those who
    keep it; empty clears it. The date stays: the roster and the figures rest on it."""
    sheet = sheet_for_write(user, sheet_id)
    _guard(user, sheet.journal, sheet.period)
    starts_at = parse_time(starts_at)
    before = sheet.starts_at
    sheet.starts_at = starts_at
    audit.record("exam_sheet_time", "exam_sheet", sheet.id, user=user, details={
        "number": sheet.number, "time": hhmm(starts_at), "before": hhmm(before)})
    return sheet


def figures_end(sheet: ExamSheet) -> date:
    """The figures count the period's lessons up to the exam date."""
    return min(sheet.exam_date, sheet.period.end_date)


def _decimal(value, places: str) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


def _figure(journals: list[Journal], figures: dict, student_id: int):
    """(average, attendance, reasons not to admit) of a student over the sheet's disciplines:
    the mean of the averages, the lowest attendance, each discipline's reasons by its code."""
    per = [(j, figures.get((j.id, student_id)) or progress.Progress()) for j in journals]
    if len(per) == 1:
        figure = per[0][1]
        return figure.average, figure.attendance_pct, forecast.admission_reasons(figure)
    averages = [f.average for _j, f in per if f.average is not None]
    attendance = [f.attendance_pct for _j, f in per if f.attendance_pct is not None]
    reasons = [f"{j.discipline.code}: {reason}" for j, f in per
               for reason in forecast.admission_reasons(f)]
    return (sum(averages) / len(averages) if averages else None,
            min(attendance) if attendance else None, reasons)


def _generate(sheet: ExamSheet) -> None:
    journal, period = sheet.journal, sheet.period
    journals = sheet_journals(sheet)
    students = [s for s in roster(journal, period.start_date, sheet.exam_date)
                if enrolled_on(s, sheet.exam_date)]
    figures = progress.journal_progress([j.id for j in journals], period.start_date,
                                        figures_end(sheet),
                                        [s["id"] for s in students]) if students else {}
    rows = {r.student_id: r for r in db.session.scalars(select(ExamSheetRow).where(
        ExamSheetRow.sheet_id == sheet.id))}
    on_roster = {s["id"] for s in students}
    for sid, row in rows.items():
        if sid not in on_roster:
            db.session.delete(row)  # left the group (or the subgroup) before the exam date
    for student in students:
        average, attendance, reasons = _figure(journals, figures, student["id"])
        auto_reason = "; ".join(reasons)[:MAX_REASON] or None
        row = rows.get(student["id"])
        if row is None:
            row = ExamSheetRow(sheet_id=sheet.id, student_id=student["id"], decision="auto")
            db.session.add(row)
        row.average = _decimal(average, "0.01")
        row.attendance_pct = _decimal(attendance, "0.1")
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


