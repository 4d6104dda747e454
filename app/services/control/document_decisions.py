"""The curator's decision on an absence document (3.3, 5.2): accepting it recodes the «Н» of
its days to the document's reason, refusing it tells the uploader why; a decision can be
applied again after the journal changed."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ... import labels
from ...extensions import db
from ...models import Journal, JournalCell, Lesson
from ...models.base import utcnow
from ...models.documents import COMMENT_MAX_LENGTH, AbsenceDocument
from ..portal import messaging
from ..notifications import events as notification_events
from ..records import audit
from . import completeness
from .absence_documents import (
    REASON_BY_KIND, DocumentConflict, DocumentDenied, DocumentError, can_decide_document,
    document_for_read,
)


# --- the decision ------------------------------------------------------------------------
@dataclass
class Recoding:
    """What accepting a document did to the «Н» of its range."""
    reason: str
    changed: int = 0
    unchanged: int = 0          # already had this reason
    refused: dict[str, int] = field(default_factory=dict)  # why a cell stayed → how many

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())

    def summary(self) -> str:
        label = labels.text(labels.ABSENCE_REASONS, self.reason)
        text = _("Причина «%(label)s» указана для «Н»: %(changed)s", label=label,
                 changed=self.changed)
        if self.unchanged:
            text += _("; уже имели эту причину: %(unchanged)s", unchanged=self.unchanged)
        text += "."
        for message, n in self.refused.items():
            text += " " + _("Не изменено «Н»: %(n)s — %(message)s", n=n, message=message)
        return text


def _decidable(user, document_id) -> AbsenceDocument:
    document = document_for_read(user, document_id)
    if not can_decide_document(user, document):
        raise DocumentDenied(_("Решение по документу принимает куратор группы студента или "
                               "администрация."))
    return document


def decide(user, document_id, action: str, comment: str = "") -> Recoding | None:
    """Accept or reject a pending document (a rejection needs a comment). Returns the
    recoding of an accepted one; the caller commits (or rolls back on an error)."""
    if action not in ("accept", "reject"):
        raise DocumentError(_("Выберите решение: принять или отклонить."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise DocumentError(_("Комментарий длиннее %(limit)s символов.", limit=COMMENT_MAX_LENGTH))
    if action == "reject" and not comment:
        raise DocumentError(_("Укажите в комментарии, почему документ отклонён."))
    document = _decidable(user, document_id)
    if document.status != "pending":
        raise DocumentConflict(_("Решение по документу уже принято: %(status_label)s.",
                                 status_label=document.status_label))
    recoding = _recode(user, document) if action == "accept" else None
    document.status = "accepted" if action == "accept" else "rejected"
    document.decided_by_id, document.decided_at = user.id, utcnow()
    document.comment = comment or None
    details = {"student": document.student_id, "kind": document.kind,
               "from": document.date_from.isoformat(), "to": document.date_to.isoformat(),
               "comment": comment}
    if recoding is not None:
        details.update(reason=recoding.reason, changed=recoding.changed,
                       unchanged=recoding.unchanged, refused=recoding.refused_total)
    audit.record("absence_document_accept" if action == "accept" else "absence_document_reject",
                 "absence_document", document.id, user=user, details=details)
    db.session.flush()
    notification_events.document_decision(document)  # SPEC §5: the student and the parents
    return recoding


def reapply(user, document_id) -> Recoding:
    """Apply an accepted document again: the «Н» entered in its range since then get its
    reason too (history and audit as on acceptance)."""
    document = _decidable(user, document_id)
    if document.status != "accepted":
        raise DocumentConflict(_("Применить можно только принятый документ."))
    recoding = _recode(user, document)
    audit.record("absence_document_reapply", "absence_document", document.id, user=user,
                 details={"student": document.student_id, "reason": recoding.reason,
                          "changed": recoding.changed, "refused": recoding.refused_total})
    db.session.flush()
    return recoding


def _recode(user, document: AbsenceDocument) -> Recoding:
    """Every «Н» of the student in the range gets the document's reason, cell by cell through
    completeness.correct_reason (the one rule: the «Н» stays, history, version, audit)."""
    recoding = Recoding(reason=REASON_BY_KIND[document.kind])
    cells = db.session.scalars(select(JournalCell).join(
        Lesson, Lesson.id == JournalCell.lesson_id).where(
        JournalCell.student_id == document.student_id, JournalCell.absent.is_(True),
        Lesson.lesson_date >= document.date_from, Lesson.lesson_date <= document.date_to)
        .options(joinedload(JournalCell.lesson).joinedload(Lesson.journal).joinedload(
            Journal.group), selectinload(JournalCell.marks))
        .order_by(Lesson.lesson_date, Lesson.pair_number, JournalCell.id)).all()
    for cell in cells:
        if cell.absence_reason == recoding.reason:
            recoding.unchanged += 1
            continue
        try:
            completeness.correct_reason(user, cell.id, recoding.reason)
        except completeness.DomainError as exc:  # a closed period, an archived year
            message = str(exc)
            recoding.refused[message] = recoding.refused.get(message, 0) + 1
            continue
        except StaleDataError:
            db.session.rollback()
            raise DocumentConflict(_("Отметку одновременно изменил другой пользователь: "
                                     "повторите решение.")) from None
        recoding.changed += 1
    return recoding


def notify_uploader(user, document: AbsenceDocument) -> None:
    """Tell the uploader the decision by a portal message when the messaging rules let the
    decider write to them (the decision itself is already committed)."""
    text = (f"Документ «{document.kind_label}» за {document.date_from:%d.%m.%Y} — "
            f"{document.date_to:%d.%m.%Y} ({document.student.full_name}): "
            f"{document.status_label}.")
    if document.comment:
        text += f"\nКомментарий: {document.comment}"
    try:
        messaging.send(user, document.uploaded_by_id, "Решение по документу о пропусках",
                       text)
    except messaging.MessagingError:
        db.session.rollback()
