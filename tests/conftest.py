"""Test fixtures. The suite runs on SQLite (default) or PostgreSQL (JOURNAL_TEST_DB=postgresql).

One app per test session (FAB's AppBuilder binds once); the schema comes from the real
migrations; every test starts from empty tables (roles and permissions are kept).
"""
import atexit
import os
import shutil
import tempfile
import uuid

import pytest
from sqlalchemy import create_engine, text

# Browser fixtures (live_server, browser) for every module, defined once.
pytest_plugins = ["tests.live_server"]

_TMP = tempfile.mkdtemp(prefix="journal-test-")
# The run's instance folder (SQLite file, backups, archives) goes when the run ends.
atexit.register(shutil.rmtree, _TMP, True)
os.environ.setdefault("JOURNAL_INSTANCE_DIR", _TMP)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

PG_ADMIN_URL = os.environ.get("JOURNAL_PG_ADMIN_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BACKEND = os.environ.get("JOURNAL_TEST_DB", "sqlite")


def _database_url() -> str:
    if BACKEND == "postgresql":
        name = f"journal_test_{uuid.uuid4().hex[:10]}"
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    return f"sqlite:///{_TMP}/test.db"


def _drop_database(url: str) -> None:
    if BACKEND != "postgresql":
        return
    name = url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


DATABASE_URL = _database_url()
os.environ["DATABASE_URL"] = DATABASE_URL

# Tables kept between tests: FAB's security tables (roles, permissions) and their version.
KEEP_TABLES = {"ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
               "ab_permission_view_role", "alembic_version", "access_stamp"}


@pytest.fixture(scope="session")
def app():
    import config
    from app import create_app
    from app.extensions import db
    from flask_migrate import upgrade
    from tests.factories import IsolatedClient

    class Cfg(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = DATABASE_URL
        # Cheap hashing keeps fixtures fast; production uses FAB's default (scrypt).
        FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        BACKUP_DIR = os.path.join(_TMP, "backups")
        ARCHIVE_DIR = os.path.join(_TMP, "archive")

    application = create_app(Cfg)
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade(revision="heads")
        application.appbuilder.sm.sync_journal_roles()
        db.session.remove()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    _drop_database(DATABASE_URL)


def _wipe(db) -> None:
    """Empty every table but the roles. DELETE is ~20× faster than TRUNCATE on PostgreSQL for
    these small tables; triggers (the audit log's append-only guard) are off for this wipe."""
    from app.models import Model
    tables = [t for t in reversed(Model.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            conn.execute(table.delete())


@pytest.fixture()
def db(app):
    """A clean database (wiped before the test) inside an app context."""
    from app.extensions import db as _db
    with app.app_context():
        _wipe(_db)
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture()
def college(db):
    """A small fixed college: two groups, their curators, teachers, students, parents."""
    from tests.factories import build_college
    return build_college(db)


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def login(app, db):
    """login(username) → a test client logged in as that user (password: factories.PASSWORD)."""
    from tests.factories import login_client

    def _login(username):
        return login_client(app, username)
    return _login
