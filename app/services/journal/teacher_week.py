"""The teacher's own timetable («Моё расписание», 4.4): the week from Monday to the study week's
last day (timetable.week_end), the pairs of their journals and the substitutions — given (a
colleague gives their pair) and received (they give a colleague's pair and record it, 4.4).
A fixed number of queries whatever the number of journals: the journals, the timetable of
their groups (periods, entries, changes) and the other teachers named."""
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ...extensions import appbuilder, db
from ...models import Journal, TimetableChange
from ...security.access import SEES_ALL_JOURNALS, TEACHES
from ..scopes import role_names
from .timetable import WEEKDAYS, timetabled_pairs_by_group, week_days, week_end, week_start

OWN, GIVEN, RECEIVED = "own", "given", "received"


def opens_on_own_week(user) -> bool:
    """A teacher's (a curator's) timetable opens on their own week; the administration's and
    IT's on a group's."""
    roles = role_names(user)
    return bool(roles & TEACHES) and not roles & SEES_ALL_JOURNALS


def _name(user) -> str:
    return f"{user.last_name} {user.first_name}" if user is not None else ""


def teacher_week(user, day: date) -> dict:
    """The week of `day` for `user`: `days` (each study day with its pairs: time order, the
    group, the journal, the room, `kind` own / given / received and the other teacher of a
    substitution), the counts of substitutions, and the weeks before and after."""
    monday = week_start(day)
    last = week_end(monday)
    received = select(TimetableChange.journal_id).where(
        TimetableChange.change_date >= monday, TimetableChange.change_date <= last,
        TimetableChange.cancelled.is_(False), TimetableChange.substitute_teacher_id == user.id)
    journals = {j.id: j for j in db.session.scalars(
        select(Journal).where(or_(Journal.teacher_id == user.id, Journal.id.in_(received)))
        .options(joinedload(Journal.group), joinedload(Journal.subgroup),
                 joinedload(Journal.discipline), joinedload(Journal.teacher)))}
    pairs = timetabled_pairs_by_group(monday, last, sorted({j.group_id for j in
                                                           journals.values()})) if journals else {}
    rows = []
    for group_pairs in pairs.values():
        for pair in group_pairs:
            journal = journals.get(pair["journal_id"])
            if journal is None:
                continue
            substitute = pair["substitute_id"]
            if journal.teacher_id == user.id:
                kind = OWN if substitute in (None, user.id) else GIVEN
            elif substitute == user.id:
                kind = RECEIVED
            else:
                continue
            rows.append(dict(pair, journal=journal, kind=kind))
    others = {u.id: u for u in db.session.scalars(select(appbuilder.sm.user_model).where(
        appbuilder.sm.user_model.id.in_({r["substitute_id"] for r in rows
                                         if r["kind"] == GIVEN})))} if any(
        r["kind"] == GIVEN for r in rows) else {}
    for row in rows:
        row["other"] = (_name(others.get(row["substitute_id"])) if row["kind"] == GIVEN
                        else _name(row["journal"].teacher) if row["kind"] == RECEIVED else "")
    rows.sort(key=lambda r: (r["date"], r["pair_number"], r["journal"].title))
    days = [{"date": monday + timedelta(days=n), "weekday": WEEKDAYS[n],
             "pairs": [r for r in rows if r["date"] == monday + timedelta(days=n)]}
            for n in range(week_days())]
    return {"monday": monday, "last": last, "days": days,
            "given": sum(1 for r in rows if r["kind"] == GIVEN),
            "received": sum(1 for r in rows if r["kind"] == RECEIVED),
            "groups": sorted({j.group for j in journals.values() if j.teacher_id == user.id},
                             key=lambda g: g.name),
            "prev_week": monday - timedelta(days=7), "next_week": monday + timedelta(days=7)}
