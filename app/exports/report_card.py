"""The report card (табель успеваемости, 2.2, 5.2) as XLSX: one row per discipline — the final
grade, the current average, missed hours by reason — with the group's figure beside each, and
the totals below."""
from .book import add_sheet, book_bytes, mark, new_book, write_table

HEADERS = ["Дисциплина", "Преподаватель", "Итоговая оценка", "Итоговая: среднее по группе",
           "Средний балл текущих оценок", "Текущий: средний по группе", "Пропущено часов",
           "по болезни", "по уважительной причине", "без уважительной причины",
           "Пропущено: в среднем по группе"]


def _number(value):
    return "" if value is None else mark(value)


def report_card_xlsx(data: dict) -> bytes:
    """`data`: services/portal/report_card.py's report_card."""
    book = new_book()
    student, period, totals = data["student"], data["period"], data["totals"]
    lines = [f"Обучающийся: {student['full_name']}; группа {student['group']}",
             f"Период: {period['name']}" if period else "Период: нет начавшихся периодов"]
    rows = [[f"{row['code']} {row['name']}", row["teacher"],
             mark("; ".join(row["final_text"]) if len(row["final_text"]) > 1
                  else row["final"] or ""),
             _number(row["group_final"]), _number(row["average"]),
             _number(row["group_average"]), mark(row["missed"]),
             mark(row["missed_by_reason"]["illness"]), mark(row["missed_by_reason"]["excused"]),
             mark(row["missed_by_reason"]["unexcused"]), _number(row["group_missed"])]
            for row in data["disciplines"]]
    after = []
    if totals:
        after = [[], ["Средний балл итоговых оценок", "", _number(totals["average"]),
                      _number(totals["group_average"])],
                 ["Пропущено часов за период", "", "", "", "", "", mark(totals["missed"]),
                  mark(totals["missed_by_reason"]["illness"]),
                  mark(totals["missed_by_reason"]["excused"]),
                  mark(totals["missed_by_reason"]["unexcused"]), _number(totals["group_missed"])],
                 ["Посещаемость, %", "", _number(totals["attendance_pct"])]]
    write_table(add_sheet(book, "Табель"), "Табель успеваемости", HEADERS, rows, lines=lines,
                after=after, freeze_columns=1)
    return book_bytes(book)
