"""IT's backups page (7.1): the list of backups with their verification, a button to make one."""
import json
from datetime import datetime

from flask import flash, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user

from ..services.records import backup
from ..web_errors import refusal_back


class BackupView(BaseView):
    route_base = "/backups"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        records = backup.backups()
        details = {r.id: json.loads(r.verification) if r.verification else {} for r in records}
        listing = backup.listing()
        known = {r.file_name for r in records}
        only_listed = [dict(c, created=datetime.fromisoformat(c["created_at"]))
                       for name, c in sorted((listing["copies"] or {}).items(), reverse=True)
                       if name not in known]
        return self.render_template("backups/index.html", records=records, details=details,
                                    listing=listing, only_listed=only_listed)

    @expose("/run", methods=["POST"])
    @has_access
    @permission_name("run")
    @refusal_back("BackupView.index")
    def run(self):
        record = backup.make_backup(user=current_user)
        if record.verified:
            flash(str(_("Копия %(name)s создана и проверена.", name=record.file_name)), "success")
        else:
            flash(str(_("Копия %(name)s создана, но проверка НЕ пройдена.",
                        name=record.file_name)), "danger")
        return redirect(url_for("BackupView.index"))


def register(appbuilder) -> None:
    appbuilder.add_view(BackupView, "BackupView", label=_("Резервные копии"),
                        icon="fa-database", category="Service",
                        category_label=_("Сопровождение"))
