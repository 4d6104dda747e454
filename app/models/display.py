"""How the portal is shown to each user (SPEC §8, ГОСТ Р 52872-2019): the version for people
with impaired vision — larger type and high contrast — kept per account across logins."""
from sqlalchemy import Boolean, Column, ForeignKey, Integer, false

from .base import Model


class DisplayPreference(Model):
    __tablename__ = "display_preference"
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    low_vision = Column(Boolean, nullable=False, default=False, server_default=false())
