"""Accounts screen of IT (3.1): staff accounts, roles, blocking. Nobody but the system
administrator sees Admin accounts or grants the Admin role; nobody changes their own roles."""
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, Select2ManyWidget
from flask_appbuilder.security.sqla.models import Role, User
from flask_appbuilder.security import views as fab_views
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import inspect, true
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from ..access import ROLES
from ..security_policy import password_problems
from ..services.scopes import role_names
from .base import EagerInterface, RecordRefused, referenced_elsewhere, scoped

SUPERUSER = "Admin"


def _is_superuser(user) -> bool:
    return SUPERUSER in role_names(user)


def _manageable_accounts(user):
    """Admin accounts are invisible to everybody except the system administrator."""
    if _is_superuser(user):
        return true()
    return ~User.roles.any(Role.name == SUPERUSER)


def _assignable_roles():
    from ..extensions import db
    names = [n for n in ROLES if n != SUPERUSER or _is_superuser(current_user)]
    roles = db.session.query(Role).filter(Role.name.in_(names)).all()
    return sorted(roles, key=lambda r: list(ROLES).index(r.name))


def _roles_field():
    return QuerySelectMultipleField(
        _("Роли"), query_func=_assignable_roles, get_pk_func=lambda role: role.id,
        get_label=lambda role: ROLES.get(role.name, role.name),
        validators=[DataRequired(message=_("Выберите хотя бы одну роль."))],
        widget=Select2ManyWidget())


def _strong_password(form, field) -> None:
    """ASVS 2.1: the portal's password policy, with its Russian message."""
    problems = password_problems(field.data or "")
    if problems:
        raise ValidationError(str(_("Пароль слишком простой: ")) + ", ".join(problems) + ".")


PASSWORD_FIELDS = {
    "password": PasswordField(_("Пароль"), validators=[DataRequired(), _strong_password],
                              widget=BS3PasswordFieldWidget()),
    "conf_password": PasswordField(_("Пароль ещё раз"), validators=[
        DataRequired(), EqualTo("password", message=_("Пароли не совпадают."))],
        widget=BS3PasswordFieldWidget()),
}


class UserDBModelView(fab_views.UserDBModelView):
    """Keeps FAB's name, so its endpoints and the grants of app/access.py stay the same."""
    base_filters = [scoped(_manageable_accounts)]
    list_title = _("Учётные записи")
    show_title = _("Учётная запись")
    add_title = _("Новая учётная запись")
    edit_title = _("Учётная запись")
    label_columns = dict(
        fab_views.UserDBModelView.label_columns, first_name=_("Имя"), last_name=_("Фамилия"),
        username=_("Логин"), password=_("Пароль"), conf_password=_("Пароль ещё раз"),
        active=_("Активна"), email=_("Эл. почта"), roles=_("Роли"),
        last_login=_("Последний вход"), login_count=_("Число входов"),
        fail_login_count=_("Неудачных входов подряд"), created_on=_("Создана"),
        changed_on=_("Изменена"), created_by=_("Кем создана"), changed_by=_("Кем изменена"),
        get_full_name=_("ФИО"),
    )
    description_columns = {
        "active": _("Снимите флажок, чтобы заблокировать вход (удалять учётные записи не "
                    "нужно)."),
        "username": _("Логин для входа в журнал."),
        "roles": _("Права определяются ролями."),
    }
    list_columns = ["last_name", "first_name", "username", "email", "active", "roles",
                    "last_login"]
    search_columns = ["last_name", "first_name", "username", "email", "active", "roles",
                      "last_login", "fail_login_count"]
    add_columns = ["last_name", "first_name", "username", "email", "active", "roles",
                   "password", "conf_password"]
    edit_columns = ["last_name", "first_name", "username", "email", "active", "roles"]
    formatters_columns = {
        "roles": lambda roles: ", ".join(ROLES.get(r.name, r.name) for r in roles or []),
        "active": lambda v: _("да") if v else _("нет"),
    }
    add_form_extra_fields = dict(PASSWORD_FIELDS, roles=_roles_field())
    edit_form_extra_fields = {"roles": _roles_field()}
    validators_columns = {}
    add_row_message = _("Учётная запись создана")
    edit_row_message = _("Изменения сохранены")
    delete_row_message = _("Учётная запись удалена")
    database_error_message = _("Данные не сохранены: такой логин или адрес уже есть.")

    def __init__(self, *args, **kwargs):
        # the list shows each account's roles: load them for the whole page at once
        self.datamodel = EagerInterface(User, eager=("roles",))
        super().__init__(*args, **kwargs)

    def _refuse(self, message) -> None:
        self.datamodel.session.rollback()
        raise RecordRefused(str(message))

    def _check_roles(self, item) -> None:
        names = {role.name for role in item.roles or []}
        if SUPERUSER in names and not _is_superuser(current_user):
            self._refuse(_("Роль администратора системы назначает только администратор."))
        if names - set(ROLES):
            self._refuse(_("Неизвестная роль."))

    def pre_add(self, item) -> None:
        self._check_roles(item)
        super().pre_add(item)

    def pre_update(self, item) -> None:
        self._check_roles(item)
        roles_history = inspect(item).attrs.roles.history
        if item.id == current_user.id and roles_history.has_changes():
            self._refuse(_("Свои роли изменить нельзя: обратитесь к другому администратору."))
        super().pre_update(item)

    def pre_delete(self, item) -> None:
        if item.id == current_user.id:
            raise RecordRefused(str(_("Свою учётную запись удалить нельзя.")))
        if referenced_elsewhere(self.datamodel.session, item, skip_prefix="ab_"):
            raise RecordRefused(str(_("Учётная запись уже использовалась: заблокируйте её "
                                      "вместо удаления.")))
