"""Row-level rules on every admin model view, for every role of the test college (SPEC §1).

Expected rights come from app/security/access.py; expected rows from a hand-written table of who
teaches or curates what in tests/factories.py (not from app/services/scopes.py), so the test
checks the scopes themselves and their wiring into list, show, edit and delete.
"""
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.models import (
    AcademicYear, Curriculum, CurriculumItem, Department, Discipline, GroupMembership, Parent,
    Period, Specialty, StaffProfile, Student, StudentGroup, StudentParent, StudentStatusChange,
    Subgroup, SubgroupMember, TeachingLoad, User, WorkProgram, WorkProgramTopic,
)
from app.security.access import ACCESS, ROLES
from tests.factories import STAFF
from tests.fast_hashing import fast_password_hashing  # noqa: F401

REFUSED = (302, 403)
MANAGERS = ("admin", "it", "director", "deputy")


def _student_group(row):
    return {row.student.group_id}


# view name → (url prefix, model, which "owner" decides visibility of a row)
VIEWS = {
    "AcademicYearView": ("academicyearview", AcademicYear, None),
    "PeriodView": ("periodview", Period, None),
    "SpecialtyView": ("specialtyview", Specialty, None),
    "DepartmentView": ("departmentview", Department, None),
    "GroupView": ("groupview", StudentGroup, ("groups", lambda r: {r.id})),
    "SubgroupView": ("subgroupview", Subgroup, ("groups", lambda r: {r.group_id})),
    "DisciplineView": ("disciplineview", Discipline, ("disciplines", lambda r: {r.id})),
    "CurriculumView": ("curriculumview", Curriculum, None),
    "CurriculumItemView": ("curriculumitemview", CurriculumItem, None),
    "WorkProgramView": ("workprogramview", WorkProgram,
                        ("disciplines", lambda r: {r.discipline_id})),
    "WorkProgramTopicView": ("workprogramtopicview", WorkProgramTopic,
                             ("disciplines", lambda r: {r.work_program.discipline_id})),
    "TeachingLoadView": ("teachingloadview", TeachingLoad, ("loads", lambda r: {r.id})),
    "StudentView": ("studentview", Student, ("groups", lambda r: {r.group_id})),
    "ParentView": ("parentview", Parent,
                   ("groups", lambda r: {link.student.group_id for link in r.student_links})),
    "StudentParentView": ("studentparentview", StudentParent, ("groups", _student_group)),
    "StudentStatusChangeView": ("studentstatuschangeview", StudentStatusChange,
                                ("groups", _student_group)),
    "GroupMembershipView": ("groupmembershipview", GroupMembership, ("groups", _student_group)),
    "SubgroupMemberView": ("subgroupmemberview", SubgroupMember,
                           ("groups", lambda r: {r.subgroup.group_id})),
    "StaffProfileView": ("staffprofileview", StaffProfile, None),
}


def _extend(college, db):
    """Rows the fixture lacks: status changes, a second work program, a subgroup of group B."""
    db.session.add_all([
        StudentStatusChange(student_id=college.student1.id, kind="academic_leave",
                            old_status="studying", new_status="academic_leave",
                            order_number="7-к", order_date=date(2025, 10, 1),
                            effective_date=date(2025, 10, 2)),
        StudentStatusChange(student_id=college.student3.id, kind="transfer",
                            old_status="studying", new_status="studying", order_number="8-к",
                            order_date=date(2025, 10, 1), effective_date=date(2025, 10, 1),
                            to_group_id=college.group_b.id),
    ])
    program = WorkProgram(discipline_id=college.up01.id, specialty_id=college.specialty.id,
                          name="РП УП.01")
    sub_b = Subgroup(group_id=college.group_b.id, discipline_id=college.op01.id,
                     name="1 подгруппа")
    db.session.add_all([program, sub_b])
    db.session.flush()
    db.session.add_all([WorkProgramTopic(work_program_id=program.id, position=1,
                                         title="Инструктаж", hours=2, lesson_type="practice"),
                        SubgroupMember(subgroup_id=sub_b.id, student_id=college.student3.id)])
    db.session.commit()


