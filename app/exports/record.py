"""A student's record (2.2, 5.4) as XLSX: the current period's marks, absences and averages,
the attendance figures, then the final grades of earlier periods."""
from openpyxl import Workbook

from ..infra.clock import format_date
from ..infra.text_hygiene import printable_row
from .book import book_bytes


def record_xlsx(data: dict) -> bytes:
    """`data`: services/portal/record.py's student_record."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Текущий период"
    # stored names are written as they are, less what a spreadsheet cannot hold (\x01…)
    sheet.append(printable_row([data["student"]["full_name"], data["student"]["group"]]))
    sheet.append(["Дисциплина", "Дата", "Отметки", "Причина пропуска"])
    for row in data["disciplines"]:
        for entry in row["entries"]:
            sheet.append(printable_row([f"{row['code']} {row['name']}", format_date(entry["date"]),
                                        entry["text"], entry["absence_reason"]]))
        sheet.append(printable_row([f"{row['code']} {row['name']}", "средний балл",
                                    row["average"] or "", ""]))
    attendance = data.get("attendance")
    if attendance and attendance["hours"]:
        sheet.append([])
        sheet.append(["Посещаемость за период, %", attendance["attendance_pct"]])
        sheet.append(["Часов занятий", attendance["hours"]])
        for label, hours in (("Пропущено часов, всего", attendance["missed_total"]),
                             ("по уважительной причине", attendance["missed"]["excused"]),
                             ("по болезни", attendance["missed"]["illness"]),
                             ("без уважительной причины", attendance["missed"]["unexcused"])):
            sheet.append([label, hours])
    history = book.create_sheet("История")
    history.append(["Учебный год", "Период", "Дисциплина", "Вид", "Оценка",
                    "Результат, основание"])
    for item in data["history"]:
        # «неявка», «освобождён», «перезачтено (документ от дд.мм.гггг)», «вид деятельности
        # освоен» in words beside the stored value
        words = item["value_text"] if item["value_text"] != item["value"] else ""
        history.append(printable_row([item["academic_year"], item["period"],
                                      f"{item['code']} {item['name']}", item["kind_label"],
                                      item["value"], words]))
    return book_bytes(book)
