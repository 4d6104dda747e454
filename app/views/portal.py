"""Students' and parents' portal (2.2, 3.6, 5.2, 5.4): the record, its XLSX export, reports of
a wrong mark / access problem and their answers; the curator's weekly reports (3.3, 5.2)."""

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user

from .. import labels
from ..exports.record import record_xlsx
from ..exports.report_card import report_card_xlsx
from ..extensions import db
from ..infra.schedule import weekday_name
from ..jobs import mail as mail_jobs
from ..services.portal import diary, issue_reports, record as records, weekly_reports as weekly
from ..services.portal import report_card as report_cards
from ..services.portal import weekly_received, weekly_schedule
from ..services.scopes import role_names, student_of_user
from ..web_errors import refusal_page
from .base import xlsx_response


class PortalView(BaseView):
    route_base = "/portal"
    default_view = "my"

    @expose("/")
    @has_access
    @permission_name("record")
    def my(self):
        """A student opens their record; a parent chooses a child (and sees why access ended)."""
        if "Student" in role_names(current_user):
            ids = records.own_student_ids(current_user)
            if ids:
                return redirect(url_for("PortalView.student", student_id=ids[0]))
        children = records.visible_children(current_user)
        return self.render_template("portal/children.html", children=children,
                                    reports=issue_reports.reports_of_reporter(current_user))

    @expose("/student/<int:student_id>")
    @has_access
    @permission_name("record")
    def student(self, student_id):
        """The diary: the week, the period's grid (any earlier period by `?period=`), history;
        `?report=<lesson>` opens the wrong-mark form for that mark (5.4)."""
        data = records.student_record(current_user, student_id,
                                      period_id=request.args.get("period"))
        reporter = student_id in records.own_student_ids(current_user)
        return self.render_template(
            "portal/record.html", data=data, reporter=reporter,
            grid=diary.grid(data["disciplines"]),
            report_entry=diary.entry_to_report(data, request.args.get("report")) if reporter
            else None, title=data["student"]["full_name"],
            reports=[r for r in issue_reports.reports_of_reporter(current_user)
                     if r.student_id == student_id] if reporter else [])

    @expose("/weekly-reports")
    @has_access
    @permission_name("received")
    def weekly_received(self):
        """3.3, 5.2: the curator's weekly reports about the student (a parent's children) as
        they were sent, newest first, a page at a time."""
        return self.render_template(
            "portal/weekly_received.html",
            found=weekly_received.received(current_user, request.args.get("page")),
            denied=[(c, r) for c, r in records.visible_children(current_user) if r],
            title=_("Отчёты куратора"))

    @expose("/report-card")
    @has_access
    @permission_name("record")
    def report_cards(self):
        """The menu's report card: the student's own; a parent chooses a child."""
        ids = records.own_student_ids(current_user)
        if len(ids) == 1:
            return redirect(url_for("PortalView.report_card", student_id=ids[0]))
        return self.render_template("portal/children.html",
                                    children=records.visible_children(current_user),
                                    target="PortalView.report_card",
                                    title=_("Табель успеваемости"))

    @expose("/student/<int:student_id>/report-card")
    @has_access
    @permission_name("record")
    def report_card(self, student_id):
        """2.2, 5.2: the period's final grades, averages and attendance beside the group's."""
        data = report_cards.report_card(current_user, student_id,
                                        period_id=request.args.get("period"))
        return self.render_template("portal/report_card.html", data=data,
                                    title=_("Табель успеваемости"))

    @expose("/student/<int:student_id>/report-card.xlsx")
    @has_access
    @permission_name("record")
    def report_card_xlsx(self, student_id):
        data = report_cards.report_card(current_user, student_id, audit_action="export",
                                        period_id=request.args.get("period"))
        return xlsx_response(report_card_xlsx(data), f"report-card-{student_id}.xlsx")

    @expose("/student/<int:student_id>/record.xlsx")
    @has_access
    @permission_name("record")
    def export(self, student_id):
        data = records.student_record(current_user, student_id, audit_action="export",
                                      period_id=request.args.get("period"))
        return xlsx_response(record_xlsx(data), f"record-{student_id}.xlsx")

    @expose("/report/mark", methods=["POST"])
    @has_access
    @permission_name("report")
    @refusal_page
    def report_mark(self):
        form = request.form
        issue_reports.report_wrong_mark(current_user, form.get("student_id"), form.get("lesson_id"),
                                  form.get("text"))
        flash(str(_("Сообщение об ошибке в оценке отправлено преподавателю.")), "info")
        return redirect(url_for("PortalView.student", student_id=form.get("student_id", type=int)))

    @expose("/report/access", methods=["POST"])
    @has_access
    @permission_name("report")
    @refusal_page
    def report_access(self):
        issue_reports.report_access_problem(current_user, request.form.get("student_id"),
                                      request.form.get("text"))
        flash(str(_("Сообщение о проблеме доступа отправлено куратору.")), "info")
        return redirect(url_for("PortalView.reports"))

    @expose("/reports")
    @has_access
    @permission_name("reports")
    def reports(self):
        return self.render_template(
            "portal/reports.html", assigned=issue_reports.reports_assigned(current_user),
            mine=issue_reports.reports_of_reporter(current_user),
            own=records.visible_children(current_user)
            + [(s, None) for s in _own_student(current_user)])

    @expose("/reports/<int:report_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("reports")
    @refusal_page
    def report(self, report_id):
        if request.method == "POST":
            issue_reports.answer_report(current_user, report_id, request.form.get("outcome"),
                                  request.form.get("answer"))
            flash(str(_("Ответ отправлен.")), "info")
            return redirect(url_for("PortalView.report", report_id=report_id))
        item, history, current = issue_reports.report_for_assignee(current_user, report_id)
        return self.render_template("portal/report.html", report=item, history=history,
                                    current=current)


def _own_student(user):
    student = student_of_user(user)
    return [student] if student else []


class WeeklyReportView(BaseView):
    """The curator's weekly report to parents: page, printable page, sending by e-mail."""
    route_base = "/weekly"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        return self.render_template("portal/weekly_index.html",
                                    groups=weekly.groups_for(current_user))

    def _context(self, group_id):
        group = weekly.group_for(current_user, group_id)
        week = weekly.parse_week(request.values.get("week"))
        return group, week, weekly.build(group, week)

    @expose("/<int:group_id>")
    @has_access
    @permission_name("list")
    def group(self, group_id):
        group, week, reports = self._context(group_id)
        found = weekly.deliveries(group, week)
        return self.render_template("portal/weekly.html", group=group, week=week,
                                    reports=reports, deliveries=found,
                                    mailing=weekly.delivery_state(found),
                                    states=labels.WEEKLY_REPORT_STATES,
                                    schedule=weekly_schedule.state(group),
                                    weekdays=[weekday_name(d) for d in range(7)])

    @expose("/<int:group_id>/schedule", methods=["POST"])
    @has_access
    @permission_name("send")
    @refusal_page
    def schedule(self, group_id):
        """3.3, 5.2: the weekday and time the group's reports go to parents by themselves."""
        row = weekly_schedule.choose(current_user, group_id, request.form.get("weekday"),
                                     request.form.get("time"))
        db.session.commit()
        flash(str(_("Отчёты будут отправляться автоматически: %(day)s в %(time)s.",
                    day=weekday_name(row.weekday), time=row.send_time)), "info")
        return redirect(url_for("WeeklyReportView.group", group_id=group_id,
                                week=request.form.get("week", "")))

    @expose("/<int:group_id>/hold", methods=["POST"])
    @has_access
    @permission_name("send")
    @refusal_page
    def hold(self, group_id):
        """The curator holds one week's automatic sending (or lets it go again)."""
        held = request.form.get("held") == "1"
        week = weekly_schedule.hold(current_user, group_id, request.form.get("week"), held)
        db.session.commit()
        flash(str(_("Неделя с %(week)s не будет отправлена автоматически.", week=week.strftime(
            "%d.%m.%Y")) if held else _("Неделя с %(week)s будет отправлена по расписанию.",
                                         week=week.strftime("%d.%m.%Y"))), "info")
        return redirect(url_for("WeeklyReportView.group", group_id=group_id))

    @expose("/<int:group_id>/print")
    @has_access
    @permission_name("list")
    def printable(self, group_id):
        group, week, reports = self._context(group_id)
        return self.render_template("portal/weekly_print.html", group=group, week=week,
                                    reports=reports)

    @expose("/<int:group_id>/send", methods=["POST"])
    @has_access
    @permission_name("send")
    @refusal_page
    def send(self, group_id):
        """3.3: the e-mails are queued and delivered after the answer (the page never waits
        for the mail server); their states show on the report page."""
        group = weekly.group_for(current_user, group_id)
        week = weekly.parse_week(request.form.get("week"))
        result = weekly.queue(group, week, user=current_user)
        db.session.commit()
        if result["queued"]:
            mail_jobs.deliver_weekly_reports([d.id for d in result["queued"]])
        flash(str(_("Писем поставлено в очередь: %(queued)s, уже были отправлены: %(skipped)s. "
                    "Состояние каждого письма — в отчёте ниже.",
                    queued=len(result["queued"]), skipped=len(result["skipped"]))), "info")
        return redirect(url_for("WeeklyReportView.group", group_id=group.id,
                                week=week.strftime("%d.%m.%Y")) + "#mailing")

    @expose("/delivery/<int:delivery_id>/retry", methods=["POST"])
    @has_access
    @permission_name("send")
    @refusal_page
    def retry(self, delivery_id):
        delivery = weekly.retry(current_user, delivery_id)
        db.session.commit()
        mail_jobs.deliver_weekly_reports([delivery.id])
        flash(str(_("Письмо поставлено в очередь повторно.")), "info")
        return redirect(url_for("WeeklyReportView.group", group_id=delivery.student.group_id,
                                week=delivery.week_start.strftime("%d.%m.%Y")) + "#mailing")


def register(appbuilder) -> None:
    appbuilder.add_view(PortalView, "Record", label=_("Успеваемость"), icon="fa-graduation-cap",
                        href="/portal/")
    appbuilder.add_link("ReportCard", label=_("Табель успеваемости"), href="/portal/report-card",
                        icon="fa-table")
    appbuilder.add_link("ReceivedWeeklyReports", label=_("Отчёты куратора"),
                        href="/portal/weekly-reports", icon="fa-envelope-o")
    appbuilder.add_link("IssueReports", label=_("Обращения"), href="/portal/reports",
                        icon="fa-flag")
    appbuilder.add_view(WeeklyReportView, "WeeklyReports", label=_("Еженедельные отчёты"),
                        icon="fa-envelope-o", href="/weekly/")
