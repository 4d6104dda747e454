"""The forecast before the session (issue 14.4): students at risk of non-admission on the
teacher's and the curator's start pages and in the weekly report to parents."""
import re
from datetime import date, timedelta

import pytest

from app.models import GroupMembership, JournalCell, Lesson, Mark, Student
from app.services.journal import forecast
from app.services.portal import weekly_reports
from tests.factories import login_client
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.journal_helpers import count_queries

TODAY = date(2025, 10, 15)
SEPTEMBER = [date(2025, 9, 1) + timedelta(days=d) for d in range(0, 14) if
             (date(2025, 9, 1) + timedelta(days=d)).weekday() < 5]  # ten school days


@pytest.fixture()
def today(app):
    keys = ("JOURNAL_TODAY", "ADMISSION_MIN_ATTENDANCE", "ADMISSION_MIN_AVERAGE")
    saved = {k: app.config[k] for k in keys if k in app.config}
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    yield TODAY
    for key in keys:  # a setting that was not there is removed, not left as None
        app.config.pop(key, None)
    app.config.update(saved)


def _lessons(db, journal, days, first_pair=1):
    rows = []
    for day in days:
        row = Lesson(journal_id=journal.id, lesson_date=day, pair_number=first_pair, hours=2,
                     teacher_id=journal.teacher_id, attendance_taken=True,
                     subgroup_id=journal.subgroup_id)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def _cell(db, lesson, student, absent=False, reason="", marks=()):
    cell = JournalCell(lesson_id=lesson.id, student_id=student.id, absent=absent,
                       absence_reason=reason)
    db.session.add(cell)
    db.session.flush()
    for n, (value, kind) in enumerate(marks):
        db.session.add(Mark(cell_id=cell.id, position=n, value=value, work_kind=kind))


@pytest.fixture()
def risky(college, db, today):
    """ОП.01 of group A (teacher1, curator1): student1 missed 6 of 10 lessons without a
    reason (attendance 40 %), Попов missed as many by illness, Васильева has 2, 2, 3 (2.33);
    student2 and Соколов are fine."""
    lessons = _lessons(db, college.journal_a_op, SEPTEMBER)
    popov, vasilyeva = college.a_students[2], college.a_students[3]
    for n, lesson in enumerate(lessons):
        if n < 6:
            _cell(db, lesson, college.student1, absent=True, reason="" if n % 2 else "unexcused")
            _cell(db, lesson, popov, absent=True, reason="illness")
        if n < 3:
            _cell(db, lesson, vasilyeva, marks=[("2" if n < 2 else "3", "current")])
        _cell(db, lesson, college.student2, marks=[("4", "control")] if n == 0 else ())
    db.session.commit()
    return college


def _ids(rows):
    return {(r["student_id"], r["journal_id"]) for r in rows}


def test_at_risk_lists_students_below_the_thresholds(risky, db):
    c = risky
    rows = forecast.at_risk(c.teacher1, TODAY, scope="teacher")
    j = c.journal_a_op.id
    assert _ids(rows) == {(c.student1.id, j), (c.a_students[3].id, j)}
    by_student = {r["student_id"]: r for r in rows}
    assert by_student[c.student1.id]["reasons"] == [
        "посещаемость 40,0 % ниже 50 % (пропуски без уважительной причины)"]
    assert by_student[c.a_students[3].id]["reasons"] == ["средний балл 2,33 ниже 2,5"]
    assert by_student[c.student1.id]["group"] == "ИС-24-1"
    assert by_student[c.student1.id]["discipline"] == "ОП.01 Операционные системы"
    # a teacher of other journals has nobody at risk from this one
    assert forecast.at_risk(c.teacher2, TODAY, scope="teacher") == []
    # the curator of group A sees them, the curator of group B does not
    assert _ids(forecast.at_risk(c.curator1, TODAY, scope="curator")) == _ids(rows)
    assert forecast.at_risk(c.curator2, TODAY, scope="curator") == []
    # students and parents have no forecast of their own here
    assert forecast.at_risk(c.users["student1"], TODAY) == []


def test_thresholds_clear_the_risk(risky, app):
    c = risky
    app.config["ADMISSION_MIN_ATTENDANCE"] = 40
    app.config["ADMISSION_MIN_AVERAGE"] = 2.3
    assert forecast.at_risk(c.teacher1, TODAY, scope="teacher") == []
    app.config["ADMISSION_MIN_ATTENDANCE"] = 41
    assert {r["student_id"] for r in forecast.at_risk(c.teacher1, TODAY, scope="teacher")} == {
        c.student1.id}


