"""`GET /api/v1/students/<id>/practice` (2.2): the student's practices — placement,
organisation, mentor, diary, attestation sheet and grade — for the student, their parents
(while allowed, 5.2), their curator, the practice's supervisor, the deputy and the
administration, and the student's mentor during the practice and its closing days (no grade,
the student as name and group only); 403 for everyone else. The same service as the pages
(services/practice.py student_practice)."""
from datetime import date, datetime

from flask_appbuilder.api import expose
from flask_appbuilder.security.decorators import permission_name, protect

from ..services import practice
from . import StudentApi


def _jsonable(value):
    """Dates as ISO strings (yyyy-mm-dd), moments as ISO timestamps."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


class StudentPracticeApi(StudentApi):
    resource_name = "student_practice"

    @expose("/<int:student_id>/practice", methods=["GET"])
    @protect()
    @permission_name("get")
    def practice(self, student_id):
        """The practices of one student: placement, diary, attestation sheet and grade.
        ---
        get:
          parameters:
          - in: path
            name: student_id
            schema: {type: integer}
          responses:
            200:
              description: "Практики: организация, наставник, приказ, дневник,
                аттестационный лист, оценка"
            403: {description: "Нет доступа"}
            404: {description: "Обучающийся не найден"}
        """
        return self.serve(practice.student_practice, student_id, present=_jsonable)


def register(appbuilder) -> None:
    appbuilder.add_api(StudentPracticeApi)
