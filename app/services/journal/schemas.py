"""The shapes of what the journal's writes accept (1.6, 4.6): a lesson and a lesson's deletion
— field types, required fields, ranges and lengths.

The services load their input through these schemas, whichever door it came by (the JSON API,
the lesson form, an import), so both doors validate alike; the API documents its bodies with
the same classes (app/api/journals.py). What depends on the journal (the marks of its scale,
its students, periods and topics) is the services' rule, not a shape."""
from flask_babel import lazy_gettext as _l

from ...infra.schemas import Body, Choice, Flag, LessonDate, Text, Whole
from ...models.curriculum import LESSON_TYPES
from ...models.journal import HOMEWORK_KINDS

MAX_ID = 2**31 - 1  # ids are 32-bit integers in every supported database


class LessonSchema(Body):
    """A lesson as it is recorded or changed (4.4, 4.6). The defaults are a new lesson's; a
    change (loaded `partial`) touches only the fields it sends."""
    __component_name__ = "LessonFields"

    lesson_date = LessonDate(_l("Дата занятия указана неверно: ожидается дд.мм.гггг."),
                             load_default=None,
                             metadata={"description": "гггг-мм-дд или дд.мм.гггг; без даты — "
                                                      "сегодня"})
    pair_number = Whole(_l("Номер пары"), 1, 8, load_default=1)
    hours = Whole(_l("Часы"), 1, 8, load_default=2)
    lesson_type = Choice(LESSON_TYPES, _l("Неизвестный вид занятия."), empty="theory",
                         load_default="theory")
    homework_kind = Choice(HOMEWORK_KINDS, _l("Неизвестный вид домашнего задания."),
                           empty="none", load_default="none")
    homework = Text(4000, _l("Домашнее задание: не более 4000 символов."), load_default="")
    topic = Text(500, _l("Тема: не более 500 символов."), load_default="",
                 metadata={"description": "тема вне программы — только с причиной"})
    off_program_reason = Text(500, _l("Причина занятия вне рабочей программы: не более 500 "
                                      "символов."), load_default="",
                              metadata={"description": "почему занятие вне рабочей программы"})
    topic_id = Whole(_l("Тема"), 1, MAX_ID, blank=True, load_default=None,
                     metadata={"description": "тема рабочей программы (4.6)"})
    substitute_teacher_id = Whole(_l("Заменяющий преподаватель"), 1, MAX_ID, blank=True,
                                  load_default=None)
    # 4.5: "attendance taken" with nobody absent; a checkbox's "on", the script's true
    attendance_taken = Flag(yes=(True, 1, "1", "on", "true"), load_default=False)
    reason = Text(loose=True, load_default="",
                  metadata={"description": "основание изменения в закрытом периоде"})


class LessonDeletionSchema(Body):
    """Deleting a lesson (1.6): the reason, required of the deputy by the service."""
    __component_name__ = "LessonDeletion"

    reason = Text(1000, _l("Причина удаления: не более 1000 символов."), loose=True,
                  load_default="", metadata={"description": "основание удаления"})
