"""College structure: years, periods, specialties, groups, students, parents, staff."""
from datetime import date

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk

GROUP_STATUSES = ("active", "graduated", "disbanded")
STUDENT_STATUSES = ("studying", "academic_leave", "expelled", "transferred", "graduated")
# Status changes recorded by order (5.2); the account is blocked/unblocked through IT.
STATUS_CHANGE_KINDS = (
    "enrollment", "transfer", "expulsion", "academic_leave", "restoration", "graduation",
)


class AcademicYear(Model):
    __tablename__ = "academic_year"
    id = Column(Integer, primary_key=True)
    name = Column(String(9), nullable=False, unique=True)  # "2025/2026"
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    periods = relationship("Period", back_populates="academic_year", order_by="Period.number")
    __table_args__ = (CheckConstraint("end_date > start_date", name="dates"),)

    def __repr__(self):
        return self.name


class Period(Model):
    """A semester of an academic year; final grades are due by its deadline (4.7)."""
    __tablename__ = "period"
    id = Column(Integer, primary_key=True)
    academic_year_id = Column(Integer, ForeignKey("academic_year.id"), nullable=False)
    number = Column(Integer, nullable=False)  # 1 = autumn, 2 = spring
    name = Column(String(64), nullable=False)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    final_grade_deadline = Column(Date)
    deadline_order_number = Column(String(32))
    deadline_order_date = Column(Date)
    # Closed by the deputy's order after the deadline: its records are read-only (4.7, 7.3).
    closed_at = Column(DateTime(timezone=True))
    closed_by_id = user_fk()
    close_order_number = Column(String(32))
    close_order_date = Column(Date)
    academic_year = relationship("AcademicYear", back_populates="periods")
    __table_args__ = (
        UniqueConstraint("academic_year_id", "number"),
        CheckConstraint("number IN (1, 2)", name="number"),
        CheckConstraint("end_date > start_date", name="dates"),
    )

    def __repr__(self):
        return self.label(self.academic_year.name if self.academic_year else "", self.name)

    @staticmethod
    def label(year_name: str, name: str) -> str:
        """How a period reads everywhere: "2026/2027 1 семестр"."""
        return f"{year_name} {name}".strip()


class Department(Model):
    __tablename__ = "department"
    id = Column(Integer, primary_key=True)
    name = Column(String(128), nullable=False, unique=True)

    def __repr__(self):
        return self.name


class StaffProfile(Model):
    """Extra data of a staff account: patronymic, position, department (for 6.1 reports)."""
    __tablename__ = "staff_profile"
    id = Column(Integer, primary_key=True)
    user_id = user_fk(nullable=False, unique=True)
    middle_name = Column(String(64))
    position = Column(String(128))
    department_id = Column(Integer, ForeignKey("department.id"))
    user = relationship("User", foreign_keys=[user_id])
    department = relationship("Department")

    def __repr__(self):
        return str(self.user) if self.user else str(self.user_id)


class AccountState(Model):
    """Credential state: one-time password issued, must change at first login (3.1, 5.4)."""
    __tablename__ = "account_state"
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    must_change_password = Column(Boolean, nullable=False, default=False)
    issued_at = Column(Date)
    issued_by_id = user_fk()
    locked_until = Column(String(32))  # ISO timestamp of a temporary login lockout


class Specialty(Model):
    __tablename__ = "specialty"
    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)  # "09.02.07"
    name = Column(String(255), nullable=False)
    qualification = Column(String(128))

    def __repr__(self):
        return f"{self.code} {self.name}"


class StudentGroup(Model):
    __tablename__ = "student_group"
    id = Column(Integer, primary_key=True)
    name = Column(String(32), nullable=False, unique=True)
    specialty_id = Column(Integer, ForeignKey("specialty.id"), nullable=False)
    admission_year = Column(Integer, nullable=False)
    graduation_date = Column(Date, nullable=False)  # planned; archive retention counts from it
    curator_id = user_fk()
    status = Column(String(16), nullable=False, default="active")
    specialty = relationship("Specialty")
    curator = relationship("User", foreign_keys=[curator_id])
    subgroups = relationship("Subgroup", back_populates="group")
    __table_args__ = (
        CheckConstraint("status IN ('active', 'graduated', 'disbanded')", name="status"),
        CheckConstraint("admission_year BETWEEN 1990 AND 2100", name="admission_year"),
    )

    def __repr__(self):
        return self.name


