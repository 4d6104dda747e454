"""A working curriculum from «Планы» (.plx) on the curricula page (4.2): upload → the
difference with the curriculum kept → confirm. The uploaded file waits in the instance folder
under a random name kept in the user's session, with the state its difference was computed
on: a confirmation applies that difference or nothing."""
import re
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext, lazy_gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import Conflict
from ..labels import FORMS_OF_STUDY, PLAN_ROW_KINDS
from ..services.college.plan_apply import import_plan, preview
from ..web_errors import refusal_form

PENDING = "plan_import"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "plan-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old(folder: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for old in folder.glob("*.plx"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def _pending_file() -> tuple[Path, dict] | None:
    pending = session.get(PENDING) or {}
    token = pending.get("token", "")
    path = _folder() / f"{token}.plx" if TOKEN.match(token) else None
    return (path, pending) if path is not None and path.is_file() else None


class PlanImportView(BaseView):
    route_base = "/curricula/import"
    default_view = "index"

    def _page(self, status=200, **context):
        limit_mb = current_app.config.get("MAX_CONTENT_LENGTH", 0) / (1024 * 1024)
        return self.render_template("plans/import.html", limit_mb=f"{limit_mb:g}",
                                    kinds=PLAN_ROW_KINDS, forms=FORMS_OF_STUDY,
                                    **context), status

    @expose("/")
    @has_access
    def index(self):
        return self._page()

    @expose("/preview", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._page(
        exc.status, problems=getattr(exc, "problems", [str(exc)]),
        filename=request.files["file"].filename if "file" in request.files else ""))
    def preview(self):
        try:
            upload = request.files.get("file")
        except RequestEntityTooLarge:
            limit_mb = current_app.config.get("MAX_CONTENT_LENGTH", 0) / (1024 * 1024)
            return self._page(413, problems=[gettext(
                "Файл слишком большой: допускается не более %(mb)s МБ.", mb=f"{limit_mb:g}")])
        if upload is None or not upload.filename:
            return self._page(400, problems=[gettext("Выберите файл плана (.plx).")])
        data = upload.read()
        look = preview(data)
        session.pop(PENDING, None)
        if not look.diff.empty:
            folder = _folder()
            _forget_old(folder)
            token = secrets.token_urlsafe(24)
            (folder / f"{token}.plx").write_bytes(data)
            session[PENDING] = {"token": token, "digest": look.diff.digest,
                                "filename": Path(upload.filename).name[:255]}
        return self._page(look=look, filename=upload.filename)

    @expose("/apply", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._page(
        exc.status, problems=getattr(exc, "problems", [str(exc)])))
    def apply(self):
        pending = _pending_file()
        if pending is None:
            raise Conflict(_("Нет загруженного плана для подтверждения: загрузите файл снова."))
        path, about = pending
        try:
            _look, curriculum = import_plan(path.read_bytes(), about.get("filename"),
                                            seen_digest=about.get("digest"))
        finally:
            path.unlink(missing_ok=True)
            session.pop(PENDING, None)
        if curriculum is None:
            flash(gettext("Изменений нет, ничего не записано."), "info")
            return redirect(url_for("CurriculumView.list"))
        flash(gettext("Учебный план «%(name)s» загружен из «%(file)s».", name=curriculum.name,
                      file=about.get("filename")), "success")
        return redirect(url_for("CurriculumView.show", pk=curriculum.id))


def register(appbuilder) -> None:
    appbuilder.add_view(PlanImportView, "PlanImportView", label=_("Импорт плана из «Планов»"),
                        icon="fa-upload", category="Curricula",
                        category_label=_("Планы и нагрузка"))
