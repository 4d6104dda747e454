"""Request-wide behaviour: security headers, forced password change, friendly errors."""
import logging
import math
from urllib.parse import unquote, urlencode, urlsplit

from flask import (
    Flask, current_app, g, jsonify, make_response, redirect, render_template, request, session,
    url_for,
)
from flask_appbuilder.api import BaseApi
from flask_babel import get_locale, gettext, lazy_gettext as _l
from flask_jwt_extended import verify_jwt_in_request
from flask_login import AnonymousUserMixin, current_user
from markupsafe import Markup
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import import_string

from . import labels
from .extensions import csrf, db
from .infra import clock, daytime, schedule
from .models import AccountState
from .security import login_limit
from .security.sessions import REQUEST_ACCOUNT
from .web_errors import TOO_LARGE_MESSAGE, answer, wants_json

log = logging.getLogger(__name__)
PROXY_WARNED = "journal_untrusted_proxy_warned"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")

# Endpoints a user with an issued one-time password may still reach (3.1).
_PASSWORD_CHANGE_ALLOWED = {"ResetMyPasswordView.this_form_get",
                            "ResetMyPasswordView.this_form_post", "AuthDBView.logout",
                            "AuthDBView.login", "appbuilder.static", "static",
                            "LocaleView.index", "PrivacyView.policy"}


def _unsafe_characters(target: str) -> bool:
    """Backslashes, control characters and spaces: browsers read "/\\evil", "\\\\evil" and
    "/\t/evil" as another host."""
    return "\\" in target or any(ord(ch) < 33 or 127 <= ord(ch) < 161 or ch.isspace()
                                  for ch in target)


def _allowed_host(host: str, port: int | None) -> bool:
    """FAB_SAFE_REDIRECT_HOSTS, compared on the parsed host and port ("name" is the default
    port, "name:*" any port); never on the raw text, where userinfo could fake the host."""
    for entry in current_app.config.get("FAB_SAFE_REDIRECT_HOSTS", []):
        name, _, allowed_port = entry.strip().lower().partition(":")
        if name != host:
            continue
        if allowed_port == "*" or (allowed_port == "" and port is None) or (
                allowed_port.isdigit() and port == int(allowed_port)):
            return True
    return False


def _safe_next(target: str) -> bool:
    """A `next` target stays on the portal: a path of this site, or an http(s) URL whose
    parsed host and port are the portal's own; no userinfo, no "//", no backslashes, no
    control characters — also once percent-decoded (ASVS 5.1.5)."""
    if not target:
        return True
    decoded = unquote(target)
    if _unsafe_characters(target) or _unsafe_characters(decoded):
        return False
    if decoded.startswith("//") or target.startswith("//"):
        return False
    try:
        parts = urlsplit(target)
        port = parts.port
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return target.startswith("/") and not parts.path.startswith("//")
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return False
    return _allowed_host(parts.hostname.lower(), port)


def ru_date(value) -> str:
    """Dates read dd.mm.yyyy, moments dd.mm.yyyy hh:mm in the college's zone (SPEC)."""
    return clock.format_moment(value)


def _token_request() -> bool:
    """A request that brings an Authorization header is judged by it alone (a header without
    a valid Bearer token is a 401, never a fall-back to the cookie)."""
    return "Authorization" in request.headers


def require_csrf_on_session_apis(app: Flask) -> list[str]:
    """A JSON API that accepts the browser's session cookie must check the CSRF token on
    cookie-authenticated writes (FAB's BaseApi skips CSRF, and so do its user and group
    APIs); a request with a Bearer token is authenticated by the token alone and needs none,
    since no other site can make a browser send that header. Flask-WTF's global check cannot
    tell the two apart, so these APIs leave it and `api_authentication` checks instead.
    Returns the names of the APIs checked that way."""
    checked = app.extensions.setdefault("journal_cookie_csrf_blueprints", set())
    names = []
    for view in app.appbuilder.baseviews:
        if isinstance(view, BaseApi) and view.allow_browser_login:
            csrf._exempt_blueprints.add(view.blueprint)
            checked.add(view.blueprint.name)
            names.append(view.__class__.__name__)
    return sorted(names)


