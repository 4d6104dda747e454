"""Mail through the queue: the weekly reports' e-mails a page queued are delivered by the
worker at once, the outbox is swept every minute (rows a stopped worker left, the backoff of
temporary failures), and IT's test message goes the same way."""
from flask_babel import gettext as _, lazy_gettext as _l

from ..errors import BadInput

from ..extensions import db
from ..infra.clock import now
from ..infra.mailer import MailError, send_mail
from ..models import JobRecord
from ..services.notifications import letters
from ..services.portal import weekly_reports
from ..services.records import audit
from .queue import app_task
from .registry import duty


@app_task()
def deliver_weekly_reports(ids: list[int]) -> None:
    """Deliver the e-mails a page has just queued (the page answered already)."""
    weekly_reports.deliver(ids)


@duty("mail", setting="JOB_MAIL_SWEEP_AT", default="every 1 min",
      title=_l("Доставка почты из очереди"))
def sweep_outbox() -> str:
    """Every minute: what waits in the outbox (queued, due after a backoff, or left «sending»
    by a stopped worker) is delivered."""
    result = weekly_reports.deliver()
    other = letters.deliver()  # notifications' digests and reminders by e-mail
    return _("отправлено %(sent)s, ошибок %(failed)s",
             sent=len(result["sent"]) + len(other["sent"]),
             failed=len(result["failed"]) + len(other["failed"]))


TEST_SUBJECT = "Проверка почты электронного журнала"


def queue_test_mail(address: str, user=None) -> JobRecord:
    """Queue one test message to `address`; its state is the job record's."""
    address = (address or "").strip()
    local_part, _at, domain = address.rpartition("@")
    if (not local_part or not domain or len(address) > 254
            or any(c.isspace() or ord(c) < 32 or c in "<>,;\"" for c in address)):
        raise BadInput(_("Укажите адрес эл. почты, например it@college.ru."))
    job = JobRecord(kind="test_mail", user_id=getattr(user, "id", None), state="queued",
                    progress=0, stage=address, created_at=now())
    db.session.add(job)
    db.session.flush()
    audit.record("test_mail", "job_record", job.id, user=user, details={"to": address})
    db.session.commit()
    send_test_mail(job.id, address)
    return job


@app_task(retries=4, retry_delay=30, retry_backoff=2, context=True)
def send_test_mail(job_id: int, address: str, task=None) -> None:
    """Send it; a temporary failure is tried again by the queue after a backoff."""
    job = db.session.get(JobRecord, job_id)
    if job is None:
        return
    job.state, job.started_at = "running", now()
    db.session.commit()
    try:
        send_mail(address, TEST_SUBJECT,
                  "Это проверочное письмо электронного журнала техникума: почта из очереди "
                  f"заданий доставляется.\nОтправлено {now():%d.%m.%Y %H:%M} UTC.")
    except MailError as exc:
        last = task is None or not task.retries or not exc.temporary
        job.error = str(exc)
        job.state = "failed" if last else "queued"
        job.finished_at = now() if last else None
        db.session.commit()
        if not last:
            raise
        return
    except Exception as exc:  # noqa: BLE001 - an address the server library cannot write
        job.state, job.error, job.finished_at = "failed", str(exc), now()
        db.session.commit()
        return
    job.state, job.progress, job.error, job.finished_at = "done", 100, None, now()
    job.result_text = _("письмо принято сервером для %(to)s", to=address)
    db.session.commit()
