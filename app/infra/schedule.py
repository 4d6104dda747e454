"""When a scheduled duty is due, in the college's clock (COLLEGE_TIMEZONE), whatever the
server's own zone. A duty's time is a setting written as one of:

- `HH:MM` — every day at that time (`02:30`);
- `DAYS HH:MM` — on those weekdays (`fri 15:00`, `mon,thu 08:00`; mon tue wed thu fri sat sun);
- `day D HH:MM` — every month on day D (`day 1 08:00`; the last day of a shorter month);
- `every N min` — every N minutes from the college's midnight (`every 1 min`, `every 15 min`).

Moments in and out are UTC-aware; the slots are computed on the college's wall clock.

The bell schedule (BELL_SCHEDULE: when each pair begins and ends) is read here too."""
import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _

from ..errors import BadInput
from .clock import college_zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EVERY = re.compile(r"^every\s+(\d{1,4})\s*min$")
_MONTHLY = re.compile(r"^day\s+(\d{1,2})\s+(\d{1,2}):(\d{2})$")
_TIMED = re.compile(r"^(?:([a-z,]+)\s+)?(\d{1,2}):(\d{2})$")


class ScheduleError(BadInput):
    """A duty's time setting that cannot be read; the text says what is expected."""


@dataclass(frozen=True)
class Schedule:
    every_minutes: int = 0  # > 0: an interval duty
    at: time | None = None
    weekdays: frozenset = frozenset(range(7))  # 0 = Monday
    month_day: int = 0  # > 0: monthly

    def describe(self) -> str:
        if self.every_minutes:
            return _("каждые %(n)s мин", n=self.every_minutes)
        clock = self.at.strftime("%H:%M")
        if self.month_day:
            return _("%(day)s-го числа в %(time)s", day=self.month_day, time=clock)
        if len(self.weekdays) == 7:
            return _("ежедневно в %(time)s", time=clock)
        names = ", ".join(str(weekday_name(d)) for d in sorted(self.weekdays))
        return _("%(days)s в %(time)s", days=names, time=clock)


def weekday_name(day: int) -> str:
    return (_("пн"), _("вт"), _("ср"), _("чт"), _("пт"), _("сб"), _("вс"))[day]


def weekday_title(value: date | str, short: bool = False) -> str:
    """The weekday of a date (or an ISO date) as a week view heads it: «Понедельник» or «Пн»;
    every week view names its days by their dates, so a seven-day week has its Sunday."""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    if short:
        return (_("Пн"), _("Вт"), _("Ср"), _("Чт"), _("Пт"), _("Сб"), _("Вс"))[day.weekday()]
    return (_("Понедельник"), _("Вторник"), _("Среда"), _("Четверг"), _("Пятница"),
            _("Суббота"), _("Воскресенье"))[day.weekday()]


def _clock(hours: str, minutes: str, spec: str) -> time:
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        raise ScheduleError(_("Неверное время «%(spec)s»: часы 0–23, минуты 0–59.", spec=spec))
    return time(h, m)


def parse(spec: str) -> Schedule:
    text = " ".join((spec or "").strip().lower().split())
    found = _EVERY.match(text)
    if found:
        minutes = int(found.group(1))
        if not 1 <= minutes <= 1440:
            raise ScheduleError(_("Интервал «%(spec)s»: от 1 до 1440 минут.", spec=spec))
        return Schedule(every_minutes=minutes)
    found = _MONTHLY.match(text)
    if found:
        day = int(found.group(1))
        if not 1 <= day <= 31:
            raise ScheduleError(_("День месяца «%(spec)s»: от 1 до 31.", spec=spec))
        return Schedule(at=_clock(found.group(2), found.group(3), spec), month_day=day)
    found = _TIMED.match(text)
    if found:
        days = frozenset(range(7))
        if found.group(1):
            names = [n for n in found.group(1).split(",") if n]
            if not names or any(n not in WEEKDAYS for n in names):
                raise ScheduleError(_("Дни недели в «%(spec)s»: mon tue wed thu fri sat sun.",
                                      spec=spec))
            days = frozenset(WEEKDAYS.index(n) for n in names)
        return Schedule(at=_clock(found.group(2), found.group(3), spec), weekdays=days)
    raise ScheduleError(_("Не понимаю расписание «%(spec)s»: ожидается «02:30», «fri 15:00», "
                          "«day 1 08:00» или «every 5 min».", spec=spec))


