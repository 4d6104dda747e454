"""Practice: the practice of a group's curriculum, organisations, placements by order and the
mentors' accounts (issued by a practice supervisor or IT, with a credential slip)."""
import re

from flask import current_app
from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Discipline, Journal, User
from ...models.practice import Practice, PracticeCompetency, PracticeOrganisation, PracticePlacement
from ...security.access import CREATES_ANY_PRACTICE, IT_STAFF, SEES_COLLEGE, SUPERVISES_PRACTICE
from ..college import credentials
from ..journal.access import roster
from ..journal.final_grades import kinds_by_period
from ..journal.periods import period_on
from ..records import audit
from ..scopes import journal_filter, role_names
from .base import (
    MENTOR_ROLE, ORDER_MAX, PRACTICE_KINDS, PracticeConflict, PracticeDenied, PracticeError,
    PracticeNotFound, _date, _has_role, _id, _int, _order, _person_name, _text, _user,
)
from .scopes import is_supervisor, manages_practice


def journals_for_new_practice(user) -> list[Journal]:
    """Journals of УП/ПП disciplines without a practice yet that the user may make one of
    (2.2): any visible one for the deputy and the administration, their own for a teacher —
    as create_practice allows."""
    own = (journal_filter(user) if role_names(user) & CREATES_ANY_PRACTICE
           else Journal.teacher_id == user.id)
    return db.session.scalars(select(Journal).join(Discipline).where(
        Discipline.kind.in_(PRACTICE_KINDS), own,
        ~Journal.id.in_(select(Practice.journal_id))).options(
        joinedload(Journal.group), joinedload(Journal.discipline),
        joinedload(Journal.subgroup), joinedload(Journal.academic_year)).order_by(
        Journal.academic_year_id.desc(), Journal.group_id, Journal.id)).all()


def create_practice(user, journal_id, start_date, end_date, hours, supervisor_id,
                    competencies: list[tuple[str, str]], order_number=None,
                    order_date=None) -> Practice:
    """A practice of a group's curriculum on the journal of its practice discipline (УП/ПП):
    by the deputy, the administration or the journal's teacher."""
    journal = db.session.scalar(select(Journal).where(
        Journal.id == _id(journal_id, _("Журнал"))).options(
        joinedload(Journal.discipline), joinedload(Journal.academic_year)))
    if journal is None:
        raise PracticeNotFound(_("Журнал не найден."))
    if not (role_names(user) & CREATES_ANY_PRACTICE or journal.teacher_id == user.id):
        raise PracticeDenied(_("Практику создаёт заместитель директора, администрация или "
                               "преподаватель журнала практики."))
    if journal.discipline.kind not in PRACTICE_KINDS:
        raise PracticeError(_("Практика создаётся по журналу учебной (УП) или производственной "
                              "(ПП) практики."))
    start = _date(_("дату начала практики"), start_date)
    end = _date(_("дату окончания практики"), end_date)
    if end < start:
        raise PracticeError(_("Практика не может закончиться раньше, чем начнётся."))
    year = journal.academic_year
    if start < year.start_date or end > year.end_date:
        raise PracticeError(_("Даты практики должны лежать в учебном году %(year)s.",
                              year=year.name))
    hours = _int(_("Часы практики"), hours, 1, 2000)
    supervisor_id = journal.teacher_id if supervisor_id in (None, "") else \
        _id(supervisor_id, _("Руководитель"))
    supervisor = _user(supervisor_id)
    if supervisor is None or not supervisor.active or not (
            {r.name for r in supervisor.roles} & SUPERVISES_PRACTICE):
        raise PracticeError(_("Руководитель практики от колледжа — действующий преподаватель."))
    number, when = _order(order_number, order_date, required=False)
    items, seen = [], set()
    for position, pair in enumerate(competencies or [], start=1):
        try:
            code, title = pair
        except (TypeError, ValueError):
            raise PracticeError(_("Компетенция задаётся кодом и названием.")) from None
        code = _text(_("Код компетенции"), code, 16)
        title = _text(_("Название компетенции"), title, 500)
        if code.lower() in seen:
            raise PracticeError(_("Компетенция «%(code)s» указана дважды.", code=code))
        seen.add(code.lower())
        items.append(PracticeCompetency(code=code, title=title, position=position))
    if not items:
        raise PracticeError(_("Укажите компетенции (ПК, ОК), которые оценивает практика."))
    period = period_on(journal.academic_year_id, end)
    if period is None:
        raise PracticeError(_("Нет семестра, к которому относится окончание практики."))
    if "diff_credit" not in kinds_by_period(journal).get(period.id, []):
        raise PracticeError(_("Учебный план не предусматривает дифференцированный зачёт по "
                              "«%(discipline)s» в периоде «%(period)s»: оценку за практику некуда "
                              "выставить.", discipline=journal.discipline.name, period=period.name))
    if db.session.scalar(select(Practice.id).where(Practice.journal_id == journal.id)):
        raise PracticeConflict(_("Практика по этому журналу уже создана."))
    practice = Practice(journal_id=journal.id, period_id=period.id, start_date=start,
                        end_date=end, hours=hours, supervisor_id=supervisor.id,
                        order_number=number, order_date=when, competencies=items)
    db.session.add(practice)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise PracticeConflict(_("Практика по этому журналу уже создана.")) from None
    audit.record("create", "practice", practice.id, details={
        "journal": journal.id, "start": start.isoformat(), "end": end.isoformat(),
        "hours": hours, "supervisor": supervisor.id,
        "competencies": [c.code for c in items]}, user=user)
    return practice


