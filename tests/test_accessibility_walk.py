"""Every menu page of every role, after a day's use, in Chromium at 1280 px and on a 390-px
phone (issue 27, «Phone» and «Accessibility, measured»; SPEC §8).

The demo college first gets what fills the pages in real use: a parent's reports of a wrong
mark and of an access problem, messages both ways, an absence document, a practice diary day
and the curator's weekly report. Then each demo account logs in through the form and opens its
start page and every item of its menus: axe-core finds no serious or critical violation of
WCAG 2.1 A/AA at 1280 px, and at 390 px the page is no wider than the screen (wide tables
scroll inside their own box) and the start page, with its folded menu, passes axe too. The
walk is split in two files (the staff here, the others in test_accessibility_walk_others.py)
so that the two halves run side by side. One browser, one page per role resized between widths;
the framework's lists, one template for all, are checked once. It is also the start pages'
walk: each role's start page shows its blocks, the teacher's with «Записать» for today's pair.
"""
import os
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from app.models import Journal, JournalCell, Lesson, Student, TimetableEntry
from app.models.practice import Practice, PracticeDiaryEntry, PracticePlacement
from app.services.control import absence_documents
from app.services.portal import issue_reports, messaging, weekly_reports
from app.services.practice import diary
from app.services.practice.base import working_weekdays
from tests.a11y_helpers import axe_violations, describe, page_width, resize
from tests.conftest import restore_demo_college
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login

pytestmark = pytest.mark.layout_only  # the same on either database

TODAY = date(2025, 11, 20)  # a Thursday of the first semester, as the start pages' tests
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
ARTIFACTS = Path(os.environ.get("JOURNAL_TEST_ARTIFACTS", "var/test-artifacts"))
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
LIST = re.compile(r"^/\w+view/list/$")
MENU_LINKS = """() => [...document.querySelectorAll(
    '.navbar-collapse ul.navbar-nav:not(.navbar-right) a[href]')]
    .map(a => a.getAttribute('href')).filter(h => h.startsWith('/'))"""


@pytest.fixture()
def used_college(app, db, tmp_path, monkeypatch):
    """The demo college after a day's use, committed for the live server; the teacher with a
    pair today."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "documents"))
    restore_demo_college(db, 2025)
    return {"teacher": fill_a_days_use(db)}


def fill_a_days_use(db) -> str:
    """What a day's use leaves on the pages, committed; the username of a teacher with a pair
    today."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    student = db.session.scalar(select(Student).where(Student.user_id == users["student1"].id))
    cell = db.session.scalars(select(JournalCell).join(Lesson).where(
        JournalCell.student_id == student.id, Lesson.lesson_date < TODAY)
        .order_by(Lesson.lesson_date.desc())).first()
    issue_reports.report_wrong_mark(users["parent1"], student.id, cell.lesson_id,
                                    "Сын был на занятии и отвечал у доски, а стоит «Н».")
    issue_reports.report_access_problem(users["parent1"], student.id,
                                        "Не открывается дневник за прошлую неделю.")
    curator = db.session.get(User, student.group.curator_id)
    messaging.send(users["parent1"], curator.id, "Пропуски на следующей неделе",
                   "Добрый день! Сын будет на соревнованиях с 24 по 26 ноября.")
    messaging.send(curator, users["parent1"].id, "Пропуски на следующей неделе",
                   "Спасибо, принесите справку от тренера.")
    messaging.send(users["student1"], curator.id, "Пересдача", "Когда можно пересдать?")
    absence_documents.upload(users["parent1"], student.id, "medical", TODAY - timedelta(days=3),
                             TODAY - timedelta(days=2), "справка.pdf", "application/pdf", PDF)
    db.session.commit()
    _write_a_practice_day(db)
    weekly_reports.queue(student.group, TODAY - timedelta(days=TODAY.weekday() + 7), curator)
    db.session.commit()
    entry = db.session.scalars(select(TimetableEntry).where(
        TimetableEntry.weekday == TODAY.weekday()).order_by(TimetableEntry.id)).first()
    return db.session.get(User, db.session.get(Journal, entry.journal_id).teacher_id).username


