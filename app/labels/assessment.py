"""Exam and credit sheets, academic debts and retakes (2.2, 4.7): what their codes read as."""
from flask_babel import lazy_gettext as _l

from .journal import ASSESSMENT_FORMS

# the forms a sheet is made for: the curriculum's forms that end in a sheet
SHEET_KINDS = {kind: ASSESSMENT_FORMS[kind] for kind in ("exam", "diff_credit", "credit")}
SHEET_TITLES = {"exam": _l("Экзаменационная ведомость"),
                "diff_credit": _l("Ведомость дифференцированного зачёта"),
                "credit": _l("Зачётная ведомость")}
# a grade in words, as the sheet writes it beside the figure
GRADE_WORDS = {"5": _l("отлично"), "4": _l("хорошо"), "3": _l("удовлетворительно"),
               "2": _l("неудовлетворительно"), "зач": _l("зачтено"), "незач": _l("не зачтено")}
DEBT_ORIGINS = {"unsatisfactory": _l("неудовлетворительная оценка"),
                "not_admitted": _l("не допущен"), "not_attested": _l("не аттестован"),
                "missing": _l("оценка не выставлена")}
RETAKE_ROLES = {"examiner": _l("экзаменатор"), "chairman": _l("председатель комиссии"),
                "member": _l("член комиссии")}
