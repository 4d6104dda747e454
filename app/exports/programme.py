"""Programme completion (2.2, 1.7) as XLSX: per journal and semester the hours of the
curriculum and the topics of the work programme against those given, and what is behind."""
from .. import labels
from ..models import AcademicYear
from .book import add_sheet, book_bytes, new_book, write_table


def programme_xlsx(rows: list, year: AcademicYear) -> bytes:
    """`rows`: services/journal/programme.py's programme_report."""
    book = new_book()
    write_table(
        add_sheet(book, "Выполнение программ"), "Выполнение рабочих программ",
        ["Журнал", "Преподаватель", "Семестр", "Состояние", "Часов по плану", "Дано часов",
         "Не хватает часов", "Тем по программе", "Пройдено тем", "Не пройдены темы",
         "Отставание"],
        [[r.journal.title, f"{r.journal.teacher.last_name} {r.journal.teacher.first_name}",
          r.period.name if r.period else "учебный год",
          labels.russian(labels.PROGRAMME_STATES, r.state), r.planned_hours, r.given_hours,
          r.hours_short, len(r.planned_topics), len(r.given_topics),
          "\n".join(f"{t.position}. {t.title}" for t in r.missing_topics),
          "да" if r.behind else ""] for r in rows],
        lines=[f"Учебный год: {year.name}"], freeze_columns=1)
    return book_bytes(book)
