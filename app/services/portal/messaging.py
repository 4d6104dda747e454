"""Messages (2.2, 3.6): who may write to whom is decided by `recipient_condition` alone;
send, reply, broadcast, inbox, sent, threads, unread counter and search all go through it."""
from datetime import timedelta

from flask import current_app
from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ...errors import BadInput
from ...extensions import db
from ...infra import clock, text_hygiene
from ...models import Journal, Message, Parent, Student, StudentGroup, StudentParent, SubgroupMember
from ...models.base import utcnow
from ...security.access import ROLES as ROLE_NAMES
from ...security.access import STAFF, TEACHES, WRITES_TO_ADMINISTRATION, WRITES_TO_ANY_FAMILY
from ..notifications import events as notification_events
from ..records import audit
from ..scopes import (
    curated_group_ids, current_curated_group_ids, parent_child_condition, parent_children,
    role_names, taught_student_ids,
)

MAX_BODY = 10000
MAX_SUBJECT = 255
ROLE_ORDER = ("Administration", "Deputy", "IT", "Teacher", "Admin")  # how a staff role reads


class MessagingError(BadInput):
    """A message refused (3.6): its recipient, subject or text."""


class MessageDenied(MessagingError):
    status = 403


class MessageNotFound(MessagingError):
    status = 404


def _teachers_of(students):
    """Teachers of these students' journals (their own subgroup only, 5.3)."""
    subgroups = select(SubgroupMember.subgroup_id).where(SubgroupMember.student_id.in_(students))
    return select(Journal.teacher_id).where(
        Journal.group_id.in_(select(Student.group_id).where(Student.id.in_(students))),
        or_(Journal.subgroup_id.is_(None), Journal.subgroup_id.in_(subgroups)))


def _curators_of(students):
    return select(StudentGroup.curator_id).where(
        StudentGroup.id.in_(select(Student.group_id).where(Student.id.in_(students))))


def _parents_of(students):
    return select(Parent.user_id).join(StudentParent).where(
        StudentParent.student_id.in_(students), Parent.user_id.is_not(None))


def recipient_condition(sender):
    """THE rule (2.2, 3.6): SQL condition on User — the accounts `sender` may write to.

    A student → their curator and teachers; a parent → the curator and teachers of a child
    they may still see, and the administration; staff ↔ staff; a curator → the students of
    their groups and the parents of those who are minors; a teacher → the students of their
    journals of this year and the parents of those who are minors (parent_child_condition);
    the director and deputies → any student at the college and any parent of a minor at it."""
    roles = role_names(sender)
    allowed = []
    if roles & STAFF:
        allowed.append(User.roles.any(Role.name.in_(STAFF)))
    if roles & WRITES_TO_ANY_FAMILY:
        studying = select(Student.id).where(Student.status.in_(("studying", "academic_leave")))
        allowed.append(User.id.in_(select(Student.user_id).where(Student.id.in_(studying))))
        allowed.append(User.id.in_(_parents_of(select(Student.id).where(
            parent_child_condition()))))
    if roles & TEACHES:
        taught = taught_student_ids(sender)
        allowed.append(User.id.in_(select(Student.user_id).where(Student.id.in_(taught))))
        allowed.append(User.id.in_(_parents_of(select(Student.id).where(
            Student.id.in_(taught), parent_child_condition()))))
    if "Curator" in roles:
        pupils = select(Student.id).where(Student.group_id.in_(curated_group_ids(sender)),
                                          Student.status.in_(("studying", "academic_leave")))
        allowed.append(User.id.in_(select(Student.user_id).where(Student.id.in_(pupils))))
        # 1.4: parents are users while the child is a minor; an adult's parent is answered only
        allowed.append(User.id.in_(_parents_of(select(Student.id).where(
            Student.id.in_(pupils), parent_child_condition()))))
    if "Student" in roles:
        me = select(Student.id).where(Student.user_id == sender.id)
        allowed.append(User.id.in_(_curators_of(me)))
        allowed.append(User.id.in_(_teachers_of(me)))
    if "Parent" in roles:
        children = select(Student.id).where(Student.id.in_(parent_children(sender)),
                                            parent_child_condition())
        allowed.append(User.id.in_(_curators_of(children)))
        allowed.append(User.id.in_(_teachers_of(children)))
        allowed.append(User.roles.any(Role.name.in_(WRITES_TO_ADMINISTRATION)))
    if not allowed:
        return False
    return and_(or_(*allowed), User.id != sender.id, User.active.is_(True))


def allowed_recipients(sender) -> list[User]:
    condition = recipient_condition(sender)
    if condition is False:
        return []
    return db.session.scalars(select(User).where(condition).options(selectinload(User.roles))
                              .order_by(User.last_name, User.first_name)).all()


