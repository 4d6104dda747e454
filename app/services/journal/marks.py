"""Marks and absences (1.6, 4.5): batches saved all-or-nothing, every change kept in the cell's
history, concurrent edits detected through JournalCell.version."""
from datetime import date

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ...errors import BadInput, Conflict, DomainError, Forbidden, Refused
from ...extensions import db
from ...infra import bulk
from ...infra.schemas import load
from ...models import CellChange, Journal, JournalCell, Lesson, Mark
from ...models.base import utcnow
from ..notifications import events as notification_events
from ..records import audit
from .access import can_write_lesson, enrolled_on, history_text, roster
from .attendance import take_on_absence
from .final_grades import has_credit, kinds_by_period
from .periods import ensure_open, period_of, year_periods
from .schemas import MarksBatchSchema


def mark_values(journal: Journal, kinds: dict | None = None) -> list[str]:
    """4.5: current marks are 2–5 in every discipline; where a final form is a credit,
    зачёт/незачёт may be used as current marks too (`kinds`: final kinds by period)."""
    marks = ["2", "3", "4", "5"]
    return marks + ["зач", "незач"] if has_credit(journal, kinds) else marks


def save_cells(user, journal: Journal, changes, today: date, reason=None) -> list[dict]:
    """Apply a batch of cell changes, all or nothing (4.5); in a closed period only the
    deputy's correction with a reason (4.7, 7.3).

    Each change names the cell version the writer saw; if the cell changed since, nothing is
    written and Conflict carries the current values of the conflicting cells. The batch's
    shape is MarksBatchSchema's (a list of 1-500 distinct cells, each with its ids, version,
    «Н» and up to 4 marks); the marks' values are checked against this journal's scale here.
    """
    batch = load(MarksBatchSchema(), {"changes": changes, "reason": reason})
    parsed = batch["changes"]
    periods, archived = year_periods(journal.academic_year_id)
    allowed = mark_values(journal, kinds_by_period(journal, periods))
    if any(change["absent"] and change["marks"] for change in parsed):
        # 4.5: «Н» says the student missed the lesson; a make-up is marked where it was done
        raise Refused(_("В одной клетке не может быть «Н» и отметки: отработку отмечают на "
                        "занятии, где она была."))
    for value in (value for change in parsed for value, _kind in change["marks"]):
        if value not in allowed:
            raise DomainError(_("Недопустимая отметка «%(value)s»: в этом журнале "
                                "ставятся %(allowed)s.", value=value, allowed=", ".join(allowed)))
    keys = {_key(c) for c in parsed}
    lessons = {l.id: l for l in db.session.scalars(select(Lesson).where(
        Lesson.id.in_({c["lesson_id"] for c in parsed})))}
    students = {s["id"]: s for s in roster(journal)}
    corrections = {}  # lesson id → the deputy's reason in a closed period, else None
    for change in parsed:
        lesson = lessons.get(change["lesson_id"])
        if lesson is None or lesson.journal_id != journal.id:
            raise BadInput(_("Занятие не из этого журнала."))
        if lesson.id not in corrections:
            corrections[lesson.id] = ensure_open(
                user, journal.academic_year_id, period=period_of(periods, lesson.lesson_date),
                reason=batch["reason"], archived=archived)
        change["reason"] = corrections[lesson.id]
        if not (change["reason"] or can_write_lesson(user, journal, lesson)):
            raise Forbidden(_("Нет права писать в это занятие."))
        student = students.get(change["student_id"])
        if student is None or not enrolled_on(student, lesson.lesson_date):
            raise DomainError(_("Студент не числился в группе на дату занятия."))
    cells = _load_cells(keys)
    conflicts = [_public(cells[k]) if k in cells else _empty(k)
                 for k, version in ((_key(c), c["version"]) for c in parsed)
                 if (cells[k]["version"] if k in cells else 0) != version]
    if conflicts:
        raise Conflict(_("Ячейку уже изменил другой пользователь: показано текущее значение."),
                       payload={"conflicts": conflicts})
    try:
        saved, history = _write(user, lessons, cells, parsed, today)
    except (_Stale, IntegrityError):
        db.session.rollback()
        raise Conflict(_("Ячейку одновременно изменил другой пользователь: обновите журнал."),
                       payload={"conflicts": current_cells(list(keys))}) from None
    # SPEC §5: the student and the minor's parents are told, one row per student and lesson
    notification_events.cells(db.session.connection(), journal, lessons, history,
                              {sid: s["name"] for sid, s in students.items()})
    return saved


