"""Hours delivered (1.7) as XLSX: per teacher the load, the hours of each month, the lessons,
the substitutions and the share of the load."""
from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import AcademicYear
from ..services.journal.hours import MONTHS, year_months
from .book import book_bytes


def hours_xlsx(rows: list[dict], year: AcademicYear) -> bytes:
    """`rows`: services/journal/hours.py's hours_report."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Вычитанные часы"
    months = year_months(year)
    sheet.append([f"Вычитанные часы, {year.name} учебный год"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["Преподаватель", "Нагрузка, ч"] + [MONTHS[m] for m in months]
                 + ["Занятий", "Всего часов", "из них замены", "% нагрузки"])
    for row in rows:
        sheet.append([row["teacher"], row["load"]]
                     + [row["months"].get(m, {}).get("hours", 0) for m in months]
                     + [row["lessons"], row["hours"], row["substitution_hours"], row["percent"]])
    sheet.column_dimensions["A"].width = 32
    return book_bytes(book)
