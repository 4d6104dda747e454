"""Notifications (SPEC §5): the bell in the navbar with the unread count (read once per page),
the list newest first with «прочитано» one and all, and each user's choice of kinds, e-mail
and digest hour (linked from the user menu)."""
from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from flask_login import current_user

from ..extensions import db
from ..security.access import GETS_NOTIFICATIONS
from ..services.notifications import inbox, preferences
from ..services.scopes import role_names
from ..web_errors import refusal_back, refusal_form


def unread_on_page() -> int | None:
    """The account's unread notifications, counted once per request (the bell); None for an
    account without notifications (anonymous, a mentor): no bell."""
    if "unread_notifications" not in g:
        try:
            shown = bool(current_user and current_user.is_authenticated
                         and role_names(current_user) & GETS_NOTIFICATIONS)
        except RuntimeError:  # outside a request
            return None
        g.unread_notifications = inbox.unread_count(current_user) if shown else None
    return g.unread_notifications


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except (TypeError, ValueError):
        return 1


class NotificationsView(BaseView):
    route_base = "/notifications"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("read")
    def index(self):
        unread_only = request.args.get("unread") == "1"
        found = inbox.page(current_user, _page_number(), unread_only=unread_only)
        return self.render_template("notifications/list.html", found=found,
                                    unread_only=unread_only, kind_name=inbox.kind_name,
                                    unread=unread_on_page(), title=gettext("Уведомления"))

    @expose("/<int:notification_id>/read", methods=["POST"])
    @has_access
    @permission_name("read")
    @refusal_back("NotificationsView.index")
    def read(self, notification_id):
        """Mark one as read; `go=1` then opens what it is about (the lesson's diary, the
        document, the message)."""
        item = inbox.mark_read(current_user, notification_id)
        db.session.commit()
        if request.form.get("go") and item.link.startswith("/"):
            return redirect(item.link)
        return redirect(request.form.get("back") if (request.form.get("back") or "")
                        .startswith("/notifications") else url_for("NotificationsView.index"))

    @expose("/read-all", methods=["POST"])
    @has_access
    @permission_name("read")
    def read_all(self):
        count = inbox.mark_all_read(current_user)
        db.session.commit()
        flash(gettext("Отмечено прочитанными: %(n)s.", n=count), "info")
        return redirect(url_for("NotificationsView.index"))

    @expose("/settings", methods=["GET", "POST"])
    @has_access
    @permission_name("settings")
    @refusal_form(lambda view, exc: view._settings(str(exc), exc.status), pages=())
    def settings(self):
        if request.method == "POST":
            preferences.save(current_user, request.form.getlist("portal"),
                             request.form.getlist("email"), request.form.get("hour"))
            db.session.commit()
            flash(gettext("Настройки уведомлений сохранены."), "success")
            return redirect(url_for("NotificationsView.settings"))
        return self._settings()

    def _settings(self, error: str | None = None, status: int = 200):
        chosen = preferences.of(current_user.id)
        if error is not None:
            flash(error, "danger")
            chosen = {"portal": set(request.form.getlist("portal")),
                      "email": set(request.form.getlist("email")),
                      "hour": request.form.get("hour", "")}
        return self.render_template("notifications/settings.html", chosen=chosen,
                                    kinds=preferences.KIND_NAMES,
                                    email=(current_user.email or "").strip(),
                                    title=gettext("Настройки уведомлений")), \
            status


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(NotificationsView)
    current_app.jinja_env.globals["unread_notifications"] = unread_on_page
