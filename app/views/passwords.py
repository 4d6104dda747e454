"""Password forms (ASVS 2.1, 3.3): changing one's own password asks for the current one; both
forms apply the whole policy for the account (login, names, previous password). Class names
are FAB's, so endpoints and granted permissions stay the same."""
from flask import abort, current_app, g, request
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security import views as fab_views
from flask_babel import lazy_gettext as _
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from ..security.passwords import account_problems


def _policy(account_of):
    def check(form, field) -> None:
        user = account_of()
        problems = account_problems(field.data or "", user) if user else []
        if problems:
            raise ValidationError(str(_("Пароль слишком простой: %(problems)s.",
                                        problems=", ".join(problems))))
    return check


def _own_account():
    return getattr(g, "user", None)


def _account_in_url():
    pk = request.args.get("pk", "")
    return current_app.appbuilder.sm.get_user_by_id(int(pk)) if pk.isdigit() else None


def _current_password_matches(form, field) -> None:
    user = _own_account()
    if user is None or not check_password_hash(user.password or "", field.data or ""):
        raise ValidationError(str(_("Текущий пароль указан неверно.")))


def _new_password(account_of) -> PasswordField:
    return PasswordField(_("Новый пароль"), validators=[DataRequired(), _policy(account_of)],
                         widget=BS3PasswordFieldWidget())


def _confirmation() -> PasswordField:
    return PasswordField(_("Новый пароль ещё раз"), validators=[
        DataRequired(), EqualTo("password", message=_("Пароли не совпадают."))],
        widget=BS3PasswordFieldWidget())


class OwnPasswordForm(DynamicForm):
    current_password = PasswordField(_("Текущий пароль"),
                                     validators=[DataRequired(), _current_password_matches],
                                     widget=BS3PasswordFieldWidget())
    password = _new_password(_own_account)
    conf_password = _confirmation()


class AccountPasswordForm(DynamicForm):
    password = _new_password(_account_in_url)
    conf_password = _confirmation()


class ResetMyPasswordView(fab_views.ResetMyPasswordView):
    form = OwnPasswordForm
    form_title = _("Смена пароля")
    message = _("Пароль изменён. Остальные сеансы и токены этой учётной записи завершены.")


class ResetPasswordView(fab_views.ResetPasswordView):
    form = AccountPasswordForm
    form_title = _("Новый пароль учётной записи")
    message = _("Пароль изменён. Все сеансы и токены этой учётной записи завершены.")

    def form_post(self, form) -> None:
        if _account_in_url() is None:
            abort(404)
        super().form_post(form)  # FAB's form_post also flashes the message
