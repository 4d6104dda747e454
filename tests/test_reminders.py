"""Reminders of the recurring duties and the daily digest (SPEC §5; 3.2-3.5, 4.4, 7.1-7.4),
decided on a frozen college clock (Asia/Irkutsk, UTC+8, the server in UTC): each is given
once per its period, a second run at the same moment gives nothing new."""
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.models import (
    ArchiveRecord, BackupRecord, Notification, NotificationLetter, WeeklyCheck,
)
from app.services.control import weekly_checks
from app.services.notifications import letters, preferences
from app.services.notifications.digests import send_digests
from app.services.notifications.reminders import run_due_reminders
from tests.journal_helpers import add_lesson
from tests.reports_helpers import entry
from tests.test_weekly_reports import smtp  # noqa: F401

WED = date(2025, 10, 15)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC moment of the college's wall time (UTC+8) — what the scheduler passes."""
    return datetime(day.year, day.month, day.day, hour, minute,
                    tzinfo=timezone.utc) - timedelta(hours=8)


@pytest.fixture()
def clock(app, monkeypatch):
    """Freeze the college's clock at a wall time: today and now (the rows' times)."""
    def freeze(day: date, hour: int, minute: int = 0):
        monkeypatch.setitem(app.config, "JOURNAL_TODAY", day.isoformat())
        monkeypatch.setitem(app.config, "JOURNAL_NOW", at(day, hour, minute).isoformat())
        return at(day, hour, minute)
    return freeze


def _reminders(db, username=None):
    query = select(Notification).where(Notification.kind == "reminder")
    if username:
        query = query.join(User, User.id == Notification.user_id).where(
            User.username == username)
    return db.session.scalars(query.order_by(Notification.id)).all()


def test_teacher_reminded_at_18_of_todays_unrecorded_pairs_once(college, db, clock):
    c = college
    entry(c.autumn, c.journal_a_op, WED.weekday(), 1)
    entry(c.autumn, c.journal_a_op, WED.weekday(), 2)
    db.session.commit()
    add_lesson(db, c.journal_a_op, WED, pair=2)  # pair 2 is recorded
    assert run_due_reminders(clock(WED, 17, 59))["teacher"] == 0
    assert run_due_reminders(clock(WED, 18, 0))["teacher"] == 1
    rows = _reminders(db, "teacher1")
    assert len(rows) == 1 and "1 пара" in rows[0].text and "2 пара" not in rows[0].text
    assert rows[0].once_key == f"unrecorded:{WED.isoformat()}"
    assert run_due_reminders(clock(WED, 18, 0))["teacher"] == 0
    assert len(_reminders(db, "teacher1")) == 1  # twice at the same time: nothing new
    # by e-mail too, where the teacher takes reminders by e-mail (the default)
    letter = db.session.scalar(select(NotificationLetter).where(
        NotificationLetter.user_id == c.teacher1.id))
    assert letter.status == "waiting" and "1 пара" in letter.body
    # the next day is another period
    entry(c.autumn, c.journal_a_op, (WED + timedelta(days=1)).weekday(), 1)
    db.session.commit()
    run_due_reminders(clock(WED + timedelta(days=1), 20))
    assert len(_reminders(db, "teacher1")) == 2


def test_teacher_without_email_reminders_gets_no_letter(college, db, clock):
    c = college
    entry(c.autumn, c.journal_a_op, WED.weekday(), 1)
    preferences.save(db.session.get(User, c.teacher1.id), ["reminder"], [], 18)
    db.session.commit()
    run_due_reminders(clock(WED, 18, 30))
    assert len(_reminders(db, "teacher1")) == 1
    assert db.session.scalar(select(func.count(NotificationLetter.id)).where(
        NotificationLetter.user_id == c.teacher1.id)) == 0


def test_curator_reminded_on_monday_of_last_weeks_check_not_recorded(college, db, clock):
    c = college
    monday = date(2025, 10, 20)
    assert run_due_reminders(clock(monday, 8, 59))["curator"] == 0
    assert run_due_reminders(clock(date(2025, 10, 21), 10))["curator"] == 0  # not Monday
    # curator1 recorded the check of the week of 13.10; curator2 did not
    clock(monday, 8)
    weekly_checks.record(db.session.get(User, c.curator1.id), c.group_a.id, date(2025, 10, 13))
    db.session.commit()
    assert run_due_reminders(clock(monday, 9))["curator"] == 1
    assert [len(_reminders(db, "curator1")), len(_reminders(db, "curator2"))] == [0, 1]
    assert "13.10.2025" in _reminders(db, "curator2")[0].text
    assert run_due_reminders(clock(monday, 10))["curator"] == 0


def test_deputy_reminded_on_the_first_of_journals_not_checked(college, db, clock):
    assert run_due_reminders(clock(date(2025, 11, 2), 10))["deputy"] == 0
    assert run_due_reminders(clock(date(2025, 11, 1), 9))["deputy"] == 1
    rows = _reminders(db, "deputy")
    assert len(rows) == 1 and "Журналов без проверки более 30 дней" in rows[0].text
    assert run_due_reminders(clock(date(2025, 11, 1), 15))["deputy"] == 0
    assert run_due_reminders(clock(date(2025, 12, 1), 9))["deputy"] == 1


