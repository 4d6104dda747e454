"""Input hygiene at the web door (finding 6): every form value and every JSON body is checked
for control characters before any view runs; CRLF from textareas is stored as LF; a value
longer than its column (refused at flush, infra/text_hygiene.py) is a refusal like any
other (app/web_errors.py), not a 500. The rules themselves live in infra/text_hygiene.py."""
from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict

from ..infra import text_hygiene
from ..views.list_arguments import list_argument_problem
from ..web_errors import answer

_LIST_KEYS = ("_oc_", "_od_", "_flt_", "page_", "psize_")


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
        current = next((v for v in app.appbuilder.baseviews
                        if getattr(v, "blueprint", None) is not None
                        and v.blueprint.name == request.blueprint), None)
        message = list_argument_problem(request.args, views, current)
        return None if message is None else answer(400, message)
