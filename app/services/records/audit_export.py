"""Audit log export (4.1): CSV and XLSX of a filtered list of entries."""
import csv
import io

from openpyxl import Workbook

from ... import labels
from ...infra import clock
from ...infra.text_hygiene import printable
from ...exports.book import book_bytes

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
    book = Workbook()
    sheet = book.active
    sheet.title = "Журнал аудита"
    sheet.append([label for _key, label in COLUMNS])
    for entry in entries:
        sheet.append([_safe_cell(v) for v in _row(entry)])
    return book_bytes(book)
