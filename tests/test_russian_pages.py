"""Russian throughout (issue 12, item 8): every page every demo role reaches reads in Russian.

For each demo account the pages are collected from the URL map (GET routes without
arguments) and from the links of the pages reached (menus, lists, show pages with real ids
of the demo college), two links deep, one page per URL shape. Each page must answer without
a server error, carry a <title> that names it, and show neither a word of the deny-list (raw
codes, Python values, the framework's English) nor a raw timestamp in its visible text.
"""
import re
import time
from datetime import date, datetime
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urljoin, urlsplit

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.services.records import audit
from tests.conftest import restore_demo_college
from tests.factories import login_client
from tests.fast_hashing import fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.layout_only  # the same on either database

ROLES = ["admin", "it", "director", "deputy", "teacher1", "curator1", "student1", "parent1",
         "parent2"]
DENIED = ["None", "True", "False", "sent", "confirmed", "rejected", "pending", "received",
          "acted", "status_change", "memo_status", "ab_user", "Cancel", "Teacher", "Student",
          "Parent", "Curator", "Deputy", "Administration", "update", "create", "login_failed",
          "lesson_create", "cell_change", "wrong_mark", "studying", "expelled", "Order by",
          "Add Filter", "Search", "Actions", "Save", "Back", "Edit", "List Users", "OK"]
DENIED_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in DENIED) + r")(?![\w-])")
RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
# an internal code in snake_case ("memo_status", "wrong_mark"), not part of an address or file
CODE = re.compile(r"(?<![\w@./-])[a-z]+(?:_[a-z]+)+(?![\w@./-])")
# Not walked: what changes state or leaves the page (logout, language, downloads, FAB's GET
# delete and actions), and the framework's permission screens, whose subject is the permission
# table itself ("can list on StudentView"): the system administrator configures it verbatim.
SKIP = re.compile(r"/(logout|lang|static|api|swagger|download|delete|action|action_post)\b"
                  r"|^/(roles|permissions|viewmenus|permissionviews)/"
                  r"|[?&](_oc_|_od_|psize_|page_|_flt_)")
GENERIC_TITLES = {"", "Электронный журнал", "F.A.B."}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_PAGES = 160  # per role: one page per URL shape keeps the walk under a minute


class _Text(HTMLParser):
    """Visible text (no scripts, styles or attributes), the <title>, and the links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.links, self.title, self._skip, self._in_title = [], [], "", 0, False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def _xlsx_problems(data: bytes) -> list[str]:
    """Text cells: no denied word or raw time; date cells: shown as dd.mm.yyyy."""
    found = []
    for sheet in load_workbook(BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, (date, datetime)) and "dd.mm.yy" not in \
                        cell.number_format.lower():
                    found.append(f"{sheet.title}!{cell.coordinate}: date shown as "
                                 f"{cell.number_format}")
                elif isinstance(value, str) and (DENIED_RE.search(value)
                                                 or RAW_TIME.search(value)):
                    found.append(f"{sheet.title}!{cell.coordinate}: {value[:80]!r}")
    return found[:5]


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url)


def _seeds(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments and not SKIP.search(rule.rule))


def _local(base: str, href: str) -> str | None:
    url = urljoin(base, href.split("#")[0])
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        return None
    found = parts.path + ("?" + parts.query if parts.query else "")
    return None if SKIP.search(found) else found


def _add_audit_samples():
    """Entries of the kinds that used to show codes: an edit on an admin screen, a memo
    status, a status change, a cancelled pair, a refused block request."""
    audit.record("update", "ab_user", 1, details={"active": ["True", "False"],
                                                  "email": [None, "a@b.ru"]})
    audit.record("memo_status", "memo", 1, details={"status": "received"})
    audit.record("status_change", "student", 1, details={
        "kind": "expulsion", "order": "12-к", "new_status": "expelled"})
    audit.record("timetable_change", "timetable_change", 1, details={
        "group": "ИС-21", "date": "2026-11-30", "cancelled": False, "room": None})
    audit.record("lesson_create", "lesson", 1, details={
        "journal": 1, "date": "2026-11-30", "pair": 1, "late": True, "substitute": None})


@pytest.fixture(scope="module")
def demo_college(app, fast_password_hashing):  # noqa: F811
    with app.app_context():
        restore_demo_college(db)
        _add_audit_samples()
        db.session.commit()
        db.session.remove()
    yield


def _walk(app, username: str) -> tuple[list[str], int, int]:
    """Visit the role's pages; return the problems found, the number of pages seen and of
    XLSX files read."""
    client = login_client(app, username)
    queue = [(url, 0) for url in ["/"] + _seeds(app)]
    shapes, problems, pages, exports = set(), [], 0, 0
    while queue and pages < MAX_PAGES:
        url, depth = queue.pop(0)
        if _shape(url) in shapes:
            continue
        shapes.add(_shape(url))
        pages += 1
        try:
            response = client.get(url)
        except Exception as exc:  # the testing app re-raises what would be a 500
            problems.append(f"{url}: {type(exc).__name__}: {exc}")
            continue
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        kind = response.mimetype
        if response.status_code == 200 and kind == XLSX:
            exports += 1
            problems.extend(f"{url}: {p}" for p in _xlsx_problems(response.data))
            continue
        if response.status_code != 200 or kind not in ("text/html", "text/csv"):
            continue
        body = response.get_data(as_text=True)
        parser = _Text()
        if kind == "text/html":
            parser.feed(body)
            text = " ".join(parser.parts)
            if parser.title.strip() in GENERIC_TITLES:
                problems.append(f"{url}: no page title ({parser.title.strip()!r})")
        else:
            text = body
        for found in sorted(set(DENIED_RE.findall(text))):
            at = text.find(found)
            problems.append(f"{url}: «{found}» in …{text[max(0, at - 60):at + 40]!r}…")
        code = CODE.search(text)
        if code:
            problems.append(f"{url}: code «{code.group(0)}»")
        stamp = RAW_TIME.search(text)
        if stamp:
            problems.append(f"{url}: raw time {stamp.group(0)}")
        if depth < 2:
            queue.extend((link, depth + 1) for link in filter(None, (
                _local(url, href) for href in parser.links)) if _shape(link) not in shapes)
    return problems, pages, exports


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_the_role_reads_in_russian(app, demo_college, username):
    started = time.monotonic()
    problems, pages, exports = _walk(app, username)
    print(f"{username}: {pages} pages, {exports} XLSX in {time.monotonic() - started:.1f} s")
    assert pages >= 5, f"{username}: only {pages} pages reached"
    assert not problems, f"{username} ({pages} pages, {time.monotonic() - started:.1f} s):\n" \
        + "\n".join(problems[:60])


def test_framework_strings_are_corrected(app, demo_college):
    """The framework's own texts that its catalog gets wrong read correctly (translations/ru)."""
    client = app.test_client()
    page = client.post("/login/", data={"username": "nobody", "password": "Wrong-Passw0rd"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Неверный логин или пароль" in page and "аторизации" not in page
    page = login_client(app, "admin").get("/users/list/").get_data(as_text=True)
    assert "Отмена" in page and "Требуется подтверждение" in page
    assert "Представления и меню" in page and "Отобажения" not in page
