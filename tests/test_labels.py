"""app/labels is the one table of codes and their Russian names: no code's name is written
twice (a table that repeats another's names takes them from it), and no module outside
app/labels keeps its own table of codes and names."""
import ast
import re
from itertools import combinations
from pathlib import Path

from flask_babel import force_locale

import app.labels as labels
from app.labels import assessment, control, journal, statuses

ROOT = Path(__file__).resolve().parent.parent
CYRILLIC = re.compile("[А-Яа-яЁё]")
# Module-level tables of Russian text outside app/labels that are not names of stored codes.
NOT_CODE_NAMES = {
    "app/infra/text_hygiene.py": "FIELD_LABELS",  # the names of form fields in a refusal
    "app/security/access.py": "ROLES",  # the declared role table: a role's description
    "app/services/assessment/sheets.py": "NUMBER_SUFFIX DECISION_WORDS",  # stored in records
    "app/services/college/import_tables.py": "COLUMNS TITLES",  # the file format read back
    "app/services/college/imports.py": "FORMS KINDS",  # Russian words → codes, when reading
    "app/views/people.py": "PEOPLE_LABELS RELATIONS",  # column names of FAB's views
    "app/views/reference.py": "LABELS",
    "app/views/timetable.py": "LABELS",
    "app/views/users.py": "PASSWORD_FIELDS",
    "app/api/journals.py": "LESSON_FIELDS",
    "app/api/curricula.py": "HOURS SEMESTER HEAD",  # OpenAPI schemas: the plan's own codes
    "app/services/assessment/sheet_grades.py": "DECISION_WORDS",  # stored in records
    "app/services/college/plan_apply.py": "ITEM_FORMS",  # the plan's codes → forms, reading
    "app/services/college/plx.py": "CONTROL",  # the file's numbers → the plan's codes
    "app/views/help_texts.py": "HELP",
    "app/views/help_texts_staff.py": "STAFF_HELP",
    # each figure of the council's report: its name, what it means and the rows behind it
    "app/services/control/reports/drill.py": "FIGURES",
}


def _tables() -> dict[str, dict]:
    """Every table of code → name in app/labels, STATUSES' kinds each on its own."""
    found, seen = {}, set()
    # the audit log's vocabulary (labels/audit.py) names tables, actions and detail keys, not
    # stored values: its «группа» for the table student_group is not a code's name
    for module in (assessment, control, journal, statuses):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, dict) and name != "STATUSES" \
                    and id(value) not in seen:
                found[f"{module.__name__.split('.')[-1]}.{name}"] = value
                seen.add(id(value))
    for kind, table in labels.STATUSES.items():
        if id(table) not in seen:
            found[f"STATUSES[{kind}]"] = table
            seen.add(id(table))
    return found


def test_no_two_tables_name_the_same_code_apart(app):
    """A code two tables share with the same name is one object: it is written once."""
    twice = []
    with app.test_request_context(), force_locale("ru"):
        tables = _tables()
        for (a, one), (b, other) in combinations(tables.items(), 2):
            for code in one.keys() & other.keys():
                if one[code] is not other[code] and str(one[code]) == str(other[code]):
                    twice.append(f"{a} and {b}: {code} «{one[code]}»")
    assert twice == []


def test_no_table_of_code_names_outside_app_labels():
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("app/labels/", "app/demo/")):
            continue  # the demo college's data: names of people, disciplines, places
        source = path.read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            target = node.targets[0] if isinstance(node, ast.Assign) else getattr(
                node, "target", None)
            value = getattr(node, "value", None)
            if not isinstance(value, ast.Dict) or not isinstance(target, ast.Name):
                continue
            if not CYRILLIC.search(ast.get_source_segment(source, value) or ""):
                continue
            if target.id not in NOT_CODE_NAMES.get(rel, "").split():
                found.append(f"{rel}: {target.id}")
    assert found == []


def test_names_read_in_the_readers_language(app):
    with app.test_request_context():
        assert labels.text(labels.FINAL_GRADE_KINDS, "exam") == "экзамен"
        assert labels.homework_kind("none") == "" and labels.homework_kind(None) == ""
        with force_locale("en"):
            assert labels.text(labels.SHEET_KINDS, "credit") == "credit"
            assert labels.russian(labels.SHEET_KINDS, "credit") == "зачёт"
