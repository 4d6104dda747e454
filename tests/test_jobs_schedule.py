"""The scheduler's decisions in the college's clock (Asia/Irkutsk, UTC+8 all year: no DST)
while the server and the stored times are UTC, with a frozen clock (JOURNAL_NOW): what is due
when, the next run shown, a slot claimed once, a missed slot caught up only for a while, the
weekly reports on the curator's day or the college's default, a held week."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from app.infra import schedule
from app.jobs import registry
from app.models import ScheduledRun, WeeklyReportSchedule
from app.services.portal import weekly_schedule


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.fixture()
def frozen(app):
    """Set the college's "now" (UTC ISO); restored afterwards."""
    saved = (app.config.get("JOURNAL_NOW"), app.config.get("COLLEGE_TIMEZONE"))
    app.config["COLLEGE_TIMEZONE"] = "Asia/Irkutsk"

    def _set(moment):
        app.config["JOURNAL_NOW"] = moment
    yield _set
    app.config["JOURNAL_NOW"], app.config["COLLEGE_TIMEZONE"] = saved


def test_settings_are_read_or_refused_in_words(app):
    with app.test_request_context():
        assert schedule.parse("02:30").at.strftime("%H:%M") == "02:30"
        assert schedule.parse("Fri 15:00").weekdays == {4}
        assert schedule.parse("mon,thu 08:05").weekdays == {0, 3}
        assert schedule.parse("day 1 08:00").month_day == 1
        assert schedule.parse("every 5 min").every_minutes == 5
        for bad in ("25:00", "fri", "пт 15:00", "day 40 08:00", "every 0 min", ""):
            with pytest.raises(schedule.ScheduleError):
                schedule.parse(bad)


def test_slots_are_the_colleges_wall_clock_not_the_servers(app):
    """02:30 in Irkutsk is 18:30 UTC the day before; Friday 15:00 there is 07:00 UTC."""
    with app.test_request_context():
        app.config["COLLEGE_TIMEZONE"] = "Asia/Irkutsk"
        nightly = schedule.parse("02:30")
        assert schedule.latest_due(nightly, utc("2026-12-04T18:29")) == utc("2026-12-03T18:30")
        assert schedule.latest_due(nightly, utc("2026-12-04T18:30")) == utc("2026-12-04T18:30")
        assert schedule.next_due(nightly, utc("2026-12-04T18:30")) == utc("2026-12-05T18:30")
        friday = schedule.parse("fri 15:00")
        assert schedule.latest_due(friday, utc("2026-12-04T07:00")) == utc("2026-12-04T07:00")
        assert schedule.latest_due(friday, utc("2026-12-04T06:59")) == utc("2026-11-27T07:00")
        assert schedule.next_due(friday, utc("2026-12-04T06:59")) == utc("2026-12-04T07:00")
        monthly = schedule.parse("day 31 08:00")  # February has no 31st: its last day
        assert schedule.next_due(monthly, utc("2027-02-01T00:00")) == utc("2027-02-28T00:00")
        every = schedule.parse("every 15 min")
        assert schedule.latest_due(every, utc("2026-12-04T16:07")) == utc("2026-12-04T16:00")
        assert schedule.next_due(every, utc("2026-12-04T16:07")) == utc("2026-12-04T16:15")
        # the college's midnight (16:00 UTC) starts the intervals, not the server's
        every7 = schedule.parse("every 7 min")
        assert schedule.latest_due(every7, utc("2026-12-04T16:03")) == utc("2026-12-04T16:00")


@pytest.fixture()
def one_duty(monkeypatch, app):
    """Only a counting duty is registered, its time a setting."""
    calls = []
    monkeypatch.setattr(registry, "DUTIES", {})
    registry.duty("count", setting="JOB_COUNT_AT", default="02:30",
                  title="count")(lambda: calls.append(1) or "counted")
    yield calls
    app.config.pop("JOB_COUNT_AT", None)


def test_a_due_duty_runs_once_per_slot_and_a_missed_one_only_within_its_window(
        app, db, frozen, one_duty):
    frozen("2026-12-04T18:29:00")  # 02:29 in the college: not yet
    assert registry.run_due() == [] and one_duty == []
    frozen("2026-12-04T18:30:40")  # 02:30:40
    assert registry.run_due() == ["count"] and one_duty == [1]
    frozen("2026-12-04T18:31:00")  # the next tick, and a second worker: nothing again
    assert registry.run_due() == [] and registry.run_due() == [] and one_duty == [1]
    run = db.session.scalars(select(ScheduledRun)).one()
    assert (run.duty, run.state, run.result) == ("count", "done", "counted")
    assert run.due_at.replace(tzinfo=timezone.utc) == utc("2026-12-04T18:30")
    # a worker down all night catches up in the morning, not at noon
    frozen("2026-12-06T01:00:00")  # 09:00 on the 6th: the 02:30 slot of the 6th is 6.5 h old
    assert registry.run_due() == ["count"] and one_duty == [1, 1]
    frozen("2026-12-07T06:00:00")  # 14:00: the 02:30 slot is 11.5 h old — still caught up
    assert registry.run_due() == ["count"]
    frozen("2026-12-08T07:00:00")  # 15:00: 12.5 h — left for the next night
    assert registry.run_due() == []
    # the time is a setting
    app.config["JOB_COUNT_AT"] = "every 1 min"
    assert registry.run_due() == ["count"] and registry.run_due() == []


