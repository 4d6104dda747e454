"""Scale-out: two app servers on different ports share one PostgreSQL and one Redis.
A session from one is valid on the other; the login rate limit counts across both."""
import os
import uuid

import pytest

from bench._common import AppServer, Browser
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401

REDIS_URL = os.environ.get("JOURNAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 4

# several app servers share one database: PostgreSQL only
pytestmark = pytest.mark.postgresql_only


def _redis_available() -> bool:
    try:
        import redis
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


PREFIX = f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def servers(app):
    if not _redis_available():
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (scripts/services.sh starts it)")
    env = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": PREFIX,
           "AUTH_RATE_LIMIT": f"{LIMIT} per minute", "LOGIN_LOCKOUT_FAILURES": "100",
           "SECRET_KEY": os.environ["SECRET_KEY"]}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with AppServer(url, workers=2, env=env) as first, AppServer(url, workers=2, env=env) as second:
        yield first, second
    _clear_limits()


def _clear_limits():
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{PREFIX}*"):
        client.delete(key)


@pytest.fixture()
def two_servers(servers, college):
    _clear_limits()  # each test starts with fresh counters in the shared Redis
    return servers


def test_session_valid_on_the_other_server(two_servers):
    first, second = two_servers
    browser = Browser(first.url)
    assert browser.login("teacher1", PASSWORD) == 302
    status, _, body = browser.get("/users/userinfo/", base=second.url)
    assert status == 200 and "teacher1" in body
    # and a CSRF token issued by one server is accepted by the other
    browser.fetch_csrf("/users/userinfo/", base=first.url)
    status, _ = browser.json("POST", "/api/v1/security/login", {}, base=second.url)
    assert status == 400  # a validation answer, not a CSRF refusal


def test_login_rate_limit_counts_across_servers(two_servers):
    first, second = two_servers
    browser = Browser(first.url)
    codes = []
    for attempt in range(LIMIT + 2):
        base = (first if attempt % 2 == 0 else second).url
        codes.append(browser.login("teacher1", "Wrong-Passw0rd", base=base))
    assert codes[:LIMIT] == [401] * LIMIT
    assert codes[LIMIT:] == [429, 429]


def test_lockout_holds_across_servers(two_servers, db):
    """The temporary lock lives in the database, so every app server honours it."""
    from datetime import datetime, timedelta, timezone

    from app.models import AccountState, User
    first, second = two_servers
    teacher2 = db.session.query(User).filter_by(username="teacher2").one()
    db.session.merge(AccountState(
        user_id=teacher2.id, must_change_password=False,
        locked_until=(datetime.now(timezone.utc) + timedelta(minutes=5)).isoformat()))
    db.session.commit()
    for server in (first, second):
        assert Browser(server.url).login("teacher2", PASSWORD) == 401
