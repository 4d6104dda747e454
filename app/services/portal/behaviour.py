"""Behaviour notes (3.3, 5.2): a student's teachers and curator write a short note about the
student for a date; the week's notes go to parents with the weekly report."""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from ...errors import Refused
from ...extensions import db
from ...infra.clock import today as clock_today
from ...models import AcademicYear, BehaviourNote, Journal, Student, StudentGroup
from ...models.conduct import NOTE_MAX_LENGTH
from ...security.access import SEES_ALL_JOURNALS, TEACHES
from ..notifications import events as notification_events
from ..records import audit
from ..scopes import role_names

# A note is about recent behaviour: it is written within this many days.
NOTE_WINDOW_DAYS = 30


class NoteError(Refused):
    """A behaviour note refused (3.3)."""


class NoteDenied(NoteError):
    status = 403


def _year_ids(day: date):
    return select(AcademicYear.id).where(AcademicYear.start_date <= day,
                                         AcademicYear.end_date >= day)


def writable_students_filter(user, day: date | None = None):
    """SQL condition on Student: whom this user may write a note about — the students of the
    groups they curate or teach in the current academic year."""
    day = day or clock_today()
    roles = role_names(user)
    if not roles & TEACHES:
        return Student.id.is_(None)
    taught = select(Journal.group_id).where(Journal.teacher_id == user.id,
                                            Journal.academic_year_id.in_(_year_ids(day)))
    curated = select(StudentGroup.id).where(StudentGroup.curator_id == user.id)
    return and_(Student.status == "studying",
                or_(Student.group_id.in_(taught), Student.group_id.in_(curated)))


def writable_students(user) -> list[Student]:
    return db.session.scalars(select(Student).where(writable_students_filter(user)).options(
        joinedload(Student.group)).order_by(Student.group_id, Student.last_name,
                                            Student.first_name)).all()


def add_note(user, student_id, day: date | None, text: str) -> BehaviourNote:
    """Record a note; the author must teach or curate the student's group (row rule)."""
    text = (text or "").strip()
    if not text:
        raise NoteError(_("Напишите текст замечания."))
    if len(text) > NOTE_MAX_LENGTH:
        raise NoteError(_("Замечание длиннее %(limit)s символов.", limit=NOTE_MAX_LENGTH))
    now = clock_today()
    if day is None:
        raise NoteError(_("Укажите дату в формате ДД.ММ.ГГГГ."))
    if day > now:
        raise NoteError(_("Замечание о будущем дне написать нельзя."))
    if day < now - timedelta(days=NOTE_WINDOW_DAYS):
        raise NoteError(_("Замечание пишется не позже чем через %(days)s дней.",
                          days=NOTE_WINDOW_DAYS))
    try:
        student_id = int(student_id)
    except (TypeError, ValueError):
        raise NoteError(_("Выберите студента.")) from None
    student = db.session.scalar(select(Student).where(
        Student.id == student_id, writable_students_filter(user, day)))
    if student is None:
        raise NoteDenied(_("Вы не ведёте занятия в группе этого студента и не её куратор."))
    note = BehaviourNote(student_id=student.id, note_date=day, text=text, author_id=user.id)
    db.session.add(note)
    db.session.flush()
    audit.record("behaviour_note", "student", student.id,
                 details={"note": note.id, "date": day.isoformat(), "text": text}, user=user)
    notification_events.behaviour_note(note)  # SPEC §5: a teacher's comment reaches the family
    return note


def visible_notes_filter(user):
    """SQL condition on BehaviourNote: the author's own, the curator's groups', or all for the
    administration."""
    roles = role_names(user)
    if roles & SEES_ALL_JOURNALS:
        return BehaviourNote.id.isnot(None)
    curated = select(Student.id).join(StudentGroup, StudentGroup.id == Student.group_id).where(
        StudentGroup.curator_id == user.id)
    return or_(BehaviourNote.author_id == user.id, BehaviourNote.student_id.in_(curated))


def recent_notes(user, limit: int = 100) -> list[BehaviourNote]:
    return db.session.scalars(select(BehaviourNote).where(visible_notes_filter(user)).options(
        joinedload(BehaviourNote.student).joinedload(Student.group),
        joinedload(BehaviourNote.author)).order_by(
        BehaviourNote.note_date.desc(), BehaviourNote.id.desc()).limit(limit)).all()


def week_notes(student_ids, start: date, end: date) -> dict[int, list[BehaviourNote]]:
    """The notes of a week per student, by date (the weekly report to parents)."""
    out: dict[int, list[BehaviourNote]] = {}
    if not student_ids:
        return out
    for note in db.session.scalars(select(BehaviourNote).where(
            BehaviourNote.student_id.in_(list(student_ids)), BehaviourNote.note_date >= start,
            BehaviourNote.note_date <= end).options(joinedload(BehaviourNote.author)).order_by(
            BehaviourNote.note_date, BehaviourNote.id)):
        out.setdefault(note.student_id, []).append(note)
    return out
