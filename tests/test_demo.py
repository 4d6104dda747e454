"""The demo college (issue 2 item 8; timetable of issue 5 item 1): `flask journal demo`."""
from datetime import date, timedelta

import pytest
from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy import func, select, text

from app.models import (
    AccountState, CellChange, FinalGrade, Journal, JournalCell, Lesson, Mark, Parent, Period,
    Specialty, Student, StudentGroup, StudentParent, StudentStatusChange, TeachingLoad,
    TimetableChange, TimetableEntry, WorkProgramTopic,
)
from tests.factories import PASSWORD, login_client
from tests.fast_hashing import fast_password_hashing  # noqa: F401

TODAY = date(2025, 11, 20)


@pytest.fixture()
def fixed_today(app):
    previous = app.config.get("JOURNAL_TODAY")
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    yield TODAY
    app.config["JOURNAL_TODAY"] = previous


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["journal", "demo", *args])


def _users_with_role(db, role: str) -> list[str]:
    return list(db.session.scalars(
        select(User.username).where(User.roles.any(Role.name == role))))


def test_demo_college_is_built_and_refused_the_second_time(app, db, fixed_today):
    result = _run(app, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Демо-колледж построен" in result.output

    # Structure (issue 2, item 8)
    assert _count(db, Specialty) >= 3
    assert {"09.02.07", "13.02.11", "15.02.16", "38.02.01"} <= set(
        db.session.scalars(select(Specialty.code)))
    assert _count(db, StudentGroup) >= 6
    assert _count(db, Student) >= 150
    assert len(_users_with_role(db, "Teacher")) >= 15
    assert _count(db, Parent) > 0
    with_parents = select(StudentParent.student_id)
    assert _count(db, Student, Student.id.not_in(with_parents)) > 0  # some have none
    assert _count(db, Journal) == _count(db, TeachingLoad) > 0
    assert _count(db, Journal, Journal.subgroup_id.is_not(None)) > 0
    assert _count(db, Journal, Journal.assessment_form == "credit") > 0
    periods = db.session.scalars(select(Period)).all()
    assert len(periods) == 4 and all(p.deadline_order_number for p in periods)
    kinds = set(db.session.scalars(select(StudentStatusChange.kind)))
    assert {"enrollment", "transfer", "academic_leave"} <= kinds

    # Lessons of the current period up to yesterday, following the timetable
    assert _count(db, TimetableEntry) > 0 and _count(db, TimetableChange) > 0
    assert _count(db, Lesson) > 0
    first, last = db.session.execute(
        select(func.min(Lesson.lesson_date), func.max(Lesson.lesson_date))).one()
    assert date(2025, 9, 1) <= first and last < TODAY
    assert _count(db, Lesson, Lesson.is_late.is_(True)) > 0
    assert _count(db, Lesson, Lesson.topic_id.is_(None)) > 0
    if db.engine.dialect.name == "postgresql":
        # the load ends with ANALYZE: the planner counts the marks there are (not the -1 of a
        # table never analysed, nor an earlier count), so a batch's cells are read by index
        analysed = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'mark'"))
        assert analysed == _count(db, Mark) > 0
    assert _count(db, Lesson, Lesson.is_substitution.is_(True)) >= 1
    assert _count(db, Lesson, Lesson.attendance_taken.is_(False)) >= 1
    late = db.session.scalars(select(Lesson).where(Lesson.is_late.is_(True)).limit(20)).all()
    assert all(lesson.created_at.date() > lesson.lesson_date for lesson in late)
    timetabled = {(j, wd, p) for j, wd, p in db.session.execute(
        select(TimetableEntry.journal_id, TimetableEntry.weekday, TimetableEntry.pair_number))}
    changed = {(j, d, p) for j, d, p in db.session.execute(
        select(TimetableChange.journal_id, TimetableChange.change_date,
               TimetableChange.pair_number))}
    lessons = db.session.execute(
        select(Lesson.journal_id, Lesson.lesson_date, Lesson.pair_number, Lesson.teacher_id,
               WorkProgramTopic.position)
        .outerjoin(WorkProgramTopic, Lesson.topic_id == WorkProgramTopic.id)
        .order_by(Lesson.journal_id, Lesson.lesson_date, Lesson.pair_number)).all()
    # 1.7: a lesson outside the timetable carries the teacher's reason
    off = {(j, d, p) for j, d, p in db.session.execute(
        select(Lesson.journal_id, Lesson.lesson_date, Lesson.pair_number)
        .where(Lesson.off_timetable_reason.is_not(None)))}
    assert 1 <= len(off) <= 2
    for journal_id, day, pair, _t, _pos in lessons:
        assert (journal_id, day.weekday(), pair) in timetabled \
            or (journal_id, day, pair) in changed or (journal_id, day, pair) in off
    for journal_id, day, pair in off:
        assert (journal_id, day.weekday(), pair) not in timetabled
    # deliberate gaps: some timetabled pairs of the last week have no lesson
    recorded = {(j, d, p) for j, d, p, _t, _pos in lessons}
    expected = {(j, TODAY - timedelta(days=k), p) for j, wd, p in timetabled for k in range(1, 8)
                if (TODAY - timedelta(days=k)).weekday() == wd}
    assert expected - recorded
    # nobody teaches two lessons at once; topics follow the work program's order
    slots = [(t, d, p) for _j, d, p, t, _pos in lessons]
    assert len(slots) == len(set(slots))
    by_journal = {}
    for journal_id, _d, _p, _t, position in lessons:
        if position is not None:
            by_journal.setdefault(journal_id, []).append(position)
    assert all(ps == sorted(ps) for ps in by_journal.values())

    # Marks, absences and their history; final grades of the previous year
    assert _count(db, Mark) > 1000
    assert _count(db, JournalCell, JournalCell.absent.is_(True)) > 100
    assert _count(db, JournalCell, JournalCell.absence_reason == "illness") > 0
    credit_values = set(db.session.scalars(
        select(Mark.value).join(JournalCell).join(Lesson).join(Journal)
        .where(Journal.assessment_form == "credit")))
    assert credit_values and credit_values <= {"зач", "незач"}
    assert _count(db, CellChange) >= _count(db, JournalCell)
    assert _count(db, FinalGrade) > 0

    # Accounts: everyone logs in at once (no forced password change), student1/student2
    assert _count(db, AccountState) == 0
    s1 = db.session.scalar(select(Student).join(User, Student.user_id == User.id)
                           .where(User.username == "student1"))
    s2 = db.session.scalar(select(Student).join(User, Student.user_id == User.id)
                           .where(User.username == "student2"))
    assert s1.age_on(TODAY) < 18 <= s2.age_on(TODAY)
    assert s1.group_id == s2.group_id and s1.group.curator.username == "curator1"
    parents_of = lambda s: {link.parent.user.username for link in s.parent_links  # noqa: E731
                            if link.parent.user}
    assert "parent1" in parents_of(s1) and "parent2" in parents_of(s2)
    usernames = set(db.session.scalars(select(User.username)))
    staff = {"admin", "it", "director", "deputy"} | {f"teacher{i}" for i in range(1, 16)} \
        | {f"curator{i}" for i in range(1, 7)}
    assert staff <= usernames
    assert {f"student{i}" for i in range(1, 11)} <= usernames
    assert {f"parent{i}" for i in range(1, 11)} <= usernames
    for username in sorted(usernames):
        login_client(app, username)
    assert login_client(app, "curator1").get("/").status_code == 200

    # 4.7: a new user finds a course project's sheet and a module exam's among the sheets
    from app.models.sheets import ExamSheet
    kinds = set(db.session.scalars(select(ExamSheet.kind)))
    assert {"exam", "credit", "course_project", "module_exam"} <= kinds
    page = login_client(app, "deputy").get("/sheets/").get_data(as_text=True)
    assert "курсовой проект" in page and "экзамен по модулю" in page
    # 4.7, 5.2: the sheets and the retakes have their time of day, shown beside the date
    from app.models.debts import Retake
    for column in (ExamSheet.starts_at, Retake.starts_at):
        starts = db.session.scalars(select(column)).all()
        assert starts and None not in starts, column
    assert ", 09:00</td>" in page

    # A second run is refused with a Russian message and changes nothing
    before = [_count(db, m) for m in (User, Student, Journal, Lesson, Mark)]
    db.session.remove()
    again = _run(app, "--password", PASSWORD)
    assert again.exit_code != 0
    assert "База данных не пуста" in again.output
    assert [_count(db, m) for m in (User, Student, Journal, Lesson, Mark)] == before


def test_demo_refuses_a_database_with_a_college(app, college, fixed_today):
    from app.demo.college import DemoError, build_demo
    with pytest.raises(DemoError, match="База данных не пуста"):
        build_demo(PASSWORD, 1)


def test_demo_refuses_a_weak_password(app, db, fixed_today):
    result = _run(app, "--password", "12345")
    assert result.exit_code != 0
    assert "слишком простой" in result.output
    assert _count(db, User) == 0 and _count(db, Student) == 0