def test_it_reminded_of_backup_archive_and_destruction(college, db, clock):
    c = college
    now = clock(WED, 9)
    run_due_reminders(now)
    assert [r.text for r in _reminders(db, "it")] == [
        "Резервных копий нет: создайте копию базы (7.1)."]
    # a verified copy 27 hours old (the server in UTC, the college at UTC+8): late
    db.session.add(BackupRecord(file_name="b1.dump", sha256="0" * 64, engine="sqlite",
                                verified=True, created_at=now - timedelta(hours=27)))
    c.spring.closed_at = now  # the year's last period closed, nothing archived (7.3)
    db.session.add(ArchiveRecord(group_id=c.group_b.id, academic_year_id=c.year.id,
                                 directory="/tmp/x", manifest="{}", manifest_sha256="0" * 64,
                                 retention_until=WED - timedelta(days=1)))  # due (7.4)
    db.session.commit()
    next_day = clock(WED + timedelta(days=1), 9, 30)
    run_due_reminders(next_day)
    texts = [r.text for r in _reminders(db, "it")][1:]
    assert any("Последней резервной копии" in t and "27 ч" not in t for t in texts), texts
    assert any("не сдан в архив" in t for t in texts) and any("уничтожении" in t for t in texts)
    count = len(_reminders(db, "it"))
    run_due_reminders(next_day)
    assert len(_reminders(db, "it")) == count
    # a fresh verified copy: no backup reminder the day after
    db.session.add(BackupRecord(file_name="b2.dump", sha256="1" * 64, engine="sqlite",
                                verified=True, created_at=next_day))
    db.session.commit()
    run_due_reminders(clock(WED + timedelta(days=2), 9))
    assert not [r for r in _reminders(db, "it")[count:] if r.once_key.startswith("backup:")]


def test_remind_command(app, college, db, clock):
    clock(date(2025, 11, 1), 9)
    result = app.test_cli_runner().invoke(args=["journal", "remind", "--at",
                                                "2025-11-01T09:05"])
    assert result.exit_code == 0 and "заместителю директора 1" in result.output
    result = app.test_cli_runner().invoke(args=["journal", "remind", "--at",
                                                "2025-11-01T09:05"])
    assert "заместителю директора 0" in result.output


def _mark(db, college, day, value):
    from app.services.journal.marks import save_cells
    from tests.journal_helpers import change
    lesson = add_lesson(db, college.journal_a_op, day, pair=3)
    save_cells(db.session.get(User, college.teacher1.id), college.journal_a_op,
               [change(lesson, college.student1, marks=[value])], day)
    db.session.commit()


def test_daily_digest_at_the_chosen_hour_once_a_day(app, college, db, clock, smtp):  # noqa: F811
    student = db.session.scalar(select(User).where(User.username == "student1"))
    preferences.save(student, ["mark"], ["mark"], 18)
    db.session.commit()
    clock(WED, 10)
    _mark(db, college, WED, "5")
    assert send_digests(clock(WED, 17, 59))["queued"] == 0
    assert send_digests(clock(WED, 18, 5))["queued"] == 1
    assert send_digests(clock(WED, 22))["queued"] == 0  # never twice for one day
    letter = db.session.scalar(select(NotificationLetter))
    assert letter.key == f"digest:{WED.isoformat()}" and "Оценка 5" in letter.body
    assert letters.deliver()["sent"] == [student.email]
    assert len(smtp.received) == 1 and "Оценка 5" in smtp.received[0][1].get_content()
    # the next day: nothing new → no letter; a new mark → a letter with it alone
    thu = WED + timedelta(days=1)
    assert send_digests(clock(thu, 18, 30)) == {"queued": 0, "skipped": 1}
    clock(thu + timedelta(days=1), 9)
    _mark(db, college, thu + timedelta(days=1), "3")
    send_digests(clock(thu + timedelta(days=1), 19))
    last = db.session.scalars(select(NotificationLetter).order_by(
        NotificationLetter.id.desc())).first()
    assert "Оценка 3" in last.body and "Оценка 5" not in last.body
    # a user who takes nothing by e-mail gets no digest
    assert db.session.scalar(select(func.count(NotificationLetter.id)).where(
        NotificationLetter.user_id != student.id)) == 0


