"""Practice: who sees what, as SQL conditions (like services/scopes.py).

The student sees their own placements; a parent their child's while allowed (5.2: a minor still
at the college); the curator the practices of the groups they curate now; the deputy and the
administration all; the practice's supervisor their practices; other teachers nothing. A mentor
sees only the placements where they are the mentor, from the practice's first day to its last
day plus MENTOR_CLOSING_DAYS, and only where the placement carries its basis — the practice
contract's number and date (152-FZ art. 6: the college passes a student's data to the employer's
mentor under the contract with the organisation); their access ends by itself."""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, false, or_, select, true

from ...extensions import db
from ...models import Journal, Student
from ...models.practice import Practice, PracticePlacement
from ...security.access import GRADES_ANY_PRACTICE, SEES_COLLEGE
from ..scopes import current_curated_group_ids, family_student_ids, role_names
from .base import MENTOR_ROLE, PracticeDenied, _day, _is_mentor, closing_days


def mentor_window_condition(day: date | None = None):
    """SQL condition on Practice: the mentors' window is open on `day`."""
    day = _day(day)
    return and_(Practice.start_date <= day,
                Practice.end_date >= day - timedelta(days=closing_days()))


def mentor_basis_condition():
    """SQL condition on PracticePlacement: the placement carries the practice contract's number
    and date, the basis of the mentor's access to the student's data (4.1, 152-FZ)."""
    return and_(PracticePlacement.contract_number.is_not(None),
                PracticePlacement.contract_number != "",
                PracticePlacement.contract_date.is_not(None))


def has_basis(placement: PracticePlacement) -> bool:
    """The rule of mentor_basis_condition for one placement."""
    return bool(placement.contract_number) and placement.contract_date is not None


def basis_details(placement: PracticePlacement) -> dict:
    """The basis as the audit log keeps it beside a mentor's read (4.1)."""
    return {"contract": placement.contract_number,
            "contract_date": placement.contract_date.isoformat()
            if placement.contract_date else None}


def no_basis_denial() -> PracticeDenied:
    return PracticeDenied(_("В распределении на практику не указаны номер и дата договора о "
                            "практике с организацией: без этого основания данные студента "
                            "наставнику не показываются. Обратитесь к руководителю практики от "
                            "колледжа."))


def in_mentor_window(practice: Practice, day: date | None = None) -> bool:
    day = _day(day)
    return practice.start_date <= day <= practice.end_date + timedelta(days=closing_days())


def _curated_journal_ids(user):
    return select(Journal.id).where(Journal.group_id.in_(current_curated_group_ids(user)))


def placement_filter(user, day: date | None = None):
    """SQL condition on PracticePlacement: the placements this user may read."""
    roles = role_names(user)
    if not roles:
        return false()
    if roles & SEES_COLLEGE:
        return true()
    day = _day(day)
    conditions = [PracticePlacement.practice_id.in_(
        select(Practice.id).where(Practice.supervisor_id == user.id))]
    if "Curator" in roles:
        conditions.append(PracticePlacement.practice_id.in_(
            select(Practice.id).where(Practice.journal_id.in_(_curated_journal_ids(user)))))
    if roles & {"Student", "Parent"}:
        conditions.append(PracticePlacement.student_id.in_(family_student_ids(user, day)))
    if MENTOR_ROLE in roles:
        conditions.append(and_(
            PracticePlacement.mentor_id == user.id, mentor_basis_condition(),
            PracticePlacement.practice_id.in_(
                select(Practice.id).where(mentor_window_condition(day)))))
    return or_(*conditions)


def practice_filter(user, day: date | None = None):
    """SQL condition on Practice: the practices this user may see (whole, for the supervisor,
    the curator and the administration; through their placements for the others)."""
    roles = role_names(user)
    if not roles:
        return false()
    if roles & SEES_COLLEGE:
        return true()
    day = _day(day)
    conditions = [Practice.supervisor_id == user.id]
    if "Curator" in roles:
        conditions.append(Practice.journal_id.in_(_curated_journal_ids(user)))
    if roles & {"Student", "Parent", MENTOR_ROLE}:
        conditions.append(Practice.id.in_(select(PracticePlacement.practice_id).where(
            placement_filter(user, day))))
    return or_(*conditions)


def manages_practice(user, practice: Practice) -> bool:
    """2.2: the practice's supervisor, the deputy or the administration assign its placements."""
    return practice.supervisor_id == user.id or bool(role_names(user) & SEES_COLLEGE)


def grades_practice(user, practice: Practice) -> bool:
    """2.2, 4.7: the practice grade is the supervisor's, the practice journal's teacher's or
    the deputy's."""
    return (practice.supervisor_id == user.id or user.id == practice.journal.teacher_id
            or bool(role_names(user) & GRADES_ANY_PRACTICE))


def is_supervisor(user) -> bool:
    """The user supervises some practice (may add organisations and issue mentor accounts)."""
    return db.session.scalar(select(Practice.id).where(
        Practice.supervisor_id == user.id).limit(1)) is not None


def may_see_student(user, student_id: int, day: date | None = None) -> bool:
    """The user may open this student's practice page: a visible placement, or the student's
    own page, a parent's child while allowed, a curator's current group, the administration."""
    roles = role_names(user)
    if roles & SEES_COLLEGE:
        return True
    day = _day(day)
    if db.session.scalar(select(PracticePlacement.id).where(
            PracticePlacement.student_id == student_id,
            placement_filter(user, day)).limit(1)) is not None:
        return True
    conditions = []
    if roles & {"Student", "Parent"}:
        conditions.append(Student.id.in_(family_student_ids(user, day)))
    if "Curator" in roles:
        conditions.append(Student.group_id.in_(current_curated_group_ids(user)))
    if not conditions:
        return False
    return db.session.scalar(select(Student.id).where(
        Student.id == student_id, or_(*conditions))) is not None


def check_mentor(user, placement: PracticePlacement, day: date | None = None) -> None:
    """Refuse unless the user is this placement's mentor and the mentors' window is open."""
    if not _is_mentor(user) or placement.mentor_id != user.id:
        raise PracticeDenied(_("Это может сделать только наставник студента от организации."))
    if not has_basis(placement):
        raise no_basis_denial()
    if not in_mentor_window(placement.practice, day):
        last = placement.practice.end_date + timedelta(days=closing_days())
        raise PracticeDenied(_("Доступ наставника к практике открыт с %(start_date)s по %(last)s.",
                               start_date=placement.practice.start_date.strftime("%d.%m.%Y"),
                               last=last.strftime("%d.%m.%Y")))


def check_attester(user, placement: PracticePlacement, day: date | None = None) -> None:
    """Who fills the attestation sheet and reviews the diary: the mentor from the organisation
    in their window; for a practice in the college's own workshop (no outside mentor) the
    practice's supervisor, a teacher of the college."""
    if placement.in_college:
        if placement.practice.supervisor_id != getattr(user, "id", None):
            raise PracticeDenied(_("Практика проходит в мастерских колледжа: аттестационный лист "
                                   "заполняет руководитель практики от колледжа."))
        return
    check_mentor(user, placement, day)


def may_attest(user, placement: PracticePlacement) -> bool:
    try:
        check_attester(user, placement)
    except PracticeDenied:
        return False
    return True
