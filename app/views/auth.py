"""The login and logout pages: FAB's, with the logout a form that posts (a GET only asks).

Logout ends every session and API token of the account (app/security/sessions.py); as a GET it
could be set off by any site's link or image, so a GET shows a page with a button and only a
POST with the form's CSRF token logs out. The class keeps FAB's name so that its endpoints stay
`AuthDBView.login` and `AuthDBView.logout`."""
from flask import redirect, request
from flask_appbuilder import expose
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_babel import lazy_gettext as _
from flask_login import current_user


class AuthDBView(FabAuthDBView):
    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "POST":
            return super().logout()
        if current_user.is_anonymous:
            return redirect(self.appbuilder.get_url_for_login)
        return self.render_template("security/logout.html", title=_("Выход из портала"))
