"""Journal data for audit/backup/archive tests, built directly with the ORM (bulk inserts)."""
from datetime import date, timedelta

from sqlalchemy import insert, select

from app.models import FinalGrade, JournalCell, Lesson, Mark

VALUES = ("5", "4", "3", "2")


def fill_journal(db, college, journal, students, lessons=6, start=date(2025, 9, 2)):
    """`lessons` lessons, one cell per student per lesson (every 4th absent, others a mark),
    and an autumn final grade per student. Returns the number of marks written."""
    lesson_rows = [dict(journal_id=journal.id, lesson_date=start + timedelta(days=7 * i),
                        pair_number=1, topic=f"Тема занятия {i + 1}", lesson_type="theory",
                        hours=2, homework=f"Задание {i + 1}", homework_kind="none",
                        teacher_id=journal.teacher_id, is_substitution=False, is_late=False,
                        attendance_taken=True) for i in range(lessons)]
    db.session.execute(insert(Lesson), lesson_rows)
    lesson_ids = db.session.scalars(select(Lesson.id).where(Lesson.journal_id == journal.id)
                                    .order_by(Lesson.lesson_date)).all()
    cells = []
    for li, lesson_id in enumerate(lesson_ids):
        for si, student in enumerate(students):
            absent = (li + si) % 4 == 0
            cells.append(dict(lesson_id=lesson_id, student_id=student.id, absent=absent,
                              absence_reason="illness" if absent else "", version=1))
    db.session.execute(insert(JournalCell), cells)
    cell_rows = db.session.execute(
        select(JournalCell.id, JournalCell.absent, JournalCell.lesson_id,
               JournalCell.student_id).where(JournalCell.lesson_id.in_(lesson_ids))).all()
    marks = [dict(cell_id=row.id, position=0, value=VALUES[(row.lesson_id + row.student_id) % 4],
                  work_kind="current") for row in cell_rows if not row.absent]
    if marks:
        db.session.execute(insert(Mark), marks)
    db.session.execute(insert(FinalGrade), [
        dict(journal_id=journal.id, student_id=s.id, period_id=college.autumn.id,
             kind="semester", value="4", version=1) for s in students])
    db.session.commit()
    return len(marks)


def fill_college(db, college, lessons=6) -> int:
    """Lessons and marks in journal_a_op (group A) and journal_b_op (group B)."""
    return (fill_journal(db, college, college.journal_a_op, college.a_students, lessons)
            + fill_journal(db, college, college.journal_b_op, college.b_students, lessons))
