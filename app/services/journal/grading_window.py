"""4.7: when the final grades of a period may be set — at the end of the teaching, not in the
middle of the semester. A semester or year grade (and the grade of an exam, a credit, a
practice) is accepted from FINAL_GRADE_WINDOW_DAYS days before the period's last day, or from
the day of the discipline's last timetabled lesson in the period (a practice: its last day),
whichever comes first. Every path that sets a final grade — the grid, the API, an exam sheet,
the practice's grade — asks `ensure_open_for_grades`."""
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select

from ...errors import Refused
from ...extensions import db
from ...models import Journal, Period
from ...models.practice import Practice
from .timetable import timetabled_pairs

DEFAULT_WINDOW_DAYS = 14


def window_days() -> int:
    """FINAL_GRADE_WINDOW_DAYS: how many days before a period's end its final grades open."""
    if not has_app_context():
        return DEFAULT_WINDOW_DAYS
    return max(0, int(current_app.config.get("FINAL_GRADE_WINDOW_DAYS", DEFAULT_WINDOW_DAYS)))


def window_start(period: Period) -> date:
    """The first day of the window before the period's end (never before the period starts)."""
    return max(period.start_date, period.end_date - timedelta(days=window_days()))


def last_taught_day(journal: Journal, period: Period) -> date | None:
    """The day of the journal's last lesson in the period by the timetable (its weekly pairs
    with the single-date changes), or the last day of its practice; None when neither."""
    days = [p["date"] for p in timetabled_pairs(journal.group_id, period.start_date,
                                                period.end_date, [period])
            if p["journal_id"] == journal.id]
    practice_end = db.session.scalar(select(func.max(Practice.end_date)).where(
        Practice.journal_id == journal.id, Practice.period_id == period.id))
    if practice_end is not None:
        days.append(practice_end)
    return max(days) if days else None


def grades_open_from(journal: Journal, period: Period) -> date:
    """The first day the period's final grades of this journal are accepted."""
    opens = window_start(period)
    last = last_taught_day(journal, period)
    return max(period.start_date, min(opens, last)) if last is not None else opens


def ensure_open_for_grades(journal: Journal, period: Period, today: date) -> None:
    """4.7: refuse a final grade before its window opens, saying from which day it may be set.
    Inside the window before the period's end nothing is read (the usual case)."""
    if today >= window_start(period):
        return
    opens = grades_open_from(journal, period)
    if today < opens:
        raise Refused(_("Итоговые оценки за период «%(period)s» выставляются с %(opens)s: "
                        "за %(days)s дн. до окончания периода (%(end)s) или после последнего "
                        "занятия по расписанию.", period=period.name,
                        opens=opens.strftime("%d.%m.%Y"), days=window_days(),
                        end=period.end_date.strftime("%d.%m.%Y")))