def _login_endpoint() -> bool:
    return request.method == "POST" and request.endpoint in ("AuthDBView.login",
                                                              "SecurityApi.login")


def warn_untrusted_proxy() -> None:
    """A request through a proxy the portal does not trust (X-Forwarded-For with
    PROXY_FIX_HOPS=0): every client then has the proxy's address, and the login limit counts
    the whole college as one address. Said once per process in the log, not per request."""
    if "X-Forwarded-For" not in request.headers or current_app.extensions.get(PROXY_WARNED):
        return None
    current_app.extensions[PROXY_WARNED] = True
    log.warning("Requests arrive through a proxy (X-Forwarded-For: %s from %s) but "
                "PROXY_FIX_HOPS is 0: every client has the proxy's address, so the login limit "
                "and the audit log see one address for all. Set PROXY_FIX_HOPS to the number "
                "of proxies in front of the portal (docs/DEPLOYMENT.md).",
                request.headers.get("X-Forwarded-For", "")[:100], request.remote_addr)
    return None


def register_filters(app: Flask) -> None:
    """Jinja filters for times (college clock) and labels of codes, registered once:
    `|dt` a moment `30.11.2026 14:05`, `|d` a date `30.11.2026`, `|hhmm` a time of day `09:00`,
    `|weekday` a date's day («Понедельник», `|weekday(short=True)` «Пн»), `|label(kind)` a code."""
    app.jinja_env.filters["ru_date"] = ru_date
    app.jinja_env.filters["dt"] = clock.format_moment
    app.jinja_env.filters["d"] = clock.format_date
    app.jinja_env.filters["hhmm"] = daytime.hhmm
    app.jinja_env.filters["weekday"] = schedule.weekday_title
    app.jinja_env.filters["role_label"] = labels.role
    app.jinja_env.filters["label"] = labels.label
    app.jinja_env.filters["yesno"] = labels.yes_no
    app.context_processor(lambda: {"menu_title": menu_title})
    app.jinja_env.globals["diary_url"] = diary_url
    app.jinja_env.globals["navbar_menu"] = navbar_menu
    # FAB's navbar asks the role's permission only; a link added with a condition (`cond`,
    # e.g. the mentors' accounts for who issues them) is shown when that holds too
    permitted = app.jinja_env.filters["is_menu_visible"]
    app.jinja_env.filters["is_menu_visible"] = lambda item: (
        item.should_render() and permitted(item))


MENU_CACHE = "journal_menu_html"
MENU_CACHE_SIZE = 256
MENU_VARIES = "journal_menu_varies_by"


def vary_menu_by(app: Flask, part) -> None:
    """A menu label that changes with more than the roles (the unread messages' counter): the
    menu is kept under what `part()` answers on the page too."""
    app.extensions.setdefault(MENU_VARIES, []).append(part)


def navbar_menu() -> Markup:
    """FAB's menu as the current user sees it, rendered once per worker for each version of the
    roles' permissions, set of roles, language, state of the conditional items and of the
    labels that vary (`vary_menu_by`), then reused:
    the menu asks ~50 permission checks and translates every label, about 40 % of the
    rendering of a page."""
    menu = current_app.appbuilder.menu
    sm = current_app.appbuilder.sm
    version = sm.role_access()["version"]
    if version is None:  # a database without the permissions' version: nothing to key on
        return Markup(render_template("appbuilder/navbar_menu.html", menu=menu))
    roles = tuple(sorted(role.id for role in sm.get_user_roles(current_user) if role))
    # a condition is asked only where the role may see the item, as the menu itself does
    conditions = tuple(entry.should_render() for item in menu.get_list()
                       for entry in [item, *(item.childs or ())]
                       if entry and entry.cond is not None
                       and sm.has_access("menu_access", entry.name))
    varies = tuple(part() for part in current_app.extensions.get(MENU_VARIES, ()))
    key = (version, roles, str(get_locale()), conditions, varies)
    cache = current_app.extensions.setdefault(MENU_CACHE, {})
    html = cache.get(key)
    if html is None:
        if len(cache) >= MENU_CACHE_SIZE:
            cache.clear()
        html = cache[key] = Markup(render_template("appbuilder/navbar_menu.html", menu=menu))
    return html


