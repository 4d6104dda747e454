"""Audit log export (4.1): CSV and XLSX of a filtered list of entries."""
import csv
import io
from zoneinfo import ZoneInfo

from flask import current_app
from openpyxl import Workbook

from . import audit
from .reports import no_formulas

COLUMNS = [("id", "№"), ("created_at", "Когда"), ("username", "Пользователь"),
           ("user_id", "Код пользователя"), ("action", "Действие"), ("object_type", "Объект"),
           ("object_id", "Код объекта"), ("ip_address", "Адрес"), ("user_agent", "Браузер"),
           ("details", "Подробности"), ("entry_hash", "Хеш записи")]


def local_time(value) -> str:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Moscow"))
    return value.astimezone(zone).strftime("%d.%m.%Y %H:%M:%S")


def _row(entry) -> list:
    values = []
    for key, _label in COLUMNS:
        value = getattr(entry, key)
        if key == "created_at":
            value = local_time(value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC")))
        elif key == "action":
            value = f"{value} ({audit.ACTIONS.get(value, value)})"
        values.append("" if value is None else value)
    return values


def _safe_cell(value):
    """Cells starting with = + - @ are written as text (CSV/formula injection)."""
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
    out = io.BytesIO()
    no_formulas(book)
    book.save(out)
    return out.getvalue()
