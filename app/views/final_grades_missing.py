"""Final grades still missing (4.7) for the deputy, the curator (their groups) and the teacher
(their journals); the deputy closes periods by order after the deadline (4.7, 7.3)."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user

from .. import labels
from ..extensions import db
from ..infra import clock
from ..services.journal import periods
from ..services.journal.final_grades import missing_final_grades
from ..web_errors import refusal_back
from .timetable import parse_day


class FinalGradesView(BaseView):
    route_base = "/final-grades"
    default_view = "missing"

    @expose("/missing")
    @has_access
    def missing(self):
        day = clock.today()
        rows = missing_final_grades(current_user, day)
        return self.render_template(
            "final_grades/missing.html", rows=rows, kinds=labels.FINAL_GRADE_KINDS, today=day,
            title=_("Итоговые оценки не выставлены"))

    @expose("/periods")
    @has_access
    def periods(self):
        day = clock.today()
        return self.render_template(
            "final_grades/periods.html", periods=periods.periods_in_order(), today=day,
            can_close=periods.can_close, title=_("Закрытие периодов"))

    @expose("/periods/<int:period_id>/close", methods=["POST"])
    @has_access
    @refusal_back("FinalGradesView.periods")
    def close(self, period_id):
        f = request.form
        periods.close_period(current_user, period_id, f.get("order_number", ""),
                             parse_day(f.get("order_date")), clock.today())
        db.session.commit()
        flash(str(_("Период закрыт.")), "success")
        return redirect(url_for("FinalGradesView.periods"))


def register(appbuilder) -> None:
    appbuilder.add_view(FinalGradesView, "MissingFinalGrades",
                        label=_("Итоговые оценки не выставлены"), icon="fa-exclamation-circle",
                        category="Journal")
    appbuilder.add_link("ClosePeriods", label=_("Закрытие периодов"),
                        href="/final-grades/periods", icon="fa-lock", category="Control")
