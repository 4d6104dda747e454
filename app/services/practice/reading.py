"""Practice: what the pages and the API read — the practices a user sees, the supervisor's
overview of progress (a constant number of queries), the mentor's students and start page, and
a student's practices as plain data (name and group only; a mentor's read is audited)."""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ...models import FinalGrade, Journal, Student
from ...models.practice import (
    Practice, PracticeAttestation, PracticeAttestationItem, PracticeCompetency, PracticeDiaryEntry,
    PracticePlacement,
)
from ..journal.access import row_for_read
from ..records import audit
from ..scopes import role_names
from .attestation import attestation_complete
from .base import (
    MENTOR_ROLE, PracticeDenied, PracticeNotFound, _day, _id, _is_mentor, _person_name,
    closing_days, silence_days, working_weekdays,
)
from .scopes import (
    basis_details, in_mentor_window, may_see_student, mentor_basis_condition,
    mentor_window_condition, no_basis_denial, placement_filter, practice_filter,
)


def _practice_options():
    return (joinedload(Practice.journal).joinedload(Journal.group),
            joinedload(Practice.journal).joinedload(Journal.discipline),
            joinedload(Practice.journal).joinedload(Journal.subgroup),
            joinedload(Practice.period), joinedload(Practice.supervisor))


def practices_for(user, day: date | None = None) -> list[Practice]:
    """The practices the user may see, newest first, with their journal, group, discipline."""
    return db.session.scalars(
        select(Practice).where(practice_filter(user, day)).options(*_practice_options())
        .order_by(Practice.start_date.desc(), Practice.id.desc())).unique().all()


def practice_for_read(user, practice_id, day: date | None = None) -> Practice:
    practice_id = _id(practice_id, _("Практика"))
    return row_for_read(
        select(Practice).where(Practice.id == practice_id, practice_filter(user, day))
        .options(*_practice_options(), selectinload(Practice.competencies)),
        Practice, practice_id, _("Практика не найдена."), _("Нет доступа к этой практике."),
        not_found=PracticeNotFound, forbidden=PracticeDenied)


def _working_days_back(day: date, count: int) -> date:
    """The first of the last `count` working days up to and including `day`."""
    weekdays = working_weekdays()
    found, current = 0, day
    while True:
        if current.weekday() in weekdays:
            found += 1
            if found >= count:
                return current
        current -= timedelta(days=1)


def _working_days_between(start: date, end: date) -> int:
    weekdays = working_weekdays()
    if end < start:
        return 0
    return sum(1 for n in range((end - start).days + 1)
               if (start + timedelta(days=n)).weekday() in weekdays)


def is_silent(practice: Practice, last_entry: date | None, day: date | None = None) -> bool:
    """Stopped writing: the practice is running, at least PRACTICE_SILENCE_DAYS working days of
    it have passed before today, and none of them has an entry."""
    day = _day(day)
    n = silence_days()
    if not practice.start_date <= day <= practice.end_date or n <= 0:
        return False
    yesterday = day - timedelta(days=1)
    if _working_days_between(practice.start_date, yesterday) < n:
        return False
    since = _working_days_back(yesterday, n)
    return last_entry is None or last_entry < since


