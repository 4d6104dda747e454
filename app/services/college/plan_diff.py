"""What importing a plan would change in the curriculum kept (4.2): rows added and removed,
names, kinds and parents, hours, weeks and forms of control moved between semesters,
competences. The same state read from the file and from the database, compared as data."""
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...labels import FORMS_OF_STUDY, PLAN_HOUR_KINDS, PLAN_ROW_KINDS, text
from ...models import Curriculum, CurriculumRow, Specialty
from ...models.curriculum_plan import HOUR_KINDS
from .plx import Plan


def _number(value) -> str:
    """30, 30.0 and Decimal("30.0") read alike: "30"; 1.5 stays "1.5"."""
    return format(Decimal(value).normalize(), "f") if value is not None else ""


@dataclass(frozen=True)
class TermState:
    hours: tuple[tuple[str, str], ...]
    weeks: str
    control: tuple[str, ...]
    complex: tuple | None  # (form, the other rows' indices) of a complex exam or credit


@dataclass(frozen=True)
class RowState:
    name: str
    kind: str
    cycle: str | None
    parent: str | None
    competences: tuple[str, ...]
    terms: tuple[tuple[int, TermState], ...]


def _term(hours: dict, weeks, control, complex_) -> TermState:
    return TermState(tuple((k, _number(v)) for k, v in sorted(hours.items()) if v),
                     _number(weeks) if weeks else "", tuple(control), complex_)


def _partners(groups: dict, key, index) -> tuple | None:
    if key[1] is None:
        return None
    form, members = groups[key]
    return form, tuple(sorted(i for i in members if i != index))


def plan_state(plan: Plan) -> dict[str, RowState]:
    groups: dict = {}
    for row in plan.rows:
        for number, term in row.semesters.items():
            if term.complex_group is not None:
                groups.setdefault((number, term.complex_group), (term.complex_form, []))[1] \
                    .append(row.index)
    return {row.index: RowState(
        row.name, row.kind, row.cycle, row.parent, row.competences,
        tuple((n, _term(t.hours, t.weeks, t.control,
                        _partners(groups, (n, t.complex_group), row.index)))
              for n, t in sorted(row.semesters.items()))) for row in plan.rows}


def stored_rows(curriculum: Curriculum | None) -> list[CurriculumRow]:
    if curriculum is None or curriculum.id is None:
        return []
    return list(db.session.scalars(
        select(CurriculumRow).where(CurriculumRow.curriculum_id == curriculum.id)
        .options(selectinload(CurriculumRow.semesters), selectinload(CurriculumRow.parent))
        .order_by(CurriculumRow.position)))


def stored_state(rows: list[CurriculumRow]) -> dict[str, RowState]:
    groups: dict = {}
    for row in rows:
        for term in row.semesters:
            if term.complex_group is not None:
                groups.setdefault((term.semester, term.complex_group),
                                  (term.complex_form, []))[1].append(row.index)
    return {row.index: RowState(
        row.name, row.kind, row.cycle, row.parent.index if row.parent else None,
        tuple(c for c in row.competences.split("; ") if c),
        tuple((t.semester, _term({k: getattr(t, k) for k in HOUR_KINDS}, t.weeks,
                                 [c for c in t.control.split() if c],
                                 _partners(groups, (t.semester, t.complex_group), row.index)))
              for t in row.semesters)) for row in rows}


def state_digest(curriculum: Curriculum | None, rows: list[CurriculumRow]) -> str:
    """A fingerprint of the curriculum as kept: the difference shown is applied only to it."""
    state = {i: repr(s) for i, s in stored_state(rows).items()}
    meta = [getattr(curriculum, k, None) for k in ("id", "qualification", "form_of_study",
                                                     "length_months")]
    return hashlib.sha256(json.dumps([meta, state], sort_keys=True, default=str,
                                     ensure_ascii=False).encode()).hexdigest()


@dataclass
class PlanDiff:
    specialty: str
    admission_year: int
    new: bool
    meta: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    items_removed: list[str] = field(default_factory=list)  # disciplines not in the plan
    notes: list[str] = field(default_factory=list)  # for the reader; nothing to apply
    digest: str = ""

    @property
    def empty(self) -> bool:
        return not (self.new or self.meta or self.added or self.removed or self.changed
                    or self.items_removed)

    def lines(self) -> list[str]:
        """The difference as lines of text, for the console."""
        out = list(self.meta)
        out += [_("+ %(row)s", row=row) for row in self.added]
        out += [_("− %(row)s", row=row) for row in self.removed]
        for row, changes in self.changed:
            out.append(_("~ %(row)s", row=row))
            out += [f"    {change}" for change in changes]
        out += [_("− из учебного плана: %(item)s", item=item) for item in self.items_removed]
        return out + [_("! %(note)s", note=note) for note in self.notes]


