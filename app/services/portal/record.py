"""A student's record (2.2, 3.6): current period by discipline, homework, history over all
years; who may read it; reports of a wrong mark (to the teacher) and of access problems
(to the curator, 5.4). Pages, the API and the XLSX export all call these functions."""
from dataclasses import asdict, dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import BadInput
from ...extensions import db
from ...infra.bulk import plain_rows
from ...infra.clock import today
from ...models import (
    Discipline, GroupMembership, Journal, Lesson, Student, StudentGroup, SubgroupMember, User,
)
from ...security.access import SEES_COLLEGE, TEACHES
from ..assessment import session
from ..journal import progress
from ..journal.access import cell_text
from ..journal.progress import weighted_average, work_kind_weights
from ..records import audit
from ..scopes import (
    curated_group_ids, parent_child_denial, parent_children, role_names, sees_student_now,
    taught_journal_ids,
)
from . import diary

HOMEWORK_DAYS = 7
# The administration reads every record; IT keeps accounts, not personal records (4.1).


class RecordError(BadInput):
    """The record or a report about it refused (3.6, 5.4)."""


class RecordDenied(RecordError):
    status = 403


class RecordNotFound(RecordError):
    status = 404


def _student(student_id) -> Student:
    try:
        student = db.session.get(Student, int(student_id),
                                 options=[joinedload(Student.group)])
    except (TypeError, ValueError):
        student = None
    if student is None:
        raise RecordNotFound(_("Обучающийся не найден."))
    return student


def parent_denial_message(student: Student, reason: str) -> str:
    if reason == "adult":
        born = student.birth_date
        try:
            birthday = born.replace(year=born.year + 18)
        except ValueError:  # born on 29 February
            birthday = born.replace(year=born.year + 18, month=3, day=1)
        return _("Доступ прекращён: обучающемуся исполнилось 18 лет (%(day)s).",
                 day=birthday.strftime("%d.%m.%Y"))
    return _("Доступ прекращён: обучающийся больше не обучается в техникуме.")


def record_scope(user, student: Student):
    """Which journals of this student's record the user may read: None = all of them,
    a select of journal ids = only those (a teacher: their disciplines). Raises RecordDenied."""
    roles = role_names(user)
    if roles & SEES_COLLEGE or (student.user_id is not None
                                      and student.user_id == user.id):
        return None
    if "Parent" in roles and db.session.scalar(
            select(Student.id).where(Student.id == student.id,
                                     Student.id.in_(parent_children(user)))):
        reason = parent_child_denial(student)  # 5.2: ends at 18 or on leaving
        if reason is None:
            return None
        raise RecordDenied(parent_denial_message(student, reason))
    if not sees_student_now(user, student.id):  # the people screens' rule (scopes.py)
        raise RecordDenied(_("Нет доступа к данным этого обучающегося."))
    if "Curator" in roles and db.session.scalar(
            select(StudentGroup.id).where(StudentGroup.id == student.group_id,
                                          StudentGroup.id.in_(curated_group_ids(user)))):
        return None
    if roles & TEACHES:  # a student of their current groups: their own disciplines only
        return taught_journal_ids(user)
    raise RecordDenied(_("Нет доступа к данным этого обучающегося."))


def _journal_ids(student: Student):
    """Journals of every group the student was in, their own subgroup only (5.3)."""
    return _journals_of(student.id, student.group_id)


def _journals_of(student_id, group_id):
    groups = select(GroupMembership.group_id).where(GroupMembership.student_id == student_id)
    subgroups = select(SubgroupMember.subgroup_id).where(SubgroupMember.student_id == student_id)
    return select(Journal.id).where(
        or_(Journal.group_id == group_id, Journal.group_id.in_(groups)),
        or_(Journal.subgroup_id.is_(None), Journal.subgroup_id.in_(subgroups)))


@dataclass(frozen=True, slots=True)
class RecordDiscipline:
    code: str
    name: str
    kind: str

    def __str__(self) -> str:
        return Discipline.label(self.code, self.name)


@dataclass(frozen=True, slots=True)
class RecordJournal:
    """What the record shows of a journal, read as plain columns: mapping the journals with
    their disciplines and teachers was a seventh of a record's cost."""
    id: int
    academic_year_id: int
    discipline: RecordDiscipline
    teacher: str  # "Фамилия Имя"