class _Stale(Exception):
    """A cell's version moved between reading and writing it (another writer won)."""


def _key(change) -> tuple[int, int]:
    return change["lesson_id"], change["student_id"]


def _empty(key) -> dict:
    return {"lesson_id": key[0], "student_id": key[1], "absent": False, "reason": "",
            "version": 0, "marks": []}


def _public(cell: dict) -> dict:
    return {k: v for k, v in cell.items() if k != "id"}


def _load_cells(keys) -> dict:
    """The cells of a batch with their marks, in one query: (lesson, student) → cell."""
    connection = db.session.connection()
    query = bulk.statement(("batch cells", connection.dialect.name), lambda: (
        select(JournalCell.id, JournalCell.lesson_id, JournalCell.student_id,
               JournalCell.absent, JournalCell.absence_reason, JournalCell.version,
               Mark.value, Mark.work_kind)
        .outerjoin(Mark, Mark.cell_id == JournalCell.id)
        .where(bulk.among(connection, JournalCell.lesson_id, "lessons"),
               bulk.among(connection, JournalCell.student_id, "students"))
        .order_by(JournalCell.id, Mark.position)))
    # the batch's lessons × its students, through the unique (lesson, student) index; a
    # batch is a lesson's column or a student's row, so few cells are read and not kept
    keys = set(keys)
    rows = connection.execute(query, {
        "lessons": bulk.ids(connection, {lesson for lesson, _ in keys}),
        "students": bulk.ids(connection, {student for _, student in keys})})
    cells = {}
    for r in rows:
        if (r.lesson_id, r.student_id) not in keys:
            continue
        cell = cells.setdefault((r.lesson_id, r.student_id), {
            "id": r.id, "lesson_id": r.lesson_id, "student_id": r.student_id,
            "absent": r.absent, "reason": r.absence_reason, "version": r.version,
            "marks": []})
        if r.value is not None:
            cell["marks"].append({"value": r.value, "kind": r.work_kind})
    return cells


def _write(user, lessons: dict, cells: dict, parsed: list, today: date
           ) -> tuple[list[dict], list[dict]]:
    """Write the whole batch in a fixed number of statements, whatever its size (1.6, 4.5):
    new cells in one INSERT, the others in one versioned UPDATE (a row whose version moved
    is not updated, and the batch is refused), their marks replaced, one history row and one
    audit entry per changed cell. An INSERT … RETURNING given a list of rows goes to the
    database as one multi-row statement, compiled once and cached. → the saved cells and the
    history rows of the changed ones."""
    now = utcnow()
    cell_t, mark_t = JournalCell.__table__, Mark.__table__
    # Core statements on the transaction's connection: nothing here needs the ORM's layer
    connection = db.session.connection()
    fresh = [c for c in parsed if _key(c) not in cells]
    known = [c for c in parsed if _key(c) in cells]
    ids = {}
    if fresh:
        inserted = bulk.insert_rows(
            connection, cell_t,
            [{"lesson_id": c["lesson_id"], "student_id": c["student_id"],
              "absent": c["absent"], "absence_reason": "", "version": 1,
              "updated_by_id": user.id, "updated_at": now} for c in fresh],
            returning=("id", "lesson_id", "student_id"))
        ids.update({(r.lesson_id, r.student_id): r.id for r in inserted})
    if known:
        # the version bump is always written, so a concurrent writer's check fails (4.5)
        updated = bulk.update_rows(
            connection, cell_t, "id",
            [{"id": cells[_key(c)]["id"], "version": c["version"], "absent": c["absent"],
              "absence_reason": cells[_key(c)]["reason"] if c["absent"] else ""}
             for c in known],
            values={"absent": "absent", "absence_reason": "absence_reason",
                    "version": cell_t.c.version + 1},
            common={"updated_by_id": user.id, "updated_at": now}, match=("version",))
        if updated != len(known):
            raise _Stale()
        ids.update({_key(c): cells[_key(c)]["id"] for c in known})
        connection.execute(
            bulk.statement(("batch marks", connection.dialect.name), lambda: delete(mark_t)
                           .where(bulk.among(connection, mark_t.c.cell_id, "cells"))),
            {"cells": bulk.ids(connection, [cells[_key(c)]["id"] for c in known])})
    bulk.insert_rows(connection, mark_t, [
        {"cell_id": ids[_key(c)], "position": position, "value": value, "work_kind": kind}
        for c in parsed for position, (value, kind) in enumerate(c["marks"])])
    history = _record_changes(user, lessons, cells, parsed, today, now)
    # 4.5: the first «Н» takes the lesson's attendance; a mark alone does not
    take_on_absence(user, lessons.values(), {c["lesson_id"] for c in parsed if c["absent"]})
    saved = []
    for c in parsed:
        before = cells.get(_key(c))
        saved.append({"lesson_id": c["lesson_id"], "student_id": c["student_id"],
                      "absent": c["absent"],
                      "reason": before["reason"] if before and c["absent"] else "",
                      "version": before["version"] + 1 if before else 1,
                      "marks": [{"value": v, "kind": k} for v, k in c["marks"]]})
    return saved, history


