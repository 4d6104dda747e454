"""Row scopes of the people and reference screens (SPEC §1, 3.3), asked of the service that
the screens' base filters call (services/scopes.py): a teacher reads only what they teach, a
curator the groups they curate now, the administration and IT everything."""
from sqlalchemy import select

from app.models import (
    Discipline, Student, StudentParent, Subgroup, TeachingLoad, WorkProgram, WorkProgramTopic,
)
from app.services import scopes


def _ids(db, model, condition) -> set[int]:
    return set(db.session.scalars(select(model.id).where(condition)))


def test_a_teacher_reads_the_reference_data_of_their_journals(db, college):
    teacher = college.teacher2  # ОП.01 in group B and МДК.01.01 for subgroup 2 of group A
    assert _ids(db, Discipline, scopes.disciplines_visible_to(teacher)) == {
        college.op01.id, college.mdk.id}
    assert _ids(db, TeachingLoad, scopes.teaching_load_visible_to(teacher)) == {
        college.load_b_op.id, college.load_a_mdk2.id}
    assert _ids(db, WorkProgram, scopes.work_programs_visible_to(teacher)) == {
        college.program.id}
    assert _ids(db, WorkProgramTopic, scopes.work_program_topics_visible_to(teacher)) == {
        t.id for t in college.topics}
    # a curator who teaches nothing reads the disciplines of the group they curate (ОП.01)
    assert _ids(db, Discipline, scopes.disciplines_visible_to(college.curator2)) == {
        college.op01.id}


def test_the_administration_and_it_read_all_reference_data(db, college):
    every = set(db.session.scalars(select(TeachingLoad.id)))
    for user in (college.deputy, college.director, college.it):
        assert _ids(db, TeachingLoad, scopes.teaching_load_visible_to(user)) == every
        assert _ids(db, Discipline, scopes.disciplines_visible_to(user)) == {
            college.op01.id, college.mdk.id, college.up01.id}


def test_a_curator_reads_the_people_of_the_group_they_curate_now(db, college):
    curator = college.curator1
    group_a = {s.id for s in college.a_students}
    assert _ids(db, Student, scopes.students_visible_to(curator)) == group_a
    assert _ids(db, Subgroup, scopes.subgroups_visible_to(curator)) == {
        college.sub1.id, college.sub2.id}
    links = _ids(db, StudentParent, scopes.parent_links_visible_to(curator))
    assert links and all(db.session.get(StudentParent, i).student_id in group_a for i in links)
    college.group_a.status = "graduated"
    db.session.commit()
    assert _ids(db, StudentParent, scopes.parent_links_visible_to(curator)) == set()
    assert _ids(db, Student, scopes.students_visible_to(curator)) <= group_a
