"""The portal's notion of "today" (a fixed date can be configured for reproducible runs)."""
from datetime import date, datetime

from flask import current_app, has_app_context


def today() -> date:
    fixed = current_app.config.get("JOURNAL_TODAY") if has_app_context() else ""
    if fixed:
        if "." in fixed:
            return datetime.strptime(fixed, "%d.%m.%Y").date()
        return date.fromisoformat(fixed)
    return date.today()
