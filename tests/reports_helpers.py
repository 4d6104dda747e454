"""ORM builders for lessons, cells, marks and timetable rows used by the curator, control and
report tests (a small fixed data set; numbers in the tests are computed by hand)."""
from datetime import date, datetime, timezone

from app.extensions import db
from app.models import CellChange, FinalGrade, JournalCell, Lesson, Mark, TimetableEntry


def lesson(journal, day: date, pair: int, topic="Тема", late=False, attendance=True,
           by=None, hours=2, created=None, reason="тема вне рабочей программы"):
    """A lesson; a free-text topic comes with its reason (4.6), as the lesson form demands."""
    row = Lesson(journal_id=journal.id, lesson_date=day, pair_number=pair, topic=topic,
                 off_program_reason=reason if topic else None,
                 hours=hours, teacher_id=journal.teacher_id, is_late=late,
                 attendance_taken=attendance, created_by_id=(by or journal.teacher_id),
                 created_at=created or datetime.combine(day, datetime.min.time(),
                                                        timezone.utc).replace(hour=12))
    db.session.add(row)
    db.session.flush()
    return row


def cell(les, student, absent=False, reason="", marks=()):
    row = JournalCell(lesson_id=les.id, student_id=student.id, absent=absent,
                      absence_reason=reason)
    for i, value in enumerate(marks):
        row.marks.append(Mark(position=i, value=value))
    db.session.add(row)
    db.session.flush()
    return row


def change(les, student, by, correction=False, at=None):
    db.session.add(CellChange(lesson_id=les.id, student_id=student.id, old_value="",
                              new_value="5", changed_by_id=by.id, is_correction=correction,
                              changed_at=at or datetime.combine(
                                  les.lesson_date, datetime.min.time(), timezone.utc)))


def final(journal, student, period, kind, value):
    db.session.add(FinalGrade(journal_id=journal.id, student_id=student.id,
                              period_id=period.id, kind=kind, value=value))


def entry(period, journal, weekday, pair, room="каб. 1"):
    db.session.add(TimetableEntry(period_id=period.id, group_id=journal.group_id,
                                  weekday=weekday, pair_number=pair, journal_id=journal.id,
                                  room=room))
    db.session.flush()
