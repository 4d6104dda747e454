"""Notes about a student's behaviour (3.3, 5.2): written by the student's teachers and
curator, sent to parents with the weekly report."""
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk

NOTE_MAX_LENGTH = 500


class BehaviourNote(Model):
    __tablename__ = "behaviour_note"
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False)
    note_date = Column(Date, nullable=False)
    text = Column(String(NOTE_MAX_LENGTH), nullable=False)
    author_id = user_fk(nullable=False)
    created_at = created_at_column()
    student = relationship("Student")
    author = relationship("User", foreign_keys=[author_id])
    __table_args__ = (Index("ix_behaviour_note_student_date", "student_id", "note_date"),)
