"""The basis of a mentor's access (4.1, 152-FZ art. 6): a placement with a mentor from the
organisation carries the practice contract's number and date; without them the mentor sees
nothing of the student; every read of the mentor names the contract in the audit log."""
import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.models import AuditLog
from app.models.practice import PracticePlacement
from app.services import practice as svc
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.practice_helpers import TODAY, build_practice, pc, practice_day  # noqa: F401


def _strip_basis(db, placement):
    """A placement recorded before the contract was required: no number, no date."""
    placement.contract_number, placement.contract_date = None, None
    db.session.commit()


def test_a_placement_with_a_mentor_needs_the_contract(pc, db):
    student = pc.a_students[2]
    for number, when in ((None, None), ("Д-40", None), ("", date(2025, 9, 25)),
                         (None, date(2025, 9, 25))):
        with pytest.raises(svc.PracticeError, match="договора о практике"):
            svc.assign_placement(pc.teacher1, pc.practice.id, student.id, pc.org1.id,
                                 pc.mentor1.id, number, when, "45-п", date(2025, 10, 1))
        db.session.rollback()
    assert db.session.scalar(select(func.count(PracticePlacement.id)).where(
        PracticePlacement.student_id == student.id)) == 0
    # without a mentor from outside (not yet chosen) the contract may come later
    placed = svc.assign_placement(pc.teacher1, pc.practice.id, student.id, pc.org1.id, None,
                                  None, None, "45-п", date(2025, 10, 1))
    assert placed.mentor_id is None


def test_the_placement_form_refuses_a_mentor_without_the_contract(pc, db, login):
    answer = login("teacher1").post(f"/practice/{pc.practice.id}/placement", data={
        "student": pc.a_students[2].id, "organisation": pc.org1.id, "mentor": pc.mentor1.id,
        "order_number": "45-п", "order_date": "2025-10-01"}, follow_redirects=True)
    assert "договора о практике" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PracticePlacement.id)).where(
        PracticePlacement.student_id == pc.a_students[2].id)) == 0


@pytest.fixture()
def bare(app, db, college, practice_day):  # noqa: F811
    return build_practice(db, college, app, place=False)


def test_an_imported_row_with_a_mentor_needs_the_contract(bare, db):
    header = [label for _key, label in svc.IMPORT_COLUMNS]
    row = ["ИС-24-1", "ПП.01", bare.student1.record_book_number, bare.student1.full_name,
           "ООО «Новая»", "", "", "mentor1", "", "", "45-п", "01.10.2025"]
    book = Workbook()
    book.active.append(header)
    book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(svc.PracticeImportRefused) as refused:
        svc.import_placements(bare.teacher1, ("placements.xlsx", out.getvalue()))
    assert any(p.startswith("Строка 2:") and "договора о практике" in p
               for p in refused.value.problems)
    assert db.session.scalar(select(func.count(PracticePlacement.id))) == 0


def test_no_basis_no_data_for_the_mentor(pc, db, login):
    """A placement without the contract (recorded before the rule): the mentor's list, the
    student's diary and the review are closed to the mentor, with the reason."""
    placement = pc.placements["student1"]
    entry = svc.write_entry(pc.users["student1"], placement.id, TODAY - timedelta(days=1),
                            "Собрал стенд", 6)
    db.session.commit()
    _strip_basis(db, placement)
    mentor = login("mentor1")
    page = mentor.get("/practice/mentor").get_data(as_text=True)
    assert pc.student1.last_name not in page and "договора о практике" in page
    answer = mentor.get(f"/practice/diary/{placement.id}")
    assert answer.status_code == 403 and "договора о практике" in answer.get_data(as_text=True)
    assert mentor.post(f"/practice/entry/{entry.id}/review",
                       data={"action": "confirm"}).status_code == 403
    db.session.refresh(entry)
    assert entry.status == "written"
    assert not svc.may_see_student(pc.mentor1, pc.student1.id)
    # the college's own staff keep seeing it
    assert login("teacher1").get(f"/practice/diary/{placement.id}").status_code == 200
    # once the contract is entered the mentor is back
    placement.contract_number, placement.contract_date = "Д-17", date(2025, 9, 20)
    db.session.commit()
    assert mentor.get(f"/practice/diary/{placement.id}").status_code == 200


def test_the_mentor_s_read_names_the_contract_in_the_audit(pc, db, login):
    placement = pc.placements["student1"]
    mentor = login("mentor1")
    assert mentor.get(f"/practice/diary/{placement.id}").status_code == 200
    assert mentor.get("/practice/mentor").status_code == 200
    db.session.expire_all()
    reads = db.session.scalars(select(AuditLog).where(
        AuditLog.user_id == pc.mentor1.id, AuditLog.action == "view")).all()
    one = [json.loads(r.details) for r in reads if r.object_id == str(placement.id)]
    assert one and all(d["contract"] == "Д-17" and d["contract_date"] == "2025-09-20"
                       for d in one)
    listed = [json.loads(r.details) for r in reads if r.object_id in (None, "")]
    assert listed and listed[0]["contracts"] == [{"contract": "Д-17",
                                                 "contract_date": "2025-09-20"}]
    entry = next(r for r in reads if r.object_id == str(placement.id))
    shown = login("it").get(f"/audit/show/{entry.id}").get_data(as_text=True)
    assert "договор о практике" in shown and "Д-17" in shown and "20.09.2025" in shown
