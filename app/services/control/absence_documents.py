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
import io
import os
import secrets
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, or_, select, true
from sqlalchemy.orm import joinedload

from ...errors import Refused
from ...extensions import db
from ...infra.clock import today as clock_today
from ...models import GroupMembership, JournalCell, Lesson, Student
from ...models.documents import DOCUMENT_KINDS, NOTE_MAX_LENGTH, AbsenceDocument
from ...security.access import DECIDES_ABSENCE_DOCUMENTS, SEES_COLLEGE
from ..records import audit
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
# The names a file may bear and the content each name promises.
EXTENSIONS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".png": "image/png"}
STORED_SUFFIX = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
STUDYING = ("studying", "academic_leave")

try:  # images are also decoded when Pillow is installed (requirements.txt pins it)
    from PIL import Image, UnidentifiedImageError
except ImportError:  # pragma: no cover - the magic bytes alone still decide the type
    Image = None


class DocumentError(Refused):
    """An absence document refused: its file, dates or decision (14.5)."""


class DocumentDenied(DocumentError):
    status = 403


class DocumentNotFound(DocumentError):
    status = 404


class DocumentConflict(DocumentError):
    status = 409


class DocumentTooLarge(DocumentError):
    status = 413


# --- settings and storage ------------------------------------------------------------------
def max_bytes() -> int:
    return int(current_app.config["ABSENCE_DOCUMENT_MAX_BYTES"])


def max_megabytes() -> str:
    return f"{max_bytes() / (1024 * 1024):g}"


def documents_dir() -> Path:
    """DOCUMENTS_DIR, outside the web root; created readable by the portal's user only."""
    path = Path(current_app.config["DOCUMENTS_DIR"])
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def file_path(document: AbsenceDocument) -> Path:
    return documents_dir() / document.stored_name


def read_file(document: AbsenceDocument) -> bytes:
    return file_path(document).read_bytes()


# --- content ------------------------------------------------------------------------------
def detect_type(data: bytes) -> str | None:
    """The content type by the file's own bytes (its name and the browser's word aside):
    a PDF header and end-of-file marker, the JPEG or PNG signature; an image must also
    decode with Pillow."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    else:
        return None
    if Image is not None:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                if Image.MIME.get(image.format) != kind:
                    return None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
                Image.DecompressionBombError):
            return None
    return kind


def check_file(filename: str, claimed_type: str | None, data: bytes) -> str:
    """The detected content type, or a refusal in Russian: unknown extension, empty, too
    large, content unlike its name or its declared type."""
    name = (filename or "").strip()
    if not name:
        raise DocumentError(_("Выберите файл документа: PDF, JPEG или PNG."))
    promised = EXTENSIONS.get(os.path.splitext(name)[1].lower())
    if promised is None:
        raise DocumentError(_("Принимаются только файлы PDF, JPEG и PNG."))
    if not data:
        raise DocumentError(_("Файл пуст."))
    if len(data) > max_bytes():
        raise DocumentTooLarge(_("Файл слишком большой: допускается не более "
                                 "%(limit)s МБ.", limit=max_megabytes()))
    detected = detect_type(data)
    if detected is None:
        raise DocumentError(_("Файл «%(name)s» не является %(promised)s: по содержимому это не "
                              "PDF, JPEG или PNG.", name=name[:100], promised=TYPE_NAMES[promised]))
    claimed = (claimed_type or "").split(";")[0].strip().lower()
    wrong = promised if detected != promised else (
        claimed if claimed in STORED_SUFFIX and claimed != detected else None)
    if wrong is not None:
        raise DocumentError(_("Содержимое файла «%(name)s» — %(detected)s, а не %(wrong)s, как "
                              "указано в его имени или типе. Загрузите файл с верным расширением.",
                              name=name[:100], detected=TYPE_NAMES[detected],
                              wrong=TYPE_NAMES[wrong]))
    return detected


def store_file(data: bytes, content_type: str) -> str:
    """Write the file under a random name (no part of the uploader's name in the path)."""
    folder = documents_dir()
    while True:
        name = secrets.token_hex(16) + STORED_SUFFIX[content_type]
        try:
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # pragma: no cover - 128 random bits
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return name


def discard_file(stored_name: str) -> None:
    """Remove a stored file whose row was not committed."""
    try:
        (documents_dir() / stored_name).unlink()
    except FileNotFoundError:
        pass


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
    content_type = check_file(filename, claimed_type, data)
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
def documents_for(user, limit: int = 300) -> list[AbsenceDocument]:
    """The documents this user may read: pending first, then the latest decided."""
    return db.session.scalars(select(AbsenceDocument).where(readable_filter(user)).options(
        joinedload(AbsenceDocument.student).joinedload(Student.group),
        joinedload(AbsenceDocument.uploaded_by), joinedload(AbsenceDocument.decided_by))
        .order_by(case((AbsenceDocument.status == "pending", 0), else_=1),
                  AbsenceDocument.uploaded_at.desc(), AbsenceDocument.id.desc())
        .limit(limit)).all()


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
