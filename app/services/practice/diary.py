"""Practice: the student's diary — an entry per working day of the practice, corrections
kept in the history until the mentor confirms it (then it is locked) or returns it with a
comment."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...infra.clock import today as clock_today
from ...models.base import utcnow
from ...models.practice import (
    DIARY_TEXT_MAX, PracticeDiaryChange, PracticeDiaryEntry, PracticePlacement,
)
from ..records import audit
from .base import (
    COMMENT_MAX, PracticeConflict, PracticeDenied, PracticeError, PracticeNotFound, _date, _id,
    _int, _text, day_hours_limit, working_weekdays,
)
from .scopes import check_attester


def _placement_for_student(user, placement_id) -> PracticePlacement:
    placement = db.session.scalar(select(PracticePlacement).where(
        PracticePlacement.id == _id(placement_id, _("Место практики"))).options(
        joinedload(PracticePlacement.practice), joinedload(PracticePlacement.student)))
    if placement is None:
        raise PracticeNotFound(_("Место практики не найдено."))
    if placement.student.user_id is None or placement.student.user_id != user.id:
        raise PracticeDenied(_("Дневник практики ведёт сам студент."))
    return placement


def write_entry(user, placement_id, day, text, hours) -> PracticeDiaryEntry:
    """The student's entry for a working day of the practice (not in the future): a new one,
    or a correction of one not yet confirmed (kept in the history; a returned entry goes back
    to the mentor). A confirmed entry is locked."""
    placement = _placement_for_student(user, placement_id)
    practice = placement.practice
    day = _date(_("дату записи"), day)
    now = clock_today()
    if day > now:
        raise PracticeError(_("Запись о будущем дне сделать нельзя."))
    if not practice.start_date <= day <= practice.end_date:
        raise PracticeError(_("Дата вне сроков практики (%(start_date)s — %(end_date)s).",
                              start_date=practice.start_date.strftime("%d.%m.%Y"),
                              end_date=practice.end_date.strftime("%d.%m.%Y")))
    if day.weekday() not in working_weekdays():
        raise PracticeError(_("%(day)s — не рабочий день практики.", day=day.strftime("%d.%m.%Y")))
    text = _text(_("Что сделано"), text, DIARY_TEXT_MAX)
    hours = _int(_("Часы"), hours, 1, day_hours_limit())
    entry = db.session.scalar(select(PracticeDiaryEntry).where(
        PracticeDiaryEntry.placement_id == placement.id,
        PracticeDiaryEntry.entry_date == day).with_for_update())
    if entry is None:
        entry = PracticeDiaryEntry(placement_id=placement.id, entry_date=day, text=text,
                                   hours=hours, status="written", written_at=utcnow())
        db.session.add(entry)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise PracticeConflict(_("Запись за этот день уже сделана: обновите страницу.")) \
                from None
        audit.record("create", "practice_diary_entry", entry.id, details={
            "placement": placement.id, "date": day.isoformat(), "hours": hours}, user=user)
        return entry
    if entry.status == "confirmed":
        raise PracticeConflict(_("Запись подтверждена наставником: изменить её нельзя."))
    if entry.text == text and entry.hours == hours and entry.status == "written":
        return entry
    db.session.add(PracticeDiaryChange(
        entry=entry, old_text=entry.text, new_text=text, old_hours=entry.hours,
        new_hours=hours, old_status=entry.status, new_status="written", changed_by_id=user.id,
        changed_at=utcnow()))
    old_status = entry.status
    entry.text, entry.hours, entry.status, entry.written_at = text, hours, "written", utcnow()
    db.session.flush()
    audit.record("update", "practice_diary_entry", entry.id, details={
        "placement": placement.id, "date": day.isoformat(), "hours": hours,
        "old_status": old_status}, user=user)
    return entry


def review_entry(user, entry_id, action: str, comment: str = "") -> PracticeDiaryEntry:
    """The mentor (for a practice in the college's workshop, its supervisor) confirms an
    entry (it is locked) or returns it with a comment."""
    entry = db.session.scalar(select(PracticeDiaryEntry).where(
        PracticeDiaryEntry.id == _id(entry_id, _("Запись дневника"))).options(
        joinedload(PracticeDiaryEntry.placement).joinedload(PracticePlacement.practice))
        .with_for_update(of=PracticeDiaryEntry))
    if entry is None:
        raise PracticeNotFound(_("Запись дневника не найдена."))
    check_attester(user, entry.placement)
    if action not in ("confirm", "return"):
        raise PracticeError(_("Неизвестное действие: подтвердите или верните запись."), status=400)
    if entry.status == "confirmed":
        raise PracticeConflict(_("Запись уже подтверждена."))
    if entry.status == "returned":
        raise PracticeConflict(_("Запись возвращена студенту и ещё не исправлена."))
    comment = _text(_("Комментарий"), comment, COMMENT_MAX, required=(action == "return"))
    new_status = "confirmed" if action == "confirm" else "returned"
    db.session.add(PracticeDiaryChange(
        entry=entry, old_status=entry.status, new_status=new_status, comment=comment or None,
        changed_by_id=user.id, changed_at=utcnow()))
    entry.status = new_status
    if action == "return" or comment:
        entry.mentor_comment = comment
    entry.reviewed_by_id, entry.reviewed_at = user.id, utcnow()
    db.session.flush()
    audit.record("update", "practice_diary_entry", entry.id, details={
        "placement": entry.placement_id, "date": entry.entry_date.isoformat(),
        "status": new_status, "comment": comment or None}, user=user)
    return entry
