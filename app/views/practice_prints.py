"""The practice's documents (issue 15): the order's list (print, XLSX), the attestation sheet
and the характеристика (A4 print with the organisation's and the college's signatures), the
group's attestation (XLSX). Endpoints of PracticeView; rows through app/services/practice.py."""
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _
from flask_login import current_user

from ..infra.clock import format_date
from ..services import practice
from ..services.control.reports import workbook_bytes
from ..services.records import audit
from .base import xlsx_response
from .practice_data import KIND_LABELS, attestation_marks, person_name, placement_data, stripped


class PracticeDocuments:
    """Mixed into PracticeView: its permissions can_order, can_xlsx, can_print."""

    # --- the order's list, the group's attestation: print and XLSX ----------------------
    @expose("/<int:practice_id>/order")
    @has_access
    @permission_name("order")
    def order(self, practice_id):
        found = practice.overview(current_user, practice_id=practice_id)
        return self.render_template("practice/order_print.html", item=found[0]["practice"],
                                    rows=found[0]["rows"], kinds=KIND_LABELS)

    @expose("/<int:practice_id>/order.xlsx")
    @has_access
    @permission_name("order")
    def order_xlsx(self, practice_id):
        found = practice.overview(current_user, practice_id=practice_id)
        item = found[0]["practice"]
        rows = [[n, r["student"].full_name, r["organisation"].name,
                 r["organisation"].address or "", person_name(r["mentor"]),
                 r["placement"].contract_number or "", format_date(r["placement"].contract_date),
                 r["placement"].order_number, format_date(r["placement"].order_date)]
                for n, r in enumerate(found[0]["rows"], start=1)]
        body = workbook_bytes(
            f"Приказ {item.journal.group.name}",
            ["№", "Студент", "Организация", "Адрес", "Наставник", "Договор №",
             "Дата договора", "Приказ №", "Дата приказа"], rows)
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
        codes = [c.code for c in item.competencies]
        table = [[n, r["student"].full_name, r["organisation"].name, person_name(r["mentor"]),
                  r["days_written"], r["days_confirmed"], r["hours_confirmed"],
                  r["hours_planned"]]
                 + [marks.get(r["placement"].id, {}).get(code, "") for code in codes]
                 + ["заполнен" if r["attestation"] else "нет", r["grade"] or ""]
                 for n, r in enumerate(rows, start=1)]
        body = workbook_bytes(
            f"Аттестация {item.journal.group.name}",
            ["№", "Студент", "Организация", "Наставник", "Дней записано", "Дней подтверждено",
             "Часов подтверждено", "Часов по плану"] + codes
            + ["Аттестационный лист", "Оценка"], table,
            sheets=[("Компетенции", ["Код", "Компетенция"],
                     [[c.code, c.title] for c in item.competencies])])
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
                                    p=item, kinds=KIND_LABELS)

    @expose("/placement/<int:placement_id>/characteristic/print")
    @has_access
    @permission_name("print")
    def characteristic_print(self, placement_id):
        data, item = placement_data(placement_id)
        if item["attestation"] is None or not stripped(item["attestation"]["characteristic"]):
            raise practice.PracticeNotFound(_("Характеристику наставник ещё не написал."))
        return self.render_template("practice/characteristic_print.html",
                                    student=data["student"], p=item, kinds=KIND_LABELS)


def _exported(item, what: str, rows) -> None:
    """An export of the students' data is in the audit log (152-FZ art. 19)."""
    audit.record("export", "practice", item.id, details={"file": what, "rows": len(rows)})
    audit.commit_read()
