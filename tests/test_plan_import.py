"""Import of a working curriculum from «Планы» (.plx) (4.2): what is read, the difference shown
before a change, all or nothing, re-import writes nothing, entered marks and lessons untouched."""
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import Conflict
from app.models import (
    AuditLog, Curriculum, CurriculumItem, CurriculumRow, CurriculumRowSemester, Discipline,
    Journal, Lesson, Mark, Specialty,
)
from app.services.college.plan_apply import ITEM_FORMS, import_plan, item_form, preview
from app.services.college.plx import PlanRefused, normal_index, read_plan
from tests.plx_builder import PlanBuilder, full_plan

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "plans"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/samples/plans")
SPO = SAMPLES / "09.02.07-professionalitet-2024.plx"
VO = SAMPLES / "09.03.01-bachelor-2024.plx"


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE Документ [<!ENTITY l0 "ха">'
          + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
          + ']><Документ>&l9;</Документ>').encode("utf-8")  # a billion laughs


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def everything(db) -> dict:
    return {m.__name__: count(db, m) for m in (
        Specialty, Curriculum, CurriculumRow, CurriculumRowSemester, CurriculumItem,
        Discipline, Journal, Lesson, Mark, AuditLog)}


def rows_of(db, curriculum) -> dict[str, CurriculumRow]:
    return {r.index: r for r in db.session.scalars(
        select(CurriculumRow).where(CurriculumRow.curriculum_id == curriculum.id))}


def term(row, semester) -> CurriculumRowSemester:
    return next(t for t in row.semesters if t.semester == semester)


# --- reading ---------------------------------------------------------------------------------
def test_index_normalised():
    assert normal_index("  МДК.01.01") == "МДК.01.01"
    assert normal_index("ПM.01.ЭК") == "ПМ.01.ЭК"  # Latin M
    assert normal_index(" OП.0 1") == "ОП.01"  # Latin O, a space inside


def test_sample_professionalitet_plan_read(app):
    with app.app_context():
        plan = read_plan(SPO.read_bytes())
    assert (plan.specialty_code, plan.specialty_name) == (
        "09.02.07", "Информационные системы и программирование")
    assert (plan.qualification, plan.admission_year, plan.form_of_study,
            plan.length_months) == ("Программист", 2024, "full_time", 34)
    rows = {r.index: r for r in plan.rows}
    assert len(rows) == 58  # 61 rows less the groupings БД, ПД, ПОО without hours
    assert rows["ПМ.01.ЭК"].kind == "module_exam" and rows["ПМ.01.ЭК"].parent == "ПМ.01"
    assert rows["ПМ.01.ЭК"].semesters[4].control == ("ЭМ",)
    assert rows["МДК.01.01"].parent == "ПМ.01" and rows["МДК.01.01"].kind == "mdk"
    assert rows["УП.01.01"].kind == "up" and rows["ПП.01.01"].kind == "pp"
    assert rows["ПДП"].kind == "pdp" and rows["ГИА.01"].kind == "gia"
    assert rows["ПМ.01"].semesters == {}  # a module's hours are its rows'
    mdk = rows["МДК.01.01"].semesters
    assert mdk[4].hours == {"lectures": 18, "practical": 18, "course_design": 36}
    assert mdk[4].total == 72 and mdk[4].control == ("ЗаО", "КР")
    assert rows["УП.01.01"].semesters[3].weeks == 3
    assert rows["ЕН.01"].semesters[2].complex_form == "ЗаО"
    assert rows["ЕН.01"].semesters[2].complex_group == rows["ЕН.03"].semesters[2].complex_group
    assert "ПК 1.1" in rows["МДК.01.01"].competences
    # each hour counted once: the leaf rows' hours add up to the plan's own totals
    assert sum(t.total for r in plan.rows for t in r.semesters.values()) == 4464


def test_vo_plan_refused_with_level(app, db):
    with pytest.raises(PlanRefused) as refused:
        read_plan(VO.read_bytes())
    assert "Уровень образования" in refused.value.problems[0]
    assert "Бакалавр" in refused.value.problems[0]


