"""Lessons outside the timetable (1.7, 3.3): the journal is a financial document, so a lesson
that took no pair of the timetable is recorded only with the teacher's reason (a pair moved
from another day, an extra lesson, a replacement) and its hours are shown apart.

A lesson takes a timetabled pair when the group's timetable of that day — weekly pairs with the
day's changes and substitutions applied, as the curator's check reads it — has a pair of this
journal with the lesson's number. The pair is matched by its number, as the check matches it:
one lesson per journal, day and pair, so a pair already taken cannot be taken twice."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ... import labels
from ...errors import BadInput
from ...extensions import db
from ...models import Journal, Lesson
from .timetable import ru, timetabled_pairs

REASONS = labels.OFF_TIMETABLE_REASONS


def journal_pairs(journal: Journal, day: date) -> list[int]:
    """The pair numbers the timetable gives this journal on `day` (changes applied)."""
    return sorted({p["pair_number"] for p in timetabled_pairs(journal.group_id, day, day)
                   if p["journal_id"] == journal.id})


def _choose_reason(journal: Journal, day: date, pair: int, lesson_id: int | None):
    """The refusal of a lesson with no free pair and no reason: what the timetable has that day
    and what the teacher is to choose."""
    pairs = journal_pairs(journal, day)
    taken = set(db.session.scalars(select(Lesson.pair_number).where(
        Lesson.journal_id == journal.id, Lesson.lesson_date == day,
        Lesson.id != (lesson_id or 0))))
    free = [p for p in pairs if p not in taken]
    ask = _("Укажите причину занятия вне расписания: перенос, дополнительное занятие или замена.")
    if free:
        return BadInput(_("В расписании на %(day)s у группы по этой дисциплине пара "
                          "№%(pairs)s, а не №%(pair)s. Выберите пару по расписанию или "
                          "укажите причину.", day=ru(day), pair=pair,
                          pairs=", ".join(str(p) for p in free)) + " " + ask)
    if pairs:
        return BadInput(_("Все пары этой дисциплины по расписанию на %(day)s уже записаны.",
                          day=ru(day)) + " " + ask)
    return BadInput(_("В расписании нет пары по этой дисциплине у группы на %(day)s.",
                      day=ru(day)) + " " + ask)


def off_timetable_reason(journal: Journal, day: date, pair: int, reason: str | None,
                         lesson_id: int | None = None) -> str | None:
    """The reason to store on a lesson of `journal` on `day` at `pair` (1.7, 3.3): None when
    the timetable gives the journal that pair; the teacher's reason otherwise — a lesson
    outside the timetable without one is refused, and the message says what the timetable
    has that day. `lesson_id`: the lesson being changed (its own pair is not "taken")."""
    if pair in journal_pairs(journal, day):
        return None
    if not reason:
        raise _choose_reason(journal, day, pair, lesson_id)
    return reason
