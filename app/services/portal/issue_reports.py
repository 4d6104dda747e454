"""Reports of a wrong mark or an access problem (2.2, 5.4): a student or parent reports, the
teacher or curator it concerns answers, and both see the answer."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ...infra import clock
from ...models import CellChange, IssueReport, Journal, JournalCell, Lesson, Student
from ..journal.access import history_text
from ..records import audit
from ..scopes import parent_children, role_names
from .record import RecordDenied, RecordError, RecordNotFound, _journal_ids, _student, record_scope


# --- Reports of a wrong mark (to the teacher) and of access problems (to the curator) --------
def _reporter_may_report(user, student: Student) -> None:
    """Only the student and their linked parent (while allowed) report (5.4)."""
    if student.user_id == user.id:
        return
    if "Parent" in role_names(user):
        record_scope(user, student)  # raises with the reason when access ended
        return
    raise RecordDenied(_("Сообщить об ошибке может только сам обучающийся или его родитель."))


def _clean_text(text) -> str:
    text = (text or "").strip()
    if not text:
        raise RecordError(_("Опишите проблему."))
    if len(text) > 4000:
        raise RecordError(_("Текст слишком длинный (не более 4000 знаков)."))
    return text


def report_wrong_mark(user, student_id, lesson_id, text) -> IssueReport:
    student = _student(student_id)
    _reporter_may_report(user, student)
    try:
        lesson = db.session.get(Lesson, int(lesson_id))
    except (TypeError, ValueError):
        lesson = None
    cell = lesson and db.session.scalar(select(JournalCell).where(
        JournalCell.lesson_id == lesson.id, JournalCell.student_id == student.id))
    if cell is None or lesson.journal_id not in set(db.session.scalars(_journal_ids(student))):
        raise RecordNotFound(_("Оценка не найдена."))
    report = IssueReport(kind="wrong_mark", student_id=student.id, reporter_id=user.id,
                         assignee_id=lesson.teacher_id, lesson_id=lesson.id,
                         text=_clean_text(text), status="open")
    db.session.add(report)
    db.session.flush()
    audit.record("issue_report", "issue_report", report.id,
                 details={"kind": "wrong_mark", "lesson_id": lesson.id})
    db.session.commit()
    return report


def report_access_problem(user, student_id, text) -> IssueReport:
    student = _student(student_id)
    linked = student.user_id == user.id or db.session.scalar(
        select(Student.id).where(Student.id == student.id, Student.id.in_(parent_children(user))))
    if not linked:  # a parent whose access ended may still ask the curator
        raise RecordDenied(_("Сообщить о проблеме может только сам обучающийся или его родитель."))
    if student.group.curator_id is None:
        raise RecordError(_("У группы не назначен куратор."))
    report = IssueReport(kind="access", student_id=student.id, reporter_id=user.id,
                         assignee_id=student.group.curator_id, text=_clean_text(text),
                         status="open")
    db.session.add(report)
    db.session.flush()
    audit.record("issue_report", "issue_report", report.id, details={"kind": "access"})
    db.session.commit()
    return report


def reports_of_reporter(user) -> list[IssueReport]:
    # a report names its lesson even after the lesson was deleted (1.6)
    return db.session.scalars(select(IssueReport).where(IssueReport.reporter_id == user.id)
                              .options(joinedload(IssueReport.lesson).joinedload(Lesson.journal)
                                       .joinedload(Journal.discipline),
                                       joinedload(IssueReport.student))
                              .order_by(IssueReport.created_at.desc())
                              .execution_options(include_deleted_lessons=True)).all()


def reports_assigned(user, open_only: bool = False) -> list[IssueReport]:
    q = (select(IssueReport).where(IssueReport.assignee_id == user.id)
         .options(joinedload(IssueReport.lesson).joinedload(Lesson.journal)
                  .joinedload(Journal.discipline), joinedload(IssueReport.student),
                  joinedload(IssueReport.reporter))
         .order_by(IssueReport.status != "open", IssueReport.created_at.desc()))
    if open_only:
        q = q.where(IssueReport.status == "open")
    return db.session.scalars(q.execution_options(include_deleted_lessons=True)).all()


def report_for_assignee(user, report_id) -> tuple[IssueReport, list[CellChange], str]:
    """The report with the mark's history and the current cell (what the teacher checks)."""
    try:
        report = db.session.get(IssueReport, int(report_id),
                                execution_options={"include_deleted_lessons": True})
    except (TypeError, ValueError):
        report = None
    if report is None or report.assignee_id != user.id:
        raise RecordNotFound(_("Обращение не найдено."))
    history, current = [], ""
    if report.lesson_id:
        history = db.session.scalars(select(CellChange).where(
            CellChange.lesson_id == report.lesson_id, CellChange.student_id == report.student_id)
            .options(joinedload(CellChange.changed_by))
            .order_by(CellChange.changed_at, CellChange.id)).all()
        cell = db.session.scalar(select(JournalCell).where(
            JournalCell.lesson_id == report.lesson_id,
            JournalCell.student_id == report.student_id).options(selectinload(JournalCell.marks)))
        current = history_text(cell.absent, cell.absence_reason, cell.marks) if cell else ""
    return report, history, current


def answer_report(user, report_id, outcome, answer) -> IssueReport:
    report, _history, _current = report_for_assignee(user, report_id)
    allowed = ("corrected", "confirmed") if report.kind == "wrong_mark" else ("resolved",)
    if outcome not in allowed:
        raise RecordError(_("Выберите итог рассмотрения."))
    if report.status != "open":
        raise RecordError(_("Ответ на это обращение уже дан."))
    report.status = outcome
    report.answer = _clean_text(answer)
    report.answered_at = clock.now()
    audit.record("issue_answer", "issue_report", report.id, details={"status": outcome})
    db.session.commit()
    return report
