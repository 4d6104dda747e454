"""What people read instead of stored codes: statuses, audit actions and objects, roles,
audit details. One place used by pages, exports and e-mails alike (SPEC: the UI speaks
Russian; no `None`, `True`, `False`, ISO time or internal code reaches a reader).
"""
import json

from flask_babel import lazy_gettext as _l

from .infra import clock

ROLES = {
    "Admin": _l("Администратор системы"),
    "IT": _l("Отдел ИТ"),
    "Administration": _l("Администрация"),
    "Deputy": _l("Зам. директора по УР"),
    "Teacher": _l("Преподаватель"),
    "Curator": _l("Куратор"),
    "Student": _l("Студент"),
    "Parent": _l("Родитель (законный представитель)"),
    "Mentor": _l("Наставник от организации"),
    "Public": _l("Гость"),
}

# One name per kind of audited action (4.1).
ACTIONS = {
    "login": _l("вход"),
    "login_failed": _l("неудачный вход"),
    "login_locked": _l("вход при блокировке"),
    "logout": _l("выход"),
    "password_change": _l("смена пароля"),
    "password_reset": _l("сброс пароля"),
    "account_block": _l("блокировка учётной записи"),
    "account_unblock": _l("разблокировка учётной записи"),
    "role_change": _l("изменение ролей"),
    "credentials_issue": _l("выдача учётных данных"),
    "journal_view": _l("просмотр журнала"),
    "record_view": _l("просмотр карточки студента"),
    "view": _l("просмотр"),
    "access_denied": _l("отказ в доступе"),
    "export": _l("выгрузка"),
    "import": _l("загрузка данных"),
    "create": _l("создание"),
    "update": _l("изменение"),
    "delete": _l("удаление"),
    "lesson_create": _l("создание занятия"),
    "lesson_update": _l("изменение занятия"),
    "lesson_delete": _l("удаление занятия"),
    "cell_change": _l("изменение отметки"),
    "final_grade_change": _l("изменение итоговой оценки"),
    "period_deadline": _l("срок выставления итоговых оценок"),
    "period_close": _l("закрытие периода"),
    "message_send": _l("отправка сообщения"),
    "memo_send": _l("отправка служебной записки"),
    "memo_status": _l("изменение статуса служебной записки"),
    "status_change": _l("изменение статуса студента"),
    "control_check": _l("проверка журнала"),
    "control_check_update": _l("изменение проверки журнала"),
    "control_check_delete": _l("удаление проверки журнала"),
    "issue_report": _l("обращение об ошибке"),
    "issue_answer": _l("ответ на обращение"),
    "block_request_reject": _l("отклонение заявки на блокировку"),
    "block_request_confirm": _l("подтверждение заявки на блокировку"),
    "timetable_change": _l("изменение расписания"),
    "behaviour_note": _l("замечание о поведении"),
    "practice_read": _l("просмотр практики наставником"),
    # academic debts and retakes (4.7)
    "debts_sync": _l("расчёт академических задолженностей"),
    "retake_schedule": _l("назначение пересдачи"),
    "retake_result": _l("результат пересдачи"),
    # exam sheets (2.2, 4.7)
    "exam_sheet_create": _l("создание ведомости"),
    "exam_sheet_generate": _l("обновление ведомости"),
    "exam_sheet_admission": _l("допуск по ведомости"),
    # absence documents (3.3)
    "absence_document_upload": _l("загрузка оправдательного документа"),
    "absence_document_accept": _l("принятие оправдательного документа"),
    "absence_document_reject": _l("отклонение оправдательного документа"),
    "absence_document_reapply": _l("повторное применение оправдательного документа"),
    "timetable_import": _l("загрузка расписания"),
    "weekly_reports_send": _l("рассылка еженедельных отчётов"),
    "backup_create": _l("резервная копия"),
    "backup_restore": _l("восстановление из копии"),
    "archive_create": _l("архивирование"),
    "archive_destroy": _l("уничтожение архива"),
}

