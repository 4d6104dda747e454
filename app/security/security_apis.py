"""FAB's security APIs (accounts, roles, permissions; Admin only) without their 500s: an edit
of an account that is not there, or a write the database refuses, is a 404 or a 422 like the
other APIs' answers, not FAB's «Fatal error»."""
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.security.sqla.apis import (
    PermissionApi, PermissionViewMenuApi, RoleApi, UserApi, ViewMenuApi,
)
from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu
from sqlalchemy.exc import SQLAlchemyError

MAX_KEY = 2**31 - 1  # ids are 32-bit integers in every supported database


class RefusingInterface(SQLAInterface):
    """FAB's interface whose add reports a refused row as FAB's DatabaseException (answered
    422 by the API), as its edit and delete already do, instead of the raw SQL error."""

    def add(self, item, commit: bool = True) -> None:
        try:
            super().add(item, commit)
        except SQLAlchemyError as exc:
            raise DatabaseException from exc


def _row(api, pk):
    key = str(pk).strip()
    if not key.isdigit() or int(key) > MAX_KEY:
        return None
    return api.datamodel.get(int(key), api._base_filters)


class JournalUserApi(UserApi):
    @expose("/<pk>", methods=("PUT",))
    @protect()
    @safe
    @permission_name("put")
    def put(self, pk):
        if _row(self, pk) is None:  # FAB edits None: AttributeError, 500
            return self.response_404()
        return UserApi.put(self, pk)

    put.__doc__ = UserApi.put.__doc__


class JournalRoleApi(RoleApi):
    datamodel = RefusingInterface(Role)


class JournalPermissionApi(PermissionApi):
    datamodel = RefusingInterface(Permission)


class JournalViewMenuApi(ViewMenuApi):
    datamodel = RefusingInterface(ViewMenu)


class JournalPermissionViewMenuApi(PermissionViewMenuApi):
    datamodel = RefusingInterface(PermissionView)
