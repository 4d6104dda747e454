"""The tables an import reads (4.2): their columns and required fields, the template a college
fills, and the rows read from an XLSX or CSV upload with every problem found in them."""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from ...errors import Refused
from ...infra.spreadsheets import Formula, file_rows, keyed_table
from ...infra.text_hygiene import control_character
from ...models import (
    AcademicYear, Discipline, Parent, Specialty, Student, StudentGroup, StudentParent, Subgroup,
    User,
)

MAX_PROBLEMS = 200


PARENT_FIELDS = (("last_name", "фамилия"), ("first_name", "имя"), ("middle_name", "отчество"),
                 ("relation", "кем приходится"), ("phone", "телефон"), ("email", "эл. почта"))


COLUMNS = {
    "students": [("group", "Группа"), ("last_name", "Фамилия"), ("first_name", "Имя"),
                 ("middle_name", "Отчество"), ("birth_date", "Дата рождения"),
                 ("record_book_number", "№ зачётной книжки"), ("email", "Эл. почта")]
    + [(f"p{n}_{key}", f"Родитель {n}: {label}") for n in (1, 2) for key, label in PARENT_FIELDS],
    "curricula": [("specialty", "Код специальности"), ("admission_year", "Год набора"),
                  ("code", "Код дисциплины"), ("name", "Название дисциплины"),
                  ("kind", "Вид дисциплины"), ("semester", "Семестр"), ("hours", "Часы"),
                  ("assessment_form", "Форма аттестации")],
    "load": [("year", "Учебный год"), ("group", "Группа"), ("code", "Код дисциплины"),
             ("subgroup", "Подгруппа"), ("teacher", "Преподаватель (логин)"), ("hours", "Часы")],
}


REQUIRED = {
    "students": ("group", "last_name", "first_name", "birth_date", "record_book_number"),
    "curricula": ("specialty", "admission_year", "code", "semester", "hours",
                  "assessment_form"),
    "load": ("year", "group", "code", "teacher", "hours"),
}


TITLES = {"students": "Студенты и родители", "curricula": "Учебные планы",
          "load": "Педагогическая нагрузка"}


# The column each imported value is stored in: its declared length holds on every database.
STORED_IN = {
    "students": dict({"group": StudentGroup.name, "last_name": Student.last_name,
                      "first_name": Student.first_name, "middle_name": Student.middle_name,
                      "record_book_number": Student.record_book_number,
                      "email": Student.email},
                     **{f"p{n}_{key}": (StudentParent.relation if key == "relation"
                                        else getattr(Parent, key))
                        for n in (1, 2) for key, _label in PARENT_FIELDS}),
    "curricula": {"specialty": Specialty.code, "code": Discipline.code,
                  "name": Discipline.name},
    "load": {"year": AcademicYear.name, "group": StudentGroup.name, "code": Discipline.code,
             "subgroup": Subgroup.name, "teacher": User.username},
}


def max_length(kind: str, key: str) -> int | None:
    column = STORED_IN[kind].get(key)
    return None if column is None else getattr(column.type, "length", None)


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


PHONE_RE = re.compile(r"^\+?[\d\s()\-]{6,20}$")


class ImportRefused(Refused):
    """The file is refused whole; `problems` are Russian lines "Строка N: причина"."""

    def __init__(self, problems: list[str]):
        self.problems = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            self.problems.append(_("… и ещё %(count)s ошибок.", count=len(problems) - MAX_PROBLEMS))
        super().__init__(_("Файл не загружен: %(problems)s", problems="; ".join(self.problems[:3])))



# --- reading -----------------------------------------------------------------------------------
def _read_rows(filename: str, data: bytes) -> list[list]:
    return file_rows(filename, data, ImportRefused)


def _cell_problems(kind: str, number: int, row: dict) -> list[str]:
    """Formulas, control characters and over-long text in one row (finding 6, 13)."""
    labels, problems = dict(COLUMNS[kind]), []
    for key, value in row.items():
        label = labels[key]
        if isinstance(value, Formula):
            problems.append(_("Строка %(number)s: «%(label)s» — в ячейке формула, нужно значение",
                              number=number, label=label))
        elif isinstance(value, str):
            code = control_character(value)
            limit = max_length(kind, key)
            if code is not None:
                problems.append(_("Строка %(number)s: «%(label)s» содержит недопустимый "
                                  "управляющий символ (%(code)s)", number=number, label=label,
                                  code=code))
            elif limit and len(value) > limit:
                problems.append(_("Строка %(number)s: «%(label)s» длиннее %(limit)s символов "
                                  "(%(count)s)", number=number, label=label, limit=limit,
                                  count=len(value)))
    return problems


def read_table(kind: str, filename: str, data: bytes) -> list[tuple[int, dict]]:
    """(row number as the spreadsheet shows it, {column key: value}) for each non-empty row."""
    return keyed_table(_read_rows(filename, data), COLUMNS[kind], REQUIRED[kind],
                       lambda number, values: _cell_problems(kind, number, values),
                       ImportRefused)


# --- value parsers: return the value or raise ValueError(Russian reason) ----------------------
def _date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%d.%m.%Y").date()
    except ValueError:
        raise ValueError(_("дата «%(value)s» не в формате дд.мм.гггг", value=value)) from None


def _int(value, label, low, high) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(_("%(label)s: «%(value)s» — не целое число", label=label,
                           value=value)) from None
    if not low <= number <= high:
        raise ValueError(_("%(label)s: %(number)s вне допустимых значений %(low)s–%(high)s",
                           label=label, number=number, low=low, high=high))
    return number


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("часы: «%(value)s» — не число", value=value)) from None
    if not hours.is_finite() or hours <= 0 or hours > 10000:
        raise ValueError(_("часы должны быть больше нуля"))
    return hours