# Audited objects: the tables behind them.
OBJECTS = {
    "ab_user": _l("учётная запись"), "user": _l("учётная запись"),
    "ab_role": _l("роль"), "audit_log": _l("журнал аудита"),
    "academic_year": _l("учебный год"), "period": _l("семестр"),
    "department": _l("отделение"), "staff_profile": _l("сотрудник"),
    "account_state": _l("состояние учётной записи"), "specialty": _l("специальность"),
    "student_group": _l("группа"), "group": _l("группа"), "subgroup": _l("подгруппа"),
    "student": _l("студент"), "group_membership": _l("состав группы"),
    "subgroup_member": _l("состав подгруппы"),
    "student_status_change": _l("приказ по контингенту"), "parent": _l("родитель"),
    "student_parent": _l("связь студента и родителя"), "discipline": _l("дисциплина"),
    "curriculum": _l("учебный план"), "curriculum_item": _l("строка учебного плана"),
    "work_program": _l("рабочая программа"), "work_program_topic": _l("тема программы"),
    "teaching_load": _l("педагогическая нагрузка"), "message": _l("сообщение"),
    "issue_report": _l("обращение"), "weekly_report_delivery": _l("еженедельный отчёт"),
    "memo": _l("служебная записка"), "control_check": _l("проверка журнала"),
    "block_request": _l("заявка на блокировку"), "backup": _l("резервная копия"),
    "backup_record": _l("резервная копия"), "archive": _l("архив"),
    "archive_record": _l("архив"), "destruction_act": _l("акт уничтожения"),
    "timetable_entry": _l("пара расписания"), "timetable_change": _l("изменение расписания"),
    "journal": _l("журнал"), "lesson": _l("занятие"), "journal_cell": _l("отметка"),
    "mark": _l("оценка"), "final_grade": _l("итоговая оценка"),
    "hours_report": _l("учёт часов"), "report": _l("отчёт"),
    "students": _l("студенты"), "staff": _l("сотрудники"), "timetable": _l("расписание"),
    "curricula": _l("учебные планы"), "load": _l("педагогическая нагрузка"),
    # practice (issue 15)
    "practice": _l("практика"), "practice_organisation": _l("организация (место практики)"),
    "practice_placement": _l("место практики студента"),
    "practice_diary_entry": _l("запись дневника практики"),
    "practice_attestation": _l("аттестационный лист практики"),
    # academic debts and retakes (4.7)
    "academic_debt": _l("академическая задолженность"), "retake": _l("пересдача"),
    "retake_entry": _l("результат пересдачи"),
    "exam_sheet": _l("ведомость"), "absence_document": _l("оправдательный документ"),
}

STATUSES = {
    "memo": {"sent": _l("отправлена"), "received": _l("получена"),
             "acted": _l("приняты меры")},
    "issue": {"open": _l("на рассмотрении"), "corrected": _l("оценка исправлена"),
              "confirmed": _l("оценка подтверждена"), "resolved": _l("решено")},
    "issue_kind": {"wrong_mark": _l("ошибка в оценке"), "access": _l("проблема доступа")},
    "block": {"pending": _l("ожидает решения"), "confirmed": _l("выполнена"),
              "rejected": _l("отклонена")},
    "block_action": {"block": _l("блокировка"), "unblock": _l("разблокировка")},
    "delivery": {"waiting": _l("ожидает отправки"), "sending": _l("отправляется"),
                 "sent": _l("отправлен"), "failed": _l("не доставлен")},
    "student": {"studying": _l("обучается"), "academic_leave": _l("академический отпуск"),
                "expelled": _l("отчислен"), "transferred": _l("переведён"),
                "graduated": _l("выпускник")},
    "group": {"active": _l("обучается"), "graduated": _l("выпущена"),
              "disbanded": _l("расформирована")},
    "status_change": {"enrollment": _l("зачисление"), "transfer": _l("перевод"),
                      "expulsion": _l("отчисление"), "academic_leave": _l("академический отпуск"),
                      "restoration": _l("восстановление"), "graduation": _l("выпуск")},
    "format": {"csv": "CSV", "xlsx": "XLSX", "pdf": "PDF", "html": _l("страница для печати")},
    "login_failed": {"unknown_user": _l("нет такой учётной записи")},
    "absence_document_kind": {"medical": _l("медицинская справка"), "summons": _l("повестка"),
                              "college_order": _l("приказ техникума"), "other": _l("другое")},
    "absence_reason": {"excused": _l("уважительная"), "illness": _l("болезнь"),
                       "unexcused": _l("неуважительная")},
}