def diary_url(student_id) -> str | None:
    """A student's diary, for a reader whose role opens diaries (staff lists of students link
    their names; the diary page checks the row). Asked once per request."""
    allowed = g.get("_opens_diaries")
    if allowed is None:
        allowed = g._opens_diaries = bool(
            getattr(current_user, "is_authenticated", False)
            and current_app.appbuilder.sm.has_access("can_record", "PortalView"))
    return url_for("PortalView.student", student_id=student_id) if allowed and student_id \
        else None


def serve_favicon(app: Flask) -> None:
    """Browsers ask for /favicon.ico on every page: the portal's icon, not a 404 in the log."""
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file(
        "img/favicon.ico"))


def menu_title() -> str:
    """The menu item the current page belongs to (the longest matching address): the
    page's name when its view passes no `title`."""
    if request.path == "/":
        return str(_l("Главная"))
    found, best = "", 0
    for item in current_app.appbuilder.menu.get_list():
        for entry in item.childs or [item]:
            try:
                url = entry.get_url()
            except Exception:  # a separator or an item whose endpoint needs arguments
                continue
            base = url.split("list/")[0] if url.endswith("/list/") else url
            if url and url != "/" and request.path.startswith(base) and len(base) > best:
                found, best = str(entry.label), len(base)
    return found


