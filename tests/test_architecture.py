"""The house rules of docs/ARCHITECTURE.md, read from the source (tests/architecture.py)."""
import pytest

from tests.architecture import cycles, read_modules

MODULES = read_modules()
MAX_LINES = 400
# the factory and the CLI import their parts when they run; nothing else should need to
LATE_ALLOWED_IN = {"app", "app.cli"}
MAX_LATE_IMPORTS = 10

# Which packages a package may not import (docs/ARCHITECTURE.md, "What may import what").
FORBIDDEN = {
    "app.errors": ("app.",),
    "app.infra": ("app.services", "app.views", "app.api", "app.demo", "app.security",
                  "app.web", "app.cli", "app.jobs"),
    "app.models": ("app.services", "app.views", "app.api", "app.demo", "app.web", "app.cli",
                   "app.security", "app.jobs"),
    "app.labels": ("app.services", "app.views", "app.api", "app.demo", "app.web", "app.jobs"),
    "app.exports": ("app.views", "app.api", "app.web", "app.demo", "app.cli", "app.jobs"),
    "app.services": ("app.views", "app.api", "app.web", "app.demo", "app.cli", "app.jobs"),
    # the queue calls services and exports; pages and commands call the queue, never back
    "app.jobs": ("app.views", "app.api", "app.web", "app.demo", "app.cli"),
    "app.security": ("app.api", "app.demo", "app.cli"),
    "app.views": ("app.api", "app.demo", "app.cli"),
    "app.api": ("app.demo", "app.cli"),
    "app.demo": ("app.views", "app.api", "app.web", "app.cli"),
}
# FAB's security manager names its own user, role and password views as class attributes
SECURITY_VIEWS = {"app.views.users", "app.views.passwords", "app.views.security_labels",
                  "app.views.base"}


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_no_import_loops_even_through_imports_inside_functions():
    assert cycles(MODULES) == []
    assert cycles(MODULES, with_late=True) == []


def test_imports_inside_functions_only_in_the_factory_and_the_cli():
    late = [f"{m.name}:{line} → {target}" for m in MODULES.values()
            if m.name not in LATE_ALLOWED_IN for line, target in m.late_imports]
    others = sum(m.late_other for m in MODULES.values() if m.name not in LATE_ALLOWED_IN)
    assert len(late) + others <= MAX_LATE_IMPORTS, "\n".join(late)


def test_no_module_over_400_lines():
    big = {m.name: m.lines for m in MODULES.values() if m.lines > MAX_LINES}
    assert big == {}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_what_the_layers_allow(package):
    wrong = []
    for module in MODULES.values():
        if not _in(module.name, package):
            continue
        targets = module.imports | {t for _, t in module.late_imports}
        for target in sorted(targets):
            if any(_in(target, f.rstrip(".")) if not f.endswith(".") else
                   target.startswith(f) for f in FORBIDDEN[package]):
                if module.name == "app.security.manager" and target in SECURITY_VIEWS:
                    continue
                wrong.append(f"{module.name} → {target}")
    assert wrong == []


def test_the_rules_are_where_the_layout_says():
    """A newcomer finds a clause's rule by its area: the packages exist and hold modules."""
    for package in ("app.services.journal", "app.services.portal", "app.services.control",
                    "app.services.assessment", "app.services.practice", "app.services.records",
                    "app.services.college", "app.infra", "app.security", "app.demo"):
        assert package in MODULES
        assert any(name.startswith(package + ".") for name in MODULES), package
    assert not any(name.startswith("app.services.demo") for name in MODULES)


def test_services_use_only_the_shared_book_of_exports():
    """A document's book is built from what a service returns, so a service never imports one;
    the two books still written inside a service (audit log, archive) use exports.book."""
    wrong = [f"{m.name} → {t}" for m in MODULES.values() if _in(m.name, "app.services")
             for t in m.imports | {t for _, t in m.late_imports}
             # importing exports.book runs the package's __init__ (a docstring) first
             if _in(t, "app.exports") and t not in ("app.exports", "app.exports.book")]
    assert wrong == []
