"""The practice's documents (issue 15): the order's list (print, XLSX), the attestation sheet
and the характеристика (A4 print with the organisation's and the college's signatures), the
group's attestation (XLSX). Endpoints of PracticeView; rows through app/services/practice.py."""
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _
from flask_login import current_user

from .. import labels
from ..exports import practice as exports
from ..services import practice
from ..services.records import audit
from .base import xlsx_response
from .practice_data import attestation_marks, placement_data, stripped


class PracticeDocuments:
    """Mixed into PracticeView: its permissions can_order, can_xlsx, can_print."""

    # --- the order's list, the group's attestation: print and XLSX ----------------------
    @expose("/<int:practice_id>/order")
    @has_access
    @permission_name("order")
    def order(self, practice_id):
        found = practice.overview(current_user, practice_id=practice_id)
        return self.render_template("practice/order_print.html", item=found[0]["practice"],
                                    rows=found[0]["rows"], kinds=labels.PRACTICE_KINDS)

    @expose("/<int:practice_id>/order.xlsx")
    @has_access
    @permission_name("order")
    def order_xlsx(self, practice_id):
        found = practice.overview(current_user, practice_id=practice_id)
        item, rows = found[0]["practice"], found[0]["rows"]
        body = exports.order_xlsx(item, rows)
        _exported(item, "order", rows)
        return xlsx_response(body, f"practice-{item.id}-order.xlsx")

    @expose("/<int:practice_id>/attestation.xlsx")
    @has_access
    @permission_name("xlsx")
    def attestation_xlsx(self, practice_id):
        """The group's attestation: per student each competency, the diary and the grade."""
        found = practice.overview(current_user, practice_id=practice_id)
        item, rows = found[0]["practice"], found[0]["rows"]
        marks = attestation_marks([r["placement"].id for r in rows])
        body = exports.attestation_xlsx(item, rows, marks)
        _exported(item, "attestation", rows)
        return xlsx_response(body, f"practice-{item.id}-attestation.xlsx")

    @expose("/placement/<int:placement_id>/attestation/print")
    @has_access
    @permission_name("print")
    def attestation_print(self, placement_id):
        data, item = placement_data(placement_id)
        if item["attestation"] is None:
            raise practice.PracticeNotFound(_("Аттестационный лист наставник ещё не заполнил."))
        return self.render_template("practice/attestation_print.html", student=data["student"],
                                    p=item, kinds=labels.PRACTICE_KINDS)

    @expose("/placement/<int:placement_id>/characteristic/print")
    @has_access
    @permission_name("print")
    def characteristic_print(self, placement_id):
        data, item = placement_data(placement_id)
        if item["attestation"] is None or not stripped(item["attestation"]["characteristic"]):
            raise practice.PracticeNotFound(_("Характеристику наставник ещё не написал."))
        return self.render_template("practice/characteristic_print.html",
                                    student=data["student"], p=item, kinds=labels.PRACTICE_KINDS)


def _exported(item, what: str, rows) -> None:
    """An export of the students' data is in the audit log (152-FZ art. 19)."""
    audit.record("export", "practice", item.id, details={"file": what, "rows": len(rows)})
    audit.commit_read()
