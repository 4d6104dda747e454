"""Notifications in the portal (marks, «Н», final grades, comments, messages, absence
documents, reminders), each user's choice of them, the letters they become, and the record
of the curator's weekly check (3.3)."""
from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, String, Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text  # the column `text` is a name of its own below
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk

KINDS = ("mark", "absence", "final_grade", "comment", "message", "document", "reminder")
TEXT_MAX_LENGTH = 500


class Notification(Model):
    """One line in a user's bell. `ref` names what it is about (a lesson's cell, a final
    grade): while unread, a later change of the same thing rewrites it instead of adding one.
    `once_key` names a reminder's period: it is written at most once per user."""
    __tablename__ = "notification"
    id = Column(Integer, primary_key=True)
    user_id = user_fk(nullable=False)
    kind = Column(String(16), nullable=False)
    text = Column(String(TEXT_MAX_LENGTH), nullable=False)
    link = Column(String(255), nullable=False, default="")
    ref = Column(String(64))
    once_key = Column(String(96))
    created_at = created_at_column()
    read_at = Column(DateTime(timezone=True))
    __table_args__ = (
        Index("ix_notification_user_id_id", "user_id", "id"),
        Index("uq_notification_unread_ref", "user_id", "ref", unique=True,
              sqlite_where=sql_text("read_at IS NULL"),
              postgresql_where=sql_text("read_at IS NULL")),
        # reminders only: a save's rows have no once_key and cost this index nothing
        Index("uq_notification_once_key", "user_id", "once_key", unique=True,
              sqlite_where=sql_text("once_key IS NOT NULL"),
              postgresql_where=sql_text("once_key IS NOT NULL")),
        CheckConstraint("kind IN ('mark', 'absence', 'final_grade', 'comment', 'message', "
                        "'document', 'reminder')", name="kind"),
    )


class NotificationPreference(Model):
    """What a user gets: the kinds shown in the portal, the kinds sent by e-mail (reminders at
    once, the rest in one daily digest at `digest_hour`, college time)."""
    __tablename__ = "notification_preference"
    user_id = user_fk(nullable=False, primary_key=True)
    portal_kinds = Column(String(200), nullable=False)
    email_kinds = Column(String(200), nullable=False)
    digest_hour = Column(Integer, nullable=False, default=18)
    last_digest_on = Column(Date)  # the college day of the last digest sent
    last_digest_at = Column(DateTime(timezone=True))  # the digest covers what came after
    __table_args__ = (CheckConstraint("digest_hour BETWEEN 0 AND 23", name="digest_hour"),)


class NotificationLetter(Model):
    """An e-mail made of notifications (a digest or a reminder), queued like the weekly
    reports: one row per user and `key`, so nothing is queued twice."""
    __tablename__ = "notification_letter"
    id = Column(Integer, primary_key=True)
    user_id = user_fk(nullable=False)
    key = Column(String(96), nullable=False)  # digest:2026-12-05 | the reminder's once_key
    recipient_email = Column(String(255), nullable=False)
    subject = Column(String(255), nullable=False)
    body = Column(Text, nullable=False)
    status = Column(String(16), nullable=False, default="waiting")  # as WeeklyReportDelivery
    error = Column(Text)
    created_at = created_at_column()
    attempted_at = Column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        CheckConstraint("status IN ('waiting', 'sending', 'sent', 'failed')", name="status"),
    )


class WeeklyCheck(Model):
    """The curator's weekly check of a group's journals, done (3.3): who, when, which week,
    what was found, whether a memo went to the deputy (3.4)."""
    __tablename__ = "weekly_check"
    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False)
    week_start = Column(Date, nullable=False)
    curator_id = user_fk(nullable=False)
    checked_at = created_at_column()
    issues = Column(Integer, nullable=False, default=0)
    findings = Column(Text, nullable=False, default="")
    memo_sent = Column(Boolean, nullable=False, default=False)
    group = relationship("StudentGroup")
    curator = relationship("User", foreign_keys=[curator_id])
    __table_args__ = (UniqueConstraint("group_id", "week_start"),)
