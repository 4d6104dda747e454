"""The journal as an XLSX workbook laid out like the paper journal: the marks grid, then the
lessons with dates, topics and homework (4.8). Marks that are numbers are numbers (a
spreadsheet can average them); «Н» and several marks in one cell stay text."""
from datetime import date

from .. import labels
from .book import add_sheet, book_bytes, mark, new_book, write_table


def journal_xlsx(journal, data: dict, table: list[dict], lesson_types: dict,
                 homework_kinds: dict) -> bytes:
    """`data`: services/journal/grid.py's journal data; `table`: the paper journal's rows."""
    book = new_book()
    lessons = data["lessons"]
    finals = [(p, k) for p in data["periods"] for k in p["kinds"]]
    group = journal.group.name + (f", {journal.subgroup.name}" if journal.subgroup else "")
    teacher = journal.teacher
    lines = [f"Группа: {group}; дисциплина: {journal.discipline}",
             f"Преподаватель: {teacher.last_name} {teacher.first_name}" if teacher else "",
             f"Учебный год: {journal.academic_year.name}"]
    write_table(
        add_sheet(book, "Отметки"), "Журнал учебных занятий: учёт успеваемости и посещаемости",
        ["№", "Студент"] + [date.fromisoformat(l["date"]) for l in lessons]
        + [f"{p['name']}: {labels.russian(labels.FINAL_GRADE_KINDS, k, k)}" for p, k in finals]
        + ["Средний балл"],
        [[n, row["student"]["full_name"]] + [mark(c) for c in row["cells"]]
         + [mark(row["finals"].get((p["id"], k), "")) for p, k in finals]
         + [mark(row["student"]["average"])] for n, row in enumerate(table, start=1)],
        lines=lines, freeze_columns=2)
    rows = []
    for l in lessons:
        kind = l["homework_kind"] if l["homework"] and l["homework_kind"] != "none" else None
        rows.append([
            date.fromisoformat(l["date"]), l["pair"], mark(l["hours"]), l["topic"],
            str(lesson_types.get(l["lesson_type"], l["lesson_type"] or "")),
            l["homework"], str(homework_kinds[kind]) if kind in homework_kinds else "",
            "да" if l["substitution"] else "", "да" if l["late"] else ""])
    write_table(add_sheet(book, "Занятия"), "Журнал учебных занятий: содержание занятий",
                ["Дата", "Пара", "Часы", "Тема", "Вид занятия", "Домашнее задание",
                 "Вид задания", "Замена", "Внесено позже"], rows, lines=lines)
    return book_bytes(book)
