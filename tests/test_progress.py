"""Progress (services/journal/progress.py): the weighted average, hours missed by reason, the
enrolment limits, admission by the thresholds and the constant number of queries."""
from datetime import date, timedelta

import pytest

from app.models import GroupMembership, JournalCell, Lesson, Mark
from app.services.journal import forecast, progress as P
from tests.factories import login_client
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.journal_helpers import count_queries, today  # noqa: F401


@pytest.fixture()
def settings(app):
    """Change settings for one test; restored afterwards."""
    saved = {}

    def set_(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key, KeyError))
            app.config[key] = value
    yield set_
    for key, value in saved.items():
        if value is KeyError:
            app.config.pop(key, None)
        else:
            app.config[key] = value


def lesson(db, journal, day, pair=1, hours=2, taken=True):
    row = Lesson(journal_id=journal.id, lesson_date=day, pair_number=pair, hours=hours,
                 teacher_id=journal.teacher_id, attendance_taken=taken,
                 subgroup_id=journal.subgroup_id)
    db.session.add(row)
    db.session.flush()
    return row


def cell(db, lesson_row, student, marks=(), absent=False, reason=""):
    row = JournalCell(lesson_id=lesson_row.id, student_id=student.id, absent=absent,
                      absence_reason=reason)
    db.session.add(row)
    db.session.flush()
    for position, (value, kind) in enumerate(marks):
        db.session.add(Mark(cell_id=row.id, position=position, value=value, work_kind=kind))
    db.session.flush()
    return row


# --- weights -------------------------------------------------------------------------------

def test_control_mark_counts_twice_and_follows_the_setting(app, settings):
    with app.app_context():
        marks = [("5", "control"), ("3", "current")]
        assert P.work_kind_weights()["control"] == 2
        assert P.weighted_average(marks) == round((5 * 2 + 3) / 3, 2)
        settings(WORK_KIND_WEIGHTS={"control": 1})
        assert P.weighted_average(marks) == 4.0
        settings(WORK_KIND_WEIGHTS={"control": 3, "current": 1})
        assert P.weighted_average(marks) == round((5 * 3 + 3) / 4, 2)
        assert "контрольная ×3" in P.weights_hint()


def test_only_numeric_marks_are_averaged(app):
    with app.app_context():
        assert P.weighted_average([("зач", "current"), ("незач", "test")]) is None
        assert P.weighted_average([]) is None
        assert P.weighted_average([("4", "oral"), ("зач", "current")]) == 4.0


# --- hours and reasons ---------------------------------------------------------------------

def test_missed_hours_by_reason_and_no_reason_is_unexcused(college, db):
    j, s = college.journal_a_op, college.student1
    days = [date(2025, 9, d) for d in (2, 3, 4, 5, 8)]
    lessons = [lesson(db, j, d, hours=2) for d in days]
    cell(db, lessons[0], s, absent=True, reason="")            # no reason → unexcused
    cell(db, lessons[1], s, absent=True, reason="illness")
    cell(db, lessons[2], s, absent=True, reason="excused")
    cell(db, lessons[3], s, marks=[("4", "current")])
    untaken = lesson(db, j, date(2025, 9, 9), hours=2, taken=False)
    cell(db, untaken, s, marks=[("5", "current")])
    db.session.commit()
    prog = P.journal_progress([j.id])[(j.id, s.id)]
    assert prog.hours == 10  # the lesson without attendance taken is not counted
    assert prog.missed == {"excused": 2, "illness": 2, "unexcused": 2}
    assert prog.missed_total == 6
    assert prog.attendance_pct == 40.0
    assert prog.average == 4.5 and prog.marks == 2
    other = P.journal_progress([j.id])[(j.id, college.student2.id)]
    assert other.hours == 10 and other.missed_total == 0 and other.attendance_pct == 100.0


