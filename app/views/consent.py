"""Consents to the processing of personal data (4.1, 152-FZ): the groups' lists, recording a
consent and its withdrawal (rules: services/college/consent.py); the privacy policy, open to
everyone, linked from the login page and every page's footer."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user

from ..extensions import db
from ..infra.clock import today
from ..services.college import consent
from ..web_errors import refusal_back
from .timetable import parse_day


def _group_page(**_kwargs) -> str:
    return url_for("ConsentView.group", group_id=request.form.get("group", type=int) or 0)


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return 0  # no such person: the service answers «не найден»


class ConsentView(BaseView):
    route_base = "/consent"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        groups = consent.groups_for(current_user)
        if len(groups) == 1:
            return redirect(url_for("ConsentView.group", group_id=groups[0].id))
        return self.render_template("consent/index.html", groups=groups,
                                    title=_("Согласия на обработку персональных данных"))

    @expose("/group/<int:group_id>")
    @has_access
    def group(self, group_id):
        group = consent.group_for(current_user, group_id)
        people = consent.group_people(group)
        return self.render_template(
            "consent/group.html", group=group, people=people,
            missing=consent.without_consent(people), parents=consent.parents_of(people),
            today_date=today(),
            title=_("Согласия на обработку ПДн: %(name)s", name=group.name))

    @expose("/record", methods=["POST"])
    @has_access
    @refusal_back(_group_page)
    def record(self):
        form = request.form
        subject = form.get("subject", "")
        kind, _sep, subject_id = subject.partition(":")
        consent.record(current_user, parse_day(form.get("given_on")), form.get("document"),
                       student_id=_int(subject_id) if kind == "student" else None,
                       parent_id=_int(subject_id) if kind == "parent" else None,
                       given_by_parent_id=_int(form.get("given_by")))
        db.session.commit()
        flash(str(_("Согласие записано.")), "success")
        return redirect(_group_page())

    @expose("/<int:consent_id>/withdraw", methods=["POST"])
    @has_access
    @refusal_back(_group_page)
    def withdraw(self, consent_id):
        consent.withdraw(current_user, consent_id, parse_day(request.form.get("withdrawn_on")),
                         request.form.get("document"))
        db.session.commit()
        flash(str(_("Отзыв согласия отмечен.")), "success")
        return redirect(_group_page())


class PrivacyView(BaseView):
    """The college's policy on personal data (4.1): public, read before logging in."""
    route_base = "/privacy"
    default_view = "policy"

    @expose("/")
    def policy(self):
        return self.render_template("consent/privacy.html",
                                    title=_("Политика обработки персональных данных"))


def register(appbuilder) -> None:
    appbuilder.add_view(ConsentView, "Consents", label=_("Согласия на обработку ПДн"),
                        icon="fa-check-square-o", href="/consent/", category="People",
                        category_label=_("Люди"))
    appbuilder.add_view_no_menu(PrivacyView)