def test_only_the_period_so_far_counts(risky, db):
    c = risky
    # the first semester has not begun on 31.08: nothing is forecast
    assert forecast.at_risk(c.teacher1, date(2025, 8, 31), scope="teacher") == []
    # on 03.09 only the lessons of 01–03.09 count (three of the six absences of student1 and
    # the 2, 2, 3 of Васильева): both are still at risk; the spring starts afresh
    early = forecast.at_risk(c.teacher1, date(2025, 9, 3), scope="teacher")
    assert {r["student_id"] for r in early} == {c.student1.id, c.a_students[3].id}
    assert early[0]["progress"].hours == 6
    assert forecast.at_risk(c.teacher1, date(2026, 2, 2), scope="teacher") == []


def test_who_left_is_not_listed(risky, db):
    c = risky
    db.session.query(GroupMembership).filter_by(student_id=c.student1.id).update(
        {"end_date": date(2025, 10, 1)})
    db.session.query(Student).filter_by(id=c.a_students[3].id).update({"status": "expelled"})
    db.session.commit()
    assert forecast.at_risk(c.teacher1, TODAY, scope="teacher") == []


def _risk_rows(html: str, section: str) -> set[tuple[int, int]]:
    part = html.split(f'id="home-at-risk-{section}"', 1)
    assert len(part) == 2, f"no at-risk block of the {section}"
    block = part[1].split("</div>", 1)[0]
    return {(int(s), int(j)) for s, j in re.findall(
        r'data-student="(\d+)" data-journal="(\d+)"', block)}


def test_start_pages_list_students_at_risk(risky, app):
    c = risky
    j = c.journal_a_op.id
    expected = {(c.student1.id, j), (c.a_students[3].id, j)}
    teacher = login_client(app, "teacher1").get("/").get_data(as_text=True)
    assert _risk_rows(teacher, "teacher") == expected
    assert f'href="/journal/{j}/"' in teacher
    assert "посещаемость 40,0 % ниже 50 %" in teacher and "Смирнов Артём Игоревич" in teacher
    assert "Кузнецова" not in teacher.split('id="home-at-risk-teacher"', 1)[1]
    curator = login_client(app, "curator1").get("/").get_data(as_text=True)
    assert _risk_rows(curator, "curator") == expected
    # one block for a curator who also teaches (curator1 teaches УП.01: nobody at risk there)
    assert curator.count('id="home-at-risk-') == 1
    other = login_client(app, "curator2").get("/").get_data(as_text=True)
    assert _risk_rows(other, "curator") == set()
    assert "Обучающихся с риском недопуска нет." in other


def test_weekly_report_states_the_risk(risky):
    c = risky
    reports = {r["student"].id: r for r in weekly_reports.build(c.group_a, date(2025, 10, 13))}
    sentence = ("риск недопуска к аттестации по ОП.01 Операционные системы: посещаемость "
                "40,0 % ниже 50 % (пропуски без уважительной причины)")
    assert reports[c.student1.id]["risks"] == [sentence]
    assert "Р" + sentence[1:] + "." in weekly_reports.text_body(reports[c.student1.id],
                                                                c.group_a)
    assert reports[c.student2.id]["risks"] == []
    assert reports[c.a_students[2].id]["risks"] == []  # illness is a good reason
    assert "средний балл 2,33" in " ".join(reports[c.a_students[3].id]["risks"])
    assert "риск недопуска" not in weekly_reports.text_body(reports[c.student2.id], c.group_a)


def test_weekly_report_page_shows_the_risk(risky, app):
    page = login_client(app, "curator1").get(
        f"/weekly/{risky.group_a.id}?week=13.10.2025").get_data(as_text=True)
    assert "Риск недопуска" in page and "посещаемость 40,0 % ниже 50 %" in page


def test_at_risk_reads_with_a_fixed_number_of_queries(risky, db):
    c = risky
    db.session.expire_all()
    small = count_queries(db, lambda: forecast.at_risk(c.deputy, TODAY))
    more = [Student(last_name=f"Новиков{i}", first_name="Иван", birth_date=date(2008, 1, 1),
                    record_book_number=f"N{i}", group_id=c.group_b.id, status="studying")
            for i in range(12)]
    db.session.add_all(more)
    db.session.flush()
    for s in more:
        db.session.add(GroupMembership(student_id=s.id, group_id=c.group_b.id,
                                       start_date=date(2025, 9, 1)))
    for journal, pair in ((c.journal_b_op, 2), (c.journal_a_up, 3), (c.journal_a_mdk1, 4)):
        for lesson in _lessons(db, journal, SEPTEMBER, pair):
            for s in more if journal.group_id == c.group_b.id else c.a_students[:3]:
                _cell(db, lesson, s, absent=True)
    db.session.commit()
    db.session.expire_all()
    big = count_queries(db, lambda: forecast.at_risk(c.deputy, TODAY))
    assert small == big <= 3 + 1  # the roster, the lessons with cells (+ the user's roles)
    rows = forecast.at_risk(c.deputy, TODAY)
    assert {r["student_id"] for r in rows} >= {s.id for s in more}
