"""The second half of the walk of tests/test_accessibility_walk.py: every menu page of the
director, the deputy director, a student, the parents of a minor and of an adult, and a mentor,
after a day's use, passes axe-core at 1280 px and fits a 390-px phone."""
import pytest

from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.test_accessibility_walk import OTHERS, used_college, walk  # noqa: F401

pytestmark = pytest.mark.layout_only  # the same on either database


def test_every_menu_page_of_the_others_passes_axe_and_fits_a_phone(
        used_college, live_server, playwright_browser):  # noqa: F811
    seen, problems = walk(OTHERS, live_server, playwright_browser)
    assert seen >= 25, seen
    assert not problems, f"{len(problems)} problems on {seen} pages:\n" + "\n".join(problems)
