"""Every XLSX document of app/exports/ opens with openpyxl and holds its header and a row: the
books tested through their pages are listed with their test, the rest are tested here."""
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from app.exports.book import header_template, mark, workbook_bytes
from app.exports.import_templates import timetable_template
from app.services.journal.timetable import IMPORT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
# module of app/exports → the test that downloads its book and reads its cells
TESTED_THROUGH_PAGES = {
    "journal": "tests/test_journal_pages.py::test_print_and_xlsx_export",
    "exam_sheet": "tests/test_sheets.py::test_print_and_xlsx",
    "record": "tests/test_record.py::test_export_is_own_data_and_audited",
    "hours": "tests/test_journal_pages.py::test_hours_report_counts_substitutions",
    "programme": "tests/test_programme.py::test_page_and_xlsx_show_what_is_behind",
    "debt_register": "tests/test_debts.py::test_register_xlsx",
    "attendance": "tests/test_attendance_report.py::test_page_and_xlsx_hold_the_same_figures",
    "practice": ("tests/test_practice_pages.py::"
                 "test_attestation_sheet_then_grade_prints_and_group_xlsx"),
    "reports": "tests/test_reports_results.py::test_results_xlsx_and_rights",
    "import_templates": "tests/test_import.py::test_template_has_the_header_row",
    "book": "tests/test_exports.py::test_one_sheet_table_has_a_bold_header_and_its_rows",
    "report_card": "tests/test_report_card.py::test_the_report_card_as_xlsx",
    "users_work": ("tests/test_reports_users_work.py::"
                   "test_pages_explain_each_figure_and_lead_to_its_rows"),
}


def test_every_exports_module_has_a_test_that_opens_its_book():
    modules = {p.stem for p in (ROOT / "app" / "exports").glob("*.py") if p.stem != "__init__"}
    assert modules == set(TESTED_THROUGH_PAGES)
    for where in TESTED_THROUGH_PAGES.values():
        path, name = where.split("::")
        assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), where


def _cells(body: bytes, row: int) -> list:
    return [c.value for c in load_workbook(BytesIO(body)).active[row]]


def test_one_sheet_table_has_a_bold_header_and_its_rows(app):
    with app.app_context():
        body = workbook_bytes("Итоги", ["Группа", "Студентов"],
                              [["ИС-24-1", 25], ["=1+1", None]], lines=["Период: 1 семестр"])
    sheet = load_workbook(BytesIO(body)).active
    assert sheet.title == "Итоги" and sheet["A1"].value == "Итоги" and sheet["A1"].font.bold
    assert sheet["A2"].value == "Период: 1 семестр"
    assert sheet["A3"].value.startswith("Сформировано: ")
    assert _cells(body, 5) == ["Группа", "Студентов"] and sheet["A5"].font.bold
    assert _cells(body, 6) == ["ИС-24-1", 25]
    assert _cells(body, 7) == ["=1+1", None]  # text, never a formula
    assert sheet["A7"].data_type == "s"


def test_marks_that_are_numbers_become_numbers():
    assert [mark(v) for v in ("5", " 4 ", "4,50", "3.25", "Н", "5 4", "зач", "", None)] == [
        5, 4, 4.5, 3.25, "Н", "5 4", "зач", "", None]


def test_a_table_wider_than_portrait_prints_landscape_fitted_to_the_width(app):
    with app.app_context():
        narrow = load_workbook(BytesIO(workbook_bytes("Т", ["А", "Б"], [["x", 1]]))).active
        wide = load_workbook(BytesIO(workbook_bytes(
            "Т", [f"Столбец {n}" for n in range(14)], [["текст" * 3] * 14]))).active
    assert narrow.page_setup.orientation == "portrait"
    assert wide.page_setup.orientation == "landscape"
    for sheet in (narrow, wide):
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert str(sheet.print_title_rows) in ("$4:$4", "4:4") and sheet.freeze_panes == "A5"


def test_widths_fit_the_cells_with_a_cap_and_wrap(app):
    with app.app_context():
        body = workbook_bytes("Т", ["№", "Тема"], [[1, "слово " * 30], [2, "коротко"]],
                              lines=[])
    sheet = load_workbook(BytesIO(body)).active
    assert sheet.column_dimensions["A"].width == 4  # «№», «1», «2»: two characters and a margin
    assert sheet.column_dimensions["B"].width == 50  # capped
    assert sheet["B5"].alignment.wrap_text and not sheet["B6"].alignment.wrap_text


def test_dates_are_dates_shown_day_month_year(app):
    with app.app_context():
        body = workbook_bytes("Т", ["Дата"], [[date(2026, 9, 16)]])
    cell = load_workbook(BytesIO(body)).active["A5"]
    assert cell.value == datetime(2026, 9, 16) and cell.number_format == "DD.MM.YYYY"


def test_import_templates_hold_the_header_and_the_timetable_an_example():
    assert _cells(header_template("Студенты", ["Фамилия", "Имя"]), 1) == ["Фамилия", "Имя"]
    body = timetable_template()
    assert _cells(body, 1) == list(IMPORT_COLUMNS)
    assert _cells(body, 2) == ["ИС-24-1", "Понедельник", 1, "ОП.01", None, "каб. 101"]
