"""Issuing credentials (3.1): the curator for their students and parents, IT for staff.

Issuing creates the account when there is none or resets its password to a random one-time
password; staff and parents must change it at first login. Students never change their
credentials themselves (5.4), so they are not asked to. The password is shown once, on the
printable slip, and is stored only as a hash.
"""
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.security import generate_password_hash

from ...errors import Forbidden, NotFound, Refused
from ...extensions import db
from ...infra.clock import today
from ...models import AccountState, Parent, Student, StudentGroup, StudentParent
from ...security.access import ISSUED_BY_IT, IT_STAFF, ROLES
from ..records import audit
from ..scopes import curates_now, parent_child_denial, role_names
from . import consent

_ALPHABET_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_ALPHABET_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
# IT issues credentials to staff and to the organisations' practice mentors (issue 15).
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n",
                      "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y",
                      "", "e", "yu", "ya"]))


@dataclass
class Slip:
    full_name: str
    username: str
    password: str
    role: str
    group: str = ""
    consent: bool = True  # 4.1: a consent to processing in force (warned on the slip page)


def one_time_password(length: int = 10) -> str:
    """Random, meets the password policy (upper, lower, digit), no look-alike characters."""
    pool = _ALPHABET_UPPER + _ALPHABET_LOWER + _DIGITS
    chars = [secrets.choice(_ALPHABET_UPPER), secrets.choice(_ALPHABET_LOWER),
             secrets.choice(_DIGITS)] + [secrets.choice(pool) for _ in range(length - 3)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _hash(password: str) -> str:
    cfg = current_app.config
    return generate_password_hash(password, method=cfg.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
                                  salt_length=cfg.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))


def _username(prefix: str, last_name: str, first_name: str) -> str:
    base = "".join(_TRANSLIT.get(ch, ch) for ch in f"{last_name}.{first_name[:1]}".lower())
    base = prefix + re.sub(r"[^a-z0-9.]", "", base)[:40]
    sm = current_app.appbuilder.sm
    taken = {u for (u,) in db.session.query(sm.user_model.username).filter(
        sm.user_model.username.like(f"{base}%"))}
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    return name


def _create_user(prefix, last_name, first_name, email, role_name):
    sm = current_app.appbuilder.sm
    username = _username(prefix, last_name, first_name)
    if not email or db.session.query(sm.user_model.id).filter(
            func.lower(sm.user_model.email) == email.lower()).first():
        email = f"{username}@accounts.invalid"
    user = sm.user_model(first_name=first_name, last_name=last_name, username=username,
                         email=email, active=True, roles=[sm.find_role(role_name)])
    db.session.add(user)
    db.session.flush()
    return user


def _issue(actor, user, must_change: bool, kind: str) -> str:
    password = one_time_password()
    user.password = _hash(password)
    user.fail_login_count = 0
    state = db.session.get(AccountState, user.id)
    if state is None:
        state = AccountState(user_id=user.id)
        db.session.add(state)
    state.must_change_password = must_change
    state.locked_until = None
    state.issued_at = today()
    state.issued_by_id = actor.id
    audit.record("credentials_issue", "user", user.id,
                 details={"for": kind, "username": user.username}, user=actor)
    return password


def issues_for_group(actor, group: StudentGroup | None) -> bool:
    """3.1: a student's or a parent's credentials are issued by the curator of the group
    (scopes.curates_now) or the system administrator."""
    return group is not None and (curates_now(actor, group) or "Admin" in role_names(actor))


def _curated(actor, group_id: int) -> bool:
    return issues_for_group(actor, db.session.get(StudentGroup, group_id))


def issue_for_student(actor, student_id: int) -> Slip:
    student = db.session.get(Student, student_id)
    if student is None:
        raise NotFound(_("Студент не найден."))
    if not _curated(actor, student.group_id):
        raise Forbidden(_("Учётные данные выдаёт куратор группы студента."))
    if student.status not in ("studying", "academic_leave"):
        raise Refused(_("%(student)s не обучается: учётные данные не выдаются.",
                         student=student.full_name))
    if student.user is None:
        student.user = _create_user("st.", student.last_name, student.first_name,
                                    student.email, "Student")
        db.session.flush()
    password = _issue(actor, student.user, False, "student")  # 5.4: students never change it
    return Slip(student.full_name, student.user.username, password, "Студент",
                student.group.name, consent.has_consent(student=student))


