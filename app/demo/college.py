"""The demo college (`flask journal demo`): a realistic, reproducible college on an empty database.

Everything is derived from one random.Random(seed) and clock.today(): the academic year containing
today (July/August: the coming one) and the previous one, specialties, groups, students and
parents, staff, curricula, work programs, teaching load, journals; then (demo_lessons) the
timetable, one period of lessons with marks and absences, and final grades.
Rows are written with bulk inserts; the password hash is computed once.
"""
import random
import time
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from sqlalchemy import insert, select, text
from werkzeug.security import generate_password_hash

from ..errors import Refused
from ..extensions import db
from ..infra.clock import add_years, today
from ..models import (
    AcademicYear, Department, Discipline, Journal, Period, Specialty, StaffProfile, Student,
    StudentGroup,
)
from ..security.access import ROLES
from ..security.passwords import password_problems
from . import data as D
from .documents import build_documents
from .lessons import build_final_grades, build_lessons
from .people import build_people
from .plans import build_load, build_plans
from .practice import build_practice
from .session import build_session
from .timetable import build_timetable


class DemoError(Refused):
    """The demo college cannot be built; the message says why (in Russian)."""


def holds_college() -> bool:
    """Whether the database already holds a college: students, journals, reference data or any
    account but the administrator's (the demo is built only on an empty database)."""
    non_admin = select(User.id).where(~User.roles.any(Role.name == "Admin")).limit(1)
    return any(db.session.scalar(q) is not None for q in (
        select(Student.id).limit(1), select(Journal.id).limit(1), non_admin,
        select(StudentGroup.id).limit(1), select(Specialty.id).limit(1),
        select(AcademicYear.id).limit(1), select(Discipline.id).limit(1),
    ))


