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


class ArchiveSupplement(Model):
    """A supplement to a group's year archive (7.3): the changes made in the archived year
    after the archive (retakes of the year's debts, the deputy's corrections), written as files
    of their own with their checksums; the first archive's files never change."""
    __tablename__ = "archive_supplement"
    id = Column(Integer, primary_key=True)
    archive_id = Column(Integer, ForeignKey("archive_record.id"), nullable=False, index=True)
    number = Column(Integer, nullable=False)
    manifest = Column(Text, nullable=False)  # JSON: file name → SHA-256
    manifest_sha256 = Column(String(64), nullable=False)
    created_at = created_at_column()
    created_by_id = user_fk()
    archive = relationship("ArchiveRecord")
    __table_args__ = (UniqueConstraint("archive_id", "number"),)

    @property
    def prefix(self) -> str:
        """The files' common name in the archive's folder: `supplement-<number>`."""
        return f"supplement-{self.number}"


class ArchiveChange(Model):
    """One change made in an archived year (7.3), waiting for or kept in a supplement: what,
    about whom, old → new, why, who and when."""
    __tablename__ = "archive_change"
    id = Column(Integer, primary_key=True)
    archive_id = Column(Integer, ForeignKey("archive_record.id"), nullable=False, index=True)
    supplement_id = Column(Integer, ForeignKey("archive_supplement.id"), index=True)
    action = Column(String(32), nullable=False)  # an audit action: what was done
    subject = Column(Text, nullable=False)  # in people's words: student, discipline, period
    old_value = Column(String(64))
    new_value = Column(String(64))
    reason = Column(Text)
    changed_at = created_at_column()
    changed_by_id = user_fk()
    archive = relationship("ArchiveRecord")
    supplement = relationship("ArchiveSupplement")
    changed_by = relationship("User", foreign_keys=[changed_by_id])
