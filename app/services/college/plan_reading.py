"""The curricula as an integration reads them (4.2): the list, and one curriculum with its
plan's rows — index, name, kind, parent, competences, and per semester the hours by kind of
work with their total, practice weeks and the forms of control by the plan's codes."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...errors import NotFound
from ...extensions import db
from ...models import Curriculum, CurriculumRow, Specialty
from ...models.curriculum_plan import HOUR_KINDS


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _head(curriculum: Curriculum) -> dict:
    return {"id": curriculum.id, "name": curriculum.name,
            "specialty_code": curriculum.specialty.code,
            "specialty_name": curriculum.specialty.name,
            "qualification": curriculum.qualification or curriculum.specialty.qualification,
            "admission_year": curriculum.admission_year,
            "form_of_study": curriculum.form_of_study}


def curricula() -> list[dict]:
    query = (select(Curriculum).join(Specialty).options(selectinload(Curriculum.specialty))
             .order_by(Specialty.code, Curriculum.admission_year, Curriculum.id))
    return [_head(c) for c in db.session.scalars(query)]


def _semester(term) -> dict:
    hours = {kind: _number(getattr(term, kind)) for kind in HOUR_KINDS}
    hours["total"] = _number(term.total)
    data = {"hours": hours, "control": term.control.split(), "weeks": _number(term.weeks)}
    if term.complex_form:
        data["complex"] = {"control": term.complex_form, "group": term.complex_group}
    return data


def curriculum(curriculum_id: int) -> dict:
    found = db.session.get(Curriculum, curriculum_id)
    if found is None:
        raise NotFound(_("Учебный план не найден."))
    rows = db.session.scalars(
        select(CurriculumRow).where(CurriculumRow.curriculum_id == found.id)
        .options(selectinload(CurriculumRow.semesters), selectinload(CurriculumRow.parent))
        .order_by(CurriculumRow.position))
    return dict(_head(found), length_months=found.length_months, rows=[{
        "index": row.index, "name": row.name, "kind": row.kind, "cycle": row.cycle,
        "parent_index": row.parent.index if row.parent else None,
        "competences": [c for c in row.competences.split("; ") if c],
        "semesters": {str(t.semester): _semester(t) for t in row.semesters},
    } for row in rows])
