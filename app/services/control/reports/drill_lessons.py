"""The rows behind the teachers' figures of the council's report (6.2) and of the activity
report (6.1): each function returns the list the figure counted, with the same conditions."""
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ....extensions import db
from ....infra import clock
from ....models import (
    AuditLog, CellChange, Discipline, FinalGrade, FinalGradeChange, IssueReport, Journal, Lesson,
    Period, Student, StudentGroup,
)
from . import council as cr
from .staff_work import bounds

LESSON_HEADERS = (_l("Дата занятия"), _l("Пара"), _l("Группа"), _l("Дисциплина"),
                  _l("Преподаватель"), _l("Внесено"),
                  _l("Тема"), _l("Домашнее задание"))


def user_alias():
    return aliased(current_app.appbuilder.sm.user_model)


def name(last, first) -> str:
    return f"{last or ''} {first or ''}".strip()


def _lessons(where: list, person: int | None, by_creator: bool = False) -> list[list]:
    teacher = user_alias()
    who = Lesson.created_by_id if by_creator else Lesson.teacher_id
    query = select(Lesson.lesson_date, Lesson.pair_number, StudentGroup.name, Discipline.name,
                   teacher.last_name, teacher.first_name, Lesson.created_at, Lesson.topic,
                   Lesson.homework).join(Journal, Journal.id == Lesson.journal_id).join(
        StudentGroup, StudentGroup.id == Journal.group_id).join(
        Discipline, Discipline.id == Journal.discipline_id).outerjoin(
        teacher, teacher.id == Lesson.teacher_id).where(*where, *cr._live_lessons()).order_by(
        Lesson.lesson_date, Lesson.pair_number, StudentGroup.name)
    if person:
        query = query.where(who == person)
    return [[clock.format_date(r[0]), r[1], r[2], r[3], name(r[4], r[5]),
             clock.format_moment(r[6]), r[7] or "", r[8] or ""]
            for r in db.session.execute(query)]


def _dated(start: date, end: date) -> list:
    return [Lesson.lesson_date >= start, Lesson.lesson_date <= end]


def late(span, person):
    return LESSON_HEADERS, _lessons([*_dated(span.start, span.end), Lesson.is_late.is_(True)],
                                    person)


def no_topic(span, person):
    return LESSON_HEADERS, _lessons([*_dated(span.start, span.end), cr.NO_TOPIC], person)


def no_homework(span, person):
    return LESSON_HEADERS, _lessons([*_dated(span.start, span.end), cr.NO_HOMEWORK], person)


def no_attendance(span, person):
    return LESSON_HEADERS, _lessons([*_dated(span.start, span.end),
                                     Lesson.attendance_taken.is_(False)], person)


def missing(span, person):
    end = min(span.end, span.today - timedelta(days=1))
    pairs = [p for p in cr.missing_pairs(span.start, end)
             if not person or p["teacher_id"] == person]
    teacher = user_alias()
    journals = {r[0]: r[1:] for r in db.session.execute(select(
        Journal.id, StudentGroup.name, Discipline.name).join(
        StudentGroup, StudentGroup.id == Journal.group_id).join(
        Discipline, Discipline.id == Journal.discipline_id).where(
        Journal.id.in_({p["journal_id"] for p in pairs} or {0})))}
    names = {r[0]: name(r[1], r[2]) for r in db.session.execute(select(
        teacher.id, teacher.last_name, teacher.first_name).where(
        teacher.id.in_({p["teacher_id"] for p in pairs} or {0})))}
    where = {j: journals.get(j, ("", "")) for j in {p["journal_id"] for p in pairs}}
    pairs.sort(key=lambda p: (p["date"], p["pair_number"], where[p["journal_id"]][0]))
    return ((_l("Дата"), _l("Пара"), _l("Группа"), _l("Дисциплина"), _l("Кто должен был записать")),
            [[clock.format_date(p["date"]), p["pair_number"], *where[p["journal_id"]],
              names.get(p["teacher_id"], "")] for p in pairs])


def grades_late(span, person):
    """Final grades of the span's periods first set after their period's deadline."""
    periods = [p for p in span.periods if p.final_grade_deadline]
    first = select(func.min(FinalGradeChange.changed_at)).where(
        FinalGradeChange.final_grade_id == FinalGrade.id).scalar_subquery()
    query = select(FinalGrade.id, Student.last_name, Student.first_name, StudentGroup.name,
                   Discipline.name, Period.name, FinalGrade.value, Period.final_grade_deadline,
                   first).join(
        Journal, Journal.id == FinalGrade.journal_id).join(
        Student, Student.id == FinalGrade.student_id).join(
        StudentGroup, StudentGroup.id == Journal.group_id).join(
        Discipline, Discipline.id == Journal.discipline_id).join(
        Period, Period.id == FinalGrade.period_id).where(
        FinalGrade.period_id.in_([p.id for p in periods] or [0]))
    if person:
        query = query.where(Journal.teacher_id == person)
    rows = []
    for r in db.session.execute(query.order_by(StudentGroup.name, Discipline.name,
                                               Student.last_name, Student.first_name)):
        if r[8] is not None and clock.local(r[8]) >= clock.day_start(r[7] + timedelta(days=1)):
            rows.append([name(r[1], r[2]), r[3], r[4], r[5], r[6],
                         clock.format_date(r[7]), clock.format_moment(r[8])])
    return ((_l("Студент"), _l("Группа"), _l("Дисциплина"), _l("Период"), _l("Оценка"),
             _l("Срок"), _l("Впервые выставлена")),
            rows)


CHANGE_HEADERS = (_l("Когда изменено"), _l("Кто изменил"), _l("Группа"), _l("Дисциплина"),
                  _l("Студент"),
                  _l("Занятие или период"), _l("Было"), _l("Стало"))


