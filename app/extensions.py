"""Unbound extensions, bound to the app by create_app()."""
import sqlite3

from flask import current_app, has_app_context
from flask_appbuilder import AppBuilder
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

db = get_sqla_class()()
appbuilder = AppBuilder(update_perms=False)
migrate = Migrate()
csrf = CSRFProtect()

DEFAULT_SQLITE_BUSY_TIMEOUT = 30.0


@event.listens_for(Engine, "connect")
def _sqlite_for_several_workers(dbapi_connection, _record) -> None:
    """The embedded default under several gunicorn workers and threads: WAL, so readers never
    wait for a writer nor a writer for readers; a busy timeout, so a writer waits its turn for
    the file's single write lock instead of failing at once. Each transaction's first
    statement that writes takes that lock (the driver's implicit BEGIN), so no transaction
    reads data it then writes from a stale snapshot."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    timeout = DEFAULT_SQLITE_BUSY_TIMEOUT
    if has_app_context():
        timeout = float(current_app.config.get("SQLITE_BUSY_TIMEOUT", timeout))
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()
