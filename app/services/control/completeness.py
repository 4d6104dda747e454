"""The curator's weekly completeness check of a group's journals (3.3, 3.4) and the
correction of absence reasons (the «Н» itself stays, 5.2)."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import DomainError, Forbidden, NotFound, Refused
from ...extensions import db
from ...infra.clock import today as clock_today
from ...models import AcademicYear, CellChange, Journal, JournalCell, Lesson, Student, StudentGroup
from ...models.base import utcnow
from ...security.access import SEES_ALL_JOURNALS
from ..journal.access import history_text
from ..journal.periods import ensure_open
from ..journal.timetable import timetabled_pairs, week_end, week_start
from ..records import audit
from ..scopes import current_curated_group_ids, curates_now, role_names

REASONS = labels.ABSENCE_REASONS  # the reasons a curator chooses from (the «Н» stays)
PROBLEMS = labels.WEEK_CHECK_PROBLEMS


# The name its callers and tests know; a refusal of 3.3's rules answers 422.
BadInput = Refused


def may_manage_group(user, group: StudentGroup) -> bool:
    """The group's curator now (scopes.curates_now), or the administration, who read every
    journal (rows of 3.3: a curator sees only their own)."""
    return curates_now(user, group) or bool(role_names(user) & SEES_ALL_JOURNALS)


def groups_for(user) -> list[StudentGroup]:
    """The groups of the curator's pages: the ones the user curates now; every group for
    the administration."""
    query = select(StudentGroup).order_by(StudentGroup.name)
    if not role_names(user) & SEES_ALL_JOURNALS:
        query = query.where(StudentGroup.id.in_(current_curated_group_ids(user)))
    return db.session.scalars(query).all()


def group_for(user, group_id: int) -> StudentGroup:
    group = db.session.get(StudentGroup, group_id)
    if group is None:
        raise NotFound(_("Группа не найдена."))
    if not may_manage_group(user, group):
        raise Forbidden(_("Это не ваша группа."))
    return group


def _journals(group_id: int, day: date) -> dict[int, Journal]:
    """The group's journals of the academic year containing `day` (older years are closed)."""
    year_id = db.session.scalar(select(AcademicYear.id).where(
        AcademicYear.start_date <= day, AcademicYear.end_date >= day))
    query = select(Journal).where(Journal.group_id == group_id)
    if year_id is not None:
        query = query.where(Journal.academic_year_id == year_id)
    return {j.id: j for j in db.session.scalars(query.options(
        joinedload(Journal.discipline), joinedload(Journal.subgroup),
        joinedload(Journal.teacher), joinedload(Journal.group)))}


def week_check(group: StudentGroup, day: date, now: date | None = None) -> dict:
    """Everything wrong in the group's journals for the week containing `day`: lessons with no
    topic, entered late, without attendance, and timetabled pairs with no lesson (a pair is
    missing only once its day is over: 4.6 allows entry on the lesson day)."""
    now = now or clock_today()
    start = week_start(day)
    end = week_end(start)
    journals = _journals(group.id, start)
    lessons = db.session.scalars(select(Lesson).where(
        Lesson.journal_id.in_(list(journals)), Lesson.lesson_date >= start,
        Lesson.lesson_date <= end).options(
        joinedload(Lesson.teacher), joinedload(Lesson.work_program_topic)).order_by(
        Lesson.lesson_date, Lesson.pair_number)).all()
    issues = []

    def issue(kind, journal, lesson_date, pair, teacher, lesson_id=None):
        issues.append(dict(kind=kind, label=labels.text(PROBLEMS, kind), journal=journal,
                           journal_id=journal.id, date=lesson_date, pair_number=pair,
                           teacher=(f"{teacher.last_name} {teacher.first_name}"
                                    if teacher else ""),
                           discipline=str(journal.discipline), lesson_id=lesson_id))

    # 3.3: pair by pair — one recorded pair of a day does not stand for the day's other pairs
    recorded = {(le.journal_id, le.lesson_date, le.pair_number) for le in lessons}
    for p in timetabled_pairs(group.id, start, end):
        journal = journals.get(p["journal_id"])
        if journal is None or p["date"] >= now:
            continue
        if (p["journal_id"], p["date"], p["pair_number"]) not in recorded:
            issue("missing", journal, p["date"], p["pair_number"], journal.teacher)
    for le in lessons:
        journal = journals[le.journal_id]
        if not le.is_complete:
            issue("no_topic", journal, le.lesson_date, le.pair_number, le.teacher, le.id)
        if le.is_late:
            issue("late", journal, le.lesson_date, le.pair_number, le.teacher, le.id)
        if not le.attendance_taken:
            issue("no_attendance", journal, le.lesson_date, le.pair_number, le.teacher, le.id)
        topic = le.work_program_topic
        if topic is not None and topic.homework_expected and not (le.homework or "").strip():
            issue("no_homework", journal, le.lesson_date, le.pair_number, le.teacher, le.id)  # 4.8
    issues.sort(key=lambda i: (i["date"], i["pair_number"], i["discipline"], i["kind"]))
    summary = []
    for j in sorted(journals.values(), key=lambda j: j.title):
        own = [le for le in lessons if le.journal_id == j.id]
        summary.append(dict(journal=j, lessons=len(own),
                            issues=sum(1 for i in issues if i["journal_id"] == j.id)))
    # 4.6: lessons outside the work program are accepted with their reason and marked here
    off_program = [dict(journal=journals[le.journal_id], date=le.lesson_date,
                        pair_number=le.pair_number, topic=le.topic,
                        reason=le.off_program_reason, lesson_id=le.id,
                        discipline=str(journals[le.journal_id].discipline))
                   for le in lessons if le.topic_id is None and le.off_program_reason]
    # 1.7, 3.3: lessons given outside the timetable, with the teacher's reason
    off_timetable = [dict(journal=journals[le.journal_id], date=le.lesson_date,
                          pair_number=le.pair_number, hours=le.hours, lesson_id=le.id,
                          teacher=f"{le.teacher.last_name} {le.teacher.first_name}",
                          reason=labels.text(labels.OFF_TIMETABLE_REASONS,
                                             le.off_timetable_reason),
                          discipline=str(journals[le.journal_id].discipline))
                     for le in lessons if le.off_timetable_reason]
    return dict(group=group, start=start, end=end, issues=issues, journals=summary,
                off_program=off_program, off_timetable=off_timetable,
                counts={k: sum(1 for i in issues if i["kind"] == k) for k in PROBLEMS})


