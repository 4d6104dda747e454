"""The login limit (ASVS 2.2.1, FSTEC УПД.6; issue 23, finding 4): a classroom behind one address
logs in, a guesser does not.

Only failed logins count; a successful one removes its own try and the failures of its
(account, address) pair. Three counters, checked before the password is:

- the pair (account, address): LOGIN_FREE_FAILURES failures are free, then each next try waits
  LOGIN_DELAY_SECONDS after the last failure, doubled with every further failure, at most
  LOGIN_DELAY_MAX_SECONDS;
- the account from any address: LOGIN_ACCOUNT_FREE_FAILURES free, then the same growing wait
  capped at LOGIN_ACCOUNT_DELAY_MAX_SECONDS — failures from elsewhere delay the owner briefly,
  never lock them out for long;
- the address across accounts: AUTH_RATE_LIMIT failures (default "50 per 5 minutes").

Failures are remembered LOGIN_FAILURE_MEMORY_MINUTES. The account is the user found by the name
or the e-mail typed (so both spellings share one counter); an unknown name is its own account.

A try is written (and committed) before the counters are read and is removed again when it is
refused or succeeds, so parallel tries from several workers never pass more than the limit (at
worst they all wait). The tries live in Redis when REDIS_URL is set, else in the database
(table login_attempt), so every worker and server shares them.
"""
import hashlib
import math
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import redis
from flask import current_app, g, request
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from limits import parse
from sqlalchemy import delete, func, or_, select

from ..extensions import db
from ..models import LoginAttempt

TRY = "_journal_login_try"  # the request's try, kept in flask.g until it is settled


def now() -> float:
    """Seconds since the epoch (a function, so a test can move the clock)."""
    return time.time()


def _key(kind: str, *parts) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


# --- where the tries are kept ---------------------------------------------------------------
class DatabaseTries:
    """Rows of login_attempt: (key, moment); a try is one row per key."""

    def add(self, keys: list[str], moment: float, keep: float) -> list[int]:
        stamp = datetime.fromtimestamp(moment, timezone.utc)
        # every try forgotten by now, of any key: the table holds the last hour's failures only
        db.session.execute(delete(LoginAttempt).where(
            LoginAttempt.attempted_at < datetime.fromtimestamp(moment - keep, timezone.utc)))
        rows = [LoginAttempt(client=key, attempted_at=stamp) for key in keys]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]

    def remove(self, handle: list[int]) -> None:
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(handle)))
        db.session.commit()

    def clear(self, key: str) -> None:
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.client == key))
        db.session.commit()

    def stats(self, key: str, since: float, handle) -> tuple[int, float | None, float | None]:
        count, oldest, newest = db.session.execute(
            select(func.count(), func.min(LoginAttempt.attempted_at),
                   func.max(LoginAttempt.attempted_at)).where(
                LoginAttempt.client == key, LoginAttempt.id.not_in(handle),
                LoginAttempt.attempted_at >= datetime.fromtimestamp(since, timezone.utc))).one()
        return count, _seconds(oldest), _seconds(newest)


def _seconds(moment) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite gives the stored UTC time back without its zone
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


class RedisTries:
    """One sorted set per key: member = the try's random token, score = its moment."""

    def __init__(self, client, prefix: str):
        self.client, self.prefix = client, prefix

    def add(self, keys: list[str], moment: float, keep: float) -> str:
        token = secrets.token_hex(8)
        pipe = self.client.pipeline()
        for key in keys:
            name = f"{self.prefix}:login:{key}"
            pipe.zremrangebyscore(name, "-inf", moment - keep)
            pipe.zadd(name, {token: moment})
            pipe.expire(name, int(keep) + 1)
        pipe.execute()
        self._keys = keys
        return token

    def remove(self, handle: str) -> None:
        pipe = self.client.pipeline()
        for key in self._keys:
            pipe.zrem(f"{self.prefix}:login:{key}", handle)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(f"{self.prefix}:login:{key}")

    def stats(self, key: str, since: float, handle) -> tuple[int, float | None, float | None]:
        found = [score for member, score in self.client.zrangebyscore(
            f"{self.prefix}:login:{key}", since, "+inf", withscores=True)
            if member.decode() != handle]
        return len(found), (min(found) if found else None), (max(found) if found else None)


def storage():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return DatabaseTries()
    client = current_app.extensions.get("journal_login_redis")
    if client is None:
        client = current_app.extensions["journal_login_redis"] = redis.Redis.from_url(
            url, socket_timeout=5)
    return RedisTries(client, current_app.config.get("RATELIMIT_KEY_PREFIX", "journal"))


# --- the rule -------------------------------------------------------------------------------
@dataclass
class LoginTry:
    user_id: int | None
    account: str
    pair: str
    address: str
    handle: object = None
    store: object = field(default=None, repr=False)

    @property
    def keys(self) -> list[str]:
        return [self.pair, self.account, self.address]


