"""Student status changes by order and account blocking through IT (5.2).

The curator records a transfer, expulsion, academic leave, restoration or graduation; each
creates a request to block or unblock the student's account; IT confirms it.
"""
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import labels
from ...errors import Forbidden, NotFound, Refused
from ...extensions import db
from ...models import BlockRequest, GroupMembership, Student, StudentStatusChange
from ...models.base import utcnow
from ...security.access import IT_STAFF
from ..records import audit
from ..scopes import curated_group_ids, parent_child_denial, role_names

KINDS = labels.STATUS_CHANGE_REQUESTS
# kind → (new status, account action, statuses it may follow)
RULES = {
    "transfer": ("transferred", "block", ("studying", "academic_leave")),
    "expulsion": ("expelled", "block", ("studying", "academic_leave")),
    "academic_leave": ("academic_leave", "block", ("studying",)),
    "restoration": ("studying", "unblock", ("academic_leave", "expelled", "transferred")),
    "graduation": ("graduated", "block", ("studying",)),
}


def record_status_change(actor, student_id: int, kind: str, order_number: str,
                         order_date: date | None, effective_date: date | None = None,
                         note: str = "") -> StudentStatusChange:
    """The curator's form (5.2): validate, record the order and apply it."""
    student = db.session.get(Student, student_id)
    if student is None:
        raise NotFound(_("Студент не найден."))
    if student.group.curator_id != actor.id and "Admin" not in role_names(actor):
        raise Forbidden(_("Изменение статуса вносит куратор группы студента."))
    order_number = (order_number or "").strip()
    if kind in RULES and (not order_number or order_date is None):
        raise Refused(_("Укажите номер и дату приказа."))
    change = StudentStatusChange(student_id=student.id, kind=kind, order_number=order_number[:32],
                                 order_date=order_date, effective_date=effective_date,
                                 from_group_id=student.group_id, note=(note or "").strip())
    apply_status_change(actor, student, change)
    db.session.flush()
    return change


def apply_status_change(actor, student: Student, change: StudentStatusChange) -> None:
    """The one place an order changes a student's status, wherever it is entered (the curator's
    form, the administration's screen): the new status follows from the kind of order, the
    group membership ends when the student leaves, and the account gets a blocking or
    unblocking request for IT (5.2)."""
    kind = change.kind
    if kind not in RULES:
        raise Refused(_("Выберите вид изменения: перевод, отчисление, академический отпуск, "
                         "восстановление или выпуск."))
    new_status, action, allowed = RULES[kind]
    if student.status not in allowed:
        raise Refused(_("Нельзя оформить «%(kind)s»: студент сейчас в статусе, из "
                         "которого это изменение невозможно.", kind=KINDS[kind]))
    effective = change.effective_date or change.order_date
    change.effective_date = effective
    change.old_status, change.new_status = student.status, new_status
    change.created_by_id = actor.id
    db.session.add(change)
    student.status = new_status
    if new_status != "studying" and new_status != "academic_leave":
        for m in student.memberships:
            if m.end_date is None:
                m.end_date = max(effective, m.start_date)
    elif kind == "restoration" and all(m.end_date is not None for m in student.memberships):
        db.session.add(GroupMembership(student_id=student.id, group_id=student.group_id,
                                       start_date=effective))
    if student.user_id:
        pending = db.session.scalar(select(BlockRequest).where(
            BlockRequest.user_id == student.user_id, BlockRequest.status == "pending"))
        if pending is not None:  # the newer order decides
            pending.status = "rejected"
            pending.decided_at = utcnow()
            pending.decided_by_id = actor.id
        db.session.add(BlockRequest(
            user_id=student.user_id, student_id=student.id, status_change=change,
            action=action, status="pending", requested_by_id=actor.id,
            reason=f"{labels.russian(KINDS, kind)}, приказ № {change.order_number} от "
                   f"{change.order_date:%d.%m.%Y}"))
    audit.record("status_change", "student", student.id, user=actor, details={
        "kind": kind, "order": change.order_number, "new_status": new_status})


def request_filter(user):
    if role_names(user) & IT_STAFF:
        return BlockRequest.id.isnot(None)
    return BlockRequest.student_id.in_(select(Student.id).where(
        Student.group_id.in_(curated_group_ids(user))))


def requests_for(user, pending_only: bool = False) -> list[BlockRequest]:
    query = select(BlockRequest).where(request_filter(user)).options(
        joinedload(BlockRequest.user), joinedload(BlockRequest.student),
        joinedload(BlockRequest.requested_by)).order_by(BlockRequest.requested_at.desc())
    if pending_only:
        query = query.where(BlockRequest.status == "pending")
    return db.session.scalars(query).all()


def pending_request(actor, request_id: int) -> BlockRequest:
    """The pending request IT is about to decide (5.2); refused for anyone but IT, for an
    unknown request and for one already decided."""
    if not role_names(actor) & IT_STAFF:
        raise Forbidden(_("Заявки на блокировку подтверждает отдел ИТ."))
    req = db.session.get(BlockRequest, request_id)
    if req is None:
        raise NotFound(_("Заявка не найдена."))
    if req.status != "pending":
        raise Refused(_("Заявка уже рассмотрена."))
    return req


def blocking_consequences(actor, request_id: int) -> dict:
    """What confirming a request will do, said before IT confirms it (5.2): whose account,
    and — for a student — what becomes of the parents' access. Blocking ends the account's
    sessions and tokens at once (app/security/manager.py loads only active accounts); the parents'
    own accounts are not blocked, and a parent sees a child only while the child studies
    (scopes.parent_child_condition), so an order of leaving has already closed that view."""
    req = pending_request(actor, request_id)
    student = req.student
    parents = len(student.parent_links) if student is not None else 0
    return {"block_request": req, "account": req.user, "student": student,
            "group": student.group if student is not None else None,
            "parents": parents,
            "parent_denial": parent_child_denial(student) if student is not None else None}


def decide(actor, request_id: int, confirm: bool) -> BlockRequest:
    """IT confirms (the account is blocked/unblocked) or rejects a pending request."""
    req = pending_request(actor, request_id)
    req.status = "confirmed" if confirm else "rejected"
    req.decided_by_id, req.decided_at = actor.id, utcnow()
    if confirm:
        user = db.session.get(current_app.appbuilder.sm.user_model, req.user_id)
        user.active = req.action == "unblock"
        audit.record("account_block" if req.action == "block" else "account_unblock", "user",
                     user.id, details={"request": req.id, "reason": req.reason}, user=actor)
    else:
        audit.record("block_request_reject", "block_request", req.id, user=actor)
    db.session.flush()
    return req


def curated_students(user) -> list[Student]:
    return db.session.scalars(select(Student).where(
        Student.group_id.in_(curated_group_ids(user))).options(
        joinedload(Student.group)).order_by(Student.last_name, Student.first_name)).all()
