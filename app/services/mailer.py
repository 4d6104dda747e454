"""Outgoing e-mail through the college's SMTP server (MAIL_* settings in config.py)."""
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


class MailError(Exception):
    """A message was not accepted; the text says why (shown per recipient)."""


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
                          timeout=int(cfg.get("MAIL_TIMEOUT", 30))) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, answer = next(iter(exc.recipients.values()))
        raise MailError(f"адрес отклонён сервером: {code} {_text(answer)}") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"сервер отказал: {exc.smtp_code} {_text(exc.smtp_error)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"почтовый сервер недоступен: {exc}") from None


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
