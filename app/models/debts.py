"""Academic debts and retakes (4.7): an unsatisfactory, missing or «н/а» final grade of a
closed attestation is a debt of the student until a retake closes it."""
from sqlalchemy import (
    CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, String, Time,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk
from .journal import ATTESTATION_KINDS, in_check

# «absent»: a no-show (неявка) on the attestation, kept apart from not admitted
DEBT_ORIGINS = ("unsatisfactory", "not_admitted", "not_attested", "missing", "absent")
DEBT_KINDS = ("semester",) + ATTESTATION_KINDS
DEBT_STATUSES = ("open", "closed")
RETAKE_ROLES = ("examiner", "chairman", "member")


class Retake(Model):
    """A retake scheduled by the deputy: the first before one examiner, the second before a
    commission of three (chairman and two members)."""
    __tablename__ = "retake"
    id = Column(Integer, primary_key=True)
    discipline_id = Column(Integer, ForeignKey("discipline.id"), nullable=False)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False)
    attempt = Column(Integer, nullable=False)  # 1: the first retake, 2: before a commission
    retake_date = Column(Date, nullable=False)
    starts_at = Column(Time)  # the time of day it begins, on the college's clock; optional
    place = Column(String(128), nullable=False)
    created_by_id = user_fk()
    created_at = created_at_column()
    discipline = relationship("Discipline")
    group = relationship("StudentGroup")
    created_by = relationship("User", foreign_keys=[created_by_id])
    examiners = relationship("RetakeExaminer", back_populates="retake",
                             order_by="RetakeExaminer.position",
                             cascade="all, delete-orphan")
    entries = relationship("RetakeEntry", back_populates="retake", order_by="RetakeEntry.id",
                           cascade="all, delete-orphan")
    __table_args__ = (
        CheckConstraint("attempt IN (1, 2)", name="attempt"),
        Index("ix_retake_date", "retake_date"),
    )

    @property
    def sheet_number(self) -> str:
        """The number of the retake sheet (ведомость): the retake's own number."""
        return f"П-{self.id}"


class AcademicDebt(Model):
    """One debt: student × journal × period × final kind, with its origin and deadline."""
    __tablename__ = "academic_debt"
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    journal_id = Column(Integer, ForeignKey("journal.id"), nullable=False, index=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)
    origin = Column(String(16), nullable=False)
    grade_value = Column(String(8))  # the final grade that made the debt; NULL when missing
    created_at = created_at_column()
    deadline = Column(Date, nullable=False)
    status = Column(String(16), nullable=False, default="open")
    failed_retakes = Column(Integer, nullable=False, default=0)
    closed_at = Column(DateTime(timezone=True))
    closed_by_retake_id = Column(Integer, ForeignKey("retake.id"))
    # 4.7: the deputy's order extending the deadline (`deadline` is then the extended one and
    # `original_deadline` the one set when the debt arose)
    original_deadline = Column(Date)
    extension_order_number = Column(String(32))
    extension_order_date = Column(Date)
    extended_by_id = user_fk()
    extended_at = Column(DateTime(timezone=True))
    student = relationship("Student")
    journal = relationship("Journal")
    period = relationship("Period")
    closed_by_retake = relationship("Retake", foreign_keys=[closed_by_retake_id])
    entries = relationship("RetakeEntry", back_populates="debt", order_by="RetakeEntry.id")
    __table_args__ = (
        UniqueConstraint("student_id", "journal_id", "period_id", "kind"),
        CheckConstraint(in_check("origin", DEBT_ORIGINS), name="origin"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint(in_check("kind", DEBT_KINDS), name="kind"),
        CheckConstraint("failed_retakes BETWEEN 0 AND 2", name="failed_retakes"),
    )


class RetakeExaminer(Model):
    __tablename__ = "retake_examiner"
    id = Column(Integer, primary_key=True)
    retake_id = Column(Integer, ForeignKey("retake.id", ondelete="CASCADE"), nullable=False)
    user_id = user_fk(nullable=False)
    role = Column(String(16), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    retake = relationship("Retake", back_populates="examiners")
    user = relationship("User", foreign_keys=[user_id])
    __table_args__ = (
        UniqueConstraint("retake_id", "user_id"),
        CheckConstraint("role IN ('examiner', 'chairman', 'member')", name="role"),
    )


class RetakeEntry(Model):
    """A debt on a retake, with its result once entered."""
    __tablename__ = "retake_entry"
    id = Column(Integer, primary_key=True)
    retake_id = Column(Integer, ForeignKey("retake.id", ondelete="CASCADE"), nullable=False)
    debt_id = Column(Integer, ForeignKey("academic_debt.id"), nullable=False, index=True)
    result = Column(String(8))
    entered_by_id = user_fk()
    entered_at = Column(DateTime(timezone=True))
    retake = relationship("Retake", back_populates="entries")
    debt = relationship("AcademicDebt", back_populates="entries")
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    __table_args__ = (UniqueConstraint("retake_id", "debt_id"),)
