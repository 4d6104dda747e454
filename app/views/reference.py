"""Reference data screens: years, periods, specialties, groups, disciplines, curricula, load."""
from flask_babel import gettext, lazy_gettext as _
from sqlalchemy.orm import selectinload
from wtforms.validators import NumberRange, Optional, Regexp

from ..labels import (
    ASSESSMENT_FORMS, DISCIPLINE_KINDS, FORMS_OF_STUDY, LESSON_TYPES, PLAN_ROW_KINDS,
)
from ..models import (
    AcademicYear, Curriculum, CurriculumItem, CurriculumRow, Department, Discipline, Period,
    Specialty, StudentGroup, Subgroup, TeachingLoad, WorkProgram, WorkProgramTopic,
)
from ..security.access import TEACHES
from ..services.control import checks
from ..services.scopes import (
    disciplines_visible_to, group_filter, subgroups_visible_to, teaching_load_visible_to,
    work_program_topics_visible_to, work_programs_visible_to,
)
from .base import (
    GROUP_STATUSES, EagerInterface, JournalModelView, RecordRefused, date_order, scoped,
    scoped_choices, users_with_role,
)

LABELS = {
    "name": _("Название"), "code": _("Код"), "start_date": _("Начало"), "end_date": _("Окончание"),
    "academic_year": _("Учебный год"), "number": _("Номер"),
    "final_grade_deadline": _("Срок итоговых оценок"),
    "deadline_order_number": _("Номер приказа"), "deadline_order_date": _("Дата приказа"),
    "qualification": _("Квалификация"), "specialty": _("Специальность"),
    "admission_year": _("Год набора"), "graduation_date": _("Плановый выпуск"),
    "curator": _("Куратор"), "status": _("Статус"), "group": _("Группа"),
    "discipline": _("Дисциплина"), "kind": _("Вид"), "curriculum": _("Учебный план"),
    "semester": _("Семестр"), "hours": _("Часы"), "assessment_form": _("Форма аттестации"),
    "work_program": _("Рабочая программа"), "position": _("№"), "title": _("Тема"),
    "lesson_type": _("Тип занятия"), "subgroup": _("Подгруппа"), "teacher": _("Преподаватель"),
    "note": _("Примечание"), "items": _("Дисциплины плана"), "topics": _("Темы"),
    "form_of_study": _("Форма обучения"), "length_months": _("Срок обучения, мес."),
    "source_file": _("Файл «Планов»"), "index": _("Индекс"), "parent": _("Модуль"),
    "cycle": _("Цикл"), "semesters": _("Семестры: часы, формы контроля"),
    "competences": _("Компетенции"),
}
POSITIVE = NumberRange(min=1, message=_("Значение должно быть больше нуля."))


class AcademicYearView(JournalModelView):
    datamodel = EagerInterface(AcademicYear)
    label_columns = LABELS
    list_title = show_title = _("Учебные годы")
    add_title = _("Новый учебный год")
    edit_title = _("Учебный год")
    list_columns = ["name", "start_date", "end_date"]
    search_columns = ["name", "start_date", "end_date"]
    add_columns = edit_columns = ["name", "start_date", "end_date"]
    order_columns = ["name", "start_date"]
    base_order = ("start_date", "desc")
    validators_columns = {"name": [Regexp(r"^\d{4}/\d{4}$",
                                          message=_("Учебный год записывается как 2025/2026."))]}
    description_columns = {"name": _("Например, 2025/2026")}

    def validate(self, item):
        date_order(item, "start_date", "end_date",
                   _("Дата окончания должна быть позже даты начала."))


