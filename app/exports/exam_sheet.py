"""An exam or credit sheet (2.2, 4.7) as XLSX with the print-out's content: header, table,
totals, signature lines."""
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..infra.text_hygiene import printable_row
from .book import book_bytes


def _words(g: dict) -> str:
    """The grade in words, the module exam's decision, the basis of a transfer."""
    text = g["grade_words"] + (f"; {g['module_result']}" if g["module_result"] else "")
    if g["basis"]:
        when = f" от {g['basis_date']:%d.%m.%Y}" if g["basis_date"] else ""
        text += f" ({g['basis']}{when})"
    return text


def sheet_xlsx(d: dict, college: str) -> bytes:
    """`d`: services/assessment/sheet_reading.py's sheet export."""
    book = Workbook()
    ws = book.active
    ws.title = "Ведомость"
    period = d["period"]
    header = [
        [college],
        [f"{d['title']} № {d['number']}"],
        [f"Группа: {d['group']}" + (f", {d['subgroup']}" if d["subgroup"] else "")],
        [f"Дисциплина: {d['discipline']}"],
        [f"Форма аттестации: {d['kind_label']}; {period.name} {d['academic_year']} "
         "учебного года"],
        [f"Дата: {d['exam_date']:%d.%m.%Y}" + (f"; место: {d['place']}" if d["place"] else "")],
        ["Экзаменаторы: " + ", ".join(e["name"] for e in d["examiners"])],
        [],
        ["№", "Фамилия, имя, отчество", "№ зачётной книжки", "Допуск", "Средний балл",
         "Посещаемость, %"] + [head for disc in d["disciplines"] for head in (
             (f"{disc['name']}: оценка" if d["complex"] else "Оценка"),
             "Оценка прописью")] + ["Подпись экзаменатора"],
    ]
    for line in header:
        ws.append(printable_row(line))
    ws["A1"].font = ws["A2"].font = Font(bold=True)
    for r in d["rows"]:
        admission = "допущен" if r["admitted"] else f"не допущен: {r['reason'] or ''}"
        ws.append(printable_row([r["number"], r["full_name"], r["record_book"], admission,
                                 r["average"], r["attendance_pct"]] + [
            cell for g in r["grades"] for cell in (g["grade"] or "", _words(g))] + [""]))
    t = d["totals"]
    ws.append([])
    ws.append([f"Допущено: {t['admitted']}; не допущено: {t['not_admitted']}"])
    ws.append(["Оценки: " + "; ".join(f"«{words or value}» — {n}"
                                      for value, words, n in t["by_grade"])])
    ws.append([f"Средний балл: {t['average_text']}"])
    if t["mastered"] is not None:
        ws.append([f"Вид деятельности освоен: {t['mastered']}"])
    ws.append([])
    for e in d["examiners"]:
        ws.append([f"Экзаменатор ____________________ / {e['name']} /"])
    ws.append(["Заместитель директора по УР ____________________ / ____________________ /"])
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["D"].width = 30
    ws.column_dimensions["H"].width = 22
    for cell in ws["D"]:
        cell.alignment = Alignment(wrap_text=True)
    return book_bytes(book)
