"""Lesson entry (4.4, 4.6): no lessons in advance, late entries flagged, topics from the work
program, substitutions, attendance."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ...errors import BadInput, Conflict, DomainError, Forbidden, NotFound
from ...extensions import appbuilder, db
from ...infra import clock
from ...infra.schemas import load
from ...models import (
    CellChange, Journal, JournalCell, Lesson, Mark, StudentGroup, WorkProgram, WorkProgramTopic,
)
from ...security.access import DELETES_PAST_LESSONS
from ..records import audit
from ..scopes import role_names
from .access import can_manage_lessons, can_write_lesson, history_text, is_journal_teacher
from .attendance import audit_taken
from .bells import ensure_pair_begun
from .off_timetable import off_timetable_reason
from .periods import ensure_open
from .schemas import LessonDeletionSchema, LessonSchema
from .timetable import substitution_for, substitution_in


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


def _values(journal: Journal, data: dict, today: date) -> dict:
    """The lesson's columns from its loaded fields (LessonSchema: types, ranges, lengths), under
    the rules of 4.5 and 4.6; a change sets only the fields it sent."""
    values = {key: data[key] for key in ("pair_number", "hours", "lesson_type", "homework_kind")
              if key in data}
    if "lesson_date" in data:
        day = data["lesson_date"] or today
        if day > today:  # 4.6: no lessons in advance
            raise DomainError(_("Нельзя записать занятие с будущей датой: "
                                "занятие вносится в день его проведения или позже."))
        year = journal.academic_year
        if not year.start_date <= day <= year.end_date:
            raise DomainError(_("Дата занятия вне учебного года журнала."))
        values["lesson_date"] = day
    if "homework" in data:
        values["homework"] = data["homework"] or None
    # 4.5: attendance is taken on every lesson; the teacher says so here (the lesson's form,
    # the grid's button, the API) or the first «Н» does (marks.py). It is never "untaken".
    if data.get("attendance_taken"):
        values["attendance_taken"] = True
    if "topic_id" in data or "topic" in data:
        values.update(_topic(journal, data))
    return values


def _topic(journal: Journal, data: dict) -> dict:
    """4.6: the topic is one of the work program's; a topic outside the program is accepted only
    with its reason, and is marked so in the checks. No topic at all leaves the lesson
    incomplete (it shows in the curator's check)."""
    topic_id = data.get("topic_id")
    text, reason = data.get("topic") or "", data.get("off_program_reason") or ""
    if topic_id is not None:
        topic = next((t for t in topics_for(journal) if t.id == topic_id), None)
        if topic is None:
            raise DomainError(_("Тема не из рабочей программы этой дисциплины."))
        return {"topic_id": topic.id, "topic": topic.title, "off_program_reason": None}
    if text and not reason:
        raise BadInput(_("Выберите тему из рабочей программы. Занятие вне программы записывается "
                         "только с причиной (например, замена темы по распоряжению)."))
    return {"topic_id": None, "topic": text or None,
            "off_program_reason": reason if text else None}


def create_lesson(user, journal: Journal, data: dict, today: date) -> Lesson:
    """Record a lesson; a past date is stored as late (4.6); a substitute is named (4.4). The
    substitute a timetable change names records that pair themselves — and only it. `data` is
    the body as either door sent it (JSON or the lesson form), read through LessonSchema."""
    manager = can_manage_lessons(user, journal)
    if not manager and not substitution_in(user, journal):
        raise Forbidden(_("Записывать занятия в этот журнал может только его преподаватель."))
    data = load(LessonSchema(), data)
    values = _values(journal, data, today)
    ensure_pair_begun(values["lesson_date"], values["pair_number"], today)  # 4.6
    named = not manager and substitution_for(user, journal.id, values["lesson_date"],
                                             values["pair_number"])
    if not manager and not named:
        raise Forbidden(_("Вы заменяете в этом журнале другую пару: записать можно только "
                          "ту пару, которую называет изменение расписания."))
    ensure_open(user, journal.academic_year_id, day=values["lesson_date"],
                reason=data["reason"])  # 4.7, 7.3: a closed period is read-only
    # 1.7, 3.3: a lesson that takes no pair of the timetable carries the teacher's reason
    values["off_timetable_reason"] = off_timetable_reason(
        journal, values["lesson_date"], values["pair_number"], data["off_timetable_reason"])
    teacher_id = journal.teacher_id
    substitute = data["substitute_teacher_id"]
    if named:
        teacher_id = user.id
    elif substitute is not None:
        teacher_id = substitute
        sub_user = appbuilder.sm.get_user_by_id(teacher_id)
        if sub_user is None or "Teacher" not in {r.name for r in sub_user.roles}:
            raise DomainError(_("Заменяющий преподаватель не найден."))
    elif user.id != journal.teacher_id:
        raise Forbidden(_("Без замены занятие записывает преподаватель журнала."))
    lesson = Lesson(journal_id=journal.id, subgroup_id=journal.subgroup_id, teacher_id=teacher_id,
                    is_substitution=teacher_id != journal.teacher_id,
                    is_late=values["lesson_date"] < today, created_by_id=user.id, **values)
    db.session.add(lesson)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("На эту дату и пару занятие уже записано.")) from None
    audit.record("lesson_create", "lesson", lesson.id, details={
        "journal": journal.id, "date": lesson.lesson_date, "pair": lesson.pair_number,
        "late": lesson.is_late, "substitute": teacher_id if lesson.is_substitution else None})
    if lesson.attendance_taken:
        audit_taken(user, [lesson], "lesson")
    return lesson


