"""Import of organisations and placements from XLSX/CSV (issue 15.1): all or nothing — every
row is checked first, one bad row refuses the whole file with «Строка N: причина»."""
import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.exports.import_templates import placements_template
from app.models import AuditLog
from app.models.practice import PracticeOrganisation, PracticePlacement
from app.services import practice as svc
from tests.practice_helpers import build_practice, practice_day  # noqa: F401

HEADER = [label for _key, label in svc.IMPORT_COLUMNS]


@pytest.fixture()
def bare(app, db, college, practice_day):
    """The practice without placements; organisations ООО «Софтлайн», АО «Вектор»."""
    return build_practice(db, college, app, place=False)


def _row(student, org="ООО «Новая»", mentor="mentor1", order="45-п",
         order_date="01.10.2025", group="ИС-24-1", code="ПП.01"):
    return [group, code, student.record_book_number, student.full_name, org,
            "г. Иркутск, ул. Новая, 5", "+7 3952 111-222", mentor, "Д-1", "20.09.2025", order,
            order_date]


def _xlsx(rows, header=HEADER) -> tuple[str, bytes]:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return "placements.xlsx", out.getvalue()


def _csv(rows, delimiter=";") -> tuple[str, bytes]:
    lines = [delimiter.join(HEADER)] + [delimiter.join(str(v) for v in row) for row in rows]
    return "placements.csv", "\n".join(lines).encode("cp1251")


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_xlsx_creates_organisations_and_placements(bare, db):
    c = bare
    rows = [_row(c.student1), _row(c.student2, org="ООО «Софтлайн»", mentor="mentor2"),
            _row(c.a_students[2], mentor="")]
    summary = svc.import_placements(c.teacher1, _xlsx(rows))
    assert summary == {"организаций добавлено": 1, "распределений": 3}
    placements = {p.student_id: p for p in db.session.scalars(select(PracticePlacement))}
    assert set(placements) == {c.student1.id, c.student2.id, c.a_students[2].id}
    assert placements[c.student1.id].organisation.name == "ООО «Новая»"
    assert placements[c.student1.id].organisation.address == "г. Иркутск, ул. Новая, 5"
    assert placements[c.student1.id].mentor_id == c.mentor1.id
    assert placements[c.student1.id].contract_date == date(2025, 9, 20)
    assert placements[c.student2.id].organisation_id == c.org1.id
    assert placements[c.a_students[2].id].mentor_id is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "import",
                                                    AuditLog.object_type ==
                                                    "practice_placement")) is not None


def test_csv_in_cp1251(bare, db):
    c = bare
    summary = svc.import_placements(c.deputy, _csv([_row(c.student1)]))
    assert summary["распределений"] == 1
    assert db.session.scalar(select(PracticePlacement)).student_id == c.student1.id


def test_one_bad_row_refuses_the_whole_file(bare, db):
    c = bare
    rows = [_row(c.student1),                               # good
            _row(c.student3),                               # group B: not in the practice
            _row(c.student2, mentor="teacher2"),            # not a mentor account
            _row(c.a_students[2], order=""),                # no order number
            _row(c.a_students[3], order_date="31.02.2025"), # not a date
            _row(c.a_students[4], code="ПП.99"),            # no such practice
            _row(c.student1)]                               # the same student twice
    with pytest.raises(svc.PracticeImportRefused) as refused:
        svc.import_placements(c.teacher1, _xlsx(rows))
    problems = refused.value.problems
    for number in (3, 4, 5, 6, 7, 8):
        assert any(p.startswith(f"Строка {number}:") for p in problems), (number, problems)
    assert not any(p.startswith("Строка 2:") for p in problems)
    assert refused.value.status == 422
    assert _count(db, PracticePlacement) == 0
    assert _count(db, PracticeOrganisation) == 2          # «Новая» not created either


def test_only_the_supervisor_or_the_administration_imports(bare, db):
    c = bare
    for user in (c.teacher2, c.curator1):
        with pytest.raises(svc.PracticeImportRefused) as refused:
            svc.import_placements(user, _xlsx([_row(c.student1)]))
        assert "не руководитель практики" in refused.value.problems[0]
    assert _count(db, PracticePlacement) == 0


def test_missing_columns_formulas_and_control_characters(bare, db):
    c = bare
    with pytest.raises(svc.PracticeImportRefused, match="нет столбца «№ приказа»"):
        svc.import_placements(c.teacher1, _xlsx([_row(c.student1)[:10]], HEADER[:10]))
    row = _row(c.student1)
    row[4] = "=HYPERLINK(\"x\")"
    with pytest.raises(svc.PracticeImportRefused, match="формула"):
        svc.import_placements(c.teacher1, _xlsx([row]))
    row = _row(c.student1, org="ООО\x01Тест")
    with pytest.raises(svc.PracticeImportRefused, match="управляющий символ"):
        svc.import_placements(c.teacher1, _csv([row]))
    with pytest.raises(svc.PracticeImportRefused, match="XLSX и CSV"):
        svc.import_placements(c.teacher1, ("placements.txt", b"abc"))
    with pytest.raises(svc.PracticeImportRefused, match="длиннее 255"):
        svc.import_placements(c.teacher1, _xlsx([_row(c.student1, org="О" * 256)]))
    assert _count(db, PracticePlacement) == 0


def test_template_has_the_header_row(app):
    from openpyxl import load_workbook
    with app.app_context():
        book = load_workbook(io.BytesIO(placements_template()))
    assert [c.value for c in book.active[1]] == HEADER


def test_reimport_replaces_the_placement(bare, db):
    c = bare
    svc.import_placements(c.teacher1, _xlsx([_row(c.student1)]))
    svc.import_placements(c.teacher1, _xlsx([_row(c.student1, org="АО «Вектор»",
                                                  mentor="mentor2", order="50-п")]))
    (placement,) = db.session.scalars(select(PracticePlacement)).all()
    assert (placement.organisation_id, placement.mentor_id, placement.order_number) == (
        c.org2.id, c.mentor2.id, "50-п")
