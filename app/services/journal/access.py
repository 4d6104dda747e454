"""The journal's access rules: who may read and write a journal and its lessons, and the
journal's roster (1.6, 4.4, 5.3).

Lessons, marks, final grades and the grid have their own modules (lessons.py, marks.py,
final_grades.py, grid.py); all of them use the access checks and the roster defined here.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import Forbidden, NotFound
from ...extensions import db
from ...infra.bulk import plain_rows, statement
from ...models import GroupMembership, Journal, Lesson, Student, SubgroupMember
from ...security.access import MANAGES_LESSONS
from ..scopes import journal_filter, journal_scope, role_names


def row_for_read(query, model, row_id: int, missing: str, denied: str,
                 not_found=NotFound, forbidden=Forbidden, params=None):
    """The row `query` (with its `params`) finds under the user's row scope; if none, 404
    when no such row exists, else 403 — one more query only on refusal."""
    row = db.session.scalar(query, params)
    if row is None:
        if db.session.get(model, row_id) is None:
            raise not_found(missing)
        raise forbidden(denied)
    return row


def journal_for_read(user, journal_id: int) -> Journal:
    """The journal if the user may read it (row scope), else NotFound/Forbidden."""
    # built once per kind of scope: every write to a journal and every grid reads it first
    query = statement(("journal for read", journal_scope(user)), lambda: (
        select(Journal).where(Journal.id == bindparam("journal_id"),
                              journal_filter(user, bindparam("user_id")))
        .options(joinedload(Journal.group), joinedload(Journal.subgroup),
                 joinedload(Journal.discipline), joinedload(Journal.teacher),
                 joinedload(Journal.academic_year))))
    return row_for_read(query, Journal, journal_id, _("Журнал не найден."),
                        _("Нет доступа к этому журналу."),
                        params={"journal_id": journal_id, "user_id": getattr(user, "id", None)})


def is_journal_teacher(user, journal: Journal) -> bool:
    return getattr(user, "id", None) == journal.teacher_id


def can_write_lesson(user, journal: Journal, lesson: Lesson) -> bool:
    """4.4: the journal's teacher writes every lesson; a substitute only the lesson they gave."""
    if is_journal_teacher(user, journal):
        return True
    return lesson.is_substitution and lesson.teacher_id == getattr(user, "id", None)


def can_manage_lessons(user, journal: Journal) -> bool:
    return is_journal_teacher(user, journal) or bool(role_names(user) & MANAGES_LESSONS)


def _roster_condition(group_id, subgroup_id):
    """Students of the journal: the group's members, or the subgroup's members (5.3)."""
    cond = GroupMembership.group_id == group_id
    if subgroup_id is not None:
        cond = and_(cond, GroupMembership.student_id.in_(
            select(SubgroupMember.student_id).where(SubgroupMember.subgroup_id == subgroup_id)))
    return cond


def roster(journal: Journal, start: date | None = None, end: date | None = None) -> list[dict]:
    """Students with their enrolment span in the group overlapping the academic year."""
    year = journal.academic_year
    start = start or year.start_date
    end = end or year.end_date
    subgroup = journal.subgroup_id is not None
    query = statement(("roster", subgroup), lambda: (
        select(Student.id, Student.last_name, Student.first_name, Student.middle_name,
               GroupMembership.start_date, GroupMembership.end_date)
        .join(GroupMembership, GroupMembership.student_id == Student.id)
        .where(_roster_condition(bindparam("group"), bindparam("subgroup") if subgroup
                                 else None),
               GroupMembership.start_date <= bindparam("end"),
               or_(GroupMembership.end_date.is_(None),
                   GroupMembership.end_date >= bindparam("start")))
        .order_by(Student.last_name, Student.first_name, Student.id,
                  GroupMembership.start_date)))
    rows = plain_rows(query, {"group": journal.group_id, "start": start, "end": end,
                                      **({"subgroup": journal.subgroup_id} if subgroup
                                         else {})})
    students: dict[int, dict] = {}
    for sid, last, first, middle, since, until in rows:
        entry = students.setdefault(sid, {
            "id": sid, "name": f"{last} {first[:1]}.{(middle or '')[:1] + '.' if middle else ''}",
            "full_name": " ".join(p for p in (last, first, middle) if p), "spans": []})
        entry["spans"].append((since, until))
    return list(students.values())


def enrolled_on(student: dict, day: date) -> bool:
    return any(since <= day and (until is None or until >= day)
               for since, until in student["spans"])


def cell_text(absent: bool, marks) -> str:
    """How a cell reads in the paper journal: «Н» and/or the marks, e.g. "Н" or "5 4"."""
    parts = ["Н"] if absent else []
    parts += [m if isinstance(m, str) else m.value for m in marks]
    return " ".join(parts)


def history_text(absent: bool, reason: str, marks) -> str:
    """How a cell reads in its history (1.6): «Н» with the absence's reason, and each mark
    with its kind of work unless it is a plain current mark — so that a change of the reason,
    of a mark's kind (and with it its weight in the average) is a change of the text, e.g.
    "Н (болезнь)" or "5 (контрольная) 4". `marks`: Mark rows or (value, kind) pairs; stored in
    Russian whatever the writer's language, as the paper journal would read."""
    parts = []
    if absent:
        label = labels.russian(labels.ABSENCE_REASONS, reason or "")
        parts.append(f"Н ({label})" if label else "Н")
    for mark in marks:
        value, kind = (mark.value, mark.work_kind) if hasattr(mark, "value") else mark
        label = "" if (kind or "current") == "current" else labels.russian(
            labels.WORK_KINDS, kind, kind)
        parts.append(f"{value} ({label})" if label else value)
    return " ".join(parts)


def sibling_journal_ids(journal: Journal) -> list[int]:
    """5.3: the journals of the other subgroups of the same group and discipline."""
    return list(db.session.scalars(select(Journal.id).where(
        Journal.group_id == journal.group_id, Journal.discipline_id == journal.discipline_id,
        Journal.academic_year_id == journal.academic_year_id,
        Journal.subgroup_id.is_not(None)).order_by(Journal.id)))
