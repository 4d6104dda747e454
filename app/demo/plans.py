"""Demo college: specialties, groups, disciplines, curricula, work programs, teaching load."""
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from sqlalchemy import insert, select

from ..extensions import db
from ..models import (
    Curriculum, CurriculumItem, Discipline, Journal, Specialty, StudentGroup, Subgroup,
    SubgroupMember, TeachingLoad, WorkProgram, WorkProgramTopic,
)
from ..services.journal.generation import generate_journals
from . import data as D

AUTUMN_WEEKS, SPRING_WEEKS = 16, 18
PRACTICE_HOURS = 144
# Admission after the 9th form: 3 years 10 months (2 years 10 months for 38.02.01).
STUDY_YEARS = {"ИС": 4, "ЭО": 4, "ТМ": 4, "ЭК": 3}
CURATORS = {name for _p, _c, name in D.GROUPS}
THEORY_SUFFIXES = ("", " (продолжение)", " (закрепление)", " (обобщение)")


@dataclass
class GroupInfo:
    index: int
    obj: StudentGroup
    prefix: str
    course: int
    admission: int
    curator: str


@dataclass
class JournalInfo:
    id: int
    group: int  # index in builder.groups
    year: str  # "prev" / "cur"
    code: str
    pairs: int
    forms: tuple  # (autumn form, spring form)
    teacher_id: int
    subgroup_id: int | None
    assessment_form: str = "grade"
    program: tuple = field(default=())


def _semester_hours(pairs: int, weeks: int) -> int:
    return pairs * 2 * weeks if pairs else PRACTICE_HOURS


def course_for(b, group: GroupInfo, year_key: str) -> int:
    start = b.y if year_key == "cur" else b.y - 1
    return start - group.admission + 1


def program_key(code: str, prefix: str) -> tuple:
    kind = D.DISCIPLINES[code][1]
    return (code, None if kind == "general" else prefix)


def build_plans(b) -> None:
    b.specialties = {p: Specialty(code=c, name=n, qualification=q)
                     for p, (c, n, q) in D.SPECIALTIES.items()}
    b.disciplines = {code: Discipline(code=code, name=spec[0], kind=spec[1])
                     for code, spec in D.DISCIPLINES.items()}
    db.session.add_all(list(b.specialties.values()) + list(b.disciplines.values()))
    db.session.flush()
    b.groups = []
    for i, (prefix, course, curator) in enumerate(D.GROUPS):
        admission = b.y - course + 1
        group = StudentGroup(
            name=f"{prefix}-{admission % 100:02d}-1", specialty_id=b.specialties[prefix].id,
            admission_year=admission, status="active", curator_id=b.users[curator],
            graduation_date=date(admission + STUDY_YEARS[prefix], 6, 30))
        b.groups.append(GroupInfo(i, group, prefix, course, admission, curator))
    db.session.add_all([g.obj for g in b.groups])
    db.session.flush()
    _curricula(b)
    _work_programs(b)
    b.counts.update(specialties=len(b.specialties), groups=len(b.groups),
                    disciplines=len(b.disciplines))


def _curricula(b) -> None:
    items = []
    needed = {}  # program key → most pairs a week (topics must cover a year)
    for g in b.groups:
        cur = Curriculum(specialty_id=b.specialties[g.prefix].id, admission_year=g.admission,
                         name=f"{D.SPECIALTIES[g.prefix][0]} набор {g.admission}")
        db.session.add(cur)
        db.session.flush()
        for course in range(1, g.course + 1):
            for code, pairs, autumn, spring, _split in D.course_plan(g.prefix, course):
                disc = b.disciplines[code].id
                for sem, form, weeks in ((2 * course - 1, autumn, AUTUMN_WEEKS),
                                         (2 * course, spring, SPRING_WEEKS)):
                    if form:
                        items.append(dict(curriculum_id=cur.id, discipline_id=disc, semester=sem,
                                          hours=_semester_hours(pairs, weeks),
                                          assessment_form=form))
                key = program_key(code, g.prefix)
                needed[key] = max(needed.get(key, 0), pairs)
    db.session.execute(insert(CurriculumItem), items)
    b.program_needs = needed
    b.counts["curricula"] = len(b.groups)


def _topics(code: str, pairs: int) -> list[tuple[str, str]]:
    """Ordered (title, lesson type) covering a year of `pairs` a week."""
    _name, kind, dep, _room, _t, bases = D.DISCIPLINES[code]
    total = pairs * (AUTUMN_WEEKS + SPRING_WEEKS + 2) + 6 if pairs else len(bases)
    per = ceil(total / len(bases))
    sport = code in ("ОУД.06", "ОГСЭ.04")
    lab = dep in ("it", "tech") and kind in ("op", "mdk")
    out, works = [], 0
    for s, base in enumerate(bases, 1):
        for i in range(1, per + 1):
            if kind in ("up", "pp"):
                out.append((base if per == 1 else f"{base} (день {i})", "practice"))
            elif sport:
                out.append((f"{base}: занятие {i}", "practical"))
            elif i == per and per >= 3:
                out.append((f"Контрольная работа по разделу «{base}»", "control"))
            elif i % 3 == 0:
                works += 1
                word = "Лабораторная" if lab else "Практическая"
                out.append((f"{word} работа № {works}. {base}",
                            "laboratory" if lab else "practical"))
            else:
                out.append((f"Тема {s}.{i}. {base}{THEORY_SUFFIXES[(i - 1) % 4]}", "theory"))
    return out


