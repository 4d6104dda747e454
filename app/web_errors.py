"""How the portal answers a refusal: one handler for every DomainError (app/errors.py), and the
one error page, shared with the HTTP errors of app/web.py and the input guard.

The session is rolled back first: a refused request writes nothing it had not committed
(services that audit a refused read commit that entry themselves). Then:

- under /api/ the answer is JSON, as the API's own answers: {"message": …, **payload};
- a page (GET) and a missing or forbidden object (403, 404) get the error page;
- a refused form (POST) flashes the message and leads back: where the view declares with
  `refusal_back`, else to the page the form came from. A view whose refused form is shown
  again with the entered values declares it with `refusal_form`; `refusal_page` keeps the
  error page for a view's forms too.
"""
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from flask import (
    Flask, current_app, flash, g, jsonify, make_response, redirect, render_template, request,
    url_for,
)
from flask_login import current_user

from .errors import DomainError
from .extensions import db

# flask.g: the message of a 413 for this request's upload (a view's own limit, named)
TOO_LARGE_MESSAGE = "journal_too_large_message"
PAGE_STATUSES = (403, 404)  # a missing or forbidden object: the error page after a form too
_DECLARED = "refusal"  # the view function's attribute holding its Refusal


@dataclass(frozen=True)
class Refusal:
    """What a view declares about its refused forms (the defaults: flash, go back)."""
    back: str | Callable[..., str] | None = None
    category: str = "danger"
    render: Callable | None = None
    pages: tuple[int, ...] = PAGE_STATUSES
    page: bool = False


def _declare(view, **how):
    setattr(view, _DECLARED, Refusal(**how))  # FAB's has_access copies it onto its wrapper
    return view


def refusal_back(back, category: str = "danger"):
    """A refused form flashes its message as `category` and leads to `back`: an endpoint
    without arguments, or a function of the view's arguments returning the address."""
    return lambda view: _declare(view, back=back, category=category)


def refusal_form(render, pages: tuple[int, ...] = PAGE_STATUSES):
    """A refused form is shown again: `render(view, exc, **view_args)` answers. Statuses in
    `pages` get the error page instead."""
    return lambda view: _declare(view, render=render, pages=pages)


def refusal_page(view):
    """Every refusal of this view is the error page, after a form too."""
    return _declare(view, page=True)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_page(code: int, message) -> tuple:
    """The portal's error page: the status and the Russian message."""
    if getattr(g, "user", None) is None:
        g.user = current_user  # refused before FAB's own before_request: the menu needs it
    return render_template("error.html", code=code, message=message, title=message,
                           base_template=current_app.appbuilder.base_template,
                           appbuilder=current_app.appbuilder), code


def answer(code: int, message) -> tuple:
    """An HTTP error: JSON {"message": …} for the API and JSON clients, else the error page."""
    if wants_json():
        return jsonify(message=message), code
    return error_page(code, message)


def _api_answer(exc: DomainError):
    response = make_response(jsonify({"message": str(exc), **exc.payload}), exc.status)
    # byte for byte what the API's own answers carry (FAB's BaseApi.response)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response


def _same_origin(address: str) -> bool:
    parts = urlsplit(address)
    return parts.scheme in ("http", "https") and parts.netloc == request.host


def _back(how: Refusal) -> str:
    if callable(how.back):
        return how.back(**(request.view_args or {}))
    if how.back:
        return url_for(how.back)
    if request.referrer and _same_origin(request.referrer):
        return request.referrer
    return request.full_path if request.query_string else request.path


def answer_refusal(exc: DomainError):
    db.session.rollback()
    if request.path.startswith("/api/"):
        return _api_answer(exc)
    view = current_app.view_functions.get(request.endpoint)
    how = getattr(view, _DECLARED, None) or Refusal()
    if how.page or exc.status in how.pages or request.method in ("GET", "HEAD"):
        return error_page(exc.status, str(exc))
    if how.render is not None:
        try:
            return how.render(getattr(view, "__self__", None), exc, **(request.view_args or {}))
        except DomainError as hidden:  # the form's page itself is refused now
            db.session.rollback()
            return error_page(hidden.status, str(hidden))
    flash(str(exc), how.category)
    return redirect(_back(how))


def init_errors(app: Flask) -> None:
    app.register_error_handler(DomainError, answer_refusal)
