"""Registers every page of the portal, in menu order. Each module has register(appbuilder)."""
import importlib

# Menu order: the modules below add their views and menu categories in this order. IT's service
# pages come first, next to FAB's «Безопасность» (only IT and Admin see them); then the daily
# work (journal, timetable, record, curator's and deputy's duties, reports), then reference
# data and people; messages and help last.
VIEW_MODULES = [
    "app.views.it",
    "app.views.audit",
    "app.views.backups",
    "app.views.archive",
    "app.views.jobs",
    "app.views.journal",
    "app.views.timetable",
    "app.views.portal",
    "app.views.curator",
    "app.views.deputy",
    "app.views.final_grades_missing",
    "app.views.reports",
    "app.views.council",
    "app.views.behaviour",
    "app.views.attendance",
    "app.views.sheets",
    "app.views.debts",
    "app.views.documents",
    "app.views.practice",
    "app.views.reference",
    "app.views.plans",
    "app.views.people",
    "app.views.consent",
    "app.views.imports",
    "app.views.messages",
    "app.views.notifications",
    "app.views.account",
    "app.views.display",
    "app.views.help",
]


def register_views(appbuilder) -> None:
    for name in VIEW_MODULES:
        importlib.import_module(name).register(appbuilder)
