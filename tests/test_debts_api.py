"""`GET /api/v1/students/<id>/debts` (4.7, 5.2): the student's debts with their retakes for the
student, their parents while allowed, their curator, their teachers (their disciplines only) and
the administration; everybody else is refused and the refusal is audited."""
from datetime import date

from sqlalchemy import func, select

from app.models import AuditLog
from app.services.assessment import retakes
from tests.test_debts import closed, debt_of  # noqa: F401


def _get(client, student):
    return client.get(f"/api/v1/students/{student.id}/debts")


def _disciplines(response) -> list[str]:
    return sorted(d["discipline"]["code"] for d in response.get_json()["result"]["debts"])


def test_the_student_reads_their_debts_with_the_retakes(closed, db, login):  # noqa: F811
    c = closed
    debt = debt_of(db, c.student1, c.journal_a_op)
    retake = retakes.schedule_retake(c.deputy, [debt.id], date(2026, 2, 2), "ауд. 214",
                                   examiner_id=c.teacher1.id, today=date(2026, 1, 20),
                                   starts_at="10:10")
    retakes.enter_results(c.teacher1, retake.id, {retake.entries[0].id: "2"},
                        today=date(2026, 2, 2))
    db.session.commit()
    response = _get(login("student1"), c.student1)
    assert response.status_code == 200
    data = response.get_json()["result"]
    assert data["student"]["id"] == c.student1.id and data["open"] == 2
    exam = next(d for d in data["debts"] if d["kind"] == "exam")
    assert (exam["origin"], exam["grade_value"], exam["status"], exam["failed_retakes"]) == \
        ("unsatisfactory", "2", "open", 1)
    assert exam["retakes"] == [{
        "id": retake.id, "entry_id": retake.entries[0].id, "attempt": 1,
        "date": "2026-02-02", "time": "10:10", "place": "ауд. 214",
        "sheet_number": f"П-{retake.id}",
        "examiners": [{"user_id": c.teacher1.id, "name": "Петрова Анна",
                       "role": "examiner"}], "result": "2", "passed": False}]
    assert exam["deadline"] == debt.deadline.isoformat() and exam["overdue"] is False


def test_who_may_read_a_students_debts(closed, login):  # noqa: F811
    c = closed
    assert _disciplines(_get(login("parent1"), c.student1)) == ["ОП.01", "УП.01"]
    assert _disciplines(_get(login("curator1"), c.student1)) == ["ОП.01", "УП.01"]
    assert _disciplines(_get(login("deputy"), c.student1)) == ["ОП.01", "УП.01"]
    assert _disciplines(_get(login("director"), c.student1)) == ["ОП.01", "УП.01"]
    teacher = _get(login("teacher1"), c.student1).get_json()["result"]
    assert teacher["limited_to_own_disciplines"] is True
    assert [d["discipline"]["code"] for d in teacher["debts"]] == ["ОП.01"]


def test_refusals(closed, login, db):  # noqa: F811
    c = closed
    other = _get(login("student1"), c.student2)
    assert other.status_code == 403 and "result" not in other.get_json()
    adult = _get(login("parent2"), c.student2)  # student2 is an adult: access ended (5.2)
    assert adult.status_code == 403 and "18" in adult.get_json()["message"]
    assert _get(login("parent3"), c.student1).status_code == 403
    # a teacher of the student's group reads only their own disciplines' debts (one row rule
    # with the record and the people screens): teacher2 teaches МДК.01.01, the debt is ОП.01
    own = _get(login("teacher2"), c.student1)
    assert own.status_code == 200 and own.get_json()["result"]["debts"] == []
    assert _get(login("curator2"), c.student1).status_code == 403
    assert _get(login("it"), c.student1).status_code == 403
    assert login("deputy").get("/api/v1/students/987654/debts").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "access_denied")) >= 4


def test_a_token_client_that_never_saw_a_page(closed, db, app):  # noqa: F811
    """A plain client with a Bearer token only: the student reads their debts, another
    student is refused, no token and a malformed token get 401 in Russian."""
    from tests.factories import PASSWORD
    c = closed

    def token(username):
        answer = app.test_client().post("/api/v1/security/login", json={
            "username": username, "password": PASSWORD, "provider": "db"})
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["access_token"]

    url = f"/api/v1/students/{c.student1.id}/debts"
    own = app.test_client().get(url, headers={"Authorization": f"Bearer {token('student1')}"})
    assert own.status_code == 200 and own.get_json()["result"]["student"]["id"] == c.student1.id
    other = app.test_client().get(url, headers={"Authorization": f"Bearer {token('student2')}"})
    assert other.status_code == 403
    for headers in ({}, {"Authorization": "Bearer nonsense"}):
        refused = app.test_client().get(url, headers=headers)
        assert refused.status_code == 401
        assert any("а" <= ch <= "я" for ch in refused.get_json()["message"].lower())