def init_web(app: Flask) -> None:
    require_csrf_on_session_apis(app)
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:  # behind nginx: the client's address (rate limits, audit) from X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    else:
        app.before_request(warn_untrusted_proxy)
    validator = app.config.get("FAB_PASSWORD_COMPLEXITY_VALIDATOR")
    if isinstance(validator, str):  # FAB calls it: a dotted name in config.py is resolved here
        app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = import_string(validator)
    register_filters(app)
    serve_favicon(app)

    @app.before_request
    def keep_session_alive():
        # 3.3.2: idle timeout PERMANENT_SESSION_LIFETIME, renewed by every request
        session.permanent = True

    @app.before_request
    def api_authentication():
        """Bearer requests: the token alone authenticates (a bad one is a 401), the cookie is
        ignored, no CSRF token is needed. Cookie requests to the APIs: CSRF on writes."""
        if request.blueprint not in app.extensions["journal_cookie_csrf_blueprints"]:
            return None
        if _token_request():
            verify_jwt_in_request()
            g._login_user = AnonymousUserMixin()
            return None
        if app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        return None

    @app.before_request
    def shared_login_limit():
        """Failed logins are limited per account, per (account, address) and per address
        before the password is checked (app/security/login_limit.py); the answer names the
        wait, also in Retry-After."""
        if not _login_endpoint() or not login_limit.enabled():
            return None
        name = login_limit.login_name()
        if not name:
            return None
        wait = login_limit.begin(name, request.remote_addr)
        if not wait:
            return None
        response = make_response(answer(429, login_limit.refusal_message(wait)))
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response

    @app.after_request
    def unchecked_login_try(response):
        login_limit.abandon()  # a try that never reached the password check does not count
        return response

    @app.before_request
    def drop_unsafe_next():
        # No open redirect through ?next= (CVE-2021-32805, CVE-2025-32962): FAB checks the
        # host; browsers also read "/\\evil" and control characters as another host.
        target = request.args.get("next")
        if target is None or _safe_next(target):
            return None
        args = request.args.to_dict(flat=False)
        args.pop("next")
        if request.method != "GET":
            return answer(400, gettext("Неверный адрес перехода."))
        return redirect(request.path + ("?" + urlencode(args, doseq=True) if args else ""))

    @app.before_request
    def force_password_change():
        # the cookie's account, or the token's (api_authentication has checked it)
        user = current_user if current_user and current_user.is_authenticated else (
            getattr(g, "user", None) if _token_request() else None)
        if not getattr(user, "is_authenticated", False):
            return None
        if request.endpoint in _PASSWORD_CHANGE_ALLOWED or request.path.startswith("/static"):
            return None
        found = g.get(REQUEST_ACCOUNT)  # read with the account (security.load_user)
        if found is not None and found.user.id == user.id:
            must_change = found.must_change_password
        else:
            state = db.session.get(AccountState, user.id)
            must_change = state is not None and state.must_change_password
        if must_change:
            if wants_json():
                return jsonify(message=gettext("Необходимо сменить выданный пароль.")), 403
            return redirect(url_for("ResetMyPasswordView.this_form_get"))
        return None

    @app.before_request
    def malformed_download():
        # FAB's file-column download (/<view>/download/<name>) fails with a 500 on a name it
        # did not generate itself; the portal stores no files through model forms.
        if not (request.endpoint or "").endswith(".download") or "_sep_" in (
                request.view_args or {}).get("filename", ""):
            return None
        view = next((v for v in app.appbuilder.baseviews
                     if getattr(v, "blueprint", None) is not None
                     and v.blueprint.name == request.blueprint), None)
        if view is None or not app.appbuilder.sm.has_access("can_download",
                                                            view.class_permission_name):
            return None  # FAB's own permission check answers
        return answer(404, gettext("Файл не найден."))

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/static"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(400)
    def bad_request(_e):
        return answer(400, gettext("Неверный запрос."))

    @app.errorhandler(403)
    def forbidden(_e):
        return answer(403, gettext("Доступ запрещён."))

    @app.errorhandler(404)
    def not_found(_e):
        return answer(404, gettext("Страница не найдена."))

    @app.errorhandler(405)
    def not_allowed(e):
        # RFC 9110 15.5.6: a 405 names the methods the address does accept
        response = make_response(answer(405, gettext("Метод не поддерживается.")))
        if getattr(e, "valid_methods", None):
            response.headers["Allow"] = ", ".join(sorted(e.valid_methods))
        return response

    @app.errorhandler(413)
    def too_large(_e):
        return answer(413, g.get(TOO_LARGE_MESSAGE) or gettext("Файл слишком большой."))

    @app.errorhandler(429)
    def too_many(_e):
        return answer(429, gettext("Слишком много попыток. Повторите позже."))

    @app.errorhandler(DataError)
    def out_of_range(_e):
        # e.g. an id beyond PostgreSQL's integer range in a URL or a body: bad input, not a 500
        db.session.rollback()
        return answer(400, gettext("Неверный запрос: значение вне допустимого диапазона."))

    @app.errorhandler(OverflowError)
    def beyond_sqlite_integers(_e):
        # the same on SQLite: an id beyond its 64-bit integers fails in the driver
        db.session.rollback()
        return answer(400, gettext("Неверный запрос: значение вне допустимого диапазона."))

    @app.errorhandler(RecursionError)
    def too_deep(_e):
        # a JSON body nested thousands of levels deep exhausts the parser: bad input, not a 500
        return answer(400, gettext("Неверный запрос: слишком глубокая вложенность данных."))

    @app.errorhandler(FileNotFoundError)
    def missing_file(_e):
        return answer(404, gettext("Файл не найден."))

    @app.errorhandler(OperationalError)
    def database_unavailable(_e):
        # the database is down or restarting: a clear answer, never its error text
        db.session.rollback()
        return answer(503, gettext("База данных временно недоступна. Повторите попытку через "
                                   "минуту."))

    @app.errorhandler(500)
    def serveranswer(_e):
        return answer(500, gettext("Внутренняя ошибка сервера. Повторите попытку позже."))