# The record's statements, built once: a record is read on every diary view, and building
# them cost more than SQLAlchemy's finding them compiled.
_RECORD_JOURNALS = (
    select(Journal.id, Journal.academic_year_id, Discipline.code, Discipline.name,
           Discipline.kind, User.last_name, User.first_name)
    .join(Discipline, Discipline.id == Journal.discipline_id)
    .join(User, User.id == Journal.teacher_id)
    .where(Journal.id.in_(_journals_of(bindparam("student_id"), bindparam("group_id")))))
def record_journals(student: Student, scope) -> dict[int, RecordJournal]:
    """The journals of the student's record the reader may read (`scope`: record_scope)."""
    journals_q = _RECORD_JOURNALS
    if scope is not None:
        journals_q = journals_q.where(Journal.id.in_(scope))
    return {
        row.id: RecordJournal(row.id, row.academic_year_id,
                              RecordDiscipline(row.code, row.name, row.kind), _person(row))
        for row in plain_rows(journals_q, {"student_id": student.id,
                                           "group_id": student.group_id})}


def current_period(day, periods: list[diary.PeriodRow]):
    """The latest period begun by `day`, of `periods` (newest first)."""
    return next((p for p in periods if p.start_date <= day), None)


def student_record(user, student_id, audit_action: str = "record_view",
                   period_id=None) -> dict:
    """The whole record as plain data, for the current period or an earlier one the student
    studied in (`period_id`); writes the audit entry (4.1) and commits it."""
    student = _student(student_id)
    try:
        scope = record_scope(user, student)
    except RecordDenied:
        audit.record("access_denied", "student", student.id)  # 4.1: refused reads too
        db.session.commit()
        raise
    journals = record_journals(student, scope)
    day = today()
    known = diary.all_periods()
    periods = diary.periods_for(journals, day, known)
    current = current_period(day, known)
    period = diary.choose_period(periods, period_id, current)
    is_current = period is not None and current is not None and period.id == current.id
    lessons: list[diary.StudentLesson] = []
    if journals and period is not None:
        # one query for the period's entries, its attendance and (current period) the week
        start, end = period.start_date, min(period.end_date, day)
        if is_current:
            start, end = min(start, diary.week_range(day)[0]), day
        lessons = diary.student_lessons(student.id, journals, start, end)
    in_period = []
    if period is not None:
        first, last = period.start_date, min(period.end_date, day)
        in_period = [ls for ls in lessons if first <= ls.lesson_date <= last]
    # the final grades, the period's sheets and the open debts with their retakes: one query
    assessment = plain_rows(session.ASSESSMENT, session.assessment_params(
        student.id, journals, period.id if period is not None else None, day))
    finals = [row for row in assessment if row.source == session.GRADE]
    disciplines = {}
    for jid, journal in sorted(journals.items(), key=lambda kv: kv[1].discipline.code):
        if period is not None and journal.academic_year_id != period.academic_year_id:
            continue
        disciplines[jid] = {
            "journal_id": jid, "code": journal.discipline.code, "name": journal.discipline.name,
            "kind": journal.discipline.kind, "teacher": journal.teacher,
            "entries": [], "absences": 0, "average": None, "final_grades": [], "_marks": []}
    reasons = labels.names(labels.ABSENCE_REASONS)
    for lesson in in_period:
        row = disciplines.get(lesson.journal_id)
        if row is None or not (lesson.absent or lesson.marks):
            continue
        values = lesson.values
        row["entries"].append({
            "lesson_id": lesson.id, "date": lesson.lesson_date.isoformat(),
            "pair": lesson.pair_number, "marks": values, "absent": lesson.absent,
            "absence_reason": reasons.get(lesson.absence_reason, ""),
            "text": cell_text(lesson.absent, values)})
        row["absences"] += 1 if lesson.absent else 0
        row["_marks"] += lesson.marks
    weights = work_kind_weights()
    for row in disciplines.values():
        row["average"] = weighted_average(row.pop("_marks"), weights)
    history = []
    final_kinds = labels.names(labels.FINAL_GRADE_KINDS)
    words = labels.names(labels.GRADE_WORDS) | labels.names(labels.FINAL_RESULTS)
    for grade in sorted(finals, key=lambda g: (g.start_date, g.journal_id)):
        journal = journals[grade.journal_id]
        item = {"academic_year": grade.year_name, "period": grade.period_name,
                "code": journal.discipline.code, "name": journal.discipline.name,
                "discipline_kind": journal.discipline.kind, "kind": grade.kind,
                "kind_label": final_kinds.get(grade.kind, grade.kind),
                "value": grade.value,
                "value_text": final_text(grade.kind, grade.value, grade.basis, grade.basis_date,
                                         words),
                "basis": grade.basis,
                "basis_date": grade.basis_date.isoformat() if grade.basis_date else None}
        history.append(item)
        if period is not None and grade.period_id == period.id and grade.journal_id in disciplines:
            disciplines[grade.journal_id]["final_grades"].append(item)
    homework = _homework(journals, day, lessons if is_current else None)
    attendance = None
    if period is not None and journals:
        attendance = asdict(progress.student_attendance(
            list(disciplines), student.id, period.start_date, min(period.end_date, day),
            lessons=in_period))
    week = diary.week(student, journals, day, lessons, known) if is_current else None
    audit.record(audit_action, "student", student.id,
                 details={"scope": "all" if scope is None else "own_disciplines"})
    audit.commit_read()
    return {
        "student": {"id": student.id, "full_name": student.full_name,
                    "group": student.group.name, "status": student.status,
                    "record_book_number": student.record_book_number},
        "today": day.isoformat(),
        "period": None if period is None else {
            "id": period.id, "name": str(period), "start_date": period.start_date.isoformat(),
            "end_date": period.end_date.isoformat(), "current": is_current},
        "periods": [{"id": p.id, "name": str(p), "current": current is not None
                     and p.id == current.id} for p in periods],
        "week": week,
        "limited_to_own_disciplines": scope is not None,
        "attendance": attendance,
        "average_hint": progress.weights_hint(weights),
        "disciplines": list(disciplines.values()),
        "homework": homework,
        "history": history,
        "session": session.session_block(assessment, journals, day),
    }


