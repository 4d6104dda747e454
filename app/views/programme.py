"""Programme completion per journal and semester (2.2, 1.7, 4.6): page and XLSX."""
from flask import Response, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user

from .. import labels
from ..exports.programme import programme_xlsx
from ..extensions import db
from ..services.journal.programme import programme_report
from ..services.records import audit
from .base import xlsx_response
from .hours import chosen_year


def _rows(year):
    rows = programme_report(current_user, year) if year else []
    if request.args.get("behind") == "1":
        rows = [r for r in rows if r.behind]
    return rows


class ProgrammeView(BaseView):
    route_base = "/programme"
    default_view = "report"

    @expose("/")
    @has_access
    def report(self):
        year, years = chosen_year()
        return self.render_template(
            "journal/programme.html", year=year, years=years, rows=_rows(year),
            behind_only=request.args.get("behind") == "1", states=labels.PROGRAMME_STATES,
            title=_("Выполнение рабочих программ"))

    @expose("/xlsx/")
    @has_access
    def xlsx(self):
        year, _years = chosen_year()
        if year is None:
            return Response(status=404)
        data = programme_xlsx(_rows(year), year)
        audit.record("export", "programme_report", year.id, details={"format": "xlsx"})
        db.session.commit()
        return xlsx_response(data, f"programme-{year.start_date.year}.xlsx")
