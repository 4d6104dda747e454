"""The framework's role, group and permission screens (system administrator only) with roles,
screens and permissions named in Russian, as everywhere else in the portal."""
from flask import current_app
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security import views as fab_views
from flask_appbuilder.security.sqla.models import PermissionView, Role
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import lazy_gettext as _

from .. import labels
from ..extensions import db


def _roles_field() -> QuerySelectMultipleField:
    return QuerySelectMultipleField(
        _("Роли"), query_func=lambda: db.session.query(Role).order_by(Role.name).all(),
        get_pk_func=lambda role: role.id, get_label=lambda role: labels.role(role.name),
        widget=Select2ManyWidget())


def _screens() -> dict[str, str]:
    """A permission's screen or menu item (FAB's view-menu name) → its name in the menu, or
    the screen's title; read once from the registered menu and views."""
    known = current_app.extensions.get("journal_screen_names")
    if known is not None:
        return known
    known, items = {}, list(current_app.appbuilder.menu.menu)
    while items:
        item = items.pop()
        items.extend(item.childs or [])
        if item.label:
            known.setdefault(item.name, str(item.label))
            if item.baseview is not None:
                known.setdefault(item.baseview.class_permission_name, str(item.label))
    for view in current_app.appbuilder.baseviews:
        title = getattr(view, "list_title", None) or labels.API_SCREENS.get(
            view.class_permission_name)
        if title:
            known.setdefault(view.class_permission_name, str(title))
    current_app.extensions["journal_screen_names"] = known
    return known


def screen(name: str | None) -> str:
    return _screens().get(name, name or "")


def permission(name: str | None) -> str:
    return labels.text(labels.PERMISSIONS, name, name or "")


def permission_on_screen(pv) -> str:
    return f"{permission(pv.permission.name)} — {screen(pv.view_menu.name)}"


class JournalRoleView(fab_views.RoleModelView):
    """FAB's roles screen; the role's name and its permissions read in Russian."""
    class_permission_name = "RoleModelView"  # the framework's own permission: Admin only
    list_widget = ListWidget  # the framework's role widgets print the codes, not formatters
    show_widget = ShowWidget
    search_columns = ["name"]  # a filter by permission would list the codes
    formatters_columns = {"name": labels.role, "permissions": lambda perms: "; ".join(
        sorted(permission_on_screen(pv) for pv in perms or []))}
    edit_form_extra_fields = {"permissions": QuerySelectMultipleField(
        _("Права"), query_func=lambda: db.session.query(PermissionView).all(),
        get_pk_func=lambda pv: pv.id, get_label=permission_on_screen,
        widget=Select2ManyWidget())}
    add_form_extra_fields = edit_form_extra_fields


class JournalPermissionView(fab_views.PermissionModelView):
    class_permission_name = "PermissionModelView"
    label_columns = {"name": _("Право")}
    formatters_columns = {"name": permission}


class JournalScreenView(fab_views.ViewMenuModelView):
    class_permission_name = "ViewMenuModelView"
    label_columns = {"name": _("Экран или пункт меню")}
    formatters_columns = {"name": screen}


class JournalPermissionScreenView(fab_views.PermissionViewModelView):
    class_permission_name = "PermissionViewModelView"
    label_columns = {"permission": _("Право"), "view_menu": _("Экран или пункт меню")}
    formatters_columns = {"permission": lambda p: permission(p.name if p else None),
                          "view_menu": lambda v: screen(v.name if v else None)}


class JournalGroupView(fab_views.UserGroupModelView):
    """FAB's user groups screen; roles read in Russian."""
    class_permission_name = "UserGroupModelView"  # the framework's own permission: Admin only
    label_columns = {"name": _("Название"), "label": _("Подпись"), "description": _("Описание"),
                     "users": _("Пользователи"), "roles": _("Роли")}
    formatters_columns = {"roles": lambda roles: labels.roles(r.name for r in roles or [])}
    add_form_extra_fields = {"roles": _roles_field()}
    edit_form_extra_fields = {"roles": _roles_field()}
