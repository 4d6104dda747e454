"""Import of students (with parents), curricula and teaching load from XLSX or CSV (4.2).

All or nothing: every row is checked first; one bad row refuses the whole file with a list
"Строка N: причина"; only a clean file is written, in one transaction.
"""
import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...infra.clock import add_years, today
from ...infra.spreadsheets import normalized
from ...models import (
    AcademicYear, Curriculum, CurriculumItem, Discipline, GroupMembership, Parent, Specialty,
    Student, StudentGroup, StudentParent, Subgroup, TeachingLoad, User,
)
from ..journal.generation import generate_journals
from ..records import audit
from .import_tables import (
    COLUMNS, EMAIL_RE, PARENT_FIELDS, PHONE_RE, REQUIRED, ImportRefused, _date, _hours, _int,
    read_table,
)

FORMS = {"экзамен": "exam", "дифференцированный зачет": "diff_credit",
         "диф. зачет": "diff_credit", "дифзачет": "diff_credit", "зачет": "credit",
         "оценка": "grade", "без аттестации": "none",
         "курсовой проект": "course_project", "кп": "course_project",
         "курсовая работа": "course_work", "кр": "course_work",
         "экзамен по модулю": "module_exam", "экзамен квалификационный": "module_exam",
         "квалификационный экзамен": "module_exam", "эм": "module_exam"}
# a course project or work beside the semester's exam or credit: "экзамен, курсовой проект"
COURSE_BESIDE = ("exam", "diff_credit", "credit", "grade")


def assessment_form(text) -> str | None:
    """The curriculum's form from the template's words: one form, or an exam (a credit…) and a
    course project or work joined by «,», «+» or «и» — "exam+course_project"."""
    parts = [FORMS.get(p.strip()) for p in re.split(r"\s*(?:,|\+|;|\sи\s)\s*",
                                                    normalized(text)) if p.strip()]
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2 and parts[0] in COURSE_BESIDE and parts[1] in ("course_project",
                                                                       "course_work"):
        return f"{parts[0]}+{parts[1]}"
    return None
KINDS = {"общеобразовательная": "general", "оуд": "general", "огсэ": "general", "ен": "general",
         "оп": "op", "общепрофессиональная": "op", "мдк": "mdk", "уп": "up",
         "учебная практика": "up", "пп": "pp", "производственная практика": "pp", "пм": "pm",
         "профессиональный модуль": "pm"}


class _Checker:
    """Collects "Строка N: причина" for every bad value of every row."""

    def __init__(self):
        self.problems: list[str] = []

    def bad(self, number: int, reason: str) -> None:
        self.problems.append(_("Строка %(number)s: %(reason)s", number=number, reason=reason))

    def required(self, kind, number, row) -> bool:
        labels = dict(COLUMNS[kind])
        empty = [labels[k] for k in REQUIRED[kind] if row.get(k) in ("", None)]
        for label in empty:
            self.bad(number, _("не заполнено «%(label)s»", label=label))
        return not empty

    def parse(self, number, fn, *args):
        try:
            return fn(*args)
        except ValueError as exc:
            self.bad(number, str(exc))
            return None


def _lookup(model, column, values):
    values = {v for v in values if v}
    if not values:
        return {}
    return {getattr(obj, column): obj for obj in db.session.scalars(
        select(model).where(getattr(model, column).in_(values)))}


# --- students with parents --------------------------------------------------------------------
def _parent_of(check, number, row, n):
    data = {key: str(row.get(f"p{n}_{key}") or "").strip() for key, _ in PARENT_FIELDS}
    if not any(data.values()):
        return None
    if not (data["last_name"] and data["first_name"]):
        check.bad(number, _("родитель %(n)s: нужны фамилия и имя", n=n))
    if data["phone"] and not PHONE_RE.match(data["phone"]):
        check.bad(number, _("родитель %(n)s: телефон «%(phone)s» указан неверно", n=n,
                            phone=data["phone"]))
    if data["email"] and not EMAIL_RE.match(data["email"]):
        check.bad(number, _("родитель %(n)s: адрес «%(email)s» указан неверно", n=n,
                            email=data["email"]))
    return data


