"""Registers the JSON API (documented at /api/v1/_openapi)."""
import importlib

API_MODULES: list[str] = [
    "app.api.students",
    "app.api.journals",
]


def register_apis(appbuilder) -> None:
    for name in API_MODULES:
        importlib.import_module(name).register(appbuilder)
