"""What people read instead of stored codes: the one table of every code and its Russian
name, by area (journal, assessment, statuses, control, audit), and the functions that turn
codes and audit details into words. One place used by pages, exports and e-mails alike
(SPEC: the UI speaks Russian; no `None`, `True`, `False`, ISO time or internal code reaches a
reader). The names are lazy_gettext strings: a page shows them in the reader's language.
"""
import json

from flask_babel import force_locale, lazy_gettext as _l

from ..infra import clock
from .assessment import (  # noqa: F401
    COMPLEX_TITLES, DEBT_ORIGINS, GRADE_WORDS, MODULE_RESULTS, RETAKE_ROLES, SHEET_KINDS,
    SHEET_TITLES,
)
from .audit import ACTIONS, DETAIL_CODES, DETAIL_KEYS, OBJECTS, REPORTS
from .control import (  # noqa: F401
    REPORT_LEVELS, STATUS_CHANGE_REQUESTS, WEEK_CHECK_PROBLEMS, WEEKLY_REPORT_STATES,
)
from .journal import (  # noqa: F401
    ABSENCE_REASONS, ASSESSMENT_FORMS, DISCIPLINE_KINDS, FINAL_GRADE_KINDS, FINAL_RESULTS,
    HOMEWORK_KINDS, LESSON_TYPES, OFF_TIMETABLE_REASONS, PROGRAMME_STATES, WORK_KINDS,
)
from .security import API_SCREENS, PERMISSIONS  # noqa: F401
from .plans import FORMS_OF_STUDY, PLAN_CONTROL, PLAN_HOUR_KINDS, PLAN_ROW_KINDS  # noqa: F401
from .statuses import (  # noqa: F401
    ABSENCE_DOCUMENT_KINDS, NOTIFICATION_KINDS, PRACTICE_KINDS, ROLES, STATUSES,
)

YES, NO, EMPTY = _l("да"), _l("нет"), "—"


def text(table: dict, code, default: str = "") -> str:
    """The name of `code` in `table` as text in the reader's language (for data a service
    returns: a cell, a JSON answer); `default` for a code the table lacks."""
    return str(table[code]) if code in table else default


def names(table: dict) -> dict[str, str]:
    """The whole table as text in the reader's language, translated once: for a loop that
    names many rows (a student's record names every absence)."""
    return {code: str(name) for code, name in table.items()}


def russian(table: dict, code, default: str = "") -> str:
    """The Russian name whatever the reader's language: for text that is stored and read later
    by anyone (a memo, a request's reason)."""
    with force_locale("ru"):
        return text(table, code, default)


def homework_kind(code: str | None) -> str:
    """4.8: homework's kind in words; homework of no kind reads as nothing."""
    return "" if code == "none" else text(HOMEWORK_KINDS, code)


def role(name: str | None) -> str:
    return str(ROLES.get(name, name or ""))


def roles(names) -> str:
    return ", ".join(role(n) for n in names)


def action(code: str | None) -> str:
    return str(ACTIONS.get(code, code or ""))


def object_type(code: str | None) -> str:
    return str(OBJECTS.get(code, code or ""))


def object_id(value) -> str:
    """An audit entry's object: a report by its name, any other object by its number."""
    return str(REPORTS[value]) if value in REPORTS else value_text(value)


def status(kind: str, code: str | None) -> str:
    return str(STATUSES.get(kind, {}).get(code, code or ""))


def label(code, kind: str) -> str:
    """Jinja `{{ code|label("memo") }}`: the label of a code of one kind."""
    if kind == "role":
        return role(code)
    if kind == "action":
        return action(code)
    if kind == "object":
        return object_type(code)
    return status(kind, code)


def yes_no(value) -> str:
    return str(EMPTY if value is None else YES if value else NO)


def value_text(value) -> str:
    """A detail value as words: да/нет, «—» for nothing, dates dd.mm.yyyy, lists joined."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "; ".join(f"{detail_key(k)}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, str):
        if value in ("True", "False", "None"):
            return value_text({"True": True, "False": False, "None": None}[value])
        if ROLES.get(value) is not None:
            return role(value)
        if len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
            return clock.format_moment(value)
    return str(value)


def detail_key(key: str) -> str:
    return str(DETAIL_KEYS.get(key, key))


def _code_word(action_code, key, value):
    """A coded detail value (a status, a kind) in words; anything else unchanged."""
    kind = (DETAIL_CODES.get(action_code, {}).get(key) or DETAIL_CODES[None].get(key))
    if kind and isinstance(value, str) and value in STATUSES[kind]:
        return str(STATUSES[kind][value])
    return value


def details(text_or_dict, action_code: str | None = None) -> list[tuple[str, str]]:
    """Audit details (JSON text) as Russian «key: value» pairs; a changed field [before,
    after] (the «changes» of an entry, or every field of an «update») reads «было → стало»."""
    if not text_or_dict:
        return []
    data = text_or_dict
    if isinstance(text_or_dict, str):
        try:
            data = json.loads(text_or_dict)
        except ValueError:
            return [("", text_or_dict)]
    if not isinstance(data, dict):
        return [("", value_text(data))]
    pairs = []
    for key, value in data.items():
        if key == "changes" and isinstance(value, dict):
            pairs.extend(_change(k, v) for k, v in value.items())
        elif action_code == "update" or (action_code is None and _all_changes(data)):
            pairs.append(_change(key, value))
        else:
            pairs.append((detail_key(key), value_text(_code_word(action_code, key, value))))
    return pairs


def _all_changes(data: dict) -> bool:
    """{field: [before, after], ...}: what an edit on a reference screen records."""
    return bool(data) and all(isinstance(v, list) and len(v) == 2 for v in data.values())


def _change(key, value) -> tuple[str, str]:
    if isinstance(value, list) and len(value) == 2:
        return detail_key(key), f"{value_text(value[0])} → {value_text(value[1])}"
    return detail_key(key), value_text(value)


def details_text(text_or_dict, action_code: str | None = None) -> str:
    """The same pairs on one line (exports, e-mails)."""
    return "; ".join(f"{k}: {v}" if k else v for k, v in details(text_or_dict, action_code))