def test_range_limits_the_lessons(college, db):
    j, s = college.journal_a_op, college.student1
    cell(db, lesson(db, j, date(2025, 9, 2)), s, absent=True)
    cell(db, lesson(db, j, date(2025, 10, 2)), s, marks=[("2", "current")])
    db.session.commit()
    sept = P.journal_progress([j.id], date(2025, 9, 1), date(2025, 9, 30))[(j.id, s.id)]
    assert (sept.hours, sept.missed_total, sept.average) == (2, 2, None)
    octo = P.journal_progress([j.id], date(2025, 10, 1), date(2025, 10, 31))[(j.id, s.id)]
    assert (octo.hours, octo.missed_total, octo.average) == (2, 0, 2.0)


def test_enrolment_limits_a_student_who_left_or_joined(college, db):
    j = college.journal_a_op
    leaver, joiner = college.a_students[3], college.student3
    db.session.query(GroupMembership).filter_by(student_id=leaver.id).update(
        {"end_date": date(2025, 9, 15)})
    db.session.add(GroupMembership(student_id=joiner.id, group_id=college.group_a.id,
                                   start_date=date(2025, 10, 1)))
    first = lesson(db, j, date(2025, 9, 10))
    second = lesson(db, j, date(2025, 10, 6), hours=4)
    cell(db, second, leaver, absent=True)  # a stray «Н» after leaving is not counted
    cell(db, first, joiner, absent=True)   # nor one before joining
    db.session.commit()
    result = P.journal_progress([j.id])
    assert result[(j.id, leaver.id)].hours == 2
    assert result[(j.id, leaver.id)].missed_total == 0
    assert result[(j.id, joiner.id)].hours == 4
    assert result[(j.id, joiner.id)].missed_total == 0
    assert result[(j.id, college.student1.id)].hours == 6
    # a student who left before the range is not in it at all
    later = P.journal_progress([j.id], date(2025, 10, 1), date(2025, 10, 31))
    assert (j.id, leaver.id) not in later and (j.id, joiner.id) in later


def test_subgroup_journal_counts_its_members_only(college, db):
    j = college.journal_a_mdk1
    lesson(db, j, date(2025, 9, 10))
    db.session.commit()
    result = P.journal_progress([j.id])
    members = {sid for jid, sid in result}
    assert members == {s.id for s in college.a_students[:3]}


# --- admission -----------------------------------------------------------------------------

def test_thresholds_give_and_clear_the_risk(app, settings):
    with app.app_context():
        low = P.make_progress([("2", "control"), ("3", "current")], 10, {"unexcused": 6})
        reasons = forecast.admission_reasons(low)
        assert reasons == ["посещаемость 40,0 % ниже 50 % (пропуски без уважительной причины)",
                           "средний балл 2,33 ниже 2,5"]
        settings(ADMISSION_MIN_ATTENDANCE=40, ADMISSION_MIN_AVERAGE=2.3)
        assert forecast.admission_reasons(low) == []
        settings(ADMISSION_MIN_ATTENDANCE=41)
        assert len(forecast.admission_reasons(low)) == 1


def test_excused_hours_do_not_bar_admission(app):
    with app.app_context():
        ill = P.make_progress([("4", "current")], 10, {"illness": 6, "excused": 2})
        assert ill.attendance_pct == 20.0  # shown: all missed hours count
        assert forecast.admission_attendance(ill) == 100.0
        assert forecast.admission_reasons(ill) == []
        truant = P.make_progress([("4", "current")], 10, {"unexcused": 6})
        assert forecast.admission_reasons(truant)


def test_no_hours_or_no_marks_give_no_reason(app):
    with app.app_context():
        assert forecast.admission_reasons(P.Progress()) == []


# --- queries -------------------------------------------------------------------------------

