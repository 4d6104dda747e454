"""Documents excusing absences (справки; issue 14.5, 3.3, 5.2).

A student uploads a document for themself, a parent for their minor child still at the college
(the rule of scopes.parent_child_condition). The file must be a PDF, JPEG or PNG by its
CONTENT, not by its name; it is kept outside the web root under a random name (0600) and is
served only to those who may read the student: the student, their parent while the parent's
access lasts, the curator of the student's current group and the administration.

The curator of the student's current group (or the deputy / the administration) accepts or
rejects the document; a rejection needs a comment. Accepting sets the reason of EVERY «Н» of
the student within the range, in every journal, at once: a medical certificate gives
«болезнь» (illness), any other kind — a summons, an order of the college, another document —
gives «уважительная» (excused). The «Н» itself stays. Each changed cell goes through
completeness.correct_reason, the one rule of setting an absence reason: a history row
(old → new text), the cell's version bumped, an audit entry; cells in a closed period or an
archived year are left as they are and reported. The decision itself is audit-logged too.
An «Н» entered after the acceptance inside the range is recoded by applying the accepted
document again (`reapply`), from the document's page.
"""
import hashlib
import os
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, or_, select, true
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...infra.clock import today as clock_today
from ...models import GroupMembership, JournalCell, Lesson, Student
from ...models.documents import DOCUMENT_KINDS, NOTE_MAX_LENGTH, AbsenceDocument
from ...security.access import DECIDES_ABSENCE_DOCUMENTS, SEES_COLLEGE
from ..records import audit
from .document_files import (  # noqa: F401 - the files' rules, read through this module too
    EXTENSIONS, STORED_SUFFIX, DocumentConflict, DocumentDenied, DocumentError, DocumentNotFound,
    DocumentQuota, DocumentTooLarge, check_file, check_quota, detect_type, discard_file,
    documents_dir, file_path, max_bytes, max_megabytes, read_file, request_limit, store_file,
    too_large_message,
)
from ..scopes import (
    current_curated_group_ids, family_student_ids, parent_child_condition, parent_child_denial,
    parent_children, role_names,
)

# The administration reads and decides every document; IT keeps accounts, not medical papers.
MAX_RANGE_DAYS = 60  # one document covers at most this many calendar days
RECENT_DAYS = 30  # the start page reminds of accepted documents this many days after them
# What an accepted document makes of the «Н» in its range (the «Н» stays).
REASON_BY_KIND = {"medical": "illness", "summons": "excused", "college_order": "excused",
                  "other": "excused"}
STUDYING = ("studying", "academic_leave")
PAGE_SIZE = 50  # documents on one page of the list


# --- who may do what (SQL conditions) ----------------------------------------------------
def uploadable_students_filter(user, day: date | None = None):
    """SQL condition on Student: for whom this user may upload — themself while studying,
    or a parent's child while the parent's access lasts (5.2)."""
    day = day or clock_today()
    roles = role_names(user)
    conditions = []
    if "Student" in roles:
        conditions.append(and_(Student.user_id == user.id, Student.status.in_(STUDYING)))
    if "Parent" in roles:
        conditions.append(and_(Student.id.in_(parent_children(user)),
                               parent_child_condition(day)))
    return or_(*conditions) if conditions else false()


def uploadable_students(user) -> list[Student]:
    return db.session.scalars(select(Student).where(uploadable_students_filter(user)).options(
        joinedload(Student.group)).order_by(Student.last_name, Student.first_name)).all()


def readable_filter(user, day: date | None = None):
    """SQL condition on AbsenceDocument: the student's own, a parent's child's while allowed,
    the curator's current groups', every one for the administration; teachers read none."""
    day = day or clock_today()
    roles = role_names(user)
    if roles & SEES_COLLEGE:
        return true()
    conditions = []
    if roles & {"Student", "Parent"}:
        conditions.append(AbsenceDocument.student_id.in_(family_student_ids(user, day)))
    if "Curator" in roles:
        conditions.append(_curated(user))
    return or_(*conditions) if conditions else false()


def decidable_filter(user):
    """SQL condition on AbsenceDocument: the curator of the student's current group, or the
    deputy and the administration."""
    roles = role_names(user)
    if roles & SEES_COLLEGE:
        return true()
    return _curated(user) if "Curator" in roles else false()


def _curated(user):
    return AbsenceDocument.student_id.in_(select(Student.id).where(
        Student.group_id.in_(current_curated_group_ids(user))))


def may_decide(user) -> bool:
    return bool(role_names(user) & DECIDES_ABSENCE_DOCUMENTS)


