"""Academic debts and retakes (4.7).

A debt is materialised when the deputy closes a period (periods.close_period → sync_debts):
every unsatisfactory (2, незач), «н/а» or missing final grade of the period's intermediate
attestation — the kind its semester's form in the curriculum asks for — becomes a row of
academic_debt with its origin and deadline (DEBT_DEADLINE_DAYS after the closing order).
`flask journal debts-sync` recomputes them idempotently. Who reads which debts (debt_filter),
the registers (college, group, student) and their XLSX live here; retakes in retakes.py.
Two failed retakes are grounds for expulsion: shown, never acted on.
"""
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, or_, select, true
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import Forbidden, NotFound
from ...extensions import db
from ...infra.clock import today as clock_today
from ...infra.daytime import iso_time
from ...models import (
    FinalGrade, GroupMembership, Journal, Period, Student, SubgroupMember,
    User,
)
from ...models.base import utcnow
from ...models.debts import AcademicDebt, Retake, RetakeEntry, RetakeExaminer
from ...models.sheets import ExamSheet, ExamSheetJournal, ExamSheetRow
from ...security.access import SEES_COLLEGE, TEACHES
from ..journal.forms import ABSENT, NOT_ATTESTED, form_parts
from ..journal.generation import period_forms, plan_forms
from ..portal.record import RecordDenied, record_scope
from ..records import audit
from ..scopes import current_curated_group_ids, family_student_ids, role_names, taught_journal_ids
from .debt_deadlines import debt_extension

# The final kind that is the intermediate attestation of a semester's form (4.7); a course
# project or work beside an exam ("exam+course_project") is an attestation of its own.
ATTESTATION_KIND = {"exam": "exam", "diff_credit": "diff_credit", "credit": "credit",
                    "grade": "semester", "course_project": "course_project",
                    "course_work": "course_work", "module_exam": "module_exam"}
UNSATISFACTORY = ("2", "незач")
POSITIVE = ("3", "4", "5", "зач")
STATUS_FILTERS = ("open", "overdue", "expulsion", "closed", "all")
LEFT_STATUSES = ("expelled", "transferred", "graduated")
PAGE_SIZE = 100


def kind_label(kind: str) -> str:
    return labels.text(labels.FINAL_GRADE_KINDS, kind, kind)


def deadline_days() -> int:
    return int(current_app.config.get("DEBT_DEADLINE_DAYS", 60))


# --- Materialising debts of closed periods ------------------------------------------------------
def _rosters(group_ids, day: date) -> dict[int, set[int]]:
    """group id → students in it on `day` (one query)."""
    out: dict[int, set[int]] = {}
    for sid, gid in db.session.execute(select(GroupMembership.student_id,
                                              GroupMembership.group_id).where(
            GroupMembership.group_id.in_(group_ids), GroupMembership.start_date <= day,
            or_(GroupMembership.end_date.is_(None), GroupMembership.end_date >= day))):
        out.setdefault(gid, set()).add(sid)
    return out