class Subgroup(Model):
    """Part of a group for a discipline (5.3): each subgroup has its own journal and teacher."""
    __tablename__ = "subgroup"
    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False)
    discipline_id = Column(Integer, ForeignKey("discipline.id"))
    name = Column(String(64), nullable=False)
    group = relationship("StudentGroup", back_populates="subgroups")
    discipline = relationship("Discipline")
    members = relationship("SubgroupMember", back_populates="subgroup")
    __table_args__ = (UniqueConstraint("group_id", "discipline_id", "name"),)

    def __repr__(self):
        return f"{self.group.name if self.group else ''} {self.name}".strip()


class Student(Model):
    __tablename__ = "student"
    id = Column(Integer, primary_key=True)
    last_name = Column(String(64), nullable=False)
    first_name = Column(String(64), nullable=False)
    middle_name = Column(String(64))
    birth_date = Column(Date, nullable=False)
    record_book_number = Column(String(32), nullable=False, unique=True)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False, index=True)
    status = Column(String(16), nullable=False, default="studying")
    email = Column(String(255))
    user_id = user_fk(unique=True)
    group = relationship("StudentGroup")
    user = relationship("User", foreign_keys=[user_id])
    parent_links = relationship("StudentParent", back_populates="student")
    memberships = relationship("GroupMembership", back_populates="student",
                               order_by="GroupMembership.start_date")
    __table_args__ = (
        CheckConstraint(
            "status IN ('studying', 'academic_leave', 'expelled', 'transferred', 'graduated')",
            name="status",
        ),
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}"

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def __repr__(self):
        return self.full_name


class GroupMembership(Model):
    """Which group a student belonged to and when: the grid lists students by lesson date."""
    __tablename__ = "group_membership"
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False, index=True)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date)  # last day in the group; NULL while still there
    student = relationship("Student", back_populates="memberships")
    group = relationship("StudentGroup")
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )


class SubgroupMember(Model):
    __tablename__ = "subgroup_member"
    id = Column(Integer, primary_key=True)
    subgroup_id = Column(Integer, ForeignKey("subgroup.id"), nullable=False)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    subgroup = relationship("Subgroup", back_populates="members")
    student = relationship("Student")
    __table_args__ = (UniqueConstraint("subgroup_id", "student_id"),)


class StudentStatusChange(Model):
    """Status history by order (5.2): transfer, expulsion, academic leave, restoration..."""
    __tablename__ = "student_status_change"
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)
    old_status = Column(String(16))
    new_status = Column(String(16), nullable=False)
    order_number = Column(String(32), nullable=False)
    order_date = Column(Date, nullable=False)
    effective_date = Column(Date, nullable=False)
    from_group_id = Column(Integer, ForeignKey("student_group.id"))
    to_group_id = Column(Integer, ForeignKey("student_group.id"))
    note = Column(Text)
    created_by_id = user_fk()
    created_at = created_at_column()
    student = relationship("Student")
    from_group = relationship("StudentGroup", foreign_keys=[from_group_id])
    to_group = relationship("StudentGroup", foreign_keys=[to_group_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    __table_args__ = (
        CheckConstraint(
            "kind IN ('enrollment', 'transfer', 'expulsion', 'academic_leave', "
            "'restoration', 'graduation')",
            name="kind",
        ),
    )


class Parent(Model):
    """A parent or legal representative (1.4)."""
    __tablename__ = "parent"
    id = Column(Integer, primary_key=True)
    last_name = Column(String(64), nullable=False)
    first_name = Column(String(64), nullable=False)
    middle_name = Column(String(64))
    phone = Column(String(32))
    email = Column(String(255))
    user_id = user_fk(unique=True)
    user = relationship("User", foreign_keys=[user_id])
    student_links = relationship("StudentParent", back_populates="parent")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def __repr__(self):
        return self.full_name


class StudentParent(Model):
    __tablename__ = "student_parent"
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    parent_id = Column(Integer, ForeignKey("parent.id"), nullable=False, index=True)
    relation = Column(String(32), nullable=False, default="parent")  # mother/father/guardian
    student = relationship("Student", back_populates="parent_links")
    parent = relationship("Parent", back_populates="student_links")
    __table_args__ = (UniqueConstraint("student_id", "parent_id"),)
