"""The switch of the version for people with impaired vision in the user menu (SPEC §8): every
role has it; it stays with the account."""
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import get_locale, gettext
from flask_login import current_user

from ..extensions import db
from ..security.sessions import REQUEST_ACCOUNT
from ..services import display
from ..web_errors import refusal_back


def low_vision_on_page() -> bool:
    """The account's choice, read with the account on this request (no query of its own)."""
    found = g.get(REQUEST_ACCOUNT)
    return bool(found is not None and current_user and current_user.is_authenticated
                and found.user.id == current_user.id and found.low_vision)


def page_language() -> str:
    """The language of the page for <html lang> (3.1.1): screen readers read Russian as such."""
    return str(get_locale() or "ru")


def _back() -> str:
    """Back to the page the switch was pressed on: ?next= (checked by app/web.py
    drop_unsafe_next) or the page that sent the form, if it is the portal's own; the pages do
    not echo their address into the form (a refusal page reads the same for any address)."""
    target = request.args.get("next") or ""
    if not target and request.referrer:
        sent_from = urlsplit(request.referrer)
        if sent_from.netloc == request.host:
            target = sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")
    return target if target.startswith("/") and not target.startswith("//") \
        else url_for("HomeView.index")


class DisplayView(BaseView):
    route_base = "/display"

    @expose("/low-vision", methods=["POST"])
    @has_access
    @permission_name("switch")
    @refusal_back("HomeView.index")
    def low_vision(self):
        on = display.set_low_vision(current_user, request.form.get("on"))
        db.session.commit()
        flash(gettext("Включена версия для слабовидящих.") if on
              else gettext("Включена обычная версия."), "info")
        return redirect(_back())


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(DisplayView)
    current_app.jinja_env.globals.update(low_vision=low_vision_on_page,
                                         page_language=page_language)