def expected_debts(period: Period) -> dict[tuple, tuple[str, str | None]]:
    """(student, journal, period, kind) → (origin, grade) the closed period's grades make."""
    journals = db.session.scalars(select(Journal).where(
        Journal.academic_year_id == period.academic_year_id)
        .options(joinedload(Journal.group))).all()
    if not journals:
        return {}
    plan = plan_forms()
    rosters = _rosters({j.group_id for j in journals}, period.end_date)
    members: dict[int, set[int]] = {}
    for sub, sid in db.session.execute(select(SubgroupMember.subgroup_id,
                                              SubgroupMember.student_id)):
        members.setdefault(sub, set()).add(sid)
    grades: dict[int, dict[tuple[int, str], str]] = {}  # journal → (student, kind) → value
    for jid, sid, kind, value in db.session.execute(
            select(FinalGrade.journal_id, FinalGrade.student_id, FinalGrade.kind,
                   FinalGrade.value).where(FinalGrade.period_id == period.id)):
        grades.setdefault(jid, {})[(sid, kind)] = value
    refused = set(db.session.execute(
        select(ExamSheet.journal_id, ExamSheetRow.student_id, ExamSheet.kind)
        .join(ExamSheetRow, ExamSheetRow.sheet_id == ExamSheet.id)
        .where(ExamSheet.period_id == period.id, ExamSheetRow.admitted.is_(False))).all()) | set(
        db.session.execute(  # the other disciplines of a complex sheet
            select(ExamSheetJournal.journal_id, ExamSheetRow.student_id, ExamSheetJournal.kind)
            .join(ExamSheetRow, ExamSheetRow.sheet_id == ExamSheetJournal.sheet_id)
            .where(ExamSheetJournal.period_id == period.id,
                   ExamSheetRow.admitted.is_(False))).all())
    resting = set(db.session.scalars(select(Student.id).where(
        Student.status == "academic_leave")))
    out = {}
    for journal in journals:
        kinds = [ATTESTATION_KIND[part] for part in form_parts(
            period_forms(journal, [period], plan)[period.id]) if part in ATTESTATION_KIND]
        roster = rosters.get(journal.group_id, set())
        if journal.subgroup_id:
            roster = roster & members.get(journal.subgroup_id, set())
        given = grades.get(journal.id, {})
        for kind in kinds:
            graded = {sid for (sid, k) in given if k == kind}
            for sid in roster | graded:
                origin = debt_origin(given.get((sid, kind)), (journal.id, sid, kind) in refused,
                                     sid in resting)
                if origin is not None:
                    out[(sid, journal.id, period.id, kind)] = (origin, given.get((sid, kind)))
    return out


def debt_origin(value: str | None, refused: bool, resting: bool) -> str | None:
    """4.7: why a final grade of a closed attestation is a debt, or None when it is none.
    A 2 or «не зачтено» (a module exam's «вид деятельности не освоен» too); «неявка» (a
    no-show); «н/а» of a student not admitted (recorded with the reason on the sheet: not
    passing the attestation is a debt, Federal Law 273-FZ art. 58 p. 2) or not attested; no
    grade at all, unless on academic leave. «Освобождён» and «перезачтено» are no debt."""
    if value in UNSATISFACTORY:
        return "unsatisfactory"
    if value == ABSENT:
        return "absent"
    if value == NOT_ATTESTED:
        return "not_admitted" if refused else "not_attested"
    if value is None and not resting:
        return "missing"
    return None


def sync_debts(period_ids=None, user=None) -> dict[str, int]:
    """Create the debts of closed periods, close those whose grade was corrected since, keep the
    rest; safe to repeat. Returns the counts of created, closed and updated debts."""
    query = select(Period).where(Period.closed_at.is_not(None))
    if period_ids is not None:
        query = query.where(Period.id.in_(list(period_ids)))
    total = {"created": 0, "closed": 0, "updated": 0}
    days = deadline_days()
    for period in db.session.scalars(query.order_by(Period.start_date)).all():
        counts = dict.fromkeys(total, 0)
        expected = expected_debts(period)
        existing = {(d.student_id, d.journal_id, d.period_id, d.kind): d
                    for d in db.session.scalars(select(AcademicDebt).where(
                        AcademicDebt.period_id == period.id))}
        base = period.close_order_date or period.closed_at.date()
        for key, (origin, value) in expected.items():
            debt = existing.get(key)
            if debt is None:
                db.session.add(AcademicDebt(
                    student_id=key[0], journal_id=key[1], period_id=key[2], kind=key[3],
                    origin=origin, grade_value=value, deadline=base + timedelta(days=days),
                    status="open", failed_retakes=0))
                counts["created"] += 1
            elif debt.status == "open" and (debt.origin, debt.grade_value) != (origin, value):
                debt.origin, debt.grade_value = origin, value
                counts["updated"] += 1
        for key, debt in existing.items():
            if key not in expected and debt.status == "open":
                # the deputy corrected the grade in the closed period (periods.ensure_open)
                debt.status, debt.closed_at = "closed", utcnow()
                counts["closed"] += 1
        if any(counts.values()):
            audit.record("debts_sync", "period", period.id, user=user,
                         details=dict(counts, period=str(period)))
        for key, n in counts.items():
            total[key] += n
    db.session.flush()
    return total


