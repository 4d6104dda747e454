"""Backups (7.1), year archives with retention (7.3, 7.4) and destruction acts."""
from sqlalchemy import (
    BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model, created_at_column, user_fk


class BackupRecord(Model):
    __tablename__ = "backup_record"
    id = Column(Integer, primary_key=True)
    file_name = Column(String(255), nullable=False, unique=True)
    created_at = created_at_column()
    size_bytes = Column(BigInteger, nullable=False, default=0)
    sha256 = Column(String(64), nullable=False)
    engine = Column(String(16), nullable=False)
    verified = Column(Boolean, nullable=False, default=False)
    verification = Column(Text)  # JSON: row counts compared, restore time
    removed = Column(Boolean, nullable=False, default=False)


class ArchiveRecord(Model):
    __tablename__ = "archive_record"
    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False)
    academic_year_id = Column(Integer, ForeignKey("academic_year.id"), nullable=False)
    directory = Column(String(500), nullable=False)
    manifest = Column(Text, nullable=False)  # JSON: file name → SHA-256
    manifest_sha256 = Column(String(64), nullable=False)
    retention_until = Column(Date, nullable=False)  # graduation + 3 years (7.4)
    created_at = created_at_column()
    created_by_id = user_fk()
    destroyed = Column(Boolean, nullable=False, default=False)
    # A draft made before the year's last period is closed: re-run freely, replaced by the
    # final archive, and it does not make the year read-only (7.3).
    is_draft = Column(Boolean, nullable=False, default=False)
    group = relationship("StudentGroup")
    academic_year = relationship("AcademicYear")
    __table_args__ = (UniqueConstraint("group_id", "academic_year_id"),)


class DestructionAct(Model):
    """Акт об уничтожении: kept for good after an archive's files are destroyed."""
    __tablename__ = "destruction_act"
    id = Column(Integer, primary_key=True)
    archive_id = Column(Integer, ForeignKey("archive_record.id"), nullable=False, unique=True)
    destroyed_by_id = user_fk(nullable=False)
    destroyed_at = Column(DateTime(timezone=True), nullable=False)
    group_name = Column(String(64), nullable=False)
    year_name = Column(String(16), nullable=False)
    files = Column(Text, nullable=False)  # JSON: file name → SHA-256 at destruction
    note = Column(Text)
    archive = relationship("ArchiveRecord")
