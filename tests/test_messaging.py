"""Messaging (2.2, 3.6): who may write to whom for every role pair, threads, unread counter,
search, curator's message to all parents of a group, escaping of user text."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models import AcademicYear, AuditLog, Message, Notification
from app.services.portal import messaging
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.portal_helpers import fixed_today  # noqa: F401

# sender → {recipient: allowed}
RULES = {
    "student1": {"curator1": True, "teacher1": True, "teacher2": False, "curator2": False,
                 "student2": False, "parent1": False, "director": False, "it": False},
    "parent1": {"curator1": True, "teacher1": True, "director": True, "deputy": True,
                "teacher2": False, "curator2": False, "student1": False, "parent3": False,
                "it": False},
    "parent2": {"curator1": False, "teacher1": False, "director": True},  # adult child (5.2)
    # 2.2: a teacher → the students of their journals and the parents of the minors among them
    "teacher1": {"teacher2": True, "director": True, "it": True, "curator2": True,
                 "student1": True, "parent1": True, "student2": True, "parent2": False,
                 "student3": False, "parent3": False},
    # teacher2 teaches group A's second МДК subgroup only (student1 is in the first) and group B
    "teacher2": {"student1": False, "parent1": False, "student3": True, "parent3": True},
    "curator1": {"student1": True, "student2": True, "parent1": True, "parent2": False,
                 "student3": False, "parent3": False, "teacher2": True},
    # 2.2: the administration → any student, any parent of a minor at the college
    "director": {"teacher1": True, "deputy": True, "parent1": True, "student1": True,
                 "student3": True, "parent3": True, "parent2": False},
    "deputy": {"student2": True, "parent1": True, "parent2": False},
    "it": {"admin": True, "teacher1": True, "student1": False, "parent1": False},
    "curator2": {"student3": True, "parent3": True, "student1": False, "parent1": False},
    "student3": {"curator2": True, "teacher2": True, "teacher1": False, "curator1": False},
}


@pytest.fixture()
def c(college, fixed_today):  # noqa: F811
    return college


def test_rules_for_every_role_pair(c):
    for sender, targets in RULES.items():
        user = c.users[sender]
        allowed = {u.id for u in messaging.allowed_recipients(user)}
        for target, expected in targets.items():
            got = messaging.may_write(user, c.users[target].id)
            assert got is expected, f"{sender} → {target}"
            assert (c.users[target].id in allowed) is expected, f"{sender} → {target} (list)"
        assert user.id not in allowed


def test_refused_message_is_not_stored(c, login, db):
    client = login("student1")
    answer = client.post("/messages/new", data={"recipient_id": c.users["student3"].id,
                                                "subject": "Привет", "body": "текст"})
    assert answer.status_code == 403
    assert "не можете писать" in answer.get_data(as_text=True)
    for bad in ({"recipient_id": "", "subject": "a", "body": "b"},
                {"recipient_id": "abc", "subject": "a", "body": "b"},
                {"recipient_id": c.curator1.id, "subject": "", "body": "b"},
                {"recipient_id": c.curator1.id, "subject": "a", "body": "   "},
                {"recipient_id": c.curator1.id, "subject": "a" * 300, "body": "b"},
                {"recipient_id": 999999, "subject": "a", "body": "b"}):
        assert client.post("/messages/new", data=bad).status_code == 400, bad
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_thread_reply_unread_counter_and_escaping(c, login, db):
    student = login("student1")
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    answer = student.post("/messages/new", data={
        "recipient_id": c.teacher1.id, "subject": "Вопрос <b>по ОП.01</b>", "body": payload})
    assert answer.status_code == 302
    message = db.session.scalar(select(Message))
    assert message.body == payload  # stored as text
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "message_send"))
    assert audit is not None and "script" not in (audit.details or "")

    teacher = login("teacher1")
    home = teacher.get("/").get_data(as_text=True)
    assert "Сообщения (1)" in home  # unread counter in the menu
    inbox = teacher.get("/messages/").get_data(as_text=True)
    assert "Вопрос &lt;b&gt;по ОП.01&lt;/b&gt;" in inbox and "<b>по ОП.01</b>" not in inbox
    thread = teacher.get(f"/messages/{message.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in thread and "<script>alert(" not in thread
    assert "<img src=x" not in thread
    assert "Сообщения (1)" not in teacher.get("/").get_data(as_text=True)  # read now

    assert teacher.post("/messages/new", data={
        "recipient_id": c.student1.user_id, "subject": "Re: Вопрос", "body": "Ответ: глава 3",
        "reply_to": message.id}).status_code == 302
    reply = db.session.scalar(select(Message).where(Message.sender_id == c.teacher1.id))
    assert reply.thread_id == message.id
    # a third person cannot reply inside someone else's thread
    assert login("teacher2").post("/messages/new", data={
        "recipient_id": c.student1.user_id, "subject": "Re", "body": "x",
        "reply_to": message.id}).status_code == 404
    assert login("teacher2").get(f"/messages/{message.id}").status_code == 404
    page = student.get(f"/messages/{message.id}").get_data(as_text=True)
    assert "Ответ: глава 3" in page
    assert "Ответ: глава 3" not in student.get("/messages/sent").get_data(as_text=True)


def test_an_answer_in_a_thread_the_other_side_opened(c, login, db):
    """The director may not start a conversation with the parent of an adult (1.4), but
    answers the parent's own question in its thread."""
    parent = login("parent2")
    assert parent.post("/messages/new", data={"recipient_id": c.director.id, "subject": "Вопрос",
                                              "body": "Как получить справку?"}).status_code == 302
    question = db.session.scalar(select(Message))
    director = login("director")
    assert director.post("/messages/new", data={
        "recipient_id": c.users["parent2"].id, "subject": "Новая тема", "body": "x"}
    ).status_code == 403
    assert director.post("/messages/new", data={
        "recipient_id": c.users["parent2"].id, "subject": "Re: Вопрос", "body": "В канцелярии",
        "reply_to": question.id}).status_code == 302
    assert db.session.scalar(select(func.count(Message.id))) == 2


