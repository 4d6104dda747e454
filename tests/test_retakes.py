"""Retakes (4.7): scheduled by the deputy or the administration — one examiner for the first,
a commission of three for the second; the result entered by the examiner (the chairman) or the
deputy; a pass becomes the journal's final grade with its history while the closed period stays
closed for every ordinary change; the third failure is grounds for expulsion, only shown."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.models import AuditLog, FinalGrade, FinalGradeChange
from app.models.debts import AcademicDebt, Retake, RetakeEntry
from app.services.assessment import retakes
from app.services.journal.final_grades import set_final_grade
from tests.test_debts import closed, debt_of  # noqa: F401

RETAKE_DAY = date(2026, 2, 2)


def _schedule(c, debt_ids, **people):
    retake = retakes.schedule_retake(c.deputy, debt_ids, RETAKE_DAY, "ауд. 214", today=date(
        2026, 1, 20), **people)
    return retake


def _exam_debt(db, c, student=None):
    return debt_of(db, student or c.student1, c.journal_a_op)


def test_a_teacher_cannot_schedule_a_retake(closed, db, login):  # noqa: F811
    c = closed
    debt = _exam_debt(db, c)
    response = login("teacher1").post("/debts/schedule", data={
        "debt": debt.id, "date": "2026-02-02", "place": "ауд. 214",
        "examiner": c.teacher1.id})
    assert response.status_code in (302, 403)
    assert "/debts/retake" not in response.headers.get("Location", "")
    with pytest.raises(DomainError) as refused:
        retakes.schedule_retake(c.teacher1, [debt.id], RETAKE_DAY, "ауд. 214",
                              examiner_id=c.teacher1.id, today=date(2026, 1, 20))
    assert refused.value.status == 403
    assert db.session.scalar(select(func.count()).select_from(Retake)) == 0


def test_the_deputy_schedules_from_the_register(closed, db, login):  # noqa: F811
    c = closed
    ids = [_exam_debt(db, c).id, _exam_debt(db, c, c.student2).id]
    response = login("deputy").post("/debts/schedule", data={
        "debt": ids, "date": "2026-02-02", "place": "ауд. 214", "examiner": c.teacher1.id})
    assert response.status_code == 302 and "/debts/retake/" in response.headers["Location"]
    retake = db.session.scalar(select(Retake))
    assert (retake.attempt, retake.retake_date, retake.place) == (1, RETAKE_DAY, "ауд. 214")
    assert sorted(e.debt_id for e in retake.entries) == sorted(ids)
    assert [(e.user_id, e.role) for e in retake.examiners] == [(c.teacher1.id, "examiner")]
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "retake_schedule")) == 1


def test_scheduling_refusals_change_nothing(closed, db, login):  # noqa: F811
    c = closed
    op_debt, up_debt = _exam_debt(db, c), debt_of(db, c.student1, c.journal_a_up)
    cases = [
        ([op_debt.id, up_debt.id], {"examiner_id": c.teacher1.id}, "одной дисциплины"),
        ([op_debt.id], {}, "экзаменатора"),
        ([op_debt.id], {"examiner_id": c.student1.user_id}, "экзаменатора"),
        ([op_debt.id], {"examiner_id": c.teacher1.id, "member_ids": [c.teacher2.id]},
         "комиссия"),
        ([], {"examiner_id": c.teacher1.id}, "Выберите задолженности"),
    ]
    for ids, people, message in cases:
        with pytest.raises(DomainError) as refused:
            _schedule(c, ids, **people)
        assert message in refused.value.message
        db.session.rollback()
    page = login("deputy").post("/debts/schedule", data={
        "debt": op_debt.id, "date": "2026-01-02", "place": "ауд. 214",
        "examiner": c.teacher1.id})
    assert page.status_code == 400 and "в прошлом" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Retake)) == 0
    _schedule(c, [op_debt.id], examiner_id=c.teacher1.id)
    db.session.commit()
    with pytest.raises(DomainError) as twice:
        _schedule(c, [op_debt.id], examiner_id=c.teacher1.id)
    assert twice.value.status == 409


def test_a_passed_retake_becomes_the_final_grade_with_its_history(closed, db, login,  # noqa: F811
                                                                  app, monkeypatch):
    c = closed
    debt = _exam_debt(db, c)
    retake = _schedule(c, [debt.id], examiner_id=c.teacher1.id)
    db.session.commit()
    entry = retake.entries[0]
    teacher = login("teacher1")
    early = teacher.post(f"/debts/retake/{retake.id}/result", data={f"result-{entry.id}": "4"})
    assert early.status_code == 422  # before the retake's day
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", RETAKE_DAY.isoformat())
    response = teacher.post(f"/debts/retake/{retake.id}/result",
                            data={f"result-{entry.id}": "4"})
    assert response.status_code == 302
    db.session.expire_all()
    debt = db.session.get(AcademicDebt, debt.id)
    assert (debt.status, debt.closed_by_retake_id) == ("closed", retake.id)
    final = db.session.scalar(select(FinalGrade).where(
        FinalGrade.journal_id == c.journal_a_op.id, FinalGrade.student_id == c.student1.id,
        FinalGrade.period_id == c.autumn.id, FinalGrade.kind == "exam"))
    assert final.value == "4" and final.set_by_id == c.teacher1.id
    change = db.session.scalars(select(FinalGradeChange).where(
        FinalGradeChange.final_grade_id == final.id)).all()[-1]
    assert (change.old_value, change.new_value) == ("2", "4")
    assert change.reason == f"пересдача №1 от 02.02.2026, ведомость П-{retake.id}"
    grid = login("deputy").get(f"/api/v1/journals/{c.journal_a_op.id}/grid").get_json()
    assert "4" in str(grid)
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"retake_result", "final_grade_change"} <= actions
    # the missing grade of Васильева: a pass creates the final grade itself
    missing = _exam_debt(db, c, c.a_students[3])
    second = retakes.schedule_retake(c.deputy, [missing.id], RETAKE_DAY, "ауд. 214",
                                   examiner_id=c.teacher1.id, today=RETAKE_DAY)
    retakes.enter_results(c.deputy, second.id, {second.entries[0].id: "3"}, today=RETAKE_DAY)
    db.session.commit()
    assert db.session.scalar(select(FinalGrade.value).where(
        FinalGrade.student_id == c.a_students[3].id, FinalGrade.kind == "exam")) == "3"


def test_the_closed_period_stays_closed_for_ordinary_changes(closed, db, login, app,  # noqa: F811
                                                            monkeypatch):
    c = closed
    debt = _exam_debt(db, c)
    retake = _schedule(c, [debt.id], examiner_id=c.teacher1.id)
    retakes.enter_results(c.deputy, retake.id, {retake.entries[0].id: "5"}, today=RETAKE_DAY)
    db.session.commit()
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", RETAKE_DAY.isoformat())
    response = login("teacher1").put(f"/api/v1/journals/{c.journal_a_op.id}/final-grades",
                                     json={"student_id": c.student2.id,
                                           "period_id": c.autumn.id, "kind": "exam",
                                           "value": "5"})
    assert response.status_code == 403 and "закрыт" in response.get_json()["message"]
    with pytest.raises(DomainError) as refused:
        set_final_grade(c.teacher1, c.journal_a_op, {
            "student_id": c.student1.id, "period_id": c.autumn.id, "kind": "exam",
            "value": "3"}, RETAKE_DAY)
    assert refused.value.status == 403
    db.session.rollback()
    assert db.session.scalar(select(FinalGrade.value).where(
        FinalGrade.student_id == c.student2.id, FinalGrade.kind == "exam")) == "н/а"


def test_only_the_examiner_or_the_deputy_enters_the_result(closed, db, login):  # noqa: F811
    c = closed
    debt = _exam_debt(db, c)
    retake = _schedule(c, [debt.id], examiner_id=c.teacher1.id)
    db.session.commit()
    entry_id = retake.entries[0].id
    for user in (c.teacher2, c.curator1, c.director):
        with pytest.raises(DomainError) as refused:
            retakes.enter_results(user, retake.id, {entry_id: "4"}, today=RETAKE_DAY)
        assert refused.value.status == 403
        db.session.rollback()
    response = login("curator1").post(f"/debts/retake/{retake.id}/result",
                                      data={f"result-{entry_id}": "4"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(RetakeEntry, entry_id).result is None
    assert db.session.get(AcademicDebt, debt.id).status == "open"


def test_the_third_failure_is_grounds_for_expulsion_and_nothing_more(closed, db,  # noqa: F811
                                                                    login):
    c = closed
    debt = _exam_debt(db, c)
    first = _schedule(c, [debt.id], examiner_id=c.teacher1.id)
    retakes.enter_results(c.teacher1, first.id, {first.entries[0].id: "2"}, today=RETAKE_DAY)
    db.session.commit()
    assert (debt.status, debt.failed_retakes) == ("open", 1)
    with pytest.raises(DomainError) as lone:
        retakes.schedule_retake(c.deputy, [debt.id], date(2026, 2, 10), "ауд. 214",
                              chairman_id=c.teacher1.id, member_ids=[c.teacher2.id],
                              today=RETAKE_DAY)
    assert "комиссией из трёх" in lone.value.message
    db.session.rollback()
    with pytest.raises(DomainError):
        retakes.schedule_retake(c.deputy, [debt.id], date(2026, 2, 10), "ауд. 214",
                              examiner_id=c.teacher1.id, today=RETAKE_DAY)
    db.session.rollback()
    second = retakes.schedule_retake(c.deputy, [debt.id], date(2026, 2, 10), "ауд. 214",
                                   chairman_id=c.curator1.id,
                                   member_ids=[c.teacher1.id, c.teacher2.id], today=RETAKE_DAY)
    db.session.commit()
    assert second.attempt == 2
    # a commission member who does not teach the discipline sees the retake, enters nothing
    member = login("teacher2")
    assert member.get(f"/debts/retake/{second.id}").status_code == 200
    assert member.post(f"/debts/retake/{second.id}/result",
                       data={f"result-{second.entries[0].id}": "5"}).status_code == 403
    with pytest.raises(DomainError):  # a member is not the chairman
        retakes.enter_results(c.teacher1, second.id, {second.entries[0].id: "2"},
                            today=date(2026, 2, 10))
    db.session.rollback()
    retakes.enter_results(c.curator1, second.id, {second.entries[0].id: "2"},
                        today=date(2026, 2, 10))
    db.session.commit()
    debt = db.session.get(AcademicDebt, debt.id)
    assert (debt.status, debt.failed_retakes) == ("open", 2)
    assert db.session.get(type(c.student1), c.student1.id).status == "studying"
    page = login("deputy").get("/debts/?status=expulsion").get_data(as_text=True)
    assert "основание для отчисления</b>" in page and "Смирнов" in page
    with pytest.raises(DomainError) as third:
        retakes.schedule_retake(c.deputy, [debt.id], date(2026, 2, 20), "ауд. 214",
                              examiner_id=c.teacher1.id, today=date(2026, 2, 11))
    assert "основание для отчисления" in third.value.message


def test_printed_sheet_and_referral(closed, db, login, app):  # noqa: F811
    c = closed
    ids = [_exam_debt(db, c).id, _exam_debt(db, c, c.student2).id]
    retake = _schedule(c, ids, examiner_id=c.teacher1.id)
    db.session.commit()
    sheet = login("deputy").get(f"/debts/retake/{retake.id}/sheet").get_data(as_text=True)
    assert f"Ведомость пересдачи № П-{retake.id}" in sheet
    for text in ("ОП.01 Операционные системы", "ИС-24-1", "02.02.2026", "ауд. 214",
                 "Смирнов Артём Игоревич", "Кузнецова Дарья Олеговна", "Петрова Анна",
                 "Заместитель директора по УР", "class=\"sign\"",
                 app.config["COLLEGE_NAME"]):
        assert text in sheet
    entry = retake.entries[0]
    referral = login("teacher1").get(f"/debts/retake/{retake.id}/referral/{entry.id}")
    assert referral.status_code == 200
    body = referral.get_data(as_text=True)
    assert "Направление на пересдачу" in body and entry.debt.student.full_name in body
    assert login("teacher2").get(f"/debts/retake/{retake.id}/sheet").status_code == 403
    assert login("student1").get(f"/debts/retake/{retake.id}/sheet").status_code in (302, 403)
    assert login("deputy").get(f"/debts/retake/{retake.id}/referral/987654").status_code == 404
