"""The account's own logins (5.4: the student answers for keeping their login and password).

Everyone sees the last logins and failed tries of their own account — when, from which address
and browser — so that a login they do not recognise is noticed and reported (a student tells the
curator; an employee changes the password). Read from the audit log (4.1), newest first.
"""
import re

from sqlalchemy import select

from ...extensions import db
from ...models import AuditLog

LOGIN_ACTIONS = ("login", "login_failed", "login_locked")
SHOWN = 20

# Browser and system names in a User-Agent, most specific first (Edge and Yandex also say Chrome).
_BROWSERS = (("YaBrowser", "Яндекс Браузер"), ("Edg", "Edge"), ("OPR", "Opera"),
             ("Firefox", "Firefox"), ("Chrome", "Chrome"), ("Safari", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def browser_in_words(agent: str | None) -> str:
    """«Chrome 120, Android» from a User-Agent; an API client or a script by its own name."""
    agent = agent or ""
    browser = next((name for key, name in _BROWSERS if re.search(rf"\b{key}/\d", agent)), None)
    system = next((name for key, name in _SYSTEMS if key in agent), None)
    if browser is None:
        return (agent.split("/")[0].strip()[:40] or "—") if agent else "—"
    key = next(k for k, name in _BROWSERS if name == browser)
    version = re.search(rf"\b{key}/(\d+)", agent) if key != "Safari" else \
        re.search(r"Version/(\d+)", agent)
    words = f"{browser} {version.group(1)}" if version else browser
    return f"{words}, {system}" if system else words


def recent(user_id: int, limit: int = SHOWN) -> list[dict]:
    """The account's last `limit` logins, failed tries and tries while locked (one query)."""
    rows = db.session.execute(
        select(AuditLog.created_at, AuditLog.action, AuditLog.ip_address, AuditLog.user_agent)
        .where(AuditLog.user_id == user_id, AuditLog.action.in_(LOGIN_ACTIONS))
        .order_by(AuditLog.id.desc()).limit(limit))
    return [dict(moment=row.created_at, ok=row.action == "login", action=row.action,
                 address=row.ip_address or "—", browser=browser_in_words(row.user_agent))
            for row in rows]
