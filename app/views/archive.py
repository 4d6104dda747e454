"""IT's archive and retention pages (7.3, 7.4): archive a year, archives by year and group
(those past their retention date highlighted) with what is still open in an archived year and
its supplements, a year's or a group's archive or one supplement as a zip, destruction with
confirmation, destruction acts."""
import json

from flask import Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..infra.clock import today
from ..models import AcademicYear, ArchiveRecord, DestructionAct
from ..services.records import archive, archive_download, archive_supplement
from ..web_errors import refusal_back, refusal_form


def _names(user_ids) -> dict:
    """Account id → full name, in one query."""
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))) if user_ids else []
    return {u.id: f"{u.get_full_name()} ({u.username})" for u in users}


class ArchiveView(BaseView):
    route_base = "/archive"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        years = db.session.scalars(select(AcademicYear).order_by(AcademicYear.start_date.desc()))
        return self.render_template("archive/index.html", by_year=archive_download.by_year(),
                                    years=list(years), today=today())

    @expose("/zip")
    @has_access
    @permission_name("download")
    @refusal_back("ArchiveView.index")
    def download_zip(self):
        """A year's archive (`year`), or one group's of that year (`group`), as one zip."""
        name, handle = archive_download.archive_zip(
            current_user, request.args.get("year", type=int) or 0,
            request.args.get("group", type=int))
        return self._zip(name, handle)

    @staticmethod
    def _zip(name, handle):
        size = handle.seek(0, 2)
        handle.seek(0)

        def chunks():
            with handle:
                for block in iter(lambda: handle.read(archive_download.CHUNK), b""):
                    yield block

        return Response(stream_with_context(chunks()), mimetype="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "Content-Length": str(size)})

    @expose("/supplement/<int:supplement_id>")
    @has_access
    @permission_name("download")
    @refusal_back("ArchiveView.index")
    def download_supplement(self, supplement_id):
        """One supplement of a group's archive (the changes after archiving) as a zip."""
        name, handle = archive_download.supplement_zip(current_user, supplement_id)
        return self._zip(name, handle)

    @expose("/supplement", methods=["POST"])
    @has_access
    @permission_name("run")
    @refusal_back("ArchiveView.index")
    def supplement(self):
        """7.3: the year's changes after archiving into a supplement per group."""
        made = archive_supplement.supplement_year(request.form.get("year", ""),
                                                  user=current_user)
        groups = ", ".join(f"{s.archive.group.name} — № {s.number}" for s in made)
        flash(str(_("Дополнения к архиву сформированы: %(groups)s.", groups=groups)), "success")
        return redirect(url_for("ArchiveView.index"))

    @expose("/run", methods=["POST"])
    @has_access
    @permission_name("run")
    @refusal_back("ArchiveView.index")
    def run(self):
        made, refused = archive.archive_year(request.form.get("year", ""), user=current_user,
                                           draft=request.form.get("draft") == "1")
        flash(str(_("Заархивировано групп: %(n)s.", n=len(made))), "success")
        for line in refused:
            flash(line, "warning")
        return redirect(url_for("ArchiveView.index"))

    @expose("/<int:archive_id>/destroy", methods=["GET", "POST"])
    @has_access
    @permission_name("destroy")
    @refusal_form(lambda view, exc, archive_id: view._destroy_refused(archive_id, exc),
                  pages=())
    def destroy(self, archive_id):
        record = db.session.get(ArchiveRecord, archive_id)
        if record is None:
            abort(404)
        if request.method == "POST":
            act = archive.destroy(archive_id, current_user,
                                  confirmed=request.form.get("confirm") == "yes",
                                  note=request.form.get("note", ""))
            flash(str(_("Архив уничтожен, составлен акт №%(n)s.", n=act.id)), "success")
            return redirect(url_for("ArchiveView.act", act_id=act.id))
        return self._destroy_page(record)

    def _destroy_page(self, record, status=200):
        return self.render_template("archive/destroy.html", record=record,
                                    files=archive.verify_files(record), today=today()), status

    def _destroy_refused(self, archive_id, exc):
        """The confirmation again, with why the archive was not destroyed (409)."""
        flash(str(exc), "danger")
        return self._destroy_page(db.session.get(ArchiveRecord, archive_id), 409)

    @expose("/acts")
    @has_access
    @permission_name("index")
    def acts(self):
        acts = archive.acts()
        return self.render_template("archive/acts.html", acts=acts,
                                    names=_names({a.destroyed_by_id for a in acts}))

    @expose("/acts/<int:act_id>")
    @has_access
    @permission_name("index")
    def act(self, act_id):
        act = db.session.get(DestructionAct, act_id)
        if act is None:
            abort(404)
        return self.render_template("archive/act.html", act=act, files=json.loads(act.files),
                                    names=_names({act.destroyed_by_id}))


def register(appbuilder) -> None:
    appbuilder.add_view(ArchiveView, "ArchiveView", label=_("Архив и сроки хранения"),
                        icon="fa-archive", category="Service",
                        category_label=_("Сопровождение"))
