"""Registers every page of the portal, in menu order. Each module has register(appbuilder)."""
import importlib

# Menu order: the modules below add their views and menu categories in this order.
VIEW_MODULES = [
    "app.views.reference",
    "app.views.people",
    "app.views.imports",
    "app.views.journal",
    "app.views.audit",
    "app.views.backups",
    "app.views.archive",
    "app.views.portal",
    "app.views.messages",
    "app.views.help",
    "app.views.timetable",
    "app.views.curator",
    "app.views.deputy",
    "app.views.it",
    "app.views.reports",
]


def register_views(appbuilder) -> None:
    for name in VIEW_MODULES:
        importlib.import_module(name).register(appbuilder)
