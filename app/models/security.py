"""Account security state (SECURITY.md "Authentication and sessions", ASVS 2.1, 3.3)."""
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String

from .base import Model


class AccountSession(Model):
    """The account's session generation: every session cookie and every token carries the
    generation it was issued in; logout, a password change, a block and a role change
    raise it, which ends all of them at once (ASVS 3.3.1, 3.3.3). Also the previous
    password's hash, so a new password cannot repeat it (ASVS 2.1)."""
    __tablename__ = "account_session"
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    generation = Column(Integer, nullable=False, default=0)
    previous_password = Column(String(256))


class AccessStamp(Model):
    """The version of the roles' permissions (one row): raised whenever a role, a permission or
    a view is added, changed or removed, so every worker reloads its copy of the roles'
    permissions on its next request and role edits take effect at once everywhere."""
    __tablename__ = "access_stamp"
    id = Column(Integer, primary_key=True)
    version = Column(String(32), nullable=False)  # a random token: a restored copy differs


class LoginAttempt(Model):
    """One login try, for the login limit shared by every worker when no Redis is configured
    (ASVS 2.2.1, FSTEC УПД.6)."""
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_client_attempted_at", "client", "attempted_at"),)
    id = Column(Integer, primary_key=True)
    client = Column(String(64), nullable=False)
    attempted_at = Column(DateTime(timezone=True), nullable=False)
