"""The scheduled duties of the regulation, each with its time as a setting (config.py JOB_*):
the weekly reports to parents (3.3, 5.2), the nightly verified backup with rotation (7.1) and
the pruning of old job records. Mail delivery is in mail.py."""
from datetime import timedelta
from pathlib import Path
import shutil

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import delete, select

from ..extensions import db
from ..infra.clock import now
from ..models import JobRecord
from ..services.notifications import digests, reminders
from ..services.portal import weekly_schedule
from ..services.records import backup
from .registry import duty, prune


@duty("weekly_reports", setting="JOB_WEEKLY_REPORTS_AT", default="every 1 min",
      title=_l("Еженедельные отчёты родителям по расписанию кураторов"))
def weekly_reports() -> str:
    """Every minute: the groups whose curator's day and time have come (3.3, 5.2)."""
    return weekly_schedule.send_due() or _("никому не пора")


@duty("backup", setting="JOB_BACKUP_AT", default="02:30",
      title=_l("Резервная копия с проверкой и ротацией"))
def nightly_backup() -> str:
    """7.1: a copy, its checksum, a test restore; the last BACKUP_KEEP are kept. A copy that
    fails its verification is a failed run (the jobs page and the next retry show it)."""
    record = backup.make_backup()
    db.session.commit()
    if not record.verified:
        raise backup.BackupError(_("Копия %(name)s создана, но проверка НЕ пройдена.",
                                   name=record.file_name))
    return _("копия %(name)s, %(size)s байт, проверена", name=record.file_name,
             size=record.size_bytes)


@duty("reminders", setting="JOB_REMINDERS_AT", default="every 10 min",
      title=_l("Напоминания: незаписанные пары, проверка недели, контроль, копии и архив"))
def due_reminders() -> str:
    """The reminders whose hour has come, each once in its period (3.2, 3.3, 7.1-7.4)."""
    given = reminders.run_due_reminders(now())
    return _("напоминаний: %(n)s", n=sum(given.values()))


@duty("digests", setting="JOB_DIGESTS_AT", default="every 10 min",
      title=_l("Ежедневные письма с уведомлениями"))
def daily_digests() -> str:
    """One letter a day per user at the hour they chose, with what they have not read."""
    result = digests.send_digests(now())
    return _("писем в очереди: %(n)s", n=result.get("queued", 0))


@duty("prune", setting="JOB_PRUNE_AT", default="03:30",
      title=_l("Очистка старых записей о заданиях"))
def prune_records() -> str:
    """Runs of duties and finished jobs older than JOB_HISTORY_DAYS go, with their files."""
    days = int(current_app.config.get("JOB_HISTORY_DAYS", 30))
    runs = prune(days)
    old = db.session.scalars(select(JobRecord).where(
        JobRecord.created_at < now() - timedelta(days=days),
        JobRecord.state.in_(("done", "failed")))).all()
    for job in old:
        if job.result_path:
            shutil.rmtree(Path(job.result_path).parent, ignore_errors=True)
    if old:
        db.session.execute(delete(JobRecord).where(JobRecord.id.in_([j.id for j in old])))
    db.session.commit()
    return _("удалено записей: запусков %(runs)s, заданий %(jobs)s", runs=runs, jobs=len(old))