# --- upload ------------------------------------------------------------------------------
def _parse_dates(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    if date_from is None or date_to is None:
        raise DocumentError(_("Укажите даты «с» и «по» в формате ДД.ММ.ГГГГ."))
    if date_to < date_from:
        raise DocumentError(_("Дата окончания раньше даты начала."))
    if date_from > today:
        raise DocumentError(_("Документ загружается за прошедшие дни: дата начала не может быть "
                              "позже сегодняшней."))
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise DocumentError(_("Один документ охватывает не более %(days)s дней.",
                              days=MAX_RANGE_DAYS))
    return date_from, date_to


def upload(user, student_id, kind: str, date_from: date | None, date_to: date | None,
           filename: str, claimed_type: str | None, data: bytes,
           note: str = "") -> AbsenceDocument:
    """Store a document for the student (refused for anyone but the student or their parent
    while allowed); the caller commits, or calls discard_file on failure."""
    today = clock_today()
    try:
        student_id = int(student_id)
    except (TypeError, ValueError):
        raise DocumentError(_("Выберите студента.")) from None
    student = db.session.scalar(select(Student).where(
        Student.id == student_id, uploadable_students_filter(user, today)))
    if student is None:
        raise DocumentDenied(_upload_refusal(user, student_id, today))
    if kind not in DOCUMENT_KINDS:
        raise DocumentError(_("Выберите вид документа."))
    date_from, date_to = _parse_dates(date_from, date_to, today)
    first_day = db.session.scalar(select(func.min(GroupMembership.start_date)).where(
        GroupMembership.student_id == student.id))
    if first_day is not None and date_from < first_day:
        raise DocumentError(_("Студент обучается с %(first_day)s: документ за более ранние дни не "
                              "принимается.", first_day=first_day.strftime("%d.%m.%Y")))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise DocumentError(_("Пояснение длиннее %(limit)s символов.", limit=NOTE_MAX_LENGTH))
    content_type, data = check_file(filename, claimed_type, data)
    check_quota(user, len(data))
    stored = store_file(data, content_type)
    document = AbsenceDocument(
        student_id=student.id, kind=kind, date_from=date_from, date_to=date_to,
        original_name=os.path.basename((filename or "").replace("\\", "/"))[:255],
        stored_name=stored, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), note=note or None, uploaded_by_id=user.id,
        status="pending")
    db.session.add(document)
    try:
        db.session.flush()
    except Exception:
        discard_file(stored)
        raise
    audit.record("absence_document_upload", "absence_document", document.id, user=user,
                 details={"student": student.id, "kind": kind,
                          "from": date_from.isoformat(), "to": date_to.isoformat(),
                          "type": content_type, "size": len(data),
                          "sha256": document.sha256})
    return document


def _upload_refusal(user, student_id: int, day: date) -> str:
    """Why this user may not upload for this student, in Russian."""
    roles = role_names(user)
    student = db.session.get(Student, student_id)
    if student is not None and "Parent" in roles and db.session.scalar(select(Student.id).where(
            Student.id == student_id, Student.id.in_(parent_children(user)))):
        if parent_child_denial(student, day) == "adult":
            return (_("Студенту исполнилось 18 лет: документ загружает он сам, доступ родителя "
                      "прекращён (п. 5.2)."))
        return _("Студент больше не обучается в техникуме: загрузить документ нельзя.")
    return _("Загрузить документ можно только за себя или за своего несовершеннолетнего ребёнка.")


# --- reading -----------------------------------------------------------------------------
@dataclass
class DocumentPage:
    """One page of the documents a user may read, with the counts of the whole list."""
    documents: list
    number: int
    pages: int
    total: int
    pending: int
    pending_students: int


def _list_order(readable):
    """Pending documents first, taken in turns: every student's oldest pending one, then every
    student's second, and so on (oldest first within a turn) — one student's flood never pushes
    another student's document off the first pages. Then the decided ones, newest first."""
    doc = AbsenceDocument
    pending = doc.status == "pending"
    turn = func.row_number().over(partition_by=(doc.student_id, doc.status),
                                  order_by=(doc.uploaded_at, doc.id))
    ranked = select(doc.id.label("id"), case((pending, turn), else_=0).label("turn"),
                    case((pending, 0), else_=1).label("decided"),
                    case((pending, doc.uploaded_at), else_=None).label("waiting_since"),
                    doc.uploaded_at.label("uploaded_at")).where(readable).subquery()
    return ranked, (ranked.c.decided, ranked.c.turn, ranked.c.waiting_since,
                    ranked.c.uploaded_at.desc(), ranked.c.id.desc())


