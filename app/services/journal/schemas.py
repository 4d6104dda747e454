"""The shapes of what the journal's writes accept (1.6, 4.5-4.7): a lesson, a batch of cells,
a final grade, a lesson's deletion — field types, required fields, ranges and lengths.

The services load their input through these schemas, whichever door it came by (the JSON API,
the lesson form, an import), so both doors validate alike; the API documents its bodies with
the same classes (app/api/journals.py). What depends on the journal (the marks of its scale,
its students, periods and topics) is the services' rule, not a shape."""
from flask_babel import lazy_gettext as _l
from marshmallow import fields, post_load, validates_schema

from ...infra.schemas import (
    Body, Choice, Flag, Items, LessonDate, Object, RowId, Text, ValidationError, Version, Whole,
)
from ...models.curriculum import LESSON_TYPES
from ...models.journal import HOMEWORK_KINDS, OFF_TIMETABLE_REASONS, WORK_KINDS

MAX_BATCH = 500
MAX_MARKS_PER_CELL = 4
MAX_ID = 2**31 - 1  # ids are 32-bit integers in every supported database
NO_ID = _l("У изменения не указаны занятие и студент.")
NO_STUDENT = _l("Не указаны студент и период.")


class LessonSchema(Body):
    """A lesson as it is recorded or changed (4.4, 4.6). The defaults are a new lesson's; a
    change (loaded `partial`) touches only the fields it sends."""
    __component_name__ = "LessonFields"

    lesson_date = LessonDate(_l("Дата занятия указана неверно: ожидается дд.мм.гггг."),
                             load_default=None,
                             metadata={"description": "гггг-мм-дд или дд.мм.гггг; без даты — "
                                                      "сегодня"})
    pair_number = Whole(_l("Номер пары"), 1, 8, load_default=1,
                        metadata={"description": "пара по расписанию звонков; пара сегодняшнего "
                                                 "дня — только после её начала (4.6)"})
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
    off_timetable_reason = Choice(
        OFF_TIMETABLE_REASONS, _l("Неизвестная причина занятия вне расписания."),
        load_default=None)
    off_timetable_reason.metadata["description"] = (
        "причина занятия, для которого в расписании нет свободной пары этого журнала: moved — "
        "перенос, extra — дополнительное занятие, replacement — замена; для пары по "
        "расписанию не нужна")
    topic_id = Whole(_l("Тема"), 1, MAX_ID, blank=True, load_default=None,
                     metadata={"description": "тема рабочей программы (4.6)"})
    substitute_teacher_id = Whole(_l("Заменяющий преподаватель"), 1, MAX_ID, blank=True,
                                  load_default=None)
    # 4.5: "attendance taken" said by the teacher (nobody absent): a checkbox's "on", the
    # grid's and the API's true; a mark alone never takes it, the first «Н» does
    attendance_taken = Flag(yes=(True, 1, "1", "on", "true"), load_default=False,
                            metadata={"description": "посещаемость отмечена (4.5): true — "
                                                     "отсутствующих нет; отметки её не "
                                                     "отмечают, первая «Н» отмечает; снять "
                                                     "нельзя"})
    reason = Text(loose=True, load_default="",
                  metadata={"description": "основание изменения в закрытом периоде"})


class MarkSchema(Body):
    """One mark of a cell: its value (on the journal's scale, checked by the service) and the
    kind of work."""
    value = fields.Raw(allow_none=True, load_default=None, metadata={"type": "string"})
    kind = Choice(WORK_KINDS, _l("Неизвестный вид работы."), empty="current",
                  load_default="current")


class MarkField(Object):
    """A mark as the grid's script sends it — its value alone ("5") — or as an object with
    its kind of work; anything else is malformed."""
    def __init__(self, **kwargs):
        super().__init__(MarkSchema, _l("Отметка указана неверно."), allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if isinstance(value, str):
            return {"value": value, "kind": "current"}
        return super()._deserialize(value, attr, data, partial=partial, **kwargs)


class CellChangeSchema(Body):
    """One cell of a batch: which lesson and student, the version the writer saw (0: a new
    cell), «Н», and the marks that replace the cell's."""
    lesson_id = RowId(NO_ID)
    student_id = RowId(NO_ID)
    version = Version(_l("Версия ячейки указана неверно."), load_default=0,
                      metadata={"description": "версия ячейки; 0 — новая"})
    absent = Flag(load_default=False)
    marks = Items(MarkField(), MAX_MARKS_PER_CELL,
                  _l("В ячейке не более %(limit)s отметок.", limit=MAX_MARKS_PER_CELL),
                  empty=[], load_default=list,
                  metadata={"description": "отметки ячейки: объект или только значение («5»)"})

    @post_load
    def _as_pairs(self, data, **_kwargs):
        data["marks"] = [(m["value"], m["kind"]) if m else (None, "current")
                         for m in data["marks"]]
        return data


class MarksBatchSchema(Body):
    """A batch of cell changes, saved all or nothing (4.5); `reason`: the deputy's ground for
    a correction in a closed period (4.7, 7.3)."""
    __component_name__ = "MarksBatch"

    changes = Items(Object(CellChangeSchema, _l("Изменение ячейки должно быть объектом.")),
                    MAX_BATCH, _l("Нет изменений для сохранения."),
                    too_long=_l("Не более %(limit)s ячеек за раз.", limit=MAX_BATCH),
                    least=1, required=True)
    reason = Text(loose=True, load_default="",
                  metadata={"description": "основание исправления в закрытом периоде"})

    @validates_schema
    def _each_cell_once(self, data, **_kwargs):
        keys = {(c["lesson_id"], c["student_id"]) for c in data["changes"]}
        if len(keys) != len(data["changes"]):
            raise ValidationError(_l("Ячейка указана в пакете дважды."), "changes")


class FinalGradeSchema(Body):
    """A final grade (4.7): the kind and value are checked against the curriculum and the
    scale by the service; `version` is compared with the stored grade's (0: a new grade)."""
    __component_name__ = "FinalGradeFields"

    student_id = fields.Integer(required=True, error_messages={
        "invalid": NO_STUDENT, "null": NO_STUDENT, "required": NO_STUDENT,
        "too_large": NO_STUDENT})
    period_id = fields.Integer(required=True, error_messages={
        "invalid": NO_STUDENT, "null": NO_STUDENT, "required": NO_STUDENT,
        "too_large": NO_STUDENT})
    kind = fields.Raw(allow_none=True, load_default=None, metadata={"type": "string"})
    value = fields.Raw(allow_none=True, load_default=None, metadata={"type": "string"})
    version = fields.Raw(allow_none=True, load_default=None, metadata={
        "type": "integer", "description": "версия оценки; 0 — новая"})
    reason = Text(loose=True, load_default="",
                  metadata={"description": "основание изменения после срока"})
    basis = Text(255, _l("Основание: не более 255 символов."), load_default="",
                 metadata={"description": "для «перезач» (перезачтено) и «осв» (освобождён): "
                                          "документ-основание"})
    basis_date = LessonDate(_l("Дата документа-основания указана неверно: ожидается "
                               "дд.мм.гггг."), load_default=None,
                            metadata={"description": "дата документа-основания, гггг-мм-дд"})


class LessonDeletionSchema(Body):
    """Deleting a lesson (1.6): the reason, required of the deputy by the service."""
    __component_name__ = "LessonDeletion"

    reason = Text(1000, _l("Причина удаления: не более 1000 символов."), loose=True,
                  load_default="", metadata={"description": "основание удаления"})
