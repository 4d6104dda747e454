"""The portal's notion of "today" (a fixed date can be configured for reproducible runs)."""
from datetime import date, datetime

from flask import current_app, has_app_context


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier, if negative); 29 February → 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def today() -> date:
    fixed = current_app.config.get("JOURNAL_TODAY") if has_app_context() else ""
    if fixed:
        if "." in fixed:
            return datetime.strptime(fixed, "%d.%m.%Y").date()
        return date.fromisoformat(fixed)
    return date.today()
