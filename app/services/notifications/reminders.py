"""Reminders of the regulation's recurring duties, in the portal (kind «reminder») and by
e-mail where the user takes reminders by e-mail. `run_due_reminders(now)` decides what is due
at that moment of the college's clock; each reminder has a key naming its period, written at
most once per user, so a second run at the same time sends nothing new.

- a teacher, from REMINDER_TEACHER_HOUR: today's timetabled pairs not recorded (3.2, 4.4);
- a curator, from REMINDER_CURATOR_WEEKDAY at REMINDER_CURATOR_HOUR: last week's check not
  recorded (3.3);
- the deputy, on the 1st of the month from REMINDER_DEPUTY_HOUR: journals not checked for 30
  days (3.5, 7.2);
- IT, daily from REMINDER_IT_HOUR: the last backup failed its check or is older than 26 hours
  (7.1); weekly: a year whose last period is closed and not archived (7.3), archives due for
  destruction (7.4)."""
from collections import defaultdict
from datetime import date, datetime, timedelta

from flask import current_app
from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy import and_, exists, select
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ...infra.clock import local
from ...models import (
    AcademicYear, ArchiveRecord, BackupRecord, Journal, Lesson, Notification, StudentGroup,
    WeeklyCheck,
)
from ..control.checks import unchecked_journals
from ..dashboards.it import BACKUP_STALE_HOURS
from ..journal.timetable import timetabled_pairs_by_group, week_start
from ..records.archive import last_period_closed
from . import letters, preferences


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def _users_with_role(role: str) -> list[User]:
    return db.session.scalars(select(User).where(User.roles.any(Role.name == role),
                                                 User.active.is_(True))
                              .order_by(User.id)).all()


def remind(user: User, key: str, text: str, link: str, moment: datetime) -> bool:
    """One reminder for one user and period (`key`); → False when it was already given. Where
    the user takes reminders by e-mail, the same text is queued as a letter."""
    connection = db.session.connection()
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    written = connection.execute(module.insert(Notification.__table__).values(
        user_id=user.id, kind="reminder", text=text[:500], link=link, once_key=key,
        created_at=moment).on_conflict_do_nothing(
        index_elements=["user_id", "once_key"],
        index_where=sql_text("once_key IS NOT NULL"))
        .returning(Notification.id)).first() is not None
    if written and "reminder" in preferences.of(user.id)["email"] \
            and (user.email or "").strip():
        letters.queue(user.id, user.email.strip(), key, "Электронный журнал: напоминание",
                      text + "\n\nПисьмо сформировано электронным журналом техникума.")
    return written


def teachers_unrecorded(day: date) -> dict[int, list[dict]]:
    """teacher id → today's timetabled pairs with no lesson recorded (the substitute's, where
    a change names one)."""
    pairs = [p for items in timetabled_pairs_by_group(day, day).values() for p in items
             if p["journal_id"] is not None]
    if not pairs:
        return {}
    journals = {j.id: j for j in db.session.scalars(select(Journal).where(
        Journal.id.in_({p["journal_id"] for p in pairs})))}
    recorded = set(db.session.execute(select(Lesson.journal_id, Lesson.pair_number).where(
        Lesson.lesson_date == day, Lesson.deleted_at.is_(None),
        Lesson.journal_id.in_(list(journals)))).all())
    found = defaultdict(list)
    for p in pairs:
        journal = journals.get(p["journal_id"])
        if journal is None or (journal.id, p["pair_number"]) in recorded:
            continue
        teacher = p["substitute_id"] or journal.teacher_id
        if teacher:
            found[teacher].append(dict(p, journal=journal))
    return found


def _teachers(moment: datetime, wall: datetime) -> int:
    if wall.hour < _setting("REMINDER_TEACHER_HOUR", 18):
        return 0
    day = wall.date()
    sent = 0
    for teacher_id, pairs in teachers_unrecorded(day).items():
        user = db.session.get(User, teacher_id)
        if user is None or not user.active:
            continue
        listed = ", ".join(f"{p['pair_number']} пара — {p['journal'].title}"
                           for p in sorted(pairs, key=lambda p: p["pair_number"]))
        text = (f"Не записаны занятия за {day:%d.%m.%Y} ({len(pairs)}): {listed}. "
                "Запись допускается в день занятия (4.6).")
        sent += remind(user, f"unrecorded:{day.isoformat()}", text, "/journal/", moment)
    return sent