def test_weekly_check_recorded_by_the_curator_and_shown_to_the_deputy(
        app, college, login, db, clock):
    c = college
    clock(date(2025, 10, 20), 10)  # the Monday after the week: on time
    curator = login("curator1")
    r = curator.post("/curator/week-checked", data={"group": c.group_a.id,
                                                     "week": "2025-10-15"})
    assert r.status_code == 302
    row = db.session.scalar(select(WeeklyCheck))
    assert (row.group_id, row.week_start, row.curator_id) == (
        c.group_a.id, date(2025, 10, 13), c.curator1.id)
    assert weekly_checks.on_time(row) and row.findings
    # another curator's group is refused, nothing recorded
    r = curator.post("/curator/week-checked", data={"group": c.group_b.id,
                                                     "week": "2025-10-15"})
    assert r.status_code in (302, 403)
    assert db.session.scalar(select(func.count(WeeklyCheck.id))) == 1
    # a week that has not begun is refused
    curator.post("/curator/week-checked", data={"group": c.group_a.id, "week": "2025-10-27"})
    assert db.session.scalar(select(func.count(WeeklyCheck.id))) == 1
    clock(date(2025, 10, 29), 10)  # the week of 20.10 checked late (due 27.10)
    curator.post("/curator/week-checked", data={"group": c.group_a.id, "week": "2025-10-22"})
    late = db.session.scalar(select(WeeklyCheck).where(
        WeeklyCheck.week_start == date(2025, 10, 20)))
    assert not weekly_checks.on_time(late)
    page = login("deputy").get("/deputy/").get_data(as_text=True)
    assert 'id="weekly-checks-table"' in page and "с опозданием" in page
    assert "не проведена" in page  # group B's weeks
    table = weekly_checks.table(date(2025, 10, 29))
    cells = {r["group"].id: r["cells"] for r in table["rows"]}
    assert [cell["on_time"] for cell in cells[c.group_a.id][:2]] == [False, True]
    assert cells[c.group_b.id][0]["overdue"] and cells[c.group_b.id][0]["check"] is None


def test_memo_records_the_weekly_check(college, db, clock):
    from app.services.control import memos
    from tests.reports_helpers import entry as timetable_entry
    c = college
    timetable_entry(c.autumn, c.journal_a_op, 0, 1)  # Monday's pair, never recorded
    db.session.commit()
    clock(date(2025, 10, 20), 10)
    memos.send_memo(db.session.get(User, c.curator1.id), c.group_a.id, date(2025, 10, 13))
    db.session.commit()
    row = db.session.scalar(select(WeeklyCheck))
    assert row.memo_sent and row.issues >= 1


def test_council_report_counts_the_duties(app, college, db, clock, login):
    from app.models import ControlCheck, Memo, WeeklyReportDelivery
    from app.services.control.reports.council import council
    c = college
    clock(date(2025, 10, 20), 10)
    weekly_checks.record(db.session.get(User, c.curator1.id), c.group_a.id, date(2025, 10, 13))
    clock(date(2025, 10, 30), 10)
    weekly_checks.record(db.session.get(User, c.curator1.id), c.group_a.id, date(2025, 10, 20))
    db.session.add(Memo(group_id=c.group_a.id, curator_id=c.curator1.id,
                        week_start=date(2025, 10, 6), body="…"))
    db.session.add(ControlCheck(journal_id=c.journal_a_op.id, inspector_id=c.deputy.id,
                                check_date=date(2025, 10, 2), findings=""))
    db.session.add(ControlCheck(journal_id=c.journal_a_op.id, inspector_id=c.deputy.id,
                                check_date=date(2025, 11, 3), findings=""))
    for email in ("a@mail.test", "b@mail.test"):
        db.session.add(WeeklyReportDelivery(student_id=c.student1.id,
                                            week_start=date(2025, 10, 13),
                                            recipient_email=email, status="sent"))
    db.session.commit()
    duties = council([c.autumn], today=date(2025, 11, 10))["duties"]
    assert (duties["weekly_checks_done"], duties["weekly_checks_on_time"]) == (2, 1)
    assert duties["weekly_checks_due"] > 0 and duties["memos"] == 1
    assert (duties["parent_reports"], duties["parent_letters"]) == (1, 2)
    assert (duties["controls"], duties["control_months"]) == (2, 2)


def test_the_worker_gives_reminders_and_sends_their_letters_with_no_cron(
        app, college, db, clock, monkeypatch):
    """24: the scheduler runs the reminders by itself (every 10 minutes by default; each
    reminder decides by its own hour) and the mail duty delivers their letters; a second
    worker at the same moment runs nothing again."""
    from app.jobs import registry
    from app.services.notifications import letters
    c = college
    entry(c.autumn, c.journal_a_op, WED.weekday(), 1)
    db.session.commit()
    monkeypatch.setattr(registry, "DUTIES", {name: registry.DUTIES[name]
                                             for name in ("reminders", "digests", "mail")})
    delivered = []
    monkeypatch.setattr(letters, "deliver", lambda ids=None: delivered.append(ids) or {
        "sent": [], "failed": []})
    clock(WED, 18, 0)
    assert set(registry.run_due()) == {"reminders", "digests", "mail"}
    assert registry.run_due() == []  # the same moment again: every slot is taken
    assert len(_reminders(db, "teacher1")) == 1
    assert delivered == [None]  # the notification letters go out with the outbox sweep
