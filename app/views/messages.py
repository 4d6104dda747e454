"""Messages (2.2, 3.6): inbox, sent, threads, search, writing and the curator's message to all
students or all parents of a group (a copy to each: every answer is a thread of two). The
unread counter is part of the menu label."""
from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user

from ..services.portal import messaging
from ..web import vary_menu_by
from ..web_errors import error_page, refusal_form


class MessagesView(BaseView):
    route_base = "/messages"
    default_view = "inbox"

    def _list(self, box, items):
        names = messaging.user_names({m.sender_id for m in items} | {m.recipient_id
                                                                     for m in items})
        return self.render_template("messages/list.html", box=box, items=items, names=names,
                                    search=request.args.get("q", ""),
                                    unread=unread_on_page())

    @expose("/")
    @has_access
    @permission_name("read")
    def inbox(self):
        return self._list("inbox", messaging.inbox(current_user, request.args.get("q", "")))

    @expose("/sent")
    @has_access
    @permission_name("read")
    def sent(self):
        return self._list("sent", messaging.sent(current_user, request.args.get("q", "")))

    @expose("/<int:message_id>")
    @has_access
    @permission_name("read")
    def thread(self, message_id):
        items = messaging.thread_messages(current_user, message_id)
        names = messaging.user_names({m.sender_id for m in items} | {m.recipient_id
                                                                     for m in items})
        last = items[-1]
        other = last.sender_id if last.sender_id != current_user.id else last.recipient_id
        return self.render_template("messages/thread.html", items=items, names=names,
                                    reply_to=last.id, other=other,
                                    subject=items[0].subject)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @permission_name("write")
    @refusal_form(lambda view, exc: view._compose_again(exc), pages=())
    def new(self):
        form = request.form
        if request.method == "POST":
            message = messaging.send(current_user, form.get("recipient_id"),
                                     form.get("subject"), form.get("body"),
                                     reply_to=form.get("reply_to") or None)
            flash(gettext("Сообщение отправлено."), "info")
            return redirect(url_for("MessagesView.thread",
                                    message_id=message.thread_id or message.id))
        return self._compose()

    def _compose(self, status=200):
        recipients = messaging.allowed_recipients(current_user)
        who = messaging.describe(recipients)
        return self.render_template(
            "messages/compose.html", recipients=recipients, who=who,
            recipient_groups=messaging.grouped(recipients, who),
            groups=messaging.broadcast_groups(current_user), form=request.form,
            to=request.args.get("to", type=int)), status

    def _compose_again(self, exc):
        """A refused message: the form again with the reason; a refused reply, whose form is
        the thread's, gets the error page."""
        if request.form.get("reply_to"):
            return error_page(exc.status, str(exc))
        flash(str(exc), "danger")
        return self._compose(exc.status)

    @expose("/broadcast", methods=["POST"])
    @has_access
    @permission_name("write")
    @refusal_form(lambda view, exc: view._compose_again(exc), pages=())
    def broadcast(self):
        form = request.form
        audience = form.get("audience") or "parents"
        sent = messaging.broadcast_group(current_user, form.get("group_id"), form.get("subject"),
                                         form.get("body"), audience)
        flash(gettext("Сообщение отправлено родителям: %(n)s.", n=len(sent))
              if audience == "parents" else
              gettext("Сообщение отправлено студентам: %(n)s.", n=len(sent)), "info")
        return redirect(url_for("MessagesView.sent"))


def unread_on_page() -> int:
    """The account's unread messages, counted once per request: the menu's label (rendered
    more than once), the inbox's tab and the start page show the same number."""
    count = g.get("unread_messages")
    if count is None:
        count = g.unread_messages = messaging.unread_count(current_user)
    return count


def _menu_label() -> str:
    """«Сообщения (3)»: the unread counter on every page."""
    label = gettext("Сообщения")
    try:
        if current_user and current_user.is_authenticated:
            count = unread_on_page()
            return f"{label} ({count})" if count else label
    except RuntimeError:  # outside a request
        pass
    return label


def _menu_counter() -> int:
    """What the menu's label shows besides the roles: the account's unread messages."""
    return unread_on_page() if current_user.is_authenticated else 0


def register(appbuilder) -> None:
    vary_menu_by(current_app, _menu_counter)
    appbuilder.add_view(MessagesView, "Messages", label=LazyString(_menu_label),
                        icon="fa-envelope", href="/messages/")
