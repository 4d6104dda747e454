"""Demo college: lessons of the recorded period (4.4–4.8), marks, absences, final grades (4.7).

Lessons follow the timetable with a few deliberate gaps for the curator's completeness check:
pairs with no lesson, lessons without a topic, lessons entered late, one without attendance,
one substitution — and two lessons outside the timetable, with the teacher's reason (1.7).
Only cells with a value exist; each value has its history row (1.6).
"""
from collections import defaultdict
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import insert

from .. import labels
from ..extensions import db
from ..infra import clock, schedule
from ..models import CellChange, FinalGrade, FinalGradeChange, JournalCell, Lesson, Mark
from ..services.journal.grading_window import window_days
from . import data as D
from .timetable import planned_pairs, school_days

OFF_TIMETABLE_PAIR = 6  # the timetable has five pairs a day: a sixth is outside it (1.7)
MARK_CHANCE = {"control": 0.85, "practical": 0.5, "laboratory": 0.5, "practice": 0.4,
               "theory": 0.3, "seminar": 0.45}
WORK_KIND = {"control": "control", "practical": "practical", "laboratory": "laboratory",
             "practice": "practical"}
FORM_KINDS = {"grade": ["semester"], "exam": ["exam"], "diff_credit": ["diff_credit"],
              "credit": ["credit"], "course_project": ["course_project"],
              "course_work": ["course_work"], "module_exam": ["module_exam"]}


def _at(day, at: time) -> datetime:
    """The college's wall time of `day` (COLLEGE_TIMEZONE), stored in UTC."""
    return datetime.combine(day, at, clock.college_zone()).astimezone(timezone.utc)


def _homework(rng, kind: str, code: str) -> tuple[str | None, str]:
    if kind == "practice" or code in ("ОУД.06", "ОГСЭ.04") or rng.random() < 0.25:
        return None, "none"
    text = rng.choice(D.HOMEWORK.get(kind, D.HOMEWORK["theory"]))
    if kind in ("practical", "laboratory"):
        return text, kind
    return text, "independent" if rng.random() < 0.3 else "none"


def _forced(b, planned: list, days: list) -> dict[int, str]:
    """Deliberate gaps in curator1's group during the last week (completeness check, 3.3)."""
    recent = [i for i, (g, day, _p, js, _r) in enumerate(planned)
              if g == 0 and len(js) == 1 and day >= b.today - timedelta(days=7)]
    marks = ["gap", "gap", "no_topic", "no_topic", "late", "late", "late", "no_attendance",
             "substitution"]
    chosen = b.rng.sample(recent, min(len(recent), len(marks)))
    return dict(zip(chosen, marks))


def _substitute(b, journal, day, pair) -> int | None:
    for name in ("teacher15", "teacher7", "teacher11", "teacher13"):
        uid = b.users[name]
        if uid != journal.teacher_id and (uid, day.weekday(), pair) not in b.busy:
            return uid
    return None


def build_lessons(b) -> None:
    rows, meta, all_days = [], [], []
    pointer = {j.id: 0 for j in b.journals}  # topics are taken in work-program order (4.6)
    for period in b.lesson_periods:
        b.slots, b.busy = b.timetables[period.number]
        days = school_days(period.start_date,
                           min(b.today - timedelta(days=1), period.end_date))
        current = period is b.lesson_period
        planned = planned_pairs(b, days, with_changes=current)
        forced = _forced(b, planned, days) if current else {}
        extra = _off_timetable(b, planned, forced) if current else {}
        _lessons(b, planned, forced, pointer, rows, meta, period.number, extra)
        all_days += days
    ids = list(db.session.scalars(
        insert(Lesson).returning(Lesson.id, sort_by_parameter_order=True), rows))
    b.counts["lessons"] = len(ids)
    _cells(b, rows, ids, meta, all_days)


def _lessons(b, planned, forced, pointer, rows, meta, number, extra) -> None:
    rng = b.rng
    pair_end = {pair.number: pair.end for pair in schedule.bells()}  # entered as it ends
    for index, (gi, day, pair, journals, rooms) in enumerate(planned):
        flag = forced.get(index, "")
        for j in journals:
            if flag == "gap" or (not flag and rng.random() < 0.01):
                continue  # a timetabled pair with no lesson recorded
            topics = b.topics[j.program]
            no_topic = flag == "no_topic" or (not flag and rng.random() < 0.015)
            if no_topic:
                topic_id = title = None
                kind = "theory"
            else:
                topic_id, title, kind = topics[min(pointer[j.id], len(topics) - 1)]
                pointer[j.id] += 1
            late = flag == "late" or (not flag and rng.random() < 0.05)
            created = _at(day, pair_end.get(pair, max(pair_end.values())))
            if late:
                later = min(day + timedelta(days=rng.randint(1, 5)), b.today)
                created = _at(later, time(rng.randint(15, 20), rng.randint(0, 59)))
            teacher, substitution = j.teacher_id, False
            if flag == "substitution":
                teacher = _substitute(b, j, day, pair) or teacher
                substitution = teacher != j.teacher_id
            homework, hw_kind = _homework(rng, kind, j.code)
            attendance = not (flag == "no_attendance" or (not flag and rng.random() < 0.005))
            rows.append(dict(
                journal_id=j.id, lesson_date=day, pair_number=pair, subgroup_id=j.subgroup_id,
                topic_id=topic_id, topic=title, lesson_type=kind, hours=2, homework=homework,
                homework_kind=hw_kind, teacher_id=teacher, is_substitution=substitution,
                is_late=late, attendance_taken=attendance, off_timetable_reason=None,
                created_by_id=teacher,
                created_at=created, updated_at=created))
            meta.append((gi, j, kind, no_topic, number))
            if index in extra:
                _sixth_pair(b, j, gi, day, extra[index], pointer, rows, meta, number)


