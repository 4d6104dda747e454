"""Running the portal as real servers: gunicorn processes, a private PostgreSQL instance.

Used by bench/load.py and by the tests that need real processes (rate limits shared through
Redis, several app servers, concurrency through gunicorn, PostgreSQL restarts).
"""
import glob
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    """A free port on 127.0.0.1; within JOURNAL_PORT_RANGE ("8110-8139") when it is set, so
    servers started on a shared host stay in the range given to them."""
    span = os.environ.get("JOURNAL_PORT_RANGE", "")
    candidates = [0]
    if span:
        low, high = (int(x) for x in span.split("-"))
        candidates = random.sample(range(low, high + 1), high - low + 1)
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {span}")


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


_GUNICORN_CONF = """
def post_fork(server, worker):
    import run
    from app.extensions import db
    with run.app.app_context():
        db.engine.dispose(close=False)
"""


class AppServer:
    """`gunicorn run:app` on 127.0.0.1:<port>, stopped by stop() or when the block ends."""

    def __init__(self, database_url: str, workers: int = 2, port: int | None = None,
                 env: dict | None = None, threads: int = 1, root: Path | None = None,
                 worker_connections: int | None = None):
        # root: another checkout of the portal (e.g. the previous design, for side-by-side
        # figures), run with this one's virtualenv
        self.root = Path(root or os.environ.get("JOURNAL_APP_ROOT") or ROOT)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        self.env.update({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": "1",
                         "PYTHONPATH": str(self.root)})
        self.env.setdefault("SECRET_KEY", "bench-secret-key")
        self.env.update(env or {})
        self.workers, self.threads = workers, threads
        # gthread workers accept up to worker_connections (gunicorn: 1000) and queue them each
        # on its own; at `threads` a busy worker leaves new connections in the shared listen
        # queue for the first free thread of any worker: first come, first served
        self.worker_connections = worker_connections
        self.proc = None
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)

    def start(self) -> "AppServer":
        # --preload: the app is built once and forked (fast start on small machines); each
        # worker then drops the connections inherited from the master.
        conf = Path(tempfile.gettempdir()) / "journal_gunicorn_conf.py"
        conf.write_text(_GUNICORN_CONF)
        cmd = [str(GUNICORN), "-w", str(self.workers), "--threads", str(self.threads),
               "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "--preload",
               "-c", str(conf), "--graceful-timeout", "3",
               "--no-control-socket",  # each portal its own: no shared ~/.gunicorn socket
               "run:app"]
        if self.worker_connections:
            cmd[-1:-1] = ["--worker-connections", str(self.worker_connections)]
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_http(self.url + "/login/", timeout=60)
        except RuntimeError:
            self.stop()
            raise RuntimeError("gunicorn did not start:\n" + self.output()[-3000:])
        return self

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # quick shutdown
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        Path(self.log.name).unlink(missing_ok=True)


# --- a private PostgreSQL instance (never the machine's shared server) ---------------------

def pg_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(found[-1]).parent) if found else None


class PrivatePostgres:
    """initdb into a temp dir, listen on 127.0.0.1:<free port>, trust auth for `postgres`.
    Run as the `postgres` OS user when started by root."""

    def __init__(self):
        self.bindir = pg_bindir()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL server binaries (initdb) are not installed")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="journal-pg-")
        self.data = os.path.join(self.dir, "data")
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args, check=True):
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def init(self) -> "PrivatePostgres":
        self._run(f"{self.bindir}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync")
        return self.start()

    def start(self) -> "PrivatePostgres":
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
                "-c fsync=off -c max_connections=200")
        self._run(f"{self.bindir}/pg_ctl", "-D", self.data, "-o", opts, "-l",
                  os.path.join(self.dir, "log"), "-w", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(f"{self.bindir}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop",
                  check=False)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def flask_journal(database_url: str, *args: str, root: Path | None = None) -> str:
    """Run `flask journal …` against a database (schema, roles, demo data)."""
    root = root or ROOT
    env = dict(os.environ, DATABASE_URL=database_url, PYTHONPATH=str(root))
    env.setdefault("SECRET_KEY", "bench-secret-key")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "run", "journal", *args],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"flask journal {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# --- a small HTTP client with a cookie jar and the CSRF token of the portal -----------------

def lost_writes(database_url: str, acknowledged: dict) -> list:
    """Acknowledged cell writes missing from the database: {(lesson, student): (version,
    first mark)} → [(cell, version, mark, row found)]. A cell counts as kept when its version
    is at least the acknowledged one, with the same mark if the version is the same."""
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    lost = []
    with engine.connect() as conn:
        for (lesson, student), (version, value) in acknowledged.items():
            row = conn.execute(text(
                "SELECT c.version, (SELECT m.value FROM mark m WHERE m.cell_id = c.id "
                "ORDER BY m.position LIMIT 1) FROM journal_cell c "
                "WHERE c.lesson_id = :l AND c.student_id = :s"),
                {"l": lesson, "s": student}).first()
            if row is None or row[0] < version or (row[0] == version and row[1] != value):
                lost.append(((lesson, student), version, value, row))
    engine.dispose()
    return lost


class Browser:
    """One user's session against a server: cookies, CSRF token, JSON calls."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        import http.cookiejar
        self.base = base_url
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf = None

    def request(self, method: str, path: str, data: bytes | None = None,
                headers: dict | None = None, base: str | None = None):
        """→ (status, headers, body text); never raises on HTTP errors."""
        req = urllib.request.Request((base or self.base) + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return resp.status, resp.headers, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read().decode("utf-8", "replace")

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def fetch_csrf(self, path: str = "/login/", base: str | None = None) -> str:
        import re
        _, _, body = self.get(path, base=base)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
            r'name="csrf-token" content="([^"]+)"', body)
        self.csrf = found.group(1) if found else None
        return self.csrf

    def login(self, username: str, password: str, base: str | None = None) -> int:
        """Form login; → status (302 = the form accepted it, see Location)."""
        import urllib.parse
        token = self.fetch_csrf("/login/", base=base)
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrf_token": token or ""}).encode()
        status, headers, _ = self.request(
            "POST", "/login/", data=body, base=base,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        if status == 302 and "/login" in headers.get("Location", ""):
            return 401
        return status

    def json(self, method: str, path: str, payload=None, base: str | None = None):
        import json as _json
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        data = None if payload is None else _json.dumps(payload).encode()
        status, _, body = self.request(method, path, data=data, headers=headers, base=base)
        try:
            return status, _json.loads(body) if body else None
        except ValueError:
            return status, body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
