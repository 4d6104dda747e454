"""JSON API of the journal grid (SPEC §2): the same row scopes and rules as the pages."""
from flask import current_app, request
from flask_appbuilder.api import expose
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..errors import BadInput
from ..extensions import db
from ..infra import clock
from ..models import Journal
from ..services.journal.access import journal_for_read
from ..services.journal.final_grades import grade_dict, set_final_grade
from ..services.journal.grid import grid_data
from ..services.journal.lessons import (
    create_lesson, delete_lesson, lesson_dict, lesson_of, topics_for, update_lesson,
)
from ..services.journal.marks import cell_history, save_cells
from ..services.journal.schemas import (
    FinalGradeSchema, LessonDeletionSchema, LessonSchema, MarksBatchSchema,
)
from ..services.records import audit
from ..services.scopes import journal_filter
from . import DocumentedApi


def _user():
    return current_app.appbuilder.sm.current_user


class JournalApi(DocumentedApi):
    """The bodies are read by the services through the journal's schemas, which the operations
    below reference as components of the OpenAPI document."""
    resource_name = "journals"
    openapi_spec_component_schemas = (LessonSchema, MarksBatchSchema, FinalGradeSchema,
                                      LessonDeletionSchema)
    openapi_spec_tag = "Журналы"
    base_permissions = ["can_read", "can_write"]

    def _write(self, pk, action, present, status=200):
        """A write to a journal the caller may read: `action(user, journal)` applies the rules,
        one commit, `present(result)` is the answer; a broken rule answers its status and
        Russian message and writes nothing (app/web_errors.py rolls back)."""
        user = _user()
        result = action(user, journal_for_read(user, pk))
        db.session.commit()
        return self.response(status, **present(result))

    def _body(self) -> dict:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise BadInput(_("Ожидается JSON-объект."), status=400)
        return data

    @expose("/", methods=["GET"])
    @protect()
    @permission_name("read")
    def list_journals(self):
        """The journals the caller may read.
        ---
        get:
          summary: Журналы, доступные пользователю
          responses:
            200:
              description: Список журналов
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
        """
        journals = db.session.scalars(
            select(Journal).where(journal_filter(_user()))
            .options(joinedload(Journal.group), joinedload(Journal.subgroup),
                     joinedload(Journal.discipline), joinedload(Journal.teacher))
            .order_by(Journal.id)).unique().all()
        return self.response(200, result=[{
            "id": j.id, "title": j.title, "group": j.group.name,
            "subgroup": j.subgroup.name if j.subgroup else None,
            "discipline": str(j.discipline), "teacher_id": j.teacher_id,
            "teacher": f"{j.teacher.last_name} {j.teacher.first_name}",
            "assessment_form": j.assessment_form} for j in journals])

    @expose("/<int:pk>/grid", methods=["GET"])
    @protect()
    @permission_name("read")
    def grid(self, pk):
        """Students, lessons, cells and final grades of one journal.
        ---
        get:
          summary: Сетка журнала
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
            required: true
          - in: query
            name: subgroups
            schema: {type: string, enum: [all]}
            description: all — показать обе подгруппы
          responses:
            200:
              description: students, lessons, cells, final_grades, periods
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
        """
        user = _user()
        journal = journal_for_read(user, pk)
        data = grid_data(user, journal, clock.today(),
                         both_subgroups=request.args.get("subgroups") == "all")
        audit.record("journal_view", "journal", journal.id, details={"api": True}, user=user)
        audit.commit_read()
        return self.response(200, **data)

    @expose("/<int:pk>/lessons", methods=["POST"])
    @protect()
    @permission_name("write")
    def create_lesson(self, pk):
        """Create a lesson: a future date or a pair of today not begun yet (the bell schedule)
        is refused, a past date is stored as late; `attendance_taken: true` takes the lesson's
        attendance (4.5); a lesson that takes no free pair of the timetable needs
        `off_timetable_reason` (1.7, 3.3).
        ---
        post:
          summary: Записать занятие
          description: Занятие без свободной пары этого журнала в расписании дня (с учётом
            изменений и замен) записывается только с причиной off_timetable_reason — moved
            (перенос), extra (дополнительное занятие) или replacement (замена); без неё
            ответ 400 с текстом, что в расписании нет пары.
          requestBody:
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/LessonFields'
          responses:
            201:
              description: Занятие записано
            400:
              $ref: '#/components/responses/400'
            403:
              $ref: '#/components/responses/403'
            409:
              description: На эту дату и пару занятие уже есть
            422:
              description: Дата в будущем, пара ещё не началась или её нет в расписании
                звонков, тема не из рабочей программы
        """
        return self._write(
            pk, lambda user, journal: create_lesson(user, journal, self._body(), clock.today()),
            lambda lesson: {"result": lesson_dict(lesson)}, status=201)

    @expose("/<int:pk>/lessons/<int:lesson_id>", methods=["PUT", "DELETE"])
    @protect()
    @permission_name("write")
    def change_lesson(self, pk, lesson_id):
        """Change or delete a lesson; `{"attendance_taken": true}` alone takes its attendance
        (the grid's button), a date or pair is moved under the rules of a new lesson (4.6).
        ---
        put:
          summary: Изменить занятие
          requestBody:
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/LessonFields'
          responses:
            200:
              description: Занятие изменено
            409:
              description: На эту дату и пару занятие уже есть
            422:
              description: Дата в будущем, пара ещё не началась, тема не из рабочей
                программы или нет основания
        delete:
          summary: Удалить занятие
          requestBody:
            required: false
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/LessonDeletion'
          responses:
            200:
              description: Занятие удалено
            422:
              description: Нужна причина удаления
        """
        user = _user()
        journal = journal_for_read(user, pk)
        lesson = lesson_of(journal, lesson_id)
        if request.method == "DELETE":  # 1.6: the same rule as the page; a reason as JSON
            body = request.get_json(silent=True)
            delete_lesson(user, journal, lesson, clock.today(),
                          body.get("reason") if isinstance(body, dict) else None)
            db.session.commit()
            return self.response(200, message=_("Занятие удалено."))
        update_lesson(user, journal, lesson, self._body(), clock.today())
        db.session.commit()
        return self.response(200, result=lesson_dict(lesson))

    @expose("/<int:pk>/marks", methods=["PUT"])
    @protect()
    @permission_name("write")
    def marks(self, pk):
        """A batch of cell changes (marks, «Н»), all-or-nothing, with version checks; a cell
        holds «Н» or marks, never both; the first «Н» of a lesson takes its attendance (4.5).
        ---
        put:
          summary: Сохранить пакет отметок
          requestBody:
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/MarksBatch'
          responses:
            200:
              description: Сохранённые ячейки с новыми версиями
            400:
              $ref: '#/components/responses/400'
            403:
              $ref: '#/components/responses/403'
            409:
              description: Конфликт версий; conflicts — текущие значения
            422:
              description: Недопустимая отметка или студент, «Н» и отметка в одной ячейке
        """
        return self._write(
            pk, lambda user, journal: save_cells(user, journal, self._body().get("changes"),
                                                 clock.today(), self._body().get("reason")),
            lambda cells: {"cells": cells})

    @expose("/<int:pk>/final-grades", methods=["PUT"])
    @protect()
    @permission_name("write")
    def final_grade(self, pk):
        """Set a final grade; after the deadline only the Deputy, with a reason.
        ---
        put:
          summary: Итоговая оценка
          requestBody:
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/FinalGradeFields'
          responses:
            400:
              $ref: '#/components/responses/400'
            200:
              description: Оценка сохранена
            403:
              $ref: '#/components/responses/403'
            409:
              description: Конфликт версий
            422:
              description: Недопустимое значение или нет основания
        """
        return self._write(
            pk, lambda user, journal: set_final_grade(user, journal, self._body(),
                                                      clock.today()),
            lambda grade: {"result": grade_dict(grade)})

    @expose("/<int:pk>/cells/<int:lesson_id>/<int:student_id>/history", methods=["GET"])
    @protect()
    @permission_name("read")
    def history(self, pk, lesson_id, student_id):
        """Who set or changed the cell, when, old and new value.
        ---
        get:
          summary: История ячейки
          responses:
            200:
              description: Изменения ячейки
        """
        journal = journal_for_read(_user(), pk)
        return self.response(200, result=cell_history(journal, lesson_id, student_id))

    @expose("/<int:pk>/topics", methods=["GET"])
    @protect()
    @permission_name("read")
    def topics(self, pk):
        """Work-program topics, the next untaught topic first.
        ---
        get:
          summary: Темы рабочей программы
          responses:
            200:
              description: Темы
        """
        journal = journal_for_read(_user(), pk)
        return self.response(200, result=[{
            "id": t.id, "position": t.position, "title": t.title, "hours": t.hours,
            "lesson_type": t.lesson_type} for t in topics_for(journal)])


def register(appbuilder) -> None:
    appbuilder.add_api(JournalApi)