def lesson_of(journal: Journal, lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.journal_id != journal.id:
        raise NotFound(_("Занятие не найдено."))
    return lesson


def update_lesson(user, journal: Journal, lesson: Lesson, data: dict, today: date) -> Lesson:
    """Change a lesson: only the fields `data` sends (read through LessonSchema), under the
    same rules as a new one."""
    if not can_write_lesson(user, journal, lesson):
        raise Forbidden(_("Изменять это занятие может преподаватель журнала или заменявший."))
    data = load(LessonSchema(), data, partial=True)  # a change: only the fields it sends
    # 4.7, 7.3: a lesson of a closed period is read-only, whatever is sent
    ensure_open(user, journal.academic_year_id, day=lesson.lesson_date, reason=data.get("reason"))
    values = _values(journal, data, today)
    if "lesson_date" in values or "pair_number" in values:  # 4.6: not into a pair to come
        ensure_pair_begun(values.get("lesson_date", lesson.lesson_date),
                          values.get("pair_number", lesson.pair_number), today)
    if values.get("lesson_date", lesson.lesson_date) != lesson.lesson_date:
        ensure_open(user, journal.academic_year_id, day=values["lesson_date"],
                    reason=data.get("reason"))
    if {"lesson_date", "pair_number", "off_timetable_reason"} & set(data):
        # 1.7, 3.3: moved to another day or pair, the lesson is matched with the timetable again
        values["off_timetable_reason"] = off_timetable_reason(
            journal, values.get("lesson_date", lesson.lesson_date),
            values.get("pair_number", lesson.pair_number),
            data.get("off_timetable_reason", lesson.off_timetable_reason), lesson.id)
    old = {k: getattr(lesson, k) for k in values}
    for key, value in values.items():
        setattr(lesson, key, value)
    if "lesson_date" in values and lesson.lesson_date < today and lesson.created_at and \
            clock.local_date(lesson.created_at) > lesson.lesson_date:
        lesson.is_late = True
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("На эту дату и пару занятие уже записано.")) from None
    changed = {k: [old[k], v] for k, v in values.items() if old[k] != v}
    audit.record("lesson_update", "lesson", lesson.id,
                 details={"journal": journal.id, "changes": changed})
    if "attendance_taken" in changed:
        audit_taken(user, [lesson], "lesson")
    return lesson


def may_write_cells(user, journal: Journal) -> bool:
    """4.4: marks are written by the journal's teacher and by a substitute in the lessons they
    gave; everybody else reads the grid only."""
    if is_journal_teacher(user, journal):
        return True
    return db.session.scalar(select(Lesson.id).where(
        Lesson.journal_id == journal.id, Lesson.is_substitution.is_(True),
        Lesson.teacher_id == getattr(user, "id", None)).limit(1)) is not None