def add_organisation(user, name, address=None, contact=None) -> PracticeOrganisation:
    """An organisation where students do practice: by a practice supervisor or the managers."""
    if not (role_names(user) & SEES_COLLEGE or is_supervisor(user)):
        raise PracticeDenied(_("Организации добавляет руководитель практики или администрация."))
    name = _text(_("Название организации"), name, 255)
    address = _text(_("Адрес"), address, 500, required=False) or None
    contact = _text(_("Контакты"), contact, 255, required=False) or None
    if db.session.scalar(select(PracticeOrganisation.id).where(
            func.lower(PracticeOrganisation.name) == name.lower())):
        raise PracticeConflict(_("Организация «%(name)s» уже есть в списке.", name=name))
    organisation = PracticeOrganisation(name=name, address=address, contact=contact)
    db.session.add(organisation)
    db.session.flush()
    audit.record("create", "practice_organisation", organisation.id,
                 details={"name": name, "address": address, "contact": contact}, user=user)
    return organisation


def organisations() -> list[PracticeOrganisation]:
    return db.session.scalars(select(PracticeOrganisation).order_by(
        PracticeOrganisation.name)).all()


def mentors() -> list:
    """Active accounts holding the Mentor role (for choosing the mentor of a placement)."""
    return db.session.scalars(select(User).where(
        User.active.is_(True), User.roles.any(Role.name == MENTOR_ROLE))
        .order_by(User.last_name, User.first_name)).all()


def _placement_problems(practice: Practice, student_id: int, organisation_id,
                        mentor_id) -> tuple[list[str], PracticeOrganisation | None, object]:
    """The reasons a placement is refused (shared by the form and the import)."""
    problems = []
    students = roster(practice.journal, practice.start_date, practice.end_date)
    if student_id not in {s["id"] for s in students}:
        problems.append(_("студент не учится в группе практики в её сроки"))
    organisation = db.session.get(PracticeOrganisation, organisation_id) \
        if organisation_id else None
    if organisation is None:
        problems.append(_("организация не найдена"))
    mentor = None
    if mentor_id not in (None, ""):
        mentor = _user(mentor_id)
        if not _has_role(mentor, MENTOR_ROLE) or not mentor.active:
            problems.append(_("наставник — не действующая учётная запись с ролью «Наставник от "
                              "организации»"))
    return problems, organisation, mentor


def _write_placement(user, practice, student_id, organisation, mentor, contract_number,
                     contract_date, number, when) -> PracticePlacement:
    placement = db.session.scalar(select(PracticePlacement).where(
        PracticePlacement.practice_id == practice.id,
        PracticePlacement.student_id == student_id))
    old = None
    if placement is None:
        placement = PracticePlacement(practice_id=practice.id, student_id=student_id,
                                      created_by_id=user.id)
        db.session.add(placement)
    else:
        old = {"organisation": placement.organisation_id, "mentor": placement.mentor_id,
               "order": placement.order_number}
    placement.organisation_id = organisation.id
    placement.mentor_id = mentor.id if mentor is not None else None
    placement.contract_number = contract_number
    placement.contract_date = contract_date
    placement.order_number, placement.order_date = number, when
    db.session.flush()
    audit.record("create" if old is None else "update", "practice_placement", placement.id,
                 details={"practice": practice.id, "student": student_id,
                          "organisation": organisation.id,
                          "mentor": mentor.id if mentor is not None else None,
                          "order": number, "order_date": when.isoformat(), "old": old},
                 user=user)
    return placement


# 4.1, 152-FZ: the contract with the organisation is the basis of the mentor's access
CONTRACT_REQUIRED = _l("У места практики с наставником от организации укажите номер и дату "
                       "договора о практике: это основание, по которому наставник видит данные "
                       "студента.")


