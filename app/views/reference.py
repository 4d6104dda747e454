"""Reference data screens: years, periods, specialties, groups, disciplines, curricula, load."""
from flask_appbuilder import ModelView
from flask_babel import lazy_gettext as _

from ..models import (
    AcademicYear, Curriculum, CurriculumItem, Department, Discipline, StudentGroup, Period, Specialty,
    Subgroup, TeachingLoad, WorkProgram, WorkProgramTopic,
)
from ..services.scopes import group_filter, journal_filter
from .base import EagerInterface, scoped

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
}


class JournalModelView(ModelView):
    """Common settings: Russian labels, a sensible page size."""
    page_size = 50
    label_columns = LABELS


class AcademicYearView(JournalModelView):
    datamodel = EagerInterface(AcademicYear)
    list_title = show_title = _("Учебные годы")
    add_title = _("Новый учебный год")
    edit_title = _("Учебный год")
    list_columns = ["name", "start_date", "end_date"]
    search_columns = ["name", "start_date"]
    add_columns = edit_columns = ["name", "start_date", "end_date"]
    order_columns = ["name", "start_date"]
    base_order = ("start_date", "desc")


class PeriodView(JournalModelView):
    datamodel = EagerInterface(Period, eager=("academic_year",))
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


class SpecialtyView(JournalModelView):
    datamodel = EagerInterface(Specialty)
    list_title = show_title = _("Специальности")
    add_title = edit_title = _("Специальность")
    list_columns = ["code", "name", "qualification"]
    search_columns = ["code", "name"]
    add_columns = edit_columns = ["code", "name", "qualification"]
    base_order = ("code", "asc")


class DepartmentView(JournalModelView):
    datamodel = EagerInterface(Department)
    list_title = show_title = _("Отделения и цикловые комиссии")
    add_title = edit_title = _("Отделение")
    list_columns = add_columns = edit_columns = search_columns = ["name"]


class GroupView(JournalModelView):
    datamodel = EagerInterface(StudentGroup, eager=("specialty", "curator"))
    base_filters = [scoped(group_filter)]
    list_title = show_title = _("Группы")
    add_title = edit_title = _("Группа")
    list_columns = ["name", "specialty", "admission_year", "graduation_date", "curator", "status"]
    search_columns = ["name", "specialty", "admission_year", "curator", "status"]
    add_columns = edit_columns = ["name", "specialty", "admission_year", "graduation_date",
                                  "curator", "status"]
    base_order = ("name", "asc")


class SubgroupView(JournalModelView):
    datamodel = EagerInterface(Subgroup, eager=("group", "discipline"))
    list_title = show_title = _("Подгруппы")
    add_title = edit_title = _("Подгруппа")
    list_columns = ["group", "discipline", "name"]
    search_columns = ["group", "discipline", "name"]
    add_columns = edit_columns = ["group", "discipline", "name"]


class DisciplineView(JournalModelView):
    datamodel = EagerInterface(Discipline)
    list_title = show_title = _("Дисциплины, МДК, практики")
    add_title = edit_title = _("Дисциплина")
    list_columns = ["code", "name", "kind"]
    search_columns = ["code", "name", "kind"]
    add_columns = edit_columns = ["code", "name", "kind"]
    base_order = ("code", "asc")


class CurriculumItemView(JournalModelView):
    datamodel = EagerInterface(CurriculumItem, eager=("curriculum", "discipline"))
    list_title = show_title = _("Дисциплины учебных планов")
    add_title = edit_title = _("Дисциплина учебного плана")
    list_columns = ["curriculum", "discipline", "semester", "hours", "assessment_form"]
    search_columns = ["curriculum", "discipline", "semester", "assessment_form"]
    add_columns = edit_columns = ["curriculum", "discipline", "semester", "hours",
                                  "assessment_form"]


class CurriculumView(JournalModelView):
    datamodel = EagerInterface(Curriculum, eager=("specialty",))
    related_views = [CurriculumItemView]
    list_title = show_title = _("Учебные планы")
    add_title = edit_title = _("Учебный план")
    list_columns = ["name", "specialty", "admission_year"]
    search_columns = ["name", "specialty", "admission_year"]
    add_columns = edit_columns = ["name", "specialty", "admission_year"]


class WorkProgramTopicView(JournalModelView):
    datamodel = EagerInterface(WorkProgramTopic, eager=("work_program",))
    list_title = show_title = _("Темы рабочих программ")
    add_title = edit_title = _("Тема рабочей программы")
    list_columns = ["work_program", "position", "title", "hours", "lesson_type"]
    search_columns = ["work_program", "title", "lesson_type"]
    add_columns = edit_columns = ["work_program", "position", "title", "hours", "lesson_type"]
    base_order = ("position", "asc")


class WorkProgramView(JournalModelView):
    datamodel = EagerInterface(WorkProgram, eager=("discipline", "specialty"))
    related_views = [WorkProgramTopicView]
    list_title = show_title = _("Рабочие программы")
    add_title = edit_title = _("Рабочая программа")
    list_columns = ["name", "discipline", "specialty"]
    search_columns = ["name", "discipline", "specialty"]
    add_columns = edit_columns = ["name", "discipline", "specialty"]


def _load_filter(user):
    from sqlalchemy import select
    from ..models import Journal
    return TeachingLoad.id.in_(select(Journal.teaching_load_id).where(journal_filter(user)))


class TeachingLoadView(JournalModelView):
    datamodel = EagerInterface(TeachingLoad, eager=("academic_year", "group", "discipline",
                                                    "subgroup.group", "teacher"))
    base_filters = [scoped(_load_filter)]
    list_title = show_title = _("Педагогическая нагрузка")
    add_title = edit_title = _("Строка нагрузки")
    list_columns = ["academic_year", "group", "discipline", "subgroup", "teacher", "hours"]
    search_columns = ["academic_year", "group", "discipline", "teacher"]
    add_columns = edit_columns = ["academic_year", "group", "discipline", "subgroup", "teacher",
                                  "hours", "note"]


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
    appbuilder.add_view(CurriculumItemView, "CurriculumItemView",
                        label=_("Дисциплины планов"), icon="fa-list", **plans)
    appbuilder.add_view(WorkProgramView, "WorkProgramView", label=_("Рабочие программы"),
                        icon="fa-file-text-o", **plans)
    appbuilder.add_view(WorkProgramTopicView, "WorkProgramTopicView", label=_("Темы программ"),
                        icon="fa-list-ol", **plans)
    appbuilder.add_view(TeachingLoadView, "TeachingLoadView", label=_("Нагрузка"),
                        icon="fa-tasks", **plans)
