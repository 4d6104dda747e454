"""The job queue's records: every run of a scheduled duty (one row per duty and due moment, so
two workers never run it twice), the long jobs people start with their progress, and the
curator's schedule of the weekly reports to parents (3.3, 5.2)."""
from sqlalchemy import (
    Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk


class ScheduledRun(Model):
    """One run of a scheduled duty at one due moment: the unique key is the lock — the worker
    whose INSERT succeeds runs it, every other one skips (7.1, 3.3)."""
    __tablename__ = "scheduled_run"
    id = Column(Integer, primary_key=True)
    duty = Column(String(64), nullable=False)
    due_at = Column(DateTime(timezone=True), nullable=False)  # UTC
    state = Column(String(16), nullable=False)  # running | done | failed
    started_at = created_at_column()
    finished_at = Column(DateTime(timezone=True))
    attempts = Column(Integer, nullable=False, default=1)
    result = Column(Text)  # what the duty did, in words
    error = Column(Text)
    host = Column(String(255))
    __table_args__ = (UniqueConstraint("duty", "due_at"),)


class JobRecord(Model):
    """A long job a person started (archive, import, export, backup): its progress and result;
    its owner sees it, IT sees every one."""
    __tablename__ = "job_record"
    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)
    user_id = user_fk(index=True)
    state = Column(String(16), nullable=False)  # queued | running | done | failed
    progress = Column(Integer, nullable=False, default=0)  # percent
    stage = Column(String(255))  # what is being done now, in words
    result_text = Column(Text)
    result_path = Column(String(512))  # a file to download, if any
    result_name = Column(String(255))
    error = Column(Text)
    created_at = created_at_column()
    started_at = Column(DateTime(timezone=True))
    finished_at = Column(DateTime(timezone=True))
    user = relationship("User")


class WeeklyReportSchedule(Model):
    """The curator's choice for a group: on which weekday and at what time the week's reports
    go to parents by themselves, and a week held back."""
    __tablename__ = "weekly_report_schedule"
    group_id = Column(Integer, ForeignKey("student_group.id"), primary_key=True)
    weekday = Column(Integer)  # 0 = Monday … 6 = Sunday; NULL: WEEKLY_REPORT_DEFAULT_AT
    send_time = Column(String(5))  # HH:MM, the college's clock
    held_week = Column(Date)  # Monday of a week not to be sent automatically
    last_auto_week = Column(Date)  # Monday of the last week sent automatically
    last_auto_at = Column(DateTime(timezone=True))
    changed_by_id = user_fk()