def _check(password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise DemoError("Пароль демо-учётных записей слишком простой: " + ", ".join(problems)
                        + ".")
    present = {r for r in db.session.scalars(select(Role.name))}
    if not set(ROLES) <= present:
        raise DemoError("Роли не созданы: сначала выполните «flask journal init».")
    if holds_college():
        raise DemoError("База данных не пуста (в ней уже есть студенты, журналы, справочники или "
                        "учётные записи кроме администратора). Демо-колледж строится только на "
                        "пустой базе; ничего не изменено.")


def _years_before(day: date, years: int) -> date:
    return add_years(day, -years)


class DemoBuilder:
    """Holds the generated college while it is written; each step adds rows and ids."""

    def __init__(self, rng: random.Random, day: date, password: str):
        self.rng = rng
        self.today = day
        self.password_hash = generate_password_hash(
            password, method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))
        # 1.x: the academic year runs September–June; in July/August the coming one is current.
        self.y = day.year if day.month >= 7 else day.year - 1
        self.counts: dict[str, int] = {}
        self.users: dict[str, int] = {}  # username → ab_user.id

    # --- accounts ------------------------------------------------------------------------------
    def add_users(self, specs: list[tuple[str, str, str, list[str]]]) -> list[int]:
        """specs: (username, first name, last name, roles) → ids, in order (one bulk insert)."""
        role_ids = dict(db.session.execute(select(Role.name, Role.id)).all())
        rows = [dict(username=u, first_name=f[:64], last_name=l[:64], active=True,
                     email=f"{u}@demo.college.local", password=self.password_hash,
                     login_count=0, fail_login_count=0) for u, f, l, _ in specs]
        ids = list(db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True), rows))
        links = [dict(user_id=uid, role_id=role_ids[r]) for uid, (_, _, _, roles)
                 in zip(ids, specs) for r in roles]
        db.session.execute(insert(assoc_user_role), links)
        for uid, spec in zip(ids, specs):
            self.users[spec[0]] = uid
        return ids

    def build_staff(self) -> None:
        existing = db.session.scalar(select(User).where(User.username == "admin"))
        specs = []
        for username, (roles, last, first, _mid, _dep, _pos) in D.STAFF.items():
            if username == "admin" and existing is not None:
                self.users["admin"] = existing.id  # an administrator created before: kept
                self.admin_kept = True
                continue
            specs.append((username, first, last, roles))
        self.add_users(specs)
        self.departments = {}
        for key, name in D.DEPARTMENTS.items():
            self.departments[key] = Department(name=name)
            db.session.add(self.departments[key])
        db.session.flush()
        for username, (_roles, _l, _f, middle, dep, position) in D.STAFF.items():
            if username == "admin":
                continue
            db.session.add(StaffProfile(
                user_id=self.users[username], middle_name=middle, position=position,
                department_id=self.departments[dep].id if dep else None))
        self.counts["staff"] = len(D.STAFF)

    # --- calendar --------------------------------------------------------------------------------
    def build_calendar(self) -> None:
        self.years, self.periods = {}, {}
        for key, start in (("prev", self.y - 1), ("cur", self.y)):
            year = AcademicYear(name=f"{start}/{start + 1}", start_date=date(start, 9, 1),
                                end_date=date(start + 1, 6, 30))
            autumn = Period(academic_year=year, number=1, name="1 семестр",
                            start_date=date(start, 9, 1), end_date=date(start, 12, 30),
                            final_grade_deadline=date(start + 1, 1, 12),
                            deadline_order_number=f"{310 + start % 10}-у",
                            deadline_order_date=date(start, 12, 1))
            spring = Period(academic_year=year, number=2, name="2 семестр",
                            start_date=date(start + 1, 1, 12), end_date=date(start + 1, 6, 30),
                            final_grade_deadline=date(start + 1, 7, 3),
                            deadline_order_number=f"{140 + start % 10}-у",
                            deadline_order_date=date(start + 1, 5, 20))
            db.session.add_all([year, autumn, spring])
            self.years[key] = year
            self.periods[(key, 1)], self.periods[(key, 2)] = autumn, spring
        # 4.7, 7.3: a period whose deadline has passed is closed by the deputy's order
        for period in self.periods.values():
            if period.final_grade_deadline < self.today:
                closed_on = period.final_grade_deadline + timedelta(days=1)
                period.closed_at = datetime.combine(closed_on, datetime.min.time(),
                                                    timezone.utc).replace(hour=9)
                period.closed_by_id = self.users["deputy"]
                period.close_order_number = f"{400 + period.number}-у"
                period.close_order_date = closed_on
        db.session.flush()
        # The period whose lessons are recorded: the one running today, else the last one begun.
        begun = [p for p in self.periods.values() if p.start_date < self.today]
        self.lesson_period = max(begun, key=lambda p: p.start_date)
        self.lesson_year = "cur" if self.lesson_period.academic_year is self.years["cur"] \
            else "prev"
        # Lessons of that academic year so far: the autumn too when today is in the spring.
        self.lesson_periods = [self.periods[(self.lesson_year, n)]
                               for n in range(1, self.lesson_period.number + 1)]

    def minor_birth(self) -> date:
        return _years_before(self.today, 16) - timedelta(days=150)

    def adult_birth(self) -> date:
        return _years_before(self.today, 19) - timedelta(days=40)

    def summary(self, seconds: float) -> list[str]:
        c = self.counts
        lines = [
            f"Демо-колледж построен за {seconds:.1f} с (учебный год {self.y}/{self.y + 1}, "
            f"уроки с {self.lesson_periods[0].start_date:%d.%m.%Y} по "
            f"{min(self.today - timedelta(days=1), self.lesson_period.end_date):%d.%m.%Y}).",
            f"Специальностей: {c.get('specialties', 0)}, групп: {c.get('groups', 0)}, "
            f"студентов: {c.get('students', 0)}, родителей: {c.get('parents', 0)}, "
            f"сотрудников: {c.get('staff', 0)}.",
            f"Дисциплин: {c.get('disciplines', 0)}, учебных планов: {c.get('curricula', 0)}, "
            f"рабочих программ: {c.get('programs', 0)}, строк нагрузки: {c.get('load', 0)}, "
            f"журналов: {c.get('journals', 0)}.",
            f"Расписание: {c.get('timetable', 0)} пар в неделю, изменений: "
            f"{c.get('timetable_changes', 0)}.",
            f"Уроков: {c.get('lessons', 0)}, отметок: {c.get('marks', 0)}, "
            f"пропусков: {c.get('absences', 0)}, итоговых оценок: {c.get('final_grades', 0)}; "
            f"клеток журнала: {c.get('grid_cells', 0)}, из них заполнено: {c.get('cells', 0)}.",
            f"Ведомостей: {c.get('sheets', 0)}, академических задолженностей: "
            f"{c.get('debts', 0)}, пересдач: {c.get('retakes', 0)}, документов о пропусках: "
            f"{c.get('absence_documents', 0)}.",
            f"Практика: записей дневника {c.get('practice_entries', 0)}, аттестационных листов "
            f"{c.get('practice_sheets', 0)}; наставники от организаций mentor1, mentor2.",
            "Учётные записи (пароль — заданный): admin, it, director, deputy, "
            "teacher1…teacher15, curator1…curator6, mentor1, mentor2, "
            f"student1…student{c.get('student_accounts', 0)}, "
            f"parent1…parent{c.get('parent_accounts', 0)}.",
        ]
        if getattr(self, "admin_kept", False):
            lines.append("Учётная запись admin уже существовала: её пароль не изменён.")
        return lines


def build_demo(password: str, seed: int = 2025) -> list[str]:
    """Build the demo college; refuses on a non-empty database. Returns summary lines."""
    _check(password)
    started = time.monotonic()
    builder = DemoBuilder(random.Random(seed), today(), password)
    try:
        builder.build_staff()
        builder.build_calendar()
        build_plans(builder)
        build_people(builder)
        build_load(builder)
        build_timetable(builder)
        build_lessons(builder)
        build_final_grades(builder)
        build_session(builder)
        build_documents(builder)
        build_practice(builder)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    analyze()
    return builder.summary(time.monotonic() - started)


def analyze() -> None:
    """PostgreSQL: statistics of the freshly loaded tables. A bulk load ends with ANALYZE, or
    the planner knows no table's size until autovacuum comes by (never, where it is off) and
    answers a batch's few cells by scanning every mark of the college."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