class PeriodView(JournalModelView):
    datamodel = EagerInterface(Period, eager=("academic_year",))
    label_columns = LABELS
    list_title = show_title = _("Учебные периоды")
    add_title = _("Новый период")
    edit_title = _("Период")
    list_columns = ["academic_year", "number", "name", "start_date", "end_date",
                    "final_grade_deadline", "deadline_order_number", "deadline_order_date"]
    search_columns = ["academic_year", "name", "final_grade_deadline"]
    add_columns = edit_columns = ["academic_year", "number", "name", "start_date", "end_date",
                                  "final_grade_deadline", "deadline_order_number",
                                  "deadline_order_date"]
    base_order = ("start_date", "desc")
    validators_columns = {"number": [NumberRange(1, 2, message=_("Номер семестра: 1 или 2."))]}

    def validate(self, item):
        date_order(item, "start_date", "end_date",
                   _("Дата окончания должна быть позже даты начала."))
        year = item.academic_year
        if year and item.start_date and item.end_date and not (
                year.start_date <= item.start_date and item.end_date <= year.end_date):
            raise RecordRefused(str(_("Период должен лежать внутри учебного года.")))
        # 4.7: the rule of the deputy's deadline form; its refusal is flashed like any other
        checks.check_deadline(item, item.final_grade_deadline, item.deadline_order_number,
                              item.deadline_order_date, unset_allowed=True)


class SpecialtyView(JournalModelView):
    datamodel = EagerInterface(Specialty)
    label_columns = LABELS
    list_title = show_title = _("Специальности")
    add_title = edit_title = _("Специальность")
    list_columns = ["code", "name", "qualification"]
    search_columns = ["code", "name", "qualification"]
    add_columns = edit_columns = ["code", "name", "qualification"]
    base_order = ("code", "asc")
    validators_columns = {"code": [Regexp(r"^\d{2}\.\d{2}\.\d{2}$",
                                          message=_("Код специальности: например, 09.02.07."))]}


class DepartmentView(JournalModelView):
    datamodel = EagerInterface(Department)
    label_columns = LABELS
    list_title = show_title = _("Отделения и цикловые комиссии")
    add_title = edit_title = _("Отделение")
    list_columns = add_columns = edit_columns = search_columns = ["name"]


class GroupView(JournalModelView):
    datamodel = EagerInterface(StudentGroup, eager=("specialty", "curator"))
    base_filters = [scoped(group_filter)]
    label_columns = LABELS
    choices = {"status": GROUP_STATUSES}
    list_title = show_title = _("Группы")
    add_title = edit_title = _("Группа")
    list_columns = ["name", "specialty", "admission_year", "graduation_date", "curator", "status"]
    search_columns = ["name", "specialty", "admission_year", "curator", "status"]
    add_columns = edit_columns = ["name", "specialty", "admission_year", "graduation_date",
                                  "curator", "status"]
    base_order = ("name", "asc")
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "curator": users_with_role("Curator")}
    search_form_query_rel_fields = {"curator": users_with_role("Curator")}
    validators_columns = {"admission_year": [NumberRange(
        1990, 2100, message=_("Год набора: четыре цифры, например 2024."))]}

    def validate(self, item):
        if item.graduation_date and item.admission_year and \
                item.graduation_date.year <= item.admission_year:
            raise RecordRefused(str(_("Плановый выпуск должен быть позже года набора.")))


class SubgroupView(JournalModelView):
    datamodel = EagerInterface(Subgroup, eager=("group", "discipline"))
    base_filters = [scoped(subgroups_visible_to)]
    label_columns = LABELS
    list_title = show_title = _("Подгруппы")
    add_title = edit_title = _("Подгруппа")
    list_columns = ["group", "discipline", "name"]
    search_columns = ["group", "discipline", "name"]
    add_columns = edit_columns = ["group", "discipline", "name"]
    search_form_query_rel_fields = {"group": scoped_choices(group_filter),
                                    "discipline": scoped_choices(disciplines_visible_to)}


class DisciplineView(JournalModelView):
    datamodel = EagerInterface(Discipline)
    base_filters = [scoped(disciplines_visible_to)]
    label_columns = LABELS
    choices = {"kind": DISCIPLINE_KINDS}
    list_title = show_title = _("Дисциплины, МДК, практики")
    add_title = edit_title = _("Дисциплина")
    list_columns = ["code", "name", "kind"]
    search_columns = ["code", "name", "kind"]
    add_columns = edit_columns = ["code", "name", "kind"]
    base_order = ("code", "asc")
    description_columns = {"code": _("Например, ОП.01, МДК.01.01, УП.01")}


