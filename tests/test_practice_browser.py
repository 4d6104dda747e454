"""Browser: the employer's mentor `mentor1` logs in, confirms a diary entry, returns another with
a comment and fills the attestation sheet; the student then sees the comment (issue 15). The
student's diary and the mentor's pages fit a 390 px phone: no sideways scrolling of the page.
Screenshots go to JOURNAL_TEST_ARTIFACTS (default var/test-artifacts)."""
import os
from datetime import timedelta
from pathlib import Path

import pytest

from app.models import FinalGrade
from app.models.practice import PracticeAttestation, PracticeDiaryEntry
from app.services import practice as svc
from tests.a11y_helpers import assert_fits_the_screen
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login
from tests.practice_helpers import START, TODAY, pc, practice_day, working_days  # noqa: F401

ARTIFACTS = Path(os.environ.get("JOURNAL_TEST_ARTIFACTS", "var/test-artifacts"))
PHONE = {"width": 390, "height": 844}


def _shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _fits_the_phone(page):
    widths = assert_fits_the_screen(page)
    assert widths["screen"] == PHONE["width"], widths


def _phone(playwright_browser):
    context = playwright_browser.new_context(viewport=PHONE, locale="ru-RU", is_mobile=True,
                                             has_touch=True)
    context.set_default_timeout(10000)
    return context


def _entries(db, pc):
    days = list(working_days(START, TODAY - timedelta(days=1)))
    texts = ("Развернул стенд разработки и изучил регламент работы отдела",
             "Исправлял ошибки в модуле отчётов")
    entries = []
    for day, text in zip(days[-2:], texts):
        entries.append(svc.write_entry(pc.users["student1"], pc.placements["student1"].id, day,
                                       text, 6))
    db.session.commit()
    return entries


@pytest.mark.browser
def test_mentor_confirms_returns_and_attests_then_the_student_sees_the_comment(
        pc, db, live_server, browser, playwright_browser):  # noqa: F811
    confirmed, returned = _entries(db, pc)
    placement = pc.placements["student1"]
    page = browser_login(browser, live_server, "mentor1", PASSWORD)
    page.click("text=Мои практиканты")
    page.wait_for_load_state()
    assert page.url.endswith("/practice/mentor")
    card = page.inner_text(f"#mentor-placement-{placement.id}")
    assert "Смирнов Артём" in card and "ждут подтверждения: 2" in card
    assert "Кузнецова" not in page.content()        # not this mentor's student
    page.click(f"#mentor-placement-{placement.id} >> text=Дневник")
    page.wait_for_load_state()
    page.click(f"#entry-{confirmed.id} button.pr-confirm")
    page.wait_for_load_state()
    assert "Запись подтверждена." in page.inner_text("body")
    assert page.get_attribute(f"#entry-{confirmed.id}", "data-status") == "confirmed"
    page.fill(f"#comment-{returned.id}", "Опишите, какие ошибки исправлены и как проверены")
    page.click(f"#entry-{returned.id} button.pr-return-button")
    page.wait_for_load_state()
    assert page.get_attribute(f"#entry-{returned.id}", "data-status") == "returned"
    page.click("text=Заполнить аттестационный лист")
    page.wait_for_load_state()
    competencies = pc.practice.competencies
    for n, competency in enumerate(competencies):
        page.check(f"input[name='mastered-{competency.id}'][value='{0 if n == 1 else 1}']")
    page.fill(f"input[name='note-{competencies[1].id}']", "нужно больше практики с тестами")
    page.fill("#attestation-characteristic-text",
              "За время практики показал себя ответственным и аккуратным специалистом.")
    page.click("#attestation-form button[type=submit]")
    page.wait_for_load_state()
    assert "Аттестационный лист сохранён." in page.inner_text("body")
    sheet = page.inner_text(f"#placement-{placement.id} .attestation-items")
    assert "не освоена" in sheet and "нужно больше практики с тестами" in sheet

    db.session.expire_all()
    assert db.session.get(PracticeDiaryEntry, confirmed.id).status == "confirmed"
    back = db.session.get(PracticeDiaryEntry, returned.id)
    assert back.status == "returned" and back.mentor_comment.startswith("Опишите")
    saved = db.session.query(PracticeAttestation).filter_by(placement_id=placement.id).one()
    assert {i.competency_id: i.mastered for i in saved.items} == {
        c.id: n != 1 for n, c in enumerate(competencies)}
    assert db.session.query(FinalGrade).count() == 0   # the grade is the supervisor's

    # the mentor's pages on a phone
    phone = _phone(playwright_browser)
    try:
        mentor = browser_login(phone, live_server, "mentor1", PASSWORD)
        mentor.goto(f"{live_server}/practice/mentor")
        _fits_the_phone(mentor)
        _shot(mentor, "practice-mentor-phone.png")
        mentor.goto(f"{live_server}/practice/diary/{placement.id}")
        _fits_the_phone(mentor)
        _shot(mentor, "practice-mentor-diary-phone.png")
        mentor.goto(f"{live_server}/practice/placement/{placement.id}/attestation")
        _fits_the_phone(mentor)
    finally:
        phone.close()

    # the student, on a phone, sees the comment and the locked entry
    phone = _phone(playwright_browser)
    try:
        student = browser_login(phone, live_server, "student1", PASSWORD)
        student.goto(f"{live_server}/practice/my")
        student.wait_for_load_state()
        assert student.url.endswith(f"/practice/diary/{placement.id}")
        comment = student.inner_text(f"#entry-comment-{returned.id}")
        assert "Опишите, какие ошибки исправлены и как проверены" in comment
        assert student.locator(f"#entry-{confirmed.id} details").count() == 0  # locked
        assert student.locator(f"#entry-{returned.id} details").count() == 1   # to correct
        _fits_the_phone(student)
        _shot(student, "practice-student-diary-phone.png")
    finally:
        phone.close()
