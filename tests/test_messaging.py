"""Messaging (2.2, 3.6): who may write to whom for every role pair, threads, unread counter,
search, curator's message to all parents of a group, escaping of user text."""
import re

import pytest
from sqlalchemy import func, select

from app.models import AuditLog, Message
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
    "teacher1": {"teacher2": True, "director": True, "it": True, "curator2": True,
                 "student1": False, "parent1": False},
    "curator1": {"student1": True, "student2": True, "parent1": True, "parent2": True,
                 "student3": False, "parent3": False, "teacher2": True},
    "director": {"teacher1": True, "deputy": True, "parent1": False, "student1": False},
    "it": {"admin": True, "teacher1": True, "student1": False},
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

    # the teacher may answer in the student's thread, not start a new one
    assert teacher.post("/messages/new", data={
        "recipient_id": c.student1.user_id, "subject": "Новая тема", "body": "x"}
    ).status_code == 403
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
    assert "Всем родителям группы" in client.get("/messages/new").get_data(as_text=True)
    answer = client.post("/messages/broadcast", data={
        "group_id": c.group_a.id, "subject": "Собрание", "body": "В пятницу в 18:00"})
    assert answer.status_code == 302
    recipients = set(db.session.scalars(select(Message.recipient_id)))
    assert recipients == {c.users["parent1"].id, c.users["parent2"].id}
    assert login("curator2").post("/messages/broadcast", data={
        "group_id": c.group_a.id, "subject": "x", "body": "y"}).status_code == 403
    assert login("teacher1").post("/messages/broadcast", data={
        "group_id": c.group_a.id, "subject": "x", "body": "y"}).status_code == 403
    assert db.session.scalar(select(func.count(Message.id))) == 2
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
        for _ in range(3):  # a broadcast to every parent of the group is one send
            assert curator.post("/messages/broadcast", data={
                "group_id": c.group_a.id, "subject": "Собрание", "body": "В пятницу"}
            ).status_code == 302
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
