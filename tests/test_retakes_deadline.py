"""A retake is held by the debt's deadline (4.7); a later one needs the deputy's order
extending the deadline — recorded on the debt, audited, shown on the debt, in the register and
on the referral, which is valid to the retake's own date."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.errors import DomainError
from app.models import AuditLog
from app.models.debts import AcademicDebt, Retake
from app.services.assessment import debt_deadlines, retakes
from tests.test_debts import closed, debt_of  # noqa: F401

DEADLINE = date(2026, 3, 17)  # the closing order of 16.01.2026 + DEBT_DEADLINE_DAYS (60)
ON_CLOSING = date(2026, 1, 20)


def _schedule(c, debt, day):
    return retakes.schedule_retake(c.deputy, [debt.id], day, "ауд. 214",
                                   examiner_id=c.teacher1.id, today=ON_CLOSING)


def _extend(client, debt, **form):
    data = {"debt": debt.id, "new_deadline": "2026-04-30", "order_number": "77-у",
            "order_date": "2026-01-20"}
    data.update(form)
    return client.post("/debts/extend", data=data)


def test_a_retake_after_the_deadline_is_refused(closed, db):  # noqa: F811
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    assert debt.deadline == DEADLINE
    with pytest.raises(DomainError) as refused:
        _schedule(c, debt, date(2026, 3, 18))
    assert refused.value.status == 422 and "17.03.2026" in refused.value.message
    assert "продлит срок приказом" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(Retake)) == 0
    assert _schedule(c, debt, DEADLINE).retake_date == DEADLINE  # the deadline itself is fine


def test_the_register_form_refuses_a_late_retake_with_the_reason(closed, db, login):  # noqa: F811
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    page = login("deputy").post("/debts/schedule", data={
        "debt": debt.id, "date": "2026-04-01", "place": "ауд. 214",
        "examiner": c.teacher1.id}).get_data(as_text=True)
    assert "позже срока ликвидации задолженности (17.03.2026)" in page
    assert db.session.scalar(select(func.count()).select_from(Retake)) == 0


def test_the_deputy_extends_the_deadline_by_an_order(closed, db, login):  # noqa: F811
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    deputy = login("deputy")
    assert 'id="extend-deadline"' in deputy.get("/debts/").get_data(as_text=True)
    r = _extend(deputy, debt)
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.expire_all()
    debt = db.session.get(AcademicDebt, debt.id)
    assert (debt.deadline, debt.original_deadline, debt.extension_order_number,
            debt.extension_order_date, debt.extended_by_id) == (
        date(2026, 4, 30), DEADLINE, "77-у", date(2026, 1, 20), c.deputy.id)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "debt_deadline_extend"))
    assert entry.object_id == str(debt.id)
    shown = "продлён приказом № 77-у от 20.01.2026 (был 17.03.2026)"
    assert shown in deputy.get("/debts/").get_data(as_text=True)
    assert shown in deputy.get(f"/debts/student/{c.student1.id}").get_data(as_text=True)
    api = deputy.get(f"/api/v1/students/{c.student1.id}/debts").get_json()
    row = next(d for d in api["result"]["debts"] if d["id"] == debt.id)
    assert row["deadline"] == "2026-04-30" and row["extension"]["order_number"] == "77-у"
    book = load_workbook(io.BytesIO(deputy.get("/debts/register.xlsx").data))
    cells = [str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row]
    assert shown in cells
    # the retake after the old deadline is scheduled now; the referral shows the new one
    retake = _schedule(c, debt, date(2026, 4, 15))
    db.session.commit()
    body = deputy.get(f"/debts/retake/{retake.id}/referral/{retake.entries[0].id}").get_data(
        as_text=True)
    assert "Срок ликвидации задолженности: 30.04.2026 (продлён приказом № 77-у от " \
           "20.01.2026)" in body
    assert "действительно до 15.04.2026" in body


@pytest.mark.parametrize("form, message", [
    ({"order_number": ""}, "номер приказа"),
    ({"order_date": ""}, "номер приказа"),
    ({"order_date": "2026-01-21"}, "Дата приказа"),
    ({"new_deadline": "2026-03-10"}, "позже нынешнего (17.03.2026"),
    ({"new_deadline": ""}, "новый срок"),
])
def test_extension_refusals_change_nothing(closed, db, login, form, message):  # noqa: F811
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    page = _extend(login("deputy"), debt, **form).get_data(as_text=True)
    assert message in page
    db.session.expire_all()
    debt = db.session.get(AcademicDebt, debt.id)
    assert (debt.deadline, debt.original_deadline, debt.extension_order_number) == (
        DEADLINE, None, None)


def test_only_the_deputy_extends(closed, db, login):  # noqa: F811
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    for username in ("director", "teacher1"):
        client = login(username)
        assert 'id="extend-deadline"' not in client.get("/debts/").get_data(as_text=True)
        assert _extend(client, debt).status_code in (302, 403)
    with pytest.raises(DomainError) as refused:
        debt_deadlines.extend_deadline(c.users["director"], [debt.id], date(2026, 4, 30),
                                       "77-у", date(2026, 1, 20), today=ON_CLOSING)
    assert refused.value.status == 403
    db.session.expire_all()
    assert db.session.get(AcademicDebt, debt.id).deadline == DEADLINE
    assert db.session.scalar(select(func.count()).where(
        AuditLog.action == "debt_deadline_extend")) == 0


def test_the_referral_is_valid_to_the_retakes_date(closed, db, login):  # noqa: F811
    """The issue's case: printed before a retake, the referral is valid to the retake's date,
    not to the debt's deadline."""
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    retake = _schedule(c, debt, date(2026, 2, 2))
    db.session.commit()
    body = login("deputy").get(
        f"/debts/retake/{retake.id}/referral/{retake.entries[0].id}").get_data(as_text=True)
    assert "Направление действительно до 02.02.2026." in body
    assert "Срок ликвидации задолженности: 17.03.2026</p>" in body
