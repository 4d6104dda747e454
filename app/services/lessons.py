"""Lesson entry (4.4, 4.6): no lessons in advance, late entries flagged, topics from the work
program, substitutions, attendance."""
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Journal, Lesson, StudentGroup, WorkProgram, WorkProgramTopic
from ..models.curriculum import LESSON_TYPES
from ..models.journal import HOMEWORK_KINDS
from . import audit
from .journal import (
    BadInput, Conflict, DomainError, Forbidden, NotFound, can_manage_lessons, can_write_lesson,
)



def parse_date(value) -> date:
    if isinstance(value, date):
        return value
    text = (value or "").strip() if isinstance(value, str) else ""
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadInput("Дата занятия указана неверно: ожидается дд.мм.гггг.")


def _int(value, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadInput(f"{name}: ожидается целое число.") from None
    if not low <= number <= high:
        raise DomainError(f"{name}: допустимо от {low} до {high}.")
    return number


def topics_for(journal: Journal) -> list[WorkProgramTopic]:
    """4.6: the work program's topics, the next untaught topic first, then the rest in order."""
    specialty_id = db.session.scalar(select(StudentGroup.specialty_id)
                                     .where(StudentGroup.id == journal.group_id))
    topics = list(db.session.scalars(
        select(WorkProgramTopic).join(WorkProgram)
        .where(WorkProgram.discipline_id == journal.discipline_id,
               or_(WorkProgram.specialty_id == specialty_id, WorkProgram.specialty_id.is_(None)))
        .order_by(WorkProgram.specialty_id.is_(None), WorkProgramTopic.position)))
    taught = set(db.session.scalars(select(Lesson.topic_id).where(
        Lesson.journal_id == journal.id, Lesson.topic_id.is_not(None))))
    untaught = [t for t in topics if t.id not in taught]
    return untaught + [t for t in topics if t.id in taught]


def _clean(journal: Journal, data: dict, today: date, current: Lesson | None) -> dict:
    values = {}
    if current is None or "lesson_date" in data:
        day = parse_date(data.get("lesson_date") or today.isoformat())
        if day > today:  # 4.6: no lessons in advance
            raise DomainError("Нельзя записать занятие с будущей датой: "
                              "занятие вносится в день его проведения или позже.")
        year = journal.academic_year
        if not year.start_date <= day <= year.end_date:
            raise DomainError("Дата занятия вне учебного года журнала.")
        values["lesson_date"] = day
    if current is None or "pair_number" in data:
        values["pair_number"] = _int(data.get("pair_number", 1), "Номер пары", 1, 8)
    if current is None or "hours" in data:
        values["hours"] = _int(data.get("hours", 2), "Часы", 1, 8)
    if current is None or "lesson_type" in data:
        kind = data.get("lesson_type") or "theory"
        if kind not in LESSON_TYPES:
            raise BadInput("Неизвестный вид занятия.")
        values["lesson_type"] = kind
    if current is None or "homework_kind" in data:
        kind = data.get("homework_kind") or "none"
        if kind not in HOMEWORK_KINDS:
            raise BadInput("Неизвестный вид домашнего задания.")
        values["homework_kind"] = kind
    if current is None or "homework" in data:
        text = data.get("homework") or ""
        if not isinstance(text, str) or len(text) > 4000:
            raise BadInput("Домашнее задание: не более 4000 символов.")
        values["homework"] = text.strip() or None
    # 4.5: attendance is taken on every lesson; with nobody absent the teacher says so here
    # (saving the lesson's column in the grid marks it too). It is never "untaken".
    if data.get("attendance_taken") in (True, 1, "1", "on", "true"):
        values["attendance_taken"] = True
    if current is None or "topic_id" in data or "topic" in data:
        topic_id = data.get("topic_id")
        text = data.get("topic") or ""
        if not isinstance(text, str) or len(text) > 500:
            raise BadInput("Тема: не более 500 символов.")
        if topic_id not in (None, "", 0, "0"):
            topic_id = _int(topic_id, "Тема", 1, 2**31 - 1)
            topic = next((t for t in topics_for(journal) if t.id == topic_id), None)
            if topic is None:
                raise DomainError("Тема не из рабочей программы этой дисциплины.")
            values["topic_id"], values["topic"] = topic.id, topic.title
        else:
            values["topic_id"], values["topic"] = None, text.strip() or None
    return values


def create_lesson(user, journal: Journal, data: dict, today: date) -> Lesson:
    """Record a lesson; a past date is stored as late (4.6); a substitute is named (4.4)."""
    if not can_manage_lessons(user, journal):
        raise Forbidden("Записывать занятия в этот журнал может только его преподаватель.")
    values = _clean(journal, data, today, None)
    teacher_id = journal.teacher_id
    substitute = data.get("substitute_teacher_id")
    if substitute not in (None, "", 0, "0"):
        teacher_id = _int(substitute, "Заменяющий преподаватель", 1, 2**31 - 1)
        from ..extensions import appbuilder
        sub_user = appbuilder.sm.get_user_by_id(teacher_id)
        if sub_user is None or "Teacher" not in {r.name for r in sub_user.roles}:
            raise DomainError("Заменяющий преподаватель не найден.")
    elif user.id != journal.teacher_id:
        raise Forbidden("Без замены занятие записывает преподаватель журнала.")
    lesson = Lesson(journal_id=journal.id, subgroup_id=journal.subgroup_id, teacher_id=teacher_id,
                    is_substitution=teacher_id != journal.teacher_id,
                    is_late=values["lesson_date"] < today, created_by_id=user.id, **values)
    db.session.add(lesson)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("На эту дату и пару занятие уже записано.") from None
    audit.record("lesson_create", "lesson", lesson.id, details={
        "journal": journal.id, "date": lesson.lesson_date, "pair": lesson.pair_number,
        "late": lesson.is_late, "substitute": teacher_id if lesson.is_substitution else None})
    return lesson


def lesson_of(journal: Journal, lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.journal_id != journal.id:
        raise NotFound("Занятие не найдено.")
    return lesson


def update_lesson(user, journal: Journal, lesson: Lesson, data: dict, today: date) -> Lesson:
    if not can_write_lesson(user, journal, lesson):
        raise Forbidden("Изменять это занятие может преподаватель журнала или заменявший.")
    values = _clean(journal, data, today, lesson)
    old = {k: getattr(lesson, k) for k in values}
    for key, value in values.items():
        setattr(lesson, key, value)
    if "lesson_date" in values and lesson.lesson_date < today and lesson.created_at and \
            lesson.created_at.date() > lesson.lesson_date:
        lesson.is_late = True
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("На эту дату и пару занятие уже записано.") from None
    changed = {k: [old[k], v] for k, v in values.items() if old[k] != v}
    audit.record("lesson_update", "lesson", lesson.id,
                 details={"journal": journal.id, "changes": changed})
    return lesson


def delete_lesson(user, journal: Journal, lesson: Lesson) -> None:
    """Delete a lesson with its cells; the audit entry keeps what the cells held (1.6)."""
    from sqlalchemy import delete
    from sqlalchemy.orm import selectinload
    from ..models import CellChange, JournalCell, Mark
    from .journal import cell_text, is_journal_teacher
    if not is_journal_teacher(user, journal):
        raise Forbidden("Удалить занятие может только преподаватель журнала.")
    cells = db.session.scalars(select(JournalCell).where(JournalCell.lesson_id == lesson.id)
                               .options(selectinload(JournalCell.marks))).all()
    audit.record("lesson_delete", "lesson", lesson.id, details={
        "journal": journal.id, "date": lesson.lesson_date, "pair": lesson.pair_number,
        "topic": lesson.topic,
        "cells": {str(c.student_id): cell_text(c.absent, c.marks) for c in cells}})
    cell_ids = select(JournalCell.id).where(JournalCell.lesson_id == lesson.id)
    db.session.execute(delete(Mark).where(Mark.cell_id.in_(cell_ids)))
    for model in (JournalCell, CellChange):
        db.session.execute(delete(model).where(model.lesson_id == lesson.id))
    db.session.delete(lesson)
    db.session.flush()


def lesson_dict(lesson: Lesson) -> dict:
    return {"id": lesson.id, "date": lesson.lesson_date.isoformat(), "pair": lesson.pair_number,
            "topic": lesson.topic or "", "topic_id": lesson.topic_id,
            "lesson_type": lesson.lesson_type, "hours": lesson.hours,
            "homework": lesson.homework or "", "homework_kind": lesson.homework_kind,
            "teacher_id": lesson.teacher_id, "substitution": lesson.is_substitution,
            "late": lesson.is_late, "attendance_taken": lesson.attendance_taken,
            "complete": lesson.is_complete}
