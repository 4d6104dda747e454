"""Exam-sheet grades (4.7) are the results of the exam: none before the sheet's date, and
nothing of a refused save reaches the journal."""
from sqlalchemy import func, select

from app.models import AuditLog
from tests.journal_helpers import today  # noqa: F401
from tests.test_sheets import _finals, _grades, _make, taught  # noqa: F401


def test_grades_before_the_sheets_date_are_refused_and_not_written(taught, login, db, app):
    c = taught
    sheet = _make(db, c)  # the exam on 25.12.2025
    teacher = login("teacher1")
    app.config["JOURNAL_TODAY"] = "2025-12-24"  # inside the window of final grades
    page = teacher.get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert 'id="sheet-grades-not-yet"' in page and "25.12.2025" in page
    r = _grades(teacher, sheet, **{str(c.student1.id): "5"})
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "назначена на 25.12.2025" in text
    assert _finals(db) == {}
    assert db.session.scalar(select(func.count()).where(
        AuditLog.action == "final_grade_change")) == 0
    # the deputy is held to the exam's date as well
    r = _grades(login("deputy"), sheet, reason="проверка", **{str(c.student1.id): "5"})
    assert "назначена на 25.12.2025" in r.get_data(as_text=True) and _finals(db) == {}


def test_grades_on_the_sheets_date_are_accepted(taught, login, db, app):
    c = taught
    sheet = _make(db, c)
    teacher = login("teacher1")
    app.config["JOURNAL_TODAY"] = "2025-12-25"
    page = teacher.get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert 'id="sheet-grades-not-yet"' not in page
    _grades(teacher, sheet, **{str(c.student1.id): "5"})
    assert _finals(db)[c.student1.id] == "5"
