"""Long work run by the worker with its progress on a `job_record` row: the person who started
it watches a progress bar (`/jobs/<id>`, polling `/jobs/<id>/status`), then reads the result
or downloads its file; a failure is shown in Russian. Row rule: a user sees only their own
jobs, IT every one (security/access.py IT_STAFF).

A kind of job is one registration:

    @job_kind("debts_xlsx", title=lazy_gettext("…"), roles=DEBT_READERS)
    def debts_xlsx(job: Progress, user, **params) -> Outcome: ...
"""
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flask import current_app
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..infra.clock import format_moment, now
from ..models import JobRecord
from ..security.access import IT_STAFF
from ..services.records import audit
from ..services.scopes import role_names
from .queue import app_task

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    text: str
    file_name: str | None = None
    data: bytes | None = None


@dataclass
class Kind:
    name: str
    title: object
    roles: frozenset
    run: Callable = field(repr=False)


KINDS: dict[str, Kind] = {}


def job_kind(name: str, title, roles):
    def decorator(func):
        KINDS[name] = Kind(name, title, frozenset(roles), func)
        return func
    return decorator


class Progress:
    """What a running job tells its watcher: percent done and the stage, committed at once on
    a session of its own (the job's own transaction stays untouched)."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, percent: int, stage: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(JobRecord.__table__.update().where(JobRecord.id == self.job_id)
                         .values(progress=max(0, min(99, int(percent))), stage=stage[:255]))


def files_dir() -> Path:
    return Path(current_app.config.get("JOB_FILES_DIR")
                or Path(current_app.config["HUEY_FILE"]).parent / "job-files")


def start(user, kind: str, params: dict | None = None) -> JobRecord:
    """Record and queue a job of `kind` for `user` with the keyword arguments `params` of its
    function (refused when the user's roles may not)."""
    found = KINDS.get(kind)
    if found is None:
        raise NotFound(_("Неизвестный вид задания."))
    if not role_names(user) & found.roles:
        raise Forbidden(_("Это задание вам недоступно."))
    job = JobRecord(kind=kind, user_id=user.id, state="queued", progress=0,
                    stage=_("ожидает свободного исполнителя"), created_at=now())
    db.session.add(job)
    db.session.flush()
    audit.record("job_start", "job_record", job.id, user=user, details={"kind": kind})
    db.session.commit()
    run_job(job.id, params or {})
    return job


def upload_path(name: str) -> Path:
    """Where an uploaded file waits for its job (an import)."""
    folder = files_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / name


@app_task()
def run_job(job_id: int, params: dict) -> None:
    job = db.session.get(JobRecord, job_id)
    if job is None or job.state != "queued":
        return
    kind, user = KINDS.get(job.kind), db.session.get(User, job.user_id)
    job.state, job.started_at, job.progress = "running", now(), 1
    job.stage = _("выполняется")
    db.session.commit()
    try:
        outcome = kind.run(Progress(job_id), user, **params)
    except DomainError as exc:
        _finish(job_id, error=exc.message)
        return
    except Exception:  # noqa: BLE001 - the person sees a Russian line, IT the trace in the log
        log.exception("job %s (%s) failed", job_id, kind.name)
        _finish(job_id, error=_("Задание не выполнено из-за внутренней ошибки; подробности — "
                                "в журнале сервера у отдела ИТ."))
        return
    _finish(job_id, outcome=outcome)


def _finish(job_id: int, outcome: Outcome | None = None, error: str | None = None) -> None:
    db.session.rollback()
    job = db.session.get(JobRecord, job_id)
    job.finished_at = now()
    if error is not None:
        job.state, job.error, job.stage = "failed", error, None
    else:
        job.state, job.progress, job.stage, job.result_text = "done", 100, None, outcome.text
        if outcome.data is not None:
            folder = files_dir() / str(job_id)
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            target = folder / outcome.file_name
            target.write_bytes(outcome.data)
            target.chmod(0o600)
            job.result_path, job.result_name = str(target), outcome.file_name
    db.session.commit()


def visible(user):
    """The jobs `user` may see: their own; IT every one."""
    query = select(JobRecord).order_by(JobRecord.id.desc())
    if not role_names(user) & IT_STAFF:
        query = query.where(JobRecord.user_id == user.id)
    return query


def job_for(user, job_id) -> JobRecord:
    """One job under the row rule (someone else's job is «not found», not «forbidden»)."""
    try:
        job = db.session.get(JobRecord, int(job_id))
    except (TypeError, ValueError):
        job = None
    if job is None or (job.user_id != user.id and not role_names(user) & IT_STAFF):
        raise NotFound(_("Задание не найдено."))
    return job


def status(job: JobRecord) -> dict:
    """The progress endpoint's answer."""
    return {"id": job.id, "kind": job.kind, "state": job.state, "progress": job.progress,
            "stage": job.stage or "", "result": job.result_text or "",
            "error": job.error or "", "file": job.result_name or "",
            "started": format_moment(job.started_at), "finished": format_moment(job.finished_at)}
