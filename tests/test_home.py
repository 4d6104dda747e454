"""Start pages per role (issue 12, item 2; SPEC §5 «each role starts where its work is»)."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import (
    FinalGrade, Journal, JournalCell, Lesson, Mark, Student, StudentGroup, TimetableEntry,
)
from app.services.dashboards.curator import curator_week
from tests.conftest import restore_demo_college
from tests.factories import login_client
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.journal_helpers import count_queries

TODAY = date(2025, 11, 20)  # a Thursday of the first semester


@pytest.fixture()
def today(app):
    previous = app.config.get("JOURNAL_TODAY")
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    yield TODAY
    app.config["JOURNAL_TODAY"] = previous


def _sections(html: str) -> set[str]:
    return set(re.findall(r'<section class="home-section" id="home-([a-z]+)"', html))


# --- the demo college: every role's blocks --------------------------------------------------
@pytest.fixture()
def demo(app, db, today):
    restore_demo_college(db, 2025)


EXPECTED = {
    "admin": {"college"}, "it": {"it"}, "director": {"college"},
    "deputy": {"deputy", "college"}, "teacher1": {"teacher"},
    "curator1": {"teacher", "curator"}, "student1": {"student"},
    "parent1": {"parent"}, "parent2": {"parent"}, "mentor1": {"mentor"},
}


def test_each_demo_role_sees_the_blocks_of_each_of_its_roles(app, demo):
    for username, sections in EXPECTED.items():
        html = login_client(app, username).get("/").get_data(as_text=True)
        assert _sections(html) == sections, username
    director = login_client(app, "director").get("/").get_data(as_text=True)
    assert "chart-results" in director and "vendor/chart.js" in director
    assert "успеваемость" in director and "качество знаний" in director


def test_the_parent_whose_access_ended_sees_why_and_no_link_to_a_refusal(app, db, demo):
    from flask_appbuilder.security.sqla.models import User
    html = login_client(app, "parent2").get("/").get_data(as_text=True)
    assert "Доступ прекращён" in html and "18 лет" in html
    assert "/portal/student/" not in html
    child = db.session.scalar(select(Student).join(User, Student.user_id == User.id)
                              .where(User.username == "student1"))
    parent1 = login_client(app, "parent1").get("/").get_data(as_text=True)
    assert f"/portal/student/{child.id}" in parent1 and "Домашние задания" in parent1
    assert login_client(app, "parent1").get(f"/portal/student/{child.id}").status_code == 200


def test_the_teacher_records_todays_pair_in_one_click_from_the_start_page(app, db, demo):
    """Today's pair links to the lesson form prefilled with its date and pair; saving lands in
    the grid on that lesson, and the start page then shows the pair as recorded."""
    from flask_appbuilder.security.sqla.models import User
    entry = db.session.scalars(select(TimetableEntry).where(
        TimetableEntry.weekday == TODAY.weekday()).order_by(TimetableEntry.id)).first()
    journal = db.session.get(Journal, entry.journal_id)
    teacher = db.session.get(User, journal.teacher_id)
    db.session.execute(Lesson.__table__.delete().where(  # the pair is not recorded yet
        Lesson.journal_id == journal.id, Lesson.lesson_date == TODAY))
    db.session.commit()
    client = login_client(app, teacher.username)
    html = client.get("/").get_data(as_text=True)
    href = (f"/journal/{journal.id}/lesson/?lesson_date={TODAY.isoformat()}"
            f"&amp;pair_number={entry.pair_number}")
    assert href in html, html[:3000]
    form = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in form
    assert re.search(rf'name="pair_number"\s+value="{entry.pair_number}"', form)
    saved = client.post(href.replace("&amp;", "&"), data={
        "lesson_date": TODAY.isoformat(), "pair_number": entry.pair_number, "hours": 2,
        "lesson_type": "theory", "topic": "Повторение", "attendance_taken": "1",
        "off_program_reason": "повторение перед контрольной",
        "homework_kind": "none"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    lesson = db.session.scalar(select(Lesson).where(
        Lesson.journal_id == journal.id, Lesson.lesson_date == TODAY,
        Lesson.pair_number == entry.pair_number))
    assert lesson is not None and f"lesson={lesson.id}" in saved.headers["Location"]
    after = client.get("/").get_data(as_text=True)
    assert f"/journal/{journal.id}/?lesson={lesson.id}" in after.replace("&amp;", "&")


# --- fixed number of queries whatever the size of the college -------------------------------
def _grow(db, c, start: int, students: int, groups: int) -> None:
    """More of everything the start pages read: students, groups, timetable, lessons of the
    last days (some unfinished) with marks, absences and homework, final grades."""
    new = [Student(last_name=f"Новиков{i}", first_name="Иван", birth_date=date(2008, 1, 1),
                   record_book_number=f"G{i}", group_id=c.group_a.id, status="studying")
           for i in range(start, start + students)]
    db.session.add_all(new)
    for i in range(start, start + groups):
        db.session.add(StudentGroup(name=f"ГР-{i}", specialty_id=c.specialty.id,
                                    admission_year=2024, graduation_date=date(2028, 6, 30)))
    db.session.flush()
    for weekday in range(6):
        pair = 1 + (start // 10 + weekday) % 4
        for journal in (c.journal_a_op, c.journal_a_up, c.journal_b_op):
            db.session.add(TimetableEntry(period_id=c.autumn.id, group_id=journal.group_id,
                                          weekday=weekday, pair_number=pair,
                                          journal_id=journal.id, room="101"))
    everyone = db.session.scalars(select(Student).where(Student.group_id == c.group_a.id)).all()
    for k in range(1, 8):
        day = TODAY - timedelta(days=k + start // 10 * 7)
        for n, journal in enumerate((c.journal_a_op, c.journal_a_up)):
            lesson = Lesson(journal_id=journal.id, lesson_date=day, pair_number=5 + n,
                            teacher_id=journal.teacher_id, topic="" if k % 2 else "Тема",
                            attendance_taken=k % 3 != 0, homework=f"Задание {k}",
                            homework_kind="independent")
            db.session.add(lesson)
            db.session.flush()
            for s in everyone:
                cell = JournalCell(lesson_id=lesson.id, student_id=s.id, absent=s.id % 4 == 0)
                if not cell.absent:
                    cell.marks.append(Mark(position=0, value="5"))
                db.session.add(cell)
    for s in new[: len(new) // 2]:
        db.session.merge(FinalGrade(journal_id=c.journal_a_op.id, student_id=s.id,
                                    period_id=c.autumn.id, kind="semester", value="4"))
    db.session.commit()


ROLES_TO_COUNT = ("teacher1", "curator1", "deputy", "director", "it", "student1", "parent1",
                  "parent2")


def test_start_pages_read_with_a_fixed_number_of_queries(app, db, college, today):
    clients = {u: login_client(app, u) for u in ROLES_TO_COUNT}
    _grow(db, college, 0, students=2, groups=1)
    for client in clients.values():  # the menu drawn once, as a running worker keeps it
        client.get("/")
    small = {u: count_queries(db, lambda c=c: c.get("/")) for u, c in clients.items()}
    _grow(db, college, 100, students=40, groups=30)
    large = {u: count_queries(db, lambda c=c: c.get("/")) for u, c in clients.items()}
    assert small == large
    # a ceiling, the rule being small == large: the forecast of non-admission (2 queries, shared
    # by a curator's teacher and curator blocks) joined the blocks of the start pages
    assert max(large.values()) <= 44, large
    page = clients["teacher1"].get("/").get_data(as_text=True)
    assert "Незаконченные занятия" in page and "Записать занятие" in page
    assert "выставлено" in page  # autumn's final grades are due by 15.01.2026


def test_curator_on_a_monday_sees_the_week_just_ended(college, db):
    """3.3: on Monday no day of the new week is over — the week to check, recode and report
    on is the one just ended; from Tuesday on, the current week."""
    monday = curator_week(college.curator1, date(2025, 10, 20))
    assert (monday["start"], monday["last_week"]) == (date(2025, 10, 13), date(2025, 10, 13))
    tuesday = curator_week(college.curator1, date(2025, 10, 21))
    assert (tuesday["start"], tuesday["last_week"]) == (date(2025, 10, 20), date(2025, 10, 13))


def test_the_teachers_start_page_holds_only_their_own_journals_and_lessons(app, db, demo):
    """4.4-4.5: today's pairs and the unfinished lessons on a teacher's start page are that
    teacher's own — another teacher's pair (unless given to them as a substitute) or unfinished
    lesson of the same days never shows."""
    from flask_appbuilder.security.sqla.models import User

    from app.services.dashboards.teacher import teacher_day
    teacher1 = db.session.scalar(select(User).where(User.username == "teacher1"))
    others = db.session.scalars(select(Lesson).where(
        Lesson.teacher_id != teacher1.id, Lesson.lesson_date < TODAY)
        .order_by(Lesson.lesson_date.desc())).first()
    others.attendance_taken = False  # another teacher's lesson, left unfinished the day before
    others.lesson_date = TODAY - timedelta(days=1)
    db.session.commit()
    other_pairs = [e for e in db.session.scalars(select(TimetableEntry).where(
        TimetableEntry.weekday == TODAY.weekday()))
        if db.session.get(Journal, e.journal_id).teacher_id != teacher1.id]
    assert other_pairs, "в этот день есть пары других преподавателей"
    day = teacher_day(teacher1, TODAY)
    assert day["pairs"] and day["journals"] == len(db.session.scalars(
        select(Journal).where(Journal.teacher_id == teacher1.id)).all())
    assert all(p["journal"].teacher_id == teacher1.id or p["substitute_id"] == teacher1.id
               for p in day["pairs"])  # own journals, or a pair given as a substitute
    assert others.id not in {le.id for le in day["unfinished"]}
    assert {le.teacher_id for le in day["unfinished"]} <= {teacher1.id}


def test_the_directors_chart_says_no_data_instead_of_empty_bars(college, db, today):
    """27: a group with no lessons in the last weeks and no final grades showed empty bars;
    its label now says «нет данных» in the chart it has nothing for."""
    from app.models import StudentGroup
    from app.services.dashboards.college import college_glance
    from datetime import date
    empty = StudentGroup(name="ИС-25-9", specialty_id=college.group_a.specialty_id,
                         admission_year=2025, graduation_date=date(2029, 6, 30))
    db.session.add(empty)
    db.session.commit()
    chart = college_glance(college.director, today)["chart"]
    assert "ИС-25-9 — нет данных" in chart["recording_labels"]
    assert "ИС-25-9 — нет данных" in chart["results_labels"]
    assert all("нет данных" not in label for label in chart["labels"])
