"""Unbound extensions, bound to the app by create_app()."""
import sqlite3

from flask import current_app, has_app_context
from flask_appbuilder import AppBuilder
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .infra.private_files import sqlite_files_private

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
    # the live database and its -wal/-shm: owner only, whatever umask made them (finding 7)
    sqlite_files_private(dbapi_connection)


# The journal's working set (a college's marks, a few GB at most) lives in the server's cache,
# where reading a page at random costs little more than reading the next one; PostgreSQL's
# default (4, a spinning disk) has it scan every mark of the college for a student's record
# rather than look the student's few up in the index. POSTGRES_RANDOM_PAGE_COST="" keeps the
# server's own setting.
DEFAULT_RANDOM_PAGE_COST = "1.1"


@event.listens_for(Engine, "connect")
def _postgresql_for_a_cached_database(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.split(".")[0] != "psycopg":
        return
    cost = DEFAULT_RANDOM_PAGE_COST
    if has_app_context():
        cost = str(current_app.config.get("POSTGRES_RANDOM_PAGE_COST", cost))
    if not cost:
        return
    dbapi_connection.execute("SELECT set_config('random_page_cost', %s, false)", [cost])
    dbapi_connection.commit()
