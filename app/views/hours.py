"""Hours delivered per teacher and month against the load (1.7): page and XLSX."""
from flask import Response, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..infra import clock
from ..models import AcademicYear
from ..exports.hours import hours_xlsx
from ..services.journal.hours import MONTHS, hours_report, off_timetable_lessons, year_months
from ..services.records import audit
from .base import xlsx_response


def chosen_year() -> tuple[AcademicYear | None, list[AcademicYear]]:
    """The year asked for (?year=), else the one under way, else the last; and every year."""
    years = db.session.scalars(select(AcademicYear).order_by(AcademicYear.start_date)).all()
    wanted = request.args.get("year", type=int)
    chosen = next((y for y in years if y.id == wanted), None)
    if chosen is None:
        day = clock.today()
        chosen = next((y for y in years if y.start_date <= day <= y.end_date),
                      years[-1] if years else None)
    return chosen, years


class HoursView(BaseView):
    route_base = "/hours"
    default_view = "report"

    @expose("/")
    @has_access
    def report(self):
        year, years = chosen_year()
        rows = hours_report(current_user, year) if year else []
        off = off_timetable_lessons(current_user, year) if year else []
        return self.render_template("journal/hours.html", year=year, years=years, rows=rows,
                                    off_timetable=off,
                                    months=year_months(year) if year else [],
                                    month_names=MONTHS, title=_("Вычитанные часы"))

    @expose("/xlsx/")
    @has_access
    def xlsx(self):
        year, _years = chosen_year()
        if year is None:
            return Response(status=404)
        data = hours_xlsx(hours_report(current_user, year),
                          off_timetable_lessons(current_user, year), year)
        audit.record("export", "hours_report", year.id, details={"format": "xlsx"})
        db.session.commit()
        return xlsx_response(data, f"hours-{year.start_date.year}.xlsx")
