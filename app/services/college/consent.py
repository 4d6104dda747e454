"""Consent to the processing of personal data (4.1: every action in the journal follows the
policy on personal data; 152-FZ art. 9).

A consent is recorded per person — a student or a parent: who gave it, when, on which document.
A minor student's consent is given by a parent linked to them (art. 9 p. 6: the legal
representative); an adult's and a parent's own by the person themselves. A withdrawal keeps the
record and adds its date and document. Who records them: the curator for the students and
parents of the groups they curate now (they collect the papers, as they issue the logins,
3.1); the administration and IT for anyone. Every change is in the audit log.

A login is not refused for want of a consent: the journal's data are processed because 273-FZ
obliges the college to keep them (152-FZ art. 6 p. 1.2); the consent covers the rest (the
portal for families, messages, e-mail), so the credential slip and the curator's pages warn.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ...errors import BadInput, Conflict, Forbidden, NotFound, Refused
from ...extensions import db
from ...infra import text_hygiene
from ...infra.clock import today
from ...models import Parent, Student, StudentGroup, StudentParent
from ...models.consent import DOCUMENT_MAX, PersonalDataConsent
from ...security.access import RECORDS_ANY_CONSENT
from ..records import audit
from ..scopes import current_curated_group_ids, minor_cutoff, role_names

ACTIVE = ("studying", "academic_leave")


def records_any(user) -> bool:
    return bool(role_names(user) & RECORDS_ANY_CONSENT)


def groups_for(user) -> list[StudentGroup]:
    """The groups whose consents this user keeps: every studying group for the administration
    and IT, the groups a curator curates now."""
    query = select(StudentGroup).where(StudentGroup.status == "active")
    if not records_any(user):
        if "Curator" not in role_names(user):
            return []
        query = query.where(StudentGroup.id.in_(current_curated_group_ids(user)))
    return db.session.scalars(query.order_by(StudentGroup.name)).all()


def group_for(user, group_id: int) -> StudentGroup:
    group = db.session.get(StudentGroup, group_id)
    if group is None:
        raise NotFound(_("Группа не найдена."))
    if not records_any(user) and db.session.scalar(select(StudentGroup.id).where(
            StudentGroup.id == group.id,
            StudentGroup.id.in_(current_curated_group_ids(user)))) is None:
        raise Forbidden(_("Согласия на обработку персональных данных группы ведёт её куратор, "
                          "администрация или отдел ИТ."))
    return group


def _keeps_student(user, student: Student) -> bool:
    if records_any(user):
        return True
    return "Curator" in role_names(user) and db.session.scalar(select(StudentGroup.id).where(
        StudentGroup.id == student.group_id,
        StudentGroup.id.in_(current_curated_group_ids(user)))) is not None


def _keeps_parent(user, parent: Parent) -> bool:
    if records_any(user):
        return True
    return "Curator" in role_names(user) and db.session.scalar(
        select(StudentParent.id).join(Student, Student.id == StudentParent.student_id).where(
            StudentParent.parent_id == parent.id,
            Student.group_id.in_(current_curated_group_ids(user))).limit(1)) is not None


def is_minor(student: Student, day: date) -> bool:
    return student.birth_date > minor_cutoff(day)


def _document(text, what) -> str:
    text = (text or "").strip()
    text_hygiene.check_text(what, text)
    if not text:
        raise BadInput(_("Укажите документ: например, «заявление-согласие от 01.09.2025 № 15»."))
    if len(text) > DOCUMENT_MAX:
        raise BadInput(_("Документ описан слишком длинно (не более 255 знаков)."))
    return text


def _day(value, what) -> date:
    if not isinstance(value, date):
        raise BadInput(_("Укажите %(what)s в виде дд.мм.гггг.", what=what))
    if value > today():
        raise BadInput(_("%(what)s не может быть позже сегодняшнего дня.", what=what.capitalize()))
    return value


def _active(student_id=None, parent_id=None):
    return db.session.scalars(select(PersonalDataConsent).where(
        PersonalDataConsent.withdrawn_on.is_(None),
        PersonalDataConsent.student_id == student_id if student_id is not None
        else PersonalDataConsent.parent_id == parent_id)).all()


def record(actor, given_on, document, student_id=None, parent_id=None,
           given_by_parent_id=None) -> PersonalDataConsent:
    """Record a consent for a student (given by them, or by their parent while they are a
    minor) or for a parent (given by the parent)."""
    given_on = _day(given_on, _("дату согласия"))
    document = _document(document, _("Документ"))
    if (student_id is None) == (parent_id is None):
        raise BadInput(_("Выберите, чьё согласие записать: студента или родителя."))
    given_by = None
    if student_id is not None:
        subject = db.session.get(Student, student_id)
        if subject is None:
            raise NotFound(_("Студент не найден."))
        if not _keeps_student(actor, subject):
            raise Forbidden(_("Согласие студента записывает куратор его группы, администрация "
                              "или отдел ИТ."))
        if is_minor(subject, given_on):  # art. 9 p. 6: the legal representative gives it
            if given_by_parent_id in (None, ""):
                raise Refused(_("%(student)s на дату согласия несовершеннолетний: согласие "
                                "даёт родитель (законный представитель) — выберите его.",
                                student=subject.full_name))
            given_by = db.session.scalar(select(Parent).join(
                StudentParent, StudentParent.parent_id == Parent.id).where(
                Parent.id == int(given_by_parent_id), StudentParent.student_id == subject.id))
            if given_by is None:
                raise Refused(_("Согласие за студента даёт только его родитель (законный "
                                "представитель), записанный в карточке студента."))
        elif given_by_parent_id not in (None, ""):
            raise Refused(_("%(student)s на дату согласия совершеннолетний: согласие даёт сам "
                            "студент.", student=subject.full_name))
    else:
        subject = db.session.get(Parent, parent_id)
        if subject is None:
            raise NotFound(_("Родитель не найден."))
        if not _keeps_parent(actor, subject):
            raise Forbidden(_("Согласие родителя записывает куратор группы его ребёнка, "
                              "администрация или отдел ИТ."))
    if _active(student_id, parent_id):
        raise Conflict(_("У %(person)s уже есть действующее согласие: чтобы записать новое, "
                         "сначала отметьте отзыв прежнего.", person=subject.full_name))
    consent = PersonalDataConsent(
        student_id=student_id, parent_id=parent_id,
        given_by_parent_id=given_by.id if given_by else None, given_on=given_on,
        document=document, recorded_by_id=actor.id)
    db.session.add(consent)
    db.session.flush()
    audit.record("consent_record", "personal_data_consent", consent.id, details={
        "student": student_id, "parent": parent_id,
        "given_by": given_by.full_name if given_by else None,
        "date": given_on.isoformat(), "document": document}, user=actor)
    return consent


def withdraw(actor, consent_id, withdrawn_on, document) -> PersonalDataConsent:
    """Mark a consent withdrawn on a date, by a document (art. 9 p. 2)."""
    consent = db.session.get(PersonalDataConsent, consent_id)
    if consent is None:
        raise NotFound(_("Согласие не найдено."))
    allowed = (_keeps_student(actor, consent.student) if consent.student is not None
               else _keeps_parent(actor, consent.parent))
    if not allowed:
        raise Forbidden(_("Отзыв согласия отмечает куратор группы, администрация или отдел ИТ."))
    if consent.withdrawn_on is not None:
        raise Conflict(_("Согласие уже отозвано %(day)s.",
                         day=consent.withdrawn_on.strftime("%d.%m.%Y")))
    withdrawn_on = _day(withdrawn_on, _("дату отзыва"))
    if withdrawn_on < consent.given_on:
        raise BadInput(_("Согласие не может быть отозвано раньше, чем дано (%(day)s).",
                         day=consent.given_on.strftime("%d.%m.%Y")))
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_document = _document(document, _("Документ"))
    consent.withdrawn_by_id = actor.id
    db.session.flush()
    audit.record("consent_withdraw", "personal_data_consent", consent.id, details={
        "student": consent.student_id, "parent": consent.parent_id,
        "date": withdrawn_on.isoformat(), "document": consent.withdrawal_document}, user=actor)
    return consent


@dataclass
class Person:
    """A student or a parent of the group's page with their consents (newest first)."""
    kind: str
    person: object
    consents: list = field(default_factory=list)
    minor: bool = False
    parents: list = field(default_factory=list)

    @property
    def active(self):
        return next((c for c in self.consents if c.withdrawn_on is None), None)