# Which codes a detail holds, by action and key: {action: {key: kind of STATUSES}}; a key
# alone (None) applies to every action.
DETAIL_CODES = {
    "memo_status": {"status": "memo"},
    "login_failed": {"reason": "login_failed"},
    "issue_answer": {"status": "issue"},
    "issue_report": {"kind": "issue_kind"},
    "status_change": {"kind": "status_change", "new_status": "student",
                      "old_status": "student"},
    None: {"format": "format", "action": "block_action"},
}
for _action in ("absence_document_upload", "absence_document_accept",
                "absence_document_reject", "absence_document_reapply"):
    DETAIL_CODES[_action] = {"kind": "absence_document_kind", "reason": "absence_reason"}

# Keys of audit details (and of changed fields on the reference screens).
DETAIL_KEYS = {
    "journal": _l("журнал"), "date": _l("дата"), "kind": _l("вид"), "group": _l("группа"),
    "username": _l("логин"), "student": _l("студент"), "reason": _l("причина"),
    "pair": _l("пара"), "old": _l("было"), "new": _l("стало"), "format": _l("формат"),
    "before": _l("было"), "after": _l("стало"), "year": _l("учебный год"),
    "status": _l("статус"), "rows": _l("строк"), "recipient_id": _l("получатель"),
    "order": _l("приказ"), "lesson": _l("занятие"), "lesson_id": _l("занятие"),
    "file": _l("файл"), "files": _l("файлы"), "week_start": _l("неделя с"),
    "week": _l("неделя"), "verified": _l("проверена"), "topic": _l("тема"),
    "thread_id": _l("переписка"), "substitute": _l("замена"), "skipped": _l("пропущено"),
    "sent": _l("отправлено"), "seconds": _l("секунд"), "scope": _l("охват"),
    "request": _l("заявка"), "period": _l("семестр"), "new_status": _l("новый статус"),
    "old_status": _l("прежний статус"), "late": _l("с опозданием"), "groups": _l("группы"),
    "group_id": _l("группа"), "for": _l("для"), "fixed": _l("исправлено"),
    "filters": _l("фильтры"), "failed": _l("не доставлено"), "deadline": _l("срок"),
    "changes": _l("изменения"), "cells": _l("ячеек"), "cancelled": _l("отменена"),
    "broadcast": _l("рассылка"), "api": _l("через API"),
    "after_deadline": _l("после срока"), "act": _l("акт"), "было": _l("было"),
    "active": _l("активна"), "roles": _l("роли"), "first_name": _l("имя"),
    "last_name": _l("фамилия"), "middle_name": _l("отчество"), "email": _l("эл. почта"),
    "name": _l("название"), "title": _l("название"), "code": _l("код"),
    "start_date": _l("дата начала"), "end_date": _l("дата окончания"),
    "lesson_date": _l("дата занятия"), "pair_number": _l("пара"), "value": _l("значение"),
    "teacher": _l("преподаватель"), "discipline": _l("дисциплина"), "hours": _l("часы"),
    "note": _l("примечание"), "text": _l("текст"), "subject": _l("тема"),
    "homework": _l("домашнее задание"), "lesson_type": _l("вид занятия"),
    "attendance_taken": _l("посещаемость отмечена"), "topic_id": _l("тема"),
    "homework_kind": _l("вид задания"), "homework_due": _l("срок задания"),
    "is_late": _l("с опозданием"), "is_substitution": _l("замена"),
    "final_grade_deadline": _l("срок итоговых оценок"), "grade": _l("оценка"),
    "user": _l("учётная запись"), "outcome": _l("итог"), "answer": _l("ответ"),
    "room": _l("аудитория"), "change_date": _l("дата"), "weekday": _l("день недели"),
    "queued": _l("в очереди"), "retry": _l("повторная отправка"),
    "absences": _l("пропусков"), "by": _l("кем"), "draft": _l("черновик"), "marks": _l("оценок"),
    "order_date": _l("дата приказа"), "fail_count": _l("неудачных входов подряд"),
    "locked_until": _l("заблокирован до"), "retry_of": _l("повтор"),
    # academic debts and retakes (4.7)
    "created": _l("создано"), "updated": _l("уточнено"), "closed": _l("закрыта"),
    "debts": _l("задолженности"), "debt": _l("задолженность"), "attempt": _l("пересдача №"),
    "place": _l("место"), "examiners": _l("экзаменаторы"), "retake": _l("пересдача"),
    "result": _l("результат"), "failed_retakes": _l("несданных пересдач"),
    # exam sheets
    "number": _l("номер"), "decision": _l("решение"),
    # absence documents
    "from": _l("с"), "to": _l("по"), "type": _l("тип файла"), "size": _l("размер, байт"),
    "changed": _l("изменено отметок"), "unchanged": _l("без изменений"),
    "refused": _l("не изменено (период закрыт)"), "comment": _l("комментарий"),
}