class CurriculumItemView(JournalModelView):
    datamodel = EagerInterface(CurriculumItem, eager=("curriculum", "discipline"))
    label_columns = LABELS
    choices = {"assessment_form": ASSESSMENT_FORMS}
    list_title = show_title = _("Дисциплины учебных планов")
    add_title = edit_title = _("Дисциплина учебного плана")
    list_columns = ["curriculum", "discipline", "semester", "hours", "assessment_form"]
    search_columns = ["curriculum", "discipline", "semester", "assessment_form"]
    add_columns = edit_columns = ["curriculum", "discipline", "semester", "hours",
                                  "assessment_form"]
    validators_columns = {"semester": [NumberRange(1, 10, message=_("Семестр: от 1 до 10."))],
                          "hours": [POSITIVE]}


class _RowsInterface(EagerInterface):
    """A page of plan rows with their semesters in one more query (select-in), not one per row."""

    def apply_all(self, query, *args, **kwargs):
        return super().apply_all(query, *args, **kwargs).options(
            selectinload(CurriculumRow.semesters))


def _semesters(terms) -> str:
    """"1: 44 ч, Др; 2: 38 ч, Эк" — each semester's hours and forms of control."""
    return "; ".join(gettext("%(n)s: %(hours)s ч", n=t.semester, hours=f"{t.total.normalize():f}")
                     + (f", {', '.join(t.control.split())}" if t.control else "")
                     + (gettext(", %(weeks)s нед.", weeks=f"{t.weeks.normalize():f}")
                        if t.weeks else "") for t in terms)


class CurriculumRowView(JournalModelView):
    """The rows of a plan imported from «Планы» (read only: the plan is changed by importing
    its file again)."""
    datamodel = _RowsInterface(CurriculumRow, eager=("curriculum", "parent"))
    base_permissions = ["can_list", "can_show"]
    label_columns = LABELS
    choices = {"kind": PLAN_ROW_KINDS}
    formatters_columns = {"semesters": _semesters}
    list_title = show_title = _("Строки рабочих учебных планов")
    list_columns = ["index", "name", "kind", "parent", "semesters", "competences"]
    show_columns = ["curriculum", "index", "name", "cycle", "kind", "parent", "semesters",
                    "competences"]
    search_columns = ["curriculum", "index", "name", "kind"]
    base_order = ("position", "asc")
    page_size = 100


class CurriculumView(JournalModelView):
    datamodel = EagerInterface(Curriculum, eager=("specialty",))
    related_views = [CurriculumRowView, CurriculumItemView]
    label_columns = LABELS
    list_template = "plans/curricula_list.html"  # with the upload of a plan from «Планы»
    list_title = show_title = _("Учебные планы")
    add_title = edit_title = _("Учебный план")
    choices = {"form_of_study": FORMS_OF_STUDY}
    list_columns = ["name", "specialty", "admission_year", "qualification", "form_of_study",
                    "source_file"]
    show_columns = ["name", "specialty", "admission_year", "qualification", "form_of_study",
                    "length_months", "source_file"]
    search_columns = ["name", "specialty", "admission_year"]
    add_columns = edit_columns = ["name", "specialty", "admission_year"]
    validators_columns = {"admission_year": [NumberRange(
        1990, 2100, message=_("Год набора: четыре цифры, например 2024."))]}


class WorkProgramTopicView(JournalModelView):
    datamodel = EagerInterface(WorkProgramTopic, eager=("work_program",))
    base_filters = [scoped(work_program_topics_visible_to)]
    label_columns = LABELS
    choices = {"lesson_type": LESSON_TYPES}
    list_title = show_title = _("Темы рабочих программ")
    add_title = edit_title = _("Тема рабочей программы")
    list_columns = ["work_program", "position", "title", "hours", "lesson_type"]
    search_columns = ["work_program", "title", "lesson_type"]
    add_columns = edit_columns = ["work_program", "position", "title", "hours", "lesson_type"]
    base_order = ("position", "asc")
    search_form_query_rel_fields = {"work_program": scoped_choices(work_programs_visible_to)}
    validators_columns = {"position": [POSITIVE], "hours": [POSITIVE]}


