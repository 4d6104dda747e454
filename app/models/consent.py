"""Consent to the processing of personal data (4.1, 152-FZ art. 9): who gave it, when, for
whom, on which document; a withdrawal keeps the record and adds its date and document."""
from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk

DOCUMENT_MAX = 255


class PersonalDataConsent(Model):
    """A consent for one person — a student or a parent (the subject). A minor student's is
    given by a parent (законный представитель, art. 9 p. 6): `given_by_parent_id`; anyone
    else's by the subject themselves (it is empty)."""
    __tablename__ = "personal_data_consent"
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"))
    parent_id = Column(Integer, ForeignKey("parent.id"))
    given_by_parent_id = Column(Integer, ForeignKey("parent.id"))
    given_on = Column(Date, nullable=False)
    document = Column(String(DOCUMENT_MAX), nullable=False)
    recorded_by_id = user_fk()
    recorded_at = created_at_column()
    withdrawn_on = Column(Date)
    withdrawal_document = Column(String(DOCUMENT_MAX))
    withdrawn_by_id = user_fk()
    student = relationship("Student", foreign_keys=[student_id])
    parent = relationship("Parent", foreign_keys=[parent_id])
    given_by = relationship("Parent", foreign_keys=[given_by_parent_id])
    __table_args__ = (
        CheckConstraint("(student_id IS NULL) <> (parent_id IS NULL)", name="subject"),
        CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= given_on", name="withdrawn"),
        Index("ix_personal_data_consent_student_id", "student_id"),
        Index("ix_personal_data_consent_parent_id", "parent_id"),
    )
