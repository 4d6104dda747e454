"""Hours delivered (1.7) as XLSX: per teacher the load, the hours of each month, the lessons,
the substitutions and the share of the load."""
from ..models import AcademicYear
from ..services.journal.hours import MONTHS, year_months
from .book import book_bytes, mark, new_book, add_sheet, write_table


def hours_xlsx(rows: list[dict], year: AcademicYear) -> bytes:
    """`rows`: services/journal/hours.py's hours_report."""
    book = new_book()
    sheet = add_sheet(book, "Вычитанные часы")
    months = year_months(year)
    write_table(
        sheet, "Вычитанные часы", ["Преподаватель", "Нагрузка, ч"]
        + [MONTHS[m] for m in months] + ["Занятий", "Всего часов", "из них замены",
                                        "% нагрузки"],
        [[row["teacher"], mark(row["load"])]
         + [mark(row["months"].get(m, {}).get("hours", 0)) for m in months]
         + [row["lessons"], mark(row["hours"]), mark(row["substitution_hours"]),
            mark(row["percent"])] for row in rows],
        lines=[f"Учебный год: {year.name}"], freeze_columns=1)
    return book_bytes(book)
