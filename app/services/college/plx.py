"""Reading a working curriculum saved by «Планы» (.plx, a .NET DataSet diffgram) (4.2).

The file is untrusted: it is parsed by defusedxml (no DTD, no entities), from its raw bytes
(UTF-16 or UTF-8 with a BOM, as «Планы» writes them). What is read: the specialty, the
qualification, the year of admission, the form and length of study; the rows with their
normalised index, name, cycle, kind and parent; per semester the hours by kind of work (the
volume hours only, the totals not added again, a module's hours left to its rows), the forms of
control by the plan's codes, practice weeks and complex forms; the competences of each row.
Anything wrong refuses the whole file with Russian reasons (`PlanRefused`)."""
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import gettext as _

from .import_tables import ImportRefused

COLLEGE_LEVELS = {"4", "5", "6"}  # СПО на базе 11 и 9 классов, СПО по профессии
FORMS_OF_STUDY = {"1": "full_time", "2": "part_time", "3": "mixed"}
# kinds of work (КодВидаРаботы) of the volume hours → the kind they are stored as
WORK_KINDS = {"101": "lectures", "102": "laboratory", "103": "practical", "104": "seminars",
              "107": "self_study", "141": "consultations", "108": "exam", "114": "course_design"}
NOT_HOURS = {"1000", "1004", "50"}  # Итого, переаттестовано, ЗЕТ: totals, not hours of work
WEEKS = "51"
# forms of control (КодТипРабот 7) → the plan's code; any other form of that type is Др
CONTROL = {"1": "Эк", "2": "За", "3": "ЗаО", "4": "КП", "5": "КР", "49": "Др"}
CONTROL_ORDER = ("Эк", "ЭМ", "ЗаО", "За", "КП", "КР", "Др")
VOLUME = "1"  # КодТипаЧасов: hours in volume; the others repeat part of them
# Latin letters that look like Cyrillic ones, as they slip into indices typed by hand
LOOK_ALIKES = str.maketrans("ABCEHKMOPTXYaceopxy", "АВСЕНКМОРТХУасеорху")
SPACES = re.compile(r"\s+")


class PlanRefused(ImportRefused):
    """The .plx file is refused whole; `problems` say what is wrong in Russian."""


@dataclass
class PlanSemester:
    hours: dict[str, Decimal] = field(default_factory=dict)
    weeks: Decimal | None = None
    control: tuple[str, ...] = ()
    complex_form: str | None = None
    complex_group: int | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), Decimal(0))


@dataclass
class PlanRow:
    index: str
    name: str
    cycle: str | None
    kind: str
    parent: str | None = None
    competences: tuple[str, ...] = ()
    semesters: dict[int, PlanSemester] = field(default_factory=dict)


@dataclass
class Plan:
    specialty_code: str
    specialty_name: str
    qualification: str | None
    admission_year: int
    form_of_study: str
    length_months: int | None
    rows: list[PlanRow]


def normal_index(value: str | None) -> str:
    """"  МДК.01.01" → "МДК.01.01"; "ПM.01.ЭК" (Latin M) → "ПМ.01.ЭК"."""
    return SPACES.sub("", value or "").translate(LOOK_ALIKES)


def normal_code(value: str | None) -> str:
    """A competence's code: spaces collapsed, look-alikes read as Cyrillic ("OK 1" → "ОК 1")."""
    return SPACES.sub(" ", value or "").strip().translate(LOOK_ALIKES)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _tables(root) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {}
    for element in root.iter():
        if element.attrib:
            tables.setdefault(_local(element.tag), []).append(element.attrib)
    return tables


def _root(data: bytes):
    if not data.strip():
        raise PlanRefused([_("Файл пуст.")])
    try:
        return fromstring(data)
    except DefusedXmlException:
        raise PlanRefused([_("Файл отклонён: в нём объявления DTD или сущностей, которых в "
                             "плане «Планов» не бывает.")]) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise PlanRefused([_("Файл повреждён: XML не читается (строка %(line)s). Сохраните "
                             "план в «Планах» заново.", line=line)]) from None


