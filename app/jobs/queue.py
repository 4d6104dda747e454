"""The job queue (Huey): one instance for the portal, its storage chosen from the app's
configuration when the app is made — a SQLite file in the instance folder (HUEY_FILE) by
default, Redis when REDIS_URL is set, in memory and run in the caller when HUEY_IMMEDIATE.

Tasks are declared with `app_task`: each runs inside an application context of the portal and
leaves no database session behind. The worker (`flask journal worker`) runs Huey's consumer."""
import logging
from functools import wraps

from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from ..extensions import db

log = logging.getLogger(__name__)

huey = Huey("journal", storage_class=MemoryStorage, results=False, utc=True)
_state: dict = {"app": None}


def init_app(app) -> None:
    """Bind the queue to the app: its storage from the configuration, its tasks' context."""
    _state["app"] = app
    huey.name = app.config.get("HUEY_NAME") or "journal"
    if app.config.get("REDIS_URL"):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": app.config["HUEY_FILE"], "timeout": 30}
    huey._immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    huey.storage = huey.create_storage()


def storage_name() -> str:
    """Where the queue is kept, for the jobs page."""
    if huey.immediate:
        return "immediate"
    return "redis" if isinstance(huey.storage, RedisStorage) else "sqlite"


def in_context(func):
    """Run `func` inside an application context of the portal, its session removed after."""
    @wraps(func)
    def inner(*args, **kwargs):
        with _state["app"].app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()
    return inner


def app_task(**options):
    """A Huey task that runs in the portal's application context (retries, retry_delay,
    retry_backoff as Huey takes them)."""
    def decorator(func):
        return huey.task(name=func.__name__, **options)(in_context(func))
    return decorator


def run_pending(limit: int = 1000) -> int:
    """Run what waits in the queue now, in this process (tests and `flask journal worker
    --drain`): the consumer's work without the consumer."""
    done = 0
    while done < limit:
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task)
        done += 1
    return done
