"""The import graph of the `app` package, read from the source with `ast` (nothing imported).

Used by tests/test_architecture.py and printable for the figures in docs/ARCHITECTURE.md:
`.venv/bin/python -m tests.architecture`.
"""
import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    imports: set[str] = field(default_factory=set)       # at module level
    late_imports: list[tuple[int, str]] = field(default_factory=list)  # inside functions
    late_other: int = 0  # imports of other packages inside functions


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(node, current: str, is_package: bool, known: set[str]) -> set[str]:
    """The app modules an import statement loads: `from pkg import mod` names a module when
    pkg.mod is one, else the package itself."""
    found = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] == "app":
                found.add(alias.name)
        return found
    base = _absolute(node, current, is_package)
    if base.split(".")[0] != "app":
        return found
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        found.add(candidate if candidate in known else base)
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def read_modules() -> dict[str, Module]:
    paths = sorted(APP.rglob("*.py"))
    known = {module_name(p) for p in paths}
    modules = {}
    for path in paths:
        name = module_name(path)
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        module = Module(name, path, source.count("\n"))
        is_package = path.name == "__init__.py"

        def visit(node, in_function: bool):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child):
                    continue
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    targets = _targets(child, name, is_package, known)
                    if in_function and not targets:
                        module.late_other += 1
                    if in_function:
                        module.late_imports.extend((child.lineno, t) for t in sorted(targets))
                    else:
                        module.imports |= targets
                    continue
                nested = in_function or isinstance(
                    child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                visit(child, nested)

        visit(tree, False)
        modules[name] = module
    # a module's import runs its packages' __init__ first
    for module in modules.values():
        for target in list(module.imports):
            parts = target.split(".")
            for i in range(2, len(parts)):
                parent = ".".join(parts[:i])
                if parent in modules and parent != module.name and not \
                        module.name.startswith(parent + "."):
                    module.imports.add(parent)
    return modules


def cycles(modules: dict[str, Module], with_late: bool = False) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan); `with_late` counts
    the imports inside functions too (the loops they hold open)."""
    edges = {name: set(m.imports) | ({t for _, t in m.late_imports} if with_late else set())
             for name, m in modules.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in modules or w == v:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(modules):
        if v not in index:
            strong(v)
    return found


def main() -> None:
    modules = read_modules()
    late = [(m.name, line, t) for m in modules.values() for line, t in m.late_imports]
    biggest = sorted(modules.values(), key=lambda m: -m.lines)[:5]
    print(f"modules: {len(modules)}, lines: {sum(m.lines for m in modules.values())}")
    print(f"import cycles: {len(cycles(modules))}")
    for component in cycles(modules):
        print("  " + " ".join(component))
    held = cycles(modules, with_late=True)
    print(f"loops held open by imports inside functions: {len(held)}")
    for component in held:
        print(f"  {len(component)}: " + " ".join(component))
    print(f"imports of other packages inside functions: "
          f"{sum(m.late_other for m in modules.values())}")
    print(f"imports of app modules inside functions: {len(late)} in "
          f"{len({name for name, _, _ in late})} modules")
    for name, line, target in late:
        print(f"  {name}:{line} → {target}")
    print("largest modules: " + ", ".join(f"{m.name} {m.lines}" for m in biggest))


if __name__ == "__main__":
    main()
