"""IT's screens (3.1, 5.2): staff credentials with printable slips; confirming the curators'
block/unblock requests."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user

from ..extensions import db
from ..services import completeness as cc
from ..services import contingent, credentials
from ..services.dashboard import link, provider
from .curator import refused


class ITView(BaseView):
    route_base = "/it"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("it/index.html", requests=contingent.requests_for(
            current_user), staff=credentials.staff_users(), can_decide=True,
            title=_("Учётные записи"))

    @expose("/credentials", methods=["POST"])
    @has_access
    def credentials(self):
        try:
            slips = [credentials.issue_for_staff(current_user, int(uid))
                     for uid in request.form.getlist("user")]
            if not slips:
                raise cc.BadInput(str(_("Отметьте сотрудников.")))
            db.session.commit()
        except (cc.DomainError, ValueError) as exc:
            db.session.rollback()
            return refused(self, exc if isinstance(exc, cc.DomainError)
                           else cc.BadInput(str(_("Неверный выбор."))))
        return self.render_template("it/slips.html", slips=slips, title=_("Учётные данные"))

    @expose("/request/<int:request_id>", methods=["POST"])
    @has_access
    def decide(self, request_id):
        try:
            req = contingent.decide(current_user, request_id, request.form.get("confirm") == "1")
            db.session.commit()
        except cc.DomainError as exc:
            db.session.rollback()
            return refused(self, exc)
        flash(str(_("Заявка рассмотрена: %(s)s.", s=req.status)), "success")
        return redirect(url_for("ITView.index"))


@provider("IT")
def it_requests_block(user):
    pending = len(contingent.requests_for(user, pending_only=True))
    return str(_("Отдел ИТ")), [link(str(_("Заявки на блокировку: ожидают %(n)s", n=pending)),
                                     "ITView.index")]


def register(appbuilder) -> None:
    appbuilder.add_view(ITView, "Accounts", label=_("Учётные данные и блокировки"),
                        icon="fa-key", category="Service")