def _record_changes(user, lessons, cells, parsed, today, now) -> list[dict]:
    """1.6: each changed cell keeps a history row (old → new) and an audit entry (4.1): a
    change of a mark's value, of its kind of work (its weight in the average), of the «Н» or
    of the absence's reason; a cell saved as it was adds neither. → the history rows."""
    history, changed = [], []
    for c in parsed:
        before = cells.get(_key(c))
        old = history_text(before["absent"], before["reason"],
                           [(m["value"], m["kind"]) for m in before["marks"]]) if before else ""
        new = history_text(c["absent"], before["reason"] if before and c["absent"] else "",
                           c["marks"])
        if new == old:  # nothing of the cell changed: no history, no audit entry
            continue
        lesson = lessons[c["lesson_id"]]
        history.append({"lesson_id": lesson.id, "student_id": c["student_id"],
                        "old_value": old, "new_value": new, "changed_by_id": user.id,
                        "changed_at": now, "is_correction": today > lesson.lesson_date,
                        "correction_reason": c.get("reason")})
        changed.append((f"{lesson.id}:{c['student_id']}", {
            "journal": lesson.journal_id, "lesson": lesson.id, "student": c["student_id"],
            "old": old, "new": new, "reason": c.get("reason")}))
    audit.record_many("cell_change", "journal_cell", changed, user=user)
    bulk.insert_rows(db.session.connection(), CellChange.__table__, history)
    return history


def cell_dict(cell: JournalCell) -> dict:
    return {"lesson_id": cell.lesson_id, "student_id": cell.student_id, "absent": cell.absent,
            "reason": cell.absence_reason, "version": cell.version,
            "marks": [{"value": m.value, "kind": m.work_kind} for m in cell.marks]}


def current_cells(keys) -> list[dict]:
    found = _load_cells([tuple(k) for k in keys])
    return [_public(found[tuple(k)]) if tuple(k) in found else _empty(k) for k in keys]


def cell_history(journal: Journal, lesson_id: int, student_id: int) -> list[dict]:
    """1.6: who set or changed the cell, when, old and new value."""
    rows = db.session.execute(
        select(CellChange.changed_at, CellChange.old_value, CellChange.new_value,
               CellChange.is_correction, CellChange.correction_reason, User.first_name,
               User.last_name)
        .join(Lesson, Lesson.id == CellChange.lesson_id)
        .outerjoin(User, User.id == CellChange.changed_by_id)
        .where(Lesson.journal_id == journal.id, CellChange.lesson_id == lesson_id,
               CellChange.student_id == student_id)
        .order_by(CellChange.changed_at, CellChange.id)).all()
    return [{"at": r.changed_at.isoformat(timespec="seconds"), "old": r.old_value,
             "new": r.new_value, "correction": r.is_correction,
             "reason": r.correction_reason or "",
             "by": f"{r.last_name or ''} {r.first_name or ''}".strip()} for r in rows]
