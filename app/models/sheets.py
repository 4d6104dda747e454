"""Exam and credit sheets (ведомости, 2.2, 4.7): one per journal, period and final kind.

A sheet holds its header (number, date, time, place, examiners) and one row per student with the
admission decision and the figures it rests on (weighted average, attendance) as of the last
generation. It stores no grade: the grades of a sheet are the journal's FinalGrade rows.
"""
from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Time,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk
from .journal import ATTESTATION_KINDS, in_check

SHEET_KINDS = ATTESTATION_KINDS
# How the admission was decided: by the thresholds, or by the teacher/deputy (not admitted
# with a reason of their own, or admitted despite the thresholds).
ADMISSION_DECISIONS = ("auto", "refused", "admitted")


class ExamSheet(Model):
    __tablename__ = "exam_sheet"
    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True)  # "12/25-Э"
    journal_id = Column(Integer, ForeignKey("journal.id"), nullable=False)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)  # the final-grade kind the sheet fills
    exam_date = Column(Date, nullable=False)
    starts_at = Column(Time)  # the time of day it begins, on the college's clock; optional
    place = Column(String(128))
    created_by_id = user_fk()
    created_at = created_at_column()
    generated_at = Column(DateTime(timezone=True))  # roster and figures last refreshed
    journal = relationship("Journal")
    period = relationship("Period")
    created_by = relationship("User", foreign_keys=[created_by_id])
    examiners = relationship("ExamSheetExaminer", back_populates="sheet",
                             order_by="ExamSheetExaminer.position",
                             cascade="all, delete-orphan")
    rows = relationship("ExamSheetRow", back_populates="sheet", cascade="all, delete-orphan")
    # a complex exam or credit: the other disciplines of the same group graded on this sheet
    parts = relationship("ExamSheetJournal", back_populates="sheet",
                         order_by="ExamSheetJournal.position", cascade="all, delete-orphan")
    __table_args__ = (
        UniqueConstraint("journal_id", "period_id", "kind"),
        CheckConstraint(in_check("kind", SHEET_KINDS), name="kind"),
    )


class ExamSheetJournal(Model):
    """A further discipline of a complex exam or credit (комплексный экзамен / зачёт): one sheet,
    one final grade per discipline in that discipline's journal. The sheet's own journal is the
    first discipline; (journal, period, kind) stays on one sheet only."""
    __tablename__ = "exam_sheet_journal"
    id = Column(Integer, primary_key=True)
    sheet_id = Column(Integer, ForeignKey("exam_sheet.id", ondelete="CASCADE"), nullable=False,
                      index=True)
    journal_id = Column(Integer, ForeignKey("journal.id"), nullable=False)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False)
    kind = Column(String(16), nullable=False)
    position = Column(Integer, nullable=False, default=1)
    sheet = relationship("ExamSheet", back_populates="parts")
    journal = relationship("Journal")
    __table_args__ = (UniqueConstraint("journal_id", "period_id", "kind"),)


class ExamSheetExaminer(Model):
    __tablename__ = "exam_sheet_examiner"
    id = Column(Integer, primary_key=True)
    sheet_id = Column(Integer, ForeignKey("exam_sheet.id", ondelete="CASCADE"), nullable=False)
    user_id = user_fk(nullable=False)
    position = Column(Integer, nullable=False, default=0)
    sheet = relationship("ExamSheet", back_populates="examiners")
    user = relationship("User", foreign_keys=[user_id])
    __table_args__ = (UniqueConstraint("sheet_id", "user_id"),)


class ExamSheetRow(Model):
    __tablename__ = "exam_sheet_row"
    id = Column(Integer, primary_key=True)
    sheet_id = Column(Integer, ForeignKey("exam_sheet.id", ondelete="CASCADE"), nullable=False)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    admitted = Column(Boolean, nullable=False)
    admission_reason = Column(String(500))   # why not admitted (the reason in force)
    auto_reason = Column(String(500))        # what the thresholds say, kept when overruled
    decision = Column(String(16), nullable=False, default="auto")
    decided_by_id = user_fk()
    decided_at = Column(DateTime(timezone=True))
    average = Column(Numeric(4, 2))          # weighted average up to the exam date
    attendance_pct = Column(Numeric(4, 1))   # attendance up to the exam date
    sheet = relationship("ExamSheet", back_populates="rows")
    student = relationship("Student")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    __table_args__ = (
        UniqueConstraint("sheet_id", "student_id"),
        CheckConstraint("decision IN ('auto', 'refused', 'admitted')", name="decision"),
    )
