"""Behaviour notes (3.3, 5.2): the form for a student's teachers and curator, and the list."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user

from ..extensions import db
from ..infra.clock import today
from ..models.conduct import NOTE_MAX_LENGTH
from ..services.portal import behaviour
from ..web_errors import refusal_form
from .timetable import parse_day


class BehaviourNoteView(BaseView):
    route_base = "/notes"
    default_view = "index"

    def _page(self, error=None, form=None, status=200):
        return self.render_template(
            "notes/index.html", students=behaviour.writable_students(current_user),
            notes=behaviour.recent_notes(current_user), today=today(), error=error,
            form=form or {}, max_length=NOTE_MAX_LENGTH,
            title=_("Замечания о поведении")), status

    @expose("/")
    @has_access
    def index(self):
        return self._page()

    @expose("/add", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._page(str(exc), request.form, exc.status), pages=())
    def add(self):
        form = request.form
        behaviour.add_note(current_user, form.get("student"), parse_day(form.get("date")),
                           form.get("text", ""))
        db.session.commit()
        flash(str(_("Замечание записано: родители увидят его в еженедельном отчёте.")),
              "success")
        return redirect(url_for("BehaviourNoteView.index"))


def register(appbuilder) -> None:
    appbuilder.add_view(BehaviourNoteView, "BehaviourNotes", label=_("Замечания о поведении"),
                        icon="fa-comment-o", href="/notes/", category="Journal",
                        category_label=_("Журнал"))
