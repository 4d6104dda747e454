"""Audit log export (4.1): CSV and XLSX of a filtered list of entries. The XLSX's first sheet
is for people (no browser string, no entry hash); those two go to a second sheet for IT."""
import csv
import io

from ... import labels
from ...infra import clock
from ...infra.text_hygiene import printable
from ...exports.book import add_sheet, book_bytes, new_book, write_table

IT_ONLY = ("user_agent", "entry_hash")  # on the IT sheet of the XLSX, not the people's one
COLUMNS = [("id", "№"), ("created_at", "Когда"), ("username", "Пользователь"),
           ("user_id", "Код пользователя"), ("action", "Действие"), ("object_type", "Объект"),
           ("object_id", "Код объекта"), ("ip_address", "Адрес"), ("user_agent", "Браузер"),
           ("details", "Подробности"), ("entry_hash", "Хеш записи")]


def local_time(value) -> str:
    """The college's wall time of an entry, to the second (COLLEGE_TIMEZONE)."""
    return clock.format_moment(value, seconds=True)


def _row(entry) -> list:
    """One entry as the reader sees it on the screen: Russian action, object and details."""
    values = []
    for key, _label in COLUMNS:
        value = getattr(entry, key)
        if key == "created_at":
            value = local_time(value)
        elif key == "action":
            value = labels.action(value)
        elif key == "object_type":
            value = labels.object_type(value)
        elif key == "object_id" and value in labels.REPORTS:
            value = labels.object_id(value)
        elif key == "details":
            value = labels.details_text(value, entry.action)
        values.append("" if value is None else value)
    return values


def _safe_cell(value):
    """Cells starting with = + - @ are written as text (CSV/formula injection); control
    characters an entry may hold (a login attempt's username) are dropped, so an append-only
    entry never breaks the export."""
    value = printable(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(entries) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([label for _key, label in COLUMNS])
    for entry in entries:
        writer.writerow([_safe_cell(v) for v in _row(entry)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def to_xlsx(entries) -> bytes:
    """Two sheets: the entries as people read them (when as a date and time, action, object,
    details), then for IT each entry's browser and hash."""
    entries = list(entries)
    people = [(i, label) for i, (key, label) in enumerate(COLUMNS) if key not in IT_ONLY]
    it = [(i, label) for i, (key, label) in enumerate(COLUMNS) if key in ("id", *IT_ONLY)]
    moment = next(i for i, (key, _label) in enumerate(COLUMNS) if key == "created_at")
    rows = []
    for entry in entries:
        row = _row(entry)
        row[moment] = clock.local(entry.created_at).replace(tzinfo=None)
        rows.append(row)
    lines = []
    if entries:
        first, last = rows[0][moment], rows[-1][moment]
        lines = [f"Записи с {min(first, last):%d.%m.%Y} по {max(first, last):%d.%m.%Y}"]
    book = new_book()
    write_table(add_sheet(book, "Журнал аудита"), "Журнал аудита",
                [label for _i, label in people], [[r[i] for i, _l in people] for r in rows],
                lines=lines)
    write_table(add_sheet(book, "Для ИТ"), "Журнал аудита: браузер и хеш записей",
                [label for _i, label in it], [[r[i] for i, _l in it] for r in rows],
                lines=lines)
    return book_bytes(book)
