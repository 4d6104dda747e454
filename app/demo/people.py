"""Demo college: students, parents, accounts, group memberships and status changes (5.2)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert

from ..extensions import db
from ..models import GroupMembership, Parent, Student, StudentParent, StudentStatusChange
from . import data as D


@dataclass
class Person:
    last: str
    first: str
    middle: str
    male: bool
    group: int
    birth: date = None
    id: int = 0
    username: str | None = None
    ability: float = 4.0  # the mean of this student's marks
    absence_rate: float = 0.05
    leave_date: date | None = None  # academic leave from this day
    parents: list = field(default_factory=list)


def _student(b, group: int, taken: set) -> Person:
    rng = b.rng
    while True:
        male = rng.random() < (0.5 if b.groups[group].prefix != "ЭК" else 0.25)
        surname = rng.choice(D.SURNAMES)
        father = rng.choice(list(D.MALE_NAMES))
        first = rng.choice(D.BOY_NAMES if male else D.GIRL_NAMES)
        last = surname if male else D.female_surname(surname)
        middle = D.MALE_NAMES[father][0 if male else 1]
        if (last, first) not in taken:
            taken.add((last, first))
            break
    p = Person(last, first, middle, male, group)
    p.father, p.surname = father, surname
    admission = b.groups[group].admission
    # After the 9th form at 15–16; some came after the 11th form and are two years older.
    born = admission - (18 if rng.random() < 0.12 and b.groups[group].course > 1 else 16)
    p.birth = date(born, 1, 1) + timedelta(days=rng.randrange(365))
    p.ability = min(4.9, max(2.9, rng.gauss(3.9, 0.45)))
    p.absence_rate = rng.choice((0.02, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15))
    return p


def _parents(b, s: Person, at_least_one: bool) -> list[dict]:
    rng = b.rng
    r = rng.random()
    if r < 0.07 and not at_least_one:
        return []
    phone = lambda: (f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-"  # noqa: E731
                     f"{rng.randint(10, 99):02d}-{rng.randint(10, 99):02d}")
    mother = dict(last_name=D.female_surname(s.surname), first_name=rng.choice(D.MOTHER_NAMES),
                  middle_name=D.MALE_NAMES[rng.choice(list(D.MALE_NAMES))][1], phone=phone(),
                  relation="мать")
    father = dict(last_name=s.surname, first_name=s.father,
                  middle_name=D.MALE_NAMES[rng.choice(list(D.MALE_NAMES))][0], phone=phone(),
                  relation="отец")
    if r < 0.6:
        return [mother, father]
    return [mother] if rng.random() < 0.75 else [father]


def build_people(b) -> None:
    rng = b.rng
    b.students = []
    for g in b.groups:
        taken = set()
        people = [_student(b, g.index, taken) for _ in range(rng.randint(26, 29))]
        b.students += sorted(people, key=lambda p: (p.last, p.first))
    # student1: a minor of curator1's group with parent1; student2: an adult of the same group.
    first_group = [s for s in b.students if s.group == 0]
    s1, s2 = rng.sample(first_group, 2)
    s1.birth, s2.birth = b.minor_birth(), b.adult_birth()
    s1.ability, s2.ability = 4.3, 3.8
    ordered = [s1, s2] + [s for s in b.students if s is not s1 and s is not s2]
    number = 0
    for s in ordered:
        if s in (s1, s2) or rng.random() < 0.88:  # a few accounts are left for the curator
            number += 1
            s.username = f"student{number}"
    for s in ordered:
        s.parents = _parents(b, s, s in (s1, s2))
    s1.parents[0]["username"], s2.parents[0]["username"] = "parent1", "parent2"
    number = 2
    for s in ordered:
        for p in s.parents:
            if "username" not in p and s.username and rng.random() < 0.85:
                number += 1
                p["username"] = f"parent{number}"
    b.counts.update(student_accounts=sum(1 for s in b.students if s.username),
                    parent_accounts=number)
    _insert_people(b, ordered)
    _histories(b)


def _insert_people(b, ordered: list[Person]) -> None:
    b.add_users([(s.username, s.first, s.last, ["Student"]) for s in ordered if s.username])
    b.add_users([(p["username"], p["first_name"], p["last_name"], ["Parent"])
                 for s in ordered for p in s.parents if p.get("username")])
    rows = []
    for n, s in enumerate(b.students, 1):
        admission = b.groups[s.group].admission
        rows.append(dict(last_name=s.last, first_name=s.first, middle_name=s.middle,
                         birth_date=s.birth, record_book_number=f"{admission % 100:02d}-{n:04d}",
                         group_id=b.groups[s.group].obj.id, status="studying",
                         user_id=b.users.get(s.username)))
    ids = db.session.scalars(insert(Student).returning(Student.id, sort_by_parameter_order=True),
                             rows)
    for s, sid in zip(b.students, ids):
        s.id = sid
    parents = [p for s in b.students for p in s.parents]
    rows = [dict(last_name=p["last_name"], first_name=p["first_name"],
                 middle_name=p["middle_name"], phone=p["phone"],
                 email=f"{p['username']}@mail.demo" if p.get("username") else None,
                 user_id=b.users.get(p.get("username"))) for p in parents]
    ids = list(db.session.scalars(
        insert(Parent).returning(Parent.id, sort_by_parameter_order=True), rows))
    links, i = [], 0
    for s in b.students:
        for p in s.parents:
            links.append(dict(student_id=s.id, parent_id=ids[i], relation=p["relation"]))
            i += 1
    if links:
        db.session.execute(insert(StudentParent), links)
    b.counts.update(students=len(b.students), parents=len(parents))
    b.student1 = ordered[0]


def _histories(b) -> None:
    """Enrollment orders for everyone; one transfer and one academic leave (5.2)."""
    rng = b.rng
    anchor = b.lesson_period.start_date
    late_limit = b.today - timedelta(days=7)
    memberships, changes = {}, []
    for s in b.students:
        g = b.groups[s.group]
        start = date(g.admission, 9, 1)
        memberships[s.id] = [[s.group, start, None]]
        changes.append(dict(student_id=s.id, kind="enrollment", old_status=None,
                            new_status="studying", order_number=f"{rng.randint(120, 180)}-к",
                            order_date=date(g.admission, 8, 25), effective_date=start,
                            to_group_id=g.obj.id, note="Зачисление на 1 курс"))
    # Transfer from ЭО into curator1's group (another specialty, by order).
    mover = rng.choice([s for s in b.students if s.group == 2 and s.username])
    moved = max(min(anchor + timedelta(days=35), late_limit), anchor)
    memberships[mover.id][0][2] = moved - timedelta(days=1)
    memberships[mover.id].append([0, moved, None])
    changes.append(dict(student_id=mover.id, kind="transfer", old_status="studying",
                        new_status="studying", order_number=f"{rng.randint(200, 260)}-к",
                        order_date=moved - timedelta(days=3), effective_date=moved,
                        from_group_id=b.groups[2].obj.id, to_group_id=b.groups[0].obj.id,
                        note="Перевод на другую специальность по личному заявлению"))
    mover.group = 0
    db.session.execute(Student.__table__.update().where(Student.id == mover.id)
                       .values(group_id=b.groups[0].obj.id))
    # Academic leave in the first-year machining group (illness, by order).
    resting = rng.choice([s for s in b.students if s.group == 3])
    resting.leave_date = max(min(anchor + timedelta(days=49), b.today - timedelta(days=3)),
                             anchor)
    changes.append(dict(student_id=resting.id, kind="academic_leave", old_status="studying",
                        new_status="academic_leave", order_number=f"{rng.randint(261, 300)}-к",
                        order_date=resting.leave_date - timedelta(days=2),
                        effective_date=resting.leave_date,
                        from_group_id=b.groups[3].obj.id,
                        note="Академический отпуск по медицинским показаниям"))
    db.session.execute(Student.__table__.update().where(Student.id == resting.id)
                       .values(status="academic_leave"))
    db.session.execute(insert(StudentStatusChange), changes)
    db.session.execute(insert(GroupMembership), [
        dict(student_id=sid, group_id=b.groups[gi].obj.id, start_date=start, end_date=end)
        for sid, spans in memberships.items() for gi, start, end in spans])
    b.memberships = memberships
    b.mover, b.resting = mover, resting
    # Who was in each group during each year (journals' rosters, subgroups, final grades).
    b.base_roster, b.rosters = {}, {}
    for g in b.groups:
        b.base_roster[g.index] = [s.id for s in b.students
                                  if memberships[s.id][0][0] == g.index]
    for key, start, end in (("prev", date(b.y - 1, 9, 1), date(b.y, 6, 30)),
                            ("cur", date(b.y, 9, 1), date(b.y + 1, 6, 30))):
        for g in b.groups:
            b.rosters[(key, g.index)] = [
                s.id for s in b.students for gi, a, z in memberships[s.id]
                if gi == g.index and a <= end and (z is None or z >= start)]
