"""A practice's documents as XLSX (issue 15): the order's list of placements and the group's
attestation (per student each competency, the diary and the grade)."""
from .book import mark, workbook_bytes


def person_name(user) -> str:
    return f"{user.last_name} {user.first_name}" if user is not None else ""


def order_xlsx(item, rows: list[dict]) -> bytes:
    """`rows`: services/practice's overview rows of the practice `item`."""
    table = [[n, r["student"].full_name, r["organisation"].name,
              r["organisation"].address or "", person_name(r["mentor"]),
              r["placement"].contract_number or "", r["placement"].contract_date,
              r["placement"].order_number, r["placement"].order_date]
             for n, r in enumerate(rows, start=1)]
    return workbook_bytes(
        f"Приказ {item.journal.group.name}",
        ["№", "Студент", "Организация", "Адрес", "Наставник", "Договор №",
         "Дата договора", "Приказ №", "Дата приказа"], table,
        heading="Список студентов, направляемых на практику", lines=_lines(item))


def _lines(item) -> list[str]:
    """The group, the practice and its dates above the table."""
    return [f"Группа: {item.journal.group.name}; {item.journal.discipline.code} "
            f"{item.journal.discipline.name}",
            f"Сроки практики: {item.start_date:%d.%m.%Y} — {item.end_date:%d.%m.%Y}, "
            f"{item.hours} ч"]


def attestation_xlsx(item, rows: list[dict], marks: dict[int, dict[str, str]]) -> bytes:
    """`marks`: placement id → {competency code: «освоена» / «не освоена»}."""
    codes = [c.code for c in item.competencies]
    table = [[n, r["student"].full_name, r["organisation"].name, person_name(r["mentor"]),
              r["days_written"], r["days_confirmed"], r["hours_confirmed"],
              r["hours_planned"]]
             + [marks.get(r["placement"].id, {}).get(code, "") for code in codes]
             + ["заполнен" if r["attestation"] else "нет", mark(r["grade"] or "")]
             for n, r in enumerate(rows, start=1)]
    return workbook_bytes(
        f"Аттестация {item.journal.group.name}",
        ["№", "Студент", "Организация", "Наставник", "Дней записано", "Дней подтверждено",
         "Часов подтверждено", "Часов по плану"] + codes
        + ["Аттестационный лист", "Оценка"], table,
        heading="Аттестация по итогам практики", lines=_lines(item),
        sheets=[("Компетенции", ["Код", "Компетенция"],
                 [[c.code, c.title] for c in item.competencies])])
