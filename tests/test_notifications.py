"""Notifications (SPEC §5, 5.2): a saved mark or «Н», a final grade, a comment, a message and a
decision on an absence document reach the student and, while the student is a minor, the
parents; one per student and lesson however often a column is saved; each user reads only
their own, in the bell, the list and the API."""
from datetime import timedelta

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import event, func, select

from app.models import Notification
from app.services.journal.marks import save_cells
from app.services.notifications import inbox, outbox
from app.services.portal import behaviour, messaging
from tests.journal_helpers import GRADING_DAY, TODAY, add_lesson, change, today  # noqa: F401


def _rows(db, username):
    user = db.session.scalar(select(User).where(User.username == username))
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def _save(db, college, changes):
    user = db.session.get(User, college.teacher1.id)
    saved = save_cells(user, college.journal_a_op, changes, TODAY)
    db.session.commit()
    return saved


def test_bulk_save_one_per_student_and_lesson_parents_of_minors_only(college, db, today):
    c = college
    lesson = add_lesson(db, c.journal_a_op, TODAY, pair=1)
    _save(db, c, [change(lesson, s, marks=["4"]) for s in c.a_students])
    # the student and the minor's parent; the adult student2 yes, the adult's parent never
    mine = _rows(db, "student1")
    assert [(n.kind, n.text) for n in mine] == [
        ("mark", f"Оценка 4 — {c.journal_a_op.discipline}, {TODAY:%d.%m.%Y}")]
    assert [n.text.split(":")[0] for n in _rows(db, "parent1")] == ["Смирнов А.И."]
    assert len(_rows(db, "student2")) == 1
    assert _rows(db, "parent2") == []
    assert _rows(db, "parent3") == []  # another group's family
    # the same cells saved again and again: the unread row is rewritten, not added
    _save(db, c, [change(lesson, s, version=1, marks=["5"]) for s in c.a_students])
    _save(db, c, [change(lesson, c.student1, version=2, absent=True)])
    mine = _rows(db, "student1")
    assert len(mine) == 1 and mine[0].kind == "absence" and "«Н»" in mine[0].text
    assert len(_rows(db, "parent1")) == 1 and len(_rows(db, "student2")) == 1
    # once read, the next change is a new notification
    inbox.mark_read(db.session.get(User, mine[0].user_id), mine[0].id)
    db.session.commit()
    _save(db, c, [change(lesson, c.student1, version=3, marks=["3"])])
    mine = _rows(db, "student1")
    assert len(mine) == 2 and mine[1].read_at is None and "3" in mine[1].text
    # another lesson is another notification
    other = add_lesson(db, c.journal_a_op, TODAY - timedelta(days=1), pair=2)
    _save(db, c, [change(other, c.student1, marks=["2"])])
    assert len(_rows(db, "student1")) == 3


