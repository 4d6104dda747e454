"""A practice held in the college's own workshop (2.2, 4.7): no mentor from an outside
organisation; the practice's supervisor, a teacher of the college, confirms the diary and
fills the attestation sheet; for a placement with an outside mentor nothing changes."""
from datetime import date

import pytest

from app.models.practice import PracticeDiaryEntry, PracticeOrganisation
from app.services import practice as svc
from tests.practice_helpers import END, START, build_practice, practice_day, set_today  # noqa: F401


@pytest.fixture()
def workshop(app, db, college, practice_day):  # noqa: F811
    """The production practice of group A: student1 with mentor1 outside, student3's group
    mate Попов (a_students[2]) in the college's workshop."""
    c = build_practice(db, college, app)
    c.popov = c.a_students[2]
    c.placements["popov"] = svc.assign_placement(
        c.teacher1, c.practice.id, c.popov.id, None, None, None, None, "45-п",
        date(2025, 10, 1), in_college=True)
    db.session.commit()
    return c


def _items(c):
    return {comp.id: (True, "") for comp in c.practice.competencies}


def test_a_workshop_placement_has_no_outside_mentor(workshop, db, app):
    c = workshop
    placement = c.placements["popov"]
    assert placement.in_college and placement.mentor_id is None
    assert placement.organisation.name == (app.config.get("COLLEGE_NAME") or "Колледж")
    with pytest.raises(svc.PracticeError, match="без наставника"):
        svc.assign_placement(c.teacher1, c.practice.id, c.popov.id, None, c.mentor1.id, None,
                             None, "45-п", date(2025, 10, 1), in_college=True)
    db.session.rollback()
    assert db.session.query(PracticeOrganisation).filter_by(
        name=placement.organisation.name).count() == 1


def test_the_supervisor_fills_the_workshop_attestation_sheet(workshop, db, app):
    c = workshop
    pid = c.placements["popov"].id
    for user in (c.mentor1, c.teacher2, c.curator1):
        with pytest.raises(svc.PracticeDenied):
            svc.save_attestation(user, pid, _items(c), "Характеристика")
    sheet = svc.save_attestation(c.teacher1, pid, _items(c), "Аккуратен, самостоятелен.")
    db.session.commit()
    assert sheet.filled_by_id == c.teacher1.id
    set_today(app, END)  # 4.7: the practice's grade from its last day
    grade = svc.set_practice_grade(c.teacher1, pid, "5")
    db.session.commit()
    assert (grade.student_id, grade.value) == (c.popov.id, "5")
    # an outside placement stays the mentor's: the supervisor does not fill it
    with pytest.raises(svc.PracticeDenied):
        svc.save_attestation(c.teacher1, c.placements["student1"].id, _items(c), "Х")


def test_the_supervisor_confirms_the_workshop_diary(workshop, db, app):
    c = workshop
    entry = PracticeDiaryEntry(placement_id=c.placements["popov"].id, entry_date=START,
                               text="Сборка стенда", hours=6, status="written")
    db.session.add(entry)
    db.session.commit()
    with pytest.raises(svc.PracticeDenied):
        svc.review_entry(c.mentor1, entry.id, "confirm")
    svc.review_entry(c.teacher1, entry.id, "confirm")
    db.session.commit()
    assert db.session.get(PracticeDiaryEntry, entry.id).status == "confirmed"


def test_the_pages_offer_the_workshop_and_its_sheet_to_the_supervisor(workshop, db, login):
    c = workshop
    client = login("teacher1")
    page = client.get(f"/practice/{c.practice.id}").get_data(as_text=True)
    assert 'name="in_college"' in page
    pid = c.placements["popov"].id
    r = client.get(f"/practice/placement/{pid}/attestation")
    assert r.status_code == 200
    form = {f"mastered-{comp.id}": "1" for comp in c.practice.competencies}
    form["characteristic"] = "Освоил работу с оборудованием мастерской."
    r = client.post(f"/practice/placement/{pid}/attestation", data=form)
    assert r.status_code == 302
    db.session.expire_all()
    assert c.placements["popov"].attestation is not None
    diary = client.get(f"/practice/diary/{pid}").get_data(as_text=True)
    assert "мастерских колледжа" in diary
    # teacher2 teaches, but supervises nothing here
    assert login("teacher2").get(f"/practice/placement/{pid}/attestation").status_code in (
        403, 404)
