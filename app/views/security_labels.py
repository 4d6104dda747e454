"""The framework's role and group screens (system administrator only) with the roles named
in Russian, as everywhere else in the portal."""
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security import views as fab_views
from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _

from .. import labels
from ..extensions import db


def _roles_field() -> QuerySelectMultipleField:
    return QuerySelectMultipleField(
        _("Роли"), query_func=lambda: db.session.query(Role).order_by(Role.name).all(),
        get_pk_func=lambda role: role.id, get_label=lambda role: labels.role(role.name),
        widget=Select2ManyWidget())


class JournalRoleView(fab_views.RoleModelView):
    """FAB's roles screen; the role's name reads in Russian."""
    class_permission_name = "RoleModelView"  # the framework's own permission: Admin only
    formatters_columns = {"name": labels.role}


class JournalGroupView(fab_views.UserGroupModelView):
    """FAB's user groups screen; roles read in Russian."""
    class_permission_name = "UserGroupModelView"  # the framework's own permission: Admin only
    label_columns = {"name": _("Название"), "label": _("Подпись"), "description": _("Описание"),
                     "users": _("Пользователи"), "roles": _("Роли")}
    formatters_columns = {"roles": lambda roles: labels.roles(r.name for r in roles or [])}
    add_form_extra_fields = {"roles": _roles_field()}
    edit_form_extra_fields = {"roles": _roles_field()}
