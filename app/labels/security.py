"""The names of the permissions that roles hold, as the administrator's screens show them
(the framework's own names such as `can_add` or `menu_access` are codes, not words)."""
from flask_babel import lazy_gettext as _l

# The screens with no menu item of their own (the APIs), by the name their permissions carry
API_SCREENS = {"JournalApi": _l("API журнала"), "SheetApi": _l("API ведомостей"),
               "StudentDebtsApi": _l("API задолженностей студента"),
               "StudentPracticeApi": _l("API практики студента"),
               "StudentRecordApi": _l("API успеваемости студента"),
               "AccountView": _l("Мои входы")}

PERMISSIONS = {
    "can_list": _l("список"), "can_show": _l("просмотр записи"), "can_add": _l("добавление"),
    "can_edit": _l("изменение"), "can_delete": _l("удаление"), "can_read": _l("чтение"),
    "can_write": _l("запись"), "can_get": _l("чтение через API"),
    "can_put": _l("изменение через API"),
    "can_post": _l("добавление через API"), "can_info": _l("описание API"),
    "menu_access": _l("пункт меню"), "can_export": _l("выгрузка"), "can_xlsx": _l("выгрузка XLSX"),
    "can_print": _l("печать"), "can_import": _l("загрузка из файла"),
    "can_template": _l("шаблон для загрузки"), "can_upload": _l("загрузка файла"),
    "can_file": _l("открытие файла"), "can_index": _l("главная страница раздела"),
    "can_accounts": _l("учётные записи"), "can_activity": _l("отчёт об активности"),
    "can_attestation": _l("аттестационный лист"), "can_change": _l("изменение"),
    "can_check": _l("проверка журнала"), "can_check_edit": _l("исправление проверки"),
    "can_close": _l("закрытие семестра"), "can_control": _l("контроль журналов"),
    "can_council": _l("отчёт педсовету"), "can_create": _l("создание"),
    "can_credentials": _l("выдача учётных данных"), "can_deadline": _l("срок итоговых оценок"),
    "can_decide": _l("решение"), "can_destroy": _l("уничтожение"), "can_diary": _l("дневник"),
    "can_grade": _l("оценка"), "can_grid": _l("сетка журнала"), "can_group": _l("группа"),
    "can_inbox": _l("входящие"), "can_lesson": _l("занятие"), "can_memo": _l("служебная записка"),
    "can_memo_status": _l("состояние служебной записки"), "can_mentor": _l("наставник"),
    "can_missing": _l("недостающие оценки"), "can_my": _l("своя страница"),
    "can_objectivity": _l("объективность оценивания"), "can_order": _l("приказ"),
    "can_periods": _l("семестры"), "can_placement": _l("место практики"),
    "can_record": _l("успеваемость студента"), "can_referral": _l("направление"),
    "can_register": _l("реестр"), "can_report": _l("отчёт"), "can_reports": _l("отчёты"),
    "can_received": _l("полученные еженедельные отчёты"),
    "can_result": _l("результат"), "can_results": _l("итоги успеваемости"),
    "can_retake": _l("пересдача"), "can_review": _l("рассмотрение"), "can_run": _l("запуск"),
    "can_schedule": _l("назначение"), "can_send": _l("отправка"), "can_sheet": _l("ведомость"),
    "can_status": _l("статус"), "can_student": _l("студент"), "can_userinfo": _l("свой профиль"),
    "can_week": _l("неделя"), "can_this_form_get": _l("форма: открытие"),
    "can_this_form_post": _l("форма: сохранение"), "resetmypassword": _l("смена своего пароля"),
    "can_resetmypassword": _l("смена своего пароля"), "can_resetpasswords": _l("смена пароля"),
    "can_copyrole": _l("копирование роли"), "can_jobs": _l("задания"),
    "can_logins": _l("свои входы"),
}