def test_unread_counter_is_read_once_per_page(c, login, db):
    """The menu renders its label more than once; the count behind it is one query."""
    from sqlalchemy import event
    messaging.send(c.users["student1"], c.teacher1.id, "Вопрос", "Текст")
    db.session.commit()
    teacher = login("teacher1")
    for url, shown in (("/messages/sent", ">1</span>"), ("/", "непрочитанных 1")):
        statements = []

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            page = teacher.get(url).get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert "Сообщения (1)" in page and shown in page, url
        assert sum(1 for s in statements if "count(message.id)" in s) == 1, (url, statements)


def test_search_inbox_and_sent(c, login):
    client = login("curator1")
    for subject, body in (("Собрание", "Родительское собрание в пятницу"),
                          ("Экскурсия", "Поездка 100% состоится")):
        assert client.post("/messages/new", data={"recipient_id": c.teacher1.id,
                                                  "subject": subject, "body": body}
                           ).status_code == 302
    sent = client.get("/messages/sent?q=пятниц").get_data(as_text=True)
    assert "Собрание" in sent and "Экскурсия" not in sent
    assert "Экскурсия" in client.get("/messages/sent?q=100%").get_data(as_text=True)
    assert "Собрание" not in client.get("/messages/sent?q=100%").get_data(as_text=True)
    inbox = login("teacher1").get("/messages/?q=Экскурс").get_data(as_text=True)
    assert "Экскурсия" in inbox and "Собрание" not in inbox


def test_curator_writes_to_all_parents_of_group(c, login, db):
    client = login("curator1")
    page = client.get("/messages/new").get_data(as_text=True)
    assert "всем родителям группы" in page and "всем студентам группы" in page
    answer = client.post("/messages/broadcast", data={
        "group_id": c.group_a.id, "subject": "Собрание", "body": "В пятницу в 18:00"})
    assert answer.status_code == 302
    recipients = set(db.session.scalars(select(Message.recipient_id)))
    # parent2's child is an adult: no longer a user of the journal for it (1.4)
    assert recipients == {c.users["parent1"].id}
    assert login("curator2").post("/messages/broadcast", data={
        "group_id": c.group_a.id, "subject": "x", "body": "y"}).status_code == 403
    assert login("teacher1").post("/messages/broadcast", data={
        "group_id": c.group_a.id, "subject": "x", "body": "y"}).status_code == 403
    assert db.session.scalar(select(func.count(Message.id))) == 1
    assert "Собрание" in login("parent1").get("/messages/").get_data(as_text=True)


