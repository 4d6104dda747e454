"""`GET /api/v1/students/<id>/debts` (4.7): the student's academic debts with their retakes,
for the student, their parents (while allowed, 5.2), their curator, their teachers (their
disciplines only) and the administration; 403 for everyone else. The same service as the
page (services/assessment/debts.py student_debts)."""
from flask_appbuilder.api import expose
from flask_appbuilder.security.decorators import permission_name, protect

from ..services.assessment import debts
from . import StudentApi


class StudentDebtsApi(StudentApi):
    resource_name = "student_debts"

    @expose("/<int:student_id>/debts", methods=["GET"])
    @protect()
    @permission_name("get")
    def debts(self, student_id):
        """The academic debts of one student, with their retakes.
        ---
        get:
          parameters:
          - in: path
            name: student_id
            schema: {type: integer}
          responses:
            200: {description: "Задолженности с основанием, сроком и пересдачами (date, time —
                  время начала «ЧЧ:ММ» или null, place)"}
            403: {description: "Нет доступа"}
            404: {description: "Обучающийся не найден"}
        """
        return self.serve(debts.student_debts, student_id)


def register(appbuilder) -> None:
    appbuilder.add_api(StudentDebtsApi)