class WorkProgramView(JournalModelView):
    datamodel = EagerInterface(WorkProgram, eager=("discipline", "specialty"))
    base_filters = [scoped(work_programs_visible_to)]
    related_views = [WorkProgramTopicView]
    label_columns = LABELS
    list_title = show_title = _("Рабочие программы")
    add_title = edit_title = _("Рабочая программа")
    list_columns = ["name", "discipline", "specialty"]
    search_columns = ["name", "discipline", "specialty"]
    add_columns = edit_columns = ["name", "discipline", "specialty"]
    search_form_query_rel_fields = {"discipline": scoped_choices(disciplines_visible_to)}


class TeachingLoadView(JournalModelView):
    datamodel = EagerInterface(TeachingLoad, eager=("academic_year", "group", "discipline",
                                                    "subgroup.group", "teacher"))
    base_filters = [scoped(teaching_load_visible_to)]
    label_columns = LABELS
    list_title = show_title = _("Педагогическая нагрузка")
    add_title = edit_title = _("Строка нагрузки")
    list_columns = ["academic_year", "group", "discipline", "subgroup", "teacher", "hours"]
    search_columns = ["academic_year", "group", "discipline", "teacher", "hours"]
    add_columns = edit_columns = ["academic_year", "group", "discipline", "subgroup", "teacher",
                                  "hours", "note"]
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "teacher": users_with_role(*TEACHES)}
    search_form_query_rel_fields = {"teacher": users_with_role(*TEACHES),
                                    "group": scoped_choices(group_filter),
                                    "discipline": scoped_choices(disciplines_visible_to)}
    validators_columns = {"hours": [NumberRange(min=0.5, message=_(
        "Часы должны быть больше нуля."))], "note": [Optional()]}

    def validate(self, item):
        # 5.3: a subgroup belongs to the load's group (and to its discipline, if it has one)
        sub = item.subgroup
        if sub is not None and (sub.group_id != getattr(item.group, "id", None) or (
                sub.discipline_id and sub.discipline_id != getattr(item.discipline, "id", None))):
            raise RecordRefused(str(_("Подгруппа не относится к выбранной группе и дисциплине.")))


def register(appbuilder) -> None:
    college = dict(category="College", category_label=_("Учебная часть"),
                   category_icon="fa-university")
    appbuilder.add_view(AcademicYearView, "AcademicYearView", label=_("Учебные годы"),
                        icon="fa-calendar", **college)
    appbuilder.add_view(PeriodView, "PeriodView", label=_("Периоды и сроки"),
                        icon="fa-calendar-check-o", **college)
    appbuilder.add_view(SpecialtyView, "SpecialtyView", label=_("Специальности"),
                        icon="fa-graduation-cap", **college)
    appbuilder.add_view(DepartmentView, "DepartmentView", label=_("Отделения"),
                        icon="fa-sitemap", **college)
    appbuilder.add_view(GroupView, "GroupView", label=_("Группы"), icon="fa-users", **college)
    appbuilder.add_view(SubgroupView, "SubgroupView", label=_("Подгруппы"),
                        icon="fa-columns", **college)
    plans = dict(category="Curricula", category_label=_("Планы и нагрузка"),
                 category_icon="fa-book")
    appbuilder.add_view(DisciplineView, "DisciplineView", label=_("Дисциплины"),
                        icon="fa-book", **plans)
    appbuilder.add_view(CurriculumView, "CurriculumView", label=_("Учебные планы"),
                        icon="fa-list-alt", **plans)
    appbuilder.add_view_no_menu(CurriculumRowView, "CurriculumRowView")
    appbuilder.add_view(CurriculumItemView, "CurriculumItemView",
                        label=_("Дисциплины планов"), icon="fa-list", **plans)
    appbuilder.add_view(WorkProgramView, "WorkProgramView", label=_("Рабочие программы"),
                        icon="fa-file-text-o", **plans)
    appbuilder.add_view(WorkProgramTopicView, "WorkProgramTopicView", label=_("Темы программ"),
                        icon="fa-list-ol", **plans)
    appbuilder.add_view(TeachingLoadView, "TeachingLoadView", label=_("Нагрузка"),
                        icon="fa-tasks", **plans)
