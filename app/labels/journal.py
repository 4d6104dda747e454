"""The journal's and the curriculum's codes (1.6, 3.3, 4.2-4.8): kinds of disciplines, forms
of attestation, types of lessons, kinds of work and homework, reasons of absence, kinds of
final grades."""
from flask_babel import lazy_gettext as _l

DISCIPLINE_KINDS = {"general": _l("общеобразовательная дисциплина"),
                    "op": _l("общепрофессиональная дисциплина"),
                    "mdk": _l("междисциплинарный курс"), "up": _l("учебная практика"),
                    "pp": _l("производственная практика"), "pm": _l("профессиональный модуль")}
ASSESSMENT_FORMS = {"exam": _l("экзамен"), "diff_credit": _l("дифференцированный зачёт"),
                    "credit": _l("зачёт"), "grade": _l("оценка"), "none": _l("без аттестации"),
                    "course_project": _l("курсовой проект"),
                    "course_work": _l("курсовая работа"),
                    "module_exam": _l("экзамен по модулю")}
# a semester with a course project or work beside its exam or credit: "exam+course_project"
ASSESSMENT_FORMS.update({
    f"{primary}+{course}": _l("%(primary)s и %(course)s", primary=ASSESSMENT_FORMS[primary],
                               course=ASSESSMENT_FORMS[course])
    for primary in ("exam", "diff_credit", "credit", "grade")
    for course in ("course_project", "course_work")})
LESSON_TYPES = {"theory": _l("теоретическое занятие"), "practical": _l("практическое занятие"),
                "laboratory": _l("лабораторная работа"), "control": _l("контрольная работа"),
                "seminar": _l("семинар"), "practice": _l("практика")}
# The kind of work a mark is for (its weight in the average, 2.2)
WORK_KINDS = {
    "current": _l("текущая"), "oral": _l("устный ответ"), "written": _l("письменная работа"),
    "practical": _l("практическая"), "laboratory": _l("лабораторная"),
    "control": _l("контрольная"), "independent": _l("самостоятельная"), "test": _l("тест"),
}
# 4.8: homework of one of four kinds, or of none; «none» reads as nothing outside the form
HOMEWORK_KINDS = {"none": _l("без вида"), "practical": _l("практическая работа"),
                  "laboratory": LESSON_TYPES["laboratory"], "control": LESSON_TYPES["control"],
                  "independent": _l("самостоятельная работа")}
# 1.7, 3.3: why a lesson was given outside the timetable (the teacher chooses one)
OFF_TIMETABLE_REASONS = {"moved": _l("перенос"), "extra": _l("дополнительное занятие"),
                         "replacement": _l("замена")}
# 2.2: where a semester of the programme completion report stands
PROGRAMME_STATES = {"over": _l("завершён"), "current": _l("идёт"), "future": _l("не начался")}
ABSENCE_REASONS = {"excused": _l("уважительная"), "illness": _l("болезнь"),
                   "unexcused": _l("неуважительная")}
# The kinds of a final grade: a semester's or a year's grade, or the attestation's form
FINAL_GRADE_KINDS = {"semester": _l("семестровая"), "year": _l("годовая"),
                     "credit": ASSESSMENT_FORMS["credit"],
                     "diff_credit": ASSESSMENT_FORMS["diff_credit"],
                     "exam": ASSESSMENT_FORMS["exam"],
                     "course_project": ASSESSMENT_FORMS["course_project"],
                     "course_work": ASSESSMENT_FORMS["course_work"],
                     "module_exam": ASSESSMENT_FORMS["module_exam"]}
# Final results that are not grades (4.7): a no-show, an exemption, credits transferred
FINAL_RESULTS = {"н/а": _l("не аттестован"), "неяв": _l("неявка"), "осв": _l("освобождён"),
                 "перезач": _l("перезачтено")}
