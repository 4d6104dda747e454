"""Journal data for the portal tests, written straight through the ORM (lessons, cells, marks,
final grades, cell history). Dates are in the autumn 2025 period of tests/factories.py."""
from datetime import date

import pytest

from app.models import (
    AcademicYear, CellChange, FinalGrade, Journal, JournalCell, Lesson, Mark, Period, TeachingLoad,
)

TODAY = date(2025, 10, 17)  # a Friday; its week starts 13.10.2025


@pytest.fixture()
def fixed_today(app):
    """Fix the portal's "today" (app.config["JOURNAL_TODAY"]) and restore it afterwards."""
    previous = app.config.get("JOURNAL_TODAY", "")

    def _set(day):
        app.config["JOURNAL_TODAY"] = day.isoformat() if hasattr(day, "isoformat") else day
    _set(TODAY)
    yield _set
    app.config["JOURNAL_TODAY"] = previous


def add_lesson(db, journal, day, pair=1, homework=None, homework_kind="none", teacher=None,
               topic="Тема занятия"):
    lesson = Lesson(journal_id=journal.id, lesson_date=day, pair_number=pair, topic=topic,
                    homework=homework, homework_kind=homework_kind,
                    teacher_id=(teacher or journal.teacher).id, attendance_taken=True)
    db.session.add(lesson)
    db.session.flush()
    return lesson


def add_cell(db, lesson, student, marks=(), absent=False, reason="", kind="current"):
    cell = JournalCell(lesson_id=lesson.id, student_id=student.id, absent=absent,
                       absence_reason=reason)
    cell.marks = [Mark(position=i, value=v, work_kind=kind) for i, v in enumerate(marks)]
    db.session.add(cell)
    db.session.flush()
    return cell


def add_change(db, lesson, student, old, new, by):
    db.session.add(CellChange(lesson_id=lesson.id, student_id=student.id, old_value=old,
                              new_value=new, changed_by_id=by.id))


def add_final(db, journal, student, period, kind, value):
    grade = FinalGrade(journal_id=journal.id, student_id=student.id, period_id=period.id,
                       kind=kind, value=value)
    db.session.add(grade)
    return grade


def previous_year(db, c):
    """Year 2024/2025 with one journal of group A (ОП.01, teacher1) and an exam grade."""
    year = AcademicYear(name="2024/2025", start_date=date(2024, 9, 1),
                        end_date=date(2025, 6, 30))
    spring = Period(academic_year=year, number=2, name="2 семестр",
                    start_date=date(2025, 1, 12), end_date=date(2025, 6, 30))
    db.session.add_all([year, spring])
    db.session.flush()
    load = TeachingLoad(academic_year_id=year.id, group_id=c.group_a.id,
                        discipline_id=c.up01.id, teacher_id=c.curator1.id, hours=36)
    db.session.add(load)
    db.session.flush()
    journal = Journal(teaching_load_id=load.id, academic_year_id=year.id, group_id=c.group_a.id,
                      discipline_id=c.up01.id, teacher_id=c.curator1.id,
                      assessment_form="credit")
    db.session.add(journal)
    db.session.flush()
    add_final(db, journal, c.student1, spring, "credit", "зач")
    db.session.commit()
    return journal


def seed_record(db, c):
    """Marks, absences, homework and final grades of group A and B in the week 13–17.10.2025."""
    s1, s3 = c.student1, c.student3
    c.les_op = add_lesson(db, c.journal_a_op, date(2025, 10, 13), 1,
                          homework="Прочитать главу 3", homework_kind="independent")
    c.les_op2 = add_lesson(db, c.journal_a_op, date(2025, 10, 15), 2)
    c.les_mdk1 = add_lesson(db, c.journal_a_mdk1, date(2025, 10, 14), 3,
                            homework="Лабораторная работа №2", homework_kind="laboratory")
    c.les_mdk2 = add_lesson(db, c.journal_a_mdk2, date(2025, 10, 14), 3)
    c.les_up = add_lesson(db, c.journal_a_up, date(2025, 10, 16), 4)
    c.les_b = add_lesson(db, c.journal_b_op, date(2025, 10, 13), 1)
    add_cell(db, c.les_op, s1, ["5", "4"])
    add_cell(db, c.les_op2, s1, absent=True, reason="illness")
    add_cell(db, c.les_mdk1, s1, ["3"])
    add_cell(db, c.les_up, s1, ["зач"])
    add_cell(db, c.les_op, c.students[2], ["2"])
    add_cell(db, c.les_op2, c.students[2], absent=True)
    add_cell(db, c.les_mdk2, c.students[3], ["4"])
    add_cell(db, c.les_b, s3, ["3"])
    add_final(db, c.journal_a_op, s1, c.autumn, "exam", "5")
    add_change(db, c.les_op, s1, "", "5 4", c.teacher1)
    db.session.commit()
    return c
