"""Timetable (расписание): weekly pairs per group and period, single-date changes, XLSX import.

It tells the completeness check which lessons should exist (timetabled_pairs) and pre-fills
lesson entry with the date's pair (suggested_pair).
"""
from datetime import date, timedelta
from io import BytesIO

from flask import current_app
from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import joinedload

from ...errors import Refused
from ...extensions import appbuilder, db
from ...infra.bulk import plain_rows, statement
from ...models import (
    Discipline, Journal, Lesson, Period, StudentGroup, Subgroup, TimetableChange, TimetableEntry,
)
from ..records import audit

WEEKDAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")
_DAY_NAMES = {name.lower(): i for i, name in enumerate(WEEKDAYS)}
_DAY_NAMES.update({"пн": 0, "вт": 1, "ср": 2, "чт": 3, "пт": 4, "сб": 5, "вс": 6})
IMPORT_COLUMNS = ("Группа", "День недели", "Пара", "Дисциплина (код)", "Подгруппа",
                  "Аудитория")


# The name its callers and tests know; a timetable refusal answers 422.
BadInput = Refused


def ru(day: date | None) -> str:
    """dd.mm.yyyy for texts the services compose (memos, slips)."""
    return day.strftime("%d.%m.%Y") if day else ""


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days() -> int:
    """The study week's length (STUDY_WEEK_DAYS: 6, Monday to Saturday, or 7)."""
    return 7 if current_app.config.get("STUDY_WEEK_DAYS", 6) == 7 else 6


def week_end(start: date) -> date:
    """The last day of the study week that begins on Monday `start`, the same everywhere."""
    return start + timedelta(days=week_days() - 1)


# --- what should happen ---------------------------------------------------------------------
def timetabled_pairs(group_id: int, start: date, end: date,
                     periods: list | None = None) -> list[dict]:
    """Pairs of a group between two dates (inclusive): the weekly timetable of the period that
    covers each date, with that date's changes applied (a cancelled or replaced pair)."""
    return timetabled_pairs_by_group(start, end, [group_id], periods).get(group_id, [])


def timetabled_pairs_by_group(start: date, end: date, group_ids: list[int] | None = None,
                              periods: list | None = None) -> dict[int, list[dict]]:
    """timetabled_pairs for many groups at once (all groups when `group_ids` is None), in three
    queries whatever the number of groups (two when the caller has read the `periods`, mapped
    or diary.PeriodRow: their ids and dates are read): the council's report walks a whole
    year (6.2)."""
    if end < start:
        return {}
    if periods is None:
        periods = db.session.scalars(select(Period).where(
            Period.start_date <= end, Period.end_date >= start)).all()
    periods = [p for p in periods if p.start_date <= end and p.end_date >= start]
    # plain rows: the pairs are built from their columns alone
    entries, changes_query = statement(("timetable", group_ids is None),
                                       lambda: _timetable_queries(group_ids is None))
    params = {"periods": [p.id for p in periods], "start": start, "end": end,
              **({} if group_ids is None else {"groups": list(group_ids)})}
    weekly: dict[int, dict[tuple[int, int], list]] = {}
    for e in plain_rows(entries, params):
        weekly.setdefault(e.group_id, {}).setdefault((e.period_id, e.weekday), []).append(e)
    changes: dict[int, dict[date, dict[int, list]]] = {}
    for ch in plain_rows(changes_query, params):
        changes.setdefault(ch.group_id, {}).setdefault(ch.change_date, {}).setdefault(
            ch.pair_number, []).append(ch)
    days = []
    day = start
    while day <= end:
        days.append((day, next((p for p in periods if p.start_date <= day <= p.end_date), None)))
        day += timedelta(days=1)
    out = {}
    for group_id in sorted(set(weekly) | set(changes)):
        out[group_id] = _group_pairs(days, weekly.get(group_id, {}), changes.get(group_id, {}))
    return out