def _work_programs(b) -> None:
    programs = {}
    for (code, prefix), _pairs in sorted(b.program_needs.items(), key=str):
        name = D.DISCIPLINES[code][0]
        suffix = f" ({D.SPECIALTIES[prefix][0]})" if prefix else ""
        programs[(code, prefix)] = WorkProgram(
            discipline_id=b.disciplines[code].id,
            specialty_id=b.specialties[prefix].id if prefix else None,
            name=f"РП {code} {name}{suffix}")
    db.session.add_all(programs.values())
    db.session.flush()
    rows = []
    for key, program in programs.items():
        for pos, (title, kind) in enumerate(_topics(key[0], b.program_needs[key]), 1):
            rows.append(dict(work_program_id=program.id, position=pos, title=title, hours=2,
                             lesson_type=kind))
    db.session.execute(insert(WorkProgramTopic), rows)
    by_program = {p.id: k for k, p in programs.items()}
    b.topics = {k: [] for k in programs}
    for tid, pid, title, kind in db.session.execute(
            select(WorkProgramTopic.id, WorkProgramTopic.work_program_id, WorkProgramTopic.title,
                   WorkProgramTopic.lesson_type).order_by(WorkProgramTopic.work_program_id,
                                                          WorkProgramTopic.position)):
        b.topics[by_program[pid]].append((tid, title, kind))
    b.counts["programs"] = len(programs)


def _teachers(candidates: list[str], curator: str, n: int) -> list[str]:
    """The group's curator teaches it when qualified; otherwise a teacher who is not a curator."""
    first = curator if curator in candidates else next(
        (t for t in candidates if t not in CURATORS), candidates[0])
    if n == 1:
        return [first]
    rest = [t for t in candidates if t != first]
    second = next((t for t in rest if t not in CURATORS), rest[0] if rest else first)
    return [first, second]


def _subgroups(b, g: GroupInfo, code: str, year_key: str) -> list[int]:
    key = (g.index, code)
    if key not in b.subgroups:
        subs = [Subgroup(group_id=g.obj.id, discipline_id=b.disciplines[code].id,
                         name=f"{n} подгруппа") for n in (1, 2)]
        db.session.add_all(subs)
        db.session.flush()
        b.subgroups[key] = [s.id for s in subs]
        b.subgroup_members[key] = [set(), set()]
    roster = b.rosters[(year_key, g.index)]
    half = (len(b.base_roster[g.index]) + 1) // 2
    members = b.subgroup_members[key]
    for sid in roster:
        if any(sid in m for m in members):
            continue
        base = b.base_roster[g.index]
        members[0 if sid in base and base.index(sid) < half else 1].add(sid)
    return b.subgroups[key]


def build_load(b) -> None:
    """Teaching load of both years (4.2), subgroups (5.3), then journals generated from it."""
    b.subgroups, b.subgroup_members = {}, {}
    pending = []
    for year_key in ("prev", "cur"):
        for g in b.groups:
            course = course_for(b, g, year_key)
            if course < 1:
                continue
            for code, pairs, autumn, spring, split in D.course_plan(g.prefix, course):
                hours = (_semester_hours(pairs, AUTUMN_WEEKS) if autumn else 0) + \
                        (_semester_hours(pairs, SPRING_WEEKS) if spring else 0)
                teachers = _teachers(D.DISCIPLINES[code][4], g.curator, 2 if split else 1)
                subs = _subgroups(b, g, code, year_key) if split else [None]
                for teacher, sub in zip(teachers, subs):
                    load = TeachingLoad(
                        academic_year_id=b.years[year_key].id, group_id=g.obj.id,
                        discipline_id=b.disciplines[code].id, subgroup_id=sub,
                        teacher_id=b.users[teacher], hours=hours)
                    pending.append((load, JournalInfo(
                        0, g.index, year_key, code, pairs, (autumn, spring), b.users[teacher],
                        sub, program=program_key(code, g.prefix))))
    db.session.add_all([load for load, _ in pending])
    members = [dict(subgroup_id=b.subgroups[key][n], student_id=sid)
               for key, halves in b.subgroup_members.items()
               for n, half in enumerate(halves) for sid in sorted(half)]
    db.session.execute(insert(SubgroupMember), members)
    db.session.flush()
    generate_journals()
    journals = {lid: (jid, form) for jid, lid, form in db.session.execute(
        select(Journal.id, Journal.teaching_load_id, Journal.assessment_form))}
    b.subgroup_of = {sub: b.subgroup_members[key][n] for key, subs in b.subgroups.items()
                     for n, sub in enumerate(subs)}
    b.journals = []
    for load, info in pending:
        info.id, info.assessment_form = journals[load.id]
        b.journals.append(info)
    b.counts.update(load=len(pending), journals=len(journals))
