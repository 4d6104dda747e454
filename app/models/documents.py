"""Documents excusing absences (справки): a student or a parent uploads a scan for a date
range, the curator accepts or rejects it; an accepted one sets the reason of the range's «Н»
(issue 14.5, 3.3, 5.2). The file itself lives outside the database and the web root."""
from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .. import labels
from .base import Model, created_at_column, user_fk

DOCUMENT_KINDS = ("medical", "summons", "college_order", "other")
DOCUMENT_STATUSES = ("pending", "accepted", "rejected")
DOCUMENT_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
NOTE_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 1000


class AbsenceDocument(Model):
    __tablename__ = "absence_document"
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False)
    kind = Column(String(16), nullable=False)
    date_from = Column(Date, nullable=False)
    date_to = Column(Date, nullable=False)
    original_name = Column(String(255), nullable=False)
    # a random name chosen by the portal: nothing the uploader typed reaches the path
    stored_name = Column(String(64), nullable=False, unique=True)
    content_type = Column(String(32), nullable=False)  # detected from the content
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    note = Column(String(NOTE_MAX_LENGTH))  # the uploader's words
    uploaded_by_id = user_fk(nullable=False)
    uploaded_at = created_at_column()
    status = Column(String(16), nullable=False, default="pending")
    decided_by_id = user_fk()
    decided_at = Column(DateTime(timezone=True))
    comment = Column(String(COMMENT_MAX_LENGTH))  # the curator's
    student = relationship("Student")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    __table_args__ = (
        CheckConstraint("date_to >= date_from", name="dates"),
        CheckConstraint("kind IN ('medical', 'summons', 'college_order', 'other')",
                        name="kind"),
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status"),
        CheckConstraint("content_type IN ('application/pdf', 'image/jpeg', 'image/png')",
                        name="content_type"),
        CheckConstraint("size > 0", name="size"),
        Index("ix_absence_document_student_dates", "student_id", "date_from"),
        Index("ix_absence_document_status", "status"),
    )

    @property
    def kind_label(self) -> str:
        return labels.text(labels.ABSENCE_DOCUMENT_KINDS, self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return labels.status("absence_document", self.status)
