"""Writing notifications: a row per recipient, in the transaction of the save that caused it.

A save says what happened to which students; ONE statement finds the recipients — the
student's own account and, while the student is a minor still at the college, the parents'
accounts (scopes.parent_child_condition, 5.2) — and writes their rows: INSERT … SELECT from
the save's items (a JSON document, so the statement's text is the same for any number of
items) joined to the students and parents. A row names what it is about (`ref`, e.g. a
lesson's cell): while the recipient has not read it, a later change of the same thing
rewrites it (one notification per student and lesson, however often the cell is saved)."""
from datetime import date

import orjson
from flask import current_app, has_app_context
from sqlalchemy import (
    DateTime, Integer, String, Text, and_, bindparam, cast, column, func, select, text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSON

from ...infra import bulk
from ...infra.clock import now as clock_now, today
from ...models import Notification, Parent, Student, StudentParent
from ...models.notifications import TEXT_MAX_LENGTH
from ..scopes import minor_cutoff

UNREAD = text("read_at IS NULL")
ITEM_COLUMNS = (("student_id", Integer), ("kind", String), ("text", String),
                ("parent_text", String), ("link", String), ("ref", String))
UPDATED = ("kind", "text", "link", "created_at")


def enabled() -> bool:
    """NOTIFICATIONS_ENABLED (on by default): off, saves write no notification."""
    return bool(current_app.config.get("NOTIFICATIONS_ENABLED", True)) if has_app_context() \
        else False


def _items_source(dialect: str):
    """The save's items as a table `items`, read from one JSON parameter `items`."""
    if dialect == "postgresql":
        return (func.json_to_recordset(cast(bindparam("items", type_=Text), JSON))
                .table_valued(*[column(name, kind) for name, kind in ITEM_COLUMNS])
                .render_derived(name="items", with_types=True))
    each = func.json_each(bindparam("items", type_=Text)).table_valued("value").alias("each")
    return select(*[(cast(func.json_extract(each.c.value, f"$.{name}"), Integer) if kind is
                     Integer else func.json_extract(each.c.value, f"$.{name}")).label(name)
                    for name, kind in ITEM_COLUMNS]).subquery("items")


def _statement(dialect: str):
    items = _items_source(dialect)
    moment = bindparam("created_at", type_=DateTime(timezone=True))
    own = (select(Student.user_id, items.c.kind, items.c.text, items.c.link, items.c.ref,
                  moment)
           .select_from(items.join(Student, Student.id == items.c.student_id))
           .where(Student.user_id.is_not(None)))
    parents = (select(Parent.user_id, items.c.kind, items.c.parent_text, items.c.link,
                      items.c.ref, moment)
               .select_from(items.join(StudentParent,
                                       StudentParent.student_id == items.c.student_id)
                            .join(Parent, Parent.id == StudentParent.parent_id)
                            .join(Student, Student.id == StudentParent.student_id))
               .where(Parent.user_id.is_not(None),
                      and_(Student.birth_date > bindparam("cutoff"),
                           Student.status.in_(("studying", "academic_leave")))))
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(Notification.__table__).from_select(
        ("user_id", "kind", "text", "link", "ref", "created_at"), union_all(own, parents))
    return stmt.on_conflict_do_update(index_elements=["user_id", "ref"], index_where=UNREAD,
                                      set_={name: stmt.excluded[name] for name in UPDATED})


def notify_students(connection, items, names: dict[int, str] | None = None,
                    day: date | None = None) -> int:
    """Notify the students of `items` — dicts with `student_id`, `kind`, `text`, `link` and
    `ref` (None: never merged) — and their parents while allowed (5.2). A parent's text
    begins with the child's name (`names`: student id → name). One statement whatever the
    number of items; → the rows written or rewritten."""
    if not enabled() or not items:
        return 0
    merged = {}
    for n, item in enumerate(items):
        words = item["text"]
        name = (names or {}).get(item["student_id"])
        ref = item.get("ref")
        merged[(item["student_id"], ref if ref is not None else f"#{n}")] = {
            "student_id": item["student_id"], "kind": item["kind"],
            "text": words[:TEXT_MAX_LENGTH],
            "parent_text": (f"{name}: {words}" if name else words)[:TEXT_MAX_LENGTH],
            "link": item.get("link") or "", "ref": ref}
    dialect = connection.dialect.name
    stmt = bulk.statement(("notify students", dialect), lambda: _statement(dialect))
    return connection.execute(stmt, {
        "items": orjson.dumps(list(merged.values())).decode(), "created_at": clock_now(),
        "cutoff": minor_cutoff(day or today())}).rowcount


def notify_users(connection, user_ids, kind: str, words: str, link: str = "",
                 ref: str | None = None) -> int:
    """Notify accounts directly (a message's recipient)."""
    if not enabled():
        return 0
    moment = clock_now()
    rows = [{"user_id": uid, "kind": kind, "text": words[:TEXT_MAX_LENGTH], "link": link,
             "ref": ref, "created_at": moment} for uid in dict.fromkeys(user_ids) if uid]
    if ref is None:
        bulk.insert_rows(connection, Notification.__table__, rows)
    else:
        bulk.upsert_rows(connection, Notification.__table__, rows, keys=("user_id", "ref"),
                         where=UNREAD, update=UPDATED)
    return len(rows)