YES, NO, EMPTY = _l("да"), _l("нет"), "—"


def role(name: str | None) -> str:
    return str(ROLES.get(name, name or ""))


def roles(names) -> str:
    return ", ".join(role(n) for n in names)


def action(code: str | None) -> str:
    return str(ACTIONS.get(code, code or ""))


def object_type(code: str | None) -> str:
    return str(OBJECTS.get(code, code or ""))


def status(kind: str, code: str | None) -> str:
    return str(STATUSES.get(kind, {}).get(code, code or ""))


def label(code, kind: str) -> str:
    """Jinja `{{ code|label("memo") }}`: the label of a code of one kind."""
    if kind == "role":
        return role(code)
    if kind == "action":
        return action(code)
    if kind == "object":
        return object_type(code)
    return status(kind, code)


def yes_no(value) -> str:
    return str(EMPTY if value is None else YES if value else NO)


def value_text(value) -> str:
    """A detail value as words: да/нет, «—» for nothing, dates dd.mm.yyyy, lists joined."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "; ".join(f"{detail_key(k)}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, str):
        if value in ("True", "False", "None"):
            return value_text({"True": True, "False": False, "None": None}[value])
        if ROLES.get(value) is not None:
            return role(value)
        if len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
            return clock.format_moment(value)
    return str(value)


def detail_key(key: str) -> str:
    return str(DETAIL_KEYS.get(key, key))


def _code_word(action_code, key, value):
    """A coded detail value (a status, a kind) in words; anything else unchanged."""
    kind = (DETAIL_CODES.get(action_code, {}).get(key) or DETAIL_CODES[None].get(key))
    if kind and isinstance(value, str) and value in STATUSES[kind]:
        return str(STATUSES[kind][value])
    return value


def details(text_or_dict, action_code: str | None = None) -> list[tuple[str, str]]:
    """Audit details (JSON text) as Russian «key: value» pairs; a changed field [before,
    after] (the «changes» of an entry, or every field of an «update») reads «было → стало»."""
    if not text_or_dict:
        return []
    data = text_or_dict
    if isinstance(text_or_dict, str):
        try:
            data = json.loads(text_or_dict)
        except ValueError:
            return [("", text_or_dict)]
    if not isinstance(data, dict):
        return [("", value_text(data))]
    pairs = []
    for key, value in data.items():
        if key == "changes" and isinstance(value, dict):
            pairs.extend(_change(k, v) for k, v in value.items())
        elif action_code == "update" or (action_code is None and _all_changes(data)):
            pairs.append(_change(key, value))
        else:
            pairs.append((detail_key(key), value_text(_code_word(action_code, key, value))))
    return pairs


def _all_changes(data: dict) -> bool:
    """{field: [before, after], ...}: what an edit on a reference screen records."""
    return bool(data) and all(isinstance(v, list) and len(v) == 2 for v in data.values())


def _change(key, value) -> tuple[str, str]:
    if isinstance(value, list) and len(value) == 2:
        return detail_key(key), f"{value_text(value[0])} → {value_text(value[1])}"
    return detail_key(key), value_text(value)


def details_text(text_or_dict, action_code: str | None = None) -> str:
    """The same pairs on one line (exports, e-mails)."""
    return "; ".join(f"{k}: {v}" if k else v for k, v in details(text_or_dict, action_code))
