"""The deputy director's control (3.4, 3.5, 4.7, 7.2): memos inbox, journal checks, journals not
checked for a month, final-grade deadlines by order."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..infra.clock import today
from ..models import Journal
from ..services.control import checks as control, memos, weekly_checks
from ..web_errors import refusal_back
from .timetable import parse_day

SHORT_LIST = 8         # journals shown before «show all»: the form stays on the first screen
CHECKS_PER_PAGE = 20


class DeputyView(BaseView):
    route_base = "/deputy"
    default_view = "control"

    @expose("/")
    @has_access
    def control(self):
        """The form first, then the few journals most overdue for a check (3.5); the full
        list and the history of checks one click away, paged."""
        show_all = request.args.get("all") == "1"
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        unchecked = control.unchecked_journals()
        journals = db.session.scalars(select(Journal).options(
            joinedload(Journal.group), joinedload(Journal.discipline),
            joinedload(Journal.subgroup))).all()
        total = control.checks_count()
        return self.render_template(
            "deputy/control.html",
            checks=control.checks(limit=CHECKS_PER_PAGE, offset=(page - 1) * CHECKS_PER_PAGE),
            checks_total=total, page=page, pages=max((total - 1) // CHECKS_PER_PAGE + 1, 1),
            unchecked=unchecked if show_all else unchecked[:SHORT_LIST],
            unchecked_total=len(unchecked), show_all=show_all,
            chosen=request.args.get("journal", type=int),
            journals=sorted(journals, key=lambda j: j.title), periods=control.periods(),
            weekly=weekly_checks.table(today()),  # 3.3, 7.2: who checked which weeks
            off_timetable=control.off_timetable_journals(),  # 1.7: hours nobody timetabled
            today=today(), title=_("Контроль журналов"))

    @staticmethod
    def _done(action):
        action()
        db.session.commit()
        flash(str(_("Сохранено.")), "success")
        return redirect(url_for("DeputyView.control"))

    @expose("/check", methods=["POST"])
    @has_access
    @refusal_back("DeputyView.control")
    def check(self):
        f = request.form
        return self._done(lambda: control.add_check(
            current_user, f.get("journal", type=int) or 0, parse_day(f.get("check_date")),
            f.get("findings", ""), parse_day(f.get("fix_deadline")), bool(f.get("fixed"))))

    @expose("/check/<int:check_id>", methods=["POST"])
    @has_access
    @refusal_back("DeputyView.control")
    def check_edit(self, check_id):
        f = request.form
        if f.get("delete"):
            return self._done(lambda: control.delete_check(check_id))
        return self._done(lambda: control.update_check(
            check_id, f.get("findings", ""), parse_day(f.get("fix_deadline")),
            bool(f.get("fixed"))))

    @expose("/deadline", methods=["POST"])
    @has_access
    @refusal_back("DeputyView.control")
    def deadline(self):
        f = request.form
        return self._done(lambda: control.set_deadline(
            f.get("period", type=int) or 0, parse_day(f.get("deadline")),
            f.get("order_number", ""), parse_day(f.get("order_date"))))

    @expose("/memos")
    @has_access
    def inbox(self):
        return self.render_template("deputy/memos.html", memos=memos.memos_for(current_user),
                                    statuses=memos.STATUSES, title=_("Служебные записки"))

    @expose("/memo/<int:memo_id>", methods=["POST"])
    @has_access
    @refusal_back("DeputyView.inbox", "warning")
    def memo_status(self, memo_id):
        memos.set_status(current_user, memo_id, request.form.get("status", ""),
                         request.form.get("note", ""))
        db.session.commit()
        return redirect(url_for("DeputyView.inbox"))


def register(appbuilder) -> None:
    appbuilder.add_view(DeputyView, "JournalControl", label=_("Контроль журналов"),
                        icon="fa-check-square-o", category="Control",
                        category_label=_("Контроль"))
    appbuilder.add_link("Memos", label=_("Служебные записки"), href="/deputy/memos",
                        icon="fa-inbox", category="Control")