def _term_text(term: TermState) -> str:
    hours = sum((Decimal(v) for _k, v in term.hours), Decimal(0))
    parts = [_("%(hours)s ч", hours=_number(hours))]
    if term.weeks:
        parts.append(_("%(weeks)s нед.", weeks=term.weeks))
    parts += list(term.control)
    if term.complex:
        parts.append(_("комплексно с %(rows)s", rows=", ".join(term.complex[1])))
    return ", ".join(parts)


def _term_changes(number: int, old: TermState, new: TermState) -> list[str]:
    out = []
    was, now = dict(old.hours), dict(new.hours)
    for kind in [k for k in (*HOUR_KINDS,) if was.get(k) != now.get(k)]:
        out.append(_("семестр %(n)s, %(kind)s: %(old)s → %(new)s ч", n=number,
                     kind=text(PLAN_HOUR_KINDS, kind), old=was.get(kind, "0"),
                     new=now.get(kind, "0")))
    if old.weeks != new.weeks:
        out.append(_("семестр %(n)s, недели: %(old)s → %(new)s", n=number,
                     old=old.weeks or "0", new=new.weeks or "0"))
    if old.control != new.control:
        out.append(_("семестр %(n)s, формы контроля: %(old)s → %(new)s", n=number,
                     old=", ".join(old.control) or "—", new=", ".join(new.control) or "—"))
    if old.complex != new.complex:
        out.append(_("семестр %(n)s, комплексная форма: %(old)s → %(new)s", n=number,
                     old=_complex_text(old.complex), new=_complex_text(new.complex)))
    return out


def _complex_text(value) -> str:
    return f"{value[0]} ({', '.join(value[1])})" if value else "—"


def _row_changes(old: RowState, new: RowState) -> list[str]:
    out = []
    if old.name != new.name:
        out.append(_("название: «%(old)s» → «%(new)s»", old=old.name, new=new.name))
    if old.kind != new.kind:
        out.append(_("вид: %(old)s → %(new)s", old=text(PLAN_ROW_KINDS, old.kind),
                     new=text(PLAN_ROW_KINDS, new.kind)))
    if old.parent != new.parent or old.cycle != new.cycle:
        out.append(_("место в плане: %(old)s → %(new)s", old=old.parent or old.cycle or "—",
                     new=new.parent or new.cycle or "—"))
    gained = [c for c in new.competences if c not in old.competences]
    lost = [c for c in old.competences if c not in new.competences]
    if gained or lost:
        out.append(_("компетенции: добавлены %(gained)s; убраны %(lost)s",
                     gained=", ".join(gained) or "—", lost=", ".join(lost) or "—"))
    was, now = dict(old.terms), dict(new.terms)
    for number in sorted(set(was) | set(now)):
        if number not in was:
            out.append(_("семестр %(n)s добавлен: %(what)s", n=number,
                         what=_term_text(now[number])))
        elif number not in now:
            out.append(_("семестр %(n)s убран (было: %(what)s)", n=number,
                         what=_term_text(was[number])))
        elif was[number] != now[number]:
            out += _term_changes(number, was[number], now[number])
    return out


def _added(index: str, row: RowState) -> str:
    """"ОП.03 Информационные технологии (семестр 2: 48 ч, ЗаО)"."""
    terms = "; ".join(_("семестр %(n)s: %(what)s", n=n, what=_term_text(t)) for n, t in row.terms)
    return f"{index} {row.name}" + (f" ({terms})" if terms else "")


def find_curriculum(plan: Plan) -> Curriculum | None:
    return db.session.scalar(select(Curriculum).join(Specialty).where(
        Specialty.code == plan.specialty_code,
        Curriculum.admission_year == plan.admission_year))


def plan_diff(plan: Plan, curriculum: Curriculum | None = None,
              rows: list[CurriculumRow] | None = None) -> PlanDiff:
    """What importing `plan` would change in the curriculum of its specialty and year."""
    if curriculum is None:
        curriculum = find_curriculum(plan)
    if rows is None:
        rows = stored_rows(curriculum)
    diff = PlanDiff(specialty=f"{plan.specialty_code} {plan.specialty_name}",
                    admission_year=plan.admission_year, new=curriculum is None,
                    digest=state_digest(curriculum, rows))
    if curriculum is not None:
        for label, old, new in (
                (_("квалификация"), curriculum.qualification, plan.qualification),
                (_("форма обучения"), text(FORMS_OF_STUDY, curriculum.form_of_study, "—"),
                 text(FORMS_OF_STUDY, plan.form_of_study)),
                (_("срок обучения, мес."), curriculum.length_months, plan.length_months)):
            if old != new:
                diff.meta.append(_("%(label)s: %(old)s → %(new)s", label=label,
                                   old=old or "—", new=new or "—"))
    old, new = stored_state(rows), plan_state(plan)
    diff.added = [_added(i, new[i]) for i in new if i not in old]
    diff.removed = [f"{i} {old[i].name}" for i in old if i not in new]
    for index in new:
        if index in old and old[index] != new[index]:
            diff.changed.append((f"{index} {new[index].name}",
                                 _row_changes(old[index], new[index])))
    return diff
