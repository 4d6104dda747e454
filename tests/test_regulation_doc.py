"""docs/REGULATION.md maps every clause of the regulation to its code and its tests: each clause
has a row, and every test the document names exists (a renamed or deleted test fails here)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "REGULATION.md").read_text(encoding="utf-8")
# The regulation's numbered clauses (Приказ № 299/1): sections 1–8.
CLAUSES = {1: 7, 2: 2, 3: 6, 4: 8, 5: 4, 6: 2, 7: 4, 8: 2}


def _main_table() -> list[list[str]]:
    table = DOC.split("## ", 1)[0]
    return [line.strip("|").split(" | ") for line in table.splitlines()
            if line.startswith("| ") and not line.startswith("| пункт")]


def _clauses_of(label: str) -> set[tuple[int, int]]:
    found = set()
    for a, b, c, d in re.findall(r"(\d)\.(\d)(?:\s*[–-]\s*(\d)\.(\d))?", label):
        start, end = (int(a), int(b)), (int(c), int(d)) if c else (int(a), int(b))
        found.update((start[0], n) for n in range(start[1], end[1] + 1))
    return found


def test_every_clause_has_a_row_with_code_and_a_test():
    rows = _main_table()
    covered = set().union(*(_clauses_of(row[0]) for row in rows))
    wanted = {(s, n) for s, count in CLAUSES.items() for n in range(1, count + 1)}
    assert wanted - covered == set()
    assert covered - wanted == set()  # no row under a clause the regulation does not have
    for row in rows:
        assert len(row) == 4 and all(cell.strip() for cell in row), row[0]


def test_every_named_test_exists():
    named = 0
    for line in DOC.splitlines():
        if not line.startswith("| "):
            continue
        current = None
        for ref in re.findall(r"`([^`]+)`", line.split(" | ")[-1]):
            match = re.match(r"(tests/[\w/]+\.py)(?:::(\w+))?", ref)
            if match:
                current = ROOT / match.group(1)
                assert current.exists(), ref
                name = match.group(2)
            elif current is not None and re.fullmatch(r"test_\w+", ref):
                name = ref
            else:
                continue
            if name:
                source = current.read_text(encoding="utf-8")
                assert re.search(rf"^(async )?def {name}\(", source, re.M), \
                    f"{current.name}::{name} named in docs/REGULATION.md does not exist"
                named += 1
    assert named > 100