def week_absences(group: StudentGroup, day: date) -> list[JournalCell]:
    """The group's «Н» of the week, by date, pair and student."""
    start = week_start(day)
    end = week_end(start)
    return db.session.scalars(select(JournalCell).join(Lesson).join(
        Journal, Journal.id == Lesson.journal_id).join(
        Student, Student.id == JournalCell.student_id).where(
        Journal.group_id == group.id, JournalCell.absent.is_(True),
        Lesson.lesson_date >= start, Lesson.lesson_date <= end).options(
        joinedload(JournalCell.student), joinedload(JournalCell.lesson).joinedload(
            Lesson.journal).joinedload(Journal.discipline)).order_by(
        Lesson.lesson_date, Lesson.pair_number, Student.last_name, Student.first_name)).all()


def _reason_text(cell: JournalCell) -> str:
    return history_text(cell.absent, cell.absence_reason, cell.marks)


def correct_reason(user, cell_id: int, reason: str, now: date | None = None) -> JournalCell:
    """Set the reason of an absence (уважительная / болезнь / неуважительная). The «Н» stays;
    the change is kept in the cell history and the audit log."""
    if reason not in REASONS:
        raise Refused(_("Выберите причину: уважительная, болезнь или неуважительная."))
    cell = db.session.get(JournalCell, cell_id)
    if cell is None:
        raise NotFound(_("Отметка не найдена."))
    lesson = cell.lesson
    group = lesson.journal.group
    if not may_manage_group(user, group):
        raise Forbidden(_("Это не ваша группа."))
    if not cell.absent:
        raise Refused(_("У студента на этом занятии нет «Н»: причину указать нельзя."))
    try:  # 4.7, 7.3: a closed period or an archived year is read-only
        ensure_open(user, lesson.journal.academic_year_id, day=lesson.lesson_date)
    except DomainError as exc:
        raise Forbidden(exc.message) from None
    if cell.absence_reason == reason:
        return cell
    old = _reason_text(cell)
    cell.absence_reason = reason
    cell.updated_by_id, cell.updated_at = user.id, utcnow()
    new = _reason_text(cell)
    now = now or clock_today()
    db.session.add(CellChange(lesson_id=lesson.id, student_id=cell.student_id, old_value=old,
                              new_value=new, changed_by_id=user.id,
                              is_correction=now > lesson.lesson_date))
    audit.record("cell_change", "journal_cell", f"{lesson.id}:{cell.student_id}",
                 details={"journal": lesson.journal_id, "lesson": lesson.id,
                          "student": cell.student_id, "old": old, "new": new}, user=user)
    db.session.flush()
    return cell


def correct_reasons(user, reasons: dict[int, str], now: date | None = None) -> list[JournalCell]:
    """The reasons of a whole week saved at once (5.2): every absence goes through
    `correct_reason` (history and audit per cell); an empty choice leaves the cell as it is.
    All or nothing — one refused row changes no row (the caller rolls back)."""
    changed = []
    for cell_id, reason in sorted(reasons.items()):
        if not reason:
            continue
        cell = db.session.get(JournalCell, cell_id)
        before = cell.absence_reason if cell is not None else None
        cell = correct_reason(user, cell_id, reason, now)
        if cell.absence_reason != before:
            changed.append(cell)
    return changed