def grouped(users, who: dict[int, str]) -> list[tuple[str, list]]:
    """The recipient list in three parts — staff, students, parents — empty parts left out."""
    parts = {"Сотрудники": [], "Студенты": [], "Родители": []}
    for user in users:
        text = who.get(user.id, "")
        part = ("Студенты" if text.startswith(ROLE_NAMES["Student"]) else
                "Родители" if text.startswith("Родитель") else "Сотрудники")
        parts[part].append(user)
    return [(title, members) for title, members in parts.items() if members]


def describe(users) -> dict[int, str]:
    """Who a correspondent is, as the recipient list shows it: role in Russian and group
    («Студент, ИС-24-1», «Родитель: Смирнов А.И., ИС-24-1», «Преподаватель, куратор ИС-24-1»).
    A fixed number of queries for any number of users (roles loaded with the users)."""
    ids = [u.id for u in users]
    if not ids:
        return {}
    students = dict(db.session.execute(select(Student.user_id, StudentGroup.name).join(
        StudentGroup, StudentGroup.id == Student.group_id).where(Student.user_id.in_(ids))).all())
    children = {}
    for user_id, child, group in db.session.execute(
            select(Parent.user_id, Student, StudentGroup.name)
            .join(StudentParent, StudentParent.parent_id == Parent.id)
            .join(Student, Student.id == StudentParent.student_id)
            .join(StudentGroup, StudentGroup.id == Student.group_id)
            .where(Parent.user_id.in_(ids)).order_by(Student.last_name)):
        children.setdefault(user_id, []).append(f"{child.short_name}, {group}")
    curated = {}
    for user_id, group in db.session.execute(select(StudentGroup.curator_id, StudentGroup.name)
                                             .where(StudentGroup.curator_id.in_(ids))
                                             .order_by(StudentGroup.name)):
        curated.setdefault(user_id, []).append(group)
    out = {}
    for user in users:
        roles = {r.name for r in user.roles}
        if user.id in students:
            out[user.id] = f"{ROLE_NAMES['Student']}, {students[user.id]}"
        elif user.id in children:
            out[user.id] = "Родитель: " + "; ".join(children[user.id])
        else:
            parts = [ROLE_NAMES[r] for r in ROLE_ORDER if r in roles]
            if user.id in curated:
                parts.append("куратор " + ", ".join(curated[user.id]))
            out[user.id] = ", ".join(parts)
    return out


def may_write(sender, recipient_id: int, thread: Message | None = None) -> bool:
    condition = recipient_condition(sender)
    if condition is not False and db.session.scalar(
            select(User.id).where(User.id == recipient_id, condition)) is not None:
        return True
    # An answer in a thread the other side opened: a teacher answers a student's question.
    return thread is not None and db.session.scalar(select(Message.id).where(
        or_(Message.id == thread.id, Message.thread_id == thread.id),
        Message.sender_id == recipient_id, Message.recipient_id == sender.id).limit(1)) is not None


class MessagesTooFast(MessagingError):
    status = 429


def _within_limit(sender) -> None:
    """At most MESSAGES_PER_MINUTE sends an account makes in a minute (a broadcast to a
    group's parents is one send: its copies share one moment), counted in the database so
    that every worker counts alike."""
    limit = int(current_app.config.get("MESSAGES_PER_MINUTE", 30))
    sends = db.session.scalar(select(func.count(func.distinct(Message.created_at))).where(
        Message.sender_id == sender.id, Message.created_at >= utcnow() - timedelta(minutes=1)))
    if sends >= limit:
        raise MessagesTooFast(_("Не более %(limit)s сообщений в минуту: подождите минуту и "
                                "отправьте снова.", limit=limit))


def _clean(subject, body) -> tuple[str, str]:
    subject, body = (subject or "").strip(), (body or "").strip()
    text_hygiene.check_message_text(str(_("Тема")), subject)
    text_hygiene.check_message_text(str(_("Текст")), body)
    if not subject:
        raise MessagingError(_("Укажите тему сообщения."))
    if not body:
        raise MessagingError(_("Напишите текст сообщения."))
    if len(subject) > MAX_SUBJECT:
        raise MessagingError(_("Тема слишком длинная (не более 255 знаков)."))
    if len(body) > MAX_BODY:
        raise MessagingError(_("Сообщение слишком длинное (не более 10000 знаков)."))
    return subject, body


def _to_int(value, message):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise MessagingError(message) from None


def send(sender, recipient_id, subject, body, reply_to=None) -> Message:
    """Send one message (or an answer in a thread); refused unless the rule allows it."""
    subject, body = _clean(subject, body)
    _within_limit(sender)
    recipient_id = _to_int(recipient_id, _("Выберите получателя."))
    thread = None
    if reply_to not in (None, ""):
        parent = visible_message(sender, reply_to)
        thread = db.session.get(Message, parent.thread_id or parent.id)
    if db.session.get(User, recipient_id) is None:
        raise MessagingError(_("Получатель не найден."))
    if not may_write(sender, recipient_id, thread):
        raise MessageDenied(_("Вы не можете писать этому пользователю."))
    message = Message(sender_id=sender.id, recipient_id=recipient_id, subject=subject,
                      body=body, thread_id=thread.id if thread else None)
    db.session.add(message)
    db.session.flush()
    audit.record("message_send", "message", message.id,  # no text in the audit (4.1)
                 details={"recipient_id": recipient_id, "thread_id": message.thread_id})
    notification_events.messages([message])
    db.session.commit()
    return message


