"""Who reads and keeps exam and credit sheets (2.2, 4.7), and what their grades read as: the
row rules of the sheets, the guards of an archived year and a closed period, a grade in words,
the values a sheet offers."""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import Forbidden
from ...models import Journal, Period
from ...models.sheets import ExamSheet
from ...security.access import KEEPS_SHEETS, OVERRIDES_DEADLINE
from ..journal.access import row_for_read
from ..journal.forms import GRADES, NOT_ATTESTED, allowed_values
from ..journal.periods import year_archived
from ..scopes import journal_filter, role_names

NOT_ADMITTED_WORDS = "не допущен"
MAX_REASON = 500
# A module exam's grade decides the result: 3–5 «вид деятельности освоен», 2 «не освоен».
MASTERED = ("3", "4", "5")


def college_name() -> str:
    """The heading of the printed sheet (setting COLLEGE_NAME)."""
    return current_app.config.get("COLLEGE_NAME") or "Колледж"


def grade_words(value: str | None, admitted: bool = True) -> str:
    """A grade in words as the sheet writes it: 5 «отлично» … «неявка», «освобождён»,
    «перезачтено»; н/а «не допущен» for a student not admitted, else «не аттестован»."""
    if not value:
        return ""
    if value == NOT_ATTESTED:
        return NOT_ADMITTED_WORDS if not admitted else labels.text(labels.FINAL_RESULTS, value)
    return labels.text(labels.GRADE_WORDS, value, value)


def module_result(kind: str, value: str | None) -> str:
    """The module exam's decision beside its grade; nothing for other kinds or results."""
    if kind != "module_exam" or value not in GRADES:
        return ""
    return labels.text(labels.MODULE_RESULTS, value in MASTERED)


def sheet_journals(sheet: ExamSheet) -> list[Journal]:
    """The sheet's journals: its own, then the other disciplines of a complex exam or credit."""
    return [sheet.journal] + [part.journal for part in sheet.parts]


def values_for(kind: str) -> tuple[str, ...]:
    """The values a sheet offers: the best grade first, then the results that are not grades."""
    values = allowed_values(kind)
    return tuple(sorted((v for v in values if v in GRADES), reverse=True)) + tuple(
        v for v in values if v not in GRADES)


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


