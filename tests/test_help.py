"""Built-in help (5.1): a Russian page per role with its duties and links to the pages,
reachable from the menu of every page."""
import re

import pytest

from app.views.help import HELP
from tests.fast_hashing import fast_password_hashing  # noqa: F401

EXPECTED = {
    "student1": ("Студент", "ошибочно выставленной оценке", "/portal/reports"),
    "parent1": ("Родитель", "18-летия", "/portal/"),
    "teacher1": ("Преподаватель", "в день занятия", "/messages/"),
    "curator1": ("Куратор", "Еженедельно информировать родителей", "/weekly/"),
    "director": ("Администрация", "учебные планы", "/messages/"),
    "deputy": ("Зам. директора", "не реже раза в месяц", "/help/"),
    "it": ("Отдел ИТ", "реквизиты доступа сотрудникам", "/users/list/"),
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_help_page_per_role(college, login, username):
    role, duty, link = EXPECTED[username]
    client = login(username)
    page = client.get("/help/").get_data(as_text=True)
    assert f"Справка: {role}" in page and duty in page
    assert f'href="{link}' in page
    for other in ("/messages/", "/"):  # the menu of every page links to the help
        assert 'href="/help/"' in client.get(other).get_data(as_text=True)


def test_every_link_of_every_help_page_opens(college, login, app):
    client = login("admin")
    opened = set()
    for role in HELP:
        page = client.get(f"/help/{role}").get_data(as_text=True)
        table = page[page.index('id="help-duties"'):]
        assert table.count("<tr>") >= 3
        for url in set(re.findall(r'href="(/[^"]*)"', table[:table.index("</table>")])):
            opened.add(url)
    # every link was built from a registered endpoint; the portal's own pages open
    for url in sorted(u for u in opened if u.startswith(("/portal", "/messages", "/weekly"))):
        assert client.get(url).status_code == 200, url
    assert {"/portal/reports", "/messages/", "/weekly/", "/messages/new"} <= opened
    assert client.get("/help/Nobody").status_code == 404


def test_help_requires_login(app, db):
    answer = app.test_client().get("/help/")
    assert answer.status_code == 302 and "/login" in answer.location


def test_help_states_rules_not_settings_or_commands(app, college, login, monkeypatch):
    """27: the help says what the rule is, in the college's own figures, never a setting's
    name or a server command."""
    monkeypatch.setitem(app.config, "ADMISSION_MIN_ATTENDANCE", 60.0)
    pages = {role: login(user).get(f"/help/{role}").get_data(as_text=True)
             for role, user in (("Deputy", "deputy"), ("IT", "it"), ("Teacher", "teacher1"))}
    text = " ".join(pages.values())
    assert "не ниже 60 % и средний балл с учётом веса работ не ниже 2,5" in pages["Deputy"]
    assert "контрольная ×2" in pages["Deputy"]
    for technical in ("ADMISSION_MIN", "WORK_KIND_WEIGHTS", "flask journal", "%("):
        assert technical not in text, technical