def _plan_students(table, check):
    groups = _lookup(StudentGroup, "name", [str(r.get("group") or "") for _, r in table])
    books = [str(r.get("record_book_number") or "") for _, r in table]
    taken = _lookup(Student, "record_book_number", books)
    seen, plan, day = {}, [], today()
    for number, row in table:
        if not check.required("students", number, row):
            continue
        group = groups.get(row["group"])
        if group is None:
            check.bad(number, _("группа «%(group)s» не найдена", group=row["group"]))
        born = check.parse(number, _date, row["birth_date"])
        if born and not (date(1920, 1, 1) <= born <= add_years(day, -10)):
            check.bad(number, _("дата рождения %(born)s невозможна для студента",
                                born=born.strftime("%d.%m.%Y")))
        book = row["record_book_number"]
        if book in taken:
            check.bad(number, _("зачётная книжка № %(book)s уже есть в базе", book=book))
        elif book in seen:
            check.bad(number, _("зачётная книжка № %(book)s повторяет строку %(line)s", book=book,
                                line=seen[book]))
        seen.setdefault(book, number)
        email = str(row.get("email") or "").strip()
        if email and not EMAIL_RE.match(email):
            check.bad(number, _("адрес «%(email)s» указан неверно", email=email))
        parents = [p for p in (_parent_of(check, number, row, n) for n in (1, 2)) if p]
        plan.append((row, group, born, email, parents))
    return plan


def _find_parent(cache, data):
    """Brothers and sisters share a parent: same full name and the same phone or e-mail."""
    key = (normalized(data["last_name"]), normalized(data["first_name"]),
           normalized(data["middle_name"]), normalized(data["phone"]) or normalized(data["email"]))
    if key not in cache:
        query = select(Parent).where(Parent.last_name == data["last_name"],
                                     Parent.first_name == data["first_name"])
        found = [p for p in db.session.scalars(query)
                 if normalized(p.middle_name) == key[2] and key[3]
                 and key[3] in (normalized(p.phone), normalized(p.email))]
        cache[key] = found[0] if found else Parent(
            last_name=data["last_name"], first_name=data["first_name"],
            middle_name=data["middle_name"] or None, phone=data["phone"] or None,
            email=data["email"] or None)
        db.session.add(cache[key])
    return cache[key]


def _write_students(plan) -> dict:
    cache, parents_before = {}, set()
    for row, group, born, email, parents in plan:
        student = Student(last_name=row["last_name"], first_name=row["first_name"],
                          middle_name=row.get("middle_name") or None, birth_date=born,
                          record_book_number=row["record_book_number"], group=group,
                          status="studying", email=email or None)
        db.session.add(student)
        db.session.add(GroupMembership(student=student, group=group, start_date=today()))
        for data in parents:
            parent = _find_parent(cache, data)
            if parent.id is not None:
                parents_before.add(parent.id)
            db.session.add(StudentParent(student=student, parent=parent,
                                         relation=data["relation"] or "parent"))
    return {"студентов": len(plan), "родителей": len(cache) - len(parents_before)}


# --- curricula ---------------------------------------------------------------------------------
def _kind_of(code: str, given) -> str:
    if given:
        kind = KINDS.get(normalized(given))
        if kind is None:
            raise ValueError(_("вид дисциплины «%(given)s» не распознан", given=given))
        return kind
    prefix = normalized(code).split(".", 1)[0]
    return KINDS.get(prefix, "general")