def overview(user, practice_id: int | None = None, day: date | None = None) -> list[dict]:
    """Per practice the user may see: progress per placed student (days written, confirmed,
    returned, confirmed hours against the plan, last entry, stopped writing, attestation,
    grade). A constant number of queries whatever the number of practices and students."""
    day = _day(day)
    if practice_id is not None:
        practices = [practice_for_read(user, practice_id, day)]
    else:
        practices = practices_for(user, day)
    if not practices:
        return []
    ids = [p.id for p in practices]
    placements = db.session.scalars(
        select(PracticePlacement).where(PracticePlacement.practice_id.in_(ids),
                                        placement_filter(user, day))
        .options(joinedload(PracticePlacement.student).joinedload(Student.group),
                 joinedload(PracticePlacement.organisation),
                 joinedload(PracticePlacement.mentor))).unique().all()
    pids = [p.id for p in placements] or [0]
    stats = {row.placement_id: row for row in db.session.execute(
        select(PracticeDiaryEntry.placement_id,
               func.count(PracticeDiaryEntry.id).label("written"),
               func.sum(case((PracticeDiaryEntry.status == "confirmed", 1), else_=0))
               .label("confirmed"),
               func.sum(case((PracticeDiaryEntry.status == "returned", 1), else_=0))
               .label("returned"),
               func.sum(case((PracticeDiaryEntry.status == "confirmed",
                              PracticeDiaryEntry.hours), else_=0)).label("hours"),
               func.max(PracticeDiaryEntry.entry_date).label("last"))
        .where(PracticeDiaryEntry.placement_id.in_(pids))
        .group_by(PracticeDiaryEntry.placement_id))}
    competencies = dict(db.session.execute(
        select(PracticeCompetency.practice_id, func.count(PracticeCompetency.id))
        .where(PracticeCompetency.practice_id.in_(ids))
        .group_by(PracticeCompetency.practice_id)).all())
    sheets = {row.placement_id: row for row in db.session.execute(
        select(PracticeAttestation.placement_id, PracticeAttestation.characteristic,
               func.count(PracticeAttestationItem.id).label("items"))
        .outerjoin(PracticeAttestationItem,
                   PracticeAttestationItem.attestation_id == PracticeAttestation.id)
        .where(PracticeAttestation.placement_id.in_(pids))
        .group_by(PracticeAttestation.placement_id, PracticeAttestation.characteristic))}
    show_grades = not _is_mentor(user) or bool(role_names(user) - {MENTOR_ROLE})
    grades = {}
    if show_grades:
        grades = {(g.journal_id, g.student_id, g.period_id): g.value
                  for g in db.session.execute(
                      select(FinalGrade.journal_id, FinalGrade.student_id, FinalGrade.period_id,
                             FinalGrade.value)
                      .where(FinalGrade.journal_id.in_([p.journal_id for p in practices]),
                             FinalGrade.kind == "diff_credit"))}
    by_practice: dict[int, list[dict]] = {pid: [] for pid in ids}
    practice_of = {p.id: p for p in practices}
    for placement in placements:
        practice = practice_of[placement.practice_id]
        stat = stats.get(placement.id)
        sheet = sheets.get(placement.id)
        last = stat.last if stat else None
        by_practice[practice.id].append({
            "placement": placement, "student": placement.student,
            "organisation": placement.organisation, "mentor": placement.mentor,
            "in_college": placement.in_college,
            "days_written": int(stat.written) if stat else 0,
            "days_confirmed": int(stat.confirmed or 0) if stat else 0,
            "days_returned": int(stat.returned or 0) if stat else 0,
            "hours_confirmed": int(stat.hours or 0) if stat else 0,
            "hours_planned": practice.hours,
            "last_entry": last,
            "silent": is_silent(practice, last, day),
            "attestation": bool(sheet and (sheet.characteristic or "").strip()
                                and sheet.items >= competencies.get(practice.id, 0)),
            "grade": grades.get((practice.journal_id, placement.student_id,
                                 practice.period_id)),
        })
    for rows in by_practice.values():
        rows.sort(key=lambda r: (r["student"].last_name, r["student"].first_name,
                                 r["student"].id))
    return [{"practice": p, "rows": by_practice[p.id]} for p in practices]


def mentor_students(user, day: date | None = None) -> list[PracticePlacement]:
    """The mentor's own placements whose window is open now (their start page and list)."""
    if not _is_mentor(user):
        return []
    day = _day(day)
    return db.session.scalars(
        select(PracticePlacement).join(Practice, Practice.id == PracticePlacement.practice_id)
        .where(PracticePlacement.mentor_id == user.id, mentor_window_condition(day),
               mentor_basis_condition())
        .options(joinedload(PracticePlacement.student).joinedload(Student.group),
                 joinedload(PracticePlacement.organisation),
                 joinedload(PracticePlacement.practice).joinedload(Practice.journal)
                 .joinedload(Journal.discipline))
        .order_by(Practice.start_date, PracticePlacement.id)).unique().all()


def mentor_lacks_basis(user, student_id: int | None = None, day: date | None = None) -> bool:
    """The user is a mentor (of this student) in an open window, but the placement carries no
    practice contract: the refusal says so rather than "no access"."""
    if not _is_mentor(user):
        return False
    query = select(PracticePlacement.id).join(
        Practice, Practice.id == PracticePlacement.practice_id).where(
        PracticePlacement.mentor_id == user.id, mentor_window_condition(day),
        ~mentor_basis_condition())
    if student_id is not None:
        query = query.where(PracticePlacement.student_id == student_id)
    return db.session.scalar(query.limit(1)) is not None


def mentor_home(user, day: date | None = None) -> dict:
    """The mentor's start page: their students in the open window with the entries waiting
    for them (two queries)."""
    placements = mentor_students(user, day)
    waiting = {}
    if placements:
        waiting = dict(db.session.execute(
            select(PracticeDiaryEntry.placement_id, func.count(PracticeDiaryEntry.id))
            .where(PracticeDiaryEntry.placement_id.in_([p.id for p in placements]),
                   PracticeDiaryEntry.status == "written")
            .group_by(PracticeDiaryEntry.placement_id)).all())
    return {"placements": placements, "waiting": waiting,
            "closing_days": closing_days()}


def _student_brief(student: Student) -> dict:
    """A student as every practice reader sees them: name and group, nothing else."""
    return {"id": student.id, "full_name": student.full_name,
            "group": student.group.name if student.group else ""}


