"""Hours delivered (1.7) as XLSX: per teacher the load, the hours of each month, the lessons,
the substitutions, the hours by the timetable and outside it, and the share of the load; per
journal the same split; the lessons given outside the timetable with their reasons."""
from ..models import AcademicYear
from ..services.journal.hours import MONTHS, year_months
from .book import add_sheet, book_bytes, mark, new_book, write_table


def hours_xlsx(rows: list[dict], off_timetable: list[dict], year: AcademicYear) -> bytes:
    """`rows`: services/journal/hours.py's hours_report; `off_timetable`: its
    off_timetable_lessons."""
    book = new_book()
    sheet = add_sheet(book, "Вычитанные часы")
    months = year_months(year)
    year_line = f"Учебный год: {year.name}"
    write_table(
        sheet, "Вычитанные часы", ["Преподаватель", "Нагрузка, ч"]
        + [MONTHS[m] for m in months] + ["Занятий", "Всего часов", "из них замены",
                                        "по расписанию", "вне расписания", "% нагрузки"],
        [[row["teacher"], mark(row["load"])]
         + [mark(row["months"].get(m, {}).get("hours", 0)) for m in months]
         + [row["lessons"], mark(row["hours"]), mark(row["substitution_hours"]),
            mark(row["timetabled_hours"]), mark(row["off_timetable_hours"]),
            mark(row["percent"])] for row in rows],
        lines=[year_line], freeze_columns=1)
    write_table(
        add_sheet(book, "По журналам"), "Вычитанные часы по журналам",
        ["Преподаватель", "Журнал", "Занятий", "Всего часов", "по расписанию",
         "вне расписания"],
        [[row["teacher"], j["title"], j["lessons"], j["hours"], j["timetabled_hours"],
          j["off_timetable_hours"]] for row in rows for j in row["journals"]],
        lines=[year_line], freeze_columns=1)
    write_table(
        add_sheet(book, "Вне расписания"), "Занятия вне расписания",
        ["Дата", "Пара", "Журнал", "Преподаватель", "Часы", "Причина"],
        [[le["date"], le["pair_number"], le["journal"], le["teacher"], le["hours"],
          le["reason"]] for le in off_timetable],
        lines=[year_line])
    return book_bytes(book)
