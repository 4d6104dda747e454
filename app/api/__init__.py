"""Registers the JSON API (documented at /api/v1/_openapi).

The OpenAPI document is kept complete by `complete_operations`: every operation of the
portal's own APIs declares each of its path parameters and the answers every operation can
give (400 bad input or missing CSRF token, 401 no valid token, 403 no right to the row,
404 no such row), each with its JSON body; what the docstrings say is kept."""
import importlib
import re

from flask_appbuilder.api import BaseApi

API_MODULES: list[str] = [
    "app.api.students",
    "app.api.journals",
    "app.api.sheets",
    "app.api.debts",
    "app.api.practice",
    "app.api.curricula",
    "app.api.notifications",
]
PROJECT_API_PREFIXES = ("/api/v1/journals", "/api/v1/students", "/api/v1/sheets",
                        "/api/v1/curricula", "/api/v1/notifications")
# ids are 32-bit integers in every supported database; Flask's int converter takes no sign
ID_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 2147483647}
MESSAGE_SCHEMA = {"type": "object", "properties": {"message": {"type": "string"}},
                  "required": ["message"]}
STANDARD_ANSWERS = {"400": "400", "401": "401", "403": "403", "404": "404"}
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def complete_operation(path: str, operation: dict) -> None:
    """Path parameters and standard answers added where the docstring left them out."""
    params = operation.setdefault("parameters", [])
    declared = {p.get("name") for p in params if p.get("in") == "path"}
    for param in params:
        if param.get("in") == "path":
            param["required"] = True
            param.setdefault("schema", dict(ID_SCHEMA))
    for name in re.findall(r"{(\w+)}", path):
        if name not in declared:
            params.append({"in": "path", "name": name, "required": True,
                           "schema": dict(ID_SCHEMA)})
    responses = operation.setdefault("responses", {})
    for code, ref in STANDARD_ANSWERS.items():
        responses.setdefault(code, {"$ref": f"#/components/responses/{ref}"})
    for code, answer in list(responses.items()):
        if "$ref" in answer:
            continue
        answer.setdefault("description", "")
        if "content" not in answer:
            schema = {"type": "object"} if str(code).startswith("2") else MESSAGE_SCHEMA
            answer["content"] = _json(schema)


def complete_operations(api_spec) -> None:
    for path, operations in api_spec._paths.items():
        if not path.startswith(PROJECT_API_PREFIXES):
            continue
        for method, operation in operations.items():
            if method in HTTP_METHODS:
                complete_operation(path, operation)


class DocumentedApi(BaseApi):
    """The portal's APIs: their operations in the OpenAPI document are completed; the
    request bodies are the marshmallow schemas the services load them with, registered as
    components through FAB's `openapi_spec_component_schemas`.

    The pages' own scripts call them with the session cookie (which needs the CSRF token);
    other clients with a Bearer token alone."""
    allow_browser_login = True
    csrf_exempt = False

    def serve(self, read, *args, present=None):
        """200 with what the service `read(user, *args)` returns (shaped by `present`); its
        refusal is answered by the DomainError handler (app/web_errors.py)."""
        data = read(self.appbuilder.sm.current_user, *args)
        return self.response(200, result=present(data) if present else data)

    def add_api_spec(self, api_spec) -> None:
        super().add_api_spec(api_spec)
        complete_operations(api_spec)


class StudentApi(DocumentedApi):
    """An API about one student: `/api/v1/students/<id>/…`, under the student's row rules."""
    route_base = "/api/v1/students"
    openapi_spec_tag = "Students"


def register_apis(appbuilder) -> None:
    for name in API_MODULES:
        importlib.import_module(name).register(appbuilder)