def final_text(kind: str, value: str, basis: str | None, basis_date, words: dict) -> str:
    """A final grade as the record reads it: «4», «неявка», «перезачтено (академическая справка
    № 15 от 20.06.2025)», a module exam's «4, вид деятельности освоен»."""
    if value in ("2", "3", "4", "5", "зач", "незач"):
        text = value
        if kind == "module_exam" and value in ("2", "3", "4", "5"):
            text += ", " + labels.text(labels.MODULE_RESULTS, value != "2")
    else:
        text = words.get(value, value)
    if basis or basis_date:
        when = f" от {basis_date:%d.%m.%Y}" if basis_date else ""
        text += f" ({basis or ''}{when})".replace("( от", "(от")
    return text


def _homework(journals: dict[int, RecordJournal], day, lessons=None) -> list[dict]:
    """Homework set in the last HOMEWORK_DAYS days, newest first; from the student's lessons
    when the caller has them (they cover the week, which reaches further back)."""
    if not journals:
        return []
    first = day - timedelta(days=HOMEWORK_DAYS)
    if lessons is None:
        lessons = db.session.scalars(
            select(Lesson).where(Lesson.journal_id.in_(journals),
                                 Lesson.lesson_date.between(first, day),
                                 Lesson.homework.is_not(None), Lesson.homework != ""))
    found = [ls for ls in lessons if first <= ls.lesson_date <= day and ls.homework]
    found.sort(key=lambda ls: (-ls.lesson_date.toordinal(), ls.pair_number))
    return [{"date": ls.lesson_date.isoformat(),
             "discipline": str(journals[ls.journal_id].discipline),
             "text": ls.homework, "kind": ls.homework_kind,
             "kind_label": labels.homework_kind(ls.homework_kind)} for ls in found]


def _person(person) -> str:
    """An account, or a row with its names: "Фамилия Имя"."""
    return f"{person.last_name} {person.first_name}" if person else ""


def visible_children(user) -> list[tuple[Student, str | None]]:
    """A parent's linked children, each with the reason access ended (None = allowed)."""
    children = db.session.scalars(select(Student).where(Student.id.in_(parent_children(user)))
                                  .options(joinedload(Student.group))
                                  .order_by(Student.last_name)).all()
    return [(c, (lambda r: r and parent_denial_message(c, r))(parent_child_denial(c)))
            for c in children]


def own_student_ids(user) -> list[int]:
    """Records this account opens directly: its own, or a parent's children."""
    ids = list(db.session.scalars(select(Student.id).where(Student.user_id == user.id)))
    ids += [c.id for c, reason in visible_children(user) if reason is None]
    return ids
