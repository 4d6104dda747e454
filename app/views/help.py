"""Built-in help (5.1): per role, its duties under the regulation and how to do each in the
portal, with links to the pages. Reachable from the menu of every page."""
from flask import abort, current_app, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext, lazy_gettext as _
from flask_login import current_user

from .. import labels
from ..security.access import ROLES
from ..services.scopes import role_names
from .help_texts import HELP



def _settings_in_words() -> dict:
    """The college's settings the help states as rules (what they are, never their names)."""
    cfg = current_app.config
    weights = ", ".join(f"{labels.text(labels.WORK_KINDS, kind, kind)} ×{weight:g}"
                        for kind, weight in cfg.get("WORK_KIND_WEIGHTS", {}).items())
    return {"attendance": f"{cfg['ADMISSION_MIN_ATTENDANCE']:g}",
            "average": f"{cfg['ADMISSION_MIN_AVERAGE']:g}".replace(".", ","),
            "weights": weights or gettext("все работы весят одинаково")}


def _links(items):
    endpoints = current_app.view_functions
    return [(text, url_for(endpoint) if endpoint in endpoints else None)
            for text, endpoint in items]


class HelpView(BaseView):
    route_base = "/help"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("read")
    def index(self):
        roles = [r for r in ROLES if r in role_names(current_user) and r in HELP]
        # the most specific role first: a curator is also a teacher, a deputy an administrator
        return self._page(roles[-1] if roles else "Student", roles)

    @expose("/<role>")
    @has_access
    @permission_name("read")
    def role(self, role):
        if role not in HELP:
            abort(404)
        return self._page(role, [r for r in ROLES if r in role_names(current_user) and r in HELP])

    def _page(self, role, own_roles):
        values = _settings_in_words()
        duties = [(clause, duty, str(how) % values if "%(" in str(how) else how, _links(links))
                  for clause, duty, how, links in HELP[role]]
        return self.render_template("help/index.html", role=role, duties=duties,
                                    own_roles=own_roles, all_roles=[r for r in ROLES if r in HELP])


def register(appbuilder) -> None:
    appbuilder.add_view(HelpView, "Help", label=_("Справка"), icon="fa-question-circle",
                        href="/help/")
