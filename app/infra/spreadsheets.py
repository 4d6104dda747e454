"""Reading an uploaded spreadsheet safely (7.2, SECURITY finding 13): an XLSX archive is
measured before it is opened (a small file may expand to gigabytes), a CSV must be UTF-8
(Windows-1251 and UTF-16 with a BOM are recognised too), and a formula is reported as a
formula rather than as an empty cell."""
import csv
import io
import re
import zipfile
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from openpyxl import load_workbook

from ..errors import Refused

MAX_EXPANDED_BYTES = 20 * 1024 * 1024  # IMPORT_MAX_EXPANDED_BYTES overrides
MAX_MEMBERS = 200  # an XLSX of one sheet holds about a dozen parts
MAX_RATIO = 200  # expanded / compressed per part; real sheets stay well under 100
ENCODING_MESSAGE = _l("Файл CSV не в кодировке UTF-8 (похоже на %(found)s). Сохраните таблицу "
                      "как «CSV UTF-8» (также принимаются Windows-1251 и UTF-16 с меткой BOM).")


class ReadRefused(Refused):
    """The file cannot be read; the message is Russian."""


class Formula(str):
    """A cell holding a formula whose value the file does not carry."""


def _limit() -> int:
    return int(current_app.config.get("IMPORT_MAX_EXPANDED_BYTES", MAX_EXPANDED_BYTES))


def check_archive(data: bytes) -> None:
    """Refuse an XLSX whose parts would expand beyond the limit, before anything is parsed.
    The sizes come from the archive's directory; zipfile never inflates a part beyond its
    declared size, so they bound what the parser can be made to read."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ReadRefused(_("Файл не читается как таблица XLSX.")) from None
    if len(members) > MAX_MEMBERS:
        raise ReadRefused(_("Файл XLSX состоит из %(count)s частей: это не похоже на "
                            "таблицу, загрузка отклонена.", count=len(members)))
    limit = _limit()
    expanded = sum(m.file_size for m in members)
    if expanded > limit:
        raise ReadRefused(_("Файл XLSX в распакованном виде занимает %(size)s МБ при допустимых "
                            "%(limit)s МБ: разделите таблицу на части.", size=expanded // 1048576,
                            limit=limit // 1048576))
    for member in members:
        if member.file_size > 1048576 and member.file_size > MAX_RATIO * max(
                member.compress_size, 1):
            raise ReadRefused(_("Файл XLSX сжат подозрительно сильно: загрузка отклонена."))


def _cell(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else (value if isinstance(value, date) else str(value).strip())


def xlsx_rows(data: bytes) -> list[list]:
    """Rows of the first sheet; a formula cell without a stored value reads as Formula."""
    check_archive(data)
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = [[_cell(v) for v in row] for row in values.iter_rows(values_only=True)]
        formulas = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        for r, row in enumerate(formulas.iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if (isinstance(value, str) and value.startswith("=") and r < len(rows)
                        and c < len(rows[r]) and rows[r][c] == ""):
                    rows[r][c] = Formula(value)
        return rows
    except ReadRefused:
        raise
    except Exception:  # a damaged or disguised file: openpyxl raises many kinds
        raise ReadRefused(_("Файл не читается как таблица XLSX.")) from None


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1251 whose text reads as
    Russian; anything else is refused naming the expected encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadRefused(ENCODING_MESSAGE % {"found": _("повреждённый UTF-16")}) from None
    if b"\x00" in data:
        raise ReadRefused(ENCODING_MESSAGE % {"found": _("UTF-16 без метки BOM")})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise ReadRefused(ENCODING_MESSAGE % {"found": _("неизвестную кодировку")}) from None
    if _reads_as_koi8(data, text):
        raise ReadRefused(ENCODING_MESSAGE % {"found": "KOI8-R"})
    return text


def _reads_as_koi8(data: bytes, cp1251_text: str) -> bool:
    """KOI8-R decoded as Windows-1251 gives mostly capital letters in the middle of words;
    Russian text has mostly small letters. Decide by which reading has more small ones."""
    koi = data.decode("koi8_r", errors="replace")
    small = lambda text: sum(1 for ch in text if "а" <= ch <= "я" or ch == "ё")  # noqa: E731
    return small(koi) > 2 * small(cp1251_text)


def csv_rows(data: bytes) -> list[list]:
    text = decode_csv(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        return [[_cell(v) for v in row]
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise ReadRefused(_("Файл CSV повреждён: проверьте кавычки и разделители.")) from None


def normalized(text) -> str:
    """Text as an import compares it (column titles, names, codes): case, runs of spaces and
    «ё» do not matter."""
    return re.sub(r"\s+", " ", str(text or "")).strip().lower().replace("ё", "е")


def file_rows(filename: str, data: bytes, refused) -> list[list]:
    """The rows of an uploaded XLSX or CSV file (by its name); what cannot be read is raised
    as `refused([reason])`, the import's own all-or-nothing refusal."""
    name = (filename or "").lower()
    try:
        if name.endswith(".xlsx"):
            return xlsx_rows(data)
        if name.endswith(".csv"):
            return csv_rows(data)
    except ReadRefused as exc:
        raise refused([str(exc)]) from None
    raise refused([_("Поддерживаются только файлы XLSX и CSV.")])


def keyed_table(rows: list[list], columns, required, cell_problems,
                refused) -> list[tuple[int, dict]]:
    """(row number as the spreadsheet shows it, {column key: value}) for each non-empty row;
    the first row names the columns ((key, title) pairs in `columns`, those in `required`
    must be there). Every row's `cell_problems(number, values)` is collected first and all of
    them are raised together as `refused(problems)`: one bad row refuses the whole file."""
    if not rows or not any(rows[0]):
        raise refused([_("Файл пуст: нет строки заголовков.")])
    by_header = {normalized(label): key for key, label in columns}
    header = [by_header.get(normalized(h)) for h in rows[0]]
    missing = [label for key, label in columns if key in required and key not in header]
    if missing:
        raise refused([_("Строка 1: нет столбца «%(label)s»", label=label) for label in missing])
    table, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(v not in ("", None) for v in row):
            continue
        values = {key: row[i] if i < len(row) else "" for i, key in enumerate(header) if key}
        problems += cell_problems(number, values)
        table.append((number, values))
    if problems:
        raise refused(problems)
    if not table:
        raise refused([_("В файле нет ни одной строки данных.")])
    return table
