"""The assessment forms colleges use (4.7; SPEC §7): a course project with its own sheet and
grade, a module exam («вид деятельности освоен / не освоен» and a grade), a complex exam over
several disciplines (one sheet, one grade per discipline in each journal), «освобождён» and
«перезачтено» with its basis (no debt), «неявка» (a debt) kept apart from «не допущен» (a debt
with its reason) — through the journal, the sheets, the record, the debts, XLSX and the API."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.errors import BadInput, Conflict, DomainError
from app.models import CurriculumItem, Discipline, FinalGrade, Journal, TeachingLoad
from app.models.debts import AcademicDebt
from app.services.assessment import debts, sheet_reading, sheets
from app.services.college.imports import assessment_form
from app.services.journal import periods
from app.services.journal.final_grades import kinds_by_period, set_final_grade
from app.services.journal.generation import generate_journals
from app.services.portal.record import student_record

EXAM_DAY = date(2025, 12, 25)
TODAY = date(2025, 12, 26)
CLOSED_ON = date(2026, 1, 16)


@pytest.fixture()
def forms(college, db, app, monkeypatch):
    """The test college's plan for semester 3: ОП.01 an exam with a course project, УП.01 an
    exam too (for a complex exam with ОП.01), ПМ.01 a module exam (its journal: teacher1)."""
    c = college
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", TODAY.isoformat())
    items = {i.discipline_id: i for i in db.session.scalars(select(CurriculumItem).where(
        CurriculumItem.curriculum_id == c.curriculum.id))}
    items[c.op01.id].assessment_form = "exam+course_project"
    items[c.up01.id].assessment_form = "exam"
    c.pm01 = Discipline(code="ПМ.01", name="Разработка модулей программного обеспечения",
                        kind="pm")
    db.session.add(c.pm01)
    db.session.flush()
    db.session.add(CurriculumItem(curriculum_id=c.curriculum.id, discipline_id=c.pm01.id,
                                  semester=3, hours=36, assessment_form="module_exam"))
    load = TeachingLoad(academic_year_id=c.year.id, group_id=c.group_a.id,
                        discipline_id=c.pm01.id, teacher_id=c.teacher1.id, hours=36)
    db.session.add(load)
    db.session.flush()
    generate_journals(c.year.id)
    db.session.commit()
    c.journal_a_pm = db.session.scalars(select(Journal).where(
        Journal.teaching_load_id == load.id)).one()
    return c


def _sheet(c, user, journal, kind, parts=()):
    return sheets.create_sheet(user, journal.id, c.autumn.id, kind, EXAM_DAY, "ауд. 214", [],
                               TODAY, part_ids=[p.id for p in parts])


def _finals(db, journal, kind):
    db.session.expire_all()
    return {g.student_id: (g.value, g.basis, g.basis_date) for g in db.session.scalars(
        select(FinalGrade).where(FinalGrade.journal_id == journal.id, FinalGrade.kind == kind))}


def _close(c, db):
    periods.close_period(c.deputy, c.autumn.id, "50-у", CLOSED_ON, date(2026, 1, 20))
    db.session.commit()
    return {(d.student_id, d.journal_id, d.kind): d.origin
            for d in db.session.scalars(select(AcademicDebt))}


# --- the curriculum's forms --------------------------------------------------------------------
def test_a_semester_asks_for_a_course_project_beside_its_exam(forms, db):
    c = forms
    kinds = kinds_by_period(c.journal_a_op)[c.autumn.id]
    assert kinds == ["semester", "exam", "course_project"]
    assert kinds_by_period(c.journal_a_pm)[c.autumn.id] == ["module_exam"]
    assert c.journal_a_pm.assessment_form == "module_exam"
    # the template of curricula reads the same words
    assert assessment_form("Экзамен, курсовой проект") == "exam+course_project"
    assert assessment_form("зачёт + курсовая работа") == "credit+course_work"
    assert assessment_form("Экзамен по модулю") == "module_exam"
    assert assessment_form("курсовой проект, экзамен") is None


# --- 1. course project -------------------------------------------------------------------------
def test_course_project_has_its_own_sheet_and_grade(forms, db, login):
    c = forms
    project = _sheet(c, c.teacher1, c.journal_a_op, "course_project")
    db.session.commit()
    assert project.number.endswith("-КП")
    data = sheet_reading.sheet_data(c.teacher1, project.id)
    assert data["title"] == "Ведомость защиты курсового проекта"
    assert data["values"][:4] == ("5", "4", "3", "2")
    # the exam of the same journal and period is a sheet of its own
    exam = _sheet(c, c.teacher1, c.journal_a_op, "exam")
    assert exam.number.endswith("-Э") and exam.id != project.id
    with pytest.raises(DomainError, match="Недопустимая оценка"):
        sheets.save_grades(c.teacher1, project.id, {c.student1.id: "зач"}, today=TODAY)
    sheets.save_grades(c.teacher1, project.id, {c.student1.id: "5", c.student2.id: "2"},
                       today=TODAY)
    db.session.commit()
    assert _finals(db, c.journal_a_op, "course_project") == {
        c.student1.id: ("5", None, None), c.student2.id: ("2", None, None)}
    assert _finals(db, c.journal_a_op, "exam") == {}
    # the journal's XLSX names the final kinds in Russian
    book = load_workbook(io.BytesIO(login("teacher1").get(
        f"/journal/{c.journal_a_op.id}/xlsx/").data))
    header = next(r for r in book["Отметки"].iter_rows(values_only=True) if r[0] == "№")
    assert "1 семестр: курсовой проект" in header and "1 семестр: экзамен" in header


def test_a_failed_or_missing_course_project_is_a_debt(forms, db):
    c = forms
    a = c.a_students
    for student in a:
        set_final_grade(c.teacher1, c.journal_a_op, dict(
            student_id=student.id, period_id=c.autumn.id, kind="exam", value="4"), TODAY)
        set_final_grade(c.teacher1, c.journal_a_op, dict(
            student_id=student.id, period_id=c.autumn.id, kind="semester", value="4"), TODAY)
    set_final_grade(c.teacher1, c.journal_a_op, dict(
        student_id=a[0].id, period_id=c.autumn.id, kind="course_project", value="2"), TODAY)
    for student in a[2:]:
        set_final_grade(c.teacher1, c.journal_a_op, dict(
            student_id=student.id, period_id=c.autumn.id, kind="course_project", value="5"),
            TODAY)
    db.session.commit()
    found = {k: v for k, v in _close(c, db).items() if k[1] == c.journal_a_op.id}
    assert found == {(a[0].id, c.journal_a_op.id, "course_project"): "unsatisfactory",
                     (a[1].id, c.journal_a_op.id, "course_project"): "missing"}


# --- 2. module exam ----------------------------------------------------------------------------
def test_module_exam_reads_mastered_or_not_and_not_mastered_is_a_debt(forms, db, login):
    c = forms
    a = c.a_students
    sheet = _sheet(c, c.teacher1, c.journal_a_pm, "module_exam")
    db.session.commit()
    assert sheet.number.endswith("-ЭМ")
    values = {a[0].id: "4", a[1].id: "2", a[2].id: "3", a[3].id: "5", a[4].id: "5"}
    sheets.save_grades(c.teacher1, sheet.id, values, today=TODAY)
    db.session.commit()
    data = sheet_reading.sheet_data(c.teacher1, sheet.id)
    results = {r["student_id"]: r["module_result"] for r in data["rows"]}
    assert results[a[0].id] == "вид деятельности освоен"
    assert results[a[1].id] == "вид деятельности не освоен"
    assert data["title"] == "Ведомость экзамена по модулю" and data["totals"]["mastered"] == 4
    page = login("teacher1").get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert "вид деятельности не освоен" in page
    found = _close(c, db)
    assert found[(a[1].id, c.journal_a_pm.id, "module_exam")] == "unsatisfactory"
    assert not [k for k in found if k[1] == c.journal_a_pm.id and k[0] != a[1].id]


# --- 3. complex exam ---------------------------------------------------------------------------
def test_complex_exam_one_sheet_one_grade_per_discipline(forms, db, login):
    c = forms
    a = c.a_students
    # another teacher's discipline: only the deputy joins it
    with pytest.raises(DomainError, match="заместитель"):
        _sheet(c, c.teacher1, c.journal_a_op, "exam", parts=[c.journal_a_up])
    with pytest.raises(DomainError, match="одной группы"):
        _sheet(c, c.deputy, c.journal_a_op, "exam", parts=[c.journal_b_op])
    with pytest.raises(DomainError, match="Комплексными"):
        _sheet(c, c.deputy, c.journal_a_op, "course_project", parts=[c.journal_a_up])
    db.session.rollback()
    sheet = _sheet(c, c.deputy, c.journal_a_op, "exam", parts=[c.journal_a_up])
    db.session.commit()
    assert sheet.number.endswith("-КЭ")
    # each discipline stays on one sheet
    with pytest.raises(Conflict):
        _sheet(c, c.curator1, c.journal_a_up, "exam")
    db.session.rollback()
    values = {f"{s.id}:{c.journal_a_op.id}": "5" for s in a}
    values |= {f"{s.id}:{c.journal_a_up.id}": "3" for s in a}
    assert sheets.save_grades(c.deputy, sheet.id, values, "комплексный экзамен",
                              today=TODAY) == 2 * len(a)
    db.session.commit()
    assert {v for v, _b, _d in _finals(db, c.journal_a_op, "exam").values()} == {"5"}
    assert {v for v, _b, _d in _finals(db, c.journal_a_up, "exam").values()} == {"3"}
    data = sheet_reading.sheet_data(c.deputy, sheet.id)
    assert data["title"] == "Ведомость комплексного экзамена"
    assert [d["name"] for d in data["disciplines"]] == [str(c.op01), str(c.up01)]
    assert [g["grade"] for g in data["rows"][0]["grades"]] == ["5", "3"]
    page = login("deputy").get(f"/sheets/{sheet.id}/").get_data(as_text=True)
    assert f'name="grade-{a[0].id}:{c.journal_a_up.id}"' in page
    book = load_workbook(io.BytesIO(login("deputy").get(f"/sheets/{sheet.id}/xlsx/").data))
    header = next(r for r in book.active.iter_rows(values_only=True) if r[0] == "№")
    assert f"{c.up01}: оценка" in header


# --- 4. exempt and transferred -----------------------------------------------------------------
def test_exempt_and_transferred_are_results_with_their_basis_not_debts(forms, db, login):
    c = forms
    a = c.a_students
    sheet = _sheet(c, c.teacher1, c.journal_a_op, "exam")
    db.session.commit()
    with pytest.raises(BadInput, match="документ-основание"):
        sheets.save_grades(c.teacher1, sheet.id, {a[0].id: "перезач"}, today=TODAY)
    db.session.rollback()
    basis = ("академическая справка № 15", date(2025, 6, 20))
    sheets.save_grades(c.teacher1, sheet.id, {a[0].id: "перезач", a[1].id: "осв",
                                              a[2].id: "4", a[3].id: "4", a[4].id: "4"},
                       today=TODAY, bases={a[0].id: basis})
    db.session.commit()
    assert _finals(db, c.journal_a_op, "exam")[a[0].id] == ("перезач",) + basis
    data = sheet_reading.sheet_data(c.teacher1, sheet.id)
    words = {r["student_id"]: r["grade_words"] for r in data["rows"]}
    assert (words[a[0].id], words[a[1].id]) == ("перезачтено", "освобождён")
    record = student_record(c.deputy, a[0].id)
    item = next(h for h in record["history"] if h["kind"] == "exam")
    assert item["value_text"] == "перезачтено (академическая справка № 15 от 20.06.2025)"
    book = load_workbook(io.BytesIO(login("deputy").get(
        f"/portal/student/{a[0].id}/record.xlsx").data))
    assert any("перезачтено (академическая справка № 15 от 20.06.2025)" in row
               for row in book["История"].iter_rows(values_only=True))
    for student in a:
        set_final_grade(c.teacher1, c.journal_a_op, dict(
            student_id=student.id, period_id=c.autumn.id, kind="semester", value="4"), TODAY)
    db.session.commit()
    found = _close(c, db)
    assert not [k for k in found if k[1] == c.journal_a_op.id and k[2] == "exam"]


# --- 5. no-show apart from not admitted --------------------------------------------------------
def test_a_no_show_is_a_debt_apart_from_not_admitted_with_its_reason(forms, db, login):
    c = forms
    a = c.a_students
    sheet = _sheet(c, c.teacher1, c.journal_a_op, "exam")
    sheets.decide(c.teacher1, sheet.id, a[1].id, "refuse", "не сданы лабораторные работы")
    db.session.commit()
    sheets.save_grades(c.teacher1, sheet.id, {a[0].id: "неяв", a[2].id: "4", a[3].id: "4",
                                              a[4].id: "4"}, today=TODAY)
    db.session.commit()
    data = sheet_reading.sheet_data(c.teacher1, sheet.id)
    rows = {r["student_id"]: r for r in data["rows"]}
    assert (rows[a[0].id]["grade"], rows[a[0].id]["grade_words"]) == ("неяв", "неявка")
    assert (rows[a[1].id]["grade"], rows[a[1].id]["grade_words"]) == ("н/а", "не допущен")
    assert rows[a[1].id]["reason"] == "не сданы лабораторные работы"
    for student in a:
        set_final_grade(c.teacher1, c.journal_a_op, dict(
            student_id=student.id, period_id=c.autumn.id, kind="semester", value="4"), TODAY)
    db.session.commit()
    found = _close(c, db)
    assert found[(a[0].id, c.journal_a_op.id, "exam")] == "absent"
    assert found[(a[1].id, c.journal_a_op.id, "exam")] == "not_admitted"
    # the register and its XLSX name the origins in Russian
    client = login("deputy")
    page = client.get("/debts/?status=open").get_data(as_text=True)
    assert "неявка" in page and "не допущен" in page
    book = load_workbook(io.BytesIO(client.get("/debts/register.xlsx?status=open").data))
    cells = {v for row in book.active.iter_rows(values_only=True) for v in row}
    assert "неявка" in cells and "не допущен" in cells


def test_origins_of_debts_rule_by_rule():
    """4.7 one value at a time: a no-show and «н/а» are debts of their own origins; an exemption
    and a transfer are none."""
    assert debts.debt_origin("неяв", False, False) == "absent"
    assert debts.debt_origin("н/а", True, False) == "not_admitted"
    assert debts.debt_origin("н/а", False, False) == "not_attested"
    assert debts.debt_origin("осв", False, False) is None
    assert debts.debt_origin("перезач", False, False) is None
    assert debts.debt_origin(None, False, True) is None


# --- 7. the API --------------------------------------------------------------------------------
def test_api_shows_results_basis_and_module_decision(forms, db, login, app):
    c = forms
    a = c.a_students
    sheet = _sheet(c, c.teacher1, c.journal_a_pm, "module_exam")
    db.session.commit()
    sheets.save_grades(c.teacher1, sheet.id, {a[0].id: "2", a[1].id: "перезач"}, today=TODAY,
                       bases={a[1].id: ("диплом № 123", date(2024, 6, 30))})
    db.session.commit()
    client = login("teacher1")
    body = client.get(f"/api/v1/sheets/{sheet.id}").get_json()["result"]
    rows = {r["student_id"]: r for r in body["rows"]}
    assert rows[a[0].id]["module_result"] == "вид деятельности не освоен"
    assert (rows[a[1].id]["basis"], rows[a[1].id]["basis_date"]) == ("диплом № 123",
                                                                     "2024-06-30")
    assert body["kind"] == "module_exam" and body["complex"] is False
    # a final grade through the journal's API carries its basis too
    r = client.put(f"/api/v1/journals/{c.journal_a_pm.id}/final-grades", json={
        "student_id": a[2].id, "period_id": c.autumn.id, "kind": "module_exam",
        "value": "перезач", "basis": "академическая справка № 7", "basis_date": "2025-06-01"})
    assert r.status_code == 200, r.get_json()
    assert _finals(db, c.journal_a_pm, "module_exam")[a[2].id] == (
        "перезач", "академическая справка № 7", date(2025, 6, 1))
    spec = login("admin").get("/api/v1/_openapi").get_json()
    fields = spec["components"]["schemas"]["FinalGradeFields"]["properties"]
    assert {"basis", "basis_date"} <= set(fields)


# --- the results report ------------------------------------------------------------------------
def test_results_report_fails_a_no_show_and_passes_exempt_and_transferred(forms, db):
    """6.2 with 4.7's results: «неявка» is not a pass; «освобождён» and «перезачтено» are."""
    from app.services.control.reports import results as res
    c = forms
    a = c.a_students
    basis = {"basis": "академическая справка № 3", "basis_date": date(2025, 6, 1)}
    for student, value in zip(a, ("неяв", "осв", "перезач", "5", "5")):
        set_final_grade(c.teacher1, c.journal_a_pm, dict(
            student_id=student.id, period_id=c.autumn.id, kind="module_exam", value=value,
            **(basis if value == "перезач" else {})), TODAY)
    db.session.commit()
    row = next(r for r in res.results(c.deputy, [c.autumn]) if r["discipline"] == str(c.pm01))
    assert (row["count"], row["success"], row["quality"]) == (5, 80.0, 80.0)
