"""A group's attendance report (3.3, 6.1) as XLSX: the same figures as the page."""
from ..services.journal import progress
from .book import workbook_bytes

REASON_HEADS = ("уваж.", "болезнь", "неуваж.")


def attendance_xlsx(data: dict) -> bytes:
    """`data`: services/control/attendance.py's group report."""
    heads = ["№", "Обучающийся"]
    for label in data["months"]:
        heads += [f"{label}: {r}" for r in REASON_HEADS] + [f"{label}: всего"]
    for label in (f"{data['period'].name}", f"{data['year'].name} учебный год"):
        heads += [f"{label}: часов", *[f"{label}: {r}" for r in REASON_HEADS],
                  f"{label}: пропущено", f"{label}: посещаемость, %"]
    body = []
    for n, row in enumerate(data["rows"], start=1):
        line = [n, row["name"]]
        for month in row["months"]:
            line += [month[r] for r in progress.MISSED_REASONS] + [month["missed"]]
        for key in ("period", "year"):
            t = row[key]
            line += [t["hours"], *[t[r] for r in progress.MISSED_REASONS], t["missed"], t["pct"]]
        body.append(line)
    period, year = data["period"], data["year"]
    return workbook_bytes(
        f"Посещаемость {data['group'].name}", heads, body,
        heading=f"Посещаемость группы {data['group'].name}",
        lines=[f"Период: {period.name}, {year.name} учебный год"], freeze_columns=2)
