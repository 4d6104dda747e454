"""The bell schedule in the journal (4.6: "недопустимо производить запись занятий заранее"): a
lesson of today is recorded once its pair has begun, as a lesson of a later day is not recorded
at all. The pairs' times are the college's setting (app/infra/schedule.py), read on its clock."""
from datetime import date

from flask_babel import gettext as _

from ...errors import Refused
from ...infra import clock, schedule


def pair_times() -> dict[int, str]:
    """Pair number → «08:30–10:00», shown beside pair numbers."""
    return {pair.number: pair.describe() for pair in schedule.bells()}


def pair_starts() -> list[str]:
    """When the pairs begin, «08:30»…: offered for an exam's or a retake's start time, which
    may be any other time as well."""
    return [pair.start.strftime("%H:%M") for pair in schedule.bells()]


def ensure_pair_begun(day: date, pair_number: int, today: date) -> None:
    """Refuse a pair the bell schedule does not have, and a pair of today not begun yet."""
    pairs = schedule.bells()
    if pair_number > len(pairs):
        raise Refused(_("Пары %(pair)s нет в расписании звонков колледжа (пар в день: "
                        "%(count)s).", pair=pair_number, count=len(pairs)))
    pair, now = pairs[pair_number - 1], clock.wall_now()
    if day == today == now.date() and now.time() < pair.start:
        raise Refused(_("Пара %(pair)s начинается в %(start)s: занятие записывается после "
                        "начала пары, не заранее.", pair=pair_number,
                        start=pair.start.strftime("%H:%M")))
