"""Marks and absences (1.6, 4.5): batches saved all-or-nothing, every change kept in the cell's
history, concurrent edits detected through JournalCell.version."""
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..models import CellChange, Journal, JournalCell, Lesson, Mark
from ..models.journal import WORK_KINDS
from . import audit
from .journal import (
    BadInput, Conflict, DomainError, Forbidden, can_write_lesson, cell_text, enrolled_on, roster,
)

MAX_BATCH = 500
MAX_MARKS_PER_CELL = 4


def mark_values(journal: Journal) -> list[str]:
    """4.5: a credit discipline is marked зачёт/незачёт, the others 2–5."""
    return ["зач", "незач"] if journal.assessment_form == "credit" else ["2", "3", "4", "5"]


def _parse_change(raw, allowed: list[str]) -> dict:
    if not isinstance(raw, dict):
        raise BadInput("Изменение ячейки должно быть объектом.")
    lesson_id, student_id = _row_id(raw, "lesson_id"), _row_id(raw, "student_id")
    if lesson_id is None or student_id is None:
        raise BadInput("У изменения не указаны занятие и студент.")
    version = raw.get("version") or 0
    if not isinstance(version, int) or version < 0:
        raise BadInput("Версия ячейки указана неверно.")
    marks = raw.get("marks") or []
    if not isinstance(marks, list) or len(marks) > MAX_MARKS_PER_CELL:
        raise BadInput(f"В ячейке не более {MAX_MARKS_PER_CELL} отметок.")
    clean = []
    for mark in marks:
        if not isinstance(mark, (str, dict, type(None))):
            raise BadInput("Отметка указана неверно.")
        value, kind = (mark, "current") if isinstance(mark, str) else (
            (mark or {}).get("value"), (mark or {}).get("kind") or "current")
        if value not in allowed:
            raise DomainError(f"Недопустимая отметка «{value}»: в этом журнале "
                              f"ставятся {', '.join(allowed)}.")
        if kind not in WORK_KINDS:
            raise BadInput("Неизвестный вид работы.")
        clean.append((value, kind))
    return {"lesson_id": lesson_id, "student_id": student_id, "version": version,
            "absent": bool(raw.get("absent")), "marks": clean}


def _row_id(raw, key):
    """A database id from JSON: a positive integer or its digits; anything else is None."""
    value = raw.get(key) if isinstance(raw, dict) else None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        return None
    return value


def save_cells(user, journal: Journal, changes, today: date) -> list[dict]:
    """Apply a batch of cell changes, all or nothing (4.5).

    Each change names the cell version the writer saw; if the cell changed since, nothing is
    written and Conflict carries the current values of the conflicting cells.
    """
    if not isinstance(changes, list) or not changes:
        raise BadInput("Нет изменений для сохранения.")
    if len(changes) > MAX_BATCH:
        raise BadInput(f"Не более {MAX_BATCH} ячеек за раз.")
    allowed = mark_values(journal)
    parsed = [_parse_change(raw, allowed) for raw in changes]
    keys = {(c["lesson_id"], c["student_id"]) for c in parsed}
    if len(keys) != len(parsed):
        raise BadInput("Ячейка указана в пакете дважды.")
    lessons = {l.id: l for l in db.session.scalars(select(Lesson).where(
        Lesson.id.in_({c["lesson_id"] for c in parsed})))}
    students = {s["id"]: s for s in roster(journal)}
    for change in parsed:
        lesson = lessons.get(change["lesson_id"])
        if lesson is None or lesson.journal_id != journal.id:
            raise BadInput("Занятие не из этого журнала.")
        if not can_write_lesson(user, journal, lesson):
            raise Forbidden("Нет права писать в это занятие.")
        student = students.get(change["student_id"])
        if student is None or not enrolled_on(student, lesson.lesson_date):
            raise DomainError("Студент не числился в группе на дату занятия.")
    cells = {(c.lesson_id, c.student_id): c for c in db.session.scalars(
        select(JournalCell).where(tuple_(JournalCell.lesson_id, JournalCell.student_id)
                                  .in_(list(keys)))
        .options(selectinload(JournalCell.marks)))}
    seen_version = {(c["lesson_id"], c["student_id"]): c["version"] for c in parsed}
    conflicts = [cell_dict(cells[k]) if k in cells else _empty(k)
                 for k, version in seen_version.items()
                 if (cells[k].version if k in cells else 0) != version]
    if conflicts:
        raise Conflict("Ячейку уже изменил другой пользователь: показано текущее значение.",
                       payload={"conflicts": conflicts})
    saved = []
    try:
        for change in parsed:
            key = (change["lesson_id"], change["student_id"])
            saved.append(_apply(user, lessons[key[0]], cells.get(key), change, today))
        for lesson in {lessons[c["lesson_id"]] for c in parsed}:
            lesson.attendance_taken = True  # the teacher saved the column (4.5)
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict("Ячейку одновременно изменил другой пользователь: обновите журнал.",
                       payload={"conflicts": current_cells(list(keys))}) from None
    return [cell_dict(cell) for cell in saved]


