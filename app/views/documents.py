"""Absence documents (справки; issue 14.5): students and parents upload, the curator decides;
the file is served only to those who may read the student. Rules:
services/control/absence_documents.py."""
from flask import Response, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from .. import labels
from ..extensions import db
from ..infra.clock import today
from ..models.documents import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH
from ..services.control import absence_documents as docs, document_decisions
from ..web_errors import TOO_LARGE_MESSAGE, refusal_form
from .timetable import parse_day


def _attachment_name(document) -> str:
    """An ASCII file name for Content-Disposition (the original name may be anything)."""
    return f"document-{document.id}{docs.STORED_SUFFIX[document.content_type]}"


class AbsenceDocumentView(BaseView):
    route_base = "/documents"
    default_view = "index"

    def _page(self, error=None, form=None, status=200):
        listing = docs.documents_page(current_user, request.args.get("page", 1))
        documents = listing.documents
        return self.render_template(
            "documents/index.html", documents=documents, listing=listing,
            students=docs.uploadable_students(current_user),
            deciding=docs.may_decide(current_user), kinds=labels.ABSENCE_DOCUMENT_KINDS,
            reasons=labels.ABSENCE_REASONS, reason_by_kind=docs.REASON_BY_KIND,
            counts=docs.absences_in_range(documents) if docs.may_decide(current_user)
            else {}, today=today(), error=error,
            form=form or {"student": request.args.get("student", "")},
            max_mb=docs.max_megabytes(), max_days=docs.MAX_RANGE_DAYS,
            note_max=NOTE_MAX_LENGTH, title=_("Документы о пропусках")), status

    @expose("/")
    @has_access
    def index(self):
        return self._page()

    @expose("/upload", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._page(str(exc), request.form, exc.status), pages=())
    def upload(self):
        try:
            form = request.form
            upload = request.files.get("file")
        except RequestEntityTooLarge:
            return self._page(docs.too_large_message(), status=413)
        stored = None
        try:
            document = docs.upload(
                current_user, form.get("student"), form.get("kind", ""),
                parse_day(form.get("date_from")), parse_day(form.get("date_to")),
                upload.filename if upload else "", upload.mimetype if upload else None,
                upload.read(docs.max_bytes() + 1) if upload else b"", form.get("note", ""))
            stored = document.stored_name
            db.session.commit()
        except Exception:  # once the file is stored, any failure (a refused commit too) drops it
            db.session.rollback()
            if stored:
                docs.discard_file(stored)
            raise
        flash(str(_("Документ загружен: куратор рассмотрит его и примет решение.")), "success")
        return redirect(url_for("AbsenceDocumentView.index"))

    def _show(self, document_id, error=None, status=200, form=None):
        document = docs.document_for_read(current_user, document_id)
        return self.render_template(
            "documents/show.html", document=document,
            deciding=docs.can_decide_document(current_user, document),
            counts=docs.absences_in_range([document]).get(document.id, (0, 0)),
            reason=labels.ABSENCE_REASONS[docs.REASON_BY_KIND[document.kind]],
            comment_max=COMMENT_MAX_LENGTH, error=error, form=form or {},
            title=_("Документ о пропусках")), status

    @expose("/<int:document_id>")
    @has_access
    def show(self, document_id):
        return self._show(document_id)

    @expose("/<int:document_id>/file")
    @has_access
    def file(self, document_id):
        """The scan itself: same rows as the page; never sniffed, never run as a page."""
        document = docs.document_for_read(current_user, document_id)
        try:
            data = docs.read_file(document)
        except FileNotFoundError:
            raise docs.DocumentNotFound(_("Файл документа не найден.")) from None
        # A PDF is always downloaded, never shown inside the portal: it may carry scripts
        # (/OpenAction) and the browser's PDF viewer refuses a sandboxed document. An image is
        # shown, sandboxed. Nothing in either may run or load anything.
        inline = document.content_type != "application/pdf" and not request.args.get("download")
        disposition = "inline" if inline else "attachment"
        return Response(data, mimetype=document.content_type, headers={
            "Content-Disposition": f'{disposition}; filename="{_attachment_name(document)}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; "
                                       "style-src 'unsafe-inline'; sandbox",
            "Cache-Control": "no-store"})

    @expose("/<int:document_id>/decide", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc, document_id: view._show(document_id, str(exc), exc.status,
                                                             request.form))
    def decide(self, document_id):
        recoding = document_decisions.decide(current_user, document_id,
                                             request.form.get("action", ""),
                                             request.form.get("comment", ""))
        db.session.commit()
        document = docs.document_for_read(current_user, document_id)
        document_decisions.notify_uploader(current_user, document)
        if recoding is None:
            flash(str(_("Документ отклонён; загрузивший увидит комментарий.")), "info")
        else:
            flash(str(_("Документ принят.")) + " " + recoding.summary(),
                  "warning" if recoding.refused else "success")
        return redirect(url_for("AbsenceDocumentView.index"))

    @expose("/<int:document_id>/reapply", methods=["POST"])
    @has_access
    @permission_name("decide")
    @refusal_form(lambda view, exc, document_id: view._show(document_id, str(exc), exc.status))
    def reapply(self, document_id):
        recoding = document_decisions.reapply(current_user, document_id)
        db.session.commit()
        flash(recoding.summary(), "warning" if recoding.refused else "success")
        return redirect(url_for("AbsenceDocumentView.show", document_id=document_id))


def upload_request_limit(endpoint, _values) -> None:
    """The upload's request may hold the file's own limit plus the form around it, so a file
    over its limit gets the file's message (from the view, or from the 413 handler when the
    whole request is larger still), never a bare 413. Set before any hook reads the body."""
    if endpoint == "AbsenceDocumentView.upload":
        request.max_content_length = docs.request_limit()
        g.setdefault(TOO_LARGE_MESSAGE, docs.too_large_message())


def register(appbuilder) -> None:
    appbuilder.add_view(AbsenceDocumentView, "AbsenceDocuments",
                        label=_("Документы о пропусках"), icon="fa-file-text-o",
                        href="/documents/")
    current_app.url_value_preprocessor(upload_request_limit)