def lesson_contents(lesson: Lesson) -> dict:
    """What deleting the lesson would take away: its filled cells, marks and absences (1.6)."""
    cells = db.session.scalars(select(JournalCell).where(JournalCell.lesson_id == lesson.id)
                               .options(selectinload(JournalCell.marks),
                                        joinedload(JournalCell.student))).all()
    filled = [c for c in cells if c.absent or c.marks]
    return {"cells": filled,
            "marks": sum(len(c.marks) for c in filled),
            "absences": sum(1 for c in filled if c.absent)}


def deletion_rule(user, journal: Journal, lesson: Lesson, today: date,
                  contents: dict | None = None) -> str:
    """Who may delete this lesson (1.6, issue-13 clause 1.6): its journal's teacher an empty
    lesson any day and a lesson holding marks or absences on the lesson's day only; after that
    only the deputy, with a reason. Returns "teacher" or "deputy" (reason required); raises
    Forbidden otherwise."""
    contents = contents if contents is not None else lesson_contents(lesson)
    empty = not contents["cells"]
    if is_journal_teacher(user, journal) and (empty or lesson.lesson_date == today):
        return "teacher"
    if role_names(user) & DELETES_PAST_LESSONS:
        return "deputy"
    if is_journal_teacher(user, journal):
        raise Forbidden(
            _("Занятие с отметками и пропусками преподаватель может удалить только в день занятия "
              "(%(lesson_date)s); позже его удаляет заместитель директора по учебной работе с "
              "указанием причины.", lesson_date=lesson.lesson_date.strftime("%d.%m.%Y")))
    raise Forbidden(_("Удалить занятие может только преподаватель журнала."))


def delete_lesson(user, journal: Journal, lesson: Lesson, today: date,
                  reason: str | None = None) -> dict:
    """Delete a lesson (1.6): the lesson is hidden from the journal, its marks and absences are
    removed from the grid, but the lesson row and every history row of its cells stay; the
    clearing of each cell is added to that history and the audit entry keeps what the cells
    held, who deleted the lesson and why."""
    contents = lesson_contents(lesson)
    who = deletion_rule(user, journal, lesson, today, contents)
    reason = load(LessonDeletionSchema(), {"reason": reason})["reason"]
    ensure_open(user, journal.academic_year_id, day=lesson.lesson_date, reason=reason)
    if who == "deputy" and not reason:
        raise BadInput(_("Укажите причину удаления занятия: она сохраняется в журнале аудита."))
    held = {str(c.student_id): history_text(c.absent, c.absence_reason, c.marks)
            for c in contents["cells"]}
    late = lesson.lesson_date < today
    for cell in contents["cells"]:
        db.session.add(CellChange(lesson_id=lesson.id, student_id=cell.student_id,
                                  old_value=held[str(cell.student_id)], new_value="",
                                  changed_by_id=user.id, is_correction=late))
    audit.record("lesson_delete", "lesson", lesson.id, details={
        "journal": journal.id, "date": lesson.lesson_date, "pair": lesson.pair_number,
        "topic": lesson.topic, "cells": held, "marks": contents["marks"],
        "absences": contents["absences"], "reason": reason or None, "by": who})
    cell_ids = select(JournalCell.id).where(JournalCell.lesson_id == lesson.id)
    db.session.execute(delete(Mark).where(Mark.cell_id.in_(cell_ids)))
    db.session.execute(delete(JournalCell).where(JournalCell.lesson_id == lesson.id))
    lesson.deleted_at = clock.now()
    lesson.deleted_by_id = user.id
    lesson.delete_reason = reason or None
    db.session.flush()
    db.session.expire_all()  # the session holds no deleted cells or a "live" deleted lesson
    return {"marks": contents["marks"], "absences": contents["absences"]}


def lesson_dict(lesson: Lesson) -> dict:
    return {"id": lesson.id, "date": lesson.lesson_date.isoformat(), "pair": lesson.pair_number,
            "topic": lesson.topic or "", "topic_id": lesson.topic_id,
            "lesson_type": lesson.lesson_type, "hours": lesson.hours,
            "homework": lesson.homework or "", "homework_kind": lesson.homework_kind,
            "teacher_id": lesson.teacher_id, "substitution": lesson.is_substitution,
            "late": lesson.is_late, "attendance_taken": lesson.attendance_taken,
            "off_timetable_reason": lesson.off_timetable_reason,
            "complete": lesson.is_complete}
