"""Request-wide behaviour: security headers, forced password change, friendly errors."""
from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

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


def ru_date(value) -> str:
    """Dates read dd.mm.yyyy everywhere (SPEC)."""
    if value is None or value == "":
        return ""
    if hasattr(value, "hour"):
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def init_web(app: Flask) -> None:
    from .access import ROLES
    app.jinja_env.filters["ru_date"] = ru_date
    app.jinja_env.filters["role_label"] = lambda name: ROLES.get(name, name)

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