def _timetable_queries(all_groups: bool):
    """The weekly entries of the periods and the changes between two dates (of the groups)."""
    entries = select(*TimetableEntry.__table__.c).where(
        TimetableEntry.period_id.in_(bindparam("periods", expanding=True)))
    changes = select(*TimetableChange.__table__.c).where(
        TimetableChange.change_date >= bindparam("start"),
        TimetableChange.change_date <= bindparam("end"))
    if not all_groups:
        entries = entries.where(TimetableEntry.group_id.in_(bindparam("groups", expanding=True)))
        changes = changes.where(TimetableChange.group_id.in_(bindparam("groups", expanding=True)))
    return entries, changes


def _group_pairs(days, weekly, changes) -> list[dict]:
    out = []
    for day, period in days:
        by_pair: dict[int, list[dict]] = {}
        if period is not None:
            for e in weekly.get((period.id, day.weekday()), []):
                by_pair.setdefault(e.pair_number, []).append(
                    dict(date=day, pair_number=e.pair_number, journal_id=e.journal_id,
                         room=e.room or "", changed=False, substitute_id=None))
        for pair, rows in changes.get(day, {}).items():
            current = by_pair.get(pair, [])
            for ch in rows:
                if ch.cancelled:  # a whole pair, or one journal's part of it, is cancelled
                    current = [] if ch.journal_id is None else [
                        r for r in current if r["journal_id"] != ch.journal_id]
            added = [dict(date=day, pair_number=pair, journal_id=ch.journal_id,
                          room=ch.room or "", changed=True,
                          substitute_id=ch.substitute_teacher_id)
                     for ch in rows if not ch.cancelled]
            if added:
                current = added
            by_pair[pair] = current
        for pair in sorted(by_pair):
            out.extend(by_pair[pair])
    return out


def suggested_pair(journal: Journal, day: date) -> int | None:
    """The pair this journal has on `day` by the timetable and not yet recorded (first one);
    None when the timetable has no free pair of this journal that day."""
    pairs = [p["pair_number"] for p in timetabled_pairs(journal.group_id, day, day)
             if p["journal_id"] == journal.id]
    if not pairs:
        return None
    recorded = set(db.session.scalars(select(Lesson.pair_number).where(
        Lesson.journal_id == journal.id, Lesson.lesson_date == day)))
    return next((p for p in pairs if p not in recorded), None)


def teacher_day(user, day: date) -> list[dict]:
    """A teacher's pairs of the day (start page), ordered by pair (see teacher_pairs)."""
    return teacher_pairs(user, day, day)


def teacher_pairs(user, start: date, end: date) -> list[dict]:
    """A teacher's pairs between two dates, by date and pair: their journals' pairs that nobody
    else substitutes, and the pairs a timetable change gives them as a substitute (4.4).
    A fixed number of queries, whatever the number of journals."""
    substituted = select(TimetableChange.journal_id).where(
        TimetableChange.change_date >= start, TimetableChange.change_date <= end,
        TimetableChange.substitute_teacher_id == user.id)
    journals = {j.id: j for j in db.session.scalars(
        select(Journal).where(or_(Journal.teacher_id == user.id, Journal.id.in_(substituted)))
        .options(joinedload(Journal.group), joinedload(Journal.subgroup),
                 joinedload(Journal.discipline)))}
    if not journals:
        return []
    pairs = timetabled_pairs_by_group(start, end,
                                      sorted({j.group_id for j in journals.values()}))
    rows = []
    for group_pairs in pairs.values():
        for p in group_pairs:
            journal = journals.get(p["journal_id"])
            if journal is None:
                continue
            mine = journal.teacher_id == user.id and p["substitute_id"] in (None, user.id)
            if mine or p["substitute_id"] == user.id:
                rows.append(dict(p, journal=journal, substitution=p["substitute_id"] == user.id))
    return sorted(rows, key=lambda r: (r["date"], r["pair_number"], r["journal"].title))


def active_teachers() -> list:
    """Teachers who may give a lesson or a substitution (active accounts), by name."""
    user = appbuilder.sm.user_model
    role = appbuilder.sm.role_model
    return db.session.scalars(select(user).where(
        user.roles.any(role.name == "Teacher"), user.active.is_(True))
        .order_by(user.last_name, user.first_name)).all()