def _setting(name: str) -> int:
    return int(current_app.config[name])


def growing_delay(failures: int, free: int, cap: int) -> float:
    """No wait for the first `free` failures, then LOGIN_DELAY_SECONDS doubled with each
    further failure, at most `cap` seconds."""
    if failures < free:
        return 0
    return min(_setting("LOGIN_DELAY_SECONDS") * 2 ** min(failures - free, 30), cap)


def _wait(attempt: LoginTry, moment: float) -> float:
    """Seconds until this try may be made (0: now)."""
    memory = _setting("LOGIN_FAILURE_MEMORY_MINUTES") * 60
    store, handle = attempt.store, attempt.handle
    waits = []
    for key, free, cap in (
            (attempt.pair, _setting("LOGIN_FREE_FAILURES"), _setting("LOGIN_DELAY_MAX_SECONDS")),
            (attempt.account, _setting("LOGIN_ACCOUNT_FREE_FAILURES"),
             _setting("LOGIN_ACCOUNT_DELAY_MAX_SECONDS"))):
        count, _oldest, newest = store.stats(key, moment - memory, handle)
        if newest is not None:
            waits.append(newest + growing_delay(count, free, cap) - moment)
    limit = parse(current_app.config["AUTH_RATE_LIMIT"])
    window = limit.get_expiry()
    count, oldest, _newest = store.stats(attempt.address, moment - window, handle)
    if count >= limit.amount and oldest is not None:
        waits.append(oldest + window - moment)
    return max([0, *waits])


def enabled() -> bool:
    config = current_app.config
    return bool(config.get("AUTH_RATE_LIMITED") and config.get("RATELIMIT_ENABLED", True))


def begin(name: str, address: str) -> float:
    """Write this try and say how long it must wait (0: go on to the password). A refused try
    is removed at once; an admitted one is kept in flask.g until `failed` or `succeeded`."""
    address = address or "-"
    store = storage()
    user_id, account = account_of(name)
    attempt = LoginTry(user_id=user_id, account=_key("a", account),
                       pair=_key("p", account, address), address=_key("i", address), store=store)
    moment = now()
    keep = max(_setting("LOGIN_FAILURE_MEMORY_MINUTES") * 60,
               parse(current_app.config["AUTH_RATE_LIMIT"]).get_expiry())
    attempt.handle = store.add(attempt.keys, moment, keep)
    wait = _wait(attempt, moment)
    if wait > 0:
        store.remove(attempt.handle)
        return wait
    setattr(g, TRY, attempt)
    return 0


def failed() -> tuple[int | None, float]:
    """The admitted try failed: it stays counted. Returns the account's user id (None for an
    unknown name) and the wait it now has from any address (0 if none), for its temporary
    lock."""
    attempt = g.pop(TRY, None)
    if attempt is None:
        return None, 0
    moment = now()
    count, _oldest, _newest = attempt.store.stats(
        attempt.account, moment - _setting("LOGIN_FAILURE_MEMORY_MINUTES") * 60, [])
    return attempt.user_id, growing_delay(count, _setting("LOGIN_ACCOUNT_FREE_FAILURES"),
                                          _setting("LOGIN_ACCOUNT_DELAY_MAX_SECONDS"))


def succeeded() -> None:
    """The right password: the try does not count, nor do the pair's earlier failures."""
    attempt = g.pop(TRY, None)
    if attempt is not None:
        attempt.store.remove(attempt.handle)
        attempt.store.clear(attempt.pair)


def abandon() -> None:
    """The request ended without a password check (a bad body, a refused CSRF token): the try
    does not count."""
    attempt = g.pop(TRY, None)
    if attempt is not None:
        attempt.store.remove(attempt.handle)


# --- the door -------------------------------------------------------------------------------
def login_name() -> str:
    """The name typed on the form or sent to the API login ("" when there is none)."""
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    return name.strip()[:255] if isinstance(name, str) else ""


def account_of(name: str) -> tuple[int | None, str]:
    """One counter per account whichever spelling is typed (the name or the e-mail, in any
    case); an unknown name counts on its own. Returns (user id or None, counter name)."""
    lowered = name.lower()
    user_id = db.session.scalar(select(User.id).where(or_(
        func.lower(User.username) == lowered, func.lower(User.email) == lowered)).limit(1))
    return user_id, (f"user {user_id}" if user_id is not None else f"name {lowered}")


def wait_text(seconds: float) -> str:
    """"30 с", "2 мин", "1 мин 30 с"."""
    seconds = max(1, math.ceil(seconds))
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return gettext("%(seconds)s с", seconds=rest)
    if not rest:
        return gettext("%(minutes)s мин", minutes=minutes)
    return gettext("%(minutes)s мин %(seconds)s с", minutes=minutes, seconds=rest)


def refusal_message(seconds: float) -> str:
    return gettext("Слишком много неудачных попыток входа: повторите через %(wait)s.",
                   wait=wait_text(seconds))
