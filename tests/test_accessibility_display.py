"""The version for people with impaired vision (SPEC §8, ГОСТ Р 52872-2019): a switch in the
user menu of every role, kept with the account across logins, shown on every page as a class
of <body> (larger type, high contrast) read with the account at no extra query; the pages in
that version pass axe-core too."""
import re

import pytest

from app.models import DisplayPreference
from app.services import display
from tests.a11y_helpers import axe_violations, describe, page_width, resize
from tests.factories import PASSWORD, login_client
from tests.journal_helpers import TODAY, add_lesson, count_queries, today  # noqa: F401
from tests.live_server import browser_login

BODY = re.compile(r'<body class="([^"]*)"')
ROLES = ("admin", "it", "director", "deputy", "teacher1", "curator1", "student1", "parent1")


def _body_class(client, url="/") -> str:
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    return BODY.search(page).group(1)


def _switch(client, on: str, back: str = "/"):
    page = client.get(back, follow_redirects=True).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(f"/display/low-vision?next={back}", data={"on": on, "csrf_token": token})


@pytest.mark.parametrize("username", ROLES)
def test_every_role_switches_the_version_from_its_user_menu(college, login, username):
    client = login(username)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'id="low-vision-switch"' in page and "Версия для слабовидящих" in page
    assert "low-vision" not in _body_class(client)
    answer = _switch(client, "1")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/")
    assert "low-vision" in _body_class(client)
    assert "Обычная версия" in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_the_choice_is_kept_across_logins_and_turned_off_again(app, college, db, login):
    client = login("student1")
    _switch(client, "1", back="/portal/")
    assert display.low_vision(college.users["student1"])
    again = login_client(app, "student1")  # another login, another device
    assert "low-vision" in _body_class(again)
    assert "low-vision" not in _body_class(login("student2"))  # each account its own
    _switch(again, "0")
    assert "low-vision" not in _body_class(login_client(app, "student1"))
    assert db.session.get(DisplayPreference, college.users["student1"].id).low_vision is False


def test_a_bad_value_is_refused_and_changes_nothing(college, db, login):
    client = login("parent1")
    answer = _switch(client, "yes")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Не указано, включить или выключить версию для слабовидящих." in page
    assert db.session.get(DisplayPreference, college.users["parent1"].id) is None


def test_a_switch_leads_back_only_to_a_page_of_the_portal(college, login):
    client = login("teacher1")
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/display/low-vision?next=https://evil.example/",
                         data={"on": "1", "csrf_token": token})
    assert "evil.example" not in answer.headers.get("Location", "")


def test_the_version_costs_no_query_of_its_own(college, db, login):
    client = login("teacher1")
    plain = count_queries(db, lambda: client.get("/"))
    _switch(client, "1")
    assert "low-vision" in _body_class(client)
    assert count_queries(db, lambda: client.get("/")) == plain


@pytest.mark.layout_only  # the same on either database
def test_pages_in_the_version_pass_axe_and_fit_a_phone(college, db, today,  # noqa: F811
                                                      live_server, browser):
    add_lesson(db, college.journal_a_op, TODAY, topic="Процессы")
    display.set_low_vision(college.users["teacher1"], "1")
    display.set_low_vision(college.users["student1"], "1")
    db.session.commit()
    problems = []
    for username, urls in (("teacher1", ["/", f"/journal/{college.journal_a_op.id}/"]),
                           ("student1", ["/", "/portal/"])):
        browser.clear_cookies()
        page = browser_login(browser, live_server, username, PASSWORD)
        for url in urls:
            for width in (1280, 390):
                resize(page, {"width": width, "height": 900})
                page.goto(live_server + url)
                if "/journal/" in url:
                    page.wait_for_selector("td.jg-cell.jg-active")
                assert "low-vision" in page.get_attribute("body", "class")
                size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
                assert size >= 20, (url, size)
                found = axe_violations(page)
                if found:
                    problems.append(f"{username} {url} at {width} px: {describe(found)}")
                if width == 390 and page_width(page) > 390:
                    problems.append(f"{username} {url}: {page_width(page)} px wide at 390 px")
        page.close()
    assert not problems, "\n".join(problems)


def test_the_switch_returns_to_the_page_it_was_pressed_on(college, login):
    """The pages carry no address of their own in the form: the switch goes back to the page
    that sent it when that page is the portal's, else to the start page."""
    client = login("student1")
    page = client.get("/portal/", follow_redirects=True).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert 'action="/display/low-vision"' in page
    back = client.post("/display/low-vision", data={"on": "1", "csrf_token": token},
                       headers={"Referer": "http://localhost/portal/?week=2025-10-13"})
    assert back.headers["Location"].endswith("/portal/?week=2025-10-13")
    away = client.post("/display/low-vision", data={"on": "0", "csrf_token": token},
                       headers={"Referer": "https://evil.example/portal/"})
    assert away.headers["Location"].endswith("/") and "evil" not in away.headers["Location"]