def _plan_curricula(table, check):
    specialties = _lookup(Specialty, "code", [r.get("specialty") for _, r in table])
    disciplines = _lookup(Discipline, "code", [r.get("code") for _, r in table])
    new_disciplines, seen, plan = {}, {}, []
    for number, row in table:
        if not check.required("curricula", number, row):
            continue
        specialty = specialties.get(row["specialty"])
        if specialty is None:
            check.bad(number, _("специальность «%(specialty)s» не найдена",
                                specialty=row["specialty"]))
        year = check.parse(number, _int, row["admission_year"], _("год набора"), 1990, 2100)
        semester = check.parse(number, _int, row["semester"], _("семестр"), 1, 10)
        hours = check.parse(number, _int, row["hours"], _("часы"), 1, 10000)
        form = assessment_form(row["assessment_form"])
        if form is None:
            check.bad(number, _("форма аттестации «%(form)s» не распознана (экзамен, "
                                "дифференцированный зачёт, зачёт, оценка, курсовой проект, "
                                "курсовая работа, экзамен по модулю; курсовой проект или работа "
                                "— через запятую после экзамена или зачёта)",
                                form=row["assessment_form"]))
        code, name = row["code"], str(row.get("name") or "").strip()
        discipline = disciplines.get(code)
        if discipline is None:
            kind = check.parse(number, _kind_of, code, row.get("kind"))
            if not name:
                check.bad(number, _("дисциплины «%(code)s» нет в базе: укажите её название",
                                    code=code))
            elif code in new_disciplines and new_disciplines[code][0] != name:
                check.bad(number, _("дисциплина «%(code)s» названа иначе, чем в строке "
                                    "%(line)s", code=code,
                                    line=new_disciplines[code][2]))
            new_disciplines.setdefault(code, (name, kind, number))
        key = (row["specialty"], year, code, semester)
        if key in seen:
            check.bad(number, _("дисциплина «%(code)s» в семестре %(semester)s повторяет строку "
                                "%(line)s", code=code, semester=semester, line=seen[key]))
        seen.setdefault(key, number)
        if specialty and discipline and year and semester and db.session.scalar(
                select(CurriculumItem.id).join(Curriculum).where(
                    Curriculum.specialty_id == specialty.id, Curriculum.admission_year == year,
                    CurriculumItem.discipline_id == discipline.id,
                    CurriculumItem.semester == semester)):
            check.bad(number, _("дисциплина «%(code)s» в семестре %(semester)s уже есть в учебном "
                                "плане", code=code, semester=semester))
        plan.append((specialty, year, code, semester, hours, form))
    return plan, disciplines, new_disciplines


def _write_curricula(plan, disciplines, new_disciplines) -> dict:
    for code, (name, kind, _number) in new_disciplines.items():
        disciplines[code] = Discipline(code=code, name=name, kind=kind)
        db.session.add(disciplines[code])
    curricula, created = {}, 0
    for specialty, year, code, semester, hours, form in plan:
        key = (specialty.id, year)
        if key not in curricula:
            curricula[key] = db.session.scalar(select(Curriculum).where(
                Curriculum.specialty_id == specialty.id, Curriculum.admission_year == year))
            if curricula[key] is None:
                curricula[key] = Curriculum(specialty=specialty, admission_year=year,
                                            name=f"{specialty.code} набор {year}")
                db.session.add(curricula[key])
                created += 1
        db.session.add(CurriculumItem(curriculum=curricula[key], discipline=disciplines[code],
                                      semester=semester, hours=hours, assessment_form=form))
    return {"строк учебных планов": len(plan), "новых планов": created,
            "новых дисциплин": len(new_disciplines)}


