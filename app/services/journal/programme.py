"""Programme completion (2.2 «фиксирование этапов … освоения», 1.7, 4.6): per journal and
semester, the hours of the curriculum and the topics of the work programme against the hours
and topics actually given — and what is behind: topics not yet given, hours short.

The work programme lists its topics in order with their hours; the curriculum gives the
discipline's hours per semester. A topic belongs to the semester in which the programme's
hours, counted in order, reach it: with 72 hours in semester 3 and 36 in semester 4, the
topics of the first 72 hours are semester 3's. A discipline the curriculum does not split by
semester has one row for the whole year, planned by the teaching load.

Rows follow the journal scope of services/scopes.py: a teacher sees the journals they teach,
a curator their groups', the administration every journal."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...infra.clock import today as clock_today
from ...models import (
    AcademicYear, Curriculum, CurriculumItem, Journal, Lesson, Period, StudentGroup, WorkProgram,
    WorkProgramTopic,
)
from ..scopes import journal_filter
from .generation import semester_number


@dataclass
class SemesterRow:
    """One journal's semester (or whole year, `period` None) of the report."""
    journal: Journal
    period: Period | None
    semester: int | None
    planned_hours: int
    given_hours: int
    planned_topics: list = field(default_factory=list)
    given_topics: list = field(default_factory=list)
    missing_topics: list = field(default_factory=list)
    state: str = "current"  # "future", "current" or "over"

    @property
    def hours_short(self) -> int:
        return max(self.planned_hours - self.given_hours, 0)

    @property
    def behind(self) -> bool:
        """Behind: a semester over with hours short or topics not given."""
        return self.state == "over" and bool(self.hours_short or self.missing_topics)


def _state(period_start: date, period_end: date, day: date) -> str:
    if day > period_end:
        return "over"
    return "future" if day < period_start else "current"


def _plans(journals: list[Journal]) -> dict[tuple[int, int, int], dict[int, int]]:
    """(specialty, admission year, discipline) → {semester: hours} for the journals' groups,
    one query."""
    keys = {(j.group.specialty_id, j.group.admission_year, j.discipline_id) for j in journals}
    if not keys:
        return {}
    plan: dict[tuple[int, int, int], dict[int, int]] = {}
    for specialty, year, discipline, semester, hours in db.session.execute(
            select(Curriculum.specialty_id, Curriculum.admission_year,
                   CurriculumItem.discipline_id, CurriculumItem.semester, CurriculumItem.hours)
            .join(Curriculum, Curriculum.id == CurriculumItem.curriculum_id)
            .where(CurriculumItem.discipline_id.in_({k[2] for k in keys}),
                   Curriculum.specialty_id.in_({k[0] for k in keys}))):
        if (specialty, year, discipline) in keys:
            plan.setdefault((specialty, year, discipline), {})[semester] = hours
    return plan


def _programmes(journals: list[Journal]) -> dict[tuple[int, int | None], list]:
    """(discipline, specialty or None) → the programme's topics in order, one query."""
    topics: dict[tuple[int, int | None], list] = {}
    disciplines = {j.discipline_id for j in journals}
    if not disciplines:
        return topics
    for topic, discipline_id, specialty_id in db.session.execute(
            select(WorkProgramTopic, WorkProgram.discipline_id, WorkProgram.specialty_id)
            .join(WorkProgram, WorkProgram.id == WorkProgramTopic.work_program_id)
            .where(WorkProgram.discipline_id.in_(disciplines))
            .order_by(WorkProgramTopic.work_program_id, WorkProgramTopic.position)):
        topics.setdefault((discipline_id, specialty_id), []).append(topic)
    return topics


def program_topics(journal: Journal, programmes: dict) -> list:
    """The topics of the programme the journal's group follows: its specialty's programme of
    the discipline, else the discipline's general one (4.6)."""
    return (programmes.get((journal.discipline_id, journal.group.specialty_id))
            or programmes.get((journal.discipline_id, None)) or [])


