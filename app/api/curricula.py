"""`GET /api/v1/curricula/` and `GET /api/v1/curricula/<id>` (4.2): the curricula and one
curriculum with its plan's rows, for those who read the curricula page (the administration,
the deputy, IT)."""
from flask_appbuilder.api import expose
from flask_appbuilder.security.decorators import permission_name, protect

from ..services.college import plan_reading
from . import DocumentedApi

HOURS = {"type": "object", "description": "Часы по видам работы и всего (total)",
         "additionalProperties": {"type": "number"}}
SEMESTER = {"type": "object", "properties": {
    "hours": HOURS,
    "control": {"type": "array", "items": {"type": "string", "enum": [
        "Эк", "За", "ЗаО", "КП", "КР", "ЭМ", "Др"]}},
    "weeks": {"type": "number", "nullable": True},
    "complex": {"type": "object"}}}
ROW = {"type": "object", "properties": {
    "index": {"type": "string"}, "name": {"type": "string"},
    "kind": {"type": "string", "enum": ["discipline", "mdk", "pm", "up", "pp", "pdp",
                                        "module_exam", "gia"]},
    "cycle": {"type": "string", "nullable": True},
    "parent_index": {"type": "string", "nullable": True},
    "competences": {"type": "array", "items": {"type": "string"}},
    "semesters": {"type": "object", "additionalProperties": SEMESTER}}}
HEAD = {"id": {"type": "integer"}, "name": {"type": "string"},
        "specialty_code": {"type": "string"}, "specialty_name": {"type": "string"},
        "qualification": {"type": "string", "nullable": True},
        "admission_year": {"type": "integer"},
        "form_of_study": {"type": "string", "nullable": True,
                          "description": "full_time, part_time или mixed"}}


class CurriculaApi(DocumentedApi):
    resource_name = "curricula"
    openapi_spec_tag = "Учебные планы"

    @expose("/", methods=["GET"])
    @protect()
    @permission_name("get")
    def list_curricula(self):
        """The curricula.
        ---
        get:
          summary: Учебные планы
          responses:
            200:
              description: "Специальность, квалификация, год набора, форма обучения"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {type: array, items: {$ref: "#/components/schemas/CurriculumHead"}}
        """
        return self.response(200, result=plan_reading.curricula())

    @expose("/<int:curriculum_id>", methods=["GET"])
    @protect()
    @permission_name("get")
    def curriculum(self, curriculum_id):
        """One curriculum with its plan's rows.
        ---
        get:
          summary: Учебный план со строками
          parameters:
          - in: path
            name: curriculum_id
            schema: {type: integer}
          responses:
            200:
              description: "Строки плана: индекс, вид, родитель, компетенции, семестры"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {$ref: "#/components/schemas/Curriculum"}
            404: {description: "Учебный план не найден"}
        """
        return self.response(200, result=plan_reading.curriculum(curriculum_id))

    def add_api_spec(self, api_spec) -> None:
        for name, schema in (
                ("CurriculumHead", {"type": "object", "properties": HEAD}),
                ("CurriculumRow", ROW),
                ("Curriculum", {"type": "object", "properties": dict(
                    HEAD, length_months={"type": "integer", "nullable": True},
                    rows={"type": "array",
                          "items": {"$ref": "#/components/schemas/CurriculumRow"}})})):
            if name not in api_spec.components.schemas:
                api_spec.components.schema(name, schema)
        super().add_api_spec(api_spec)


def register(appbuilder) -> None:
    appbuilder.add_api(CurriculaApi)
