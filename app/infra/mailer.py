"""Outgoing e-mail through the college's SMTP server (MAIL_* settings in config.py), and the
background run that delivers queued e-mails after a page has answered."""
import smtplib
import socket
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db


class MailError(Exception):
    """A message was not accepted; the text says why (shown per recipient)."""


class MailServerDown(MailError):
    """The server did not answer at all: the next messages of the same run would not go either."""


def send_mail(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send one message; raises MailError with the server's answer when it is refused."""
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg.get("MAIL_DEFAULT_SENDER") or "journal@localhost"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="journal")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    try:
        with smtplib.SMTP(cfg.get("MAIL_SERVER", "localhost"), int(cfg.get("MAIL_PORT", 25)),
                          timeout=int(cfg.get("MAIL_TIMEOUT", 10))) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, answer = next(iter(exc.recipients.values()))
        raise MailError(_("адрес отклонён сервером: %(code)s %(answer)s", code=code,
                          answer=_text(answer))) from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(_("сервер отказал: %(code)s %(error)s", code=exc.smtp_code,
                          error=_text(exc.smtp_error))) from None
    except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, OSError) as exc:
        raise MailServerDown(_unreachable(exc)) from None
    except smtplib.SMTPException as exc:
        raise MailError(_("почтовый сервер недоступен: %(exc)s", exc=exc)) from None


def _unreachable(exc: Exception) -> str:
    """Why the server could not be reached, in words a curator reads (no «[Errno 111]»)."""
    if isinstance(exc, ConnectionRefusedError):
        return _("почтовый сервер недоступен: соединение отклонено")
    if isinstance(exc, TimeoutError):
        return _("почтовый сервер не ответил вовремя")
    if isinstance(exc, socket.gaierror):
        return _("почтовый сервер не найден: проверьте MAIL_SERVER")
    return _("почтовый сервер недоступен: соединение прервано")


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


_running: list[threading.Thread] = []
_lock = threading.Lock()


def after_response(app, job, *args) -> threading.Thread:
    """Run `job(*args)` in its own thread with an application context, so the page that queued
    the e-mails answers at once. Not a daemon: a worker that is stopped gracefully finishes
    the run; rows a killed worker left behind are taken by `flask journal deliver-mail`."""
    def run():
        with app.app_context():
            try:
                job(*args)
            except Exception:  # noqa: BLE001 - the queue keeps the rows; log and let cron retry
                app.logger.exception("background e-mail delivery failed")
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name="journal-mail", daemon=False)
    with _lock:
        _running[:] = [t for t in _running if t.is_alive()] + [thread]
    thread.start()
    return thread


def wait_for_deliveries(timeout: float = 30.0) -> None:
    """Wait for the background deliveries started by this process (commands and tests)."""
    with _lock:
        threads = list(_running)
    for thread in threads:
        thread.join(timeout)
