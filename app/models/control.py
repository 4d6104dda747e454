"""Journal control (3.4, 3.5, 7.2) and account blocking requests (5.2)."""
from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk


class Memo(Model):
    """Служебная записка from a curator to the deputy about late or missing entries (3.4)."""
    __tablename__ = "memo"
    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False)
    curator_id = user_fk(nullable=False)
    week_start = Column(Date, nullable=False)
    body = Column(Text, nullable=False)
    status = Column(String(16), nullable=False, default="sent")
    created_at = created_at_column()
    received_at = Column(DateTime(timezone=True))
    acted_at = Column(DateTime(timezone=True))
    deputy_note = Column(Text)
    group = relationship("StudentGroup")
    curator = relationship("User", foreign_keys=[curator_id])
    __table_args__ = (
        CheckConstraint("status IN ('sent', 'received', 'acted')", name="status"),
        UniqueConstraint("group_id", "week_start"),  # 3.4: one memo per group and week
    )


class ControlCheck(Model):
    """A deputy's check of one journal: findings and deadline to fix (3.5, 7.2)."""
    __tablename__ = "control_check"
    id = Column(Integer, primary_key=True)
    journal_id = Column(Integer, ForeignKey("journal.id"), nullable=False, index=True)
    inspector_id = user_fk(nullable=False)
    check_date = Column(Date, nullable=False)
    findings = Column(Text, nullable=False, default="")
    fix_deadline = Column(Date)
    fixed = Column(Boolean, nullable=False, default=False)
    created_at = created_at_column()
    journal = relationship("Journal")
    inspector = relationship("User", foreign_keys=[inspector_id])


class BlockRequest(Model):
    """A request to block or unblock an account after a status change; IT confirms it (5.2)."""
    __tablename__ = "block_request"
    id = Column(Integer, primary_key=True)
    user_id = user_fk(nullable=False, index=True)
    student_id = Column(Integer, ForeignKey("student.id"))
    status_change_id = Column(Integer, ForeignKey("student_status_change.id"))
    action = Column(String(8), nullable=False)  # block | unblock
    status = Column(String(16), nullable=False, default="pending")
    reason = Column(Text)
    requested_by_id = user_fk(nullable=False)
    requested_at = created_at_column()
    decided_by_id = user_fk()
    decided_at = Column(DateTime(timezone=True))
    user = relationship("User", foreign_keys=[user_id])
    student = relationship("Student")
    status_change = relationship("StudentStatusChange")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    __table_args__ = (
        CheckConstraint("action IN ('block', 'unblock')", name="action"),
        CheckConstraint("status IN ('pending', 'confirmed', 'rejected')", name="status"),
    )
