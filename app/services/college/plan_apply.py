"""Import of a working curriculum from «Планы» (.plx) (4.2): the difference first, then the
plan written in one transaction — its rows and semesters, the curriculum's items derived from
them (one per discipline and semester with its hours and assessment form), the disciplines
it names, and the journals of the teaching load that had none. Lessons, marks and final
grades already entered are never touched; re-importing the same file writes nothing."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from ...errors import Conflict
from ...extensions import db
from ...models import (
    Curriculum, CurriculumItem, CurriculumRow, CurriculumRowSemester, Discipline, Specialty,
)
from ...models.curriculum import COURSE_FORMS
from ...models.curriculum_plan import HOUR_KINDS
from ..journal.generation import FORM_PRIORITY, generate_journals
from ..records import audit
from .imports import COURSE_BESIDE
from .plan_diff import PlanDiff, find_curriculum, plan_diff, stored_rows
from .plx import Plan, PlanRefused, read_plan

# The plan's forms of control → CurriculumItem.assessment_form (the kind of the semester's
# final grade and sheet): an exam, a module exam, a (differentiated) credit, a course project
# or work; «другие формы» end in a semester grade; a semester with no form has none. A course
# project or work beside an exam or a credit of the same semester is "exam+course_project".
ITEM_FORMS = {"Эк": "exam", "ЭМ": "module_exam", "ЗаО": "diff_credit", "За": "credit",
              "КП": "course_project", "КР": "course_work", "Др": "grade"}
# rows that are taught in a journal of their own discipline (a module exam: its ПМ's)
TAUGHT = {"discipline", "mdk", "up", "pp", "pdp", "module_exam"}


def item_form(control) -> str:
    forms = {ITEM_FORMS[code] for code in control if code in ITEM_FORMS}
    course = next((form for form in COURSE_FORMS if form in forms), None)
    first = next((form for form in FORM_PRIORITY if form in forms and form not in COURSE_FORMS),
                 None)
    if course and first in COURSE_BESIDE:
        return f"{first}+{course}"
    return first or course or "none"


def discipline_kind(row) -> str:
    """The kind of the discipline catalogue (models/curriculum.py DISCIPLINE_KINDS)."""
    if row.kind in ("mdk", "up", "pm"):
        return row.kind
    if row.kind in ("pp", "pdp"):
        return "pp"
    return "op" if row.index.startswith("ОП.") else "general"


@dataclass
class Preview:
    plan: Plan
    diff: PlanDiff


def _whole_hours(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def desired_items(plan: Plan) -> dict[tuple[str, int], tuple[int, str]]:
    """(discipline code, semester) → (hours, assessment form) the plan asks for."""
    items = {}
    for row in plan.rows:
        if row.kind not in TAUGHT or (row.kind == "module_exam" and not row.parent):
            continue
        code = row.parent if row.kind == "module_exam" else row.index
        for number, term in row.semesters.items():
            hours = _whole_hours(term.total)
            if hours > 0:
                items[(code, number)] = (hours, item_form(term.control))
    return items


def _current_items(curriculum) -> dict[tuple[str, int], CurriculumItem]:
    if curriculum is None:
        return {}
    return {(i.discipline.code, i.semester): i for i in db.session.scalars(
        select(CurriculumItem).where(CurriculumItem.curriculum_id == curriculum.id)
        .options(selectinload(CurriculumItem.discipline)))}


def preview(data: bytes) -> Preview:
    """Read the file and say what importing it would change; writes nothing."""
    plan = read_plan(data)
    curriculum = find_curriculum(plan)
    diff = plan_diff(plan, curriculum)
    wanted = desired_items(plan)
    diff.notes = _renamed(plan)
    diff.items_removed = [_("%(code)s, семестр %(n)s", code=code, n=n)
                          for (code, n) in sorted(_current_items(curriculum))
                          if (code, n) not in wanted]
    return Preview(plan, diff)


def _own_rows(plan: Plan) -> dict:
    """Index → row for the rows that are disciplines of the catalogue (a module exam is its
    module's, ГИА none)."""
    return {row.index: row for row in plan.rows if row.kind in TAUGHT | {"pm"}
            and row.kind != "module_exam"}


def _renamed(plan: Plan) -> list[str]:
    """Disciplines the college keeps under the plan's index with another name: the plan's
    rows use them as they are (a code is one discipline of the college)."""
    rows = _own_rows(plan)
    return [_("«%(code)s» в базе называется «%(name)s», в плане — «%(plan)s»: журналы ведут "
              "её под названием из базы.", code=d.code, name=d.name, plan=rows[d.code].name)
            for d in db.session.scalars(select(Discipline).where(
                Discipline.code.in_(list(rows))).order_by(Discipline.code))
            if d.name.casefold() != rows[d.code].name.casefold()]


def _disciplines(plan: Plan) -> dict[str, Discipline]:
    codes = _own_rows(plan)
    found = {d.code: d for d in db.session.scalars(
        select(Discipline).where(Discipline.code.in_(list(codes))))}
    for code, row in codes.items():
        if code not in found:  # a code the college does not know yet: as the plan names it
            found[code] = Discipline(code=code, name=row.name[:255], kind=discipline_kind(row))
            db.session.add(found[code])
    return found


def _write_semesters(stored: CurriculumRow, row) -> None:
    kept = {t.semester: t for t in stored.semesters}
    for number, term in row.semesters.items():
        target = kept.pop(number, None)
        if target is None:
            target = CurriculumRowSemester(semester=number)
            stored.semesters.append(target)
        for kind in HOUR_KINDS:
            setattr(target, kind, term.hours.get(kind, Decimal(0)))
        target.total, target.weeks = term.total, term.weeks
        target.control = " ".join(term.control)
        target.complex_form, target.complex_group = term.complex_form, term.complex_group
    for target in kept.values():
        stored.semesters.remove(target)


def _write_rows(curriculum, plan, disciplines) -> None:
    stored = {row.index: row for row in stored_rows(curriculum)}
    for row in stored.values():
        row.parent = None  # set again below from the plan
    placed: dict[str, CurriculumRow] = {}
    for position, row in enumerate(plan.rows, start=1):
        target = stored.pop(row.index, None)
        if target is None:
            target = CurriculumRow(curriculum=curriculum, index=row.index)
            db.session.add(target)
        target.position, target.name, target.cycle, target.kind = (
            position, row.name, row.cycle, row.kind)
        target.competences = "; ".join(row.competences)
        target.discipline = disciplines.get(row.parent if row.kind == "module_exam"
                                            else row.index)
        _write_semesters(target, row)
        placed[row.index] = target
    db.session.flush()
    for row in plan.rows:
        placed[row.index].parent = placed.get(row.parent) if row.parent else None
    for gone in stored.values():
        db.session.delete(gone)


def _write_items(curriculum, plan, disciplines) -> None:
    current = _current_items(curriculum)
    for (code, number), (hours, form) in desired_items(plan).items():
        item = current.pop((code, number), None)
        if item is None:
            db.session.add(CurriculumItem(curriculum=curriculum, discipline=disciplines[code],
                                          semester=number, hours=hours, assessment_form=form))
        elif (item.hours, item.assessment_form) != (hours, form):
            item.hours, item.assessment_form = hours, form
    for item in current.values():
        db.session.delete(item)


def _curriculum(plan: Plan) -> Curriculum:
    specialty = db.session.scalar(select(Specialty).where(Specialty.code == plan.specialty_code))
    if specialty is None:
        specialty = Specialty(code=plan.specialty_code, name=plan.specialty_name,
                              qualification=plan.qualification)
        db.session.add(specialty)
    elif not specialty.qualification:
        specialty.qualification = plan.qualification
    curriculum = find_curriculum(plan)
    if curriculum is None:
        curriculum = Curriculum(specialty=specialty, admission_year=plan.admission_year,
                                name=f"{plan.specialty_code} набор {plan.admission_year}")
        db.session.add(curriculum)
    curriculum.qualification, curriculum.form_of_study = plan.qualification, plan.form_of_study
    curriculum.length_months = plan.length_months
    return curriculum


def import_plan(data: bytes, filename: str, user=None, seen_digest: str | None = None,
                ) -> tuple[Preview, Curriculum | None]:
    """Write the plan of `data` when it changes anything; `seen_digest` is the state of the
    curriculum whose difference the user confirmed: if it has changed since, nothing is
    written. Returns the preview and the curriculum (None when nothing changed)."""
    look = preview(data)
    if seen_digest is not None and seen_digest != look.diff.digest:
        raise Conflict(_("Учебный план изменился после просмотра различий: загрузите файл "
                         "снова и проверьте различия."))
    if look.diff.empty:
        db.session.rollback()
        return look, None
    plan = look.plan
    try:
        with db.session.no_autoflush:
            curriculum = _curriculum(plan)
            curriculum.source_file = (filename or "")[:255] or None
            disciplines = _disciplines(plan)
        db.session.flush()
        _write_rows(curriculum, plan, disciplines)
        _write_items(curriculum, plan, disciplines)
        db.session.flush()
        created, _updated = generate_journals()
        audit.record("import", "curriculum", curriculum.id, user=user, details={
            "file": filename, "rows": len(plan.rows), "added": len(look.diff.added),
            "removed": len(look.diff.removed), "changed": len(look.diff.changed),
            "journals": created})
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise PlanRefused([_("План не загружен: данные изменились во время загрузки, "
                             "повторите попытку.")]) from None
    return look, curriculum
