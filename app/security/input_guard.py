"""Input hygiene at the web door (finding 6): every form value and every JSON body is checked
for control characters before any view runs; CRLF from textareas is stored as LF; a value
longer than its column (refused at flush, infra/text_hygiene.py) is a refusal like any
other (app/web_errors.py), not a 500. The rules themselves live in infra/text_hygiene.py."""
from flask import Flask, request
from flask_babel import gettext
from werkzeug.datastructures import ImmutableMultiDict

from ..infra import text_hygiene
from ..views.list_arguments import list_argument_problem
from ..web_errors import answer

_LIST_KEYS = ("_oc_", "_od_", "_flt_", "page_", "psize_")
_ACTION_ENDPOINTS = (".action", ".action_post")
MAX_KEY = 2**31 - 1  # ids are 32-bit integers in every supported database


def _form_problem() -> tuple[str, str] | None:
    form = request.form
    changed = False
    pairs = []
    for key, value in form.items(multi=True):
        for text in (key, value):
            code = text_hygiene.control_character(text)
            if code is not None:
                return key, code
        clean = text_hygiene.normalised(value)
        changed = changed or clean != value
        pairs.append((key, clean))
    if changed:  # what the views read: LF line ends only
        request.__dict__["form"] = ImmutableMultiDict(pairs)
    return None


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        found = None
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            found = _form_problem()
        elif request.is_json and text_hygiene.JSON_CONTROL_RE.search(request.get_data()):
            # a control character reaches a JSON string only as an escape (\b, \f, \r,
            # \u…) or, where the parser allows it, raw: a body with neither is not walked
            found = text_hygiene.find_control(request.get_json(silent=True))
        if found is None:
            return None
        field, code = found
        return answer(400, text_hygiene.control_message(field, code))

    views: dict = {}

    @app.before_request
    def refuse_unknown_list_arguments():
        # finding 9: FAB reads these from any request of a model view and answers 500 on a
        # column it does not know; checked once here for every list, FAB's own included
        if not any(part in key for key in request.args for part in _LIST_KEYS):
            return None
        if not views:
            views.update((type(v).__name__, v) for v in app.appbuilder.baseviews)
        current = _view_of_request(app)
        message = list_argument_problem(request.args, views, current)
        return None if message is None else answer(400, message)

    @app.before_request
    def refuse_unknown_actions():
        # FAB looks an action up by its name before any check and answers 500 on a name the
        # view does not declare, and hands the action a row that is not there (or a key that
        # is no number) as None; refused here for every model view, FAB's own included
        if not (request.endpoint or "").endswith(_ACTION_ENDPOINTS):
            return None
        view = _view_of_request(app)
        if view is None or not hasattr(view, "actions"):
            return None
        return action_problem(view, app.appbuilder.sm)


def _view_of_request(app):
    return next((v for v in app.appbuilder.baseviews
                 if getattr(v, "blueprint", None) is not None
                 and v.blueprint.name == request.blueprint), None)


def action_problem(view, security):
    """The answer to an action on `view` that names no action of the view or no row the
    user may see; None when FAB may run it. An unknown name is a 404 for anyone (the names
    are no secret); the rows are looked up only for a user FAB would let run the action,
    through the view's own filters (its row scope), so nobody else learns which rows exist."""
    single = request.endpoint.endswith(".action")
    if single:
        name, keys = request.view_args.get("name"), [request.view_args.get("pk")]
    else:
        name, keys = request.form.get("action", ""), request.form.getlist("rowid")
    declared = view.actions.get(name)
    # an action is run on one row from its page or on the rows ticked in a list, as declared
    if declared is None or not (declared.single if single else declared.multiple):
        return answer(404, gettext("Нет такого действия: «%(name)s».", name=name))
    if not security.has_access(view.get_action_permission_name(name),
                               view.class_permission_name):
        return None  # FAB refuses it itself
    if not keys:
        return answer(400, gettext("Не выбрано ни одной записи."))
    for key in keys:
        key = (key or "").strip()
        if not (key.isdigit() and int(key) <= MAX_KEY) or \
                view.datamodel.get(int(key), view._base_filters) is None:
            return answer(404, gettext("Запись не найдена."))
    return None
