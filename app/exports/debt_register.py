"""The register of academic debts (4.7) as XLSX: every debt, then the counts by group and by
discipline."""
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .. import labels
from ..infra.text_hygiene import printable_row
from ..services.assessment.debts import kind_label
from .book import book_bytes


def register_xlsx(data: dict, table) -> bytes:
    """`data`, `table`: services/assessment/debt_register.py's register and register_table
    (streamed: a college's year of debts is written in a few seconds)."""
    rows, retakes = table
    day = data["today"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Задолженности")
    sheet.column_dimensions["B"].width = 34
    sheet.column_dimensions["D"].width = 40
    _append(sheet, [f"Реестр академических задолженностей на {day:%d.%m.%Y}"], bold=True)
    _append(sheet, ["№", "Студент", "Группа", "Дисциплина", "Учебный год", "Период",
                    "Вид аттестации", "Основание", "Оценка", "Срок", "Состояние",
                    "Пересдачи", "Не сдано пересдач", "Выбыл"])
    for n, (debt_id, last, first, middle, left, group, code, name, year, period, kind, origin,
            value, deadline, status, failed) in enumerate(rows, start=1):
        state = "закрыта" if status == "closed" else (
            "основание для отчисления" if failed >= 2 else
            "просрочена" if deadline < day else "открыта")
        _append(sheet, [n, " ".join(p for p in (last, first, middle) if p), group,
                        f"{code} {name}", year, period, kind_label(kind),
                        labels.text(labels.DEBT_ORIGINS, origin),
                        value or "", f"{deadline:%d.%m.%Y}", state,
                        "; ".join(retakes.get(debt_id, [])), failed, "да" if left else ""])
    groups = book.create_sheet("По группам")
    _append(groups, ["Группа", "Задолженностей", "Из них просрочено"], bold=True)
    for g in data["by_group"]:
        _append(groups, [g["name"], g["count"], g["overdue"]])
    disciplines = book.create_sheet("По дисциплинам")
    _append(disciplines, ["Дисциплина", "Задолженностей"], bold=True)
    for d in data["by_discipline"]:
        _append(disciplines, [f"{d['code']} {d['name']}", d["count"]])
    return book_bytes(book)


def _append(sheet, values, bold: bool = False) -> None:
    """A row of data: text starting with «=» stays text, never a formula."""
    cells = []
    for value in printable_row(values):
        if bold or (isinstance(value, str) and value.startswith("=")):
            value = WriteOnlyCell(sheet, value=value)
            value.data_type = "n" if isinstance(value.value, (int, float)) else "s"
            if bold:
                value.font = Font(bold=True)
        cells.append(value)
    sheet.append(cells)
