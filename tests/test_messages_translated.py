"""Domain messages reach the user in the user's language: raised and flashed texts go through
gettext, the English catalog translates every Russian text, a request in English gets English."""
import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.journal_helpers import today  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
CYRILLIC = re.compile("[А-Яа-яЁё]")
GETTEXT = {"_", "gettext", "lazy_gettext", "_l", "ngettext"}
# Command-line only: their texts go to the operator's terminal, never to a web request.
CLI_ONLY = {"app/cli.py", "app/demo/college.py"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _bare_russian(node: ast.expr) -> bool:
    """A Cyrillic string literal (plain, f-string or a concatenation's piece) outside gettext."""
    if isinstance(node, ast.Call) and _name(node.func) in GETTEXT:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(CYRILLIC.search(node.value))
    return any(_bare_russian(child) for child in ast.iter_child_nodes(node))


def _untranslated(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            message = node.exc.args[0] if node.exc.args else None
        elif isinstance(node, ast.Call) and _name(node.func) == "flash":
            message = node.args[0] if node.args else None
        else:
            continue
        if message is not None and _bare_russian(message):
            found.append((node.lineno, f"{path.relative_to(root)}:{node.lineno}"))
    return [site for _, site in sorted(found)]


def test_raised_and_flashed_messages_go_through_gettext():
    modules = [p for p in sorted((ROOT / "app").rglob("*.py"))
               if str(p.relative_to(ROOT)) not in CLI_ONLY]
    assert len(modules) > 100
    untranslated = [site for path in modules for site in _untranslated(path)]
    assert not untranslated, "Russian text without gettext: " + ", ".join(untranslated)


def test_the_checker_sees_bare_russian(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('raise BadInput("Ошибка.")\nraise journal.NotFound(f"Нет {x}.")\n'
                      'flash("Сохранено.")\nraise BadInput("Ошибка: " + detail)\n'
                      'raise BadInput(_("Ошибка."))\nflash(str(_("Сохранено.")))\n'
                      'raise BadInput(str(exc))\n', encoding="utf-8")
    assert _untranslated(sample, tmp_path) == [f"sample.py:{n}" for n in (1, 2, 3, 4)]


def test_english_catalog_translates_every_russian_text():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    russian = [m for m in catalog if m.id and CYRILLIC.search(m.id if isinstance(m.id, str)
                                                               else m.id[0])]
    assert len(russian) > 1000
    bad = [m.id for m in russian if m.fuzzy or not _english(m)]
    assert not bad, bad


def _english(message) -> bool:
    """Translated, with no Russian words left: Cyrillic only in the journal's own symbols and
    codes copied from the source text («Н», «н/а», УП, ПК, ОП.01), which the grid shows as is."""
    source = message.id if isinstance(message.id, str) else message.id[0]
    texts = [message.string] if isinstance(message.string, str) else list(message.string)
    return all(texts) and all(
        len(run) <= 3 and re.search(rf"(?<![А-Яа-яЁё]){run}(?![А-Яа-яЁё])", source)
        for text in texts for run in re.findall("[А-Яа-яЁё]+", text))


def test_a_refusal_in_english_and_in_russian(college, login, today):  # noqa: F811
    web = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons"
    web.get("/lang/en")
    answer = web.post(url, json={"lesson_date": "31.02.2025"})
    assert answer.status_code == 400
    assert answer.get_json()["message"] == "Lesson date is invalid: expected dd.mm.yyyy."
    web.get("/lang/ru")
    answer = web.post(url, json={"lesson_date": "31.02.2025"})
    assert answer.status_code == 400
    assert answer.get_json()["message"] == "Дата занятия указана неверно: ожидается дд.мм.гггг."


def test_a_message_with_placeholders_in_english_and_in_russian(college, login, today):  # noqa: F811
    web = login("teacher1")
    url = f"/api/v1/journals/{college.journal_a_op.id}/lessons"
    body = {"lesson_date": today.strftime("%d.%m.%Y"), "pair_number": 9}
    web.get("/lang/en")
    answer = web.post(url, json=body)
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["message"] == "Class period number: allowed from 1 to 8."
    web.get("/lang/ru")
    assert web.post(url, json=body).get_json()["message"] == "Номер пары: допустимо от 1 до 8."
