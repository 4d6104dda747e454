"""Import page of the administration (4.2): students with parents, curricula, teaching load."""
from flask import abort, current_app, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from ..exports.import_templates import college_template
from ..services.college import import_tables, imports
from ..web_errors import refusal_form
from .base import xlsx_response


class ImportView(BaseView):
    route_base = "/import"
    default_view = "index"

    def _page(self, status=200, **context):
        limit_mb = current_app.config.get("MAX_CONTENT_LENGTH", 0) / (1024 * 1024)
        return self.render_template(
            "imports/index.html", kinds=import_tables.TITLES, columns=import_tables.COLUMNS,
            required=import_tables.REQUIRED, limit_mb=f"{limit_mb:g}", **context), status

    @expose("/")
    @has_access
    def index(self):
        return self._page()

    @expose("/template/<kind>")
    @has_access
    @permission_name("index")
    def template(self, kind):
        if kind not in import_tables.COLUMNS:
            abort(404)
        return xlsx_response(college_template(kind), f"import-{kind}.xlsx")

    @expose("/upload", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._page(
        exc.status, kind=request.form.get("kind", ""), filename=request.files["file"].filename,
        problems=getattr(exc, "problems", [str(exc)])))
    def upload(self):
        try:
            kind = request.form.get("kind", "")
            upload = request.files.get("file")
        except RequestEntityTooLarge:
            limit_mb = current_app.config.get("MAX_CONTENT_LENGTH", 0) / (1024 * 1024)
            return self._page(413, kind="", problems=[str(_(
                "Файл слишком большой: допускается не более %(mb)s МБ.", mb=f"{limit_mb:g}"))])
        if kind not in import_tables.COLUMNS:
            return self._page(400, kind="", problems=[str(_("Выберите, что загружается."))])
        if upload is None or not upload.filename:
            return self._page(400, kind=kind, problems=[str(_("Выберите файл XLSX или CSV."))])
        summary = imports.import_file(kind, upload.filename, upload.read())
        return self._page(kind=kind, filename=upload.filename, summary=summary)


def register(appbuilder) -> None:
    appbuilder.add_view(ImportView, "ImportView", label=_("Импорт из XLSX/CSV"),
                        icon="fa-upload", category="College",
                        category_label=_("Учебная часть"))
