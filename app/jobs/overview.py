"""What IT's jobs page and `flask journal jobs` show: every scheduled duty with its time, its
next run (dd.mm.yyyy HH:MM, the college's clock), its last run and result; the failures of the
last week; the queue's storage and what waits in it."""
from flask_babel import gettext as _

from ..infra import schedule
from ..infra.clock import format_moment, now
from .queue import huey, storage_name
from . import registry

def state_label(state: str) -> str:
    return {"queued": _("в очереди"), "running": _("выполняется"), "done": _("выполнено"),
            "failed": _("сбой")}.get(state, state)


def overview(moment=None) -> dict:
    moment = moment or now()
    last = registry.last_runs()
    rows = []
    for item in registry.DUTIES.values():
        try:
            plan = item.schedule()
            when, upcoming = str(plan.describe()), format_moment(schedule.next_due(plan, moment))
        except schedule.ScheduleError as exc:
            when, upcoming = str(exc), "—"
        run = last.get(item.name)
        rows.append({"name": item.name, "title": str(item.title), "setting": item.setting,
                     "spec": item.spec(), "when": when, "next": upcoming,
                     "last": format_moment(run.due_at) if run else "",
                     "last_state": state_label(run.state) if run else "",
                     "last_failed": bool(run and run.state == "failed"),
                     "last_result": (run.error if run and run.state == "failed"
                                     else run.result if run else "") or ""})
    duties = registry.DUTIES
    week = [{"name": run.duty, "title": str(duties[run.duty].title) if run.duty in duties
             else run.duty, "started": format_moment(run.started_at), "error": run.error or "",
             "attempts": run.attempts} for run in registry.failures(7)]
    try:
        pending = huey.pending_count()
    except Exception:  # noqa: BLE001 - the page still shows the schedule without the queue
        pending = None
    return {"duties": rows, "failures": week, "storage": storage_name(), "pending": pending}
