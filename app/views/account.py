"""The user's own account (5.4): the last logins and failed tries, with what to do about a login
the user does not recognise."""
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from flask_login import current_user

from ..labels.audit import ACTIONS
from ..services.records import login_history
from ..services.scopes import role_names


class AccountView(BaseView):
    route_base = "/account"
    default_view = "logins"

    @expose("/logins")
    @has_access
    @permission_name("logins")
    def logins(self):
        roles = role_names(current_user)
        return self.render_template(
            "account/logins.html", entries=login_history.recent(current_user.id),
            actions=ACTIONS, student="Student" in roles,
            changes_password=not roles <= {"Student"},
            title=gettext("Мои входы"))


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(AccountView)
