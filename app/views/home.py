"""Start page (`/`): what each role does first (SPEC §5), one block per role the person holds.
The data comes from app/services/dashboards; each block has its template in templates/home/."""
from flask_appbuilder import IndexView, expose
from flask_babel import lazy_gettext as _
from flask_login import current_user

from ..infra import clock
from ..services.dashboards import sections_for
from ..services.scopes import role_names
from .messages import unread_on_page


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        self.update_redirect()
        roles = role_names(current_user)
        if not roles:  # the login page's visitor, or an account without a role
            return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                        roles=[], sections=[], unread=0)
        day = clock.today()
        return self.render_template(
            self.index_template, appbuilder=self.appbuilder, roles=sorted(roles), day=day,
            sections=sections_for(current_user, day), unread=unread_on_page(),
            title=_("Главная"))