def _fill(db, college, lessons_per_journal, month=9):
    journals = [college.journal_a_op, college.journal_a_mdk1, college.journal_a_mdk2,
                college.journal_a_up, college.journal_b_op]
    for j in journals:
        students = college.b_students if j.group_id == college.group_b.id else college.a_students
        for n in range(lessons_per_journal):
            row = lesson(db, j, date(2025, month, 1 + n % 28), pair=1 + n // 28)
            for k, s in enumerate(students):
                cell(db, row, s, marks=[("5", "control"), ("3", "current")] if k % 2 else (),
                     absent=not k % 2, reason="illness" if n % 2 else "")
    db.session.commit()
    return [j.id for j in journals]


def test_constant_number_of_queries(college, db):
    ids = _fill(db, college, 2)
    db.session.expire_all()
    small = count_queries(db, lambda: P.journal_progress(ids))
    _fill(db, college, 30, month=10)
    db.session.expire_all()
    big = count_queries(db, lambda: P.journal_progress(ids))
    assert small == big <= 4
    result = P.journal_progress(ids)
    assert len(result) == 5 + 3 + 2 + 5 + 3  # op A, its two subgroups, up A, op B
    assert result[(ids[0], college.student1.id)].hours == 2 * 32


# --- the same weighted average in the grid, the diary and the reports ----------------------

def _weighted_marks(db, college):
    from tests.journal_helpers import TODAY
    j, s = college.journal_a_op, college.student1
    cell(db, lesson(db, j, TODAY - timedelta(days=2)), s, marks=[("5", "control")])
    cell(db, lesson(db, j, TODAY - timedelta(days=1)), s, marks=[("3", "current")])
    db.session.commit()
    return j, s


def test_grid_and_diary_show_the_weighted_average(college, db, app, today, settings):
    j, s = _weighted_marks(db, college)
    teacher, student = login_client(app, "teacher1"), login_client(app, "student1")

    def grid_average():
        data = teacher.get(f"/api/v1/journals/{j.id}/grid").get_json()
        return next(r["average"] for r in data["students"] if r["id"] == s.id), data

    def diary_average():
        data = student.get(f"/api/v1/students/{s.id}/record").get_json()["result"]
        return next(d["average"] for d in data["disciplines"] if d["journal_id"] == j.id)

    average, data = grid_average()
    assert average == diary_average() == round((5 * 2 + 3) / 3, 2)
    assert "контрольная ×2" in data["journal"]["average_hint"]
    settings(WORK_KIND_WEIGHTS={"control": 1})
    assert grid_average()[0] == diary_average() == 4.0
    page = student.get(f"/portal/student/{s.id}").get_data(as_text=True)
    # the diary's hint follows the setting too
    assert "учётом веса работ: тест ×2, остальные ×1" in page and "контрольная ×2" not in page


def test_objectivity_uses_the_weighted_average(college, db, today):
    from app.models import FinalGrade
    from app.services.control.reports.objectivity import objectivity
    j, s = _weighted_marks(db, college)
    db.session.add(FinalGrade(journal_id=j.id, student_id=s.id, period_id=college.autumn.id,
                              kind="exam", value="4"))
    db.session.commit()
    (row,) = objectivity(college.deputy, college.autumn)
    assert row["current"] == round((5 * 2 + 3) / 3, 2)


@pytest.mark.browser
def test_grid_average_after_entry_is_the_weighted_one(college, db, live_server, browser, today):
    """The grid shows the server's weighted average again after a mark is saved."""
    from tests.factories import PASSWORD
    from tests.journal_helpers import TODAY
    from tests.live_server import browser_login
    j, s = college.journal_a_op, college.student1
    cell(db, lesson(db, j, TODAY - timedelta(days=1)), s, marks=[("3", "current")])
    second = lesson(db, j, TODAY)
    db.session.commit()
    page = browser_login(browser, live_server, "teacher1", PASSWORD)
    page.goto(f"{live_server}/journal/{j.id}/")
    page.wait_for_selector("td.jg-cell.jg-active")
    assert "контрольная ×2" in page.get_attribute("#jg-root th.jg-avg", "title")
    page.select_option("#jg-work-kind", "control")
    page.click(f'td.jg-cell[data-l="{second.id}"][data-s="{s.id}"]')
    page.keyboard.type("5")
    page.wait_for_selector("#jg-status.jg-ok")
    average = f'tr[data-student="{s.id}"] td.jg-avg'
    page.wait_for_function(f"document.querySelector('{average}').textContent === '4.33'")
    assert page.text_content(average) == "4.33"  # (3 + 5 × 2) / 3; the plain mean is 4.00
