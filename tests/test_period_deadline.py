"""4.7: one check of a period's final-grade deadline (services/control/checks.py:check_deadline)
— the deputy's deadline form (set_deadline) and the period screen refuse the same inputs with
the same message, and nothing is written."""
from datetime import date
from html import unescape

import pytest

from app.errors import Refused
from app.models import Period
from app.services.control import checks

INSIDE = "позже последнего учебного дня"
WHOLE = "Укажите срок, номер и дату приказа."
HALF_ORDER = "Укажите и номер, и дату приказа о сроке."

REFUSED = [  # (deadline, order number, order date) of the autumn (last lesson day 31.12.2025)
    ("2025-12-20", "40-у", "2025-10-01", INSIDE),
    ("2025-12-31", "40-у", "2025-10-01", INSIDE),
    ("2026-01-20", "", "2025-10-01", WHOLE),
    ("2026-01-20", "40-у", "", WHOLE),
    ("", "40-у", "2025-10-01", WHOLE),
    ("", "40-у", "", HALF_ORDER),
    ("", "", "2025-10-01", HALF_ORDER),
]


def _day(text):
    return date.fromisoformat(text) if text else None


def _form(college, deadline, number, order_date):
    autumn = college.autumn
    return {"academic_year": college.year.id, "number": "1", "name": autumn.name,
            "start_date": "2025-09-01", "end_date": "2025-12-31",
            "final_grade_deadline": deadline, "deadline_order_number": number,
            "deadline_order_date": order_date}


def _stored(db, college):
    db.session.expire_all()
    period = db.session.get(Period, college.autumn.id)
    return period.final_grade_deadline, period.deadline_order_number


@pytest.mark.parametrize("deadline, number, order_date, message", REFUSED)
def test_the_service_and_the_period_form_refuse_the_same(college, db, login, deadline, number,
                                                         order_date, message):
    before = _stored(db, college)
    with pytest.raises(Refused) as refusal:
        checks.check_deadline(college.autumn, _day(deadline), number, _day(order_date))
    assert message in refusal.value.message
    if deadline:  # the deputy's form always sends a deadline; without one it says WHOLE too
        with pytest.raises(Refused) as refusal:
            checks.set_deadline(college.autumn.id, _day(deadline), number, _day(order_date))
        assert message in refusal.value.message
    db.session.rollback()
    page = login("director").post(f"/periodview/edit/{college.autumn.id}",
                                  data=_form(college, deadline, number, order_date),
                                  follow_redirects=True)
    assert message in unescape(page.get_data(as_text=True))
    assert _stored(db, college) == before


def test_a_deadline_after_the_last_lesson_day_by_order_is_accepted_by_both(college, db, login):
    login("director").post(f"/periodview/edit/{college.autumn.id}",
                           data=_form(college, "2026-01-10", "41-у", "2025-12-01"))
    assert _stored(db, college) == (date(2026, 1, 10), "41-у")
    checks.set_deadline(college.autumn.id, date(2026, 1, 12), " 42-у ", date(2025, 12, 2))
    db.session.commit()
    assert _stored(db, college) == (date(2026, 1, 12), "42-у")


def test_the_period_screen_may_leave_the_deadline_unset(college, db, login):
    """A period is entered before its order; the deputy's form always needs all three."""
    assert checks.check_deadline(college.autumn, None, "", None, unset_allowed=True) == ""
    with pytest.raises(Refused):
        checks.set_deadline(college.autumn.id, None, "", None)
    login("director").post(f"/periodview/edit/{college.autumn.id}",
                           data=_form(college, "", "", ""))
    assert _stored(db, college)[0] is None
