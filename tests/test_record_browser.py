"""Browser: a student logs in, sees their marks and cannot open another student's record."""
import pytest

from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login
from tests.portal_helpers import fixed_today, seed_record  # noqa: F401


@pytest.mark.browser
def test_student_sees_marks_not_others(college, db, fixed_today,  # noqa: F811
                                       live_server, browser):  # noqa: F811
    c = seed_record(db, college)
    page = browser_login(browser, live_server, "student1", PASSWORD)
    page.click("text=Успеваемость")
    page.wait_for_load_state()
    assert f"/portal/student/{c.student1.id}" in page.url
    table = page.inner_text("#record-current")
    assert "ОП.01" in table and "5 4" in table and "болезнь" in table
    assert "Прочитать главу 3" in page.inner_text("#record-homework")
    answer = page.goto(f"{live_server}/portal/student/{c.student3.id}")
    assert answer.status == 403
    assert "Нет доступа" in page.inner_text("body")
    assert "Михайлов" not in page.content()
    answer = page.goto(f"{live_server}/api/v1/students/{c.student3.id}/record")
    assert answer.status == 403
