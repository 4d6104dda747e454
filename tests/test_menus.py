"""Every menu a role sees works (issue 12, item 1): no empty dropdown, every item answers 200.

The demo college holds every role; each demo account logs in through the login form and the
rendered navbar is walked as a browser would see it.
"""
import re
from html.parser import HTMLParser

import pytest

from tests.factories import login_client
from tests.fast_hashing import fast_password_hashing  # noqa: F401

DEMO_ACCOUNTS = ("admin", "it", "director", "deputy", "teacher1", "curator1", "student1",
                 "parent1", "parent2")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


class NavbarParser(HTMLParser):
    """The left navbar (`ul.nav.navbar-nav` without navbar-right) as [(label, [(label, href)])];
    a plain link at the top level is (label, href)."""

    def __init__(self):
        super().__init__()
        self.menu: list = []
        self._in_nav = False
        self._depth = 0  # <ul> nesting inside the navbar
        self._anchor = None  # [text, href, kind]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ul" and "navbar-nav" in classes and "navbar-right" not in classes \
                and not self._in_nav and not self.menu:
            self._in_nav, self._depth = True, 1
            return
        if not self._in_nav:
            return
        if tag == "ul":
            self._depth += 1
        elif tag == "a":
            kind = "toggle" if "dropdown-toggle" in classes else "link"
            self._anchor = ["", attrs.get("href"), kind]

    def handle_endtag(self, tag):
        if not self._in_nav:
            return
        if tag == "ul":
            self._depth -= 1
            if self._depth == 0:
                self._in_nav = False
        elif tag == "a" and self._anchor is not None:
            text, href, kind = self._anchor
            text = " ".join(text.split())
            if kind == "toggle":
                self.menu.append((text, []))
            elif self._depth >= 2:
                self.menu[-1][1].append((text, href))
            else:
                self.menu.append((text, href))
            self._anchor = None

    def handle_data(self, data):
        if self._anchor is not None:
            self._anchor[0] += data


def navbar(html: str) -> list:
    parser = NavbarParser()
    parser.feed(html)
    return parser.menu


@pytest.fixture(scope="module")
def demo_college(app, fast_password_hashing):  # noqa: F811
    """The demo college, built once for the module: its tests only read pages."""
    from app.extensions import db
    from tests.conftest import restore_demo_college
    with app.app_context():
        restore_demo_college(db, 2025)
    yield


def _walk(client) -> tuple[list, list[str]]:
    """The role's navbar and the problems found in it."""
    home = client.get("/")
    assert home.status_code == 200
    menu = navbar(home.get_data(as_text=True))
    problems = []
    labels = [item for _label, target in menu
              for item, _href in ([(_label, target)] if isinstance(target, str) else target)]
    problems += [f"{item} twice in the menu" for item in sorted(set(labels))
                 if labels.count(item) > 1]
    for entry in menu:
        label, target = entry
        if not CYRILLIC.search(label):
            problems.append(f"label not in Russian: {label!r}")
        items = [entry] if isinstance(target, str) else target
        if not isinstance(target, str) and not items:
            problems.append(f"empty dropdown: {label}")
        for item_label, href in items:
            if not CYRILLIC.search(item_label):
                problems.append(f"item label not in Russian: {item_label!r}")
            # A menu item may redirect (the curator's own group, the student's own record);
            # where it lands must open, and not be the login page.
            response = client.get(href, follow_redirects=True)
            landed = response.request.path
            if response.status_code != 200 or landed.startswith("/login"):
                problems.append(f"{label} → {item_label} ({href} → {landed}): "
                                f"{response.status_code}")
    return menu, problems


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_every_menu_item_of_every_demo_role_opens(app, demo_college, username):
    client = login_client(app, username)
    menu, problems = _walk(client)
    assert menu, f"{username} sees no menu at all"
    assert not problems, f"{username}: " + "; ".join(problems)


def test_the_journal_menu_is_not_empty_for_teachers_and_managers(app, demo_college):
    """The regression of issue 12: «Журнал» dropped down empty for everybody but Admin."""
    for username in ("teacher1", "curator1", "deputy", "director"):
        menu = navbar(login_client(app, username).get("/").get_data(as_text=True))
        journal = dict((label, items) for label, items in menu if not isinstance(items, str))
        assert "Журнал" in journal, f"{username}: {menu}"
        assert any(label == "Журналы" for label, _href in journal["Журнал"]), username


def test_menu_starts_with_the_roles_own_work(app, demo_college):
    """The teacher's first menu is the journal, the student's the record, IT's its service."""
    first = {u: [label for label, _items in navbar(
        login_client(app, u).get("/").get_data(as_text=True))][:2]
        for u in ("teacher1", "student1", "it")}
    assert first["teacher1"][0] == "Журнал"
    assert first["student1"][0] == "Успеваемость"
    assert "Сопровождение" in first["it"]


def test_the_navbar_parser_sees_an_empty_dropdown():
    """The walk would fail on the old bug: a category with no items."""
    html = ('<ul class="nav navbar-nav"><li class="dropdown"><a class="dropdown-toggle" '
            'href="#">Журнал<b class="caret"></b></a><ul class="dropdown-menu"></ul></li>'
            '<li><a href="/help/">Справка</a></li></ul>'
            '<ul class="nav navbar-nav navbar-right"><li><a href="/logout/">Выход</a></li></ul>')
    assert navbar(html) == [("Журнал", []), ("Справка", "/help/")]