def test_a_failing_duty_is_recorded_and_shown(app, db, frozen, monkeypatch):
    monkeypatch.setattr(registry, "DUTIES", {})

    def broken():
        raise RuntimeError("диск заполнен")
    registry.duty("broken", setting="JOB_BROKEN_AT", default="02:30", title="broken")(broken)
    frozen("2026-12-04T18:31:00")
    registry.run_due()
    db.session.expire_all()
    run = db.session.scalars(select(ScheduledRun)).one()
    assert run.state == "failed" and "диск заполнен" in run.error
    from app.jobs.overview import overview
    with app.test_request_context():
        data = overview()
    assert data["failures"][0]["error"] == "RuntimeError: диск заполнен"
    # 02:31 on the 5th in the college: the next 02:30 is the 6th's (the college's clock)
    assert data["duties"][0]["next"] == "06.12.2026 02:30"
    assert data["duties"][0]["last_failed"]


def test_weekly_reports_go_on_the_curators_day_or_the_default(app, db, college, frozen,
                                                             monkeypatch):
    sent = []
    monkeypatch.setattr(weekly_schedule.weekly_reports, "queue",
                        lambda group, week, user=None: sent.append((group.name, week))
                        or {"queued": []})
    monkeypatch.setattr(weekly_schedule.weekly_reports, "deliver",
                        lambda ids=None: {"sent": [], "failed": []})
    # the college's default, Friday 15:00: Thursday evening nothing; Friday 15:00 the week
    frozen("2026-12-03T12:00:00")  # Thursday 20:00 in Irkutsk
    assert weekly_schedule.send_due() == "" and sent == []
    frozen("2026-12-04T07:00:05")  # Friday 15:00:05
    weekly_schedule.send_due()
    assert ("ИС-24-1", date(2026, 11, 30)) in sent
    count = len(sent)
    weekly_schedule.send_due()  # the next minute, or another worker: nothing again
    assert len(sent) == count
    # curator1 chooses Monday 09:00 for ИС-24-1 and holds the week of 30.11 → nothing
    db.session.merge(WeeklyReportSchedule(group_id=college.group_a.id, weekday=0,
                                          send_time="09:00", held_week=date(2026, 11, 30),
                                          last_auto_week=date(2026, 11, 23)))
    db.session.commit()
    frozen("2026-12-07T01:00:10")  # Monday 09:00:10: covers the week before (30.11–06.12)
    weekly_schedule.send_due()
    assert len(sent) == count  # held
    row = db.session.get(WeeklyReportSchedule, college.group_a.id)
    row.held_week = None
    db.session.commit()
    weekly_schedule.send_due()
    assert sent[-1] == ("ИС-24-1", date(2026, 11, 30))
    # a day later the missed Monday is not sent any more
    db.session.get(WeeklyReportSchedule, college.group_a.id).last_auto_week = None
    db.session.commit()
    frozen("2026-12-08T01:30:00")
    before = len(sent)
    weekly_schedule.send_due()
    assert len(sent) == before
    assert db.session.scalar(select(func.count()).select_from(WeeklyReportSchedule)) >= 1


def test_the_page_shows_the_next_sending_and_the_curator_sets_and_holds_it(
        app, db, college, frozen, login):
    frozen("2026-12-03T12:00:00")  # Thursday 20:00
    client = login("curator1")
    page = client.get(f"/weekly/{college.group_a.id}").get_data(as_text=True)
    assert "Следующая автоматическая отправка" in page and "04.12.2026 15:00" in page
    answer = client.post(f"/weekly/{college.group_a.id}/schedule",
                         data={"weekday": "0", "time": "9:05"})
    assert answer.status_code == 302
    page = client.get(f"/weekly/{college.group_a.id}").get_data(as_text=True)
    assert "07.12.2026 09:05" in page and "неделя с 30.11.2026" in page
    client.post(f"/weekly/{college.group_a.id}/hold", data={"week": "30.11.2026", "held": "1"})
    page = client.get(f"/weekly/{college.group_a.id}").get_data(as_text=True)
    assert "задержана куратором" in page
    bad = client.post(f"/weekly/{college.group_a.id}/schedule",
                      data={"weekday": "0", "time": "25:00"})
    assert bad.status_code == 400 and "ЧЧ:ММ" in bad.get_data(as_text=True)
    assert db.session.get(WeeklyReportSchedule, college.group_a.id).send_time == "09:05"
    # another curator may not change this group's schedule
    assert login("curator2").post(f"/weekly/{college.group_a.id}/schedule",
                                  data={"weekday": "1", "time": "10:00"}).status_code == 403