def _number(value, what: str) -> Decimal:
    try:
        number = Decimal(str(value or "0").replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number > 10000:
        raise ValueError(_("%(what)s: «%(value)s» — не число часов", what=what, value=value))
    return number


def _header(root, tables) -> tuple[dict, dict, int]:
    plans = tables.get("Планы") or []
    if _local(root.tag) != "Документ" or len(plans) != 1:
        raise PlanRefused([_("Это не учебный план программы «Планы» (.plx): в файле нет "
                             "таблицы «Планы».")])
    plan = plans[0]
    level = plan.get("КодУровняОбразования") or root.attrib.get("КодУровняОбразования")
    if level not in COLLEGE_LEVELS:
        names = {r.get("Код_записи"): r.get("Уровень") for r in tables.get("Уровень_образования",
                                                                            [])}
        raise PlanRefused([_("Уровень образования плана — «%(level)s», а не среднее "
                             "профессиональное: такой план колледж не ведёт.",
                             level=names.get(level) or level or "?")])
    per_course = plan.get("СеместровНаКурсе") or root.attrib.get("СеместровНаКурсе") or "2"
    return plan, root.attrib, int(per_course) if per_course.isdigit() else 2


def _specialty(plan, tables) -> tuple[str, str]:
    programme = next((r for r in tables.get("ООП", []) if r.get("Код") == plan.get("КодООП")),
                     None)
    code = (programme or {}).get("Шифр", "").strip()
    name = SPACES.sub(" ", (programme or {}).get("Название", "")).strip()
    if not re.fullmatch(r"\d{2}\.\d{2}\.\d{2}", code) or not name:
        raise PlanRefused([_("В плане не указана специальность (шифр вида 09.02.07 и "
                             "название).")])
    if name.isupper():
        name = name.capitalize()
    return code, name


def _kind(row: dict, index: str) -> str | None:
    """The row's kind, or None for a grouping without hours of its own (БД, ПД, a choice)."""
    kind = row.get("ТипОбъекта")
    if kind == "1":
        return "pm" if index.startswith("ПМ") else None
    if kind == "2":
        return "mdk" if index.startswith("МДК") else "discipline"
    if kind == "3":
        practice = {"6": "up", "7": "pp", "72": "pdp"}.get(row.get("ВидПрактики") or "")
        if practice:
            return practice
        return next((k for p, k in (("ПДП", "pdp"), ("УП", "up")) if index.startswith(p)), "pp")
    if kind == "4":
        return "module_exam"
    if kind == "6":
        return "gia"
    if kind == "5":
        return None
    raise ValueError(_("«%(index)s»: неизвестный тип строки плана (%(kind)s)", index=index,
                       kind=kind))


def _rows(tables, problems) -> dict[str, PlanRow]:
    """Plan rows by the file's own row code (ids are file-local, often negative)."""
    cycles = {c.get("Код"): normal_index(c.get("Идентификатор")) or None
              for c in tables.get("ПланыЦиклы", [])}
    rows: dict[str, PlanRow] = {}
    seen: dict[str, str] = {}
    for raw in tables.get("ПланыСтроки", []):
        index = normal_index(raw.get("ДисциплинаКод"))
        name = SPACES.sub(" ", raw.get("Дисциплина") or "").strip()
        if not index or not name:
            problems.append(_("Строка плана без индекса или названия («%(index)s %(name)s»).",
                              index=index, name=name))
            continue
        try:
            kind = _kind(raw, index)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if kind is None:
            continue
        if index in seen:
            problems.append(_("Индекс «%(index)s» встречается в плане дважды.", index=index))
            continue
        if len(index) > 16 or len(name) > 500:
            problems.append(_("«%(index)s»: индекс длиннее 16 или название длиннее 500 "
                              "символов.", index=index))
            continue
        seen[index] = raw.get("Код")
        rows[raw.get("Код")] = PlanRow(index=index, name=name,
                                       cycle=cycles.get(raw.get("КодБлока")), kind=kind,
                                       parent=raw.get("КодРодителя"))
    for row in rows.values():  # parents: МДК, practices and the module exam under their ПМ
        parent = rows.get(row.parent)
        row.parent = parent.index if parent is not None and parent.kind == "pm" else None
    return rows


def _semester_of(record, per_course: int) -> int:
    course, term = int(record.get("Курс") or 0), int(record.get("Семестр") or 0)
    if course < 1 or term < 1 or term > per_course:
        raise ValueError(_("часы записаны без семестра (курс %(course)s, семестр %(term)s)",
                           course=course, term=term))
    semester = (course - 1) * per_course + term
    if semester > 10:
        raise ValueError(_("семестр %(semester)s — больше десяти", semester=semester))
    return semester


def _work_types(tables) -> tuple[set[str], set[str]]:
    """Kinds of work that are forms of control (КодТипРабот 7) and those that are no student's
    hours (8: the commission's and supervisor's load of ГИА), by the file's own reference."""
    types = {r.get("Код"): r.get("КодТипРабот") for r in tables.get("СправочникВидыРабот", [])}
    forms = {code for code, kind in types.items() if kind == "7"} | set(CONTROL)
    return forms, {code for code, kind in types.items() if kind == "8"} | NOT_HOURS


def _hours(tables, rows, per_course, problems) -> None:
    forms: dict[tuple[str, int], set[str]] = {}
    form_codes, not_hours = _work_types(tables)
    for record in tables.get("ПланыНовыеЧасы", []):
        row = rows.get(record.get("КодОбъекта"))
        if row is None or row.kind == "pm" or record.get("КодТипаЧасов") != VOLUME:
            continue  # a module holds its rows' sums; other kinds of hours repeat the volume
        if (record.get("Сессия") or "0") != "0":
            continue  # a part-time plan repeats a course's hours by session
        work = record.get("КодВидаРаботы") or ""
        if work in not_hours:
            continue
        try:
            semester = _semester_of(record, per_course)
            term = row.semesters.setdefault(semester, PlanSemester())
            if work == WEEKS:
                weeks = _number(record.get("Недель"), _("недели"))
                term.weeks = (term.weeks or Decimal(0)) + weeks
            elif work in form_codes:
                code = CONTROL.get(work, "Др")
                if code == "Эк" and row.kind == "module_exam":
                    code = "ЭМ"
                forms.setdefault((record.get("КодОбъекта"), semester), set()).add(code)
            else:
                amount = _number(record.get("Количество"), _("часы"))
                kind = WORK_KINDS.get(work, "other")
                term.hours[kind] = term.hours.get(kind, Decimal(0)) + amount
        except ValueError as exc:
            problems.append(_("«%(index)s»: %(reason)s", index=row.index, reason=str(exc)))
    for (code, semester), found in forms.items():
        rows[code].semesters[semester].control = tuple(c for c in CONTROL_ORDER if c in found)


def _complex_forms(tables, rows, per_course, problems) -> None:
    """Комплексный экзамен или зачёт: one form over several rows in one semester."""
    groups = {}
    for number, form in enumerate(tables.get("КомплексныеФК", []), start=1):
        groups[form.get("Код")] = (number, CONTROL.get(form.get("КодВидаРабот") or "", "Др"))
    for link in tables.get("Строки_КомплексныеФК", []):
        row, group = rows.get(link.get("КодСтроки")), groups.get(link.get("КодКомплекснойФК"))
        if row is None or group is None:
            continue
        try:
            semester = _semester_of(link, per_course)
        except ValueError as exc:
            problems.append(_("«%(index)s»: %(reason)s", index=row.index, reason=str(exc)))
            continue
        term = row.semesters.setdefault(semester, PlanSemester())
        term.complex_group, term.complex_form = group


def _competences(tables, rows) -> None:
    codes = {c.get("Код"): normal_code(c.get("ШифрКомпетенции"))
             for c in tables.get("ПланыКомпетенции", [])}
    order = {code: n for n, code in enumerate(codes.values())}
    linked: dict[str, set[str]] = {}
    for link in tables.get("ПланыКомпетенцииДисциплины", []):
        code = codes.get(link.get("КодКомпетенции"))
        if code and link.get("КодСтроки") in rows:
            linked.setdefault(link.get("КодСтроки"), set()).add(code)
    for key, found in linked.items():
        rows[key].competences = tuple(sorted(found, key=order.get))


def _check_rows(rows: list[PlanRow], problems) -> None:
    has_children = {row.parent for row in rows if row.parent}
    for row in rows:
        if row.kind == "pm":
            if row.index not in has_children:
                problems.append(_("Модуль «%(index)s %(name)s» без МДК, практик и экзамена.",
                                  index=row.index, name=row.name))
        elif not any(t.total or t.weeks for t in row.semesters.values()):
            problems.append(_("Строка «%(index)s %(name)s» без часов по семестрам.",
                              index=row.index, name=row.name))


def read_plan(data: bytes) -> Plan:
    """The plan of a .plx file; raises PlanRefused with every problem found."""
    root = _root(data)
    tables = _tables(root)
    plan, _document, per_course = _header(root, tables)
    code, name = _specialty(plan, tables)
    problems: list[str] = []
    year = plan.get("ГодНачалаПодготовки") or ""
    if not (year.isdigit() and 1990 <= int(year) <= 2100):
        problems.append(_("В плане не указан год начала подготовки."))
    form = FORMS_OF_STUDY.get(plan.get("КодФормыОбучения") or "")
    if form is None:
        problems.append(_("В плане не указана форма обучения."))
    years, months = plan.get("СрокОбучения") or "", plan.get("СрокОбученияМесяцев") or "0"
    length = (int(years) * 12 + int(months)) if years.isdigit() and months.isdigit() else None
    rows = _rows(tables, problems)
    _hours(tables, rows, per_course, problems)
    _complex_forms(tables, rows, per_course, problems)
    _competences(tables, rows)
    ordered = list(rows.values())
    if not ordered:
        problems.append(_("В плане нет ни одной строки с дисциплинами."))
    _check_rows(ordered, problems)
    if problems:
        raise PlanRefused(problems)
    qualification = SPACES.sub(" ", plan.get("Квалификация") or "").strip()[:128] or None
    return Plan(specialty_code=code, specialty_name=name[:255], qualification=qualification,
                admission_year=int(year), form_of_study=form, length_months=length or None,
                rows=ordered)
