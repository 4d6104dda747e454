"""Practice (2.2): the practice of a group's curriculum, the organisations and the students'
placements there with a mentor, the student's practice diary and the attestation sheet."""
from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, String, Text,
    UniqueConstraint, false,
)
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk, utcnow

DIARY_STATUSES = ("written", "confirmed", "returned")
DIARY_TEXT_MAX = 2000
NOTE_MAX = 500
CHARACTERISTIC_MAX = 4000


class PracticeOrganisation(Model):
    """An organisation (employer) where students do their practice."""
    __tablename__ = "practice_organisation"
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False, unique=True)
    address = Column(String(500))
    contact = Column(String(255))  # phone / e-mail of the organisation

    def __repr__(self):
        return self.name


class Practice(Model):
    """A practice of the group's curriculum: the journal of the practice discipline (УП/ПП)."""
    __tablename__ = "practice"
    id = Column(Integer, primary_key=True)
    journal_id = Column(Integer, ForeignKey("journal.id"), nullable=False, unique=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    hours = Column(Integer, nullable=False)
    supervisor_id = user_fk(nullable=False)
    order_number = Column(String(32))
    order_date = Column(Date)
    created_at = created_at_column()
    journal = relationship("Journal")
    period = relationship("Period")
    supervisor = relationship("User", foreign_keys=[supervisor_id])
    competencies = relationship("PracticeCompetency", back_populates="practice",
                                order_by="PracticeCompetency.position",
                                cascade="all, delete-orphan")
    placements = relationship("PracticePlacement", back_populates="practice")
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("hours > 0", name="hours"),
    )

    @property
    def title(self) -> str:
        return self.journal.title if self.journal else str(self.id)

    def __repr__(self):
        return self.title


class PracticeCompetency(Model):
    """A competency (ПК/ОК) of the programme assessed by the practice's attestation sheet."""
    __tablename__ = "practice_competency"
    id = Column(Integer, primary_key=True)
    practice_id = Column(Integer, ForeignKey("practice.id", ondelete="CASCADE"), nullable=False)
    code = Column(String(16), nullable=False)
    title = Column(String(500), nullable=False)
    position = Column(Integer, nullable=False)
    practice = relationship("Practice", back_populates="competencies")
    __table_args__ = (UniqueConstraint("practice_id", "code"),)

    def __repr__(self):
        return f"{self.code} {self.title}"


class PracticePlacement(Model):
    """A student's placement at an organisation with a mentor there, by the college's order."""
    __tablename__ = "practice_placement"
    id = Column(Integer, primary_key=True)
    practice_id = Column(Integer, ForeignKey("practice.id"), nullable=False)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False)
    organisation_id = Column(Integer, ForeignKey("practice_organisation.id"), nullable=False)
    mentor_id = user_fk()
    # held in the college's own workshop: no mentor from outside, the supervisor attests
    in_college = Column(Boolean, nullable=False, default=False, server_default=false())
    contract_number = Column(String(32))
    contract_date = Column(Date)
    order_number = Column(String(32), nullable=False)
    order_date = Column(Date, nullable=False)
    created_by_id = user_fk()
    created_at = created_at_column()
    practice = relationship("Practice", back_populates="placements")
    student = relationship("Student")
    organisation = relationship("PracticeOrganisation")
    mentor = relationship("User", foreign_keys=[mentor_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    entries = relationship("PracticeDiaryEntry", back_populates="placement",
                           order_by="PracticeDiaryEntry.entry_date")
    attestation = relationship("PracticeAttestation", back_populates="placement",
                               uselist=False)
    __table_args__ = (UniqueConstraint("practice_id", "student_id"),)


class PracticeDiaryEntry(Model):
    """The student's diary entry for one working day; the mentor confirms or returns it."""
    __tablename__ = "practice_diary_entry"
    id = Column(Integer, primary_key=True)
    placement_id = Column(Integer, ForeignKey("practice_placement.id"), nullable=False)
    entry_date = Column(Date, nullable=False)
    text = Column(Text, nullable=False)
    hours = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False, default="written")
    mentor_comment = Column(Text)
    written_at = Column(DateTime(timezone=True), default=utcnow)
    reviewed_by_id = user_fk()
    reviewed_at = Column(DateTime(timezone=True))
    placement = relationship("PracticePlacement", back_populates="entries")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    changes = relationship("PracticeDiaryChange", back_populates="entry",
                           order_by="PracticeDiaryChange.id", cascade="all, delete-orphan")
    __table_args__ = (
        UniqueConstraint("placement_id", "entry_date"),
        CheckConstraint("hours BETWEEN 1 AND 12", name="hours"),
        CheckConstraint("status IN ('written', 'confirmed', 'returned')", name="status"),
    )


class PracticeDiaryChange(Model):
    """History of a diary entry: every edit and review before it was locked."""
    __tablename__ = "practice_diary_change"
    id = Column(Integer, primary_key=True)
    entry_id = Column(Integer, ForeignKey("practice_diary_entry.id", ondelete="CASCADE"),
                      nullable=False)
    old_text = Column(Text)
    new_text = Column(Text)
    old_hours = Column(Integer)
    new_hours = Column(Integer)
    old_status = Column(String(16))
    new_status = Column(String(16))
    comment = Column(Text)
    changed_by_id = user_fk()
    changed_at = Column(DateTime(timezone=True), default=utcnow)
    entry = relationship("PracticeDiaryEntry", back_populates="changes")
    changed_by = relationship("User", foreign_keys=[changed_by_id])


class PracticeAttestation(Model):
    """The attestation sheet of a placement: competencies and the характеристика."""
    __tablename__ = "practice_attestation"
    id = Column(Integer, primary_key=True)
    placement_id = Column(Integer, ForeignKey("practice_placement.id"), nullable=False,
                          unique=True)
    characteristic = Column(Text)
    filled_by_id = user_fk()
    filled_at = Column(DateTime(timezone=True), default=utcnow)
    updated_at = Column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    placement = relationship("PracticePlacement", back_populates="attestation")
    filled_by = relationship("User", foreign_keys=[filled_by_id])
    items = relationship("PracticeAttestationItem", back_populates="attestation",
                         cascade="all, delete-orphan")


class PracticeAttestationItem(Model):
    """One competency of the sheet: «освоена / не освоена» with a short note."""
    __tablename__ = "practice_attestation_item"
    id = Column(Integer, primary_key=True)
    attestation_id = Column(Integer, ForeignKey("practice_attestation.id", ondelete="CASCADE"),
                            nullable=False)
    competency_id = Column(Integer, ForeignKey("practice_competency.id"), nullable=False)
    mastered = Column(Boolean, nullable=False)
    note = Column(String(NOTE_MAX))
    attestation = relationship("PracticeAttestation", back_populates="items")
    competency = relationship("PracticeCompetency")
    __table_args__ = (UniqueConstraint("attestation_id", "competency_id"),)