# --- Who sees which debts -----------------------------------------------------------------------
def debt_filter(user, day: date | None = None):
    """SQL condition on AcademicDebt: the debts this user may read — the administration all;
    a curator their current groups'; a teacher their journals' and the retakes they examine;
    a student their own; a parent their children's while allowed (5.2)."""
    roles = role_names(user)
    if roles & SEES_COLLEGE:
        return true()
    conditions = []
    if "Curator" in roles:
        conditions.append(AcademicDebt.student_id.in_(select(Student.id).where(
            Student.group_id.in_(current_curated_group_ids(user)))))
    if roles & TEACHES:
        conditions.append(AcademicDebt.journal_id.in_(taught_journal_ids(user)))
        conditions.append(AcademicDebt.id.in_(
            select(RetakeEntry.debt_id).join(RetakeExaminer, RetakeExaminer.retake_id
                                             == RetakeEntry.retake_id)
            .where(RetakeExaminer.user_id == user.id)))
    if roles & {"Student", "Parent"}:
        conditions.append(AcademicDebt.student_id.in_(family_student_ids(user, day)))
    return or_(*conditions) if conditions else false()


def overdue_condition(day: date):
    return and_(AcademicDebt.status == "open", AcademicDebt.deadline < day)


def expulsion_condition():
    """4.7: the third failure (the second retake failed) — grounds for expulsion, shown only."""
    return and_(AcademicDebt.status == "open", AcademicDebt.failed_retakes >= 2)


def _status_condition(status: str, day: date):
    return {"open": AcademicDebt.status == "open", "closed": AcademicDebt.status == "closed",
            "overdue": overdue_condition(day), "expulsion": expulsion_condition(),
            "all": true()}[status]


def _rows(query, day: date) -> list[dict]:
    debts = db.session.scalars(query.options(
        joinedload(AcademicDebt.student).joinedload(Student.group),
        joinedload(AcademicDebt.journal).joinedload(Journal.discipline),
        joinedload(AcademicDebt.journal).joinedload(Journal.group),
        joinedload(AcademicDebt.journal).joinedload(Journal.teacher),
        joinedload(AcademicDebt.period).joinedload(Period.academic_year))).unique().all()
    # the same select gives the ids: thousands of ids are not sent back as parameters
    retakes = _retakes_of(query.with_only_columns(AcademicDebt.id)) if debts else {}
    return [debt_row(d, retakes.get(d.id, []), day) for d in debts]


def _retakes_of(debt_ids) -> dict[int, list[dict]]:
    """debt id → its retakes in order, with examiners and results (two queries);
    `debt_ids`: a select of the debts' ids."""
    out: dict[int, list[dict]] = {}
    entries = db.session.execute(select(RetakeEntry, Retake).join(
        Retake, Retake.id == RetakeEntry.retake_id).where(RetakeEntry.debt_id.in_(debt_ids))
        .order_by(Retake.attempt, Retake.id)).all()
    examiners: dict[int, list] = {}
    for ex, user in db.session.execute(select(RetakeExaminer, User).join(
            User, User.id == RetakeExaminer.user_id).where(RetakeExaminer.retake_id.in_(
            select(RetakeEntry.retake_id).where(RetakeEntry.debt_id.in_(debt_ids))))
            .order_by(RetakeExaminer.position)):
        examiners.setdefault(ex.retake_id, []).append(
            {"user_id": user.id, "name": f"{user.last_name} {user.first_name}",
             "role": ex.role})
    for entry, retake in entries:
        out.setdefault(entry.debt_id, []).append({
            "id": retake.id, "entry_id": entry.id, "attempt": retake.attempt,
            "date": retake.retake_date.isoformat(), "time": iso_time(retake.starts_at),
            "place": retake.place,
            "sheet_number": retake.sheet_number, "examiners": examiners.get(retake.id, []),
            "result": entry.result,
            "passed": None if entry.result is None else entry.result in POSITIVE})
    return out


