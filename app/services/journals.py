"""Journals are generated from the curriculum and the teaching load (4.2)."""
from sqlalchemy import select

from ..extensions import db
from ..models import Curriculum, CurriculumItem, Journal, StudentGroup, TeachingLoad

# The final assessment decides the journal's scale: a credit is зачёт/незачёт.
FORM_PRIORITY = ("exam", "diff_credit", "credit", "grade", "none")


def assessment_form_for(load: TeachingLoad) -> str:
    group = load.group
    forms = db.session.scalars(
        select(CurriculumItem.assessment_form)
        .join(Curriculum)
        .where(Curriculum.specialty_id == group.specialty_id,
               Curriculum.admission_year == group.admission_year,
               CurriculumItem.discipline_id == load.discipline_id)
    ).all()
    for form in FORM_PRIORITY:
        if form in forms:
            return form
    return "grade"


def generate_journals(academic_year_id: int | None = None) -> tuple[int, int]:
    """Create a journal for each load row that has none; keep teachers in sync.

    Returns (created, updated). Safe to repeat.
    """
    query = select(TeachingLoad)
    if academic_year_id is not None:
        query = query.where(TeachingLoad.academic_year_id == academic_year_id)
    existing = {j.teaching_load_id: j for j in db.session.scalars(select(Journal))}
    created = updated = 0
    for load in db.session.scalars(query):
        journal = existing.get(load.id)
        if journal is None:
            db.session.add(Journal(
                teaching_load_id=load.id, academic_year_id=load.academic_year_id,
                group_id=load.group_id, subgroup_id=load.subgroup_id,
                discipline_id=load.discipline_id, teacher_id=load.teacher_id,
                assessment_form=assessment_form_for(load), planned_hours=load.hours,
            ))
            created += 1
        elif (journal.teacher_id, journal.planned_hours) != (load.teacher_id, load.hours):
            journal.teacher_id = load.teacher_id  # reassignment of the load (4.2)
            journal.planned_hours = load.hours
            updated += 1
    db.session.flush()
    return created, updated


__all__ = ["generate_journals", "assessment_form_for", "StudentGroup"]