def _curators(moment: datetime, wall: datetime) -> int:
    if wall.weekday() != _setting("REMINDER_CURATOR_WEEKDAY", 0) \
            or wall.hour < _setting("REMINDER_CURATOR_HOUR", 9):
        return 0
    week = week_start(wall.date()) - timedelta(days=7)
    groups = db.session.scalars(select(StudentGroup).where(
        StudentGroup.status == "active", StudentGroup.curator_id.is_not(None),
        ~exists().where(and_(WeeklyCheck.group_id == StudentGroup.id,
                             WeeklyCheck.week_start == week)))
        .order_by(StudentGroup.name)).all()
    sent = 0
    for group in groups:
        user = db.session.get(User, group.curator_id)
        if user is None or not user.active:
            continue
        text = (f"Проверка журналов группы {group.name} за неделю {week:%d.%m.%Y}–"
                f"{week + timedelta(days=6):%d.%m.%Y} не отмечена (3.3): проверьте полноту "
                "записей и отметьте проверку.")
        sent += remind(user, f"weekly_check:{group.id}:{week.isoformat()}", text,
                       f"/curator/group/{group.id}?week={week.isoformat()}", moment)
    return sent


def _deputies(moment: datetime, wall: datetime) -> int:
    if wall.day != 1 or wall.hour < _setting("REMINDER_DEPUTY_HOUR", 9):
        return 0
    count = len(unchecked_journals(wall.date()))
    if not count:
        return 0
    text = (f"Журналов без проверки более 30 дней: {count}. Контроль ведения журналов — "
            "не реже раза в месяц (7.2).")
    return sum(remind(user, f"control:{wall:%Y-%m}", text, "/deputy/", moment)
               for user in _users_with_role("Deputy"))


def it_problems(moment: datetime) -> list[tuple[str, str, str]]:
    """(key, text, link) of what IT must see to: the backup, years to archive, archives to
    destroy, each keyed by its period (the backup by day, the others by week)."""
    wall = local(moment)
    day, week = wall.date().isoformat(), week_start(wall.date()).isoformat()
    found = []
    backup = db.session.scalar(select(BackupRecord).where(BackupRecord.removed.is_(False))
                               .order_by(BackupRecord.created_at.desc()).limit(1))
    if backup is None:
        found.append((f"backup:{day}", "Резервных копий нет: создайте копию базы (7.1).",
                      "/backups/"))
    else:
        hours = int((moment - local(backup.created_at)).total_seconds() // 3600)
        if not backup.verified:
            found.append((f"backup:{day}", f"Последняя резервная копия {backup.file_name} не "
                          "прошла проверку восстановлением (7.1).", "/backups/"))
        elif hours > BACKUP_STALE_HOURS:
            found.append((f"backup:{day}", f"Последней резервной копии {hours} ч (более "
                          f"{BACKUP_STALE_HOURS} ч): проверьте ежедневное копирование (7.1).",
                          "/backups/"))
    archived = select(ArchiveRecord.id).where(
        ArchiveRecord.group_id == Journal.group_id,
        ArchiveRecord.academic_year_id == Journal.academic_year_id,
        ArchiveRecord.is_draft.is_(False))
    for year in db.session.scalars(select(AcademicYear).order_by(AcademicYear.start_date)):
        if not last_period_closed(year):
            continue
        left = db.session.scalar(select(Journal.id).where(
            Journal.academic_year_id == year.id, ~archived.exists()).limit(1))
        if left is not None:
            found.append((f"archive:{year.id}:{week}", f"Учебный год {year.name} закрыт, но "
                          "не сдан в архив (7.3).", "/archive/"))
    due = db.session.scalars(select(ArchiveRecord).where(
        ArchiveRecord.destroyed.is_(False), ArchiveRecord.is_draft.is_(False),
        ArchiveRecord.retention_until <= wall.date())).all()
    if due:
        found.append((f"destroy:{week}", f"Архивов с истёкшим сроком хранения: {len(due)} — "
                      "подготовьте акт об уничтожении (7.4).", "/archive/"))
    return found


def _it(moment: datetime, wall: datetime) -> int:
    if wall.hour < _setting("REMINDER_IT_HOUR", 9):
        return 0
    problems = it_problems(moment)
    return sum(remind(user, key, text, link, moment)
               for user in _users_with_role("IT") for key, text, link in problems)


def run_due_reminders(now: datetime) -> dict:
    """Give every reminder due at `now` (an aware moment; its college wall time decides) and
    not given yet in its period; → how many were written, by whom they are for. Run it every
    few minutes, or at least hourly: a reminder whose hour has passed is given at the next run
    of the same period."""
    wall = local(now)
    result = {"teacher": _teachers(now, wall), "curator": _curators(now, wall),
              "deputy": _deputies(now, wall), "it": _it(now, wall)}
    db.session.commit()
    return result
