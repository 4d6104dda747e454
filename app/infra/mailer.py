"""Outgoing e-mail through the college's SMTP server (MAIL_* settings in config.py). Pages never
send: they queue, and the job worker (app/jobs) delivers with retries."""
import smtplib
import socket
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import gettext as _



class MailError(Exception):
    """A message was not accepted; the text says why (shown per recipient). `temporary`: the
    server answered 4xx, worth trying again later; a 5xx refusal is final."""

    def __init__(self, message: str, temporary: bool = False):
        super().__init__(message)
        self.temporary = temporary


class MailServerDown(MailError):
    """The server did not answer at all: the next messages of the same run would not go either."""

    def __init__(self, message: str):
        super().__init__(message, temporary=True)


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
                          answer=_text(answer)), temporary=_temporary(code)) from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(_("сервер отказал: %(code)s %(error)s", code=exc.smtp_code,
                          error=_text(exc.smtp_error)),
                        temporary=_temporary(exc.smtp_code)) from None
    except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, OSError) as exc:
        raise MailServerDown(_unreachable(exc)) from None
    except smtplib.SMTPException as exc:
        raise MailError(_("почтовый сервер недоступен: %(exc)s", exc=exc), temporary=True) from None


def _temporary(code) -> bool:
    """SMTP 4xx: «try again later» (greylisting, a full mailbox, a busy server)."""
    return isinstance(code, int) and 400 <= code < 500


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
