"""The job queue's pages: IT's overview of the scheduled duties (`/jobs/`) with the test mail
button; a long job's page with its progress bar, the small JSON it polls, its file; the start
of a long job from the page that offers it (the debts register, imports, archive, backups)."""
import uuid
from pathlib import Path

from flask import jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext, lazy_gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import BadInput, NotFound
from ..extensions import db
from ..jobs import background
from ..jobs.mail import queue_test_mail
from ..jobs.overview import overview, state_label
from ..services.college import import_tables
from ..web_errors import refusal_back, refusal_page

FORM_FILTERS = ("group", "discipline", "period", "origin", "status", "left")


class JobsView(BaseView):
    route_base = "/jobs"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """IT: every scheduled duty, the week's failures, the latest long jobs."""
        jobs = db.session.scalars(background.visible(current_user).limit(50)).all()
        return self.render_template("jobs/index.html", data=overview(), jobs=jobs,
                                    kinds=background.KINDS, state_label=state_label,
                                    title=_("Задания и расписание"))

    @expose("/test-mail", methods=["POST"])
    @has_access
    @permission_name("test_mail")
    @refusal_back("JobsView.index")
    def test_mail(self):
        job = queue_test_mail(request.form.get("address"), user=current_user)
        return redirect(url_for("JobsView.job", job_id=job.id))

    @expose("/mine")
    @has_access
    @permission_name("job")
    def mine(self):
        jobs = db.session.scalars(background.visible(current_user).limit(50)).all()
        return self.render_template("jobs/mine.html", jobs=jobs, kinds=background.KINDS,
                                    state_label=state_label, title=_("Мои задания"))

    @expose("/<int:job_id>")
    @has_access
    @permission_name("job")
    def job(self, job_id):
        job = background.job_for(current_user, job_id)
        kind = background.KINDS.get(job.kind)
        return self.render_template(
            "jobs/job.html", job=job, status=background.status(job),
            kind_title=kind.title if kind else _("Проверочное письмо"),
            state_label=state_label, title=_("Задание №%(n)s", n=job.id))

    @expose("/<int:job_id>/status")
    @has_access
    @permission_name("job")
    def status(self, job_id):
        """The progress bar's poll: state, percent, stage, result or the Russian error."""
        job = background.job_for(current_user, job_id)
        answer = background.status(job)
        answer["state_label"] = state_label(job.state)
        if job.result_path:
            answer["download"] = url_for("JobsView.download", job_id=job.id)
        return jsonify(answer)

    @expose("/<int:job_id>/download")
    @has_access
    @permission_name("job")
    def download(self, job_id):
        job = background.job_for(current_user, job_id)
        if not job.result_path or not Path(job.result_path).is_file():
            raise NotFound(gettext("Файл задания не найден: он удалён или ещё не готов."))
        return send_file(job.result_path, as_attachment=True, download_name=job.result_name)

    @expose("/start/<kind>", methods=["POST"])
    @has_access
    @permission_name("start")
    @refusal_page
    def start(self, kind):
        """Queue a long job of `kind` with the page's form and show its progress."""
        form = request.form
        if kind == "debts_xlsx":
            params = {"filters": {k: form[k] for k in FORM_FILTERS if form.get(k)}}
        elif kind == "archive":
            params = {"year": form.get("year", ""), "draft": form.get("draft") == "1"}
        elif kind == "import":
            params = _upload()
        else:
            params = {}
        job = background.start(current_user, kind, params)
        return redirect(url_for("JobsView.job", job_id=job.id))


def _upload() -> dict:
    try:
        table = request.form.get("kind", "")
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise BadInput(gettext("Файл слишком большой.")) from None
    if table not in import_tables.COLUMNS:
        raise BadInput(gettext("Выберите, что загружается."))
    if upload is None or not upload.filename:
        raise BadInput(gettext("Выберите файл XLSX или CSV."))
    target = background.upload_path(uuid.uuid4().hex)
    upload.save(target)
    return {"table": table, "filename": upload.filename, "path": str(target)}


def register(appbuilder) -> None:
    appbuilder.add_view(JobsView, "JobsView", label=_("Задания и расписание"),
                        icon="fa-clock-o", category="Service",
                        category_label=_("Сопровождение"))
