"""Request-wide behaviour: security headers, forced password change, friendly errors."""
from urllib.parse import urlencode, urlparse

from flask import Flask, g, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.utils import import_string

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")

# Endpoints a user with an issued one-time password may still reach (3.1).
_PASSWORD_CHANGE_ALLOWED = {"ResetMyPasswordView.this_form_get",
                            "ResetMyPasswordView.this_form_post", "AuthDBView.logout",
                            "AuthDBView.login", "appbuilder.static", "static",
                            "LocaleView.index"}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _safe_next(target: str) -> bool:
    """A `next` target stays on this site: a path, or an absolute URL of a safe host."""
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    if target.startswith("/") and not target.startswith("//"):
        return True
    from flask_appbuilder.utils.base import is_safe_redirect_url
    return bool(urlparse(target).netloc) and is_safe_redirect_url(target)


def ru_date(value) -> str:
    """Dates read dd.mm.yyyy everywhere (SPEC)."""
    if value is None or value == "":
        return ""
    if hasattr(value, "hour"):
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def require_csrf_on_session_apis(app: Flask) -> list[str]:
    """A JSON API that accepts the browser's session cookie must check the CSRF token on
    writes (FAB's BaseApi is exempt by default, and so are its user and group APIs).
    Returns the names of the APIs that lost their exemption."""
    from flask_appbuilder.api import BaseApi
    from .extensions import csrf
    fixed = []
    for view in app.appbuilder.baseviews:
        if isinstance(view, BaseApi) and view.allow_browser_login and view.blueprint in (
                csrf._exempt_blueprints):
            csrf._exempt_blueprints.discard(view.blueprint)
            view.csrf_exempt = False
            fixed.append(view.__class__.__name__)
    return fixed


def init_web(app: Flask) -> None:
    from .access import ROLES
    require_csrf_on_session_apis(app)
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:  # behind nginx: the client's address (rate limits, audit) from X-Forwarded-For
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    validator = app.config.get("FAB_PASSWORD_COMPLEXITY_VALIDATOR")
    if isinstance(validator, str):  # FAB calls it: a dotted name in config.py is resolved here
        app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = import_string(validator)
    app.jinja_env.filters["ru_date"] = ru_date
    app.jinja_env.filters["role_label"] = lambda name: ROLES.get(name, name)

    @app.before_request
    def keep_session_alive():
        # 3.3.2: idle timeout PERMANENT_SESSION_LIFETIME, renewed by every request
        session.permanent = True

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
            return _error(400, "Неверный адрес перехода.")
        return redirect(request.path + ("?" + urlencode(args, doseq=True) if args else ""))

    @app.before_request
    def force_password_change():
        if not current_user or not current_user.is_authenticated:
            return None
        if request.endpoint in _PASSWORD_CHANGE_ALLOWED or request.path.startswith("/static"):
            return None
        from .extensions import db
        from .models import AccountState
        state = db.session.get(AccountState, current_user.id)
        if state is not None and state.must_change_password:
            if _wants_json():
                return jsonify(message="Необходимо сменить выданный пароль."), 403
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
        return _error(404, "Файл не найден.")

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/static"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def _error(code: int, message: str):
        if _wants_json():
            return jsonify(message=message), code
        if getattr(g, "user", None) is None:
            # refused before FAB's own before_request (CSRF, rate limit): the menu needs g.user
            g.user = current_user
        return render_template("error.html", code=code, message=message,
                               base_template=app.appbuilder.base_template,
                               appbuilder=app.appbuilder), code

    @app.errorhandler(400)
    def bad_request(_e):
        return _error(400, "Неверный запрос.")

    @app.errorhandler(403)
    def forbidden(_e):
        return _error(403, "Доступ запрещён.")

    @app.errorhandler(404)
    def not_found(_e):
        return _error(404, "Страница не найдена.")

    @app.errorhandler(405)
    def not_allowed(_e):
        return _error(405, "Метод не поддерживается.")

    @app.errorhandler(413)
    def too_large(_e):
        return _error(413, "Файл слишком большой.")

    @app.errorhandler(429)
    def too_many(_e):
        return _error(429, "Слишком много попыток. Повторите позже.")

    @app.errorhandler(DataError)
    def out_of_range(_e):
        # e.g. an id beyond PostgreSQL's integer range in a URL or a body: bad input, not a 500
        from .extensions import db
        db.session.rollback()
        return _error(400, "Неверный запрос: значение вне допустимого диапазона.")

    @app.errorhandler(RecursionError)
    def too_deep(_e):
        # a JSON body nested thousands of levels deep exhausts the parser: bad input, not a 500
        return _error(400, "Неверный запрос: слишком глубокая вложенность данных.")

    @app.errorhandler(FileNotFoundError)
    def missing_file(_e):
        return _error(404, "Файл не найден.")

    @app.errorhandler(OperationalError)
    def database_unavailable(_e):
        # the database is down or restarting: a clear answer, never its error text
        from .extensions import db
        db.session.rollback()
        return _error(503, "База данных временно недоступна. Повторите попытку через минуту.")

    @app.errorhandler(500)
    def server_error(_e):
        return _error(500, "Внутренняя ошибка сервера. Повторите попытку позже.")
