"""Shared model helpers: the FAB declarative base, naming convention, timestamps."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer

from ..infra import clock

# Deterministic constraint names: migrations stay identical on SQLite and PostgreSQL.
Model.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Stored times are UTC; the college clock may be fixed in tests (infra/clock.py)."""
    return clock.now()


def user_fk(nullable: bool = True, **kwargs) -> Column:
    """A reference to a portal account (ab_user)."""
    return Column(Integer, ForeignKey("ab_user.id"), nullable=nullable, **kwargs)


def created_at_column() -> Column:
    return Column(DateTime(timezone=True), nullable=False, default=utcnow)


__all__ = ["Model", "utcnow", "user_fk", "created_at_column"]
