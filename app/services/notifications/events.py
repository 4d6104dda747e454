"""What each save tells the family (SPEC §5, 5.2): the texts and links of the notifications
of a saved lesson column, a final grade, a behaviour note, a message and a decision on an
absence document. Each is written in the save's transaction (outbox)."""
from ...extensions import db
from ...models import Journal, Student
from .outbox import notify_students, notify_users


def _discipline(journal: Journal) -> str:
    return str(journal.discipline) if journal.discipline is not None else journal.title


def cells(connection, journal: Journal, lessons: dict, changes: list[dict],
          names: dict[int, str]) -> int:
    """A saved batch of cells (`changes`: the history rows, old → new, of the cells that
    changed): one notification per student and lesson — a mark or an «Н» — rewritten while
    unread when the same cell changes again."""
    if not changes:
        return 0
    discipline = _discipline(journal)
    items = []
    for change in changes:
        lesson = lessons[change["lesson_id"]]
        new = change["new_value"]
        if not new:
            words, kind = f"Отметка снята — {discipline}, {lesson.lesson_date:%d.%m.%Y}", "mark"
        elif new == "Н":
            words, kind = f"Пропуск «Н» — {discipline}, {lesson.lesson_date:%d.%m.%Y}", "absence"
        else:
            words = f"Оценка {new} — {discipline}, {lesson.lesson_date:%d.%m.%Y}"
            if change["old_value"]:
                words = f"Оценка изменена: {change['old_value']} → {new} — {discipline}, " \
                        f"{lesson.lesson_date:%d.%m.%Y}"
            kind = "mark"
        items.append({"student_id": change["student_id"], "kind": kind, "text": words,
                      "link": f"/portal/student/{change['student_id']}",
                      "ref": f"cell:{lesson.id}:{change['student_id']}"})
    return notify_students(connection, items, names)


def final_grade(journal_id: int, student_id: int, grade_id: int, old: str, value: str) -> int:
    journal = db.session.get(Journal, journal_id)
    student = db.session.get(Student, student_id)
    words = f"Итоговая оценка {value} — {_discipline(journal)}"
    if old:
        words = f"Итоговая оценка изменена: {old} → {value} — {_discipline(journal)}"
    return notify_students(db.session.connection(), [{
        "student_id": student_id, "kind": "final_grade", "text": words,
        "link": f"/portal/student/{student_id}", "ref": f"final:{grade_id}"}],
        {student_id: student.short_name})


def behaviour_note(note) -> int:
    author = note.author
    who = f"{author.last_name} {author.first_name}".strip() if author else ""
    words = f"Замечание от {who} ({note.note_date:%d.%m.%Y}): {note.text}"
    return notify_students(db.session.connection(), [{
        "student_id": note.student_id, "kind": "comment", "text": words,
        "link": f"/portal/student/{note.student_id}", "ref": None}],
        {note.student_id: note.student.short_name})


def messages(items) -> int:
    """New messages: each recipient is told who wrote and the subject."""
    total = 0
    for message in items:
        sender = message.sender
        who = f"{sender.last_name} {sender.first_name}".strip() if sender else ""
        total += notify_users(db.session.connection(), [message.recipient_id], "message",
                              f"Сообщение от {who}: {message.subject}",
                              f"/messages/{message.thread_id or message.id}")
    return total


def document_decision(document) -> int:
    words = (f"Документ «{document.kind_label}» за {document.date_from:%d.%m.%Y} — "
             f"{document.date_to:%d.%m.%Y}: {document.status_label}")
    if document.comment:
        words += f". Комментарий: {document.comment}"
    return notify_students(db.session.connection(), [{
        "student_id": document.student_id, "kind": "document", "text": words,
        "link": f"/documents/{document.id}", "ref": None}],
        {document.student_id: document.student.short_name})
