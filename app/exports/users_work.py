"""The sheets on the other users' work shared by the council's report (6.2) and the activity
report (6.1): curators, the deputy director, students and parents, IT — from
services/control/reports/council.py's users_work, as `workbook_bytes` sheets."""

CURATOR_HEADERS = [
    "Куратор", "Групп", "Проверок положено", "проведено", "в срок", "с опозданием",
    "не проведено", "В срок, %", "Причин пропусков исправлено", "Отчётов родителям",
    "Служебных записок"]
DEPUTY_HEADERS = [
    "Заместитель директора", "Месяц", "Проверок", "Журналов проверено", "от всех журналов, %",
    "Замечаний", "устранено", "срок устранения истёк"]
FAMILY_HEADERS = [
    "Группа", "Месяц", "Студентов", "из них входили", "Студентов входили, %", "Родителей",
    "из них входили", "Родителей входили, %"]
IT_HEADERS = ["Показатель", "Значение"]


def _curator(r: dict, name: str) -> list:
    return [name, r["groups"], r["checks_due"], r["checks_done"], r["checks_on_time"],
            r["checks_late"], r["checks_missing"], r["checks_on_time_share"], r["reasons"],
            r["parent_reports"], r["memos"]]


def _family(group: str, month: str, r: dict) -> list:
    return [group, month, r["students"], r["students_in"], r["students_share"], r["parents"],
            r["parents_in"], r["parents_share"]]


def work_sheets(work: dict) -> list[tuple[str, list, list]]:
    curators = work["curators"]
    curator_rows = [_curator(r, r["name"]) for r in curators["rows"]]
    curator_rows.append(_curator(dict(curators["total"], groups=curators["total"]["groups"]),
                                 "Итого"))
    deputy_rows = []
    for d in work["deputy"]["rows"]:
        deputy_rows += [[d["name"], m["month"], m["checks"], m["journals"], m["journals_share"],
                         m["remarks"], m["fixed"], m["overdue"]] for m in d["months"]]
        deputy_rows.append([d["name"], "за период", d["total"]["checks"], d["total"]["journals"],
                            None, d["total"]["remarks"], d["total"]["fixed"],
                            d["total"]["overdue"]])
    family_rows = []
    for g in work["usage"]["rows"]:
        family_rows += [_family(g["group"], m["month"], m) for m in g["months"]]
        family_rows.append(_family(g["group"], "за период", g["total"]))
    family_rows.append(_family("Колледж", "за период", work["usage"]["total"]))
    it = work["it"]
    it_rows = [["Резервных копий создано", it["backups"]],
               ["из них проверено восстановлением", it["verified"]],
               ["Проверено, %", it["verified_share"]],
               ["Запросов на блокировку подано", it["requests"]],
               ["решено", it["decided"]], ["ожидают решения", it["pending"]],
               ["Часов до решения, в среднем", it["average_hours"]],
               ["Часов до решения, дольше всего", it["longest_hours"]]]
    return [("Кураторы", CURATOR_HEADERS, curator_rows),
            ("Заместитель директора", DEPUTY_HEADERS, deputy_rows),
            ("Студенты и родители", FAMILY_HEADERS, family_rows),
            ("Отдел ИТ", IT_HEADERS, it_rows)]
