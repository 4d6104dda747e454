"""Exam and credit sheets (2.2, 4.7): the list, making a sheet, admission, grades, print, XLSX.
The rules are in services/assessment/sheets.py; this module parses forms and renders."""

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user

from .. import labels
from ..exports.exam_sheet import sheet_xlsx
from ..extensions import db
from ..infra import clock
from ..services.assessment import sheet_reading, sheets
from ..services.journal import bells
from ..services.records import audit
from ..web_errors import refusal_back, refusal_form
from .base import xlsx_response
from .timetable import parse_day


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _sheet_page(sheet_id) -> str:
    return url_for("SheetView.show", sheet_id=sheet_id)


class SheetView(BaseView):
    route_base = "/sheets"
    default_view = "index"

    def _index(self, form=None, error=None, status=200):
        group_id, period_id = _int(request.args.get("group")), _int(request.args.get("period"))
        day = clock.today()
        groups, periods = sheet_reading.filter_choices(current_user)
        creatable = sheets.creatable_journals(current_user, day, group_id)
        return self.render_template(
            "sheets/index.html", rows=sheet_reading.list_sheets(current_user, group_id, period_id),
            groups=groups, periods=periods, group_id=group_id, period_id=period_id,
            creatable=creatable, exam_day=sheets.default_exam_date(creatable, day),
            teachers=sheets.examiner_choices(), kinds=labels.SHEET_KINDS, today=day,
            pair_starts=bells.pair_starts(),
            form=form or {}, error=error, title=_("Ведомости")), status

    @expose("/")
    @has_access
    def index(self):
        return self._index()

    @expose("/create", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._index(request.form, exc.message, exc.status))
    def create(self):
        f = request.form
        journal_id, _sep, rest = (f.get("target") or "").partition(":")
        period_id, _sep, kind = rest.partition(":")
        sheet = sheets.create_sheet(
            current_user, journal_id, period_id, kind, parse_day(f.get("exam_date")),
            f.get("place", ""), f.getlist("examiners"), clock.today(),
            part_ids=f.getlist("parts"), starts_at=f.get("starts_at"))
        db.session.commit()
        flash(str(_("Ведомость № %(n)s создана по журналу.", n=sheet.number)), "success")
        return redirect(url_for("SheetView.show", sheet_id=sheet.id))

    @expose("/<int:sheet_id>/")
    @has_access
    def show(self, sheet_id):
        data = sheet_reading.sheet_data(current_user, sheet_id)
        audit.record("view", "exam_sheet", sheet_id)
        audit.commit_read()
        return self.render_template("sheets/show.html", d=data, today=clock.today(),
                                    pair_starts=bells.pair_starts() if data["editable"] else [],
                                    title=f"{data['title']} № {data['number']}")

    @expose("/<int:sheet_id>/generate", methods=["POST"])
    @has_access
    @permission_name("edit")
    @refusal_back(_sheet_page)
    def generate(self, sheet_id):
        sheets.regenerate(current_user, sheet_id)
        db.session.commit()
        flash(str(_("Состав, средние баллы и посещаемость обновлены; решения о допуске "
                    "сохранены.")), "success")
        return redirect(_sheet_page(sheet_id))

    @expose("/<int:sheet_id>/time", methods=["POST"])
    @has_access
    @permission_name("edit")
    @refusal_back(_sheet_page)
    def start_time(self, sheet_id):
        sheets.set_start_time(current_user, sheet_id, request.form.get("starts_at"))
        db.session.commit()
        flash(str(_("Время начала записано.")), "success")
        return redirect(_sheet_page(sheet_id))

    @expose("/<int:sheet_id>/admission", methods=["POST"])
    @has_access
    @permission_name("edit")
    @refusal_back(_sheet_page)
    def admission(self, sheet_id):
        f = request.form
        sheets.decide(current_user, sheet_id, f.get("student"), f.get("action", ""),
                      f.get("reason", ""))
        db.session.commit()
        flash(str(_("Решение о допуске записано.")), "success")
        return redirect(_sheet_page(sheet_id))

    @expose("/<int:sheet_id>/grades", methods=["POST"])
    @has_access
    @permission_name("edit")
    @refusal_back(_sheet_page)
    def grades(self, sheet_id):
        f = request.form
        values = {key[len("grade-"):]: value for key, value in f.items()
                  if key.startswith("grade-")}
        bases = {key: (f.get(f"basis-{key}", ""), parse_day(f.get(f"basis_date-{key}")))
                 for key in values}
        changed = sheets.save_grades(current_user, sheet_id, values, f.get("reason", ""),
                                     clock.today(), bases=bases)
        db.session.commit()
        flash(str(_("Оценки ведомости сохранены в журнал: изменено %(n)s.", n=changed)),
              "success")
        return redirect(_sheet_page(sheet_id))

    def _export(self, sheet_id, fmt):
        data = sheet_reading.sheet_data(current_user, sheet_id)
        audit.record("export", "exam_sheet", sheet_id, details={"format": fmt})
        audit.commit_read()
        return data

    @expose("/<int:sheet_id>/print/")
    @has_access
    def print(self, sheet_id):
        return self.render_template("sheets/print.html", d=self._export(sheet_id, "html"),
                                    college=sheets.college_name())

    @expose("/<int:sheet_id>/xlsx/")
    @has_access
    def xlsx(self, sheet_id):
        d = self._export(sheet_id, "xlsx")
        return xlsx_response(sheet_xlsx(d, sheets.college_name()), f'sheet-{d["id"]}.xlsx')


def register(appbuilder) -> None:
    appbuilder.add_view(SheetView, "Sheets", label=_("Ведомости"), icon="fa-file-text-o",
                        href="/sheets/", category="Journal", category_label=_("Журнал"))
