"""Exam and credit sheets, academic debts and retakes (2.2, 4.7): what their codes read as."""
from flask_babel import lazy_gettext as _l

from .journal import ASSESSMENT_FORMS, FINAL_RESULTS

# the forms a sheet is made for: the curriculum's forms that end in a sheet
SHEET_KINDS = {kind: ASSESSMENT_FORMS[kind] for kind in (
    "exam", "diff_credit", "credit", "course_project", "course_work", "module_exam")}
SHEET_TITLES = {"exam": _l("Экзаменационная ведомость"),
                "diff_credit": _l("Ведомость дифференцированного зачёта"),
                "credit": _l("Зачётная ведомость"),
                "course_project": _l("Ведомость защиты курсового проекта"),
                "course_work": _l("Ведомость защиты курсовой работы"),
                "module_exam": _l("Ведомость экзамена по модулю")}
# a complex exam or credit over several disciplines of one group (one sheet)
COMPLEX_TITLES = {"exam": _l("Ведомость комплексного экзамена"),
                  "diff_credit": _l("Ведомость комплексного дифференцированного зачёта"),
                  "credit": _l("Ведомость комплексного зачёта")}
# the module exam's decision beside its grade
MODULE_RESULTS = {True: _l("вид деятельности освоен"), False: _l("вид деятельности не освоен")}
# a grade in words, as the sheet writes it beside the figure
GRADE_WORDS = {"5": _l("отлично"), "4": _l("хорошо"), "3": _l("удовлетворительно"),
               "2": _l("неудовлетворительно"), "зач": _l("зачтено"), "незач": _l("не зачтено"),
               **{code: FINAL_RESULTS[code] for code in ("неяв", "осв", "перезач")}}
DEBT_ORIGINS = {"unsatisfactory": _l("неудовлетворительная оценка"),
                "not_admitted": _l("не допущен"), "not_attested": _l("не аттестован"),
                "missing": _l("оценка не выставлена"), "absent": _l("неявка")}
RETAKE_ROLES = {"examiner": _l("экзаменатор"), "chairman": _l("председатель комиссии"),
                "member": _l("член комиссии")}