@pytest.mark.parametrize("data, words", [
    (b"", "пуст"),
    ("\ufeff<?xml version='1.0'?><Документ><Планы".encode("utf-8"), "XML не читается"),
    (b"\xef\xbb\xbf<?xml version='1.0'?><html><body>hi</body></html>", "не учебный план"),
    (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bbbbbbbb">]><a>&b;</a>', "DTD"),
    (LAUGHS, "DTD"),
    (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
     "DTD"),
])
def test_broken_or_foreign_file_refused(college, db, data, words):
    before = everything(db)
    with pytest.raises(PlanRefused) as refused:
        import_plan(data, "plan.plx")
    assert words in " ".join(refused.value.problems)
    assert everything(db) == before


def test_row_without_hours_refused_nothing_written(college, db):
    plan = full_plan().row("ОП.09", "Пустая дисциплина", "discipline", cycle="ОПЦ",
                           forms={2: ["ЗаО"]})
    before = everything(db)
    with pytest.raises(PlanRefused) as refused:
        import_plan(plan.utf16(), "plan.plx")
    assert refused.value.problems == ["Строка «ОП.09 Пустая дисциплина» без часов по семестрам."]
    assert everything(db) == before


def test_form_mapping_to_assessment_forms():
    """The plan's codes → the curriculum's forms of control, a course project or work beside
    the semester's exam or credit joined to it (4.7)."""
    assert item_form(("Эк", "КР")) == "exam+course_work"
    assert item_form(("ЭМ",)) == "module_exam"
    assert item_form(("ЗаО", "КП")) == "diff_credit+course_project"
    assert item_form(("За", "КР")) == "credit+course_work"
    assert item_form(("За",)) == "credit"
    assert item_form(("КП",)) == "course_project" and item_form(("КР",)) == "course_work"
    assert item_form(("Др",)) == "grade"
    assert item_form(()) == "none"
    assert set(ITEM_FORMS) == {"Эк", "ЭМ", "ЗаО", "За", "КП", "КР", "Др"}


# --- writing ---------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf16", "utf8"])
def test_built_plan_imports_every_kind_of_row_and_form(db, encoding):
    data = getattr(full_plan(code="10.02.05", name="Обеспечение информационной безопасности",
                             year=2025), encoding)()
    look, curriculum = import_plan(data, "plan.plx")
    assert look.diff.new and curriculum is not None
    assert (curriculum.specialty.code, curriculum.admission_year, curriculum.qualification,
            curriculum.form_of_study, curriculum.length_months) == (
        "10.02.05", 2025, "Программист", "full_time", 46)
    rows = rows_of(db, curriculum)
    assert set(rows) == {"ОГСЭ.01", "ОГСЭ.05", "ОП.01", "ОП.02", "ПМ.01", "ПМ.01.ЭК",
                         "МДК.01.01", "МДК.01.02", "УП.01.01", "ПП.01.01", "ПДП", "ГИА.01"}
    assert {i: r.kind for i, r in rows.items()} == {
        "ОГСЭ.01": "discipline", "ОГСЭ.05": "discipline", "ОП.01": "discipline",
        "ОП.02": "discipline", "ПМ.01": "pm", "ПМ.01.ЭК": "module_exam", "МДК.01.01": "mdk",
        "МДК.01.02": "mdk", "УП.01.01": "up", "ПП.01.01": "pp", "ПДП": "pdp", "ГИА.01": "gia"}
    assert {i for i, r in rows.items() if r.parent and r.parent.index == "ПМ.01"} == {
        "ПМ.01.ЭК", "МДК.01.01", "МДК.01.02", "УП.01.01", "ПП.01.01"}
    op01 = rows["ОП.01"]
    assert (term(op01, 1).lectures, term(op01, 1).laboratory, term(op01, 1).self_study,
            term(op01, 1).total) == (20, 20, 4, 44)
    assert (term(op01, 2).consultations, term(op01, 2).exam, term(op01, 2).control) == (
        2, 6, "Эк")
    assert term(rows["ОГСЭ.01"], 2).total == 48  # practical training not added again
    assert term(rows["ОГСЭ.05"], 1).control == "За" and term(rows["ОГСЭ.05"], 2).control == "Др"
    assert rows["ОГСЭ.05"].competences == "ОК 8"  # Latin «OK» read as Cyrillic
    assert term(rows["МДК.01.01"], 4).control == "ЗаО КП"
    assert term(rows["МДК.01.02"], 4).control == "КР Др"
    assert term(rows["ПМ.01.ЭК"], 4).control == "ЭМ"
    assert (term(rows["УП.01.01"], 3).weeks, term(rows["ГИА.01"], 6).weeks) == (3, 2)
    assert term(rows["ОП.02"], 3).complex_form == "ЗаО"
    assert term(rows["ОП.02"], 3).complex_group == term(rows["УП.01.01"], 3).complex_group
    assert rows["МДК.01.01"].competences == "ПК 1.1; ПК 1.2"
    items = {(i.discipline.code, i.semester): (i.hours, i.assessment_form)
             for i in curriculum.items}
    assert items == {
        ("ОГСЭ.01", 2): (48, "diff_credit"), ("ОГСЭ.05", 1): (34, "credit"),
        ("ОГСЭ.05", 2): (48, "grade"), ("ОП.01", 1): (44, "grade"),
        ("ОП.01", 2): (38, "exam"), ("ОП.02", 3): (48, "diff_credit"),
        ("ПМ.01", 4): (18, "module_exam"), ("МДК.01.01", 3): (90, "exam"),
        ("МДК.01.01", 4): (72, "diff_credit+course_project"),
        ("МДК.01.02", 4): (40, "grade+course_work"),
        ("УП.01.01", 3): (108, "diff_credit"), ("ПП.01.01", 4): (144, "diff_credit"),
        ("ПДП", 6): (144, "diff_credit")}
    kinds = {d.code: d.kind for d in db.session.scalars(select(Discipline))}
    assert (kinds["ОГСЭ.01"], kinds["ОП.01"], kinds["ПМ.01"], kinds["МДК.01.01"],
            kinds["УП.01.01"], kinds["ПП.01.01"], kinds["ПДП"]) == (
        "general", "op", "pm", "mdk", "up", "pp", "pp")
    assert "ГИА.01" not in kinds  # no journal for the state final attestation
    entry = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "import", "curriculum", str(curriculum.id))


