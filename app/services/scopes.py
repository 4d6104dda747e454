"""Row-level scopes: which journals, groups and students a user may see (SPEC §1).

One helper per question, reused by views, API, exports and reports. Each returns a SQL
expression or a select of ids, so callers filter inside their own query (no per-row checks).
"""
from datetime import date

from sqlalchemy import and_, false, or_, select, true

from ..extensions import db
from ..infra.clock import add_years, today
from ..models import (
    AcademicYear, Discipline, GroupMembership, Journal, Lesson, Parent, Student, StudentGroup,
    StudentParent, StudentStatusChange, Subgroup, SubgroupMember, TeachingLoad, TimetableChange,
    WorkProgram, WorkProgramTopic,
)
from ..security.access import SEES_ALL_JOURNALS, TEACHES


def role_names(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {r.name for r in getattr(user, "roles", [])}


def curated_group_ids(user, user_id=None):
    """`user_id`: the user's id as a bound parameter, for a statement built once."""
    return select(StudentGroup.id).where(
        StudentGroup.curator_id == (user.id if user_id is None else user_id))


def taught_journal_ids(user, user_id=None):
    """Journals the user teaches by load, where they gave a substitution, or where a timetable
    change names them the substitute of a pair (4.4: they record that lesson themselves)."""
    uid = user.id if user_id is None else user_id
    substituted = select(Lesson.journal_id).where(
        Lesson.teacher_id == uid, Lesson.is_substitution.is_(True)
    )
    named = select(TimetableChange.journal_id).where(
        TimetableChange.substitute_teacher_id == uid)
    return select(Journal.id).where(or_(Journal.teacher_id == uid,
                                        Journal.id.in_(substituted), Journal.id.in_(named)))


def journal_scope(user) -> tuple:
    """What journal_filter's condition depends on besides the user's id: their roles."""
    roles = role_names(user)
    if roles & SEES_ALL_JOURNALS:
        return ("all",)
    return bool(roles & TEACHES), "Curator" in roles


def journal_filter(user, user_id=None):
    """SQL condition on Journal: the journals this user may read (`user_id`: see
    curated_group_ids)."""
    scope = journal_scope(user)
    if scope == ("all",):
        return true()
    teaches, curates = scope
    conditions = []
    if teaches:
        conditions.append(Journal.id.in_(taught_journal_ids(user, user_id)))
    if curates:
        conditions.append(Journal.group_id.in_(curated_group_ids(user, user_id)))
    return or_(*conditions) if conditions else false()


def group_filter(user):
    """SQL condition on StudentGroup: groups visible to this user."""
    roles = role_names(user)
    if roles & SEES_ALL_JOURNALS:
        return true()
    conditions = []
    if "Curator" in roles:
        conditions.append(StudentGroup.id.in_(curated_group_ids(user)))
    if roles & TEACHES:
        conditions.append(StudentGroup.id.in_(
            select(Journal.group_id).where(Journal.id.in_(taught_journal_ids(user)))))
    if "Student" in roles:
        conditions.append(StudentGroup.id.in_(select(Student.group_id).where(
            Student.user_id == user.id)))
    return or_(*conditions) if conditions else false()


def minor_cutoff(day: date) -> date:
    """Students born after this date are minors on `day` (parent access ends at 18, 5.2)."""
    return add_years(day, -18)


def parent_child_condition(day: date | None = None):
    """A parent sees a child only while the child is a minor and still at the college."""
    day = day or today()
    return and_(Student.birth_date > minor_cutoff(day),
                Student.status.in_(("studying", "academic_leave")))


def current_year_id(day: date | None = None):
    """Scalar subquery: the academic year under way on `day` (the latest one begun)."""
    day = day or today()
    return (select(AcademicYear.id).where(AcademicYear.start_date <= day)
            .order_by(AcademicYear.start_date.desc()).limit(1).scalar_subquery())


def current_curated_group_ids(user):
    """The groups this user curates now (3.3): a group still studying, with this curator —
    a graduated or disbanded group is no longer anybody's to curate. `curates_now` answers
    the same for one group."""
    return select(StudentGroup.id).where(StudentGroup.curator_id == user.id,
                                         StudentGroup.status == "active")


def curates_now(user, group: StudentGroup) -> bool:
    """May this user act as the curator of this group today (3.3): the group's curator while
    the group still studies — the rule of current_curated_group_ids for one group."""
    return (user is not None and group.curator_id == getattr(user, "id", None)
            and group.status == "active")


def taught_student_ids(user, day: date | None = None):
    """Select of the ids of the students a teacher teaches this academic year (2.2, 5.3): the
    students of the groups of their journals of the year under way on `day`, of their own
    subgroup where the journal is a subgroup's, while the student studies."""
    journals = select(Journal.group_id, Journal.subgroup_id).where(
        Journal.id.in_(taught_journal_ids(user)),
        Journal.academic_year_id == current_year_id(day)).subquery()
    whole_groups = select(journals.c.group_id).where(journals.c.subgroup_id.is_(None))
    subgroups = select(journals.c.subgroup_id).where(journals.c.subgroup_id.is_not(None))
    return select(Student.id).where(
        Student.status.in_(("studying", "academic_leave")),
        or_(Student.group_id.in_(whole_groups),
            Student.id.in_(select(SubgroupMember.student_id).where(
                SubgroupMember.subgroup_id.in_(subgroups)))))


def people_student_filter(user, day: date | None = None):
    """SQL condition on Student for the people screens (3.3, 5.2): staff see the students of
    their CURRENT groups only — the groups they curate now and the groups they teach this
    academic year; last year's groups are closed to them."""
    roles = role_names(user)
    if roles & SEES_ALL_JOURNALS:
        return true()
    conditions = []
    if "Curator" in roles:
        conditions.append(Student.group_id.in_(current_curated_group_ids(user)))
    if roles & TEACHES:
        conditions.append(Student.group_id.in_(select(Journal.group_id).where(
            Journal.id.in_(taught_journal_ids(user)),
            Journal.academic_year_id == current_year_id(day))))
    if "Student" in roles:
        conditions.append(Student.user_id == user.id)
    return or_(*conditions) if conditions else false()


def sees_student_now(user, student_id: int, day: date | None = None) -> bool:
    """The one row rule of a teacher's and a curator's view of a student, on every page that
    shows one — the people screens, the student's record and diary, the student's debts
    (SPEC §1, 3.3): the students of the groups they curate now or teach this academic year.
    A group taught last year is closed on all of them alike; the teacher's own journals of
    that year stay theirs to read."""
    return db.session.scalar(select(Student.id).where(
        Student.id == student_id, people_student_filter(user, day))) is not None


def parent_filter(user):
    """SQL condition on Parent: parents whose contacts this user may read. A curator: the
    parents of the groups the curator curates now (3.3; contacts are the curator's, not
    every teacher's); a parent: their own record."""
    roles = role_names(user)
    if roles & SEES_ALL_JOURNALS:
        return true()
    conditions = []
    if "Curator" in roles:
        pupils = select(Student.id).where(Student.group_id.in_(current_curated_group_ids(user)))
        conditions.append(Parent.id.in_(select(StudentParent.parent_id).where(
            StudentParent.student_id.in_(pupils))))
    if "Parent" in roles:
        conditions.append(Parent.user_id == user.id)
    return or_(*conditions) if conditions else false()


def parent_link_filter(user):
    """SQL condition on StudentParent: links a user may read — a pupil of a current group
    and a parent whose contacts the user may read."""
    roles = role_names(user)
    if roles & SEES_ALL_JOURNALS:
        return true()
    return and_(StudentParent.student_id.in_(select(Student.id).where(
        people_student_filter(user))), StudentParent.parent_id.in_(
        select(Parent.id).where(parent_filter(user))))


# --- the people and reference screens: one condition per model (SPEC §1, 3.3) --------------
# The people screens show a staff member's current groups only (people_student_filter): last
# year's groups are closed, whatever the journals of that year still show. The reference data
# shows a teacher or curator only what they teach (journal_filter).
def students_visible_to(user):
    """SQL condition on Student: the people screens' students."""
    return Student.id.in_(select(Student.id).where(people_student_filter(user)))


def parents_visible_to(user):
    """SQL condition on Parent: the parents whose contacts the user reads."""
    return Parent.id.in_(select(Parent.id).where(parent_filter(user)))


def parent_links_visible_to(user):
    """SQL condition on StudentParent."""
    return StudentParent.id.in_(select(StudentParent.id).where(parent_link_filter(user)))


def status_changes_visible_to(user):
    """SQL condition on StudentStatusChange: the orders on the students the user sees."""
    return StudentStatusChange.student_id.in_(
        select(Student.id).where(people_student_filter(user)))


def memberships_visible_to(user):
    """SQL condition on GroupMembership: the group history of the students the user sees."""
    return GroupMembership.student_id.in_(select(Student.id).where(people_student_filter(user)))


def subgroups_visible_to(user):
    """SQL condition on Subgroup: the subgroups of the groups the user sees (group_filter)."""
    return Subgroup.group_id.in_(select(StudentGroup.id).where(group_filter(user)))


def subgroup_members_visible_to(user):
    """SQL condition on SubgroupMember."""
    return SubgroupMember.subgroup_id.in_(select(Subgroup.id).where(subgroups_visible_to(user)))


def disciplines_visible_to(user):
    """SQL condition on Discipline: every one for those who read every journal, else the
    disciplines of the journals the user reads."""
    if role_names(user) & SEES_ALL_JOURNALS:
        return true()
    return Discipline.id.in_(select(Journal.discipline_id).where(journal_filter(user)))


def work_programs_visible_to(user):
    """SQL condition on WorkProgram: the programs of the disciplines the user sees."""
    return WorkProgram.discipline_id.in_(
        select(Discipline.id).where(disciplines_visible_to(user)))


def work_program_topics_visible_to(user):
    """SQL condition on WorkProgramTopic."""
    return WorkProgramTopic.work_program_id.in_(
        select(WorkProgram.id).where(work_programs_visible_to(user)))


def teaching_load_visible_to(user):
    """SQL condition on TeachingLoad: all of it for those who read every journal — load rows
    without a journal yet are still managed (4.2) — else the load of the user's journals."""
    if role_names(user) & SEES_ALL_JOURNALS:
        return true()
    return TeachingLoad.id.in_(select(Journal.teaching_load_id).where(journal_filter(user)))


def student_of_user(user):
    """The Student row of a student account, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Student).where(Student.user_id == user.id))


def parent_child_denial(student: Student, day: date | None = None) -> str | None:
    """Why a parent no longer sees this child (the rule of parent_child_condition, 5.2):
    "adult" from the 18th birthday, "left" once the child left the college, else None."""
    day = day or today()
    if student.status not in ("studying", "academic_leave"):
        return "left"
    if not student.birth_date > minor_cutoff(day):
        return "adult"
    return None


def family_student_ids(user, day: date | None = None):
    """Select of the ids of the students whose own data this account reads as the student
    or as their parent while allowed (parent_child_condition, 5.2); empty for other roles."""
    roles = role_names(user)
    conditions = []
    if "Student" in roles:
        conditions.append(Student.user_id == user.id)
    if "Parent" in roles:
        conditions.append(and_(Student.id.in_(parent_children(user)),
                               parent_child_condition(day)))
    return select(Student.id).where(or_(*conditions) if conditions else false())


def parent_children(user):
    """Select of the ids of the students linked to a parent account (whatever their age)."""
    return select(StudentParent.student_id).join(Parent).where(Parent.user_id == user.id)
