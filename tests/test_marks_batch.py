"""A lesson's column of marks saved in one batch (4.5, 1.6): a fixed number of SQL statements
whatever the number of cells, with versions, history rows and audit entries kept."""
import json
from datetime import date, timedelta

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import event, func, select

from app.errors import Conflict
from app.models import AuditLog, CellChange, GroupMembership, Journal, JournalCell, Student
from app.services.journal.marks import save_cells
from app.services.records import audit
from tests.journal_helpers import TODAY, add_lesson, change, today  # noqa: F401

# the batch's own statements, the notifications' one INSERT … SELECT among them (SPEC §5)
MAX_STATEMENTS = 13
MAX_WHOLE_CALL = 13  # with the rights, period and archive checks


def _count_statements(db, fn):
    """Run fn; → (the SQL statements it sent, its result)."""
    statements = []

    def before(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split())[:80])
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return statements, result


def _own(statements) -> list[str]:
    """The batch's own statements: from reading its cells to the audit entries' commit (the
    rights and period checks before them are the same for any number of cells)."""
    start = next(i for i, s in enumerate(statements) if s.startswith("SELECT journal_cell.id"))
    return statements[start:]


def _big_group(db, college, size=35):
    """Group A grown to `size` students, as in a real college group."""
    for n in range(size - len(college.a_students)):
        student = Student(last_name=f"Студент{n:02d}", first_name="Тест", middle_name="",
                          birth_date=date(2008, 1, 1), record_book_number=f"25-{n:03d}",
                          group_id=college.group_a.id, status="studying")
        db.session.add(student)
        db.session.flush()
        db.session.add(GroupMembership(student_id=student.id, group_id=college.group_a.id,
                                       start_date=date(2024, 9, 1)))
    db.session.commit()
    return db.session.scalars(select(Student).where(
        Student.group_id == college.group_a.id).order_by(Student.id)).all()


def _save(db, college, changes):
    """The batch save as the API runs it: the service, then the commit (audit sealed)."""
    db.session.expire_all()
    user = db.session.get(User, college.teacher1.id)
    journal = db.session.get(Journal, college.journal_a_op.id)
    _ = user.roles, journal.academic_year, journal.discipline  # as the request loads them

    def run():
        saved = save_cells(user, journal, changes, TODAY)
        db.session.commit()
        return saved
    return _count_statements(db, run)


def test_batch_save_statement_count_does_not_depend_on_size(college, db, today):
    students = _big_group(db, college)
    assert len(students) == 35
    small_lesson = add_lesson(db, college.journal_a_op, TODAY, pair=1)
    big_lesson = add_lesson(db, college.journal_a_op, TODAY - timedelta(days=1), pair=1)

    audit.record("export", "journal", college.journal_a_op.id, username="it")
    db.session.commit()  # the chain has a head, as in any running college

    # first save: new cells
    # each batch holds a «Н» (it takes the lesson's attendance, 4.5) and marks
    small, _ = _save(db, college, [change(small_lesson, s, marks=[] if i == 0 else ["4"],
                                          absent=i == 0) for i, s in enumerate(students[:3])])
    big, saved = _save(db, college, [change(big_lesson, s, marks=[] if i % 7 == 0 else ["5"],
                                            absent=i % 7 == 0)
                                     for i, s in enumerate(students)])
    assert len(small) == len(big) <= MAX_WHOLE_CALL, big
    assert len(_own(big)) <= MAX_STATEMENTS, _own(big)
    assert [c["version"] for c in saved] == [1] * 35

    # second save of the same cells: versioned updates, marks replaced
    small2, _ = _save(db, college, [change(small_lesson, s, version=1, marks=["3", "5"])
                                    for s in students[:3]])
    big2, saved = _save(db, college, [change(big_lesson, s, version=1, marks=["2", "4"])
                                      for s in students])
    assert len(small2) == len(big2) <= MAX_WHOLE_CALL, big2
    assert len(_own(big2)) <= MAX_STATEMENTS, _own(big2)
    assert {c["version"] for c in saved} == {2}

    db.session.expire_all()
    cells = db.session.scalars(select(JournalCell).where(
        JournalCell.lesson_id == big_lesson.id)).all()
    assert len(cells) == 35 and {c.version for c in cells} == {2}
    assert {tuple(m.value for m in c.marks) for c in cells} == {("2", "4")}
    assert not any(c.absent for c in cells)
    # every change kept: a history row and an audit entry per changed cell (1.6, 4.1)
    history = db.session.scalars(select(CellChange).where(
        CellChange.lesson_id == big_lesson.id).order_by(CellChange.id)).all()
    assert len(history) == 70
    first = {h.student_id: h for h in history[:35]}
    assert first[students[0].id].new_value == "Н" and first[students[1].id].new_value == "5"
    assert {h.old_value for h in history[35:]} == {"Н", "5"}
    assert {h.new_value for h in history[35:]} == {"2 4"}
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "cell_change")
                                 .order_by(AuditLog.id)).all()
    assert len(entries) == 2 * (3 + 35)
    assert json.loads(entries[-1].details)["new"] == "2 4"
    assert audit.verify_chain() == (True, None, "")


def test_stale_version_refuses_the_whole_batch(college, db, today):
    students = college.a_students
    lesson = add_lesson(db, college.journal_a_op, TODAY)
    _save(db, college, [change(lesson, s, marks=["4"]) for s in students])
    before = db.session.scalar(select(func.count()).select_from(CellChange))
    changes = [change(lesson, s, version=1, marks=["5"]) for s in students]
    changes[-1]["version"] = 0  # the writer saw this cell before someone else saved it
    try:
        _save(db, college, changes)
        raise AssertionError("a stale version was accepted")
    except Conflict as conflict:
        assert conflict.payload["conflicts"][0]["version"] == 1
    db.session.rollback()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CellChange)) == before
    assert {c.version for c in db.session.scalars(select(JournalCell))} == {1}
    assert {m.value for c in db.session.scalars(select(JournalCell)) for m in c.marks} == {"4"}


def test_postgresql_gets_the_same_statements_for_any_batch(college, db, today):
    """On PostgreSQL a batch's rows travel as one JSON document or id array, so the statements
    of 3 cells and of 35 are the very same texts: the driver keeps them parsed and the server
    prepares them, where a multi-row VALUES list would be a new statement every time."""
    students = _big_group(db, college)
    small_lesson = add_lesson(db, college.journal_a_op, TODAY, pair=1)
    big_lesson = add_lesson(db, college.journal_a_op, TODAY - timedelta(days=1), pair=1)
    audit.record("export", "journal", college.journal_a_op.id, username="it")
    db.session.commit()
    texts = []

    def keep(_conn, _cursor, statement, *_args):
        texts.append(statement)

    def save(changes):
        texts.clear()
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            _save(db, college, changes)
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        return list(texts)

    small = save([change(small_lesson, s, marks=["4"]) for s in students[:3]])
    big = save([change(big_lesson, s, marks=["5"]) for s in students])
    again_small = save([change(small_lesson, s, version=1, marks=["3"]) for s in students[:3]])
    again_big = save([change(big_lesson, s, version=1, marks=["2", "4"]) for s in students])
    if db.engine.dialect.name != "postgresql":
        # SQLite: one multi-row VALUES statement per table, its length following the batch
        assert len(small) == len(big) and small != big
        return
    assert small == big and again_small == again_big
    assert max(len(t) for t in again_big) < 4096  # the driver caches statements up to 4 KB