def test_reimport_of_the_same_file_changes_nothing(db):
    data = full_plan().utf16()
    import_plan(data, "plan.plx")
    before = everything(db)
    look, curriculum = import_plan(full_plan().utf8(), "plan.plx")
    assert look.diff.empty and curriculum is None
    assert look.diff.lines() == []
    assert everything(db) == before


def test_sample_imports_into_the_college_leaving_marks_and_lessons(college, db):
    marks = [(m.id, m.value) for m in db.session.scalars(select(Mark))]
    lessons = [(le.id, le.topic) for le in db.session.scalars(select(Lesson))]
    journals = {j.id: j.assessment_form for j in db.session.scalars(select(Journal))}
    look = preview(SPO.read_bytes())
    assert not look.diff.new  # the college keeps the 09.02.07 plan of 2024 (from XLSX)
    assert len(look.diff.added) == 58
    assert "УП.01, семестр 3" in look.diff.items_removed  # not in the .plx plan
    assert look.diff.notes == [  # the college's ОП.01 is kept as it is named
        "«ОП.01» в базе называется «Операционные системы», в плане — «Операционные системы и "
        "среды»: журналы ведут её под названием из базы."]
    assert count(db, CurriculumRow) == 0  # a preview writes nothing
    _look, curriculum = import_plan(SPO.read_bytes(), SPO.name, seen_digest=look.diff.digest)
    assert curriculum.id == college.curriculum.id
    assert count(db, CurriculumRow) == 58
    assert count(db, CurriculumRowSemester) == sum(
        len(r.semesters) for r in look.plan.rows)
    assert [(m.id, m.value) for m in db.session.scalars(select(Mark))] == marks
    assert [(le.id, le.topic) for le in db.session.scalars(select(Lesson))] == lessons
    assert {j.id: j.assessment_form for j in db.session.scalars(select(Journal))} == journals
    items = {(i.discipline.code, i.semester): i.assessment_form for i in curriculum.items}
    assert items[("ОП.01", 2)] == "diff_credit" and ("УП.01", 3) not in items
    assert items[("ПМ.01", 4)] == "module_exam"