def _sixth_pair(b, j, gi, day, reason, pointer, rows, meta, number) -> None:
    """A lesson of `j` after the day's timetable, with the teacher's reason (1.7)."""
    topics = b.topics[j.program]
    topic_id, title, kind = topics[min(pointer[j.id], len(topics) - 1)]
    pointer[j.id] += 1
    ends = {pair.number: pair.end for pair in schedule.bells()}  # entered as the pair ends
    created = _at(day, ends.get(OFF_TIMETABLE_PAIR, max(ends.values())))
    rows.append(dict(
        journal_id=j.id, lesson_date=day, pair_number=OFF_TIMETABLE_PAIR,
        subgroup_id=j.subgroup_id, topic_id=topic_id, topic=title, lesson_type=kind, hours=2,
        homework=None, homework_kind="none", teacher_id=j.teacher_id, is_substitution=False,
        is_late=False, attendance_taken=True, off_timetable_reason=reason,
        created_by_id=j.teacher_id, created_at=created, updated_at=created))
    meta.append((gi, j, kind, False, number))


def _off_timetable(b, planned: list, forced: dict) -> dict[int, str]:
    """1.7, 3.3: in curator1's group last week, on two days, a lesson after the day's
    timetable (a sixth pair) with the teacher's reason — an extra lesson and a moved one; the
    hours report and the curator's and the deputy's checks show them apart."""
    recent = [i for i, (g, day, _p, js, _r) in enumerate(planned)
              if g == 0 and len(js) == 1 and day >= b.today - timedelta(days=7)
              and i not in forced]
    chosen, days = [], set()
    for i in reversed(recent):  # the day's last pair: the sixth comes right after it
        if planned[i][1] not in days:
            days.add(planned[i][1])
            chosen.append(i)
    return dict(zip(chosen[:2], ("extra", "moved")))


