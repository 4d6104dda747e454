"""The student's and the parent's start page (5.2-5.4): the week — timetable, marks, absences
and homework with the day it is due (the diary's week, app/services/portal/diary.py:week); for a
parent one block per child, and for a child the parent no longer sees (18 years, left the college)
the reason instead, with no link.

Each child's block also shows the session of the current period (exams and credits, admission
and why, the grade once set, open debts with their retake): the record's «Сессия»
(assessment/session.py).

Per student a fixed set of queries: the student's journals, the periods, the diary's week
(timetable, lessons, cells, marks) and the session (one query).
"""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...infra.bulk import plain_rows
from ...models import Journal, Student
from ..assessment import session
from ..portal.diary import all_periods, week
from ..portal.record import _journal_ids, current_period, visible_children
from ..scopes import student_of_user


def _journals(student: Student) -> dict[int, Journal]:
    return {j.id: j for j in db.session.scalars(
        select(Journal).where(Journal.id.in_(_journal_ids(student))).options(
            joinedload(Journal.discipline), joinedload(Journal.teacher),
            joinedload(Journal.subgroup)))}


def week_of(student: Student, day: date) -> dict:
    """One student's week with its counts; only homework still due (the diary also lists what
    was due earlier this week)."""
    journals = _journals(student)
    periods = all_periods()
    found = week(student, journals, day, periods=periods)
    slots = [p for d in found["days"] for p in d["pairs"]]
    period = current_period(day, periods)
    exams = session.session_block(plain_rows(session.ASSESSMENT, session.assessment_params(
        student.id, journals, period.id if period else None, day)), journals, day)
    return dict(found, student=student, session=exams,
                marks=sum(len(p["marks"]) for p in slots),
                absences=sum(1 for p in slots if p["absent"]),
                homework=[h for h in found["homework"] if not h["past"]])


def student_week(user, day: date) -> dict | None:
    student = student_of_user(user)
    return None if student is None else dict(week=week_of(student, day))


def parent_weeks(user, day: date) -> dict:
    """5.2: one block per linked child; a child the parent no longer sees shows only why."""
    children = []
    for child, denial in visible_children(user):
        children.append(dict(student=child, denial=denial,
                             week=None if denial else week_of(child, day)))
    return dict(children=children)
