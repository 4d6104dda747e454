"""Students' and parents' portal (2.2, 3.6, 5.2, 5.4): the record, its XLSX export, reports of
a wrong mark / access problem and their answers; the curator's weekly reports (3.3, 5.2)."""
from io import BytesIO

from flask import Response, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import StudentGroup
from ..services import record as records
from ..services import weekly_reports as weekly
from ..services.dashboard import link, provider
from ..services.reports import no_formulas
from ..services.scopes import ALL_STUDENTS_ROLES, role_names

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refused(view, exc):
    return view.render_template("error.html", code=exc.status, message=str(exc)), exc.status


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
                                    reports=records.reports_of_reporter(current_user))

    @expose("/student/<int:student_id>")
    @has_access
    @permission_name("record")
    def student(self, student_id):
        try:
            data = records.student_record(current_user, student_id)
        except records.RecordError as exc:
            return _refused(self, exc)
        reporter = student_id in records.own_student_ids(current_user)
        return self.render_template("portal/record.html", data=data, reporter=reporter,
                                    reports=[r for r in records.reports_of_reporter(current_user)
                                             if r.student_id == student_id] if reporter else [])

    @expose("/student/<int:student_id>/record.xlsx")
    @has_access
    @permission_name("record")
    def export(self, student_id):
        try:
            data = records.student_record(current_user, student_id, audit_action="export")
        except records.RecordError as exc:
            return _refused(self, exc)
        return Response(_xlsx(data), mimetype=XLSX, headers={
            "Content-Disposition": f"attachment; filename=record-{student_id}.xlsx"})

    @expose("/report/mark", methods=["POST"])
    @has_access
    @permission_name("report")
    def report_mark(self):
        form = request.form
        try:
            records.report_wrong_mark(current_user, form.get("student_id"),
                                      form.get("lesson_id"), form.get("text"))
        except records.RecordError as exc:
            return _refused(self, exc)
        flash(str(_("Сообщение об ошибке в оценке отправлено преподавателю.")), "info")
        return redirect(url_for("PortalView.student", student_id=form.get("student_id", type=int)))

    @expose("/report/access", methods=["POST"])
    @has_access
    @permission_name("report")
    def report_access(self):
        try:
            records.report_access_problem(current_user, request.form.get("student_id"),
                                          request.form.get("text"))
        except records.RecordError as exc:
            return _refused(self, exc)
        flash(str(_("Сообщение о проблеме доступа отправлено куратору.")), "info")
        return redirect(url_for("PortalView.reports"))

    @expose("/reports")
    @has_access
    @permission_name("reports")
    def reports(self):
        return self.render_template(
            "portal/reports.html", assigned=records.reports_assigned(current_user),
            mine=records.reports_of_reporter(current_user),
            own=records.visible_children(current_user)
            + [(s, None) for s in _own_student(current_user)])

    @expose("/reports/<int:report_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("reports")
    def report(self, report_id):
        try:
            if request.method == "POST":
                records.answer_report(current_user, report_id, request.form.get("outcome"),
                                      request.form.get("answer"))
                flash(str(_("Ответ отправлен.")), "info")
                return redirect(url_for("PortalView.report", report_id=report_id))
            item, history, current = records.report_for_assignee(current_user, report_id)
        except records.RecordError as exc:
            return _refused(self, exc)
        return self.render_template("portal/report.html", report=item, history=history,
                                    current=current)


def _own_student(user):
    from ..services.scopes import student_of_user
    student = student_of_user(user)
    return [student] if student else []


def _xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = "Текущий период"
    sheet.append([data["student"]["full_name"], data["student"]["group"]])
    sheet.append(["Дисциплина", "Дата", "Отметки", "Причина пропуска"])
    for row in data["disciplines"]:
        for entry in row["entries"]:
            sheet.append([f"{row['code']} {row['name']}", entry["date"], entry["text"],
                          entry["absence_reason"]])
        sheet.append([f"{row['code']} {row['name']}", "средний балл", row["average"] or "", ""])
    history = book.create_sheet("История")
    history.append(["Учебный год", "Период", "Дисциплина", "Вид", "Оценка"])
    for item in data["history"]:
        history.append([item["academic_year"], item["period"], f"{item['code']} {item['name']}",
                        item["kind_label"], item["value"]])
    out = BytesIO()
    no_formulas(book)
    book.save(out)
    return out.getvalue()


class WeeklyReportView(BaseView):
    """The curator's weekly report to parents: page, printable page, sending by e-mail."""
    route_base = "/weekly"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        q = select(StudentGroup).where(StudentGroup.status == "active").order_by(StudentGroup.name)
        if not role_names(current_user) & ALL_STUDENTS_ROLES:
            q = q.where(StudentGroup.curator_id == current_user.id)
        return self.render_template("portal/weekly_index.html",
                                    groups=db.session.scalars(q).all())

    def _context(self, group_id):
        group = weekly.group_for(current_user, group_id)
        week = weekly.parse_week(request.values.get("week"))
        return group, week, weekly.build(group, week)

    @expose("/<int:group_id>")
    @has_access
    @permission_name("list")
    def group(self, group_id):
        try:
            group, week, reports = self._context(group_id)
        except weekly.WeeklyReportError as exc:
            return _refused(self, exc)
        return self.render_template("portal/weekly.html", group=group, week=week,
                                    reports=reports, deliveries=weekly.deliveries(group, week))

    @expose("/<int:group_id>/print")
    @has_access
    @permission_name("list")
    def printable(self, group_id):
        try:
            group, week, reports = self._context(group_id)
        except weekly.WeeklyReportError as exc:
            return _refused(self, exc)
        return self.render_template("portal/weekly_print.html", group=group, week=week,
                                    reports=reports)

    @expose("/<int:group_id>/send", methods=["POST"])
    @has_access
    @permission_name("send")
    def send(self, group_id):
        try:
            group = weekly.group_for(current_user, group_id)
            week = weekly.parse_week(request.form.get("week"))
            result = weekly.send(group, week, user=current_user)
        except weekly.WeeklyReportError as exc:
            return _refused(self, exc)
        flash(str(_("Отправлено: %(sent)s, уже были отправлены: %(skipped)s, ошибок: %(failed)s.",
                    sent=len(result["sent"]), skipped=len(result["skipped"]),
                    failed=len(result["failed"]))),
              "warning" if result["failed"] else "info")
        for name, email, error in result["failed"]:
            flash(f"{name} → {email}: {error}", "danger")
        return redirect(url_for("WeeklyReportView.group", group_id=group.id,
                                week=week.strftime("%d.%m.%Y")))


@provider("Student", "Parent")
def portal_block(user):
    items = [link(str(_("Успеваемость и домашние задания")), "PortalView.my"),
             link(str(_("Мои обращения")), "PortalView.reports")]
    return str(_("Мой дневник")), items


@provider("Teacher", "Curator")
def issue_block(user):
    open_reports = records.reports_assigned(user, open_only=True)
    if not open_reports:
        return None
    return str(_("Обращения студентов и родителей")), [
        link(f"{r.student.short_name}: {r.text[:60]}", "PortalView.report", report_id=r.id)
        for r in open_reports[:10]]


@provider("Curator")
def weekly_block(user):
    groups = db.session.scalars(select(StudentGroup).where(
        StudentGroup.curator_id == user.id, StudentGroup.status == "active")
        .order_by(StudentGroup.name)).all()
    if not groups:
        return None
    return str(_("Еженедельные отчёты родителям")), [
        link(str(_("Группа %(name)s", name=g.name)), "WeeklyReportView.group", group_id=g.id)
        for g in groups]


def register(appbuilder) -> None:
    appbuilder.add_view(PortalView, "Record", label=_("Успеваемость"), icon="fa-graduation-cap",
                        href="/portal/")
    appbuilder.add_link("IssueReports", label=_("Обращения"), href="/portal/reports",
                        icon="fa-flag")
    appbuilder.add_view(WeeklyReportView, "WeeklyReports", label=_("Еженедельные отчёты"),
                        icon="fa-envelope-o", href="/weekly/")
