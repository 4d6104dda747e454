"""The college's reports (6.1, 6.2, 2.2) as XLSX: activity, results, objectivity and the
council's report, each from the figures its service in services/control/reports/ computed."""
from .book import mark, workbook_bytes
from .users_work import work_sheets

ACTIVITY_HEADERS = [
    "Сотрудник", "Отделение", "Входов", "Занятий внесено", "из них в день занятия",
    "Доля в день занятия, %", "с опозданием", "Отметок внесено",
    "Исправлений задним числом", "Ошибок в оценке признано"]
RESULTS_HEADERS = [
    "Группа", "Дисциплина", "Преподаватель", "Студентов", "Не аттестованы", "Успеваемость, %",
    "Качество знаний, %", "Средний балл", "Пропущено часов", "Уважительных, %"]
OBJECTIVITY_HEADERS = [
    "Преподаватель", "Дисциплина", "Группа", "Студентов сопоставлено", "Средняя текущая",
    "Средняя итоговая", "Разница", "Расходятся на 2+, %", "Выброс"]
COUNCIL_HEADERS = [
    "Преподаватель", "Отделение", "Занятий записано", "в день занятия", "с опозданием",
    "Не записано по расписанию", "Без темы", "Без домашнего задания", "Без посещаемости",
    "Доля в срок, %",
    "Итоговых оценок", "в срок", "после срока", "Исправлений после срока", "Входов"]


def activity_xlsx(report: dict, period: str = "") -> bytes:
    """`report`: services/control/reports/activity.py's activity; `period`: its dates."""
    rows = [[r["name"], r["department"], r["logins"], r["lessons"], r["in_time"],
             r["in_time_share"], r["late"], r["marks"], r["corrections"], r["upheld"]]
            for r in report["rows"]]
    dept_rows = [[d["department"], d["users"], d["logins"], d["lessons"], d["in_time"],
                  d["in_time_share"], d["late"], d["marks"], d["corrections"], d["upheld"]]
                 for d in report["departments"]]
    return workbook_bytes("Активность", ACTIVITY_HEADERS, rows, sheets=[(
        "По отделениям", ["Отделение", "Сотрудников"] + ACTIVITY_HEADERS[2:], dept_rows),
        *work_sheets(report["work"])],
        heading="Активность пользователей", lines=[f"Период: {period}" if period else ""])


def results_xlsx(rows: list[dict], title: str) -> bytes:
    """`rows`: services/control/reports/results.py's results."""
    return workbook_bytes("Итоги", RESULTS_HEADERS, [
        [r["group"], r["discipline"], r["teacher"], r["count"], r["unattested"], r["success"],
         r["quality"], mark(r["average"]), r["hours"], r["excused_share"]] for r in rows],
        heading="Итоги успеваемости", lines=[f"Период: {title}"])


def objectivity_xlsx(rows: list[dict], period: str = "") -> bytes:
    """`rows`: services/control/reports/objectivity.py's objectivity of the `period`."""
    return workbook_bytes("Объективность", OBJECTIVITY_HEADERS, [
        [r["teacher"], r["discipline"], r["group"], r["students"], mark(r["current"]),
         mark(r["final"]), mark(r["gap"]), r["far_share"], "да" if r["outlier"] else ""]
        for r in rows],
        heading="Объективность оценивания", lines=[f"Период: {period}" if period else ""])


def _line(r: dict, name: str, department: str) -> list:
    return [name, department, r["lessons"], r["on_day"], r["late"], r["missing"], r["no_topic"],
            r["no_homework"], r["no_attendance"], r["on_time_share"], r["grades"],
            r["grades_on_time"], r["grades_late"], r["corrections"], r["logins"]]


def council_xlsx(report: dict, period: str = "") -> bytes:
    """`report`: services/control/reports/council.py's council of the `period`."""
    rows = [_line(r, r["name"], r["department"]) for r in report["rows"]]
    rows.append(_line(report["total"], "Итого по колледжу", ""))
    dept_rows = [_line(d, d["department"], f"{d['teachers']} преп.")
                 for d in report["departments"]]
    return workbook_bytes("По преподавателям", COUNCIL_HEADERS, rows, sheets=[(
        "По отделениям", ["Отделение", "Преподавателей"] + COUNCIL_HEADERS[2:], dept_rows),
        *work_sheets(report["work"])],
        heading="Работа пользователей в журнале: преподаватели",
        lines=[f"Период: {period}" if period else ""])
