"""People screens: students, parents and their links, status history, staff profiles."""
from flask_appbuilder import ModelView
from flask_babel import lazy_gettext as _
from sqlalchemy import select

from ..models import (
    StudentGroup, GroupMembership, Parent, StaffProfile, Student, StudentParent, StudentStatusChange,
    Subgroup, SubgroupMember,
)
from ..services.scopes import group_filter, parent_filter, student_filter
from .base import EagerInterface, scoped
from .reference import LABELS

PEOPLE_LABELS = dict(
    LABELS,
    last_name=_("Фамилия"), first_name=_("Имя"), middle_name=_("Отчество"),
    birth_date=_("Дата рождения"), record_book_number=_("№ зачётной книжки"),
    user=_("Учётная запись"), email=_("Эл. почта"), phone=_("Телефон"),
    student=_("Студент"), parent=_("Родитель"), relation=_("Кем приходится"),
    kind=_("Вид изменения"), old_status=_("Было"), new_status=_("Стало"),
    order_number=_("№ приказа"), order_date=_("Дата приказа"),
    effective_date=_("Действует с"), from_group=_("Из группы"), to_group=_("В группу"),
    created_by=_("Кем внесено"), created_at=_("Когда"), position=_("Должность"),
    department=_("Отделение"), full_name=_("ФИО"),
)


class PeopleModelView(ModelView):
    page_size = 50
    label_columns = PEOPLE_LABELS


def _students_scope(user):
    return Student.id.in_(select(Student.id).where(student_filter(user)))


def _parents_scope(user):
    return Parent.id.in_(select(Parent.id).where(parent_filter(user)))


def _links_scope(user):
    return StudentParent.student_id.in_(select(Student.id).where(student_filter(user)))


def _status_scope(user):
    return StudentStatusChange.student_id.in_(select(Student.id).where(student_filter(user)))


def _membership_scope(user):
    return GroupMembership.student_id.in_(select(Student.id).where(student_filter(user)))


def _subgroup_member_scope(user):
    return SubgroupMember.subgroup_id.in_(
        select(Subgroup.id).where(Subgroup.group_id.in_(select(StudentGroup.id).where(
            group_filter(user)))))


class StudentParentView(PeopleModelView):
    datamodel = EagerInterface(StudentParent, eager=("student", "parent"))
    base_filters = [scoped(_links_scope)]
    list_title = show_title = _("Родители студентов")
    add_title = edit_title = _("Связь студент — родитель")
    list_columns = ["student", "parent", "relation"]
    search_columns = ["student", "parent", "relation"]
    add_columns = edit_columns = ["student", "parent", "relation"]


class StudentStatusChangeView(PeopleModelView):
    datamodel = EagerInterface(StudentStatusChange,
                               eager=("student", "from_group", "to_group", "created_by"))
    base_filters = [scoped(_status_scope)]
    list_title = show_title = _("Движение контингента")
    add_title = edit_title = _("Изменение статуса")
    list_columns = ["student", "kind", "old_status", "new_status", "order_number",
                    "order_date", "effective_date", "from_group", "to_group"]
    search_columns = ["student", "kind", "order_number", "order_date", "effective_date"]
    add_columns = edit_columns = ["student", "kind", "old_status", "new_status",
                                  "order_number", "order_date", "effective_date", "from_group",
                                  "to_group", "note"]
    base_order = ("order_date", "desc")


class GroupMembershipView(PeopleModelView):
    datamodel = EagerInterface(GroupMembership, eager=("student", "group"))
    base_filters = [scoped(_membership_scope)]
    list_title = show_title = _("Пребывание в группах")
    add_title = edit_title = _("Пребывание в группе")
    list_columns = ["student", "group", "start_date", "end_date"]
    search_columns = ["student", "group", "start_date", "end_date"]
    add_columns = edit_columns = ["student", "group", "start_date", "end_date"]


class SubgroupMemberView(PeopleModelView):
    datamodel = EagerInterface(SubgroupMember, eager=("subgroup.group", "student"))
    base_filters = [scoped(_subgroup_member_scope)]
    list_title = show_title = _("Состав подгрупп")
    add_title = edit_title = _("Студент подгруппы")
    list_columns = ["subgroup", "student"]
    search_columns = ["subgroup", "student"]
    add_columns = edit_columns = ["subgroup", "student"]


class StudentView(PeopleModelView):
    datamodel = EagerInterface(Student, eager=("group", "user"))
    base_filters = [scoped(_students_scope)]
    related_views = [StudentParentView, StudentStatusChangeView]
    list_title = show_title = _("Студенты")
    add_title = edit_title = _("Студент")
    list_columns = ["last_name", "first_name", "middle_name", "group", "record_book_number",
                    "birth_date", "status"]
    search_columns = ["last_name", "first_name", "group", "record_book_number", "status",
                      "birth_date"]
    add_columns = edit_columns = ["last_name", "first_name", "middle_name", "birth_date",
                                  "record_book_number", "group", "status", "email", "user"]
    show_columns = add_columns
    base_order = ("last_name", "asc")


class ParentView(PeopleModelView):
    datamodel = EagerInterface(Parent, eager=("user",))
    base_filters = [scoped(_parents_scope)]
    related_views = [StudentParentView]
    list_title = show_title = _("Родители (законные представители)")
    add_title = edit_title = _("Родитель")
    list_columns = ["last_name", "first_name", "middle_name", "phone", "email"]
    search_columns = ["last_name", "first_name", "phone", "email"]
    add_columns = edit_columns = ["last_name", "first_name", "middle_name", "phone", "email",
                                  "user"]
    base_order = ("last_name", "asc")


class StaffProfileView(PeopleModelView):
    datamodel = EagerInterface(StaffProfile, eager=("user", "department"))
    list_title = show_title = _("Сотрудники")
    add_title = edit_title = _("Сотрудник")
    list_columns = ["user", "middle_name", "position", "department"]
    search_columns = ["user", "position", "department"]
    add_columns = edit_columns = ["user", "middle_name", "position", "department"]


def register(appbuilder) -> None:
    people = dict(category="People", category_label=_("Люди"), category_icon="fa-user")
    appbuilder.add_view(StudentView, "StudentView", label=_("Студенты"),
                        icon="fa-user", **people)
    appbuilder.add_view(ParentView, "ParentView", label=_("Родители"),
                        icon="fa-user-o", **people)
    appbuilder.add_view(StudentParentView, "StudentParentView", label=_("Связи с родителями"),
                        icon="fa-link", **people)
    appbuilder.add_view(StudentStatusChangeView, "StudentStatusChangeView",
                        label=_("Движение контингента"), icon="fa-exchange", **people)
    appbuilder.add_view(GroupMembershipView, "GroupMembershipView",
                        label=_("Пребывание в группах"), icon="fa-history", **people)
    appbuilder.add_view(SubgroupMemberView, "SubgroupMemberView", label=_("Состав подгрупп"),
                        icon="fa-columns", **people)
    appbuilder.add_view(StaffProfileView, "StaffProfileView", label=_("Сотрудники"),
                        icon="fa-id-badge", **people)