def substitution_in(user, journal: Journal) -> bool:
    """Whether any timetable change names `user` a substitute in this journal (4.4)."""
    return db.session.scalar(select(TimetableChange.id).where(
        TimetableChange.journal_id == journal.id, TimetableChange.cancelled.is_(False),
        TimetableChange.substitute_teacher_id == user.id).limit(1)) is not None


def substitution_for(user, journal_id: int, day: date, pair_number: int) -> bool:
    """Whether a timetable change names `user` the substitute of this journal's pair (4.4)."""
    return db.session.scalar(select(TimetableChange.id).where(
        TimetableChange.journal_id == journal_id, TimetableChange.change_date == day,
        TimetableChange.pair_number == pair_number, TimetableChange.cancelled.is_(False),
        TimetableChange.substitute_teacher_id == user.id)) is not None


# --- changes for one date ---------------------------------------------------------------------
def add_change(group: StudentGroup, change_date: date, pair_number: int,
               journal: Journal | None, cancelled: bool, room: str = "",
               substitute=None) -> TimetableChange:
    """A single-date change: the pair is cancelled (a journal's or the whole pair) or given to a
    journal of the same group, possibly with a substitute teacher who then records that lesson
    themselves, and only it (4.4, 5.3)."""
    if not 1 <= int(pair_number) <= 8:
        raise Refused(_("Номер пары должен быть от 1 до 8."))
    if journal is not None and journal.group_id != group.id:
        raise Refused(_("Журнал относится к другой группе."))
    if not cancelled and journal is None:
        raise Refused(_("Укажите журнал или отметьте, что пара отменена."))
    if substitute is not None:
        if cancelled:
            raise Refused(_("У отменённой пары нет заменяющего преподавателя."))
        if "Teacher" not in {r.name for r in substitute.roles} or not substitute.active:
            raise Refused(_("Заменяющим может быть только действующий преподаватель."))
        if substitute.id == journal.teacher_id:
            raise Refused(_("Это преподаватель самого журнала: замена не нужна."))
    period = db.session.scalar(select(Period).where(
        Period.start_date <= change_date, Period.end_date >= change_date))
    if period is None:
        raise Refused(_("Дата не попадает ни в один семестр."))
    exists = db.session.scalar(select(TimetableChange.id).where(
        TimetableChange.group_id == group.id, TimetableChange.change_date == change_date,
        TimetableChange.pair_number == pair_number,
        TimetableChange.journal_id.is_(None) if journal is None
        else TimetableChange.journal_id == journal.id))
    if exists:
        raise Refused(_("Такое изменение на эту дату и пару уже внесено."))
    change = TimetableChange(group_id=group.id, change_date=change_date,
                             pair_number=int(pair_number),
                             journal_id=journal.id if journal else None,
                             cancelled=bool(cancelled), room=(room or "").strip()[:32] or None,
                             substitute_teacher_id=substitute.id if substitute else None)
    db.session.add(change)
    db.session.flush()
    audit.record("timetable_change", "timetable_change", change.id,
                 details={"group": group.name, "date": change_date.isoformat(),
                          "pair": int(pair_number), "cancelled": bool(cancelled),
                          "substitute": substitute.username if substitute else None})
    return change


# --- XLSX import (all or nothing) -----------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _weekday(raw: str) -> int | None:
    """A day of the study week (1–6 or a name; Sunday only in a seven-day week)."""
    day = int(raw) - 1 if raw.isdigit() else _DAY_NAMES.get(raw.lower().rstrip("."))
    return day if day is not None and 0 <= day < week_days() else None


