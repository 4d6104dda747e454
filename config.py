"""Portal configuration. Every setting can be overridden from the environment."""
import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.security.manager import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("JOURNAL_INSTANCE_DIR", BASE_DIR / "instance"))


def _instance_key(variable: str, file_name: str) -> str:
    """A key from the environment, or one generated once and kept in instance/ (0600)."""
    if os.environ.get(variable):
        return os.environ[variable]
    INSTANCE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / file_name
    if not key_file.exists():
        # created 0600 before the key is written: never readable by others, not for a moment
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once and kept in instance/."""
    return _instance_key("SECRET_KEY", "secret_key")


def _audit_key() -> str:
    """4.1: the audit chain's HMAC key, kept outside the database — AUDIT_KEY from the
    environment, or one generated once and kept in instance/ (back it up apart from the
    database copies: without it the chain cannot be verified)."""
    return _instance_key("AUDIT_KEY", "audit_key")


def _backup_key() -> str:
    """7.1: the key signing the list of backup copies (BACKUP_DIR/manifest.json), kept outside
    the database like AUDIT_KEY — BACKUP_KEY from the environment; else derived from AUDIT_KEY
    when that is set in the environment; else one generated once and kept in instance/ (0600).
    Keep it apart from the copies: without it the list cannot be checked and no copy restores."""
    if os.environ.get("BACKUP_KEY"):
        return os.environ["BACKUP_KEY"]
    if os.environ.get("AUDIT_KEY"):
        return hmac.new(os.environ["AUDIT_KEY"].encode(), b"journal backup manifest",
                        hashlib.sha256).hexdigest()
    return _instance_key("BACKUP_KEY", "backup_key")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.lower() in ("1", "true", "yes", "on")


def _weights(text: str) -> dict[str, float]:
    """"control=2,test=2" → {"control": 2.0, "test": 2.0} (weights of the kinds of work)."""
    weights = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind.strip() and weight.strip():
            weights[kind.strip()] = float(weight)
    return weights


class Config:
    APP_NAME = "Электронный журнал"
    APP_THEME = ""
    SECRET_KEY = _secret_key()

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'journal.db'}"
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # PostgreSQL: the planner's cost of a random page read (app/extensions.py); "" keeps the
    # server's own setting
    POSTGRES_RANDOM_PAGE_COST = os.environ.get("POSTGRES_RANDOM_PAGE_COST", "1.1")
    # SQLite (the embedded default): seconds a writer waits for the file's write lock before
    # giving up; WAL lets readers go on meanwhile (app/extensions.py).
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "30"))
    AUDIT_KEY = _audit_key()
    BACKUP_KEY = _backup_key()
    # The instance folder (SQLite file, keys, backups, documents): owner only (0700), set at
    # every start by the factory (app/infra/private_files.py).
    INSTANCE_FOLDER = str(INSTANCE_DIR)
    # Schema comes from migrations only; workers never sync permissions (flask journal init does).
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.manager.JournalSecurityManager"
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_BASE_TEMPLATE = "journal_base.html"
    FAB_API_SWAGGER_UI = True
    FAB_ADD_SECURITY_API = True
    # Hosts `next=` may point to (CVE-2025-32962); set the portal's public name in production.
    FAB_SAFE_REDIRECT_HOSTS = [h.strip() for h in os.environ.get(
        "SAFE_REDIRECT_HOSTS", "127.0.0.1,127.0.0.1:*,localhost,localhost:*").split(",")
        if h.strip()]
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_VALIDATOR = "app.security.passwords.password_validator"

    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    # The login limit (app/security/login_limit.py): only failed logins count, a successful
    # one never does. AUTH_RATE_LIMITED switches it on (with RATELIMIT_ENABLED).
    AUTH_RATE_LIMITED = True
    # failures from one address across all accounts (a classroom behind one address passes)
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "50 per 5 minutes")
    # per (account, address): this many failures are free, then each next try waits
    # LOGIN_DELAY_SECONDS after the last failure, doubled with each further failure, at most
    # LOGIN_DELAY_MAX_SECONDS (30 s, 1 min, 2 min, 4 min, 8 min, 15 min)
    LOGIN_FREE_FAILURES = int(os.environ.get("LOGIN_FREE_FAILURES", "5"))
    LOGIN_DELAY_SECONDS = int(os.environ.get("LOGIN_DELAY_SECONDS", "30"))
    LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "900"))
    # per account from every address: free failures, then the same growing wait capped short,
    # so failures from elsewhere only delay the owner (the account's temporary lock)
    LOGIN_ACCOUNT_FREE_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_FREE_FAILURES", "10"))
    LOGIN_ACCOUNT_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_ACCOUNT_DELAY_MAX_SECONDS",
                                                         "60"))
    # failures are forgotten this long after they happened
    LOGIN_FAILURE_MEMORY_MINUTES = int(os.environ.get("LOGIN_FAILURE_MEMORY_MINUTES", "60"))
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "journal")
    # Behind a reverse proxy: the number of proxies whose X-Forwarded-For is trusted (0 = none;
    # requests that bring X-Forwarded-For then get one warning in the log per process).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))

    BABEL_DEFAULT_LOCALE = "ru"
    # The college clock: "today", late entries, deadlines, weeks and every time shown
    # (app/infra/clock.py); stored times stay UTC, whatever the server's own zone.
    COLLEGE_TIMEZONE = os.environ.get("COLLEGE_TIMEZONE", "Asia/Irkutsk")
    # The college's study week, the same on every page (the curator's check, the diary, the
    # weekly report, the timetable): 6 = Monday to Saturday, 7 = Monday to Sunday.
    STUDY_WEEK_DAYS = int(os.environ.get("STUDY_WEEK_DAYS", "6"))
    BABEL_DEFAULT_TIMEZONE = COLLEGE_TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "ru": {"flag": "ru", "name": "Русский"},
        "en": {"flag": "gb", "name": "English"},
    }

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = timedelta(
        minutes=int(os.environ.get("SESSION_LIFETIME_MINUTES", "30"))
    )
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 5 * 1024 * 1024))
    # an imported XLSX is refused before parsing when its parts expand beyond this (zip bombs)
    IMPORT_MAX_EXPANDED_BYTES = int(os.environ.get("IMPORT_MAX_EXPANDED_BYTES",
                                                   20 * 1024 * 1024))

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "journal@college.local")
    # Weekly report e-mails: a short wait for the SMTP server (the page never waits: the job
    # worker delivers). A temporary failure (server down, 4xx) is tried again after
    # MAIL_RETRY_SECONDS, doubled at each attempt, up to MAIL_ATTEMPTS attempts in all.
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_ATTEMPTS = int(os.environ.get("MAIL_ATTEMPTS", "5"))
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))

    # The job queue and scheduler (app/jobs, Huey): SQLite file in instance/ by default, Redis
    # when REDIS_URL is set (several workers on several hosts share it).
    HUEY_FILE = os.environ.get("HUEY_FILE", str(INSTANCE_DIR / "jobs.db"))
    HUEY_IMMEDIATE = _bool("HUEY_IMMEDIATE", False)  # run jobs in the caller (tests)
    # The queue's name (its keys in Redis): one per portal sharing a Redis server.
    HUEY_NAME = os.environ.get("HUEY_NAME", "journal")
    JOB_WORKERS = int(os.environ.get("JOB_WORKERS", "2"))  # threads of one worker process
    # Files long jobs produce (an XLSX to download): on several hosts, shared storage.
    JOB_FILES_DIR = os.environ.get("JOB_FILES_DIR", str(INSTANCE_DIR / "job-files"))
    # When each scheduled duty runs, in the college's clock (app/jobs/schedule.py):
    # "HH:MM" every day, "fri 15:00" weekly, "day 1 08:00" monthly, "every 5 min".
    JOB_MAIL_SWEEP_AT = os.environ.get("JOB_MAIL_SWEEP_AT", "every 1 min")
    JOB_WEEKLY_REPORTS_AT = os.environ.get("JOB_WEEKLY_REPORTS_AT", "every 1 min")
    JOB_BACKUP_AT = os.environ.get("JOB_BACKUP_AT", "02:30")
    JOB_PRUNE_AT = os.environ.get("JOB_PRUNE_AT", "03:30")
    # reminders and digests decide by each one's own hour (REMINDER_*_HOUR, the user's digest
    # hour): the duty only looks often enough
    JOB_REMINDERS_AT = os.environ.get("JOB_REMINDERS_AT", "every 10 min")
    JOB_DIGESTS_AT = os.environ.get("JOB_DIGESTS_AT", "every 10 min")
    # The weekly reports' default day and time for a group whose curator chose none.
    WEEKLY_REPORT_DEFAULT_AT = os.environ.get("WEEKLY_REPORT_DEFAULT_AT", "fri 15:00")
    # Runs of scheduled duties and finished long jobs are kept this many days.
    JOB_HISTORY_DAYS = int(os.environ.get("JOB_HISTORY_DAYS", "30"))
    # The portal's address printed on credential slips; empty = the address the page was
    # opened at.
    PORTAL_URL = os.environ.get("PORTAL_URL", "")

    BACKUP_DIR = os.environ.get("BACKUP_DIR", str(INSTANCE_DIR / "backups"))
    BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
    ARCHIVE_DIR = os.environ.get("ARCHIVE_DIR", str(INSTANCE_DIR / "archive"))
    # Absence documents (справки): the scans are kept here, outside the web root (directory
    # 0700, files 0600), and each may be at most this large.
    DOCUMENTS_DIR = os.environ.get("DOCUMENTS_DIR", str(INSTANCE_DIR / "documents"))
    ABSENCE_DOCUMENT_MAX_BYTES = int(os.environ.get("ABSENCE_DOCUMENT_MAX_BYTES",
                                                    5 * 1024 * 1024))
    # Its upload request may be 1 MB larger (the form around the file), whatever
    # MAX_UPLOAD_BYTES says, so the file's own limit and message come first.
    # An image may have at most this many pixels (read from its header before decoding; 40 Mpx
    # is an A4 page scanned at 600 dpi, twice over); it is then written again without metadata.
    DOCUMENT_MAX_PIXELS = int(os.environ.get("DOCUMENT_MAX_PIXELS", "40000000"))
    # Per account in any 24 hours: at most this many documents and this many megabytes.
    DOCUMENT_DAILY_COUNT = int(os.environ.get("DOCUMENT_DAILY_COUNT", "20"))
    DOCUMENT_DAILY_MB = int(os.environ.get("DOCUMENT_DAILY_MB", "50"))
    # 4.6: the bell schedule, the college's pairs in order with their start and end in the
    # college's clock, "08:30-10:00, 10:10-11:40, …" (at most 8 pairs); a lesson of today is
    # recorded once its pair has begun. Empty = eight pairs from 08:30 (app/infra/schedule.py).
    BELL_SCHEDULE = os.environ.get("BELL_SCHEDULE", "")
    # Fixed "today" for reproducible runs (dd.mm.yyyy or ISO); empty means the real date.
    JOURNAL_TODAY = os.environ.get("JOURNAL_TODAY", "")
    # Practice (2.2): a mentor from the organisation keeps access to their students' practice
    # from its first day to its last day plus MENTOR_CLOSING_DAYS (attestation, last entries);
    # a student with no diary entry in the last PRACTICE_SILENCE_DAYS working days of a running
    # practice is shown as "stopped writing"; one diary day holds at most PRACTICE_DAY_HOURS.
    MENTOR_CLOSING_DAYS = int(os.environ.get("MENTOR_CLOSING_DAYS", "14"))
    PRACTICE_SILENCE_DAYS = int(os.environ.get("PRACTICE_SILENCE_DAYS", "3"))
    PRACTICE_DAY_HOURS = int(os.environ.get("PRACTICE_DAY_HOURS", "8"))
    # 4.7: an academic debt is to be closed within this many days of the order closing its
    # period; an open debt past it is flagged «просрочена» (app/services/assessment/debts.py).
    DEBT_DEADLINE_DAYS = int(os.environ.get("DEBT_DEADLINE_DAYS", "60"))
    # 4.7: semester and year grades are accepted from this many days before the period's last
    # day, or from the discipline's last timetabled lesson in it, whichever comes first
    # (app/services/journal/grading_window.py).
    FINAL_GRADE_WINDOW_DAYS = int(os.environ.get("FINAL_GRADE_WINDOW_DAYS", "14"))
    # Messages an account may send in a minute (a broadcast to a group's parents counts once),
    # app/services/portal/messaging.py; more is refused with a Russian message (429).
    MESSAGES_PER_MINUTE = int(os.environ.get("MESSAGES_PER_MINUTE", "30"))
    # 2.2, 4.7: the weight of each kind of work in the current average (app/services/
    # progress.py), e.g. WORK_KIND_WEIGHTS="control=2,test=2"; kinds not named weigh 1.
    WORK_KIND_WEIGHTS = _weights(os.environ.get("WORK_KIND_WEIGHTS", "control=2,test=2"))
    # Admission to the attestation (forecast, exam sheets): attendance in percent counting
    # unexcused missed hours only, and the lowest weighted average.
    ADMISSION_MIN_ATTENDANCE = float(os.environ.get("ADMISSION_MIN_ATTENDANCE", "50"))
    ADMISSION_MIN_AVERAGE = float(os.environ.get("ADMISSION_MIN_AVERAGE", "2.5"))
    # The college's full name heading printed sheets (ведомости, app/services/assessment/sheets.py).
    COLLEGE_NAME = os.environ.get("COLLEGE_NAME", "ГБПОУ ИО «Ангарский политехнический техникум»")
    # Notifications in the portal (marks, «Н», final grades, comments, messages, absence
    # documents): off = nothing is written on a save (app/services/notifications/).
    NOTIFICATIONS_ENABLED = _bool("NOTIFICATIONS_ENABLED", True)
    # Reminders (app/services/notifications/reminders.py), hours in the college's clock: the
    # teacher about today's pairs not recorded, the curator about last week's check (on the
    # weekday given, 0 = Monday), the deputy on the 1st about journals not checked for
    # 30 days (3.5), IT about a failed backup or one older than 26 hours (7.1), a year to
    # archive (7.3) and archives due for destruction (7.4).
    REMINDER_TEACHER_HOUR = int(os.environ.get("REMINDER_TEACHER_HOUR", "18"))
    REMINDER_CURATOR_WEEKDAY = int(os.environ.get("REMINDER_CURATOR_WEEKDAY", "0"))
    REMINDER_CURATOR_HOUR = int(os.environ.get("REMINDER_CURATOR_HOUR", "9"))
    REMINDER_DEPUTY_HOUR = int(os.environ.get("REMINDER_DEPUTY_HOUR", "9"))
    REMINDER_IT_HOUR = int(os.environ.get("REMINDER_IT_HOUR", "9"))
    # 3.3: the curator's check of a week is on time when recorded by this many days after
    # the week's Monday (7 = the next Monday).
    WEEKLY_CHECK_DUE_DAYS = int(os.environ.get("WEEKLY_CHECK_DUE_DAYS", "7"))


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    # A fixed "now" in UTC (ISO) for tests of the college clock; read only when TESTING.
    JOURNAL_NOW = os.environ.get("JOURNAL_NOW", "")
    # Jobs run in the caller, so unit tests see their effect; the end-to-end test starts a
    # real worker process instead.
    HUEY_IMMEDIATE = _bool("HUEY_IMMEDIATE", True)