def test_changed_plan_shows_its_difference_and_applies_only_it(college, db):
    import_plan(full_plan().utf16(), "plan.plx")
    marks = [(m.id, m.value) for m in db.session.scalars(select(Mark))]
    changed = PlanBuilder()
    for row in full_plan().rows:
        changed.rows.append(dict(row))
    changed.rows = [r for r in changed.rows if r["index"] != "ОП.02"]  # removed
    mdk = next(r for r in changed.rows if r["index"] == "  МДК.01.01")
    mdk["hours"] = {3: {"lectures": 40, "practical": 32, "exam": 18},
                    5: {"lectures": 18, "practical": 18, "course_design": 36}}  # 4 → 5
    mdk["forms"] = {3: ["Эк"], 5: ["ЗаО", "КП"]}
    changed.competences = list(full_plan().competences)
    changed.row("ОП.03", "Информационные технологии", "discipline", cycle="ОПЦ",
                hours={2: {"lectures": 20, "practical": 28}}, forms={2: ["ЗаО"]})
    look = preview(changed.utf16())
    assert look.diff.added == ["ОП.03 Информационные технологии (семестр 2: 48 ч, ЗаО)"]
    assert look.diff.removed == ["ОП.02 Архитектура"]
    [(row, changes)] = [c for c in look.diff.changed if c[0].startswith("МДК.01.01")]
    assert "семестр 3, лекции: 36 → 40 ч" in changes
    assert "семестр 3, практические: 36 → 32 ч" in changes
    assert "семестр 4 убран (было: 72 ч, ЗаО, КП)" in changes
    assert "семестр 5 добавлен: 72 ч, ЗаО, КП" in changes
    assert any("ОП.02, семестр 3" == i for i in look.diff.items_removed)
    before = everything(db)
    assert everything(db) == before  # nothing written by the preview
    _look, curriculum = import_plan(changed.utf16(), "plan.plx", seen_digest=look.diff.digest)
    rows = rows_of(db, curriculum)
    assert "ОП.02" not in rows and "ОП.03" in rows
    assert sorted(t.semester for t in rows["МДК.01.01"].semesters) == [3, 5]
    items = {(i.discipline.code, i.semester) for i in curriculum.items}
    assert ("МДК.01.01", 5) in items and ("МДК.01.01", 4) not in items
    assert ("ОП.02", 3) not in items
    assert [(m.id, m.value) for m in db.session.scalars(select(Mark))] == marks
    assert preview(changed.utf16()).diff.empty


def test_confirming_a_stale_difference_is_refused(db):
    import_plan(full_plan().utf16(), "plan.plx")
    changed = full_plan(qualification="Разработчик")
    look = preview(changed.utf16())
    assert look.diff.meta == ["квалификация: Программист → Разработчик"]
    import_plan(full_plan(qualification="Тестировщик").utf16(), "other.plx")
    before = everything(db)
    with pytest.raises(Conflict) as refused:
        import_plan(changed.utf16(), "plan.plx", seen_digest=look.diff.digest)
    assert "изменился после просмотра" in str(refused.value)
    assert everything(db) == before
    curriculum = db.session.scalar(select(Curriculum))
    assert curriculum.qualification == "Тестировщик"


def test_hours_stored_as_numbers(db):
    _look, curriculum = import_plan(full_plan().utf16(), "plan.plx")
    row = rows_of(db, curriculum)["ОГСЭ.01"]
    assert term(row, 2).lectures == Decimal("30")