def debt_row(debt: AcademicDebt, retakes: list[dict], day: date) -> dict:
    journal, student, period = debt.journal, debt.student, debt.period
    return {
        "id": debt.id, "student_id": student.id, "student": student.full_name,
        "student_status": student.status, "left": student.status in LEFT_STATUSES,
        "group": student.group.name, "journal_id": journal.id,
        "journal_group": journal.group.name,
        "discipline": {"id": journal.discipline_id, "code": journal.discipline.code,
                       "name": journal.discipline.name},
        "teacher": f"{journal.teacher.last_name} {journal.teacher.first_name}",
        "period": {"id": period.id, "name": period.name,
                   "academic_year": period.academic_year.name},
        "kind": debt.kind, "kind_label": kind_label(debt.kind),
        "origin": debt.origin, "origin_label": labels.text(labels.DEBT_ORIGINS, debt.origin),
        "grade_value": debt.grade_value, "deadline": debt.deadline.isoformat(),
        "extension": debt_extension(debt),
        "status": debt.status, "overdue": debt.status == "open" and debt.deadline < day,
        "failed_retakes": debt.failed_retakes,
        "expulsion_grounds": debt.status == "open" and debt.failed_retakes >= 2,
        "pending": any(r["result"] is None for r in retakes),
        "closed_at": debt.closed_at.isoformat() if debt.closed_at else None,
        "closed_by_retake_id": debt.closed_by_retake_id, "retakes": retakes}


# --- One student's debts (the page, the API, the record's block) ---------------------------------
def _student_in_scope(user, student_id):
    """The student and the journals of theirs the user may read (None = all): the record's
    rule (record.record_scope) — the student, their parents while allowed, their curator,
    their teachers for their disciplines, the administration."""
    student = db.session.get(Student, student_id) if isinstance(student_id, int) else None
    if student is None:
        raise NotFound(_("Обучающийся не найден."))
    try:
        return student, record_scope(user, student)
    except RecordDenied as exc:
        raise Forbidden(str(exc)) from None


def student_debts(user, student_id, day: date | None = None) -> dict:
    """The student's debts with their retakes; the read is audited (4.1)."""
    day = day or clock_today()
    try:
        student, scope = _student_in_scope(user, student_id)
    except Forbidden:
        audit.record("access_denied", "student", student_id)
        db.session.commit()
        raise
    query = select(AcademicDebt).where(AcademicDebt.student_id == student.id)
    if scope is not None:
        query = query.where(AcademicDebt.journal_id.in_(scope))
    query = query.join(Period, Period.id == AcademicDebt.period_id).order_by(
        Period.start_date, AcademicDebt.id)
    rows = _rows(query, day)
    audit.record("view", "student", student.id,
                 details={"scope": "all" if scope is None else "own_disciplines"})
    audit.commit_read()
    return {"student": {"id": student.id, "full_name": student.full_name,
                        "group": student.group.name, "status": student.status},
            "today": day.isoformat(), "limited_to_own_disciplines": scope is not None,
            "open": sum(1 for r in rows if r["status"] == "open"),
            "overdue": sum(1 for r in rows if r["overdue"]), "debts": rows}


def group_debt_counts(group_ids: list[int], day: date) -> dict[int, dict[str, int]]:
    """The open debts of each group's current students and how many are overdue (one query;
    the curator's start page)."""
    if not group_ids:
        return {}
    rows = db.session.execute(
        select(Student.group_id, func.count(AcademicDebt.id),
               func.sum(case((AcademicDebt.deadline < day, 1), else_=0)))
        .join(Student, Student.id == AcademicDebt.student_id)
        .where(Student.group_id.in_(group_ids), AcademicDebt.status == "open",
               ~Student.status.in_(LEFT_STATUSES))
        .group_by(Student.group_id)).all()
    return {gid: {"open": n, "overdue": int(late or 0)} for gid, n, late in rows}