def test_csrf_token_required(c, login, app, db):
    client = login("student1")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        answer = client.post("/messages/new", data={"recipient_id": c.curator1.id,
                                                    "subject": "a", "body": "b"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code == 400
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_recipients_shown_with_role_and_group(c, login, db):
    """The list of recipients tells who each one is: role in Russian and group."""
    curator = c.users["curator1"]
    who = messaging.describe(messaging.allowed_recipients(curator))
    assert who[c.users["student1"].id] == "Студент, ИС-24-1"
    assert who[c.users["parent1"].id].startswith("Родитель: ") and "ИС-24-1" in \
        who[c.users["parent1"].id]
    assert "Преподаватель" in who[c.users["teacher2"].id]
    student_view = messaging.describe(messaging.allowed_recipients(c.users["student1"]))
    assert "куратор ИС-24-1" in student_view[curator.id]
    page = login("curator1").get("/messages/new").get_data(as_text=True)
    assert re.search(r">[^<]+ — Студент, ИС-24-1</option>", page)
    assert "Student" not in page.split('id="compose-form"')[1]
    assert page.index('<optgroup label="Сотрудники">') < page.index('<optgroup label="Студенты">') \
        < page.index('<optgroup label="Родители">')


@pytest.mark.parametrize("character", ["\x7f", "\x80", "\x85", "\x9b", "\x9f"])
def test_del_and_c1_controls_are_refused(c, login, db, character):
    client = login("student1")
    for field in ("subject", "body"):
        form = {"recipient_id": c.curator1.id, "subject": "Тема", "body": "Текст"}
        form[field] = f"до{character}после"
        answer = client.post("/messages/new", data=form)
        assert answer.status_code in (302, 400)
        assert "недопустимый управляющий символ (U+00" in _flashed(client, answer)
    assert db.session.scalar(select(func.count(Message.id))) == 0
    assert messaging.send(c.users["student1"], c.curator1.id, "Тема",
                          "Строка\n\tс табуляцией") is not None  # tab and newline stay


def test_messages_per_account_and_minute(c, login, db, app):
    """Two students sent 1,575 messages in a minute: now MESSAGES_PER_MINUTE sends each (a
    broadcast counts once), then a Russian refusal (429); another account is not held up."""
    app.config["MESSAGES_PER_MINUTE"] = 3
    try:
        client = login("student1")
        form = {"recipient_id": c.curator1.id, "subject": "Вопрос", "body": "Текст"}
        for _ in range(3):
            assert client.post("/messages/new", data=form).status_code == 302
        answer = client.post("/messages/new", data=form)
        assert answer.status_code in (302, 429)
        assert "Не более 3 сообщений в минуту" in _flashed(client, answer)
        assert db.session.scalar(select(func.count(Message.id))) == 3
        curator = login("curator1")
        for _ in range(3):  # a broadcast to every student of the group is one send
            assert curator.post("/messages/broadcast", data={
                "group_id": c.group_a.id, "subject": "Собрание", "body": "В пятницу",
                "audience": "students"}).status_code == 302
        copies = db.session.scalar(select(func.count(Message.id))) - 3
        assert copies >= 6
        answer = curator.post("/messages/broadcast", data={
            "group_id": c.group_a.id, "subject": "Собрание", "body": "В пятницу"})
        assert "Не более 3 сообщений в минуту" in _flashed(curator, answer)
        assert db.session.scalar(select(func.count(Message.id))) == 3 + copies
    finally:
        app.config["MESSAGES_PER_MINUTE"] = 30


def _flashed(client, answer) -> str:
    """The page a refused form leads to: the form shown again, or the page it returns to."""
    if answer.status_code == 302:
        return client.get(answer.headers["Location"]).get_data(as_text=True)
    return answer.get_data(as_text=True)


def test_a_teacher_starts_a_conversation_with_a_student_and_a_parent(c, login, db):
    """2.2: the teacher of the student's journal writes first, to the student and to the
    parent of a minor; each gets a notification like any message; an outsider's message
    (a teacher of another subgroup, IT) is refused with 403 and stores nothing."""
    teacher = login("teacher1")
    for who in ("student1", "parent1"):
        assert teacher.post("/messages/new", data={
            "recipient_id": c.users[who].id, "subject": "Контрольная",
            "body": "Контрольная работа в пятницу"}).status_code == 302, who
    bells = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "message")))
    assert bells == {c.users["student1"].id, c.users["parent1"].id}
    for sender, target in (("teacher2", "student1"), ("teacher1", "parent2"),
                           ("it", "student1"), ("teacher1", "student3")):
        answer = login(sender).post("/messages/new", data={
            "recipient_id": c.users[target].id, "subject": "x", "body": "y"})
        assert answer.status_code == 403, (sender, target)
    assert db.session.scalar(select(func.count(Message.id))) == 2


