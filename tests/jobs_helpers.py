"""The job queue in tests: jobs run in the caller (HUEY_IMMEDIATE, TestConfig) unless a test
needs the queue itself — `queued()` keeps them in the real SQLite queue until `run_pending()`."""
from contextlib import contextmanager

from app.jobs import huey, run_pending  # noqa: F401


@contextmanager
def queued():
    """Jobs wait in the queue (as a page sees them before a worker takes them)."""
    huey.immediate = False
    huey.flush()
    try:
        yield
    finally:
        huey.flush()
        huey.immediate = True
