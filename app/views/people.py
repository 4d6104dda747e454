"""People screens: students, parents and their links, status history, staff profiles."""
from flask import g
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from wtforms.validators import Optional, Regexp

from ..infra.clock import add_years, today
from ..models import (
    GroupMembership, Parent, StaffProfile, Student, StudentParent,
    StudentStatusChange, SubgroupMember,
)
from ..security.access import STAFF
from ..services.college import contingent
from ..services.records import audit
from ..services.scopes import (
    group_filter, memberships_visible_to, parent_links_visible_to, parents_visible_to,
    status_changes_visible_to, students_visible_to, subgroup_members_visible_to,
    subgroups_visible_to,
)
from .base import (
    STATUS_CHANGE_KINDS, STUDENT_STATUSES, EagerInterface, JournalModelView, RecordRefused,
    date_order, scoped, scoped_choices, users_with_role,
)
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
    department=_("Отделение"), full_name=_("ФИО"), parent_links=_("Родители"),
    student_links=_("Дети"),
)
EMAIL = [Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                            message=_("Неверный адрес электронной почты."))]
PHONE = [Optional(), Regexp(r"^\+?[\d\s()\-]{6,20}$",
                            message=_("Телефон: цифры, пробелы, скобки и дефисы."))]
RELATIONS = {"parent": _("родитель")}


class PeopleModelView(JournalModelView):
    label_columns = PEOPLE_LABELS


# Row scopes: services/scopes.py (the staff member's current groups only, finding 8).
STUDENT_CHOICES = scoped_choices(students_visible_to)
GROUP_CHOICES = scoped_choices(group_filter)


class StudentParentView(PeopleModelView):
    datamodel = EagerInterface(StudentParent, eager=("student", "parent"))
    base_filters = [scoped(parent_links_visible_to)]
    list_title = show_title = _("Родители студентов")
    add_title = edit_title = _("Связь студент — родитель")
    list_columns = ["student", "parent", "relation"]
    search_columns = ["student", "parent", "relation"]
    add_columns = edit_columns = ["student", "parent", "relation"]
    formatters_columns = {"relation": lambda v: RELATIONS.get(v, v)}
    description_columns = {"relation": _("мать, отец, опекун, попечитель")}
    search_form_query_rel_fields = {"student": STUDENT_CHOICES,
                                    "parent": scoped_choices(parents_visible_to)}


class StudentStatusChangeView(PeopleModelView):
    datamodel = EagerInterface(StudentStatusChange,
                               eager=("student", "from_group", "to_group", "created_by"))
    base_filters = [scoped(status_changes_visible_to)]
    choices = {"kind": STATUS_CHANGE_KINDS, "new_status": STUDENT_STATUSES}
    list_title = show_title = _("Движение контингента")
    add_title = edit_title = _("Изменение статуса")
    list_columns = ["student", "kind", "old_status", "new_status", "order_number",
                    "order_date", "effective_date", "from_group", "to_group"]
    search_columns = ["student", "kind", "order_number", "order_date", "effective_date"]
    # The statuses follow from the order (5.2): they are shown, never typed in. Once applied,
    # an order's student and kind stay; only its particulars can be corrected (system
    # administrator; the administration enters orders, app/security/access.py).
    add_columns = ["student", "kind", "order_number", "order_date", "effective_date",
                   "to_group", "note"]
    edit_columns = ["order_number", "order_date", "effective_date", "to_group", "note"]
    base_order = ("order_date", "desc")
    formatters_columns = {"old_status": lambda v: STUDENT_STATUSES.get(v, v) if v else ""}
    search_form_query_rel_fields = {"student": STUDENT_CHOICES}

    def validate(self, item):
        date_order(item, "order_date", "effective_date",
                   _("Дата вступления в силу не может быть раньше даты приказа."),
                   allow_equal=True)

    def pre_add(self, item):
        super().pre_add(item)
        # the same consequences as the curator's form: status, membership, blocking request
        if item.student is None or not (item.order_number or "").strip() or not item.order_date:
            self.datamodel.session.rollback()
            raise RecordRefused(str(_("Укажите студента, номер и дату приказа.")))
        item.from_group_id = item.student.group_id
        with self.refusal_rolls_back():
            contingent.apply_status_change(g.user, item.student, item)


