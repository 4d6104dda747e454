"""A small, fixed college for tests. Every name here is referred to by tests."""
from datetime import date
from types import SimpleNamespace

from flask.testing import FlaskClient
from sqlalchemy import inspect
from sqlalchemy.orm.exc import UnmappedInstanceError

from app.models import (
    AcademicYear, Curriculum, CurriculumItem, Department, Discipline, GroupMembership, Parent,
    Period, Specialty, StaffProfile, Student, StudentGroup, StudentParent, Subgroup, SubgroupMember,
    TeachingLoad, WorkProgram, WorkProgramTopic,
)

PASSWORD = "Test-Passw0rd"

STAFF = {
    # username: (roles, last name, first name)
    "admin": (["Admin"], "Админов", "Алексей"),
    "it": (["IT"], "Сетевой", "Игорь"),
    "director": (["Administration"], "Быков", "Эдуард"),
    "deputy": (["Deputy", "Administration"], "Завучева", "Марина"),
    "teacher1": (["Teacher"], "Петрова", "Анна"),
    "teacher2": (["Teacher"], "Сидоров", "Олег"),
    "curator1": (["Teacher", "Curator"], "Кураторова", "Елена"),
    "curator2": (["Teacher", "Curator"], "Иванов", "Пётр"),
}


def make_user(sm, username, roles, last_name, first_name, password=PASSWORD):
    """An account made by FAB's own add_user, in the caller's transaction (flushed, so it
    has its id; the caller commits)."""
    found = {name: sm.find_role(name) for name in roles}
    user = sm.add_user(username, first_name, last_name, f"{username}@college.test",
                       list(found.values()), password, commit=False)
    assert user, f"could not create {username}"
    sm.session.flush()
    return user


def build_college(db):
    from flask import current_app

    from app.services.journal.generation import generate_journals

    sm = current_app.appbuilder.sm
    c = SimpleNamespace()
    c.users = {name: make_user(sm, name, *spec) for name, spec in STAFF.items()}
    for name, user in c.users.items():
        setattr(c, name, user)

    c.year = AcademicYear(name="2025/2026", start_date=date(2025, 9, 1),
                          end_date=date(2026, 6, 30))
    c.autumn = Period(academic_year=c.year, number=1, name="1 семестр",
                      start_date=date(2025, 9, 1), end_date=date(2025, 12, 31),
                      final_grade_deadline=date(2026, 1, 15), deadline_order_number="12-у",
                      deadline_order_date=date(2025, 12, 20))
    c.spring = Period(academic_year=c.year, number=2, name="2 семестр",
                      start_date=date(2026, 1, 12), end_date=date(2026, 6, 30),
                      final_grade_deadline=date(2026, 7, 5))
    c.department = Department(name="Отделение информационных технологий")
    c.specialty = Specialty(code="09.02.07", name="Информационные системы и программирование",
                            qualification="Программист")
    c.group_a = StudentGroup(name="ИС-24-1", specialty=c.specialty, admission_year=2024,
                             graduation_date=date(2028, 6, 30), curator_id=c.curator1.id)
    c.group_b = StudentGroup(name="ИС-24-2", specialty=c.specialty, admission_year=2024,
                             graduation_date=date(2028, 6, 30), curator_id=c.curator2.id)
    c.op01 = Discipline(code="ОП.01", name="Операционные системы", kind="op")
    c.mdk = Discipline(code="МДК.01.01", name="Разработка программных модулей", kind="mdk")
    c.up01 = Discipline(code="УП.01", name="Учебная практика", kind="up")
    db.session.add_all([c.year, c.autumn, c.spring, c.department, c.specialty, c.group_a,
                        c.group_b, c.op01, c.mdk, c.up01])
    db.session.flush()
    for username in ("teacher1", "teacher2", "curator1", "curator2"):
        db.session.add(StaffProfile(user_id=c.users[username].id, position="преподаватель",
                                    department_id=c.department.id))

    c.curriculum = Curriculum(specialty=c.specialty, admission_year=2024,
                              name="09.02.07 набор 2024")
    db.session.add(c.curriculum)
    db.session.flush()
    for disc, form, hours in ((c.op01, "exam", 72), (c.mdk, "diff_credit", 96),
                              (c.up01, "credit", 36)):
        db.session.add(CurriculumItem(curriculum_id=c.curriculum.id, discipline_id=disc.id,
                                      semester=3, hours=hours, assessment_form=form))
    c.program = WorkProgram(discipline=c.op01, specialty=c.specialty,
                            name="РП ОП.01 Операционные системы")
    db.session.add(c.program)
    db.session.flush()
    c.topics = []
    for i in range(1, 11):
        topic = WorkProgramTopic(work_program_id=c.program.id, position=i,
                                 title=f"Тема {i}. Раздел операционных систем №{i}",
                                 hours=2, lesson_type="practical" if i % 3 == 0 else "theory")
        db.session.add(topic)
        c.topics.append(topic)

    # Students: group A has five (two with accounts), group B three (one with an account).
    people = [
        ("student1", c.group_a, "Смирнов", "Артём", "Игоревич", date(2009, 3, 15)),
        ("student2", c.group_a, "Кузнецова", "Дарья", "Олеговна", date(2006, 5, 10)),
        (None, c.group_a, "Попов", "Максим", "Сергеевич", date(2009, 1, 20)),
        (None, c.group_a, "Васильева", "Софья", "Андреевна", date(2008, 11, 2)),
        (None, c.group_a, "Соколов", "Иван", "Дмитриевич", date(2009, 7, 7)),
        ("student3", c.group_b, "Михайлов", "Егор", "Павлович", date(2009, 2, 1)),
        (None, c.group_b, "Новикова", "Алиса", "Романовна", date(2008, 12, 12)),
        (None, c.group_b, "Фёдоров", "Кирилл", "Ильич", date(2009, 4, 4)),
    ]
    c.students = []
    for n, (username, group, last, first, middle, born) in enumerate(people, start=1):
        user = make_user(sm, username, ["Student"], last, first) if username else None
        student = Student(last_name=last, first_name=first, middle_name=middle, birth_date=born,
                          record_book_number=f"24-{n:03d}", group_id=group.id,
                          status="studying", user_id=user.id if user else None)
        db.session.add(student)
        db.session.flush()
        db.session.add(GroupMembership(student_id=student.id, group_id=group.id,
                                       start_date=date(2024, 9, 1)))
        c.students.append(student)
        if username:
            setattr(c, username, student)
            c.users[username] = user
    c.a_students = [s for s in c.students if s.group_id == c.group_a.id]
    c.b_students = [s for s in c.students if s.group_id == c.group_b.id]

    # Parents: parent1 → student1 (minor), parent2 → student2 (adult), parent3 → student3.
    for username, child, last, first in (("parent1", c.student1, "Смирнова", "Ольга"),
                                         ("parent2", c.student2, "Кузнецов", "Олег"),
                                         ("parent3", c.student3, "Михайлова", "Ирина")):
        user = make_user(sm, username, ["Parent"], last, first)
        parent = Parent(last_name=last, first_name=first, email=f"{username}@mail.test",
                        user_id=user.id)
        db.session.add(parent)
        db.session.flush()
        db.session.add(StudentParent(student_id=child.id, parent_id=parent.id,
                                     relation="мать" if first in ("Ольга", "Ирина") else "отец"))
        setattr(c, f"{username}_profile", parent)
        c.users[username] = user

    # Subgroups of group A for МДК.01.01 (5.3).
    c.sub1 = Subgroup(group_id=c.group_a.id, discipline_id=c.mdk.id, name="1 подгруппа")
    c.sub2 = Subgroup(group_id=c.group_a.id, discipline_id=c.mdk.id, name="2 подгруппа")
    db.session.add_all([c.sub1, c.sub2])
    db.session.flush()
    for i, student in enumerate(c.a_students):
        db.session.add(SubgroupMember(subgroup_id=(c.sub1 if i < 3 else c.sub2).id,
                                      student_id=student.id))

    def load(group, disc, teacher, hours, subgroup=None):
        row = TeachingLoad(academic_year_id=c.year.id, group_id=group.id,
                           discipline_id=disc.id, teacher_id=teacher.id, hours=hours,
                           subgroup_id=subgroup.id if subgroup else None)
        db.session.add(row)
        return row

    c.load_a_op = load(c.group_a, c.op01, c.teacher1, 72)
    c.load_a_mdk1 = load(c.group_a, c.mdk, c.teacher1, 48, c.sub1)
    c.load_a_mdk2 = load(c.group_a, c.mdk, c.teacher2, 48, c.sub2)
    c.load_a_up = load(c.group_a, c.up01, c.curator1, 36)
    c.load_b_op = load(c.group_b, c.op01, c.teacher2, 72)
    db.session.flush()
    generate_journals(c.year.id)
    db.session.commit()

    from app.models import Journal
    by_load = {j.teaching_load_id: j for j in db.session.query(Journal)}
    c.journal_a_op = by_load[c.load_a_op.id]
    c.journal_a_mdk1 = by_load[c.load_a_mdk1.id]
    c.journal_a_mdk2 = by_load[c.load_a_mdk2.id]
    c.journal_a_up = by_load[c.load_a_up.id]
    c.journal_b_op = by_load[c.load_b_op.id]
    return c


