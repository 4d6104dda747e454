"""Foundation: migrations, roles, row-level scopes on the model views."""
import pytest
from sqlalchemy import inspect

from app.security.access import ROLES


def test_migrations_create_every_model_table(app, db):
    from app.models import Model
    tables = set(inspect(db.engine).get_table_names())
    missing = {t.name for t in Model.metadata.sorted_tables} - tables
    assert not missing


def test_migrations_upgrade_twice_is_harmless(app, db):
    """Upgrading again changes nothing: every head stays applied, no table appears or goes."""
    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade
    from sqlalchemy import text
    heads = set(ScriptDirectory.from_config(
        app.extensions["migrate"].migrate.get_config()).get_heads())
    tables = set(inspect(db.engine).get_table_names())
    upgrade(revision="heads")
    upgrade(revision="heads")
    with db.engine.connect() as conn:
        applied = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    assert applied == heads and len(heads) >= 1
    assert set(inspect(db.engine).get_table_names()) == tables



def test_migrations_match_the_models(app, db):
    """The schema the migrations build is the schema the models declare: tables, columns,
    types, nullability, indexes and constraints (alembic's comparison finds nothing)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.models import Model
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "compare_server_default": False,
            "render_as_batch": True})
        differences = compare_metadata(context, Model.metadata)
    assert differences == []

def test_postgresql_connections_plan_for_a_cached_database(app, db):
    """PostgreSQL's connections price a random page read at POSTGRES_RANDOM_PAGE_COST (a
    college's journal fits the server's cache); "" keeps the server's own setting."""
    from sqlalchemy import text
    if db.engine.dialect.name != "postgresql":
        assert app.config["POSTGRES_RANDOM_PAGE_COST"] == "1.1"  # read only by PostgreSQL
        return
    with db.engine.connect() as conn:
        server = conn.execute(text("SELECT reset_val FROM pg_settings "
                                   "WHERE name = 'random_page_cost'")).scalar()
    assert db.session.execute(text("SHOW random_page_cost")).scalar() == "1.1" != server
    from sqlalchemy import create_engine
    fresh = create_engine(db.engine.url.render_as_string(hide_password=False))
    try:
        for setting, expected in (("", server), ("1.5", "1.5")):
            app.config["POSTGRES_RANDOM_PAGE_COST"] = setting
            with fresh.connect() as conn:
                assert conn.execute(text("SHOW random_page_cost")).scalar() == expected
            fresh.dispose()  # the next setting on a new connection
    finally:
        fresh.dispose()
        app.config["POSTGRES_RANDOM_PAGE_COST"] = "1.1"


def test_roles_exist(app, db):
    sm = app.appbuilder.sm
    for name in ROLES:
        assert sm.find_role(name) is not None, name


def test_students_and_parents_never_write_the_journal(app, db):
    """1.4: students and parents read; writing the journal (lessons, marks) is staff's."""
    sm = app.appbuilder.sm
    writes = {("can_write", "JournalApi"), ("can_lesson", "JournalView")}
    for name in ("Student", "Parent"):
        perms = {(p.permission.name, p.view_menu.name) for p in sm.find_role(name).permissions}
        assert perms & writes == set(), name
    teacher = sm.find_role("Teacher")
    assert writes <= {(p.permission.name, p.view_menu.name) for p in teacher.permissions}


def test_student_has_no_password_change(app, db):
    sm = app.appbuilder.sm
    student = sm.find_role("Student")
    perms = {(p.permission.name, p.view_menu.name) for p in student.permissions}
    assert ("can_this_form_post", "ResetMyPasswordView") not in perms
    teacher = sm.find_role("Teacher")
    perms = {(p.permission.name, p.view_menu.name) for p in teacher.permissions}
    assert ("can_this_form_post", "ResetMyPasswordView") in perms


def test_russian_ui_by_default(client):
    page = client.get("/login/").get_data(as_text=True)
    assert "Войти" in page or "Вход" in page


@pytest.mark.parametrize("username,visible,hidden", [
    ("curator1", "Смирнов", "Михайлов"),
    ("curator2", "Михайлов", "Смирнов"),
    ("teacher2", "Михайлов", None),
])
def test_student_list_is_scoped(college, login, username, visible, hidden):
    page = login(username).get("/studentview/list/").get_data(as_text=True)
    assert visible in page
    if hidden:
        assert hidden not in page


def test_student_cannot_open_student_list(college, login):
    response = login("student1").get("/studentview/list/")
    assert response.status_code in (302, 403)


def test_curator_cannot_show_other_groups_student(college, login):
    other = college.student3
    response = login("curator1").get(f"/studentview/show/{other.id}")
    assert response.status_code in (302, 403, 404)
    assert "Михайлов" not in response.get_data(as_text=True)


def test_json_responses_match_flasks_own_encoding(app):
    """API answers go through orjson; the output is what Flask's provider would give."""
    import json
    from datetime import date
    from decimal import Decimal

    from flask.json.provider import DefaultJSONProvider
    payload = {"b": 1, "a": [date(2025, 9, 1), Decimal("4.50"), "Иванов <b>"], "n": None,
               "c": {"z": True, "y": 2.5}}
    with app.test_request_context():
        fast = app.json.response(payload)
        plain = DefaultJSONProvider(app).response(payload)
        assert json.loads(fast.get_data()) == json.loads(plain.get_data())
        assert fast.get_data(as_text=True).index('"a"') < fast.get_data(as_text=True).index('"b"')
        assert fast.mimetype == "application/json"
        huge = app.json.response({"id": 10 ** 30})  # beyond orjson's integers: Flask's encoder
        assert json.loads(huge.get_data()) == {"id": 10 ** 30}


def test_every_page_names_an_icon_that_exists(client):
    """27: browsers ask for /favicon.ico on every page; it answers with the icon, and the
    pages' own link points at a file that is served."""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an .ico file
    page = client.get("/login/").get_data(as_text=True)
    href = page.split('rel="icon" href="')[1].split('"')[0]
    assert client.get(href).status_code == 200
