"""Academic debts and retakes (4.7): the register (the college for the administration, the
current groups for a curator, their disciplines for a teacher), a student's debts, XLSX,
scheduling a retake, its results and its printed sheet and directions."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user

from .. import labels
from ..errors import NotFound
from ..exports.debt_register import register_xlsx
from ..extensions import db
from ..infra import clock
from ..security.access import EXTENDS_DEBT_DEADLINE, SCHEDULES_RETAKES
from ..services.assessment import debt_deadlines, debt_register, debts, retakes
from ..services.journal import bells
from ..services.records import audit
from ..services.scopes import role_names
from ..web_errors import refusal_form
from .base import xlsx_response
from .timetable import parse_day



class DebtsView(BaseView):
    route_base = "/debts"
    default_view = "register"

    def _register_page(self, error=None, form=None, status=200):
        day = clock.today()
        filters = debt_register.clean_filters(request.args)
        data = debt_register.register(current_user, filters, day)
        may_schedule = bool(role_names(current_user) & SCHEDULES_RETAKES)
        query = {k: v for k, v in request.args.items() if k != "page"}
        return self.render_template(
            "debts/register.html", data=data, filters=filters, query=query,
            choices=debt_register.filter_choices(current_user, day), origins=labels.DEBT_ORIGINS,
            may_schedule=may_schedule, error=error, form=form or {}, today=day,
            may_extend=bool(role_names(current_user) & EXTENDS_DEBT_DEADLINE),
            examiners=retakes.examiner_choices() if may_schedule else [],
            pair_starts=bells.pair_starts() if may_schedule else [],
            title=_("Академические задолженности")), status

    @expose("/")
    @has_access
    def register(self):
        audit.record("view", "academic_debt", None)
        audit.commit_read()
        return self._register_page()

    @expose("/register.xlsx")
    @has_access
    def xlsx(self):
        day = clock.today()
        filters = debt_register.clean_filters(request.args)
        data = debt_register.register(current_user, filters, day)
        table = debt_register.register_table(current_user, filters, day)
        audit.record("export", "academic_debt", None,
                     details={"format": "xlsx", "rows": len(table[0])})
        audit.commit_read()
        return xlsx_response(register_xlsx(data, table), "debts.xlsx")

    @expose("/student/<int:student_id>")
    @has_access
    def student(self, student_id):
        data = debts.student_debts(current_user, student_id)
        return self.render_template("debts/student.html", data=data, roles=labels.RETAKE_ROLES,
                                    title=_("Академические задолженности"))

    @expose("/schedule", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._register_page(exc.message, request.form, exc.status))
    def schedule(self):
        form = request.form
        retake = retakes.schedule_retake(
            current_user, form.getlist("debt"), parse_day(form.get("date")),
            form.get("place", ""), examiner_id=form.get("examiner"),
            chairman_id=form.get("chairman"),
            member_ids=[form.get("member1"), form.get("member2")], starts_at=form.get("time"))
        db.session.commit()
        flash(str(_("Пересдача назначена.")), "success")
        return redirect(url_for("DebtsView.retake", retake_id=retake.id))

    @expose("/extend", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._register_page(exc.message, request.form, exc.status))
    def extend(self):
        """4.7: the deputy's order extending the deadline of the debts ticked in the register."""
        form = request.form
        extended = debt_deadlines.extend_deadline(
            current_user, form.getlist("debt"), parse_day(form.get("new_deadline")),
            form.get("order_number", ""), parse_day(form.get("order_date")))
        db.session.commit()
        flash(str(_("Срок ликвидации продлён: задолженностей — %(n)s.", n=len(extended))),
              "success")
        return redirect(url_for("DebtsView.register"))

    @expose("/retake/<int:retake_id>")
    @has_access
    def retake(self, retake_id):
        return self._retake_page(retakes.retake_for_read(current_user, retake_id))

    def _retake_page(self, retake, error=None, status=200):
        return self.render_template(
            "debts/retake.html", sheet=retakes.retake_sheet(retake), roles=labels.RETAKE_ROLES,
            may_enter=retakes.may_enter_results(current_user, retake), error=error,
            may_reschedule=bool(role_names(current_user) & SCHEDULES_RETAKES)
            and not any(entry.result for entry in retake.entries),
            pair_starts=bells.pair_starts(),
            today=clock.today(), title=_("Пересдача")), status

    @expose("/retake/<int:retake_id>/time", methods=["POST"])
    @has_access
    @permission_name("schedule")
    @refusal_form(lambda view, exc, retake_id: view._retake_page(
        retakes.retake_for_read(current_user, retake_id), exc.message, exc.status))
    def start_time(self, retake_id):
        retakes.set_start_time(current_user, retake_id, request.form.get("time"))
        db.session.commit()
        flash(str(_("Время начала записано.")), "success")
        return redirect(url_for("DebtsView.retake", retake_id=retake_id))

    @expose("/retake/<int:retake_id>/result", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc, retake_id: view._retake_page(
        retakes.retake_for_read(current_user, retake_id), exc.message, exc.status))
    def result(self, retake_id):
        results = {key[len("result-"):]: value for key, value in request.form.items()
                   if key.startswith("result-")}
        retakes.enter_results(current_user, retake_id, results)
        db.session.commit()
        flash(str(_("Результаты пересдачи внесены.")), "success")
        return redirect(url_for("DebtsView.retake", retake_id=retake_id))

    @expose("/retake/<int:retake_id>/sheet")
    @has_access
    def sheet(self, retake_id):
        """The retake (commission) sheet, A4 with signature lines."""
        retake = retakes.retake_for_read(current_user, retake_id)
        audit.record("export", "retake", retake.id, details={"format": "print"})
        audit.commit_read()
        return self.render_template("debts/sheet_print.html", sheet=retakes.retake_sheet(retake),
                                    roles=labels.RETAKE_ROLES, today=clock.today())

    @expose("/retake/<int:retake_id>/referral/<int:entry_id>")
    @has_access
    def referral(self, retake_id, entry_id):
        """Направление на пересдачу of one student."""
        retake = retakes.retake_for_read(current_user, retake_id)
        entry = next((e for e in retake.entries if e.id == entry_id), None)
        if entry is None:
            raise NotFound(_("Студент не числится в этой пересдаче."))
        audit.record("export", "retake", retake.id,
                     details={"format": "print", "student": entry.debt.student_id})
        audit.commit_read()
        return self.render_template("debts/referral_print.html",
                                    sheet=retakes.retake_sheet(retake), entry=entry,
                                    roles=labels.RETAKE_ROLES, today=clock.today())


def register(appbuilder) -> None:
    appbuilder.add_view(DebtsView, "AcademicDebts", label=_("Академические задолженности"),
                        icon="fa-exclamation-triangle", href="/debts/", category="Journal",
                        category_label=_("Журнал"))
