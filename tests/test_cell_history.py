"""1.6: every change of a cell is kept — a mark's value, its kind of work (and with it its weight
in the average), the «Н» and the absence's reason — each a history row and an audit entry,
whichever door it came by (the API's batch, the curator's reason); a save that changes nothing
adds neither, and the weighted average moves only when a value or a weight does."""
import json

from sqlalchemy import func, select

from app.models import AuditLog, CellChange, JournalCell
from tests.journal_helpers import TODAY, add_lesson, today  # noqa: F401


def _mark(value, kind="current"):
    return {"value": value, "kind": kind}


class Cell:
    """One cell written through `PUT /api/v1/journals/<id>/marks` as the journal's teacher."""

    def __init__(self, college, login, db):
        self.db, self.college = db, college
        self.lesson = add_lesson(db, college.journal_a_op, TODAY)
        self.student = college.a_students[0]
        self.client = login("teacher1")
        self.url = f"/api/v1/journals/{college.journal_a_op.id}/marks"
        self.version = 0

    def put(self, marks=(), absent=False, status=200):
        r = self.client.put(self.url, json={"changes": [{
            "lesson_id": self.lesson.id, "student_id": self.student.id,
            "version": self.version, "absent": absent, "marks": list(marks)}]})
        assert r.status_code == status, r.get_json()
        self.version = r.get_json()["cells"][0]["version"]

    def history(self) -> list[tuple[str, str]]:
        rows = self.client.get(
            f"/api/v1/journals/{self.college.journal_a_op.id}/cells/{self.lesson.id}/"
            f"{self.student.id}/history").get_json()["result"]
        return [(h["old"], h["new"]) for h in rows]

    def audit(self) -> list[tuple[str, str]]:
        self.db.session.expire_all()
        rows = self.db.session.scalars(select(AuditLog).where(
            AuditLog.action == "cell_change",
            AuditLog.object_id == f"{self.lesson.id}:{self.student.id}")
            .order_by(AuditLog.id)).all()
        return [(json.loads(r.details)["old"], json.loads(r.details)["new"]) for r in rows]

    def average(self) -> float | None:
        grid = self.client.get(f"/api/v1/journals/{self.college.journal_a_op.id}/grid")
        return next(s["average"] for s in grid.get_json()["students"]
                    if s["id"] == self.student.id)


def test_value_change_is_kept(college, login, db, today):
    cell = Cell(college, login, db)
    cell.put([_mark("5")])
    cell.put([_mark("3")])
    assert cell.history() == [("", "5"), ("5", "3")]
    assert cell.audit() == [("", "5"), ("5", "3")]
    assert cell.average() == 3.0


def test_kind_change_is_kept_and_moves_the_average(college, login, db, today):
    """The finding: the same value with another kind (current → control) moved the average
    and left no trace."""
    cell = Cell(college, login, db)
    cell.put([_mark("3"), _mark("5")])
    assert cell.average() == 4.0
    cell.put([_mark("3", "control"), _mark("5")])
    assert cell.average() == 3.67  # a control work weighs twice: (3·2 + 5) / 3
    assert cell.history() == [("", "3 5"), ("3 5", "3 (контрольная) 5")]
    assert cell.audit() == cell.history()


def test_weight_kept_when_the_kind_keeps_it(college, login, db, today):
    """A change between two kinds of the same weight is still a change of the cell, kept; the
    average does not move. A change to a heavier kind moves it, and back again."""
    cell = Cell(college, login, db)
    cell.put([_mark("2"), _mark("4")])
    cell.put([_mark("2", "oral"), _mark("4")])
    assert cell.average() == 3.0
    cell.put([_mark("2", "oral"), _mark("4", "test")])
    assert cell.average() == 3.33  # (2 + 4·2) / 3
    cell.put([_mark("2", "oral"), _mark("4", "oral")])
    assert cell.average() == 3.0
    assert cell.history() == [
        ("", "2 4"), ("2 4", "2 (устный ответ) 4"),
        ("2 (устный ответ) 4", "2 (устный ответ) 4 (тест)"),
        ("2 (устный ответ) 4 (тест)", "2 (устный ответ) 4 (устный ответ)")]
    assert cell.audit() == cell.history()


def test_weight_setting_moves_the_average_not_the_history(app, college, login, db, today):
    """A mark's weight is its kind's weight in WORK_KIND_WEIGHTS: a change of the setting
    is no change of a cell (no history row), but the average follows it."""
    cell = Cell(college, login, db)
    cell.put([_mark("2", "laboratory"), _mark("5")])
    assert cell.average() == 3.5
    old = app.config["WORK_KIND_WEIGHTS"]
    app.config["WORK_KIND_WEIGHTS"] = dict(old, laboratory=2)
    try:
        assert cell.average() == 3.0
    finally:
        app.config["WORK_KIND_WEIGHTS"] = old
    assert cell.history() == [("", "2 (лабораторная) 5")]


def test_absence_change_is_kept(college, login, db, today):
    cell = Cell(college, login, db)
    cell.put(absent=True)
    cell.put([_mark("4")])  # the «Н» taken away, a mark instead (a cell holds one of them, 4.5)
    cell.put(absent=True)
    assert cell.history() == [("", "Н"), ("Н", "4"), ("4", "Н")]
    assert cell.audit() == cell.history()


def test_absence_reason_change_is_kept(college, login, db, today):
    """The curator's reason, then the teacher taking the «Н» away: both kept, the second
    with the reason it cleared."""
    cell = Cell(college, login, db)
    cell.put(absent=True)
    db.session.expire_all()
    cell_id = db.session.scalar(select(JournalCell.id).where(
        JournalCell.lesson_id == cell.lesson.id, JournalCell.student_id == cell.student.id))
    curator = login("curator1")
    r = curator.post("/curator/reason", data={"cell": cell_id, "reason": "illness"})
    assert r.status_code == 302
    r = curator.post("/curator/reason", data={"cell": cell_id, "reason": "excused"})
    assert r.status_code == 302
    cell.version += 2
    cell.put([_mark("5")])
    assert cell.history() == [("", "Н"), ("Н", "Н (болезнь)"),
                              ("Н (болезнь)", "Н (уважительная)"), ("Н (уважительная)", "5")]
    assert cell.audit() == cell.history()


def test_a_save_that_changes_nothing_adds_nothing(college, login, db, today):
    cell = Cell(college, login, db)
    cell.put([_mark("5", "control"), _mark("4")])
    rows, entries = cell.history(), cell.audit()
    cell.put([_mark("5", "control"), _mark("4")])
    cell.put([_mark("5", "control"), {"value": "4"}])  # "current" by default
    assert cell.history() == rows == [("", "5 (контрольная) 4")]
    assert cell.audit() == entries
    assert db.session.scalar(select(func.count()).select_from(CellChange)) == 1


def test_the_longest_cell_fits_its_history(college, login, db, today):
    """«Н» with its longest reason, then four marks with the longest kind names in its place,
    are kept whole (PostgreSQL refuses a text longer than its column)."""
    cell = Cell(college, login, db)
    cell.put(absent=True)
    db.session.expire_all()
    stored = db.session.scalar(select(JournalCell).where(
        JournalCell.lesson_id == cell.lesson.id, JournalCell.student_id == cell.student.id))
    stored.absence_reason = "unexcused"
    db.session.commit()
    cell.version = stored.version
    cell.put([_mark("5", "written")] * 4)
    longest = " ".join(["5 (письменная работа)"] * 4)
    assert cell.history()[-1] == ("Н (неуважительная)", longest)