def broadcast_groups(user) -> list[StudentGroup]:
    """The groups a curator may write to at once, students or parents: those they curate now."""
    if "Curator" not in role_names(user):
        return []
    return db.session.scalars(select(StudentGroup).where(
        StudentGroup.id.in_(current_curated_group_ids(user))).order_by(StudentGroup.name)).all()


AUDIENCES = ("parents", "students")  # a group's message goes to its parents or its students


def broadcast_group(sender, group_id, subject, body, audience="parents") -> list[Message]:
    """A curator writes to every student or every parent of the group at once (2.2): each
    gets their own copy, and an answer comes back to the curator alone, as a thread of two."""
    subject, body = _clean(subject, body)
    if audience not in AUDIENCES:
        raise MessagingError(_("Выберите, кому отправить: студентам или родителям группы."))
    _within_limit(sender)
    group_id = _to_int(group_id, _("Выберите группу."))
    roles = role_names(sender)
    if "Curator" not in roles or db.session.scalar(select(StudentGroup.id).where(
            StudentGroup.id == group_id,
            StudentGroup.id.in_(current_curated_group_ids(sender)))) is None:
        raise MessageDenied(_("Рассылка группе доступна куратору только по своим группам."))
    pupils = select(Student.id).where(Student.group_id == group_id,
                                      Student.status.in_(("studying", "academic_leave")))
    accounts = (_parents_of(pupils) if audience == "parents" else
                select(Student.user_id).where(Student.id.in_(pupils)))
    recipients = db.session.scalars(select(User.id).where(
        User.id.in_(accounts), recipient_condition(sender)).order_by(User.id)).all()
    if not recipients:
        raise MessagingError(_("У родителей этой группы нет учётных записей.")
                             if audience == "parents" else
                             _("У студентов этой группы нет учётных записей."))
    now = utcnow()  # one moment for every copy: one send (_within_limit)
    messages = [Message(sender_id=sender.id, recipient_id=rid, subject=subject, body=body,
                        created_at=now) for rid in recipients]
    db.session.add_all(messages)
    db.session.flush()
    for message in messages:
        audit.record("message_send", "message", message.id,
                     details={"recipient_id": message.recipient_id, "group_id": group_id,
                              "broadcast": True, "audience": audience})
    notification_events.messages(messages)
    db.session.commit()
    return messages


def visible_message(user, message_id) -> Message:
    message = db.session.get(Message, _to_int(message_id, _("Сообщение не найдено.")))
    if message is None or user.id not in (message.sender_id, message.recipient_id):
        raise MessageNotFound(_("Сообщение не найдено."))
    return message


def thread_messages(user, message_id) -> list[Message]:
    """The whole thread as this user sees it; their unread messages become read."""
    message = visible_message(user, message_id)
    root = message.thread_id or message.id
    messages = db.session.scalars(
        select(Message).where(or_(Message.id == root, Message.thread_id == root),
                              or_(Message.sender_id == user.id, Message.recipient_id == user.id))
        .order_by(Message.created_at, Message.id)).all()
    now = clock.now()
    changed = False
    for item in messages:
        if item.recipient_id == user.id and item.read_at is None:
            item.read_at, changed = now, True
    if changed:
        db.session.commit()
    return messages


def _search(query, text):
    text = (text or "").strip()
    if not text:
        return query
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return query.where(or_(Message.subject.ilike(pattern, escape="\\"),
                           Message.body.ilike(pattern, escape="\\")))


def inbox(user, search: str = "", limit: int = 200) -> list[Message]:
    q = select(Message).where(Message.recipient_id == user.id,
                              Message.deleted_by_recipient.is_(False))
    return db.session.scalars(_search(q, search).order_by(Message.created_at.desc(),
                                                          Message.id.desc()).limit(limit)).all()


def sent(user, search: str = "", limit: int = 200) -> list[Message]:
    q = select(Message).where(Message.sender_id == user.id, Message.deleted_by_sender.is_(False))
    return db.session.scalars(_search(q, search).order_by(Message.created_at.desc(),
                                                          Message.id.desc()).limit(limit)).all()


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.recipient_id == user.id, Message.read_at.is_(None),
        Message.deleted_by_recipient.is_(False))) or 0


def user_names(ids) -> dict[int, str]:
    """Names of the correspondents of a list with who they are («Смирнов Артём (Студент,
    ИС-24-1)»), in a fixed number of queries."""
    ids = set(ids)
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids))
                               .options(selectinload(User.roles))).all()
    who = describe(users)
    return {u.id: f"{u.last_name} {u.first_name}" + (f" ({who[u.id]})" if who.get(u.id) else "")
            for u in users}
