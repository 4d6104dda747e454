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
# The process's instance folder (SQLite file, backups, archives, documents) goes when it ends;
# each process has its own, so parallel workers never share a file.
atexit.register(shutil.rmtree, _TMP, True)
os.environ["JOURNAL_INSTANCE_DIR"] = _TMP
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



# Tables kept between tests: FAB's security tables (roles, permissions) and their version.
KEEP_TABLES = {"ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
               "ab_permission_view_role", "alembic_version", "access_stamp"}


# The longest files, longest first (PostgreSQL pass, docs/PERFORMANCE.md "The test suite"):
# pytest-xdist hands files out in the collection's order (scripts/test.sh turns its own
# reordering by test count off), so these start at once instead of ending the run on one
# worker while the other has nothing left.
LONG_FIRST = ("test_accessibility_walk.py", "test_accessibility_walk_others.py",
              "test_faults.py", "test_russian_pages.py", "test_backup_restore.py",
              "test_route_sweep.py", "test_jobs_worker.py", "test_journal_browser.py",
              "test_admin_views.py", "test_concurrency.py", "test_exports_print.py",
              "test_practice_rules.py", "test_access_matrix.py", "test_backup.py")


def _runs_once(item) -> bool:
    """How a page or a file looks (layout_only) and what a page's script does in Chromium
    read the same on either database: they run in one pass, the SQLite one, whose server
    answers the same pages faster."""
    return bool(item.get_closest_marker("layout_only")) or "playwright_browser" in getattr(
        item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass leaves out what runs once (`_runs_once`) and the tests about
    SQLite's own files; the SQLite pass leaves out the tests that need PostgreSQL itself
    (several servers, a restart), browser or not. Left out is reported as deselected, never
    skipped: in the other pass they run and must pass. Then the longest files go first."""
    if BACKEND == "postgresql":
        left = [item for item in items if item.get_closest_marker("sqlite_only")
                or (_runs_once(item) and not item.get_closest_marker("postgresql_only"))]
    else:
        left = [item for item in items if item.get_closest_marker("postgresql_only")]
    if left:
        config.hook.pytest_deselected(items=left)
        dropped = set(map(id, left))
        items[:] = [item for item in items if id(item) not in dropped]
    order = {name: n for n, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: order.get(item.path.name, len(order)))


@pytest.fixture(scope="session")
def database_url():
    """The process's own database, made when its first test needs it (a parallel run's
    controller runs no test and makes none) and dropped at the end."""
    url = _database_url()
    os.environ["DATABASE_URL"] = url
    yield url
    _drop_database(url)


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    import config
    from app import create_app
    from app.extensions import db
    from tests.factories import IsolatedClient

    class Cfg(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
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


class Snapshot:
    """The rows of every table but the kept ones, read once and written back before each test
    that wants that state: the small college of tests/factories.py costs ~80 ms to build and
    ~5 ms to restore. PostgreSQL moves the rows by binary COPY, SQLite by executemany; the
    kept tables (roles, permissions) are left as the tests left them, as the wipe does."""

    def __init__(self, database):
        self.rows: dict[str, object] = {}
        tables = _tables()
        raw = database.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for table in tables:
                if database.engine.dialect.name == "postgresql":
                    with cursor.copy(f'COPY "{table.name}" TO STDOUT (FORMAT BINARY)') as copy:
                        data = b"".join(bytes(chunk) for chunk in copy)
                    if len(data) > _EMPTY_BINARY_COPY:
                        self.rows[table.name] = data
                else:
                    found = cursor.execute(f'SELECT * FROM "{table.name}"').fetchall()
                    if found:
                        self.rows[table.name] = found
            raw.commit()
        finally:
            raw.close()

    def restore(self, database) -> None:
        tables = _tables()
        raw = database.engine.raw_connection()
        try:
            cursor = raw.cursor()
            postgresql = database.engine.dialect.name == "postgresql"
            if postgresql:
                cursor.execute("SET LOCAL session_replication_role = replica")
            for table in reversed(tables):
                cursor.execute(f'DELETE FROM "{table.name}"')
            for table in tables:
                rows = self.rows.get(table.name)
                if rows is None:
                    continue
                if postgresql:
                    with cursor.copy(f'COPY "{table.name}" FROM STDIN (FORMAT BINARY)') as copy:
                        copy.write(rows)
                else:
                    marks = ", ".join("?" * len(rows[0]))
                    cursor.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', rows)
            raw.commit()
        finally:
            raw.close()


# A binary COPY of no rows: its 19-byte header and 2-byte trailer.
_EMPTY_BINARY_COPY = 21
_SNAPSHOTS: dict[str, Snapshot] = {}


def _tables():
    from app.models import Model
    return [t for t in Model.metadata.sorted_tables if t.name not in KEEP_TABLES]


def restore_state(database, name: str, build) -> None:
    """The database as `build()` leaves an empty one: built and read the first time `name` is
    asked for in this process, written back from that snapshot every later time."""
    snapshot = _SNAPSHOTS.get(name)
    if snapshot is not None:
        snapshot.restore(database)
        return
    _wipe(database)
    build()
    database.session.commit()
    database.session.remove()
    _SNAPSHOTS[name] = Snapshot(database)


def restore_demo_college(database, seed: int = 2025) -> None:
    """The demo college of `seed` as built on the app clock's day (build_demo is tested by
    tests/test_demo.py; here it is the data that page walks read)."""
    from flask import current_app

    from app.demo.college import build_demo
    from app.infra import clock
    from tests.factories import PASSWORD
    key = (f"demo:{seed}:{clock.today().isoformat()}:"
           f"{current_app.config.get('FAB_PASSWORD_HASH_METHOD')}")
    restore_state(database, key, lambda: build_demo(PASSWORD, seed))


@pytest.fixture()
def db(app, request):
    """A clean database (wiped before the test) inside an app context; the college's state
    instead when the test asks for the college (it is restored there, not wiped twice)."""
    from app.extensions import db as _db
    with app.app_context():
        if "college" not in request.fixturenames:
            _wipe(_db)
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture()
def college(db):
    """A small fixed college: two groups, their curators, teachers, students, parents.

    Built once per process and restored from its snapshot for every later test; the returned
    namespace loads each object into this test's session when it is first read."""
    from tests.factories import CollegeRefs, build_college
    built = {}
    restore_state(db, "college", lambda: built.update(refs=CollegeRefs.of(build_college(db))))
    if built:
        _COLLEGE_REFS.append(built["refs"])
    return _COLLEGE_REFS[0].load(db)


_COLLEGE_REFS: list = []


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