def test_notifications_off_write_nothing(app, college, db, today, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFICATIONS_ENABLED", False)
    lesson = add_lesson(db, college.journal_a_op, TODAY, pair=1)
    _save(db, college, [change(lesson, s, marks=["4"]) for s in college.a_students])
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert outbox.enabled() is False


def test_final_grade_comment_and_message_notify(college, login, db, today, app):
    c = college
    teacher = login("teacher1")
    app.config["JOURNAL_TODAY"] = GRADING_DAY.isoformat()  # 4.7: at the period's end
    r = teacher.put(f"/api/v1/journals/{c.journal_a_op.id}/final-grades", json={
        "student_id": c.student1.id, "period_id": c.autumn.id, "kind": "semester",
        "value": "5"})
    assert r.status_code == 200
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    assert [n.kind for n in _rows(db, "student1")] == ["final_grade"]
    assert [n.kind for n in _rows(db, "parent1")] == ["final_grade"]
    user = db.session.get(User, c.teacher1.id)
    behaviour.add_note(user, c.student2.id, TODAY, "Опоздал на пару")
    db.session.commit()
    assert [n.kind for n in _rows(db, "student2")] == ["comment"]
    assert _rows(db, "parent2") == []  # the adult's parent gets nothing
    messaging.send(db.session.get(User, c.users["student1"].id), c.teacher1.id, "Вопрос",
                   "Текст")
    assert [(n.kind, n.text) for n in _rows(db, "teacher1")] == [
        ("message", "Сообщение от Смирнов Артём: Вопрос")]


def test_list_and_api_show_only_own(college, login, db, today):
    c = college
    lesson = add_lesson(db, c.journal_a_op, TODAY, pair=1)
    _save(db, c, [change(lesson, s, marks=["4"]) for s in c.a_students])
    foreign = _rows(db, "student2")[0]
    s1 = login("student1")
    page = s1.get("/notifications/").get_data(as_text=True)
    assert "Оценка 4" in page and page.count('class="list-group-item notification') == 1
    answer = s1.get("/api/v1/notifications/").get_json()
    assert answer["count"] == 1 and answer["unread"] == 1
    item = answer["result"][0]
    assert set(item) >= {"id", "kind", "text", "created", "read"} and item["read"] is False
    assert foreign.id != item["id"]
    assert s1.post(f"/api/v1/notifications/{foreign.id}/read").status_code == 404
    assert s1.post(f"/notifications/{foreign.id}/read").status_code in (302, 404)
    db.session.expire_all()
    assert db.session.get(Notification, foreign.id).read_at is None  # untouched
    assert s1.post(f"/api/v1/notifications/{item['id']}/read").get_json()["result"]["read"]
    assert s1.get("/api/v1/notifications/?unread=1").get_json()["count"] == 0
    assert s1.get("/api/v1/notifications/?page_size=0").status_code == 400
    # a parent of an adult sees an empty list
    p2 = login("parent2")
    assert p2.get("/api/v1/notifications/").get_json()["count"] == 0


def test_api_pages_newest_first(college, login, db, today):
    c = college
    for pair in range(1, 4):
        lesson = add_lesson(db, c.journal_a_op, TODAY - timedelta(days=pair), pair=pair)
        _save(db, c, [change(lesson, c.student1, marks=[str(pair + 2)])])
    s1 = login("student1")
    first = s1.get("/api/v1/notifications/?page=0&page_size=2").get_json()
    second = s1.get("/api/v1/notifications/?page=1&page_size=2").get_json()
    assert first["count"] == 3 and len(first["result"]) == 2 and len(second["result"]) == 1
    ids = [i["id"] for i in first["result"] + second["result"]]
    assert ids == sorted(ids, reverse=True)


def test_bell_count_read_once_per_page_and_read_all(college, login, db, today):
    c = college
    lesson = add_lesson(db, c.journal_a_op, TODAY, pair=1)
    _save(db, c, [change(lesson, c.student1, marks=["4"])])
    s1 = login("student1")
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = s1.get("/notifications/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.count('notification-count"') == 2  # the phone's bell and the desktop's
    assert sum(1 for s in statements if "count(notification.id)" in s
               and "read_at IS NULL" in s) == 1, statements
    assert s1.post("/notifications/read-all").status_code == 302
    assert 'notification-count"' not in s1.get("/notifications/").get_data(as_text=True)


def test_preferences_hide_kinds_and_refuse_bad_hour(college, login, db, today):
    c = college
    lesson = add_lesson(db, c.journal_a_op, TODAY, pair=1)
    _save(db, c, [change(lesson, c.student1, marks=["4"])])
    s1 = login("student1")
    assert "Настройки уведомлений" in s1.get("/notifications/settings").get_data(as_text=True)
    r = s1.post("/notifications/settings", data={"portal": ["absence"], "email": ["mark"],
                                                 "hour": "25"})
    assert r.status_code == 400 and "от 0 до 23" in r.get_data(as_text=True)
    assert s1.get("/api/v1/notifications/").get_json()["count"] == 1  # nothing changed
    r = s1.post("/notifications/settings", data={"portal": ["absence"], "email": ["mark"],
                                                 "hour": "7"})
    assert r.status_code == 302
    assert s1.get("/api/v1/notifications/").get_json()["count"] == 0  # marks hidden
    r = s1.post("/notifications/settings", data={"portal": ["nonsense"], "hour": "7"})
    assert r.status_code == 400
