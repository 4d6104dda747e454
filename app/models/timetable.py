"""Weekly timetable and single-date changes (расписание): what lessons should exist."""
from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, String, UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model, user_fk


class TimetableEntry(Model):
    __tablename__ = "timetable_entry"
    id = Column(Integer, primary_key=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False, index=True)
    weekday = Column(Integer, nullable=False)  # 0 = Monday … 5 = Saturday
    pair_number = Column(Integer, nullable=False)
    journal_id = Column(Integer, ForeignKey("journal.id"), nullable=False)
    room = Column(String(32))
    period = relationship("Period")
    group = relationship("StudentGroup")
    journal = relationship("Journal")
    __table_args__ = (
        UniqueConstraint("period_id", "group_id", "weekday", "pair_number", "journal_id"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("pair_number BETWEEN 1 AND 8", name="pair_number"),
    )


class TimetableChange(Model):
    """A change for one date: a pair cancelled, moved or given to another journal."""
    __tablename__ = "timetable_change"
    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False, index=True)
    change_date = Column(Date, nullable=False)
    pair_number = Column(Integer, nullable=False)
    journal_id = Column(Integer, ForeignKey("journal.id"))  # NULL with cancelled = True
    cancelled = Column(Boolean, nullable=False, default=False)
    room = Column(String(32))
    # 4.4, 5.3: the teacher who gives this pair instead of the journal's; they record it
    substitute_teacher_id = user_fk()
    group = relationship("StudentGroup")
    journal = relationship("Journal")
    substitute = relationship("User", foreign_keys=[substitute_teacher_id])
    __table_args__ = (
        UniqueConstraint("group_id", "change_date", "pair_number", "journal_id"),
        CheckConstraint("pair_number BETWEEN 1 AND 8", name="pair_number"),
    )