def _entry_dict(entry: PracticeDiaryEntry) -> dict:
    return {"id": entry.id, "date": entry.entry_date, "text": entry.text, "hours": entry.hours,
            "status": entry.status, "mentor_comment": entry.mentor_comment,
            "reviewed_at": entry.reviewed_at}


def _attestation_dict(practice: Practice, sheet: PracticeAttestation | None) -> dict | None:
    if sheet is None:
        return None
    items = {i.competency_id: i for i in sheet.items}
    return {"characteristic": sheet.characteristic, "filled_at": sheet.filled_at,
            "updated_at": sheet.updated_at,
            "filled_by": _person_name(sheet.filled_by),
            "complete": attestation_complete(practice, sheet),
            "items": [{"competency_id": c.id, "code": c.code, "title": c.title,
                       "mastered": items[c.id].mastered if c.id in items else None,
                       "note": items[c.id].note if c.id in items else None}
                      for c in practice.competencies]}


def student_practice(user, student_id, day: date | None = None) -> dict:
    """A student's practices as plain data (the API and the student's, parent's, mentor's
    page): placement, organisation, mentor, diary, attestation sheet and grade; the student as
    name and group only. A mentor's or staff member's read is written to the audit log."""
    day = _day(day)
    student_id = _id(student_id, _("Студент"))
    student = db.session.scalar(select(Student).where(Student.id == student_id).options(
        joinedload(Student.group)))
    if student is None:
        raise PracticeNotFound(_("Студент не найден."))
    if not may_see_student(user, student.id, day):
        audit.record("access_denied", "student", student.id, details={"practice": True},
                     user=user)
        db.session.commit()
        if mentor_lacks_basis(user, student.id, day):
            raise no_basis_denial()
        raise PracticeDenied(_("Нет доступа к практике этого студента."))
    placements = db.session.scalars(
        select(PracticePlacement).where(PracticePlacement.student_id == student.id,
                                        placement_filter(user, day))
        .options(joinedload(PracticePlacement.organisation),
                 joinedload(PracticePlacement.mentor),
                 joinedload(PracticePlacement.practice).options(
                     joinedload(Practice.journal).joinedload(Journal.discipline),
                     joinedload(Practice.supervisor), joinedload(Practice.period)),
                 joinedload(PracticePlacement.practice).selectinload(Practice.competencies),
                 selectinload(PracticePlacement.entries),
                 selectinload(PracticePlacement.attestation).selectinload(
                     PracticeAttestation.items),
                 selectinload(PracticePlacement.attestation).joinedload(
                     PracticeAttestation.filled_by))
        .order_by(PracticePlacement.id)).unique().all()
    roles = role_names(user)
    mentor_only = MENTOR_ROLE in roles and not (roles - {MENTOR_ROLE})
    grades = {}
    if placements and not mentor_only:
        grades = {(g.journal_id, g.period_id): g.value for g in db.session.scalars(
            select(FinalGrade).where(
                FinalGrade.student_id == student.id, FinalGrade.kind == "diff_credit",
                FinalGrade.journal_id.in_([p.practice.journal_id for p in placements])))}
    result = []
    for placement in placements:
        practice = placement.practice
        discipline = practice.journal.discipline
        item = {
            "placement_id": placement.id, "practice_id": practice.id,
            "discipline": {"code": discipline.code, "name": discipline.name,
                           "kind": discipline.kind},
            "start_date": practice.start_date, "end_date": practice.end_date,
            "hours_planned": practice.hours,
            "supervisor": _person_name(practice.supervisor),
            "organisation": {"name": placement.organisation.name,
                             "address": placement.organisation.address},
            "mentor": _person_name(placement.mentor), "in_college": placement.in_college,
            "supervisor_id": practice.supervisor_id,
            "contract_number": placement.contract_number,
            "contract_date": placement.contract_date,
            "order_number": placement.order_number, "order_date": placement.order_date,
            "entries": [_entry_dict(e) for e in placement.entries],
            "hours_confirmed": sum(e.hours for e in placement.entries
                                   if e.status == "confirmed"),
            "attestation": _attestation_dict(practice, placement.attestation),
            "mentor_window_open": in_mentor_window(practice, day),
        }
        if not mentor_only:
            item["grade"] = grades.get((practice.journal_id, practice.period_id))
        result.append(item)
    if not (roles & {"Student", "Parent"}) or mentor_only:
        for placement in placements:  # a mentor's read names its basis, the contract (4.1)
            details = {"student": student.id, "practice": placement.practice_id}
            if placement.mentor_id == user.id:
                details.update(basis_details(placement))
            audit.record("view", "practice_placement", placement.id, details=details, user=user)
        if not placements:
            audit.record("view", "student", student.id, details={"practice": True}, user=user)
        audit.commit_read()
    return {"student": _student_brief(student), "placements": result}
