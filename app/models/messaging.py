"""Messages between users (2.2, 3.6) and reports of a wrong mark or an access problem (5.4)."""
from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk


class Message(Model):
    __tablename__ = "message"
    id = Column(Integer, primary_key=True)
    thread_id = Column(Integer, ForeignKey("message.id"), index=True)  # first message of thread
    sender_id = user_fk(nullable=False, index=True)
    recipient_id = user_fk(nullable=False, index=True)
    subject = Column(String(255), nullable=False)
    body = Column(Text, nullable=False)
    created_at = created_at_column()
    read_at = Column(DateTime(timezone=True))
    deleted_by_sender = Column(Boolean, nullable=False, default=False)
    deleted_by_recipient = Column(Boolean, nullable=False, default=False)
    sender = relationship("User", foreign_keys=[sender_id])
    recipient = relationship("User", foreign_keys=[recipient_id])


class IssueReport(Model):
    """A student's (or parent's) report: a suspected wrong mark → teacher; access → curator."""
    __tablename__ = "issue_report"
    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)  # wrong_mark | access
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    reporter_id = user_fk(nullable=False)
    assignee_id = user_fk(nullable=False, index=True)
    lesson_id = Column(Integer, ForeignKey("lesson.id"))
    text = Column(Text, nullable=False)
    status = Column(String(16), nullable=False, default="open")
    answer = Column(Text)
    answered_at = Column(DateTime(timezone=True))
    created_at = created_at_column()
    student = relationship("Student")
    lesson = relationship("Lesson")
    reporter = relationship("User", foreign_keys=[reporter_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    __table_args__ = (
        CheckConstraint("kind IN ('wrong_mark', 'access')", name="kind"),
        CheckConstraint("status IN ('open', 'corrected', 'confirmed', 'resolved')",
                        name="status"),
    )


class WeeklyReportDelivery(Model):
    """One weekly report e-mail per student, week and recipient: sending twice sends nothing."""
    __tablename__ = "weekly_report_delivery"
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False)
    week_start = Column(Date, nullable=False)
    recipient_email = Column(String(255), nullable=False)
    # waiting (queued) | sending (claimed by a deliverer) | sent | failed
    status = Column(String(16), nullable=False)
    error = Column(Text)
    sent_at = created_at_column()
    attempted_at = Column(DateTime(timezone=True))  # a stale «sending» is claimed again
    attempts = Column(Integer, nullable=False, default=0, server_default="0")
    # a temporary failure (server down, 4xx): waiting again, not before this moment
    next_attempt_at = Column(DateTime(timezone=True))
    # the letter as sent (3.3, 5.2): the family reads it in the portal as it was
    subject = Column(String(255))
    body = Column(Text)
    student = relationship("Student")
    __table_args__ = (UniqueConstraint("student_id", "week_start", "recipient_email"),)
