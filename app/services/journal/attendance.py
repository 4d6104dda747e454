"""Attendance taken (4.5): the teacher says a lesson's attendance was taken — the grid's button
in the lesson's column, `attendance_taken` on the lesson (its form, the API) — or the first «Н»
saved in the lesson says so. A mark alone says nothing of who was there: a lesson with marks
and no such word stays "без посещаемости" in the curator's and the deputy's checks. Taken is
never untaken, and each taking is in the audit log (4.1)."""
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...models import Lesson
from ..records import audit

WAYS = ("lesson", "absence")  # the teacher's word on the lesson; the first «Н» of the lesson


def audit_taken(user, lessons, way: str) -> None:
    """One audit entry per lesson whose attendance has just been taken."""
    audit.record_many("attendance_take", "lesson", [
        (lesson.id, {"journal": lesson.journal_id, "date": lesson.lesson_date,
                     "pair": lesson.pair_number, "way": way}) for lesson in lessons], user=user)


def take_on_absence(user, lessons, absences) -> None:
    """4.5: the first «Н» saved in a lesson takes its attendance (`absences`: the lesson ids of
    the batch's «Н»); one UPDATE for the batch's lessons, whatever their number."""
    untaken = [lesson for lesson in lessons if lesson.id in absences
               and not lesson.attendance_taken]
    if not untaken:
        return
    db.session.connection().execute(update(Lesson.__table__).where(
        Lesson.id.in_([lesson.id for lesson in untaken])).values(attendance_taken=True))
    for lesson in untaken:
        set_committed_value(lesson, "attendance_taken", True)
    audit_taken(user, untaken, "absence")
