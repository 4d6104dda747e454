"""Load test of the portal: gunicorn (several workers) on PostgreSQL, driven by concurrent
clients at the peak after a pair — teachers saving a lesson's marks, students reading records.

    .venv/bin/python bench/load.py                      # 50 clients, 30 s, demo college
    .venv/bin/python bench/load.py --clients 50 --duration 60 --workers 4
    .venv/bin/python bench/load.py --faults             # also: PostgreSQL restarted under load

Reports throughput and p50/p95/p99 latency per request kind; then starts two app servers on
different ports sharing one PostgreSQL and one Redis and checks that a session from one is
valid on the other and that the login rate limit counts across both.
"""
import argparse
import os
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    ROOT,
    AppServer,
    Browser,
    PrivatePostgres,
    create_database,
    drop_database,
    flask_journal,
    lost_writes,
)

PASSWORD = "Bench-Passw0rd"
ADMIN_URL = os.environ.get("JOURNAL_PG_ADMIN_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


# --- data --------------------------------------------------------------------------------

def prepare(database_url: str, root: Path | None = None) -> None:
    flask_journal(database_url, "init", root=root)
    flask_journal(database_url, "demo", "--password", PASSWORD, root=root)


def actors(database_url: str, clients: int):
    """(teacher username, journal id, lesson id) for writers; (username, student id) for
    readers — straight from the database."""
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    with engine.connect() as conn:
        writers = conn.execute(text(
            "SELECT u.username, j.id, max(l.id) FROM journal j JOIN ab_user u "
            "ON u.id = j.teacher_id JOIN lesson l ON l.journal_id = j.id "
            "WHERE NOT l.is_substitution GROUP BY u.username, j.id ORDER BY j.id")).all()
        readers = conn.execute(text(
            "SELECT u.username, s.id FROM student s JOIN ab_user u ON u.id = s.user_id "
            "ORDER BY s.id")).all()
    engine.dispose()
    if not writers or not readers:
        raise SystemExit("the database has no journals with lessons or no student accounts")
    # one lesson per writer: teachers save their own lesson's column, no shared cells
    return [tuple(w) for w in writers], [tuple(r) for r in readers]


# --- clients -----------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples = {}  # kind → [(start, latency, status)]

    def add(self, kind, start, latency, status):
        with self.lock:
            self.samples.setdefault(kind, []).append((start, latency, status))

    def report(self, elapsed: float) -> list[str]:
        lines, total = [], 0
        for kind, rows in sorted(self.samples.items()):
            ok = [lat for _, lat, st in rows if st < 500]
            errors = sum(1 for _, _, st in rows if st >= 500 or st == 0)
            conflicts = sum(1 for _, _, st in rows if st == 409)
            total += len(rows)
            if not ok:
                lines.append(f"{kind:<16} {len(rows):>6} req, all failed")
                continue
            q = statistics.quantiles(ok, n=100) if len(ok) > 1 else [ok[0]] * 99
            lines.append(f"{kind:<16} {len(rows):>6} req {len(rows) / elapsed:7.1f}/s  "
                         f"p50 {q[49] * 1000:6.0f} ms  p95 {q[94] * 1000:6.0f} ms  "
                         f"p99 {q[98] * 1000:6.0f} ms  errors {errors}  409 {conflicts}")
        lines.insert(0, f"total            {total:>6} req {total / elapsed:7.1f}/s "
                        f"in {elapsed:.0f} s")
        return lines


def timed(stats, kind, fn):
    start = time.monotonic()
    try:
        status = fn()
    except OSError:
        status = 0
    stats.add(kind, start, time.monotonic() - start, status)
    return status


class Writer:
    """A teacher saving one lesson's column of marks (the whole batch at once)."""

    def __init__(self, base, username, journal_id, lesson_id, acknowledged):
        self.browser = Browser(base, timeout=60)
        self.username, self.journal, self.lesson = username, journal_id, lesson_id
        self.versions, self.students = {}, []
        self.acknowledged = acknowledged  # (lesson, student) → (version, value)

    def start(self):
        if self.browser.login(self.username, PASSWORD) != 302:
            raise RuntimeError(f"login of {self.username} failed")
        self.browser.fetch_csrf("/resetmypassword/form")
        self.reload()

    def reload(self) -> int:
        status, grid = self.browser.json("GET", f"/api/v1/journals/{self.journal}/grid")
        if status == 200:
            self.students = [s["id"] for s in grid.get("students", [])]
            self.versions = {c["student_id"]: c["version"] for c in grid.get("cells", [])
                             if c["lesson_id"] == self.lesson}
        return status

    def step(self, stats):
        if not self.students:
            timed(stats, "grid", self.reload)
            return
        marks = {sid: random.choice("2345") for sid in self.students}
        changes = [{"lesson_id": self.lesson, "student_id": sid,
                    "version": self.versions.get(sid, 0), "marks": [value]}
                   for sid, value in marks.items()]

        def save():
            status, body = self.browser.json("PUT", f"/api/v1/journals/{self.journal}/marks",
                                             {"changes": changes})
            if status == 200:
                for cell in body["cells"]:
                    self.versions[cell["student_id"]] = cell["version"]
                    self.acknowledged[(self.lesson, cell["student_id"])] = (
                        cell["version"], cell["marks"][0]["value"] if cell["marks"] else None)
            elif status in (409, 0) or status >= 500:
                self.reload()
            return status
        timed(stats, "save_marks", save)


class Reader:
    """A student reading their own record."""

    def __init__(self, base, username, student_id):
        self.browser = Browser(base, timeout=60)
        self.username, self.student = username, student_id

    def start(self):
        if self.browser.login(self.username, PASSWORD) != 302:
            raise RuntimeError(f"login of {self.username} failed")

    def step(self, stats):
        timed(stats, "student_record",
              lambda: self.browser.json("GET", f"/api/v1/students/{self.student}/record")[0])


def drive(base, database_url, clients, duration, stats=None, during=None, acknowledged=None):
    """Run `clients` concurrent clients for `duration` seconds; 60 % teachers saving marks.
    `during(t0)` runs in its own thread (fault injection)."""
    writers_data, readers_data = actors(database_url, clients)
    stats = stats or Stats()
    acknowledged = {} if acknowledged is None else acknowledged
    n_writers = min(len(writers_data), max(1, clients * 6 // 10))
    people = [Writer(base, *writers_data[i], acknowledged) for i in range(n_writers)]
    people += [Reader(base, *readers_data[i % len(readers_data)])
               for i in range(clients - n_writers)]
    for person in people:
        person.start()
    stop = time.monotonic() + duration
    t0 = stats.t0 = time.monotonic()

    def loop(person):
        while time.monotonic() < stop:
            person.step(stats)

    threads = [threading.Thread(target=loop, args=(p,)) for p in people]
    if during is not None:
        threads.append(threading.Thread(target=during, args=(t0,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.monotonic() - t0, acknowledged


# --- scale-out ---------------------------------------------------------------------------

def notifications_written(database_url: str) -> int:
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM notification")).scalar()
    engine.dispose()
    return count


def scale_out(database_url: str, redis_url: str, username: str) -> list[str]:
    env = {"REDIS_URL": redis_url, "RATELIMIT_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
           "AUTH_RATE_LIMIT": "5 per minute"}
    with AppServer(database_url, workers=2, env=env) as a, AppServer(database_url, workers=2,
                                                                     env=env) as b:
        browser = Browser(a.url)
        browser.login(username, PASSWORD)
        status_b, _, _ = browser.get("/users/userinfo/", base=b.url)
        codes = [Browser(a.url).login(username, "Wrong-Passw0rd", base=(a, b)[i % 2].url)
                 for i in range(7)]
    return [f"session from :{a.port} on :{b.port}: HTTP {status_b} "
            f"({'valid' if status_b == 200 else 'NOT valid'})",
            f"failed logins alternating both servers (limit 5/min shared in Redis): {codes}"]


# --- PostgreSQL restart under load -----------------------------------------------------

def faults(clients: int, duration: int, workers: int) -> list[str]:
    pg = PrivatePostgres().init()
    try:
        url = create_database(pg.admin_url, "journal_faults")
        prepare(url)
        down = {}

        def restart(t0):
            time.sleep(duration / 3)
            down["from"] = time.monotonic() - t0
            pg.stop("fast")
            time.sleep(5)
            pg.start()
            down["to"] = time.monotonic() - t0

        env = {"AUTH_RATE_LIMIT": "10000 per minute", "REDIS_URL": ""}
        with AppServer(url, workers=workers, threads=2, env=env) as srv:
            stats, elapsed, acked = drive(srv.url, url, clients, duration, during=restart)
        lines = stats.report(elapsed)
        errors = [s for rows in stats.samples.values() for s in rows if s[2] >= 500
                  or s[2] == 0]
        stray = [s for s in errors
                 if not (down["from"] - 1 <= s[0] - stats.t0 <= down["to"] + 5)]
        last_error = max((s[0] - stats.t0 for s in errors), default=0)
        lines.append(f"PostgreSQL down {down['from']:.1f}–{down['to']:.1f} s; "
                     f"{len(errors)} error answers, last at {last_error:.1f} s")
        lines.append(f"acknowledged writes lost: {len(lost_writes(url, acked))} "
                     f"of {len(acked)} cells")
        return lines + ([f"errors outside the outage: {len(stray)}"] if stray else [])
    finally:
        pg.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an existing, prepared database")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-connections", type=int, default=None,
                        help="connections a worker takes at once (default: its threads, so "
                             "requests wait in one shared queue; 1000 is gunicorn's own)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL",
                                                              "redis://127.0.0.1:6379/0"))
    parser.add_argument("--skip-scale-out", action="store_true")
    parser.add_argument("--faults", action="store_true", help="restart a private PostgreSQL")
    parser.add_argument("--notifications", choices=("on", "off", "both"), default="on",
                        help="NOTIFICATIONS_ENABLED of the app servers; both: off and on "
                             "in alternating rounds on one database (--rounds)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="with --notifications both: rounds of off and on")
    parser.add_argument("--previous", metavar="DIR",
                        help="another checkout of the portal (e.g. `git worktree add "
                             "/tmp/prev-design HEAD`), measured first under the same load")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")

    designs = [("current", None)]
    if args.previous:  # side by side in one run: the same load on each design's own database
        designs.insert(0, ("previous", Path(args.previous).resolve()))
    if args.notifications == "both":
        compare_notifications(args)
        return
    for label, root in designs:
        if len(designs) > 1:
            print(f"\n=== {label} design: {root or ROOT} ===", flush=True)
        run_design(args, root, {"NOTIFICATIONS_ENABLED": "1" if args.notifications == "on"
                                else "0"})


def compare_notifications(args) -> None:
    """Notifications off and on side by side: one database, `--rounds` rounds, each round
    both switches one after the other (off first in even rounds, on first in odd ones), so
    a machine whose load drifts weighs on both alike; → the throughput of each and on/off."""
    own_db = None
    url = args.database_url
    if not url:
        own_db = f"journal_bench_{uuid.uuid4().hex[:6]}"
        url = create_database(ADMIN_URL, own_db)
        print(f"preparing {own_db}: schema, roles, demo college …", flush=True)
        prepare(url)
    totals = {"off": [], "on": []}
    try:
        for n in range(args.rounds):
            for switch in (("off", "on") if n % 2 == 0 else ("on", "off")):
                env = {"AUTH_RATE_LIMIT": "10000 per minute", "REDIS_URL": "",
                       "NOTIFICATIONS_ENABLED": "1" if switch == "on" else "0"}
                connections = args.worker_connections or args.threads
                with AppServer(url, workers=args.workers, threads=args.threads, env=env,
                               worker_connections=connections) as srv:
                    stats, elapsed, acked = drive(srv.url, url, args.clients, args.duration)
                lines = stats.report(elapsed)
                totals[switch].append(sum(len(r) for r in stats.samples.values()) / elapsed)
                print(f"\n--- round {n + 1}, notifications {switch} "
                      f"(lost writes: {len(lost_writes(url, acked))} of {len(acked)})")
                print("\n".join(lines), flush=True)
        print(f"\nnotifications written: {notifications_written(url)}")
        off, on = (statistics.mean(totals[k]) for k in ("off", "on"))
        print(f"mean throughput: off {off:.1f} req/s, on {on:.1f} req/s, "
              f"on/off {100 * on / off:.1f} %")
    finally:
        if own_db:
            drop_database(ADMIN_URL, own_db)


def run_design(args, root: Path | None, extra_env: dict | None = None) -> None:
    own_db = None
    url = args.database_url
    if not url or root is not None:
        own_db = f"journal_bench_{uuid.uuid4().hex[:6]}"
        url = create_database(ADMIN_URL, own_db)
        print(f"preparing {own_db}: schema, roles, demo college …", flush=True)
        t = time.monotonic()
        prepare(url, root)
        print(f"  ready in {time.monotonic() - t:.0f} s", flush=True)
    try:
        env = {"AUTH_RATE_LIMIT": "10000 per minute", "REDIS_URL": "", **(extra_env or {})}
        connections = args.worker_connections or args.threads
        with AppServer(url, workers=args.workers, threads=args.threads, env=env,
                       root=root, worker_connections=connections) as srv:
            print(f"gunicorn {args.workers} workers × {args.threads} threads "
                  f"(worker connections {connections}), "
                  f"{args.clients} clients, {args.duration} s, {os.cpu_count()} CPUs",
                  flush=True)
            stats, elapsed, acked = drive(srv.url, url, args.clients, args.duration)
        print("\n".join(stats.report(elapsed)))
        print(f"acknowledged writes lost: {len(lost_writes(url, acked))} of {len(acked)}")
        if not args.skip_scale_out and root is None:
            print("\nscale-out: two app servers, one PostgreSQL, one Redis")
            teacher = actors(url, 1)[0][0][0]
            print("\n".join(scale_out(url, args.redis_url, teacher)))
        if args.faults and root is None:
            print("\nfaults: private PostgreSQL restarted under load")
            print("\n".join(faults(min(args.clients, 20), max(args.duration, 24),
                                   args.workers)))
    finally:
        if own_db:
            drop_database(ADMIN_URL, own_db)

if __name__ == "__main__":
    main()
