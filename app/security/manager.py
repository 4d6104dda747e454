"""The portal's security manager: roles from app/security/access.py, lockout, audit of logins."""
import logging
from datetime import datetime, timezone

from flask import g, has_app_context, has_request_context, session
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import (
    Permission, PermissionView, Role, ViewMenu, assoc_permissionview_role,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.local import LocalProxy

from ..models import AccountState
from ..services.records import audit
from ..views.auth import AuthDBView
from ..views.passwords import ResetMyPasswordView, ResetPasswordView
from ..views.security_labels import (
    JournalGroupView, JournalPermissionScreenView, JournalPermissionView, JournalRoleView,
    JournalScreenView,
)
from ..views.users import UserDBModelView
from . import login_limit
from .access import ACCESS, ROLES
from .security_apis import (
    JournalPermissionApi, JournalPermissionViewMenuApi, JournalRoleApi, JournalUserApi,
    JournalViewMenuApi,
)
from .sessions import REQUEST_ACCOUNT, access_version_query, account, end_sessions, generation_of
from .tokens import GENERATION_CLAIM, SecurityApi, configure_jwt

log = logging.getLogger(__name__)
# The account's session generation, kept in the signed session cookie (ASVS 3.3.1).
SESSION_GENERATION = "_generation"


class JournalSecurityManager(SecurityManager):
    authdbview = AuthDBView  # logout by a form that posts, a GET only asks
    userdbmodelview = UserDBModelView  # IT's accounts screen: no Admin role for non-admins
    rolemodelview = JournalRoleView  # roles named in Russian
    permissionmodelview = JournalPermissionView  # permissions and screens too
    viewmenumodelview = JournalScreenView
    permissionviewmodelview = JournalPermissionScreenView
    groupmodelview = JournalGroupView
    userstatschartview = None  # FAB's login statistics chart: unused, answers 500 on bad ids
    security_api = SecurityApi  # the JWT login whose answers match its schema
    resetmypasswordview = ResetMyPasswordView  # asks for the current password
    resetpasswordview = ResetPasswordView
    # FAB's security APIs with a 404 or a 422 where FAB answers 500 (app/security/security_apis.py)
    user_api = JournalUserApi
    role_api = JournalRoleApi
    permission_api = JournalPermissionApi
    view_menu_api = JournalViewMenuApi
    permission_view_menu_api = JournalPermissionViewMenuApi

    # --- sessions and tokens that end (ASVS 3.3, 3.5) -------------------------------------------
    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)
        configure_jwt(jwt_manager)
        return jwt_manager

    def load_user(self, pk):
        """The session cookie's account, if active and the cookie is of the account's current
        generation: logout, a password change, a block or a role change end it."""
        try:
            found = account(int(pk))
        except (TypeError, ValueError):
            return None
        if found is None or not found.user.is_active:
            return None
        if has_request_context() and session.get(SESSION_GENERATION) != found.generation:
            return None
        g.setdefault(REQUEST_ACCOUNT, found)
        return found.user

    def load_user_jwt(self, _jwt_header, jwt_data):
        """The token's account, if active and the token is of its current generation."""
        try:
            found = account(int(jwt_data["sub"]))
        except (KeyError, TypeError, ValueError):
            return None
        if (found is None or not found.user.is_active
                or jwt_data.get(GENERATION_CLAIM) != found.generation):
            return None
        g.setdefault(REQUEST_ACCOUNT, found)
        g.user = found.user
        return found.user

    @property
    def current_user(self):
        """The request's account itself: FAB gives flask-login's proxy, which looks the user
        up again on every attribute read (a batch save reads it for each cell it audits)."""
        user = super().current_user
        return user._get_current_object() if isinstance(user, LocalProxy) else user

    @property
    def is_auth_limited(self) -> bool:
        """FAB's Flask-Limiter would count every login try, successful ones too; the portal's
        own limit counts failures only (app/security/login_limit.py, hooked in app/web.py)."""
        return False

    # --- roles -------------------------------------------------------------------------------
    def sync_journal_roles(self) -> dict[str, int]:
        """Create the roles of SPEC §1 and give each exactly the permissions of ACCESS."""
        self.create_db_permissions()
        counts = {}
        for role_name in ROLES:
            role = self.find_role(role_name) or self.add_role(role_name)
            if role_name == "Admin":
                continue  # FAB gives Admin every permission in sync
            wanted = set()
            for view, by_role in ACCESS.items():
                for perm in by_role.get(role_name, ()):
                    pv = self.find_permission_view_menu(perm, view)
                    if pv is None:
                        pv = self.add_permission_view_menu(perm, view)
                    wanted.add(pv)
            role.permissions = sorted(wanted, key=lambda pv: pv.id or 0)
            counts[role_name] = len(wanted)
        self.session.commit()
        self.create_db_admin_perms()  # again: the loop above may have added permissions
        self._access = None
        return counts

    # --- permission checks --------------------------------------------------------------------
    # FAB asks the database once per check (the menu alone makes ~50 per page) and reads the
    # public role by name before every API call. Each worker keeps the roles' permissions in
    # memory instead, with their version (AccessStamp); the version is read with the account
    # on every request (services.account_sessions.account), so a role edit in any worker takes
    # effect from the next request in all of them.
    _access = None  # {"version", "roles": {role id: {(permission, view)}}, "names": {name: id}}

    def _access_version(self):
        found = g.get(REQUEST_ACCOUNT)
        if found is not None:
            return found.access_version
        if "_journal_access_version" not in g:  # a request without an account
            g._journal_access_version = self.session.scalar(access_version_query())
        return g._journal_access_version

    def role_access(self) -> dict:
        version = self._access_version()
        if version is None:  # no version row (a database not migrated to 0011): this request
            if "_journal_role_access" not in g:
                g._journal_role_access = self._read_access(None)
            return g._journal_role_access
        access = self._access
        if access is None or access["version"] != version:
            access = self._access = self._read_access(version)
        return access

    def _read_access(self, version) -> dict:
        roles: dict[int, set] = {}
        for role_id, permission, view in self.session.execute(
                select(assoc_permissionview_role.c.role_id, Permission.name, ViewMenu.name)
                .select_from(PermissionView)
                .join(assoc_permissionview_role,
                      assoc_permissionview_role.c.permission_view_id == PermissionView.id)
                .join(Permission, Permission.id == PermissionView.permission_id)
                .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)):
            roles.setdefault(role_id, set()).add((permission, view))
        names = dict(self.session.execute(select(Role.name, Role.id)).all())
        return {"version": version, "roles": {k: frozenset(v) for k, v in roles.items()},
                "names": names}

    def exist_permission_on_roles(self, view_name, permission_name, role_ids) -> bool:
        if not has_app_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        roles = self.role_access()["roles"]
        return any((permission_name, view_name) in roles.get(role_id, ()) for role_id in role_ids)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        """The menu API's check (FAB's get_user_menu_access) from the same copy."""
        if not has_app_context() or self.builtin_roles:
            return super()._get_user_permission_view_menus(user, permission_name,
                                                           view_menus_name)
        access = self.role_access()
        role_ids = ([access["names"].get(self.auth_role_public)] if user is None
                    else [role.id for role in self.get_user_roles(user)])
        # like FAB's query for database roles: every view with the permission (the menu
        # keeps the names it has)
        return {view for role_id in role_ids for permission, view in
                access["roles"].get(role_id, ()) if permission == permission_name}

    def is_item_public(self, permission_name, view_name) -> bool:
        public = self.auth_role_public
        if not has_app_context() or public in self.builtin_roles:
            return super().is_item_public(permission_name, view_name)
        access = self.role_access()
        role_id = access["names"].get(public)
        return role_id is not None and (permission_name, view_name) in access["roles"].get(
            role_id, ())

    def create_db_permissions(self) -> None:
        # the Admin role must exist first: FAB adds each new permission to it as it goes
        self.find_role("Admin") or self.add_role("Admin")
        self.appbuilder.add_permissions(update_perms=True)
        self.create_db_admin_perms()

    def create_db_admin_perms(self) -> None:
        admin = self.find_role("Admin") or self.add_role("Admin")
        admin.permissions = list(self.get_all_permissions_views_objects())
        self.session.commit()

    def get_all_permissions_views_objects(self):
        return self.session.query(PermissionView).all()

    # --- login lockout and audit --------------------------------------------------------------
    def _state(self, user):
        state = self.session.get(AccountState, user.id)
        if state is None:
            # two first logins of one account at once: one inserts, the other reads its row
            try:
                with self.session.begin_nested():
                    state = AccountState(user_id=user.id, must_change_password=False)
                    self.session.add(state)
            except IntegrityError:
                state = self.session.get(AccountState, user.id)
        return state

    def is_locked(self, user) -> bool:
        state = self.session.get(AccountState, user.id)
        if state is None or not state.locked_until:
            return False
        return datetime.fromisoformat(state.locked_until).timestamp() > login_limit.now()

    def auth_user_db(self, username, password):
        user = None
        if username:
            user = self.find_user(username=username) or self.find_user(email=username)
        if user is not None and self.is_locked(user):
            self._count_failure()
            audit.record("login_locked", "user", user.id, user=user, username=username)
            self.session.commit()
            return None
        result = super().auth_user_db(username, password)
        if result is not None:
            login_limit.succeeded()
            return result
        if user is None and username:
            self._count_failure()
            audit.record("login_failed", "user", None, details={"reason": "unknown_user"},
                         username=str(username)[:255])
            self.session.commit()
        elif user is not None and not user.is_active:
            self._count_failure()
        return result

    def _count_failure(self) -> dict:
        """The login limit counts the failure; once the account's failures from every address
        make it wait, the wait is kept as its temporary lock (the IT start page counts such
        accounts; a new password issued by the curator or IT lifts it)."""
        user_id, wait = login_limit.failed()
        if not (user_id and wait):
            return {}
        until = datetime.fromtimestamp(login_limit.now() + wait, timezone.utc).isoformat()
        state = self.session.get(AccountState, user_id)
        if state is None:
            state = self._state(self.get_user_by_id(user_id))
        state.locked_until = until
        self.session.commit()
        return {"locked_until": until}

    def on_user_login(self, user) -> None:
        state = self._state(user)
        state.locked_until = None
        if has_request_context():
            session.clear()  # ASVS 3.2.1: nothing of the pre-login session survives the login
            session.permanent = True
            session[SESSION_GENERATION] = generation_of(user.id)
        audit.record("login", "user", user.id, user=user)
        self.session.commit()

    def on_user_login_failed(self, user) -> None:
        """A wrong password, counted by the login limit (app/security/login_limit.py)."""
        details = {"fail_count": user.fail_login_count, **self._count_failure()}
        audit.record("login_failed", "user", user.id, details=details, user=user)
        self.session.commit()

    def on_user_logout(self, user) -> None:
        """Logout ends every session and token of the account (ASVS 3.3.1)."""
        end_sessions(user.id)
        audit.record("logout", "user", user.id, user=user)
        self.session.commit()

    def reset_password(self, userid, password):
        super().reset_password(userid, password)
        actor = current_user if current_user and current_user.is_authenticated else None
        self_change = actor is not None and actor.id == userid
        state = self._state(self.get_user_by_id(userid))
        if self_change:
            state.must_change_password = False
        audit.record("password_change" if self_change else "password_reset", "user", userid)
        self.session.commit()
        if self_change and has_request_context():
            # every other session and token ended with the change; this one goes on
            session[SESSION_GENERATION] = generation_of(actor.id)
