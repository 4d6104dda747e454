"""`GET /api/v1/notifications` and `POST /api/v1/notifications/<id>/read` (SPEC §5): the
caller's own notifications (token or session), newest first, paged; another user's id is
answered 404. The same service as the page (services/notifications/inbox.py)."""
from flask import request
from flask_appbuilder.api import expose
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import gettext as _

from ..errors import BadInput
from ..extensions import db
from ..services.notifications import inbox
from . import DocumentedApi

ITEM = {"type": "object", "required": ["id", "kind", "text", "created", "read"], "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string", "enum": [
        "mark", "absence", "final_grade", "comment", "message", "document", "reminder"]},
    "kind_name": {"type": "string"}, "text": {"type": "string"}, "link": {"type": "string"},
    "created": {"type": "string", "format": "date-time"}, "read": {"type": "boolean"}}}


def _number(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise BadInput(_("Параметр %(name)s — целое число от %(low)s до %(high)s.",
                         name=name, low=low, high=high))
    return value


class NotificationApi(DocumentedApi):
    route_base = "/api/v1/notifications"
    resource_name = "notifications"
    openapi_spec_tag = "Notifications"

    @expose("/", methods=["GET"])
    @protect()
    @permission_name("get")
    def list(self):
        """The caller's notifications, newest first.
        ---
        get:
          parameters:
          - in: query
            name: page
            description: "Страница, с 0 (как в списках FAB)"
            schema: {type: integer, minimum: 0, maximum: 100000}
          - in: query
            name: page_size
            schema: {type: integer, minimum: 1, maximum: 100}
          - in: query
            name: unread
            description: "1 — только непрочитанные"
            schema: {type: integer, enum: [0, 1]}
          responses:
            200:
              description: "Уведомления и их общее число"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      count: {type: integer}
                      unread: {type: integer}
                      page: {type: integer}
                      page_size: {type: integer}
                      result:
                        type: array
                        items: {$ref: "#/components/schemas/NotificationItem"}
        """
        user = self.appbuilder.sm.current_user
        page = _number("page", 0, 0, 100000)
        size = _number("page_size", inbox.PAGE_SIZE, 1, inbox.MAX_PAGE_SIZE)
        unread_only = _number("unread", 0, 0, 1) == 1
        found = inbox.page(user, page + 1, size, unread_only=unread_only, clamp=False)
        return self.response(200, count=found["total"], unread=inbox.unread_count(user),
                             page=page, page_size=found["size"],
                             result=[inbox.present(n) for n in found["items"]])

    @expose("/<int:notification_id>/read", methods=["POST"])
    @protect()
    @permission_name("read")
    def read(self, notification_id):
        """Mark one of the caller's notifications as read.
        ---
        post:
          parameters:
          - in: path
            name: notification_id
            schema: {type: integer}
          responses:
            200:
              description: "Уведомление, отмеченное прочитанным"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {$ref: "#/components/schemas/NotificationItem"}
            404: {description: "Нет такого уведомления у этого пользователя"}
        """
        item = inbox.mark_read(self.appbuilder.sm.current_user, notification_id)
        db.session.commit()
        return self.response(200, result=inbox.present(item))

    def add_api_spec(self, api_spec) -> None:
        if "NotificationItem" not in api_spec.components.schemas:
            api_spec.components.schema("NotificationItem", ITEM)
        super().add_api_spec(api_spec)


def register(appbuilder) -> None:
    appbuilder.add_api(NotificationApi)