def test_the_administration_writes_to_a_student_and_a_parent(c, login, db):
    """2.2: the deputy writes to a student and a parent of any group (not only curated ones)."""
    deputy = login("deputy")
    page = deputy.get("/messages/new").get_data(as_text=True)
    assert "Михайлов Егор" in page and "Михайлова Ирина" in page
    for who in ("student3", "parent3"):
        assert deputy.post("/messages/new", data={
            "recipient_id": c.users[who].id, "subject": "Приглашение",
            "body": "Зайдите в учебную часть"}).status_code == 302, who
    assert set(db.session.scalars(select(Message.recipient_id))) == {
        c.users["student3"].id, c.users["parent3"].id}


def test_a_curator_writes_to_the_whole_group(c, login, db):
    """2.2: one message to every student of the group with an account — a copy each, so an
    answer stays between the student and the curator; only to the curator's own group."""
    curator = login("curator1")
    answer = curator.post("/messages/broadcast", data={
        "group_id": c.group_a.id, "audience": "students", "subject": "Классный час",
        "body": "В среду после второй пары"})
    assert answer.status_code == 302
    copies = db.session.scalars(select(Message)).all()
    assert {m.recipient_id for m in copies} == {c.users["student1"].id, c.users["student2"].id}
    assert all(m.thread_id is None for m in copies)
    assert set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "message"))) == {m.recipient_id for m in copies}
    assert login("curator2").post("/messages/broadcast", data={
        "group_id": c.group_a.id, "audience": "students", "subject": "x",
        "body": "y"}).status_code == 403
    assert curator.post("/messages/broadcast", data={
        "group_id": c.group_a.id, "audience": "everyone", "subject": "x",
        "body": "y"}).status_code == 400
    assert db.session.scalar(select(func.count(Message.id))) == 2
    mine = {m.recipient_id: m.id for m in copies}
    assert login("student2").post("/messages/new", data={
        "recipient_id": c.curator1.id, "subject": "Re", "body": "Приду",
        "reply_to": mine[c.users["student2"].id]}).status_code == 302
    assert "Приду" not in login("student1").get(
        f"/messages/{mine[c.users['student1'].id]}").get_data(as_text=True)


def test_last_years_students_are_not_the_teachers(c, db, fixed_today):  # noqa: F811
    """2.2: a teacher writes to the students of their journals of the year under way; once a
    new academic year begins, last year's groups are not theirs to write to."""
    assert messaging.may_write(c.teacher1, c.users["student1"].id)
    db.session.add(AcademicYear(name="2026/2027", start_date=date(2026, 9, 1),
                                end_date=date(2027, 6, 30)))
    db.session.commit()
    fixed_today(date(2026, 9, 14))
    assert not messaging.may_write(c.teacher1, c.users["student1"].id)
    assert not messaging.may_write(c.teacher1, c.users["parent1"].id)
