"""Input hygiene (SECURITY, finding 6): what text the portal accepts and how stored text is
written out.

- Text entering the portal (forms, JSON bodies, imported files, command arguments) holds no C0
  control characters except tab and newline; a carriage return is allowed only as the CR of a
  CRLF line end, which is stored as LF.
- Every text column's declared length holds on every database (SQLite does not enforce it):
  a flush with a longer value is refused with the field named.
- Exports write whatever is already stored: characters a spreadsheet cannot hold are dropped
  on the way out, so an old row never breaks an export.
"""
import re

from flask_babel import gettext as _, lazy_gettext as _l
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from ..errors import Refused

# C0 controls except \t (09) and \n (0a); \r (0d) is handled apart (CRLF → LF).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|\r(?!\n)")
# What a JSON body holding such a character must contain: the character raw, or its escape.
JSON_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b-\x1f]|\\[bfru]")


class TextRefused(Refused):
    """Text refused at the door (a control character, a value longer than its column)."""


def control_character(text: str) -> str | None:
    """The first forbidden control character of `text` as «U+0001», or None."""
    found = CONTROL_RE.search(text)
    return None if found is None else f"U+{ord(found.group()[0]):04X}"


def normalised(text: str) -> str:
    """CRLF line ends (what a browser's textarea sends) stored as LF."""
    return text.replace("\r\n", "\n")


def control_message(field: str, code: str) -> str:
    return (_("Поле «%(field)s» содержит недопустимый управляющий символ (%(code)s). "
              "Уберите его и повторите: ничего не сохранено.", field=field, code=code))


def check_text(field: str, text: str) -> None:
    """Raise TextRefused when `text` holds a forbidden control character."""
    code = control_character(text)
    if code is not None:
        raise TextRefused(control_message(field, code), status=400)


# DEL and the C1 controls (U+007F–U+009F): nothing a person types, refused in messages, where
# text reaches another person (a terminal or a mail client may act on them)
DEL_C1_RE = re.compile("[\x7f-\x9f]")


def check_message_text(field: str, text: str) -> None:
    """Raise TextRefused when a message's `text` holds any control character but tab and
    newline: C0 (as everywhere), DEL or C1."""
    check_text(field, text)
    found = DEL_C1_RE.search(text)
    if found is not None:
        raise TextRefused(control_message(field, f"U+{ord(found.group()):04X}"), status=400)


def find_control(value, path: str = "") -> tuple[str, str] | None:
    """(path, code) of the first string in a JSON value (keys included) holding a forbidden
    control character, or None."""
    if isinstance(value, str):
        code = control_character(value)
        return None if code is None else (path or "тело запроса", code)
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = find_control(str(key), where) or find_control(item, where)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_control(item, f"{path}[{index}]")
            if found:
                return found
    return None


# --- lengths on every database ----------------------------------------------------------------
# What the college calls the columns people type into (others are named by their code).
FIELD_LABELS = {"last_name": _l("Фамилия"), "first_name": _l("Имя"),
                "middle_name": _l("Отчество"), "email": _l("Эл. почта"),
                "phone": _l("Телефон"), "username": _l("Логин"), "name": _l("Название"),
                "topic": _l("Тема"), "homework": _l("Домашнее задание"),
                "record_book_number": _l("№ зачётной книжки"),
                "relation": _l("Кем приходится"), "order_number": _l("№ приказа"),
                "position": _l("Должность"), "code": _l("Код"),
                "qualification": _l("Квалификация"), "subject": _l("Тема сообщения")}


def too_long(obj) -> tuple[str, int, int] | None:
    """(column, limit, length) of the first text value longer than its declared length."""
    mapper = inspect(obj).mapper
    for attr in mapper.column_attrs:
        for column in attr.columns:
            limit = getattr(column.type, "length", None)
            if not isinstance(column.type, String) or not limit:
                continue
            value = getattr(obj, attr.key, None)
            if isinstance(value, str) and len(value) > limit:
                return attr.key, limit, len(value)
    return None


def length_message(table: str, column: str, limit: int, length: int) -> str:
    return (_("Значение поля «%(field)s» (%(table)s) слишком длинное: %(length)s символов при "
              "допустимых %(limit)s. Ничего не сохранено.", field=FIELD_LABELS.get(column, column),
              table=table, length=length, limit=limit))


def _check_lengths(session, _flush_context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        found = too_long(obj)
        if found:
            column, limit, length = found
            raise TextRefused(length_message(getattr(obj, "__tablename__", type(obj).__name__),
                                             column, limit, length))


event.listen(Session, "before_flush", _check_lengths)


# --- people's names ---------------------------------------------------------------------------
# A name (of a student, a parent, a staff member or any account) is one line of visible text:
# no line break or tab, no bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069: a
# name that reads backwards), no zero-width or other invisible character (U+200B–U+200F,
# U+2060–U+2064, U+FEFF, the soft hyphen, U+061C, U+180E) that makes two names look alike.
# A name that starts with =, +, - or @ stays text: exports write every cell as data
# (exports/book.py no_formulas), so a spreadsheet never runs it.
NAME_COLUMNS = ("last_name", "first_name", "middle_name")
INVISIBLE_RE = re.compile("[\t\n\r\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
                          "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def name_character(text: str) -> str | None:
    """The first character a person's name may not hold, as «U+202E», or None."""
    found = INVISIBLE_RE.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def name_message(column: str, code: str) -> str:
    return (_("Поле «%(field)s» содержит перевод строки, табуляцию, невидимый или управляющий "
              "символ (%(code)s): в имени допустимы только видимые буквы, пробел, дефис и "
              "апостроф. Ничего не сохранено.", field=FIELD_LABELS.get(column, column),
              code=code))


def _check_names(session, _flush_context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        for column in NAME_COLUMNS:
            if column not in state.mapper.column_attrs:
                continue
            if not state.pending and not state.attrs[column].history.has_changes():
                continue  # an old row's other columns change: its name is not judged again
            value = getattr(obj, column)
            code = name_character(value) if isinstance(value, str) else None
            if code is not None:
                raise TextRefused(name_message(column, code))


event.listen(Session, "before_flush", _check_names)


# --- exports ----------------------------------------------------------------------------------
def printable(value):
    """A stored value as a spreadsheet cell can hold it (illegal characters dropped)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def printable_row(values) -> list:
    return [printable(v) for v in values]


def csv_safe(value):
    """CSV keeps tabs and newlines; other control characters (NUL included) are dropped."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
