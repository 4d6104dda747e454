"""The curator's pages (3.3, 3.4, 3.1, 5.2): the group's week with the completeness check and
absence reasons, memos to the deputy, credentials of students and parents, status changes."""
from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user

from .. import labels
from ..errors import Forbidden, Refused
from ..extensions import db
from ..infra.clock import today
from ..services.college import consent, contingent, credentials
from ..services.control import completeness as cc, memos, weekly_checks
from ..services.journal.timetable import week_start
from ..web_errors import refusal_back, refusal_form, refusal_page
from .timetable import parse_day


def chosen_ids(values) -> list[int]:
    """The ids ticked in a form; anything else is refused as the rules' refusals are (422)."""
    try:
        return [int(value) for value in values]
    except ValueError:
        raise Refused(str(_("Неверный выбор."))) from None


def _group_week(monday=False) -> str:
    """The group's week page a form about that week returns to (as the form gave them)."""
    day = parse_day(request.form.get("week"), today())
    return url_for("CuratorView.group", group_id=request.form.get("group", type=int) or 0,
                   week=(week_start(day) if monday else day).isoformat())


class CuratorView(BaseView):
    route_base = "/curator"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("group")
    def index(self):
        groups = cc.groups_for(current_user)
        if len(groups) == 1:
            return redirect(url_for("CuratorView.group", group_id=groups[0].id))
        return self.render_template("curator/index.html", groups=groups,
                                    title=_("Мои группы"))

    @expose("/group/<int:group_id>")
    @has_access
    @permission_name("group")
    def group(self, group_id):
        group = cc.group_for(current_user, group_id)
        day = parse_day(request.args.get("week"), today())
        check = cc.week_check(group, day)
        record = weekly_checks.week_record(group.id, check["start"])
        return self.render_template(
            "curator/group.html", group=group, check=check,
            absences=cc.week_absences(group, day), reasons=cc.REASONS,
            prev_week=check["start"] - timedelta(days=7),
            next_week=check["start"] + timedelta(days=7),
            week_memo=memos.week_memo(group.id, check["start"]), statuses=memos.STATUSES,
            accounts=credentials.account_summary(
                credentials.curator_people(current_user, group.id)),
            consents=consent.without_consent(consent.group_people(group)),
            week_record=record, week_due=weekly_checks.due_date(check["start"]),
            week_late=record is not None and not weekly_checks.on_time(record),
            today_date=today(),
            memos=[m for m in memos.memos_for(current_user) if m.group_id == group.id],
            title=_("Группа %(name)s", name=group.name))

    @expose("/reasons", methods=["POST"])
    @has_access
    @permission_name("group")
    @refusal_back(_group_week)
    def reasons(self):
        """All absence reasons of the week in one save (5.2); one refused row saves none."""
        chosen = {}
        for key, value in request.form.items():
            if key.startswith("reason-") and key[7:].isdigit():
                chosen[int(key[7:])] = value
        cc.group_for(current_user, request.form.get("group", type=int) or 0)
        changed = cc.correct_reasons(current_user, chosen)
        db.session.commit()
        flash(str(_("Причины пропусков сохранены: %(n)s.", n=len(changed))) if changed
              else str(_("Причины не изменились.")), "success" if changed else "info")
        return redirect(_group_week() + "#week-absences")

    @expose("/reason", methods=["POST"])
    @has_access
    @permission_name("group")
    @refusal_page
    def reason(self):
        cell = cc.correct_reason(current_user, request.form.get("cell", type=int) or 0,
                                 request.form.get("reason", ""))
        db.session.commit()
        flash(str(_("Причина пропуска сохранена.")), "success")
        lesson = cell.lesson
        return redirect(url_for("CuratorView.group", group_id=lesson.journal.group_id,
                                week=lesson.lesson_date.isoformat()))

    @expose("/week-checked", methods=["POST"])
    @has_access
    @permission_name("memo")
    @refusal_back(lambda: _group_week(monday=True), "warning")
    def week_checked(self):
        """3.3: the curator records the week's check as done, with what it found."""
        row = weekly_checks.record(current_user, request.form.get("group", type=int) or 0,
                                   parse_day(request.form.get("week"), today()))
        db.session.commit()
        flash(str(_("Проверка недели отмечена: замечаний %(n)s.", n=row.issues)), "success")
        return redirect(_group_week(monday=True))

    @expose("/memo", methods=["POST"])
    @has_access
    @permission_name("memo")
    @refusal_back(lambda: _group_week(monday=True), "warning")
    def memo(self):
        memo, created = memos.send_memo(current_user, request.form.get("group", type=int) or 0,
                                        parse_day(request.form.get("week"), today()))
        db.session.commit()
        if created:
            flash(str(_("Служебная записка отправлена заместителю директора.")), "success")
        else:
            flash(str(_("Служебная записка за эту неделю уже отправлена — вот она.")), "info")
        return redirect(url_for("CuratorView.memo_print", memo_id=memo.id))

    @expose("/memo/<int:memo_id>")
    @has_access
    @permission_name("memo")
    def memo_print(self, memo_id):
        memo = memos.memo_for(current_user, memo_id)
        return self.render_template("curator/memo.html", memo=memo, statuses=memos.STATUSES,
                                    title=_("Служебная записка"))

    @expose("/credentials/")
    @has_access
    @permission_name("credentials")
    def credentials_groups(self):
        """The help's and the menu's way in: the one curated group, or a choice of them."""
        groups = cc.groups_for(current_user)
        if len(groups) == 1:
            return redirect(url_for("CuratorView.credentials", group_id=groups[0].id))
        return self.render_template("curator/index.html", groups=groups,
                                    endpoint="CuratorView.credentials",
                                    title=_("Учётные записи студентов и родителей"))

    @expose("/credentials/<int:group_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("credentials")
    @refusal_page
    def credentials(self, group_id):
        group = cc.group_for(current_user, group_id)
        if not credentials.issues_for_group(current_user, group):
            raise Forbidden(str(_("Учётные данные выдаёт куратор группы.")))
        people = credentials.curator_people(current_user, group.id)
        if request.method == "POST":
            if request.form.get("missing"):
                students, parents = credentials.missing_logins(people)
            else:
                students = chosen_ids(request.form.getlist("student"))
                parents = chosen_ids(request.form.getlist("parent"))
            if not students and not parents:
                flash(str(_("Никто не отмечен: отметьте студентов или родителей, "
                            "которым выдать учётные данные.")), "warning")
                return redirect(url_for("CuratorView.credentials", group_id=group.id))
            again = credentials.reissues(people, students, parents)
            if again and not request.form.get("confirm"):
                return self.render_template(
                    "curator/credentials_confirm.html", group=group, again=again,
                    students=students, parents=parents, title=_("Выдача учётных данных"))
            slips = [credentials.issue_for_student(current_user, sid) for sid in students]
            slips += [credentials.issue_for_parent(current_user, pid) for pid in parents]
            db.session.commit()
            return self.render_template("it/slips.html", slips=slips,
                                        title=_("Учётные данные"))
        return self.render_template("curator/credentials.html", group=group, people=people,
                                    summary=credentials.account_summary(people),
                                    title=_("Выдача учётных данных"))

    @expose("/status", methods=["GET", "POST"])
    @has_access
    @permission_name("status")
    @refusal_form(lambda view, exc: view._status_page(refused=exc))
    def status(self):
        if request.method == "POST":
            contingent.record_status_change(
                current_user, request.form.get("student", type=int) or 0,
                request.form.get("kind", ""), request.form.get("order_number", ""),
                parse_day(request.form.get("order_date")),
                parse_day(request.form.get("effective_date")),
                request.form.get("note", ""))
            db.session.commit()
            flash(str(_("Изменение статуса записано, заявка передана в отдел ИТ.")),
                  "success")
            return redirect(url_for("CuratorView.status"))
        return self._status_page()

    def _status_page(self, refused=None):
        if refused is not None:  # the form's message, on the page the form is on
            flash(str(refused), "danger")
        return self.render_template(
            "curator/status.html", students=contingent.curated_students(current_user),
            kinds=labels.STATUS_CHANGE_REQUESTS, requests=contingent.requests_for(current_user),
            title=_("Заявки на движение контингента"))


def register(appbuilder) -> None:
    appbuilder.add_view(CuratorView, "MyGroups", label=_("Моя группа"), icon="fa-users",
                        href="/curator/", category="Curator", category_label=_("Куратор"))
    appbuilder.add_link("Contingent", label=_("Заявки на движение контингента"),
                        href="/curator/status", icon="fa-exchange", category="Curator")
    appbuilder.add_link("Credentials", label=_("Учётные записи студентов и родителей"),
                        href="/curator/credentials/", icon="fa-key", category="Curator")
