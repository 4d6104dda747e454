"""Journals are generated from the curriculum and the teaching load (4.2)."""
from sqlalchemy import and_, bindparam, select

from ...extensions import db
from ...infra.bulk import plain_rows
from ...models import Curriculum, CurriculumItem, Journal, Period, StudentGroup, TeachingLoad

# The final assessment decides the journal's scale: a credit is зачёт/незачёт. A module exam,
# a course project or work are graded 2–5; a semester's course project beside its exam
# ("exam+course_project") counts by its first form.
FORM_PRIORITY = ("exam", "module_exam", "diff_credit", "course_project", "course_work",
                 "credit", "grade", "none")


def _assessment_forms() -> dict[tuple[int, int, int], set[str]]:
    """(specialty, admission year, discipline) → the curricula's assessment forms, one query."""
    forms: dict[tuple[int, int, int], set[str]] = {}
    for specialty, year, discipline, form in db.session.execute(
            select(Curriculum.specialty_id, Curriculum.admission_year,
                   CurriculumItem.discipline_id, CurriculumItem.assessment_form)
            .join(Curriculum, Curriculum.id == CurriculumItem.curriculum_id)):
        forms.setdefault((specialty, year, discipline), set()).add(form)
    return forms


def _strongest(forms) -> str:
    firsts = {form.split("+")[0] for form in forms}
    return next((form for form in FORM_PRIORITY if form in firsts), "grade")


def generate_journals(academic_year_id: int | None = None) -> tuple[int, int]:
    """Create a journal for each load row that has none; keep teachers in sync.

    Returns (created, updated). Safe to repeat.
    """
    query = select(TeachingLoad, StudentGroup.specialty_id, StudentGroup.admission_year).join(
        StudentGroup, StudentGroup.id == TeachingLoad.group_id)
    if academic_year_id is not None:
        query = query.where(TeachingLoad.academic_year_id == academic_year_id)
    existing = {j.teaching_load_id: j for j in db.session.scalars(select(Journal))}
    forms = _assessment_forms()
    created = updated = 0
    for load, specialty_id, admission_year in db.session.execute(query):
        journal = existing.get(load.id)
        if journal is None:
            db.session.add(Journal(
                teaching_load_id=load.id, academic_year_id=load.academic_year_id,
                group_id=load.group_id, subgroup_id=load.subgroup_id,
                discipline_id=load.discipline_id, teacher_id=load.teacher_id,
                assessment_form=_strongest(
                    forms.get((specialty_id, admission_year, load.discipline_id), ())),
                planned_hours=load.hours,
            ))
            created += 1
        elif (journal.teacher_id, journal.planned_hours) != (load.teacher_id, load.hours):
            journal.teacher_id = load.teacher_id  # reassignment of the load (4.2)
            journal.planned_hours = load.hours
            updated += 1
    db.session.flush()
    return created, updated



def semester_number(period: Period, admission_year: int) -> int:
    """The curriculum's semester (1..10 from admission) that a period of an academic year is."""
    return 2 * (period.academic_year.start_date.year - admission_year) + period.number


def plan_forms() -> dict[tuple[int, int, int], dict[int, str]]:
    """(specialty, admission year, discipline) → {semester: form}, for many journals at once."""
    plan: dict[tuple[int, int, int], dict[int, str]] = {}
    for specialty, year, discipline, semester, form in db.session.execute(
            select(Curriculum.specialty_id, Curriculum.admission_year,
                   CurriculumItem.discipline_id, CurriculumItem.semester,
                   CurriculumItem.assessment_form)
            .join(Curriculum, Curriculum.id == CurriculumItem.curriculum_id)):
        plan.setdefault((specialty, year, discipline), {})[semester] = form
    return plan


_CURRICULUM_FORMS = (  # built once: every saved column reads it
    select(StudentGroup.admission_year, CurriculumItem.semester, CurriculumItem.assessment_form)
    .join(Curriculum, Curriculum.id == CurriculumItem.curriculum_id)
    .join(StudentGroup, and_(StudentGroup.specialty_id == Curriculum.specialty_id,
                             StudentGroup.admission_year == Curriculum.admission_year))
    .where(StudentGroup.id == bindparam("group"),
           CurriculumItem.discipline_id == bindparam("discipline")))


def curriculum_forms(journal: Journal) -> tuple[int | None, dict[int, str]]:
    """4.7: (the group's admission year, semester → the assessment form of the journal's
    discipline in the group's plan), in one query; (None, {}) when the plan has none."""
    rows = plain_rows(_CURRICULUM_FORMS, {"group": journal.group_id,
                                          "discipline": journal.discipline_id})
    return (rows[0][0] if rows else None), {semester: form for _, semester, form in rows}


def period_forms(journal: Journal, periods: list[Period],
                 plan: dict | None = None) -> dict[int, str | None]:
    """Period id → that semester's assessment form (None when the plan has no such semester):
    a credit in semester 3 and a differentiated credit in semester 4 stay two forms."""
    if plan is None:
        admission_year, forms = curriculum_forms(journal)
    else:
        group = journal.group
        admission_year = group.admission_year
        forms = plan.get((group.specialty_id, admission_year, journal.discipline_id), {})
    return {p.id: forms.get(semester_number(p, admission_year)) if forms else None
            for p in periods}