def group_people(group: StudentGroup) -> list[Person]:
    """The group's studying students, each with their parents, and everyone's consents — three
    queries whatever the size of the group."""
    students = db.session.scalars(select(Student).where(
        Student.group_id == group.id, Student.status.in_(ACTIVE)).order_by(
        Student.last_name, Student.first_name).options(
        selectinload(Student.parent_links).joinedload(StudentParent.parent))).all()
    parent_ids = {link.parent_id for s in students for link in s.parent_links}
    consents = db.session.scalars(select(PersonalDataConsent).where(or_(
        PersonalDataConsent.student_id.in_([s.id for s in students]),
        PersonalDataConsent.parent_id.in_(parent_ids))).options(
        joinedload(PersonalDataConsent.given_by)).order_by(
        PersonalDataConsent.given_on.desc(), PersonalDataConsent.id.desc())).all()
    by_student, by_parent = {}, {}
    for consent in consents:
        if consent.student_id is not None:
            by_student.setdefault(consent.student_id, []).append(consent)
        else:
            by_parent.setdefault(consent.parent_id, []).append(consent)
    day = today()
    return [Person("student", s, by_student.get(s.id, []), is_minor(s, day),
                   [Person("parent", link.parent, by_parent.get(link.parent_id, []))
                    for link in s.parent_links])
            for s in students]


def without_consent(people: list[Person]) -> dict:
    """Who of the group has no consent in force: students, and the parents of minors (whose
    children's data they read)."""
    students = [p.person for p in people if p.active is None]
    parents = list({p.person.id: p.person for row in people if row.minor
                    for p in row.parents if p.active is None}.values())
    return {"students": students, "parents": parents}


def parents_of(people: list[Person]) -> list:
    """The group's parents once each, in the order of their children (the form's choice of
    who gave a minor's consent)."""
    return list({p.person.id: p.person for row in people for p in row.parents}.values())


def has_consent(student: Student | None = None, parent: Parent | None = None) -> bool:
    """A consent in force for this person (the credential slip's warning)."""
    return bool(_active(student.id if student is not None else None,
                        parent.id if parent is not None else None))
