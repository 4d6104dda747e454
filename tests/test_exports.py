"""Every XLSX document of app/exports/ opens with openpyxl and holds its header and a row: the
books tested through their pages are listed with their test, the rest are tested here."""
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from app.exports.book import header_template, workbook_bytes
from app.exports.import_templates import timetable_template
from app.services.journal.timetable import IMPORT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
# module of app/exports → the test that downloads its book and reads its cells
TESTED_THROUGH_PAGES = {
    "journal": "tests/test_journal_pages.py::test_print_and_xlsx_export",
    "exam_sheet": "tests/test_sheets.py::test_print_and_xlsx",
    "record": "tests/test_record.py::test_export_is_own_data_and_audited",
    "hours": "tests/test_journal_pages.py::test_hours_report_counts_substitutions",
    "debt_register": "tests/test_debts.py::test_register_xlsx",
    "attendance": "tests/test_attendance_report.py::test_page_and_xlsx_hold_the_same_figures",
    "practice": ("tests/test_practice_pages.py::"
                 "test_attestation_sheet_then_grade_prints_and_group_xlsx"),
    "reports": "tests/test_reports_results.py::test_results_xlsx_and_rights",
    "import_templates": "tests/test_import.py::test_template_has_the_header_row",
    "book": "tests/test_exports.py::test_one_sheet_table_has_a_bold_header_and_its_rows",
}


def test_every_exports_module_has_a_test_that_opens_its_book():
    modules = {p.stem for p in (ROOT / "app" / "exports").glob("*.py") if p.stem != "__init__"}
    assert modules == set(TESTED_THROUGH_PAGES)
    for where in TESTED_THROUGH_PAGES.values():
        path, name = where.split("::")
        assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), where


def _cells(body: bytes, row: int) -> list:
    return [c.value for c in load_workbook(BytesIO(body)).active[row]]


def test_one_sheet_table_has_a_bold_header_and_its_rows():
    body = workbook_bytes("Итоги", ["Группа", "Студентов"], [["ИС-24-1", 25], ["=1+1", None]])
    sheet = load_workbook(BytesIO(body)).active
    assert sheet.title == "Итоги" and sheet["A1"].font.bold
    assert _cells(body, 2) == ["ИС-24-1", 25]
    assert _cells(body, 3) == ["=1+1", None]  # text, never a formula
    assert sheet["A3"].data_type == "s"


def test_import_templates_hold_the_header_and_the_timetable_an_example():
    assert _cells(header_template("Студенты", ["Фамилия", "Имя"]), 1) == ["Фамилия", "Имя"]
    body = timetable_template()
    assert _cells(body, 1) == list(IMPORT_COLUMNS)
    assert _cells(body, 2) == ["ИС-24-1", "Понедельник", 1, "ОП.01", None, "каб. 101"]
