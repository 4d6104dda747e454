"""The pedagogical council's report on users' work in the journal (6.2): page, print, XLSX."""
from flask import request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from sqlalchemy import select

from ..exports.reports import council_xlsx
from ..extensions import db
from ..infra.clock import today
from ..models import AcademicYear, Period
from ..services.control.reports import activity as act, council as cr, drill
from .reports import _xlsx
from .timetable import parse_day


class CouncilReportView(BaseView):
    """For IT (who presents it), the director and the deputy; teachers and curators refused.
    `rows` lists what a figure counted, for this report and the activity report alike."""
    route_base = "/reports/council"
    default_view = "council"

    @expose("/")
    @has_access
    def council(self):
        periods = db.session.scalars(select(Period).order_by(Period.start_date.desc())).all()
        years = db.session.scalars(select(AcademicYear).order_by(
            AcademicYear.start_date.desc())).all()
        year_id = request.args.get("year", type=int)
        period_id = request.args.get("period", type=int)
        taught = cr.periods_with_lessons()
        if not year_id and not period_id:
            found = cr.default_period(periods, today(), taught)
            period_id = found.id if found else None
        department_id = request.args.get("department", type=int)
        title, scope = cr.scope(None if year_id else period_id, year_id)
        report = cr.council(scope, department_id)
        params = {"periods": [p.id for p in scope], "department": department_id}
        if request.args.get("format") == "xlsx":
            return _xlsx(council_xlsx(report, str(title)), "council", "council", params)
        template = "reports/council_print.html" if request.args.get("print") else \
            "reports/council.html"
        return self.render_template(
            template, report=report, scope_title=title, periods=periods, years=years,
            period_id=None if year_id else period_id, year_id=year_id, taught=taught,
            department=department_id, departments=act.departments(),
            chart=cr.chart_data(report), notes=drill.notes(),
            q={"year": year_id} if year_id else {"period": period_id},
            title=_("Работа пользователей в журнале"))

    @expose("/rows")
    @has_access
    def rows(self):
        """The rows behind one figure of this report or of the activity report (6.1, 6.2)."""
        args = request.args
        span = drill.span_of(args.get("period", type=int), args.get("year", type=int),
                             parse_day(args.get("start")), parse_day(args.get("end")), today())
        found = drill.rows(args.get("figure", ""), span, person=args.get("person", type=int),
                           group=args.get("group", type=int), month=args.get("month"),
                           page=args.get("page", 1, type=int))
        return self.render_template("reports/rows.html", found=found, args=args,
                                    person=drill.person_name(args.get("person", type=int)),
                                    title=found["title"])


def register(appbuilder) -> None:
    appbuilder.add_view(CouncilReportView, "Council",
                        label=_("Работа в журнале (педсовет)"), icon="fa-users",
                        href="/reports/council/", category="Reports",
                        category_label=_("Отчёты"))
