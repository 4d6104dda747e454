"""Reports (6.1, 6.2, 2.2): activity, results with charts, objectivity; XLSX and print."""
from datetime import timedelta

from flask import Response, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import labels
from ..errors import Forbidden
from ..exports import reports as books
from ..extensions import db
from ..infra.clock import today
from ..models import AcademicYear, Period, StudentGroup
from ..services.control.reports import (
    activity as act, council as cr, drill, objectivity as obj, results as res,
)
from ..services.records import audit
from ..services.scopes import group_filter
from .base import xlsx_response
from .timetable import parse_day


def _xlsx(data: bytes, name: str, report: str, params: dict) -> Response:
    audit.record("export", "report", report, details=dict(params, format="xlsx"))
    db.session.commit()
    return xlsx_response(data, f"{name}.xlsx")


def graded_period(periods: list[Period]) -> Period | None:
    """The period a results report opens on: the latest begun one with final grades (6.2);
    without any, the last completed one, before the first ends the current or first one."""
    return cr.default_period(periods, today(), cr.periods_with_final_grades()) or (
        min(periods, key=lambda p: p.start_date) if periods else None)


class ReportsView(BaseView):
    route_base = "/reports"
    default_view = "activity"

    @expose("/activity")
    @has_access
    def activity(self):
        end = parse_day(request.args.get("end"), today())
        start = parse_day(request.args.get("start"), end - timedelta(days=30))
        dept = request.args.get("department", type=int)
        report = act.activity(start, end, dept)
        if request.args.get("format") == "xlsx":
            return _xlsx(books.activity_xlsx(report, f"{start:%d.%m.%Y} — {end:%d.%m.%Y}"),
                         f"activity-{start}-{end}", "activity",
                         {"start": str(start), "end": str(end), "department": dept})
        return self.render_template("reports/activity.html", report=report, department=dept,
                                    departments=act.departments(), notes=drill.notes(),
                                    q={"start": start.isoformat(), "end": end.isoformat()},
                                    title=_("Активность пользователей"))

    @expose("/results")
    @has_access
    def results(self):
        periods = db.session.scalars(select(Period).order_by(Period.start_date.desc())).all()
        years = db.session.scalars(select(AcademicYear).order_by(
            AcademicYear.start_date.desc())).all()
        groups = db.session.scalars(select(StudentGroup).where(group_filter(current_user))
                                    .order_by(StudentGroup.name)).all()
        period_id = request.args.get("period", type=int)
        year_id = request.args.get("year", type=int)
        if not period_id and not year_id and periods:
            period_id = graded_period(periods).id
        level = request.args.get("level", "journal")
        group_id = request.args.get("group", type=int)
        if group_id and group_id not in {g.id for g in groups}:
            raise Forbidden(str(_("Эта группа вам недоступна.")))
        scope = res.scope_periods(None if year_id else period_id, year_id)
        rows = res.results(current_user, scope, level, group_id)
        title = ", ".join(str(p) for p in scope)
        if request.args.get("format") == "xlsx":
            return _xlsx(books.results_xlsx(rows, title), "results", "results",
                         {"periods": [p.id for p in scope], "level": level, "group": group_id})
        template = "reports/results_print.html" if request.args.get("print") else \
            "reports/results.html"
        return self.render_template(template, rows=rows, periods=periods, years=years,
                                    groups=groups, period_id=period_id, year_id=year_id,
                                    group_id=group_id, level=level, levels=labels.REPORT_LEVELS,
                                    scope_title=title, graded=cr.periods_with_final_grades(),
                                    chart=res.chart_data(rows),
                                    title=_("Итоги успеваемости"))

    @expose("/objectivity")
    @has_access
    def objectivity(self):
        periods = db.session.scalars(select(Period).order_by(Period.start_date.desc())).all()
        period = next((p for p in periods if p.id == request.args.get("period", type=int)),
                      graded_period(periods))
        rows = obj.objectivity(current_user, period) if period else []
        if request.args.get("format") == "xlsx" and period:
            return _xlsx(books.objectivity_xlsx(rows, str(period)), "objectivity", "objectivity",
                         {"period": period.id})
        template = "reports/objectivity_print.html" if request.args.get("print") else \
            "reports/objectivity.html"
        return self.render_template(template, rows=rows, periods=periods,
                                    period=period, share=obj.OUTLIER_SHARE, gap=obj.OUTLIER_GAP,
                                    graded=cr.periods_with_final_grades(),
                                    title=_("Объективность оценивания"))


def register(appbuilder) -> None:
    common = dict(category="Reports", category_label=_("Отчёты"))
    appbuilder.add_view(ReportsView, "Activity", label=_("Активность пользователей"),
                        icon="fa-line-chart", href="/reports/activity", **common)
    appbuilder.add_link("Results", label=_("Итоги успеваемости"), href="/reports/results",
                        icon="fa-bar-chart", **common)
    appbuilder.add_link("Objectivity", label=_("Объективность оценивания"),
                        href="/reports/objectivity", icon="fa-balance-scale", **common)
