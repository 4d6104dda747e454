"""The first run (issue 12, item 9): scripts/start.sh asks the database itself whether it holds a
college (`flask journal demo --if-empty`) instead of trusting a marker file, and a failing build
stops it with its message."""
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.models import Journal, Student
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401


def _demo(app, *args):
    return app.test_cli_runner().invoke(args=["journal", "demo", "--if-empty", *args])


def _counts(db):
    return [db.session.scalar(select(func.count()).select_from(m)) for m in (User, Student,
                                                                             Journal)]


def test_an_empty_database_gets_the_demo_and_a_full_one_is_left_alone(app, db):
    built = _demo(app, "--password", PASSWORD)
    assert built.exit_code == 0, built.output
    assert "База пуста" in built.output and "Демо-колледж построен" in built.output
    db.session.remove()
    before = _counts(db)
    assert before[1] > 0
    again = _demo(app, "--password", PASSWORD)
    assert again.exit_code == 0, again.output
    assert "В базе уже есть колледж" in again.output
    db.session.remove()
    assert _counts(db) == before


def test_a_database_with_a_college_is_left_alone_even_without_a_demo(app, college, db):
    before = _counts(db)
    result = _demo(app, "--password", PASSWORD)
    assert result.exit_code == 0 and "В базе уже есть колледж" in result.output
    db.session.remove()
    assert _counts(db) == before


def test_a_failing_build_on_an_empty_database_fails_with_its_message(app, db):
    result = _demo(app, "--password", "12345")
    assert result.exit_code != 0
    assert "слишком простой" in result.output
    assert _counts(db) == [0, 0, 0]
