"""Append-only audit log with a hash chain (4.1, 152-FZ art. 19)."""
from sqlalchemy import Column, DateTime, Integer, String, Text

from .base import Model, utcnow


class AuditLog(Model):
    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    user_id = Column(Integer, index=True)  # no FK: entries outlive accounts
    username = Column(String(255))
    action = Column(String(64), nullable=False, index=True)
    object_type = Column(String(64))
    object_id = Column(String(64))
    ip_address = Column(String(64))
    user_agent = Column(String(512))
    details = Column(Text)  # JSON: before/after values, parameters
    prev_hash = Column(String(64), nullable=False)
    entry_hash = Column(String(64), nullable=False, unique=True)


class AuditHead(Model):
    """The chain's head, updated in the same transaction as every entry: deleting the LAST
    entries directly in the database leaves the head pointing past the end (4.1)."""
    __tablename__ = "audit_head"
    id = Column(Integer, primary_key=True)  # always 1
    last_id = Column(Integer, nullable=False)
    last_hash = Column(String(64), nullable=False)
    entries = Column(Integer, nullable=False)
