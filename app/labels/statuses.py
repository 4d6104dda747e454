"""Roles and the statuses and kinds of the college's records: memos, reports of a wrong mark,
block requests, letters, students and groups, orders, absence documents, practice diaries."""
from flask_babel import lazy_gettext as _l

from .journal import ABSENCE_REASONS

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

# The kinds of notification a user chooses to get (in the portal, by e-mail)
NOTIFICATION_KINDS = {
    "mark": _l("Оценки"), "absence": _l("Пропуски («Н»)"),
    "final_grade": _l("Итоговые оценки"), "comment": _l("Замечания преподавателей"),
    "message": _l("Сообщения"), "document": _l("Справки о пропусках"),
    "reminder": _l("Напоминания"),
}
ABSENCE_DOCUMENT_KINDS = {"medical": _l("медицинская справка"), "summons": _l("повестка"),
                          "college_order": _l("приказ техникума"), "other": _l("другое")}
STATUS_CHANGES = {"enrollment": _l("зачисление"), "transfer": _l("перевод"),
                  "expulsion": _l("отчисление"), "academic_leave": _l("академический отпуск"),
                  "restoration": _l("восстановление"), "graduation": _l("выпуск")}
DELIVERIES = {"waiting": _l("ожидает отправки"), "sending": _l("отправляется"),
              "sent": _l("отправлен"), "failed": _l("не доставлен")}

STATUSES = {
    "memo": {"sent": _l("отправлена"), "received": _l("получена"),
             "acted": _l("приняты меры")},
    "issue": {"open": _l("на рассмотрении"), "corrected": _l("оценка исправлена"),
              "confirmed": _l("оценка подтверждена"), "resolved": _l("решено")},
    "message_audience": {"parents": _l("родителям группы"), "students": _l("студентам группы")},
    "issue_kind": {"wrong_mark": _l("ошибка в оценке"), "access": _l("проблема доступа")},
    "block": {"pending": _l("ожидает решения"), "confirmed": _l("выполнена"),
              "rejected": _l("отклонена")},
    "block_action": {"block": _l("блокировка"), "unblock": _l("разблокировка")},
    # 4.5: how a lesson's attendance was taken (app/services/journal/attendance.py)
    "attendance_way": {"lesson": _l("преподаватель отметил занятие"),
                       "absence": _l("первая «Н» в занятии")},
    "delivery": DELIVERIES,
    "student": {"studying": _l("обучается"), "academic_leave": STATUS_CHANGES["academic_leave"],
                "expelled": _l("отчислен"), "transferred": _l("переведён"),
                "graduated": _l("выпускник")},
    "group": {"active": _l("обучается"), "graduated": _l("выпущена"),
              "disbanded": _l("расформирована")},
    "status_change": STATUS_CHANGES,
    "format": {"csv": "CSV", "xlsx": "XLSX", "pdf": "PDF", "html": _l("страница для печати")},
    "login_failed": {"unknown_user": _l("нет такой учётной записи")},
    "absence_document_kind": ABSENCE_DOCUMENT_KINDS,
    "absence_reason": ABSENCE_REASONS,
    "absence_document": {"pending": _l("на рассмотрении"), "accepted": _l("принят"),
                         "rejected": _l("отклонён")},
    "practice_diary": {"written": _l("ждёт подтверждения"), "confirmed": _l("подтверждена"),
                       "returned": _l("возвращена наставником")},
}

PRACTICE_KINDS = {"up": _l("учебная"), "pp": _l("производственная")}