class GroupMembershipView(PeopleModelView):
    datamodel = EagerInterface(GroupMembership, eager=("student", "group"))
    base_filters = [scoped(memberships_visible_to)]
    list_title = show_title = _("Пребывание в группах")
    add_title = edit_title = _("Пребывание в группе")
    list_columns = ["student", "group", "start_date", "end_date"]
    search_columns = ["student", "group", "start_date", "end_date"]
    add_columns = edit_columns = ["student", "group", "start_date", "end_date"]
    search_form_query_rel_fields = {"student": STUDENT_CHOICES, "group": GROUP_CHOICES}

    def validate(self, item):
        date_order(item, "start_date", "end_date",
                   _("Дата окончания не может быть раньше даты начала."), allow_equal=True)


class SubgroupMemberView(PeopleModelView):
    datamodel = EagerInterface(SubgroupMember, eager=("subgroup.group", "student"))
    base_filters = [scoped(subgroup_members_visible_to)]
    list_title = show_title = _("Состав подгрупп")
    add_title = edit_title = _("Студент подгруппы")
    list_columns = ["subgroup", "student"]
    search_columns = ["subgroup", "student"]
    add_columns = edit_columns = ["subgroup", "student"]
    search_form_query_rel_fields = {"subgroup": scoped_choices(subgroups_visible_to),
                                    "student": STUDENT_CHOICES}

    def validate(self, item):
        # 5.3: a subgroup is part of the student's own group
        if item.subgroup and item.student and item.subgroup.group_id != item.student.group_id:
            raise RecordRefused(str(_("Студент не из группы этой подгруппы.")))


class StudentView(PeopleModelView):
    datamodel = EagerInterface(Student, eager=("group", "user"))
    base_filters = [scoped(students_visible_to)]
    related_views = [StudentParentView, StudentStatusChangeView]
    choices = {"status": STUDENT_STATUSES}
    list_title = show_title = _("Студенты")
    add_title = edit_title = _("Студент")
    list_columns = ["last_name", "first_name", "middle_name", "group", "record_book_number",
                    "birth_date", "status"]
    search_columns = ["last_name", "first_name", "middle_name", "group", "record_book_number",
                      "status", "birth_date"]
    add_columns = edit_columns = ["last_name", "first_name", "middle_name", "birth_date",
                                  "record_book_number", "group", "status", "email", "user"]
    show_columns = add_columns
    base_order = ("last_name", "asc")
    add_form_query_rel_fields = edit_form_query_rel_fields = {"user": users_with_role("Student")}
    search_form_query_rel_fields = {"group": GROUP_CHOICES}
    validators_columns = {"email": EMAIL}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        response = super().show(pk)
        audit.record("view", "student", pk)  # 4.1: who looked at a student's record
        self.datamodel.session.commit()
        return response

    def validate(self, item):
        born = item.birth_date
        if born and not (add_years(born, 10) <= today()
                         and born.year >= 1920):
            raise RecordRefused(str(_("Дата рождения указана неверно.")))


class ParentView(PeopleModelView):
    datamodel = EagerInterface(Parent, eager=("user",))
    base_filters = [scoped(parents_visible_to)]
    related_views = [StudentParentView]
    list_title = show_title = _("Родители (законные представители)")
    add_title = edit_title = _("Родитель")
    list_columns = ["last_name", "first_name", "middle_name", "phone", "email"]
    search_columns = ["last_name", "first_name", "middle_name", "phone", "email"]
    add_columns = edit_columns = ["last_name", "first_name", "middle_name", "phone", "email",
                                  "user"]
    base_order = ("last_name", "asc")
    add_form_query_rel_fields = edit_form_query_rel_fields = {"user": users_with_role("Parent")}
    validators_columns = {"email": EMAIL, "phone": PHONE}


class StaffProfileView(PeopleModelView):
    datamodel = EagerInterface(StaffProfile, eager=("user", "department"))
    list_title = show_title = _("Сотрудники")
    add_title = edit_title = _("Сотрудник")
    list_columns = ["user", "middle_name", "position", "department"]
    search_columns = ["user", "middle_name", "position", "department"]
    add_columns = edit_columns = ["user", "middle_name", "position", "department"]
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "user": users_with_role(*sorted(STAFF))}
    search_form_query_rel_fields = {"user": users_with_role(*sorted(STAFF))}


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
