"""The attendance report of a group (3.3, 6.1): hours missed by reason per month, semester and
year, attendance percentage; XLSX. Rows in services/control/attendance.py."""
from flask import redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user

from ..extensions import db
from ..exports.attendance import attendance_xlsx
from ..services.control import attendance
from ..services.records import audit
from .base import xlsx_response


class AttendanceView(BaseView):
    route_base = "/attendance"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        groups = attendance.groups_for(current_user)
        if len(groups) == 1:
            return redirect(url_for("AttendanceView.group", group_id=groups[0].id))
        return self.render_template("attendance/index.html", groups=groups,
                                    title=_("Посещаемость"))

    @expose("/<int:group_id>")
    @has_access
    def group(self, group_id):
        data = attendance.report(current_user, group_id, period_id=request.args.get("period"))
        return self.render_template("attendance/group.html", data=data,
                                    groups=attendance.groups_for(current_user),
                                    title=_("Посещаемость"))

    @expose("/<int:group_id>/xlsx")
    @has_access
    def xlsx(self, group_id):
        data = attendance.report(current_user, group_id, period_id=request.args.get("period"))
        audit.record("export", "group", data["group"].id,
                     details={"report": "attendance", "period": data["period"].id,
                              "format": "xlsx"})
        db.session.commit()
        return xlsx_response(attendance_xlsx(data),
                             f'attendance-{data["group"].id}-{data["period"].id}.xlsx')


def register(appbuilder) -> None:
    appbuilder.add_view(AttendanceView, "Attendance", label=_("Посещаемость"),
                        icon="fa-calendar-check-o", href="/attendance/", category="Reports",
                        category_label=_("Отчёты"))