def _empty(key) -> dict:
    return {"lesson_id": key[0], "student_id": key[1], "absent": False, "reason": "",
            "version": 0, "marks": []}


def _apply(user, lesson: Lesson, cell: JournalCell | None, change: dict, today: date):
    old = cell_text(cell.absent, cell.marks) if cell else ""
    if cell is None:
        cell = JournalCell(lesson_id=lesson.id, student_id=change["student_id"], absent=False,
                           absence_reason="")
        db.session.add(cell)
    cell.absent = change["absent"]
    if not cell.absent:
        cell.absence_reason = ""
    # Marks are edited in place (position is unique per cell), extra ones removed.
    for position, (value, kind) in enumerate(change["marks"]):
        if position < len(cell.marks):
            cell.marks[position].value, cell.marks[position].work_kind = value, kind
        else:
            cell.marks.append(Mark(position=position, value=value, work_kind=kind))
    del cell.marks[len(change["marks"]):]
    cell.updated_by_id = user.id
    from .. models.base import utcnow
    cell.updated_at = utcnow()  # always an UPDATE, so the version check applies
    new = cell_text(cell.absent, [v for v, _ in change["marks"]])
    if new != old:
        db.session.add(CellChange(lesson_id=lesson.id, student_id=change["student_id"],
                                  old_value=old, new_value=new, changed_by_id=user.id,
                                  is_correction=today > lesson.lesson_date))
        audit.record("cell_change", "journal_cell", f"{lesson.id}:{change['student_id']}",
                     details={"journal": lesson.journal_id, "lesson": lesson.id,
                              "student": change["student_id"], "old": old, "new": new},
                     user=user)
    return cell


def cell_dict(cell: JournalCell) -> dict:
    return {"lesson_id": cell.lesson_id, "student_id": cell.student_id, "absent": cell.absent,
            "reason": cell.absence_reason, "version": cell.version,
            "marks": [{"value": m.value, "kind": m.work_kind} for m in cell.marks]}


def current_cells(keys) -> list[dict]:
    found = {(c.lesson_id, c.student_id): cell_dict(c) for c in db.session.scalars(
        select(JournalCell).where(tuple_(JournalCell.lesson_id, JournalCell.student_id)
                                  .in_(keys)).options(selectinload(JournalCell.marks)))}
    return [found.get(tuple(k), _empty(k)) for k in keys]


def cell_history(journal: Journal, lesson_id: int, student_id: int) -> list[dict]:
    """1.6: who set or changed the cell, when, old and new value."""
    from flask_appbuilder.security.sqla.models import User
    rows = db.session.execute(
        select(CellChange.changed_at, CellChange.old_value, CellChange.new_value,
               CellChange.is_correction, User.first_name, User.last_name)
        .join(Lesson, Lesson.id == CellChange.lesson_id)
        .outerjoin(User, User.id == CellChange.changed_by_id)
        .where(Lesson.journal_id == journal.id, CellChange.lesson_id == lesson_id,
               CellChange.student_id == student_id)
        .order_by(CellChange.changed_at, CellChange.id)).all()
    return [{"at": r.changed_at.isoformat(timespec="seconds"), "old": r.old_value,
             "new": r.new_value, "correction": r.is_correction,
             "by": f"{r.last_name or ''} {r.first_name or ''}".strip()} for r in rows]