def topics_by_semester(topics: list, semester_hours: dict[int, int]) -> dict[int, list]:
    """Each topic in the semester where the programme's hours, counted in order, reach it;
    topics beyond the plan's last hour go to its last semester."""
    if not semester_hours:
        return {}
    bounds, total = [], 0
    for semester in sorted(semester_hours):
        total += semester_hours[semester]
        bounds.append((total, semester))
    out: dict[int, list] = {s: [] for s in semester_hours}
    done = 0
    for topic in topics:
        semester = next((s for bound, s in bounds if done < bound), bounds[-1][1])
        out[semester].append(topic)
        done += topic.hours
    return out


def _given(journal_ids: list[int], periods: list[Period]):
    """Hours given per (journal, period) and the topics given per journal, two queries."""
    hours: dict[tuple[int, int | None], int] = {}
    for journal_id, period_id, total in db.session.execute(
            select(Lesson.journal_id, Period.id, func.sum(Lesson.hours))
            .join(Journal, Journal.id == Lesson.journal_id)
            .outerjoin(Period, and_(Period.academic_year_id == Journal.academic_year_id,
                                    Lesson.lesson_date >= Period.start_date,
                                    Lesson.lesson_date <= Period.end_date))
            .where(Lesson.journal_id.in_(journal_ids))
            .group_by(Lesson.journal_id, Period.id)):
        hours[(journal_id, period_id)] = int(total or 0)
    topics: dict[int, set[int]] = {}
    for journal_id, topic_id in db.session.execute(
            select(Lesson.journal_id, Lesson.topic_id).distinct()
            .where(Lesson.journal_id.in_(journal_ids), Lesson.topic_id.is_not(None))):
        topics.setdefault(journal_id, set()).add(topic_id)
    return hours, topics


def programme_report(user, year: AcademicYear, day: date | None = None) -> list[SemesterRow]:
    """The report's rows for the journals of `year` this user may read, by journal title and
    semester. A fixed number of queries whatever the number of journals and lessons."""
    day = day or clock_today()
    journals = db.session.scalars(
        select(Journal).where(Journal.academic_year_id == year.id, journal_filter(user))
        .join(StudentGroup, StudentGroup.id == Journal.group_id)
        .options(joinedload(Journal.group), joinedload(Journal.subgroup),
                 joinedload(Journal.discipline), joinedload(Journal.teacher))).unique().all()
    if not journals:
        return []
    periods = db.session.scalars(select(Period).where(Period.academic_year_id == year.id)
                                 .order_by(Period.number)).all()
    plans, programmes = _plans(journals), _programmes(journals)
    hours, given_topics = _given([j.id for j in journals], periods)
    rows = []
    for journal in sorted(journals, key=lambda j: j.title):
        group = journal.group
        plan = plans.get((group.specialty_id, group.admission_year, journal.discipline_id), {})
        topics = program_topics(journal, programmes)
        by_semester = topics_by_semester(topics, plan)
        given = given_topics.get(journal.id, set())
        year_semesters = {p.id: semester_number(p, group.admission_year) for p in periods}
        if any(s in plan for s in year_semesters.values()):
            for period in periods:
                semester = year_semesters[period.id]
                if semester not in plan and not hours.get((journal.id, period.id)):
                    continue
                rows.append(_row(journal, period, semester, plan.get(semester, 0),
                                 hours.get((journal.id, period.id), 0),
                                 by_semester.get(semester, []), given,
                                 _state(period.start_date, period.end_date, day)))
        else:  # the curriculum does not split it by semester: the year, by the load
            rows.append(_row(journal, None, None, int(journal.planned_hours or 0),
                             sum(v for (jid, _p), v in hours.items() if jid == journal.id),
                             topics, given, _state(year.start_date, year.end_date, day)))
    return rows


def _row(journal, period, semester, planned, given_hours, topics, given, state) -> SemesterRow:
    return SemesterRow(journal=journal, period=period, semester=semester,
                       planned_hours=int(planned), given_hours=int(given_hours),
                       planned_topics=topics,
                       given_topics=[t for t in topics if t.id in given],
                       missing_topics=[t for t in topics if t.id not in given], state=state)
