"""A time of day on the college's wall clock: when an exam, a credit or a retake begins (4.7).

Typed in a form (`<input type="time">` sends «09:00», some browsers «09:00:00») or sent as
JSON, stored as a time without a zone (the college's own clock), shown and answered «09:00»."""
import re
from datetime import time

from flask_babel import gettext as _

from ..errors import BadInput

_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$")


def parse_time(value) -> time | None:
    """«09:00» → 09:00; empty → None (the time is optional); anything else → BadInput."""
    if value is None or isinstance(value, time):
        return value
    if isinstance(value, str) and not value.strip():
        return None
    found = _TIME.match(value.strip()) if isinstance(value, str) else None
    hour, minute, second = (int(part or 0) for part in found.groups()) if found else (99, 0, 0)
    if hour > 23 or minute > 59 or second:
        raise BadInput(_("Время начала указывается как ЧЧ:ММ (от 00:00 до 23:59), например "
                         "09:00."))
    return time(hour, minute)


def hhmm(value) -> str:
    """09:00 → «09:00»; None → ""."""
    return value.strftime("%H:%M") if isinstance(value, time) else ""


def iso_time(value) -> str | None:
    """The API's form: «09:00», or None when no time is set."""
    return hhmm(value) or None
