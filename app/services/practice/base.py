"""Practice: the roles, settings, errors and input rules shared by the practice's services."""
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from ...errors import Refused
from ...extensions import db
from ...infra.clock import today as clock_today
from ...infra.text_hygiene import control_character, normalised
from ...models import User
from ..college.import_tables import MAX_PROBLEMS
from ..scopes import role_names

MENTOR_ROLE = "Mentor"
PRACTICE_KINDS = ("up", "pp")
GRADE_VALUES = ("2", "3", "4", "5")
COMMENT_MAX = 2000
WORKING_WEEKDAYS = (0, 1, 2, 3, 4)  # Monday–Friday
ORDER_MAX = 32


class PracticeError(Refused):
    """A practice rule refused the request (issue 15)."""


class PracticeDenied(PracticeError):
    status = 403


class PracticeNotFound(PracticeError):
    status = 404


class PracticeConflict(PracticeError):
    status = 409


class PracticeImportRefused(PracticeError):
    """The import file is refused whole; `problems` are Russian lines «Строка N: причина»."""

    def __init__(self, problems: list[str]):
        self.problems = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            self.problems.append(_("… и ещё %(count)s ошибок.", count=len(problems) - MAX_PROBLEMS))
        super().__init__(_("Файл не загружен: %(problems)s", problems="; ".join(self.problems[:3])))


def closing_days() -> int:
    """MENTOR_CLOSING_DAYS: the mentor's access lasts until practice.end_date + N days."""
    return int(current_app.config.get("MENTOR_CLOSING_DAYS", 14))


def silence_days() -> int:
    """PRACTICE_SILENCE_DAYS: this many working days without an entry = stopped writing."""
    return int(current_app.config.get("PRACTICE_SILENCE_DAYS", 3))


def day_hours_limit() -> int:
    """PRACTICE_DAY_HOURS: the most hours one diary day may hold (≤ 12, the table's check)."""
    return max(1, min(12, int(current_app.config.get("PRACTICE_DAY_HOURS", 8))))


def working_weekdays() -> tuple[int, ...]:
    """The working days of a practice (diary entries, "stopped writing"): Monday–Friday."""
    return WORKING_WEEKDAYS


def days_to_write(start: date, end: date, written, day: date) -> list[date]:
    """The practice's working days up to `day` that have no diary entry yet, oldest first."""
    done = set(written)
    last = min(end, day)
    return [start + timedelta(days=n) for n in range((last - start).days + 1)
            if (start + timedelta(days=n)).weekday() in working_weekdays()
            and start + timedelta(days=n) not in done]


def default_diary_day(start: date, end: date, written, day: date) -> date | None:
    """The day the diary form opens on: today when it is a working day still to write, else
    the latest working day still to write; None when every day so far is written (the form's
    date must be one the server accepts)."""
    missing = days_to_write(start, end, written, day)
    return missing[-1] if missing else None


def _day(day: date | None) -> date:
    return day or clock_today()


def _is_mentor(user) -> bool:
    return MENTOR_ROLE in role_names(user)


def _text(field: str, value, limit: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PracticeError(_("Поле «%(field)s» должно быть текстом.", field=field), status=400)
    code = control_character(value)
    if code is not None:
        raise PracticeError(_("Поле «%(field)s» содержит недопустимый управляющий символ "
                              "(%(code)s).", field=field, code=code),
                            status=400)
    value = normalised(value).strip()
    if required and not value:
        raise PracticeError(_("Заполните поле «%(field)s».", field=field))
    if len(value) > limit:
        raise PracticeError(_("Поле «%(field)s» длиннее %(limit)s символов (%(count)s).",
                              field=field, limit=limit, count=len(value)))
    return value


def _date(field: str, value, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise PracticeError(_("Укажите %(field)s.", field=field))
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise PracticeError(_("%(field)s: «%(value)s» — не дата в формате ДД.ММ.ГГГГ.",
                          field=field[:1].upper() + field[1:], value=text[:20]), status=400)


def _int(field: str, value, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise PracticeError(_("%(field)s: нужно целое число.", field=field), status=400)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise PracticeError(_("%(field)s: нужно целое число.", field=field), status=400) from None
    if not low <= number <= high:
        raise PracticeError(_("%(field)s: допустимо от %(low)s до %(high)s.", field=field, low=low,
                              high=high))
    return number


def _id(value, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise PracticeNotFound(_("%(what)s не найден(а).", what=what)) from None
    if number <= 0 or number > 2**31 - 1:
        raise PracticeNotFound(_("%(what)s не найден(а).", what=what))
    return number


def _order(number, order_date, required: bool) -> tuple[str | None, date | None]:
    number = _text(_("№ приказа"), number, ORDER_MAX, required=required) or None
    order_date = _date(_("дату приказа"), order_date, required=required or bool(number))
    if order_date and not number:
        raise PracticeError(_("Укажите номер приказа."))
    if order_date and order_date > clock_today():
        raise PracticeError(_("Дата приказа не может быть в будущем."))
    return number, order_date


def _user(user_id):
    return db.session.get(User, user_id)


def _has_role(account, role: str) -> bool:
    return account is not None and any(r.name == role for r in account.roles)


def _person_name(account) -> str:
    if account is None:
        return ""
    return " ".join(p for p in (account.last_name, account.first_name) if p)
