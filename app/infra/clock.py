"""The college clock: one time zone (COLLEGE_TIMEZONE) decides "today", late entries,
deadlines and weeks, and every time shown to people, whatever the server's own zone.

Times are stored in UTC; they are turned into the college's wall time only to be shown or to
find the college's date of a moment. Shown as `30.11.2026 14:05`, dates as `30.11.2026`.

Two settings fix the clock for reproducible runs:
- JOURNAL_TODAY (any configuration): a fixed "today" (dd.mm.yyyy or ISO);
- JOURNAL_NOW (testing configuration only, ignored elsewhere): a fixed "now" in UTC
  (ISO, e.g. `2026-11-30T23:30:00`), so a test can drive the clock of a server process.
"""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Irkutsk"
DATE_FORMAT = "%d.%m.%Y"
MOMENT_FORMAT = "%d.%m.%Y %H:%M"


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier, if negative); 29 February → 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _setting(name: str, default=""):
    return current_app.config.get(name, default) if has_app_context() else default


def college_zone() -> ZoneInfo:
    """The college's time zone (COLLEGE_TIMEZONE); an unknown name falls back to the default."""
    name = _setting("COLLEGE_TIMEZONE", DEFAULT_ZONE) or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def _parse_moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def now() -> datetime:
    """The current moment, timezone-aware, in UTC (what is stored)."""
    fixed = _setting("JOURNAL_NOW") if _setting("TESTING", False) else ""
    if fixed:
        return _parse_moment(fixed).astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def today() -> date:
    """The college's date now: the day in COLLEGE_TIMEZONE, not the server's (4.6)."""
    fixed = _setting("JOURNAL_TODAY")
    if fixed:
        if "." in fixed:
            return datetime.strptime(fixed, DATE_FORMAT).date()
        return date.fromisoformat(fixed)
    return now().astimezone(college_zone()).date()


def wall_now() -> datetime:
    """The college's wall time now, on the day today() gives (the bell schedule, 4.6). A fixed
    today (JOURNAL_TODAY) that is not the clock's date is read as a day already over: a
    reproducible run of a past day finds all that day's pairs begun."""
    moment = now().astimezone(college_zone())
    day = today()
    if moment.date() == day:
        return moment
    return datetime.combine(day, time.max, college_zone())


def local(moment: datetime | None) -> datetime | None:
    """A stored moment as the college's wall time; naive values are read as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(college_zone())


def local_date(moment: datetime | None) -> date | None:
    """The college's date of a stored moment (e.g. the day a lesson was entered)."""
    found = local(moment)
    return None if found is None else found.date()


def day_start(day: date) -> datetime:
    """The UTC moment the college's day `day` begins (for queries over stored times)."""
    return datetime.combine(day, datetime.min.time(), college_zone()).astimezone(timezone.utc)


def format_moment(value, seconds: bool = False) -> str:
    """`30.11.2026 14:05` in the college's zone; a date alone as `30.11.2026`; None as ''.
    ISO text (from JSON details) is read first."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value) if len(value) == 10
                     else _parse_moment(value))
        except ValueError:
            return value
    if isinstance(value, datetime):
        return local(value).strftime(MOMENT_FORMAT + (":%S" if seconds else ""))
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def format_server_moment(value) -> str:
    """A moment the framework stored itself (ab_user.last_login, created_on, changed_on): it
    writes the server's naive local time, so a naive value is read in the server's zone."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.astimezone()  # naive → the server's local zone, then the college's
    return format_moment(value)


def format_date(value) -> str:
    """`30.11.2026`; a stored moment gives the college's date of it."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10]) if len(value) == 10 else _parse_moment(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime(DATE_FORMAT)