def _write_a_practice_day(db) -> None:
    """A practising student writes a working day they had not written yet."""
    for placement in db.session.scalars(select(PracticePlacement).join(Practice).where(
            Practice.start_date <= TODAY, Practice.end_date >= TODAY)
            .order_by(PracticePlacement.id)):
        written = set(db.session.scalars(select(PracticeDiaryEntry.entry_date).where(
            PracticeDiaryEntry.placement_id == placement.id)))
        user = db.session.get(User, db.session.get(Student, placement.student_id).user_id)
        days = (TODAY - timedelta(days=n) for n in range(0, 14))
        day = next((d for d in days if d not in written and d.weekday() in working_weekdays()
                    and d >= placement.practice.start_date), None)
        if user is not None and day is not None:
            diary.write_entry(user, placement.id, day, "Настраивал рабочие места отдела", 6)
            db.session.commit()
            return
    raise AssertionError("no practising student with a day left to write")


def menu_pages(page) -> list[str]:
    found = ["/"]
    for href in page.evaluate(MENU_LINKS):
        path = urlsplit(href)
        url = path.path + ("?" + path.query if path.query else "")
        if url not in found and not path.path.startswith(("/logout", "/lang")):
            found.append(url)
    return found


def walk(usernames, live_server, playwright_browser) -> tuple[int, list[str]]:
    """Every menu page of each account: axe-core at 1280 px; at 390 px the page's width (and
    axe again on the start page, where the menu folds into its button). Returns the pages
    seen and the problems found."""
    problems, seen, lists_seen = [], 0, set()
    context = playwright_browser.new_context(viewport=DESKTOP, locale="ru-RU")
    context.set_default_timeout(10000)
    try:
        for username in usernames:
            context.clear_cookies()
            page = browser_login(context, live_server, username, PASSWORD)
            pages = menu_pages(page)
            assert len(pages) >= 3, (username, pages)
            for url in pages:
                if LIST.search(url) and url in lists_seen:
                    continue  # the framework's lists share one template: once is enough
                lists_seen.add(url)
                page.set_viewport_size(DESKTOP)
                response = page.goto(live_server + url)
                seen += 1
                if response.status != 200:
                    problems.append(f"{username} {url}: {response.status}")
                    continue
                if url == "/":
                    assert page.locator("section.home-section").count() >= 1, username
                found = axe_violations(page)
                if found:
                    problems.append(f"{username} {url} at 1280 px: {describe(found)}")
                resize(page, PHONE)
                width = page_width(page)
                if width > PHONE["width"]:
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / f"wide-{username}-"
                                             f"{url.strip('/').replace('/', '-')}.png"),
                                    full_page=True)
                    problems.append(f"{username} {url}: {width} px wide at 390 px")
                found = axe_violations(page) if url == "/" else []
                if found:
                    problems.append(f"{username} {url} at 390 px: {describe(found)}")
            page.close()
    finally:
        context.close()
    return seen, problems


STAFF = ("admin", "it", "curator1")  # and the teacher who has a pair today
OTHERS = ("director", "deputy", "student1", "parent1", "parent2", "mentor1")


def test_every_menu_page_of_the_staff_passes_axe_and_fits_a_phone(
        used_college, live_server, playwright_browser):
    seen, problems = walk((used_college["teacher"],) + STAFF, live_server, playwright_browser)
    assert seen >= 40, seen
    assert not problems, f"{len(problems)} problems on {seen} pages:\n" + "\n".join(problems)


def test_the_teachers_start_page_records_todays_pair(used_college, live_server,
                                                    playwright_browser):
    context = playwright_browser.new_context(viewport=PHONE, locale="ru-RU")
    try:
        page = browser_login(context, live_server, used_college["teacher"], PASSWORD)
        page.goto(live_server + "/")
        assert page.locator("a.home-record").count() >= 1
    finally:
        context.close()