# --- teaching load -------------------------------------------------------------------------------
def _plan_load(table, check):
    years = _lookup(AcademicYear, "name", [r.get("year") for _, r in table])
    groups = _lookup(StudentGroup, "name", [r.get("group") for _, r in table])
    disciplines = _lookup(Discipline, "code", [r.get("code") for _, r in table])
    teachers = _lookup(User, "username", [r.get("teacher") for _, r in table])
    existing = {(l.academic_year_id, l.group_id, l.discipline_id,
                 normalized(l.subgroup.name) if l.subgroup else "")
                for l in db.session.scalars(select(TeachingLoad).options(
                    selectinload(TeachingLoad.subgroup)).where(
                    TeachingLoad.group_id.in_([g.id for g in groups.values()])))}
    seen, plan = {}, []
    for number, row in table:
        if not check.required("load", number, row):
            continue
        year, group = years.get(row["year"]), groups.get(row["group"])
        discipline, teacher = disciplines.get(row["code"]), teachers.get(row["teacher"])
        for found, what in ((year, f"учебный год «{row['year']}»"),
                            (group, f"группа «{row['group']}»"),
                            (discipline, f"дисциплина «{row['code']}»")):
            if found is None:
                check.bad(number, _("%(what)s не найден(а)", what=what))
        if teacher is None or not teacher.active or not {r.name for r in teacher.roles} & {
                "Teacher", "Curator"}:
            check.bad(number, _("преподаватель с логином «%(login)s» не найден",
                                login=row["teacher"]))
        hours = check.parse(number, _hours, row["hours"])
        sub_name = str(row.get("subgroup") or "").strip()
        key = (row["year"], row["group"], row["code"], normalized(sub_name))
        if key in seen:
            check.bad(number, _("нагрузка повторяет строку %(line)s", line=seen[key]))
        seen.setdefault(key, number)
        if year and group and discipline and (year.id, group.id, discipline.id,
                                              normalized(sub_name)) in existing:
            check.bad(number, _("такая строка нагрузки уже есть в базе"))
        plan.append((year, group, discipline, sub_name, teacher, hours))
    return plan


def _write_load(plan) -> dict:
    subgroups = {}
    for year, group, discipline, sub_name, teacher, hours in plan:
        subgroup = None
        if sub_name:  # 5.3: a subgroup of the group for this discipline; created if new
            key = (group.id, discipline.id, normalized(sub_name))
            if key not in subgroups:
                subgroups[key] = db.session.scalar(select(Subgroup).where(
                    Subgroup.group_id == group.id, Subgroup.name == sub_name,
                    Subgroup.discipline_id.in_([discipline.id]))) or Subgroup(
                    group=group, discipline=discipline, name=sub_name)
                db.session.add(subgroups[key])
            subgroup = subgroups[key]
        db.session.add(TeachingLoad(academic_year=year, group=group, discipline=discipline,
                                    subgroup=subgroup, teacher_id=teacher.id, hours=hours))
    db.session.flush()
    created = sum(generate_journals(y)[0] for y in {year.id for year, *_ in plan})
    return {"строк нагрузки": len(plan), "новых журналов": created}


# --- entry points ------------------------------------------------------------------------------
def import_file(kind: str, filename: str, data: bytes, user=None) -> dict:
    """Check the whole file, then write it in one transaction; raises ImportRefused."""
    if kind not in COLUMNS:
        raise ImportRefused([_("Неизвестный вид импорта.")])
    table = read_table(kind, filename, data)
    check = _Checker()
    with db.session.no_autoflush:
        if kind == "students":
            plan = _plan_students(table, check)
        elif kind == "curricula":
            plan = _plan_curricula(table, check)
        else:
            plan = _plan_load(table, check)
    if check.problems:
        db.session.rollback()
        raise ImportRefused(check.problems)
    try:
        if kind == "students":
            summary = _write_students(plan)
        elif kind == "curricula":
            summary = _write_curricula(*plan)
        else:
            summary = _write_load(plan)
        audit.record("import", kind, None, details=dict(summary, file=filename), user=user)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()  # e.g. the same rows written by someone else a moment ago
        raise ImportRefused([_("Файл не загружен: данные изменились во время загрузки, "
                               "повторите попытку.")]) from None
    return summary