def _reference(value):
    """How to find `value` again: a mapped object by its class and primary key, lists and
    dicts of them item by item, anything else as it is."""
    if isinstance(value, list):
        return ("list", [_reference(v) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: _reference(v) for k, v in value.items()})
    try:
        state = inspect(value)
    except (UnmappedInstanceError, TypeError):  # a plain value
        return ("value", value)
    return ("object", type(value), state.identity)


def _resolve(reference, session):
    kind, *rest = reference
    if kind == "list":
        return [_resolve(r, session) for r in rest[0]]
    if kind == "dict":
        return {k: _resolve(r, session) for k, r in rest[0].items()}
    if kind == "value":
        return rest[0]
    model, identity = rest
    return session.get(model, identity)


class CollegeRefs:
    """The built college's names, each kept as a reference that loads it again after the
    college is restored from its snapshot."""

    def __init__(self, references: dict):
        self.references = references

    @classmethod
    def of(cls, college: SimpleNamespace) -> "CollegeRefs":
        return cls({name: _reference(value) for name, value in vars(college).items()})

    def load(self, db) -> "LazyCollege":
        return LazyCollege(dict(self.references), db.session)


class LazyCollege(SimpleNamespace):
    """The college of build_college, each name loaded into the session on first use."""

    def __init__(self, references: dict, session):
        super().__init__()
        object.__setattr__(self, "_references", references)
        object.__setattr__(self, "_session", session)

    def __getattr__(self, name):
        references = object.__getattribute__(self, "_references")
        if name not in references:
            raise AttributeError(name)
        value = _resolve(references.pop(name), object.__getattribute__(self, "_session"))
        setattr(self, name, value)
        return value


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (its own `g` and DB session), as in production.

    Without this, requests made while a test's app context is pushed would share `g` and the
    session's identity map, and flask_login would keep serving the first user logged in.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def login_client(app, username, password=PASSWORD):
    """A test client with a logged-in session (through the real login form)."""
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password},
                           follow_redirects=False)
    assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
    assert "/login" not in response.headers.get("Location", ""), f"login of {username} refused"
    return client
