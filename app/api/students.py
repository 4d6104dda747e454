"""`GET /api/v1/students/<id>/record` (2.2, 3.6): the student's record as JSON, for the
student, their parents (while allowed, 5.2), their curator, their teachers (their disciplines
only) and the administration; 403 for everyone else. The same service as the page."""
from flask import current_app
from flask_appbuilder.api import expose
from flask_appbuilder.security.decorators import permission_name, protect

from ..services.portal import record as records
from . import StudentApi


class StudentRecordApi(StudentApi):
    resource_name = "students"

    @expose("/<int:student_id>/record", methods=["GET"])
    @protect()
    @permission_name("get")
    def record(self, student_id):
        """The record of one student.
        ---
        get:
          parameters:
          - in: path
            name: student_id
            schema: {type: integer}
          responses:
            200: {description: "Текущий период, домашние задания, история; сессия (session):
                  экзамены и зачёты с датой date (ГГГГ-ММ-ДД), временем начала time («ЧЧ:ММ»
                  или null) и местом, задолженности с ближайшей пересдачей (retake: date,
                  time, place)"}
            403: {description: "Нет доступа"}
            404: {description: "Обучающийся не найден"}
        """
        data = records.student_record(current_app.appbuilder.sm.current_user, student_id)
        return self.response(200, result=data)


def register(appbuilder) -> None:
    appbuilder.add_api(StudentRecordApi)
