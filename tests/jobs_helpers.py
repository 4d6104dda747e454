"""The job queue in tests: jobs run in the caller (HUEY_IMMEDIATE, TestConfig) unless a test
needs the queue itself — `queued()` keeps them in the real SQLite queue until `run_pending()`."""
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

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


ROOT = Path(__file__).resolve().parent.parent


class Mailbox:
    """An SMTP server's handler (aiosmtpd) keeping every message: (recipients, message)."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def subjects(self):
        return [(rcpt[0], message["Subject"]) for rcpt, message in self.received]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_env(queue_file: Path, mail_port: int, **extra) -> dict:
    """The environment of a real worker process on the test's own database."""
    env = dict(os.environ, FLASK_APP="run.py", JOURNAL_CONFIG="config.TestConfig",
               HUEY_IMMEDIATE="0", HUEY_FILE=str(queue_file), MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(mail_port), PYTHONUNBUFFERED="1")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def flask(env: dict, *args, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "journal", *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **popen)


def stop(process: subprocess.Popen, timeout: float = 30) -> tuple[int, str]:
    """Ctrl+C (SIGINT: Huey's graceful stop); the exit code and the output."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return process.returncode, output


def wait_for(condition, timeout: float, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(step)
    return condition()
