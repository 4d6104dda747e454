"""The journal as an XLSX workbook laid out like the paper journal: the marks grid, then the
lessons with dates, topics and homework (4.8)."""
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .. import labels
from ..infra.text_hygiene import printable_row
from .book import book_bytes


def journal_xlsx(journal, data: dict, table: list[dict], lesson_types: dict,
                 homework_kinds: dict) -> bytes:
    """`data`: services/journal/grid.py's journal data; `table`: the paper journal's rows."""
    book = Workbook()
    grid = book.active
    grid.title = "Отметки"
    grid.append(printable_row([journal.title]))
    grid["A1"].font = Font(bold=True)
    lessons = data["lessons"]
    finals = [(p, k) for p in data["periods"] for k in p["kinds"]]
    grid.append(["№", "Студент"] + [_ru(l["date"]) for l in lessons]
                + [f"{p['name']}: {labels.russian(labels.FINAL_GRADE_KINDS, k, k)}"
                   for p, k in finals] + ["Средний балл"])
    for n, row in enumerate(table, start=1):
        grid.append(printable_row([n, row["student"]["full_name"]] + row["cells"]
                                  + [row["finals"].get((p["id"], k), "") for p, k in finals]
                                  + [row["student"]["average"]]))
    grid.column_dimensions["B"].width = 34
    sheet = book.create_sheet("Занятия")
    sheet.append(["Дата", "Пара", "Часы", "Тема", "Вид занятия", "Домашнее задание",
                  "Вид задания", "Замена", "Внесено позже"])
    for l in lessons:
        kind = l["homework_kind"] if l["homework"] and l["homework_kind"] != "none" else None
        # stored text is written as it is, less what a spreadsheet cannot hold (\x00…)
        sheet.append(printable_row([
            _ru(l["date"]), l["pair"], l["hours"], l["topic"],
            str(lesson_types.get(l["lesson_type"], l["lesson_type"] or "")),
            l["homework"], str(homework_kinds[kind]) if kind in homework_kinds else "",
            "да" if l["substitution"] else "", "да" if l["late"] else ""]))
    sheet.column_dimensions["D"].width = 60
    sheet.column_dimensions["F"].width = 40
    for cell in sheet["D"]:
        cell.alignment = Alignment(wrap_text=True)
    return book_bytes(book)


def _ru(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}.{m}.{y}"
