"""Accounts screen of IT (3.1): staff accounts, roles, blocking. Nobody but the system
administrator sees Admin accounts or grants the Admin role; nobody changes their own roles.
Students' and parents' accounts are the curator's (credentials, block requests): IT neither
lists them nor grants their roles, and grants staff roles only."""
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, Select2ManyWidget
from flask_appbuilder.security import views as fab_views
from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import and_, inspect, or_, true
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from .. import labels
from ..extensions import db
from ..infra import clock
from ..security.access import ISSUED_BY_IT, ROLES
from ..security.passwords import password_problems
from ..services.scopes import role_names
from .base import EagerInterface, RecordRefused, referenced_elsewhere, scoped

SUPERUSER = "Admin"


def _is_superuser(user) -> bool:
    return SUPERUSER in role_names(user)


def _manageable_accounts(user):
    """3.1: IT manages staff and mentor accounts; Admin accounts are invisible to everybody
    except the system administrator, and students' and parents' accounts belong to their
    curator."""
    if _is_superuser(user):
        return true()
    return and_(~User.roles.any(Role.name == SUPERUSER),
                or_(User.roles.any(Role.name.in_(ISSUED_BY_IT)), ~User.roles.any()))


def assignable_role_names(user) -> set[str]:
    """3.1: IT grants staff roles other than Admin and the mentor's role (issue 15); the
    system administrator grants any."""
    if _is_superuser(user):
        return set(ROLES)
    return set(ISSUED_BY_IT) - {SUPERUSER}


def _assignable_roles():
    allowed = assignable_role_names(current_user)
    names = [n for n in ROLES if n in allowed]
    roles = db.session.query(Role).filter(Role.name.in_(names)).all()
    return sorted(roles, key=lambda r: list(ROLES).index(r.name))


class RolesField(QuerySelectMultipleField):
    """Refuses a role that is not offered (FAB's field drops it silently and saves the rest)."""

    def pre_validate(self, form):
        _resolved = self.data  # resolving the submitted ids marks the ones not offered
        if self._invalid_formdata:
            raise ValidationError(str(_("Эту роль вы назначить не можете: отдел ИТ назначает "
                                        "только роли сотрудников.")))


def _roles_field():
    return RolesField(
        _("Роли"), query_func=_assignable_roles, get_pk_func=lambda role: role.id,
        get_label=lambda role: ROLES.get(role.name, role.name),
        validators=[DataRequired(message=_("Выберите хотя бы одну роль."))],
        widget=Select2ManyWidget())


def _strong_password(form, field) -> None:
    """ASVS 2.1: the portal's password policy, with its Russian message."""
    def entered(name):
        return getattr(getattr(form, name, None), "data", None) or ""
    problems = password_problems(field.data or "", username=entered("username"),
                                 names=(entered("first_name"), entered("last_name"),
                                        entered("email").split("@")[0]))
    if problems:
        raise ValidationError(str(_("Пароль слишком простой: %(problems)s.",
                                    problems=", ".join(problems))))


PASSWORD_FIELDS = {
    "password": PasswordField(_("Пароль"), validators=[DataRequired(), _strong_password],
                              widget=BS3PasswordFieldWidget()),
    "conf_password": PasswordField(_("Пароль ещё раз"), validators=[
        DataRequired(), EqualTo("password", message=_("Пароли не совпадают."))],
        widget=BS3PasswordFieldWidget()),
}


class UserDBModelView(fab_views.UserDBModelView):
    """Keeps FAB's name, so its endpoints and the grants of app/security/access.py stay the same."""
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
        "roles": lambda roles: labels.roles(r.name for r in roles or []),
        "active": labels.yes_no,
        # times on the college clock, never the raw stored value
        "last_login": clock.format_server_moment, "created_on": clock.format_server_moment,
        "changed_on": clock.format_server_moment,
        "created_by": labels.value_text, "changed_by": labels.value_text,
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
        history = inspect(item).attrs.roles.history
        kept = [r for r in history.deleted or []
                if r.name not in assignable_role_names(current_user)]
        for role in kept:  # roles the form does not offer stay as they were (a parent role)
            item.roles.append(role)
        names = {role.name for role in history.added or []} if inspect(item).persistent \
            else {role.name for role in item.roles or []}
        if SUPERUSER in names and not _is_superuser(current_user):
            self._refuse(_("Роль администратора системы назначает только администратор."))
        if names - set(ROLES):
            self._refuse(_("Неизвестная роль."))
        if names - assignable_role_names(current_user):
            self._refuse(_("Отдел ИТ назначает только роли сотрудников; учётные записи "
                           "студентов и родителей ведёт куратор группы."))

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