def issue_for_parent(actor, parent_id: int) -> Slip:
    parent = db.session.get(Parent, parent_id)
    if parent is None:
        raise NotFound(_("Родитель не найден."))
    groups = [link.student.group_id for link in parent.student_links]
    if not any(_curated(actor, g) for g in groups):
        raise Forbidden(_("Учётные данные родителю выдаёт куратор группы ребёнка."))
    if not any(parent_child_denial(link.student) is None for link in parent.student_links):
        # 1.4, 5.2: a parent reads the journal only while the child is a minor at the college
        raise Refused(_("%(parent)s: ребёнок совершеннолетний или не обучается — родителю "
                        "учётные данные не выдаются.", parent=parent.full_name))
    if parent.user is None:
        parent.user = _create_user("p.", parent.last_name, parent.first_name, parent.email,
                                   "Parent")
        db.session.flush()
    password = _issue(actor, parent.user, True, "parent")
    children = ", ".join(link.student.short_name for link in parent.student_links)
    return Slip(parent.full_name, parent.user.username, password,
                "Родитель (законный представитель)", children, consent.has_consent(parent=parent))


def issue_for_staff(actor, user_id: int) -> Slip:
    if not role_names(actor) & IT_STAFF:
        raise Forbidden(_("Учётные данные сотрудникам выдаёт отдел ИТ."))
    sm = current_app.appbuilder.sm
    user = db.session.get(sm.user_model, user_id)
    if user is None:
        raise NotFound(_("Учётная запись не найдена."))
    names = {r.name for r in user.roles}
    if not names & ISSUED_BY_IT or "Admin" in names and "Admin" not in role_names(actor):
        raise Forbidden(_("Отдел ИТ выдаёт учётные данные только сотрудникам."))
    password = _issue(actor, user, True, "staff")
    return Slip(f"{user.last_name} {user.first_name}", user.username, password,
                role_labels(names))


def role_labels(names) -> str:
    """Roles as the slip prints them: in Russian, in the order of the role table."""
    return ", ".join(label for code, label in ROLES.items() if code in names)


@dataclass
class Account:
    """A person's login as the curator sees it: none yet, issued but never used, or used."""
    username: str | None = None
    last_login: object = None

    @property
    def state(self) -> str:
        if self.username is None:
            return "none"
        return "used" if self.last_login else "never"


def _account(user) -> Account:
    return Account() if user is None else Account(user.username, user.last_login)


def curator_people(actor, group_id: int) -> list[dict]:
    """Students and parents of a curated group with their account state, for the issue form:
    a parent of an adult (or departed) child is shown but cannot be issued a login (5.2)."""
    students = db.session.scalars(select(Student).where(Student.group_id == group_id).order_by(
        Student.last_name, Student.first_name).options(selectinload(Student.user))).all()
    links = db.session.scalars(select(StudentParent).where(StudentParent.student_id.in_(
        [s.id for s in students])).options(
        joinedload(StudentParent.parent).selectinload(Parent.user))).all()
    parents = {}
    for link in links:
        parents.setdefault(link.student_id, []).append(link.parent)
    return [dict(student=s, account=_account(s.user), parent_allowed=parent_child_denial(s) is None,
                 parents=[dict(parent=p, account=_account(p.user)) for p in parents.get(s.id, [])])
            for s in students]


def account_summary(people: list[dict]) -> dict:
    """The counts the group page shows: logins not issued and issued but never used."""
    accounts = [row["account"] for row in people if row["student"].status in
                ("studying", "academic_leave")]
    accounts += [p["account"] for row in people if row["parent_allowed"] for p in row["parents"]]
    return {state: sum(1 for a in accounts if a.state == state) for state in ("none", "never")}


def missing_logins(people: list[dict]) -> tuple[list[int], list[int]]:
    """Ids of the studying students and the allowed parents who have no login yet."""
    students = [row["student"].id for row in people if row["account"].state == "none"
                and row["student"].status in ("studying", "academic_leave")]
    parents = [p["parent"].id for row in people if row["parent_allowed"] for p in row["parents"]
               if p["account"].state == "none"]
    return students, list(dict.fromkeys(parents))


def reissues(people: list[dict], students: list[int], parents: list[int]) -> list[str]:
    """Names of the chosen people who already have a login: reissuing ends their password."""
    names = [row["student"].full_name for row in people
             if row["student"].id in students and row["account"].state != "none"]
    names += [p["parent"].full_name for row in people for p in row["parents"]
              if p["parent"].id in parents and p["account"].state != "none"]
    return list(dict.fromkeys(names))


def staff_users() -> list:
    sm = current_app.appbuilder.sm
    users = db.session.query(sm.user_model).order_by(sm.user_model.last_name).all()
    return [u for u in users if {r.name for r in u.roles} & ISSUED_BY_IT]
