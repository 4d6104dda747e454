"""Demo college: the weekly timetable of the recorded period and a few single-date changes."""
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import insert

from ..extensions import db
from ..models import TimetableChange, TimetableEntry
from . import data as D

# Monday–Friday four pairs, Saturday three.
SLOTS = [(wd, pair) for wd in range(5) for pair in (1, 2, 3, 4)] + [(5, p) for p in (1, 2, 3)]


def _second_room(room: str) -> str:
    head, _, number = room.rpartition(" ")
    return f"{head} {int(number) + 1}" if number.isdigit() else room


def group_journals(b, group: int, year_key: str) -> dict[str, list]:
    """Journals of a group in a year by discipline code (two for a split discipline)."""
    out = defaultdict(list)
    for j in b.journals:
        if j.group == group and j.year == year_key:
            out[j.code].append(j)
    return out


def taught_in(j, period_number: int) -> bool:
    return bool(j.pairs) and bool(j.forms[period_number - 1])


def build_timetable(b) -> None:
    """Timetables of the recorded periods; a test-free placement: no group or teacher clash."""
    b.timetables = {}
    rows = []
    for period in b.lesson_periods:
        b.timetables[period.number] = _period_timetable(b, period, rows)
    db.session.execute(insert(TimetableEntry), rows)
    b.counts["timetable"] = sum(1 for r in rows if r["period_id"] == b.lesson_period.id)


def _period_timetable(b, period, rows: list) -> tuple[dict, set]:
    rng = b.rng
    busy = set()  # (teacher id, weekday, pair)
    timetable = {}
    for g in b.groups:
        by_code = group_journals(b, g.index, b.lesson_year)
        units = [code for code, js in by_code.items() if taught_in(js[0], period.number)
                 for _ in range(js[0].pairs)]
        rng.shuffle(units)
        units.sort(key=lambda c: -by_code[c][0].pairs)
        used, days_of, slots = set(), defaultdict(set), []
        for code in units:
            journals = by_code[code]
            teachers = [j.teacher_id for j in journals]
            free = [(wd, p) for wd, p in SLOTS if (wd, p) not in used
                    and all((t, wd, p) not in busy for t in teachers)]
            free.sort(key=lambda s: (s[0] in days_of[code], s[0] == 5, s[1], rng.random()))
            wd, pair = free[0]
            used.add((wd, pair))
            days_of[code].add(wd)
            busy.update((t, wd, pair) for t in teachers)
            room = D.DISCIPLINES[code][3]
            rooms = [room, _second_room(room)]
            slots.append((wd, pair, journals, rooms))
            for j, r in zip(journals, rooms):
                rows.append(dict(period_id=period.id, group_id=g.obj.id, weekday=wd,
                                 pair_number=pair, journal_id=j.id, room=r))
        timetable[g.index] = sorted(slots, key=lambda s: (s[0], s[1]))
    return timetable, busy


def school_days(first, last) -> list:
    day, out = first, []
    while day <= last:
        if day.weekday() < 6 and (day.month, day.day) not in D.HOLIDAYS:
            out.append(day)
        day += timedelta(days=1)
    return out


def _free_teacher_journal(b, journals: dict, wd: int, pair: int, exclude=()):
    for code, js in sorted(journals.items()):
        j = js[0]
        if len(js) == 1 and code not in exclude and j.pairs \
                and (j.teacher_id, wd, pair) not in b.busy:
            return j
    return None


def planned_pairs(b, days: list, with_changes: bool) -> list[tuple]:
    """(group, day, pair, journals, rooms) that should be taught, after single-date changes."""
    rng = b.rng
    by_day = {}
    for g in b.groups:
        for wd, pair, journals, rooms in b.slots[g.index]:
            by_day.setdefault((g.index, wd), []).append((pair, journals, rooms))
    override, changes = {}, []
    recent = days[-15:] if len(days) >= 15 and with_changes else []

    def slot_on(group: int, day):
        options = [s for s in by_day.get((group, day.weekday()), []) if len(s[1]) == 1]
        return rng.choice(options) if options else None

    if recent:
        # A pair cancelled (ТМ group), a pair given to another discipline (curator1's group),
        # an extra pair (ИС first year) and a room change (ЭК group).
        day = rng.choice(recent)
        slot = slot_on(3, day)
        if slot:
            override[(3, day, slot[0])] = None
            changes.append(dict(group_id=b.groups[3].obj.id, change_date=day,
                                pair_number=slot[0], journal_id=None, cancelled=True))
        day = rng.choice(recent)
        slot = slot_on(0, day)
        journals = group_journals(b, 0, b.lesson_year)
        other = slot and _free_teacher_journal(b, journals, day.weekday(), slot[0],
                                               exclude=(slot[1][0].code,))
        if other:
            room = D.DISCIPLINES[other.code][3]
            override[(0, day, slot[0])] = ([other], [room])
            changes.append(dict(group_id=b.groups[0].obj.id, change_date=day, room=room,
                                pair_number=slot[0], journal_id=other.id, cancelled=False))
        day = rng.choice(recent)
        taken = {s[0] for s in by_day.get((1, day.weekday()), [])}
        pair = next((p for p in (4, 5) if p not in taken), None)
        extra = pair and _free_teacher_journal(b, group_journals(b, 1, b.lesson_year),
                                               day.weekday(), pair)
        if extra:
            room = D.DISCIPLINES[extra.code][3]
            override[(1, day, pair)] = ([extra], [room])
            changes.append(dict(group_id=b.groups[1].obj.id, change_date=day, room=room,
                                pair_number=pair, journal_id=extra.id, cancelled=False))
        day = rng.choice(recent)
        slot = slot_on(4, day)
        if slot:
            override[(4, day, slot[0])] = (slot[1], ["актовый зал"])
            changes.append(dict(group_id=b.groups[4].obj.id, change_date=day,
                                pair_number=slot[0], journal_id=slot[1][0].id,
                                room="актовый зал", cancelled=False))
    if changes:
        db.session.execute(insert(TimetableChange), changes)
    b.counts["timetable_changes"] = len(changes)
    out = []
    for day in days:
        for g in b.groups:
            pairs = {p: (js, rooms) for p, js, rooms in by_day.get((g.index, day.weekday()), [])}
            for (gi, d, p), value in override.items():
                if gi == g.index and d == day:
                    if value is None:
                        pairs.pop(p, None)
                    else:
                        pairs[p] = value
            for p in sorted(pairs):
                out.append((g.index, day, p, pairs[p][0], pairs[p][1]))
    return out
