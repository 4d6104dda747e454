"""The roles' permissions each worker keeps in memory (app/security/manager.py, SECURITY.md "Access
control"): read once per version, not on every request; a role edited anywhere — another
worker, another host, the command line — is obeyed by every worker from its next request,
because the version (access_stamp) is read with the account on each request."""
import os
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bench._common import AppServer, Browser
from tests.factories import PASSWORD
from tests.test_menus import navbar
from tests.fast_hashing import fast_password_hashing  # noqa: F401

JOURNALS = "/api/v1/journals/"


def _statements(db, fn) -> list[str]:
    seen = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return seen


def _edit_teacher_role(engine, grant: bool) -> None:
    """What the roles screen of another worker does: the Teacher role loses (or gets back)
    reading journals through the API, in a session of its own."""
    from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu
    with Session(engine) as session:
        role = session.scalar(select(Role).where(Role.name == "Teacher"))
        pv = session.scalar(select(PermissionView)
                            .join(Permission, Permission.id == PermissionView.permission_id)
                            .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
                            .where(Permission.name == "can_read", ViewMenu.name == "JournalApi"))
        if grant and pv not in role.permissions:
            role.permissions.append(pv)
        if not grant and pv in role.permissions:
            role.permissions.remove(pv)
        session.commit()


def test_permissions_are_read_again_only_when_their_version_changes(app, college, login, db):
    from app.models import AccessStamp
    client = login("teacher1")
    assert client.get(JOURNALS).status_code == 200  # warm: this worker has read them

    steady = _statements(db, lambda: client.get(JOURNALS))
    assert not [s for s in steady if "ab_permission" in s or "FROM ab_role" in s], steady
    accounts = [s for s in steady if "FROM ab_user" in s]
    assert len(accounts) == 1 and "access_stamp" in accounts[0]  # the version rides along

    before = db.session.scalar(select(AccessStamp.version))
    _edit_teacher_role(db.engine, grant=False)
    try:
        assert db.session.scalar(select(AccessStamp.version).execution_options(
            populate_existing=True)) != before
        reread = _statements(db, lambda: client.get(JOURNALS))
        assert [s for s in reread if "ab_permission_view_role" in s]
    finally:
        _edit_teacher_role(db.engine, grant=True)


def test_a_role_edit_reaches_every_worker_at_once(app, college, db):
    """Two gunicorn workers have both read the roles' permissions; the Teacher role loses
    the journals API in the database; from the next request both workers refuse it."""
    env = {"AUTH_RATE_LIMIT": "10000 per minute", "REDIS_URL": "",
           "SECRET_KEY": os.environ["SECRET_KEY"]}
    with AppServer(app.config["SQLALCHEMY_DATABASE_URI"], workers=2, threads=1,
                   env=env) as server:
        browsers = [Browser(server.url) for _ in range(6)]
        for browser in browsers:
            assert browser.login("teacher1", PASSWORD) == 302

        def answers() -> list[int]:
            with ThreadPoolExecutor(len(browsers)) as pool:  # at once: both workers answer
                return list(pool.map(lambda b: b.json("GET", JOURNALS)[0], browsers * 2))

        assert answers() == [200] * 12
        _edit_teacher_role(db.engine, grant=False)
        try:
            assert answers() == [403] * 12
        finally:
            _edit_teacher_role(db.engine, grant=True)
        assert answers() == [200] * 12


def test_menu_access_from_the_copy_matches_fab(app, college, db):
    """The menu API's check answers from the worker's copy exactly what FAB's own query does
    for an account of every role; the anonymous visitor gets no menu (the portal has no public
    role: FAB's own check fails on that with an AttributeError)."""
    from flask_appbuilder.security.sqla.manager import SecurityManager
    from flask_appbuilder.security.sqla.models import User
    sm = app.appbuilder.sm
    with app.test_request_context():
        names = app.appbuilder.menu.get_flat_name_list()
        assert sm._get_user_permission_view_menus(None, "menu_access", names) == set()
        users = list(db.session.scalars(select(User).order_by(User.id)))
        assert len(users) > 8 and names
        for user in users:
            ours = sm._get_user_permission_view_menus(user, "menu_access", names)
            fabs = SecurityManager._get_user_permission_view_menus(sm, user, "menu_access",
                                                                   names)
            assert ours == fabs, getattr(user, "username", "anonymous")
        assert sm._get_user_permission_view_menus(users[0], "menu_access", names)


def test_giving_a_role_to_an_account_keeps_the_version(app, college, db):
    """An account's roles are read with the account on every request: giving one (issuing
    credentials, imports) changes no role's permissions, so no worker reads them again."""
    from flask_appbuilder.security.sqla.models import Role, User

    from app.models import AccessStamp
    before = db.session.scalar(select(AccessStamp.version))
    user = db.session.scalar(select(User).where(User.username == "teacher1"))
    curator = db.session.scalar(select(Role).where(Role.name == "Curator"))
    assert curator.user is not None  # loaded: the append below changes the role's side too
    user.roles.append(curator)
    assert curator in db.session.dirty
    db.session.commit()
    assert db.session.scalar(select(AccessStamp.version)) == before
    role = db.session.scalar(select(Role).where(Role.name == "Curator"))
    role.name = "Curator"  # set to the same: no change
    db.session.commit()
    assert db.session.scalar(select(AccessStamp.version)) == before


def test_the_menu_follows_a_role_edit_at_once(app, college, login, db):
    """Each worker keeps the menu it rendered for a set of roles (app/web.py navbar_menu): a
    role that loses a menu item's permission loses the item from the next page on, and gets it
    back with the permission."""
    from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu
    client = login("teacher1")
    item = next(entry for top in app.appbuilder.menu.get_list()
                for entry in (top.childs or [top])
                if entry and entry.name == "JournalView")
    with app.test_request_context():
        link = item.get_url()

    def menu_links() -> list[str]:
        return [href for _label, target in navbar(client.get("/").get_data(as_text=True))
                for href in ([target] if isinstance(target, str)
                             else [href for _item, href in target])]

    assert link in menu_links()  # rendered and kept

    def menu_access(grant: bool) -> None:
        with Session(db.engine) as session:
            role = session.scalar(select(Role).where(Role.name == "Teacher"))
            pv = session.scalar(select(PermissionView).join(Permission).join(ViewMenu).where(
                Permission.name == "menu_access", ViewMenu.name == item.name))
            if grant:
                role.permissions.append(pv)
            else:
                role.permissions.remove(pv)
            session.commit()

    menu_access(False)
    try:
        assert link not in menu_links()
    finally:
        menu_access(True)
    assert link in menu_links()