def documents_page(user, page=1, size: int = PAGE_SIZE) -> DocumentPage:
    """The page-th page (from 1; a bad or too large number gives the nearest page) of the
    documents this user may read, in the order of `_list_order`."""
    readable = readable_filter(user)
    total, pending, students = db.session.execute(select(
        func.count(AbsenceDocument.id),
        func.coalesce(func.sum(case((AbsenceDocument.status == "pending", 1), else_=0)), 0),
        func.count(func.distinct(case((AbsenceDocument.status == "pending",
                                       AbsenceDocument.student_id), else_=None))))
        .where(readable)).one()
    pages = max(1, -(-total // size))
    try:
        number = min(max(int(page), 1), pages)
    except (TypeError, ValueError, OverflowError):
        number = 1
    ranked, order = _list_order(readable)
    ids = db.session.scalars(select(ranked.c.id).order_by(*order)
                             .offset((number - 1) * size).limit(size)).all()
    found = {d.id: d for d in db.session.scalars(select(AbsenceDocument).where(
        AbsenceDocument.id.in_(ids)).options(
        joinedload(AbsenceDocument.student).joinedload(Student.group),
        joinedload(AbsenceDocument.uploaded_by), joinedload(AbsenceDocument.decided_by)))}
    return DocumentPage([found[i] for i in ids], number, pages, total, int(pending), students)


def documents_for(user, page=1) -> list[AbsenceDocument]:
    """The documents of one page of the list (see documents_page)."""
    return documents_page(user, page).documents


def document_for_read(user, document_id) -> AbsenceDocument:
    """The document if the user may read it; otherwise 404 whether it exists or not."""
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        raise DocumentNotFound(_("Документ не найден.")) from None
    document = db.session.scalar(select(AbsenceDocument).where(
        AbsenceDocument.id == document_id, readable_filter(user)).options(
        joinedload(AbsenceDocument.student).joinedload(Student.group),
        joinedload(AbsenceDocument.uploaded_by), joinedload(AbsenceDocument.decided_by)))
    if document is None:
        raise DocumentNotFound(_("Документ не найден."))
    return document


def can_decide_document(user, document: AbsenceDocument) -> bool:
    return db.session.scalar(select(AbsenceDocument.id).where(
        AbsenceDocument.id == document.id, decidable_filter(user))) is not None


def pending_for_curator(user, limit: int = 10, day: date | None = None) -> dict | None:
    """The curator's start page: pending documents of the groups they curate now, and the
    recently accepted ones whose range holds an «Н» marked since without their reason (to be
    applied again)."""
    if "Curator" not in role_names(user):
        return None
    day = day or clock_today()
    condition = and_(AbsenceDocument.status == "pending", _curated(user))
    total = db.session.scalar(select(func.count(AbsenceDocument.id)).where(condition))
    eager = joinedload(AbsenceDocument.student).joinedload(Student.group)
    rows = db.session.scalars(select(AbsenceDocument).where(condition).options(eager)
                              .order_by(AbsenceDocument.uploaded_at, AbsenceDocument.id)
                              .limit(limit)).all()
    recent = db.session.scalars(select(AbsenceDocument).where(
        AbsenceDocument.status == "accepted", _curated(user),
        AbsenceDocument.date_to >= day - timedelta(days=RECENT_DAYS)).options(eager)
        .order_by(AbsenceDocument.date_from, AbsenceDocument.id)).all()
    counts = absences_in_range(recent)
    stale = [d for d in recent if counts.get(d.id, (0, 0))[1] < counts.get(d.id, (0, 0))[0]]
    return {"total": total or 0, "documents": rows, "stale": stale}


def absences_in_range(documents: list[AbsenceDocument]) -> dict[int, tuple[int, int]]:
    """Per document: («Н» in its range, of them already with the document's reason) — one
    query for the whole list."""
    if not documents:
        return {}
    out = {}
    doc = AbsenceDocument.__table__.c
    reason = case(*((doc.kind == kind, value) for kind, value in REASON_BY_KIND.items()))
    rows = db.session.execute(
        select(doc.id, func.count(JournalCell.id),
               func.sum(case((JournalCell.absence_reason == reason, 1), else_=0)))
        .select_from(AbsenceDocument.__table__)
        .join(JournalCell, JournalCell.student_id == doc.student_id)
        .join(Lesson, Lesson.id == JournalCell.lesson_id)
        .where(doc.id.in_([d.id for d in documents]), JournalCell.absent.is_(True),
               Lesson.lesson_date >= doc.date_from, Lesson.lesson_date <= doc.date_to)
        .group_by(doc.id))
    for document_id, total, recoded in rows:
        out[document_id] = (int(total or 0), int(recoded or 0))
    return out