def import_xlsx(period: Period, data: bytes) -> int:
    """Replace the timetable of the period for the groups named in the file. Nothing is
    written when any row is wrong; every error names its row (Строка N: ...)."""
    try:
        sheet = load_workbook(BytesIO(data), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:
        raise Refused(_("Файл не читается как книга XLSX.")) from None
    if len(rows) < 2:
        raise Refused(_("В файле нет строк расписания (первая строка — заголовки)."))
    groups = {g.name: g for g in db.session.scalars(select(StudentGroup))}
    journals = db.session.scalars(select(Journal).where(
        Journal.academic_year_id == period.academic_year_id).options(
        joinedload(Journal.discipline), joinedload(Journal.subgroup))).all()
    by_key = {(j.group_id, j.discipline.code.lower(),
               (j.subgroup.name.lower() if j.subgroup else "")): j for j in journals}
    errors, parsed, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [_text(v) for v in (list(row) + [None] * 6)[:6]]
        if not any(cells):
            continue
        group_name, day_raw, pair_raw, code, sub_name, room = cells
        problems = []
        group = groups.get(group_name)
        if group is None:
            problems.append(_("группа «%(group_name)s» не найдена", group_name=group_name))
        weekday = _weekday(day_raw)
        if weekday is None:
            problems.append(_("день недели «%(day_raw)s» не распознан", day_raw=day_raw))
        pair = int(pair_raw) if pair_raw.isdigit() else None
        if pair is None or not 1 <= pair <= 8:
            problems.append(_("номер пары должен быть числом от 1 до 8"))
        journal = None
        if group is not None:
            journal = by_key.get((group.id, code.lower(), sub_name.lower()))
            if journal is None:
                problems.append(f"у группы нет журнала по дисциплине «{code}»"
                                + (f" для подгруппы «{sub_name}»" if sub_name else ""))
        if not problems:
            slot = (group.id, weekday, pair)
            other = seen.get(slot)
            if other and (other.subgroup_id is None or journal.subgroup_id is None
                          or other.id == journal.id):
                problems.append(_("у группы уже стоит другая пара в это время"))
            teacher_slot = ("t", journal.teacher_id, weekday, pair)
            if teacher_slot in seen and seen[teacher_slot].id != journal.id:
                problems.append(_("преподаватель в это время уже ведёт другую пару"))
            seen.setdefault(slot, journal)
            seen.setdefault(teacher_slot, journal)
        if problems:
            errors.append(_("Строка %(number)s: %(problems)s.", number=number,
                             problems="; ".join(problems)))
        else:
            parsed.append(dict(period_id=period.id, group_id=group.id, weekday=weekday,
                               pair_number=pair, journal_id=journal.id, room=room[:32] or None))
    if errors:
        raise Refused(_("Расписание не загружено. %(errors)s", errors=" ".join(errors)))
    if not parsed:
        raise Refused(_("В файле нет строк расписания."))
    group_ids = {r["group_id"] for r in parsed}
    db.session.execute(delete(TimetableEntry).where(
        TimetableEntry.period_id == period.id, TimetableEntry.group_id.in_(group_ids)))
    db.session.add_all(TimetableEntry(**r) for r in parsed)
    db.session.flush()
    audit.record("timetable_import", "period", period.id,
                 details={"rows": len(parsed), "groups": len(group_ids)})
    return len(parsed)


def week_grid(group_id: int, monday: date) -> list[dict]:
    """The group's pairs of one week with journal objects for display."""
    pairs = timetabled_pairs(group_id, monday, monday + timedelta(days=6))
    ids = {p["journal_id"] for p in pairs}
    journals = {j.id: j for j in db.session.scalars(select(Journal).where(
        Journal.id.in_(ids)).options(joinedload(Journal.discipline), joinedload(
            Journal.subgroup), joinedload(Journal.teacher), joinedload(Journal.group)))}
    teachers = {u.id: u for u in active_teachers()} if any(
        p["substitute_id"] for p in pairs) else {}
    return [dict(p, journal=journals.get(p["journal_id"]),
                 substitute=teachers.get(p["substitute_id"])) for p in pairs]


__all__ = ["timetabled_pairs", "suggested_pair", "teacher_day", "add_change", "import_xlsx",
           "Discipline", "Subgroup"]
