"""7.1: IT's start page flags a backup older than a day (more than 26 hours: a daily copy may
run a little late) or not verified by a restore."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from app.models import BackupRecord
from app.services.dashboards.it import last_backup

NOW = datetime(2026, 1, 20, 3, 0, tzinfo=timezone.utc)


@pytest.fixture()
def now(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_NOW", NOW.isoformat())
    return NOW


def _backup(db, age: timedelta, verified=True):
    db.session.add(BackupRecord(file_name=f"journal-{age.total_seconds():.0f}.dump",
                                created_at=NOW - age, sha256="0" * 64, engine="sqlite",
                                verified=verified))
    db.session.commit()


def _panel(client) -> tuple[str, str]:
    """The backup panel's colour and text on IT's start page."""
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'<div class="panel (panel-\w+)">\s*<div class="panel-heading"><b>'
                      r'Резервная копия</b></div>(.*?)</div></div></div>', page, re.S)
    assert found, "no backup panel on IT's page"
    return found.group(1), found.group(2)


def test_a_backup_of_26_hours_is_not_flagged(college, db, login, now):
    _backup(db, timedelta(hours=26, minutes=59))
    assert last_backup()["stale"] is False
    colour, text = _panel(login("it"))
    assert colour == "panel-success" and "Старше суток" not in text


def test_a_backup_of_27_hours_is_flagged(college, db, login, now):
    _backup(db, timedelta(hours=27))
    assert last_backup()["stale"] is True
    colour, text = _panel(login("it"))
    assert colour == "panel-danger" and "Старше суток" in text


def test_a_fresh_backup_not_verified_is_flagged(college, db, login, now):
    _backup(db, timedelta(hours=1), verified=False)
    colour, text = _panel(login("it"))
    assert colour == "panel-danger" and "Не проверена" in text


def test_no_backup_at_all_is_flagged(college, db, login, now):
    colour, text = _panel(login("it"))
    assert colour == "panel-danger" and "Резервных копий нет" in text
