"""Start page: what each role does first (a dashboard per role)."""
from flask_appbuilder import IndexView, expose
from flask_login import current_user

from ..services.scopes import role_names


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        self.update_redirect()
        roles = role_names(current_user)
        from ..services import dashboard
        blocks = dashboard.blocks_for(current_user) if roles else []
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    roles=sorted(roles), blocks=blocks)
