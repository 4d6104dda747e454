"""Final grades (4.7): assessment form, deadline lock, the Deputy's override with a reason."""
from sqlalchemy import func, select

from tests.journal_helpers import grading_day  # noqa: F401


def _put(client, college, journal=None, **body):
    journal = journal or college.journal_a_op
    data = {"student_id": college.student1.id, "period_id": college.autumn.id,
            "kind": "semester", "value": "5"}
    data.update(body)
    return client.put(f"/api/v1/journals/{journal.id}/final-grades", json=data)


def test_teacher_sets_before_deadline(college, login, db, grading_day):
    from app.models import AuditLog, FinalGradeChange
    c = login("teacher1")
    r = _put(c, college)
    assert r.status_code == 200 and r.get_json()["result"]["version"] == 1
    assert _put(c, college, value="4", version=1).status_code == 200
    assert _put(c, college, value="3", version=1).status_code == 409
    assert _put(c, college, kind="credit").status_code == 422   # exam discipline
    assert _put(c, college, kind="exam", value="зач").status_code == 422
    assert _put(c, college, kind="exam", value="4").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(FinalGradeChange)) == 3
    assert db.session.scalar(select(func.count()).where(
        AuditLog.action == "final_grade_change")) == 3
    grid = c.get(f"/api/v1/journals/{college.journal_a_op.id}/grid").get_json()
    assert grid["final_kinds"] == ["semester", "exam"]
    assert {f["value"] for f in grid["final_grades"]} == {"4"}


def test_credit_journal_final_is_credit(college, login, db, grading_day):
    from app.models import FinalGrade
    c = login("curator1")
    assert _put(c, college, journal=college.journal_a_up, kind="credit",
                value="зач").status_code == 200
    assert _put(c, college, journal=college.journal_a_up, value="5").status_code == 422
    assert _put(c, college, journal=college.journal_a_up, kind="credit",
                value="5").status_code == 422
    assert db.session.execute(select(FinalGrade.journal_id, FinalGrade.student_id,
                                     FinalGrade.kind, FinalGrade.value)).all() == [
        (college.journal_a_up.id, college.student1.id, "credit", "зач")]


def test_deadline_locks_teacher_deputy_overrides_with_reason(college, login, db, app, grading_day):
    from app.models import FinalGradeChange
    c = login("teacher1")
    assert _put(c, college).status_code == 200
    app.config["JOURNAL_TODAY"] = "2026-01-16"  # the day after the autumn deadline
    r = _put(c, college, value="4")
    assert r.status_code == 403 and "Срок" in r.get_json()["message"]
    d = login("deputy")
    r = _put(d, college, value="4")
    assert r.status_code == 422 and "основание" in r.get_json()["message"]
    r = _put(d, college, value="4", reason="Приказ 15-у от 16.01.2026, пересдача")
    assert r.status_code == 200 and r.get_json()["result"]["value"] == "4"
    last = db.session.scalars(select(FinalGradeChange).order_by(FinalGradeChange.id.desc())
                              ).first()
    assert (last.old_value, last.new_value, last.after_deadline) == ("5", "4", True)
    assert last.reason.startswith("Приказ 15-у")


def test_other_teacher_and_curator_cannot_set(college, login, db, grading_day):
    from app.models import FinalGrade
    assert _put(login("teacher2"), college).status_code == 403
    assert _put(login("curator1"), college).status_code == 403
    assert _put(login("student1"), college).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(FinalGrade)) == 0


def test_deputy_teaching_the_journal_needs_a_reason_after_the_deadline(college, login, db,
                                                                        app, grading_day):
    """4.7: the reason is required for any change after the deadline, also when the Deputy is
    the journal's own teacher (the page asks for it; the API must refuse without it)."""
    from app.models import FinalGradeChange, Journal
    journal = db.session.get(Journal, college.journal_a_op.id)
    journal.teacher_id = college.users["deputy"].id
    db.session.commit()
    d = login("deputy")
    assert _put(d, college).status_code == 200  # before the deadline: no reason needed
    app.config["JOURNAL_TODAY"] = "2026-01-16"
    r = _put(d, college, value="4")
    assert r.status_code == 422 and "основание" in r.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(FinalGradeChange)) == 1
    assert _put(d, college, value="4", reason="Приказ 16-у, пересдача").status_code == 200
    last = db.session.scalars(select(FinalGradeChange).order_by(FinalGradeChange.id.desc())
                              ).first()
    assert (last.new_value, last.reason, last.after_deadline) == ("4", "Приказ 16-у, пересдача",
                                                                  True)
