"""IT's screens (3.1, 5.2): staff credentials with printable slips; confirming the curators'
block/unblock requests."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from flask_login import current_user

from .. import labels
from ..extensions import db
from ..services.college import contingent, credentials
from ..web_errors import refusal_page
from .curator import chosen_ids


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
    @refusal_page
    def credentials(self):
        slips = [credentials.issue_for_staff(current_user, uid)
                 for uid in chosen_ids(request.form.getlist("user"))]
        if not slips:  # nobody ticked: the same form again, with a word why
            flash(str(_("Никто не отмечен: отметьте сотрудников, которым выдать учётные "
                        "данные.")), "warning")
            return redirect(url_for("ITView.index"))
        db.session.commit()
        return self.render_template("it/slips.html", slips=slips, title=_("Учётные данные"))

    @expose("/request/<int:request_id>", methods=["GET", "POST"])
    @has_access
    @refusal_page
    def decide(self, request_id):
        """Rejecting and unblocking take one click; blocking an account first shows what
        it will end, and acts only on the second submit with `sure=1` (5.2)."""
        confirm = request.method == "POST" and request.form.get("confirm") == "1"
        if request.method == "GET" or (confirm and request.form.get("sure") != "1"):
            facts = contingent.blocking_consequences(current_user, request_id)
            blocking = facts["block_request"].action == "block"
            if request.method == "GET" or blocking:
                return self.render_template(
                    "it/confirm_block.html", **facts, title=_("Подтверждение блокировки")
                    if blocking else _("Заявка на разблокировку"))
        req = contingent.decide(current_user, request_id, confirm)
        db.session.commit()
        outcome = labels.status("block", req.status)
        flash(str(_("Заявка рассмотрена: %(s)s.", s=outcome)), "success")
        return redirect(url_for("ITView.index"))


def register(appbuilder) -> None:
    appbuilder.add_view(ITView, "Accounts", label=_("Учётные данные и блокировки"),
                        icon="fa-key", category="Service",
                        category_label=_("Сопровождение"))