def _visible(college):
    """Who teaches or curates what in tests/factories.py (the truth the scopes must match)."""
    a, b = college.group_a.id, college.group_b.id
    op, mdk, up = college.op01.id, college.mdk.id, college.up01.id
    return {
        "curator1": {"groups": {a}, "disciplines": {op, mdk, up},
                     "loads": {college.load_a_op.id, college.load_a_mdk1.id,
                               college.load_a_mdk2.id, college.load_a_up.id}},
        "curator2": {"groups": {b}, "disciplines": {op}, "loads": {college.load_b_op.id}},
        "teacher1": {"groups": {a}, "disciplines": {op, mdk},
                     "loads": {college.load_a_op.id, college.load_a_mdk1.id}},
        "teacher2": {"groups": {a, b}, "disciplines": {op, mdk},
                     "loads": {college.load_a_mdk2.id, college.load_b_op.id}},
    }


def _roles_of(username):
    if username in STAFF:
        return STAFF[username][0]
    return {"student1": ["Student"], "parent1": ["Parent"]}.get(username, [])


def _perms(username, view):
    roles = _roles_of(username)
    if "Admin" in roles:
        return {"can_list", "can_show", "can_add", "can_edit", "can_delete"}
    return {p for role in roles for p in ACCESS.get(view, {}).get(role, ())}


def _sees(username, rule, row, visible) -> bool:
    if rule is None or username in MANAGERS:
        return True
    kind, owners = rule
    return bool(owners(row) & visible.get(username, {}).get(kind, set()))


USERS = ["admin", "it", "director", "deputy", "teacher1", "teacher2", "curator1", "curator2",
         "student1", "parent1", None]


@pytest.mark.parametrize("username", USERS, ids=[u or "anonymous" for u in USERS])
def test_every_model_view_respects_rights_and_rows(app, college, db, login, client, username):
    _extend(college, db)
    visible = _visible(college)
    web = login(username) if username else client
    problems = []
    for view, (route, model, rule) in VIEWS.items():
        perms = _perms(username, view)
        rows = db.session.scalars(select(model).order_by(model.id)).all()
        seen = [r.id for r in rows if _sees(username, rule, r, visible)]
        hidden = [r.id for r in rows if r.id not in seen]
        response = web.get(f"/{route}/list/?psize_{view}=100")
        if "can_list" in perms:
            count = re.search(r"Количество записей:\s*(?:<[^>]+>\s*)*(\d+)",
                              response.get_data(as_text=True))
            if response.status_code != 200 or count is None or int(count[1]) != len(seen):
                problems.append(f"{view} list: {response.status_code}, "
                                f"{count and count[1]} rows instead of {len(seen)}")
        elif response.status_code not in REFUSED:
            problems.append(f"{view} list: {response.status_code} without the right")
        response = web.get(f"/{route}/add")
        if (response.status_code == 200) != ("can_add" in perms):
            problems.append(f"{view} add form: {response.status_code}")
        for ids, inside in ((seen[:1], True), (hidden[:1], False)):
            for pk in ids:
                for action, perm in (("show", "can_show"), ("edit", "can_edit")):
                    status = web.get(f"/{route}/{action}/{pk}").status_code
                    expected = (200,) if perm in perms and inside else \
                        (404,) if perm in perms else REFUSED
                    if status not in expected:
                        problems.append(f"{view} {action} #{pk} (in scope: {inside}): {status}")
                if "can_delete" in perms and inside:
                    continue  # a permitted delete is not performed here
                status = web.post(f"/{route}/delete/{pk}").status_code
                db.session.expire_all()
                if db.session.get(model, pk) is None or status not in REFUSED + (404,):
                    problems.append(f"{view} delete #{pk}: {status}, row gone: "
                                    f"{db.session.get(model, pk) is None}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", ["teacher1", "curator1", "director", "student1", None],
                         ids=["teacher1", "curator1", "director", "student1", "anonymous"])
