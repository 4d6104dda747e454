"""An exam or credit sheet (2.2, 4.7) as XLSX with the print-out's content: header, table,
totals, signature lines."""
from .book import add_sheet, book_bytes, mark, new_book, write_table


def _words(g: dict) -> str:
    """The grade in words, the module exam's decision, the basis of a transfer."""
    text = g["grade_words"] + (f"; {g['module_result']}" if g["module_result"] else "")
    if g["basis"]:
        when = f" от {g['basis_date']:%d.%m.%Y}" if g["basis_date"] else ""
        text += f" ({g['basis']}{when})"
    return text


def sheet_xlsx(d: dict, college: str) -> bytes:
    """`d`: services/assessment/sheet_reading.py's sheet export."""
    book = new_book()
    period = d["period"]
    t = d["totals"]
    lines = [
        college,
        f"Группа: {d['group']}" + (f", {d['subgroup']}" if d["subgroup"] else ""),
        f"Дисциплина: {d['discipline']}",
        f"Форма аттестации: {d['kind_label']}; {period.name} {d['academic_year']} "
        "учебного года",
        f"Дата: {d['exam_date']:%d.%m.%Y}"
        + (f", {d['starts_at']:%H:%M}" if d["starts_at"] else "")
        + (f"; место: {d['place']}" if d["place"] else ""),
        "Экзаменаторы: " + ", ".join(e["name"] for e in d["examiners"]),
    ]
    rows = [[r["number"], r["full_name"], r["record_book"],
             "допущен" if r["admitted"] else f"не допущен: {r['reason'] or ''}",
             mark(r["average"]), mark(r["attendance_pct"])]
            + [cell for g in r["grades"] for cell in (mark(g["grade"] or ""), _words(g))] + [""]
            for r in d["rows"]]
    after = [[], [f"Допущено: {t['admitted']}; не допущено: {t['not_admitted']}"],
             ["Оценки: " + "; ".join(f"«{words or value}» — {n}"
                                     for value, words, n in t["by_grade"])],
             [f"Средний балл: {t['average_text']}"]]
    if t["mastered"] is not None:
        after.append([f"Вид деятельности освоен: {t['mastered']}"])
    after.append([])
    after += [[f"Экзаменатор ____________________ / {e['name']} /"] for e in d["examiners"]]
    after.append(["Заместитель директора по УР ____________________ / ____________________ /"])
    grade_heads = [head for disc in d["disciplines"] for head in (
        (f"{disc['name']}: оценка" if d["complex"] else "Оценка"), "Оценка прописью")]
    write_table(add_sheet(book, "Ведомость"), f"{d['title']} № {d['number']}",
                ["№", "Фамилия, имя, отчество", "№ зачётной книжки", "Допуск", "Средний балл",
                 "Посещаемость, %"] + grade_heads + ["Подпись экзаменатора"],
                rows, lines=lines, after=after)
    return book_bytes(book)