def college_workshop() -> PracticeOrganisation:
    """The college itself as the organisation of a practice in its own workshop."""
    name = current_app.config.get("COLLEGE_NAME") or "Колледж"
    found = db.session.scalar(select(PracticeOrganisation).where(
        PracticeOrganisation.name == name))
    if found is None:
        found = PracticeOrganisation(name=name)
        db.session.add(found)
        db.session.flush()
    return found


def assign_placement(user, practice_id, student_id, organisation_id, mentor_id,
                     contract_number, contract_date, order_number,
                     order_date, in_college: bool = False) -> PracticePlacement:
    """Place a student of the practice's group at an organisation with a mentor, by order — or
    in the college's own workshop (`in_college`): no outside mentor, the supervisor attests.
    One placement per student and practice: placing again (a new order) replaces the old one."""
    practice = db.session.scalar(select(Practice).where(
        Practice.id == _id(practice_id, _("Практика"))).options(
        joinedload(Practice.journal).joinedload(Journal.academic_year)))
    if practice is None:
        raise PracticeNotFound(_("Практика не найдена."))
    if not manages_practice(user, practice):
        raise PracticeDenied(_("Распределяет на практику её руководитель от колледжа, заместитель "
                               "директора или администрация."))
    number, when = _order(order_number, order_date, required=True)
    contract_number = _text(_("№ договора"), contract_number, ORDER_MAX, required=False) or None
    contract_date = _date(_("дату договора"), contract_date, required=False)
    student_id = _id(student_id, _("Студент"))
    try:
        organisation_id = int(organisation_id) if organisation_id not in (None, "") else None
        mentor_id = int(mentor_id) if mentor_id not in (None, "") else None
    except (TypeError, ValueError):
        raise PracticeError(_("Выберите организацию и наставника из списка."), status=400) from None
    if in_college:
        if mentor_id is not None:
            raise PracticeError(_("Практика в мастерских колледжа проходит без наставника от "
                                  "организации: аттестационный лист заполняет руководитель "
                                  "практики."))
        organisation_id = organisation_id or college_workshop().id
    problems, organisation, mentor = _placement_problems(practice, student_id, organisation_id,
                                                         mentor_id)
    if problems:
        raise PracticeError(_("Распределение не сохранено: %(problems)s.",
                               problems="; ".join(problems)))
    if mentor is not None and not (contract_number and contract_date):
        raise PracticeError(CONTRACT_REQUIRED)
    try:
        placement = _write_placement(user, practice, student_id, organisation, mentor,
                                     contract_number, contract_date, number, when)
        placement.in_college = bool(in_college)
        db.session.flush()
        return placement
    except IntegrityError:
        db.session.rollback()
        raise PracticeConflict(_("Студента одновременно распределил другой пользователь: "
                                 "обновите страницу.")) from None


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def may_issue_mentor_accounts(user) -> bool:
    return bool(role_names(user) & IT_STAFF) or is_supervisor(user)


def mentor_accounts(user) -> list:
    """The mentors' names and logins, for those who issue their accounts: IT and the
    practices' supervisors (any other teacher has no business with them)."""
    if not may_issue_mentor_accounts(user):
        raise PracticeDenied(_("Учётные записи наставников видят руководитель практики и "
                               "отдел ИТ."))
    return mentors()


def issue_mentor_account(user, last_name, first_name, email) -> tuple:
    """A new account with the Mentor role and its one-time password (shown once, on the
    credential slip; changed at first login) — by IT or a practice supervisor."""
    if not may_issue_mentor_accounts(user):
        raise PracticeDenied(_("Учётную запись наставника выдаёт руководитель практики или "
                               "отдел ИТ."))
    last_name = _text(_("Фамилия"), last_name, 64)
    first_name = _text(_("Имя"), first_name, 64)
    email = _text(_("Эл. почта"), email, 255, required=False) or None
    if email and not EMAIL_RE.match(email):
        raise PracticeError(_("Адрес эл. почты указан неверно."), status=400)
    if current_app.appbuilder.sm.find_role(MENTOR_ROLE) is None:
        raise PracticeError(_("Роль «Наставник от организации» ещё не создана: выполните "
                              "flask journal init."))
    account = credentials._create_user("m.", last_name, first_name, email, MENTOR_ROLE)
    password = credentials._issue(user, account, True, "mentor")
    audit.record("create", "user", account.id, details={"role": MENTOR_ROLE,
                                                        "username": account.username},
                 user=user)
    return account, password


def mentor_slip(account, password: str):
    """The credential slip of a mentor account (services/credentials.Slip)."""
    return credentials.Slip(_person_name(account), account.username, password,
                            "Наставник от организации")
