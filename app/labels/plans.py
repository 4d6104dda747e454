"""The names of a «Планы» curriculum's codes: kinds of row, kinds of work, forms of control and
of study (services/college/plx.py reads them, the import's difference and the API name them)."""
from flask_babel import lazy_gettext as _l

PLAN_ROW_KINDS = {"discipline": _l("дисциплина"), "mdk": _l("МДК"),
                  "pm": _l("профессиональный модуль"), "up": _l("учебная практика"),
                  "pp": _l("производственная практика"),
                  "pdp": _l("преддипломная практика"), "module_exam": _l("экзамен по модулю"),
                  "gia": _l("ГИА")}
PLAN_HOUR_KINDS = {"lectures": _l("лекции"), "practical": _l("практические"),
                   "laboratory": _l("лабораторные"), "seminars": _l("семинары"),
                   "self_study": _l("самостоятельная работа"),
                   "consultations": _l("консультации"), "exam": _l("часы на экзамен"),
                   "course_design": _l("курсовое проектирование"), "other": _l("прочие"),
                   "total": _l("всего")}
PLAN_CONTROL = {"Эк": _l("экзамен"), "За": _l("зачёт"), "ЗаО": _l("дифференцированный зачёт"),
                "КП": _l("курсовой проект"), "КР": _l("курсовая работа"),
                "ЭМ": _l("экзамен по модулю"), "Др": _l("другая форма контроля")}
FORMS_OF_STUDY = {"full_time": _l("очная"), "part_time": _l("заочная"),
                  "mixed": _l("очно-заочная")}