def _illness(b, days: list) -> dict[int, set]:
    """Each student's illness spells: a few consecutive school days."""
    out = {}
    for s in b.students:
        spells = set()
        for _ in range(max(1, len(days) // 60)):
            if days and b.rng.random() < min(0.5, len(days) / 120):
                start = b.rng.randrange(len(days))
                spells.update(days[start:start + b.rng.randint(3, 6)])
        out[s.id] = spells
    return out


def _roster(b, gi: int, day, subgroup_id) -> list:
    members = b.subgroup_of.get(subgroup_id) if subgroup_id else None
    out = []
    for s in b.students:
        if members is not None and s.id not in members:
            continue
        if s.leave_date and day >= s.leave_date:
            continue
        if any(g == gi and a <= day and (z is None or z >= day) for g, a, z in b.memberships[s.id]):
            out.append(s)
    return out


def _cells(b, lessons: list, ids: list, meta: list, days: list) -> None:
    rng = b.rng
    ill = _illness(b, days)
    settled = b.today - timedelta(days=7)  # curators have set reasons for older absences
    cells, values, rosters = [], [], {}
    b.marks_by = defaultdict(list)
    for row, lesson_id, (gi, j, kind, no_topic, number) in zip(lessons, ids, meta):
        day = row["lesson_date"]
        key = (gi, day, j.subgroup_id)
        if key not in rosters:
            rosters[key] = _roster(b, gi, day, j.subgroup_id)
        chance = 0.2 if no_topic else MARK_CHANCE.get(kind, 0.3)
        credit = j.assessment_form == "credit"
        b.counts["grid_cells"] = b.counts.get("grid_cells", 0) + len(rosters[key])
        for s in rosters[key]:
            absent = row["attendance_taken"] and (
                day in ill[s.id] or rng.random() < s.absence_rate * 0.7)
            marks, reason = [], ""
            if absent:
                if day in ill[s.id]:
                    reason = "illness" if day < settled or rng.random() < 0.4 else ""
                elif day < settled:
                    reason = rng.choice(("", "unexcused", "unexcused", "excused"))
            elif rng.random() < chance:
                for _ in range(2 if rng.random() < 0.04 else 1):
                    if credit:
                        marks.append("зач" if rng.random() < 0.95 else "незач")
                    else:
                        marks.append(str(min(5, max(2, round(rng.gauss(s.ability, 0.75))))))
                b.marks_by[(j.id, s.id, number)] += [int(m) for m in marks if m.isdigit()]
            if not absent and not marks:
                continue
            cells.append(dict(lesson_id=lesson_id, student_id=s.id, absent=absent,
                              absence_reason=reason, version=1, updated_by_id=row["teacher_id"],
                              updated_at=row["created_at"]))
            values.append((marks, kind, row, gi))
    cell_ids = list(db.session.scalars(
        insert(JournalCell).returning(JournalCell.id, sort_by_parameter_order=True), cells))
    mark_rows, changes, absences = [], [], 0
    for cell, cell_id, (marks, kind, row, gi) in zip(cells, cell_ids, values):
        work = WORK_KIND.get(kind) or rng.choice(("oral", "current", "written", "test"))
        for pos, value in enumerate(marks):
            mark_rows.append(dict(cell_id=cell_id, position=pos, value=value, work_kind=work))
        absences += cell["absent"]
        final = "Н" if cell["absent"] else " ".join(marks)
        change = dict(lesson_id=cell["lesson_id"], student_id=cell["student_id"], old_value="",
                      new_value=final, changed_by_id=row["teacher_id"],
                      changed_at=row["created_at"], is_correction=row["is_late"])
        if marks and marks[0].isdigit() and len(marks) == 1 and rng.random() < 0.01:
            # corrected the next day: the first value stays in the history (1.6)
            first = str(max(2, int(marks[0]) - 1))
            changes.append(dict(change, new_value=first))
            change = dict(change, old_value=first,
                          changed_at=row["created_at"] + timedelta(days=1), is_correction=True)
        changes.append(change)
        if cell["absence_reason"]:  # the curator attached a reason later; the «Н» stays (4.5)
            when = min(row["lesson_date"] + timedelta(days=rng.randint(1, 6)), b.today)
            changes.append(dict(change, old_value="Н", is_correction=True,
                                new_value="Н ({})".format(labels.russian(
                                    labels.ABSENCE_REASONS, cell["absence_reason"])),
                                changed_by_id=b.users[b.groups[gi].curator],
                                changed_at=_at(when, time(16, rng.randint(0, 59)))))
    if mark_rows:
        db.session.execute(insert(Mark), mark_rows)
    if changes:
        db.session.execute(insert(CellChange), changes)
    b.counts.update(marks=len(mark_rows), absences=absences, cells=len(cells))


def build_final_grades(b) -> None:
    """Final grades of every ended period of the two years (the previous year's history), each
    set in the last days of its period, inside the window of final grades (4.7)."""
    rng = b.rng
    last_days = min(6, window_days())
    by_id = {s.id: s for s in b.students}
    marks_by = getattr(b, "marks_by", {})
    grades = []
    for (year_key, number), period in sorted(b.periods.items()):
        if period.end_date >= b.today:
            continue
        for j in b.journals:
            form = j.forms[number - 1] if j.year == year_key else None
            if not form:
                continue
            kinds = [kind for part in form.split("+") for kind in FORM_KINDS[part]]
            if number == 2 and D.DISCIPLINES[j.code][1] == "general" and form != "credit":
                kinds.append("year")
            members = b.subgroup_of.get(j.subgroup_id) if j.subgroup_id else None
            for sid in b.rosters[(year_key, j.group)]:
                s = by_id[sid]
                if members is not None and sid not in members:
                    continue
                if not any(g == j.group and a <= period.end_date
                           and (z is None or z >= period.end_date)
                           for g, a, z in b.memberships[sid]):
                    continue  # left the group before the period ended
                if s.leave_date and s.leave_date <= period.end_date:
                    continue
                current = marks_by.get((j.id, sid, number))
                mean = sum(current) / len(current) if current else s.ability
                set_at = _at(period.end_date - timedelta(days=rng.randint(0, last_days)),
                             time(14, 0))
                for kind in kinds:
                    if kind == "credit":
                        value = "зач" if rng.random() < 0.96 else "незач"
                    elif rng.random() < 0.004:
                        value = "н/а"
                    else:
                        spread = 0.7 if kind == "exam" else 0.4
                        value = str(min(5, max(2, round(rng.gauss(mean, spread)))))
                    grades.append(dict(journal_id=j.id, student_id=sid, period_id=period.id,
                                       kind=kind, value=value, version=1,
                                       set_by_id=j.teacher_id, set_at=set_at))
    ids = list(db.session.scalars(
        insert(FinalGrade).returning(FinalGrade.id, sort_by_parameter_order=True), grades)) \
        if grades else []
    if ids:
        db.session.execute(insert(FinalGradeChange), [
            dict(final_grade_id=fid, old_value="", new_value=g["value"], after_deadline=False,
                 changed_by_id=g["set_by_id"], changed_at=g["set_at"])
            for fid, g in zip(ids, grades)])
    b.counts["final_grades"] = len(ids)