def test_accounts_screen_refused_to_others(college, db, login, client, username):
    web = login(username) if username else client
    for url in ("/users/list/", f"/users/show/{college.teacher1.id}",
                f"/users/edit/{college.teacher1.id}", "/users/add"):
        assert web.get(url).status_code in REFUSED, url
    assert web.post(f"/users/delete/{college.teacher1.id}").status_code in REFUSED
    db.session.expire_all()
    assert db.session.get(User, college.teacher1.id) is not None


def test_it_does_not_see_admin_accounts(college, login):
    web = login("it")
    for action in ("show", "edit"):
        assert web.get(f"/users/{action}/{college.admin.id}").status_code == 404
    assert web.get(f"/users/show/{college.teacher1.id}").status_code == 200


# --- mass assignment: fields that are not on the form are ignored -------------------------------
def test_extra_fields_in_student_edit_are_ignored(college, db, login):
    s = college.student1
    student_id, group_a, user_id = s.id, college.group_a.id, s.user_id
    response = login("director").post(f"/studentview/edit/{student_id}", data={
        "last_name": "Смирнов", "first_name": "Артём", "middle_name": "Игоревич",
        "birth_date": "2009-03-15", "record_book_number": "24-001", "group": group_a,
        "status": "studying", "email": "", "user": user_id,
        # not on the form:
        "id": 999, "group_id": college.group_b.id, "user_id": college.teacher1.id})
    assert response.status_code == 302
    db.session.expire_all()
    student = db.session.get(Student, student_id)
    assert (student.group_id, student.user_id) == (group_a, user_id)
    assert db.session.get(Student, 999) is None


def test_extra_fields_in_status_change_are_ignored(college, db, login):
    response = login("director").post("/studentstatuschangeview/add", data={
        "student": college.student2.id, "kind": "expulsion", "old_status": "studying",
        "new_status": "expelled", "order_number": "9-к", "order_date": "2025-11-01",
        "effective_date": "2025-11-02", "note": "",
        "created_by_id": college.admin.id, "created_at": "2000-01-01 00:00:00"})
    assert response.status_code == 302
    change = db.session.scalar(select(StudentStatusChange).where(
        StudentStatusChange.order_number == "9-к"))
    assert change.created_by_id == college.director.id
    assert change.created_at.year > 2000


def test_extra_fields_in_account_edit_are_ignored(app, college, db, login):
    teacher = college.teacher1
    teacher_id, password = teacher.id, teacher.password
    role = app.appbuilder.sm.find_role("Teacher")
    response = login("it").post(f"/users/edit/{teacher_id}", data={
        "first_name": teacher.first_name, "last_name": teacher.last_name,
        "username": "teacher1", "email": teacher.email, "active": "y", "roles": [role.id],
        "password": "plain-text", "fail_login_count": "0", "login_count": "999",
        "changed_by_fk": college.admin.id})
    assert response.status_code == 302
    db.session.expire_all()
    teacher = db.session.get(User, teacher_id)
    assert teacher.password == password
    assert teacher.login_count != 999
    assert teacher.changed_by_fk == college.it.id


# --- Russian first, English available -----------------------------------------------------------
def test_russian_menu_by_default_and_english_on_request(college, login):
    web = login("director")
    page = web.get("/").get_data(as_text=True)
    for label in ("Учебная часть", "Планы и нагрузка", "Люди", "Студенты", "Выход"):
        assert label in page, label
    assert "Logout" not in page
    web.get("/lang/en")
    page = web.get("/studentview/list/").get_data(as_text=True)
    assert "Logout" in page and "Выход" not in page
    web.get("/lang/ru")
    assert "Выход" in web.get("/").get_data(as_text=True)


def test_role_labels_are_russian():
    assert set(ROLES) == {"Admin", "IT", "Administration", "Deputy", "Teacher", "Curator",
                          "Student", "Parent", "Mentor"}
    assert all(re.search("[а-я]", label) for label in ROLES.values())
