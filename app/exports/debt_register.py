"""The register of academic debts (4.7) as XLSX: every debt, then the counts by group and by
discipline."""
from .. import labels
from ..services.assessment.debt_deadlines import extension_text
from ..services.assessment.debts import kind_label
from .book import add_sheet, book_bytes, mark, new_book, write_table


def register_xlsx(data: dict, table) -> bytes:
    """`data`, `table`: services/assessment/debt_register.py's register and register_table
    (streamed: a college's year of debts is written in a few seconds)."""
    rows, retakes = table
    day = data["today"]
    book = new_book(write_only=True)
    body = []
    for n, (debt_id, last, first, middle, left, group, code, name, year, period, kind, origin,
            value, deadline, status, failed, order_number, order_date,
            before) in enumerate(rows, start=1):
        state = "закрыта" if status == "closed" else (
            "основание для отчисления" if failed >= 2 else
            "просрочена" if deadline < day else "открыта")
        body.append([n, " ".join(p for p in (last, first, middle) if p), group,
                     f"{code} {name}", year, period, kind_label(kind),
                     labels.text(labels.DEBT_ORIGINS, origin), mark(value or ""), deadline,
                     extension_text(order_number, order_date, before), state,
                     "; ".join(retakes.get(debt_id, [])), failed,
                     "да" if left else ""])
    title = f"Реестр академических задолженностей на {day:%d.%m.%Y}"
    write_table(add_sheet(book, "Задолженности"), title,
                ["№", "Студент", "Группа", "Дисциплина", "Учебный год", "Период",
                 "Вид аттестации", "Основание", "Оценка", "Срок", "Продление срока",
                 "Состояние",
                 "Пересдачи", "Не сдано пересдач", "Выбыл"], body, freeze_columns=2)
    write_table(add_sheet(book, "По группам"), f"{title}: по группам",
                ["Группа", "Задолженностей", "Из них просрочено"],
                [[g["name"], g["count"], g["overdue"]] for g in data["by_group"]])
    write_table(add_sheet(book, "По дисциплинам"), f"{title}: по дисциплинам",
                ["Дисциплина", "Задолженностей"],
                [[f"{d['code']} {d['name']}", d["count"]] for d in data["by_discipline"]])
    return book_bytes(book)