def cell_changes(where: list, person: int | None) -> list[list]:
    """Cell changes matching `where` (by `person` when given), deleted lessons' too: when,
    who, group, discipline, student, the lesson's day, old and new value."""
    who = user_alias()
    query = select(CellChange.changed_at, who.last_name, who.first_name, StudentGroup.name,
                   Discipline.name, Student.last_name, Student.first_name, Lesson.lesson_date,
                   CellChange.old_value, CellChange.new_value).join(
        Lesson, Lesson.id == CellChange.lesson_id).join(
        Journal, Journal.id == Lesson.journal_id).join(
        StudentGroup, StudentGroup.id == Journal.group_id).join(
        Discipline, Discipline.id == Journal.discipline_id).join(
        Student, Student.id == CellChange.student_id).outerjoin(
        who, who.id == CellChange.changed_by_id).where(*where).execution_options(
        include_deleted_lessons=True)
    if person:
        query = query.where(CellChange.changed_by_id == person)
    return [[r[0], name(r[1], r[2]), r[3], r[4], name(r[5], r[6]),
             clock.format_date(r[7]), r[8], r[9]] for r in db.session.execute(query)]


def corrections(span, person):
    """Cell changes of the span's lessons after the lesson day, and final-grade changes of its
    periods after the deadline — what the figure «исправлений после срока» counts."""
    rows = cell_changes([CellChange.is_correction.is_(True),
                          Lesson.lesson_date >= span.start, Lesson.lesson_date <= span.end],
                         person)
    who = user_alias()
    query = select(FinalGradeChange.changed_at, who.last_name, who.first_name, StudentGroup.name,
                   Discipline.name, Student.last_name, Student.first_name, Period.name,
                   FinalGradeChange.old_value, FinalGradeChange.new_value).join(
        FinalGrade, FinalGrade.id == FinalGradeChange.final_grade_id).join(
        Journal, Journal.id == FinalGrade.journal_id).join(
        StudentGroup, StudentGroup.id == Journal.group_id).join(
        Discipline, Discipline.id == Journal.discipline_id).join(
        Student, Student.id == FinalGrade.student_id).join(
        Period, Period.id == FinalGrade.period_id).outerjoin(
        who, who.id == FinalGradeChange.changed_by_id).where(
        FinalGradeChange.after_deadline.is_(True),
        FinalGrade.period_id.in_([p.id for p in span.periods] or [0]))
    if person:
        query = query.where(FinalGradeChange.changed_by_id == person)
    rows += [[r[0], name(r[1], r[2]), r[3], r[4], name(r[5], r[6]), r[7], r[8], r[9]]
             for r in db.session.execute(query)]
    rows.sort(key=lambda r: clock.local(r[0]))
    return CHANGE_HEADERS, [[clock.format_moment(r[0]), *r[1:]] for r in rows]


# --- the activity report's figures (6.1): by the moment of entry --------------------------
def entered_late(span, person):
    lo, hi = bounds(span.start, span.end)
    return LESSON_HEADERS, _lessons([Lesson.created_at >= lo, Lesson.created_at < hi,
                                     Lesson.is_late.is_(True)], person, by_creator=True)


def changed_after(span, person):
    lo, hi = bounds(span.start, span.end)
    rows = cell_changes([CellChange.is_correction.is_(True), CellChange.changed_at >= lo,
                          CellChange.changed_at < hi], person)
    rows.sort(key=lambda r: clock.local(r[0]))
    return CHANGE_HEADERS, [[clock.format_moment(r[0]), *r[1:]] for r in rows]


def upheld(span, person):
    """Reports of a wrong mark answered «исправлено» in the span (the mark was wrong)."""
    lo, hi = bounds(span.start, span.end)
    teacher = user_alias()
    query = select(IssueReport.created_at, IssueReport.answered_at, Student.last_name,
                   Student.first_name, StudentGroup.name, Discipline.name, Lesson.lesson_date,
                   teacher.last_name, teacher.first_name, IssueReport.answer).join(
        Student, Student.id == IssueReport.student_id).join(
        StudentGroup, StudentGroup.id == Student.group_id).outerjoin(
        Lesson, Lesson.id == IssueReport.lesson_id).outerjoin(
        Journal, Journal.id == Lesson.journal_id).outerjoin(
        Discipline, Discipline.id == Journal.discipline_id).outerjoin(
        teacher, teacher.id == IssueReport.assignee_id).where(
        IssueReport.kind == "wrong_mark", IssueReport.status == "corrected",
        IssueReport.answered_at >= lo, IssueReport.answered_at < hi).order_by(
        IssueReport.answered_at).execution_options(include_deleted_lessons=True)
    if person:
        query = query.where(IssueReport.assignee_id == person)
    return ((_l("Подано"), _l("Ответ дан"), _l("Студент"), _l("Группа"), _l("Дисциплина"),
             _l("Занятие"),
             _l("Преподаватель"), _l("Ответ")),
            [[clock.format_moment(r[0]), clock.format_moment(r[1]), name(r[2], r[3]), r[4],
              r[5] or "", clock.format_date(r[6]), name(r[7], r[8]), r[9] or ""]
             for r in db.session.execute(query)])


def staff_logins(span, person):
    lo, hi = bounds(span.start, span.end)
    query = select(AuditLog.created_at, AuditLog.username, AuditLog.ip_address).where(
        AuditLog.action == "login", AuditLog.created_at >= lo, AuditLog.created_at < hi)
    if person:
        query = query.where(AuditLog.user_id == person)
    return ((_l("Вход"), _l("Пользователь"), _l("Адрес")),
            [[clock.format_moment(r[0]), r[1] or "", r[2] or ""]
             for r in db.session.execute(query.order_by(AuditLog.created_at))])
