"""IT's audit log screen (4.1): read-only list with filters and CSV/XLSX export.

The view has no add/edit/delete permissions at all, so nobody — Admin included — can change
an entry through the UI; no API exposes the log.
"""
from flask import Response
from flask_appbuilder import ModelView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_appbuilder.urltools import get_filter_args
from flask_babel import lazy_gettext as _
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from .. import labels
from ..infra import clock
from ..models import AuditLog
from ..services.records import audit, audit_export
from .base import XLSX


def _moment(value) -> str:
    return clock.format_moment(value)


def _details(value, action: str | None = None) -> Markup:
    """Details as Russian «key: value» lines, not JSON; codes read by the entry's action."""
    return Markup("<br>").join(Markup("{}: {}").format(k, v) if k else v
                               for k, v in labels.details(value, action))


class AuditLogView(ModelView):
    route_base = "/audit"
    datamodel = SQLAInterface(AuditLog)
    base_permissions = ["can_list", "can_show", "can_export"]
    list_template = "audit/list.html"
    list_title = show_title = _("Журнал аудита")
    page_size = 50
    base_order = ("id", "desc")
    label_columns = {
        "id": _("№"), "created_at": _("Когда"), "user_id": _("Код пользователя"),
        "username": _("Пользователь"), "action": _("Действие"), "object_type": _("Объект"),
        "object_id": _("Код объекта"), "ip_address": _("Адрес"), "user_agent": _("Браузер"),
        "details": _("Подробности"), "prev_hash": _("Хеш предыдущей"),
        "entry_hash": _("Хеш записи"),
    }
    list_columns = ["id", "created_at", "username", "action", "object_type", "object_id",
                    "ip_address"]
    show_columns = ["id", "created_at", "username", "user_id", "action", "object_type",
                    "object_id", "ip_address", "user_agent", "details", "prev_hash",
                    "entry_hash"]
    # filters: user, action, object, date range (created_at greater/smaller than)
    search_columns = ["username", "user_id", "action", "object_type", "object_id",
                      "created_at", "ip_address"]
    search_form_extra_fields = {
        "action": SelectField(_("Действие"), choices=[
            SelectChoice(code, label) for code, label in audit.ACTIONS.items()]),
        "object_type": SelectField(_("Объект"), choices=[
            SelectChoice(code, label) for code, label in labels.OBJECTS.items()]),
    }
    formatters_columns = {
        "created_at": _moment,
        "action": labels.action,
        "object_type": labels.object_type,
        "details": _details,
        # an entry without a user, object or address (a failed login) shows a dash
        "username": labels.value_text, "object_id": labels.object_id,
        "ip_address": labels.value_text, "user_id": labels.value_text,
        "user_agent": labels.value_text,
    }

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        """FAB's show widget, with the details read by this entry's action."""
        widgets = widgets or {}
        formatters = dict(self.formatters_columns,
                          details=lambda value: _details(value, item.action))
        widgets["show"] = self.show_widget(
            pk=pk, label_columns=self.label_columns, include_columns=self.show_columns,
            value_columns=self.datamodel.get_values_item(item, self.show_columns),
            formatters_columns=formatters, actions=actions or self.actions,
            fieldsets=show_fieldsets or self.show_fieldsets,
            modelview_name=self.__class__.__name__)
        return widgets

    @expose("/export/<fmt>")
    @has_access
    @permission_name("export")
    def export(self, fmt):
        """The filtered list as CSV or XLSX; the export itself is audited (4.1)."""
        if fmt not in ("csv", "xlsx"):
            return Response(str(_("Неизвестный формат выгрузки.")), status=404)
        get_filter_args(self._filters)
        _count, entries = self.datamodel.query(self._filters, order_column="id",
                                               order_direction="asc")
        data = audit_export.to_csv(entries) if fmt == "csv" else audit_export.to_xlsx(entries)
        # filters as the reader saw them: column label, condition, value (4.1)
        filters = [[str(self.label_columns.get(f.column_name, f.column_name)), str(f.name),
                    str(v)] for f, v in zip(self._filters.filters, self._filters.values)]
        audit.record("export", "audit_log", None,
                     details={"format": fmt, "rows": len(entries), "filters": filters})
        self.datamodel.session.commit()
        mimetype = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
        return Response(data, mimetype=mimetype, headers={
            "Content-Disposition": f"attachment; filename=audit-log.{fmt}"})


def register(appbuilder) -> None:
    appbuilder.add_view(AuditLogView, "AuditLogView", label=_("Журнал аудита"),
                        icon="fa-list-alt", category="Service",
                        category_label=_("Сопровождение"))
