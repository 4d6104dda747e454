"""The plan of «Планы» on the curricula page (upload → difference → confirm), the
`flask journal import-plan` command and the curricula API (4.2)."""
import io
import json

from sqlalchemy import func, select

from app.models import Curriculum, CurriculumItem, CurriculumRow, Mark
from app.services.college.plan_apply import import_plan
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.plx_builder import full_plan
from tests.test_plan_import import SPO


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, data, filename="plan.plx"):
    return client.post("/curricula/import/preview",
                       data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_upload_shows_difference_then_confirm_applies(college, db, login):
    client = login("director")
    listing = client.get("/curriculumview/list/").get_data(as_text=True)
    assert 'id="plan-upload"' in listing  # the upload is on the curricula page
    marks = count(db, Mark)
    page = upload(client, SPO.read_bytes(), SPO.name)
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text
    assert 'id="plan-confirm"' in text and "Добавляются строки (58)" in text
    assert "ПМ.01.ЭК Экзамен по профессиональному модулю" in text
    assert "УП.01, семестр 3" in text  # an item of the kept plan that goes
    assert count(db, CurriculumRow) == 0  # nothing written before the confirmation
    done = client.post("/curricula/import/apply")
    assert done.status_code == 302 and "/curriculumview/show/" in done.headers["Location"]
    assert count(db, CurriculumRow) == 58 and count(db, Mark) == marks
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "загружен из «09.02.07-professionalitet-2024.plx»" in shown
    again = upload(client, SPO.read_bytes(), SPO.name).get_data(as_text=True)
    assert 'id="plan-unchanged"' in again and 'id="plan-confirm"' not in again
    assert client.post("/curricula/import/apply").status_code == 409  # nothing pending


def test_refused_file_shown_on_the_page(college, db, login):
    client = login("deputy")
    page = upload(client, b"\xef\xbb\xbf<?xml version='1.0'?><a/>", "wrong.plx")
    assert page.status_code == 422
    assert "не учебный план" in page.get_data(as_text=True)
    assert count(db, CurriculumRow) == 0


def test_confirmation_of_a_stale_difference_refused(college, db, login):
    client = login("director")
    assert upload(client, full_plan(qualification="Разработчик").utf16()).status_code == 200
    import_plan(full_plan(qualification="Тестировщик").utf16(), "other.plx")
    refused = client.post("/curricula/import/apply")
    assert refused.status_code == 409
    assert "изменился после просмотра" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Curriculum.qualification).join(CurriculumRow).limit(1)) \
        == "Тестировщик"


def test_only_who_manages_curricula_imports(college, db, login):
    for username in ("teacher1", "curator1", "it"):
        client = login(username)
        assert client.get("/curricula/import/").status_code in (302, 403)
        assert upload(client, full_plan().utf16()).status_code in (302, 403)
    assert count(db, CurriculumRow) == 0


def test_command_prints_difference_and_needs_yes_for_a_change(app, college, db):
    runner = app.test_cli_runner()
    path = app.instance_path + "/plan-test.plx"
    with open(path, "wb") as out:
        out.write(full_plan(code="10.02.05", name="Безопасность", year=2025).utf16())
    new = runner.invoke(args=["journal", "import-plan", path])
    assert new.exit_code == 0, new.output
    assert "новый" in new.output and "+ ОП.01 Операционные системы" in new.output
    assert "Загружено" in new.output
    same = runner.invoke(args=["journal", "import-plan", path])
    assert same.exit_code == 0 and "Изменений нет" in same.output
    with open(path, "wb") as out:
        out.write(full_plan(code="10.02.05", name="Безопасность", year=2025,
                            qualification="Техник").utf16())
    db.session.remove()
    asked = runner.invoke(args=["journal", "import-plan", path])
    assert asked.exit_code == 2 and "квалификация: Программист → Техник" in asked.output
    assert "--yes" in asked.output
    db.session.remove()
    assert db.session.scalar(select(Curriculum.qualification).where(
        Curriculum.admission_year == 2025)) == "Программист"
    applied = runner.invoke(args=["journal", "import-plan", path, "--yes"])
    assert applied.exit_code == 0, applied.output
    db.session.remove()
    assert db.session.scalar(select(Curriculum.qualification).where(
        Curriculum.admission_year == 2025)) == "Техник"
    with open(path, "wb") as out:
        out.write(b"not xml at all")
    broken = runner.invoke(args=["journal", "import-plan", path])
    assert broken.exit_code == 1 and "XML не читается" in broken.output


def test_api_lists_curricula_and_rows(college, db, login):
    _look, curriculum = import_plan(full_plan().utf16(), "plan.plx")
    client = login("it")
    listed = client.get("/api/v1/curricula/")
    assert listed.status_code == 200
    [head] = [c for c in listed.get_json()["result"] if c["id"] == curriculum.id]
    assert head == {"id": curriculum.id, "name": "09.02.07 набор 2024",
                    "specialty_code": "09.02.07",
                    "specialty_name": "Информационные системы и программирование",
                    "qualification": "Программист", "admission_year": 2024,
                    "form_of_study": "full_time"}
    answer = client.get(f"/api/v1/curricula/{curriculum.id}")
    assert answer.status_code == 200
    rows = {r["index"]: r for r in answer.get_json()["result"]["rows"]}
    mdk = rows["МДК.01.01"]
    assert (mdk["kind"], mdk["parent_index"], mdk["competences"]) == (
        "mdk", "ПМ.01", ["ПК 1.1", "ПК 1.2"])
    assert mdk["semesters"]["4"]["control"] == ["ЗаО", "КП"]
    assert mdk["semesters"]["4"]["hours"] == {
        "lectures": 18, "practical": 18, "laboratory": 0, "seminars": 0, "self_study": 0,
        "consultations": 0, "exam": 0, "course_design": 36, "other": 0, "total": 72}
    assert rows["ПМ.01.ЭК"]["semesters"]["4"]["control"] == ["ЭМ"]
    assert rows["ПМ.01"]["kind"] == "pm" and rows["ПМ.01"]["semesters"] == {}
    assert rows["УП.01.01"]["semesters"]["3"]["weeks"] == 3
    assert rows["ОП.02"]["semesters"]["3"]["complex"]["control"] == "ЗаО"
    assert rows["ГИА.01"]["kind"] == "gia"
    assert client.get("/api/v1/curricula/999999").status_code == 404
    json.dumps(answer.get_json())  # plain JSON, no decimals
    assert count(db, CurriculumItem) > 0


def test_api_refused_to_who_does_not_read_curricula(college, db, login):
    for username in ("teacher1", "student1"):
        assert login(username).get("/api/v1/curricula/").status_code in (401, 403)


def test_curriculum_page_shows_the_plans_rows(college, db, login):
    _look, curriculum = import_plan(full_plan().utf16(), "plan.plx")
    client = login("deputy")
    page = client.get(f"/curriculumview/show/{curriculum.id}").get_data(as_text=True)
    assert "Строки рабочих учебных планов" in page
    assert "МДК.01.01" in page and "3: 90 ч, Эк; 4: 72 ч, ЗаО, КП" in page
    assert "3: 108 ч, ЗаО, 3 нед." in page and "экзамен по модулю" in page
    rows = client.get("/curriculumrowview/list/").get_data(as_text=True)
    assert "ПК 1.1; ПК 1.2" in rows
    assert login("teacher1").get("/curriculumrowview/list/").status_code in (302, 403)
    assert client.post(f"/curriculumrowview/delete/{db.session.scalar(select(CurriculumRow.id))}"
                       ).status_code in (302, 403, 404, 405)
    assert count(db, CurriculumRow) == 12
