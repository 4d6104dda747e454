"""The day and pair a new lesson opens on: a value the server takes as it is (issue 27).

Today's date alone is refused on a day the journal has no free pair (a Sunday, a holiday, a
pair already recorded: a lesson outside the timetable needs a reason, 1.7, 3.3), before the
pair has begun (4.6), or in a period closed by order (4.7). So the form opens on the journal's
latest pair of the timetable up to today that is free, begun and in an open period."""
from datetime import date, timedelta

from sqlalchemy import select

from ...errors import Refused
from ...extensions import db
from ...models import Journal, Lesson
from .bells import ensure_pair_begun
from .periods import closed_days, year_periods
from .timetable import timetabled_pairs

LOOK_BACK_DAYS = 14  # two study weeks: a holiday longer than that opens on the last day


def suggested_slot(journal: Journal, user, today: date) -> tuple[date, int | None]:
    """(day, pair) of the journal's latest free pair up to today (the year's last day in an
    earlier year's journal) that `user` records (not a pair a timetable change gives another
    teacher); (that last day, None) when the timetable has none in the last two weeks.
    Three queries."""
    year = journal.academic_year
    last = min(today, year.end_date)
    start = max(year.start_date, last - timedelta(days=LOOK_BACK_DAYS))
    closed = closed_days(year_periods(journal.academic_year_id)[0])
    taken = {(row.lesson_date, row.pair_number) for row in db.session.execute(
        select(Lesson.lesson_date, Lesson.pair_number).where(
            Lesson.journal_id == journal.id, Lesson.lesson_date >= start,
            Lesson.lesson_date <= last))}
    pairs = sorted(((p["date"], p["pair_number"]) for p in timetabled_pairs(
        journal.group_id, start, last) if p["journal_id"] == journal.id
        and p["substitute_id"] in (None, user.id)),
        key=lambda slot: (-slot[0].toordinal(), slot[1]))
    for day, pair in pairs:
        if (day, pair) not in taken and not closed(day) and _begun(day, pair, today):
            return day, pair
    return last, None


def _begun(day: date, pair: int, today: date) -> bool:
    try:
        ensure_pair_begun(day, pair, today)
    except Refused:
        return False
    return True
