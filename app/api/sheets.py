"""`GET /api/v1/sheets/<id>` (2.2, 4.7): an exam or credit sheet as JSON — header, examiners,
rows with admission, reasons, average, attendance and grade — under the row rules of the
journals (the teacher: their journals; the curator: their groups; the deputy and the
administration: all). Students and parents have no sheets: their grades are in the diary."""
from flask import current_app
from flask_appbuilder.api import expose
from flask_appbuilder.security.decorators import permission_name, protect

from ..services.assessment import sheet_reading
from ..services.records import audit
from . import DocumentedApi


class SheetApi(DocumentedApi):
    resource_name = "sheets"
    openapi_spec_tag = "Ведомости"

    @expose("/<int:sheet_id>", methods=["GET"])
    @protect()
    @permission_name("get")
    def sheet(self, sheet_id):
        """One exam or credit sheet.
        ---
        get:
          summary: Ведомость
          parameters:
          - in: path
            name: sheet_id
            schema: {type: integer}
          responses:
            200: {description: "Шапка (exam_date ГГГГ-ММ-ДД, time — время начала «ЧЧ:ММ» или
                  null, place), экзаменаторы, строки: допуск, средний балл, оценка
                  (kind: exam, diff_credit, credit, course_project, course_work, module_exam;
                  grade: 2–5, зач, незач, н/а, неяв — неявка, осв — освобождён, перезач —
                  перезачтено с basis и basis_date; module_result — вид деятельности освоен /
                  не освоен); комплексная ведомость (complex): disciplines и grades строки по
                  каждой дисциплине"}
            403: {description: "Нет доступа"}
            404: {description: "Ведомость не найдена"}
        """
        data = sheet_reading.sheet_data(current_app.appbuilder.sm.current_user, sheet_id)
        audit.record("view", "exam_sheet", sheet_id, details={"api": True})
        audit.commit_read()
        return self.response(200, result=sheet_reading.sheet_json(data))


def register(appbuilder) -> None:
    appbuilder.add_api(SheetApi)
