"""A student's record (2.2, 5.4) as XLSX: the current period's marks, absences and averages,
the attendance figures, then the final grades of earlier periods."""
from datetime import date

from .book import add_sheet, book_bytes, mark, new_book, write_table


def record_xlsx(data: dict) -> bytes:
    """`data`: services/portal/record.py's student_record."""
    book = new_book()
    student = data["student"]
    period = data.get("period")
    lines = [f"Обучающийся: {student['full_name']}; группа {student['group']}",
             f"Период: {period['name']}" if period else ""]
    rows = []
    for row in data["disciplines"]:
        name = f"{row['code']} {row['name']}"
        for entry in row["entries"]:
            rows.append([name, date.fromisoformat(entry["date"][:10]), mark(entry["text"]),
                         entry["absence_reason"]])
        rows.append([name, "средний балл", mark(row["average"] or ""), ""])
    after = []
    attendance = data.get("attendance")
    if attendance and attendance["hours"]:
        after = [[], ["Посещаемость за период, %", mark(attendance["attendance_pct"])],
                 ["Часов занятий", mark(attendance["hours"])]]
        for label, hours in (("Пропущено часов, всего", attendance["missed_total"]),
                             ("по уважительной причине", attendance["missed"]["excused"]),
                             ("по болезни", attendance["missed"]["illness"]),
                             ("без уважительной причины", attendance["missed"]["unexcused"])):
            after.append([label, mark(hours)])
    write_table(add_sheet(book, "Текущий период"), "Успеваемость и посещаемость",
                ["Дисциплина", "Дата", "Отметки", "Причина пропуска"], rows, lines=lines,
                after=after)
    # «неявка», «освобождён», «перезачтено (документ от дд.мм.гггг)», «вид деятельности
    # освоен» in words beside the stored value
    write_table(add_sheet(book, "История"), "Итоговые оценки прошлых периодов",
                ["Учебный год", "Период", "Дисциплина", "Вид", "Оценка",
                 "Результат, основание"],
                [[item["academic_year"], item["period"], f"{item['code']} {item['name']}",
                  item["kind_label"], mark(item["value"]),
                  item["value_text"] if item["value_text"] != item["value"] else ""]
                 for item in data["history"]],
                lines=lines[:1])
    return book_bytes(book)