def _matches(schedule: Schedule, day: date) -> bool:
    if schedule.month_day:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(schedule.month_day, last)
    return day.weekday() in schedule.weekdays


def _slot(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, zone).astimezone(timezone.utc)


def latest_due(schedule: Schedule, moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """The last due moment at or before `moment` (UTC)."""
    zone = zone or college_zone()
    wall = moment.astimezone(zone)
    if schedule.every_minutes:
        midnight = datetime.combine(wall.date(), time(0), zone)
        minutes = int((wall - midnight).total_seconds() // 60)
        start = midnight + timedelta(minutes=minutes - minutes % schedule.every_minutes)
        return start.astimezone(timezone.utc)
    for back in range(0, 63):
        day = wall.date() - timedelta(days=back)
        if _matches(schedule, day) and _slot(day, schedule.at, zone) <= moment:
            return _slot(day, schedule.at, zone)
    raise ScheduleError("no slot in two months")  # unreachable: every schedule has one


def next_due(schedule: Schedule, moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """The first due moment after `moment` (UTC)."""
    zone = zone or college_zone()
    wall = moment.astimezone(zone)
    if schedule.every_minutes:
        after = latest_due(schedule, moment, zone).astimezone(zone) + timedelta(
            minutes=schedule.every_minutes)
        midnight = datetime.combine(wall.date() + timedelta(days=1), time(0), zone)
        return min(after, midnight).astimezone(timezone.utc)
    for ahead in range(0, 63):
        day = wall.date() + timedelta(days=ahead)
        if _matches(schedule, day) and _slot(day, schedule.at, zone) > moment:
            return _slot(day, schedule.at, zone)
    raise ScheduleError("no slot in two months")


def catch_up(schedule: Schedule) -> timedelta:
    """How late a missed slot is still run (a worker restarted after it): one interval for
    interval duties, twelve hours for the others."""
    return (timedelta(minutes=schedule.every_minutes) if schedule.every_minutes
            else timedelta(hours=12))


# The bell schedule (BELL_SCHEDULE): the college's pairs with their start and end, in order,
# written "08:30-10:00, 10:10-11:40, …" (the first range is pair 1). A lesson is recorded once
# its pair has begun (4.6).
DEFAULT_BELLS = ("08:30-10:00, 10:10-11:40, 12:00-13:30, 13:40-15:10, 15:20-16:50, "
                 "17:00-18:30, 18:40-20:10, 20:20-21:50")
MAX_PAIRS = 8  # a lesson's pair number is 1-8 (the lessons' and timetable's CHECK)
_BELL = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Pair:
    number: int
    start: time
    end: time

    def describe(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def parse_bells(spec: str) -> tuple[Pair, ...]:
    """The pairs of a bell schedule setting, each starting after the previous one ends."""
    parts = [p.strip() for p in (spec or "").split(",") if p.strip()]
    if not 1 <= len(parts) <= MAX_PAIRS:
        raise ScheduleError(_("Расписание звонков: от 1 до %(n)s пар через запятую, например "
                              "«08:30-10:00, 10:10-11:40».", n=MAX_PAIRS))
    pairs = []
    for number, part in enumerate(parts, start=1):
        found = _BELL.match(part)
        if not found:
            raise ScheduleError(_("Расписание звонков: пара «%(spec)s» записана неверно, "
                                  "ожидается «08:30-10:00».", spec=part))
        start = _clock(found.group(1), found.group(2), part)
        end = _clock(found.group(3), found.group(4), part)
        if end <= start or (pairs and start < pairs[-1].end):
            raise ScheduleError(_("Расписание звонков: пара %(n)s «%(spec)s» должна начинаться "
                                  "после конца предыдущей и кончаться после начала.",
                                  n=number, spec=part))
        pairs.append(Pair(number, start, end))
    return tuple(pairs)


def bells() -> tuple[Pair, ...]:
    """The college's bell schedule (BELL_SCHEDULE, else the default of eight pairs)."""
    spec = current_app.config.get("BELL_SCHEDULE") if has_app_context() else ""
    return parse_bells(spec or DEFAULT_BELLS)
