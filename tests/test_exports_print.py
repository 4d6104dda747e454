"""Every XLSX the portal hands out prints on A4 (issue 25): each book of the demo college is
downloaded as its readers do, converted to PDF by LibreOffice in one call, and checked — A4
pages, the table's last column on page 1, a page count that fits the table — and read with
openpyxl: the header row repeated and frozen, widths set, marks numbers, dates dates, no
browser string or entry hash on the sheet people read."""
from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import Journal, Lesson, Student
from app.models.practice import Practice
from app.models.sheets import ExamSheet
from app.services.records import audit
from tests.conftest import restore_demo_college
from tests.factories import login_client
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.print_helpers import (
    books_to_pdf, is_a4, layout_problems, page_text, table_header,
)

pytestmark = pytest.mark.layout_only  # the same on either database

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ids():
    busiest = db.session.execute(
        select(Lesson.journal_id, func.count()).group_by(Lesson.journal_id)
        .order_by(func.count().desc(), Lesson.journal_id).limit(1)).first()
    return {
        "journal": busiest[0],
        "sheet": db.session.scalar(select(func.min(ExamSheet.id))),
        "practice": db.session.scalar(select(func.min(Practice.id))),
        "student": db.session.scalar(select(func.min(Student.id)).where(
            Student.group_id.is_not(None))),
        "group": db.session.scalar(select(Journal.group_id).where(
            Journal.id == busiest[0])),
    }


# book → (account, address); the address is filled with the demo college's ids
DOWNLOADS = {
    "journal": ("deputy", "/journal/{journal}/xlsx/"),
    "exam_sheet": ("deputy", "/sheets/{sheet}/xlsx/"),
    "record": ("deputy", "/portal/student/{student}/record.xlsx"),
    "report_card": ("deputy", "/portal/student/{student}/report-card.xlsx"),
    "hours": ("deputy", "/hours/xlsx/"),
    "programme": ("deputy", "/programme/xlsx/"),
    "debts": ("deputy", "/debts/register.xlsx?status=all"),
    "attendance": ("deputy", "/attendance/{group}/xlsx"),
    "practice_order": ("deputy", "/practice/{practice}/order.xlsx"),
    "practice_attestation": ("deputy", "/practice/{practice}/attestation.xlsx"),
    "activity": ("deputy", "/reports/activity?start=2025-09-01&end=2026-06-30&format=xlsx"),
    "results": ("deputy", "/reports/results?format=xlsx"),
    "objectivity": ("deputy", "/reports/objectivity?format=xlsx"),
    "council": ("deputy", "/reports/council/?format=xlsx"),
    "audit": ("it", "/audit/export/xlsx"),
    "import_students": ("director", "/import/template/students"),
    "import_curricula": ("director", "/import/template/curricula"),
    "import_load": ("director", "/import/template/load"),
    "import_placements": ("deputy", "/practice/import/template.xlsx"),
    "import_timetable": ("deputy", "/timetable/template.xlsx"),
}
# the most pages the first sheet of a book of the demo college may print on
MAX_PAGES = {"journal": 4, "exam_sheet": 1, "practice_order": 1, "practice_attestation": 2,
             "attendance": 2, "record": 8, "report_card": 1}


@pytest.fixture(scope="module")
def books(app, fast_password_hashing, tmp_path_factory):  # noqa: F811
    """The demo college's books as downloaded, and their PDFs (one soffice call)."""
    with app.app_context():
        restore_demo_college(db)
        audit.record("login", "user", 1, details={"user_agent": "Mozilla/5.0 (X11) Тест"})
        db.session.commit()
        ids = _ids()
        db.session.remove()
    clients, bodies = {}, {}
    for name, (account, address) in DOWNLOADS.items():
        client = clients.get(account) or clients.setdefault(account,
                                                            login_client(app, account))
        response = client.get(address.format(**ids))
        assert response.status_code == 200 and response.mimetype == XLSX, (name, response.status)
        bodies[name] = response.data
    pdfs = books_to_pdf(bodies, tmp_path_factory.mktemp("print"))
    yield bodies, pdfs
    with app.app_context():
        db.session.remove()


def test_every_book_is_laid_out_for_a4(books):
    bodies, _pdfs = books
    assert len(bodies) == 20
    problems = [p for name, body in bodies.items() for p in layout_problems(name, body)]
    assert problems == []


def test_every_book_prints_on_a4_with_its_last_column_on_page_one(books):
    bodies, pdfs = books
    for name, body in bodies.items():
        reader = pdfs[name]
        assert all(is_a4(page) for page in reader.pages), name
        sheet = load_workbook(BytesIO(body)).worksheets[0]
        _row, header = table_header(sheet)
        last = next(v for v in reversed(header) if v is not None)
        word = max(str(last).split(), key=len) if not isinstance(last, datetime) \
            else f"{last:%d.%m.%Y}"
        assert word in page_text(reader), f"{name}: «{last}» is not on page 1"


def _first_sheet_pages(body: bytes, reader) -> int:
    """Pages the first sheet prints on: up to the page where the second sheet's title is."""
    book = load_workbook(BytesIO(body))
    if len(book.worksheets) == 1:
        return len(reader.pages)
    second = str(book.worksheets[1]["A1"].value)
    return next((n for n in range(len(reader.pages)) if second in page_text(reader, n)),
                len(reader.pages))


def test_page_counts_fit_the_tables(books):
    bodies, pdfs = books
    for name, most in MAX_PAGES.items():
        pages = _first_sheet_pages(bodies[name], pdfs[name])
        assert 1 <= pages <= most, f"{name}: {pages} pages"


def _column(sheet, title: str) -> list:
    row, header = table_header(sheet)
    index = header.index(title) + 1
    return [sheet.cell(r, index).value for r in range(row + 1, sheet.max_row + 1)
            if sheet.cell(r, index).value not in (None, "")]


def test_marks_are_numbers_and_dates_are_dates(books):
    bodies, _pdfs = books
    journal = load_workbook(BytesIO(bodies["journal"]))
    grid = journal["Отметки"]
    row, header = table_header(grid)
    lessons = [i for i, v in enumerate(header, start=1) if isinstance(v, datetime)]
    assert lessons and all(grid.cell(row, i).number_format == "DD.MM.YYYY" for i in lessons)
    values = [grid.cell(r, i).value for r in range(row + 1, grid.max_row + 1) for i in lessons]
    assert any(isinstance(v, int) for v in values)
    assert not any(isinstance(v, str) and v.strip().isdigit() for v in values)
    assert all(isinstance(v, (int, float)) for v in _column(grid, "Средний балл"))
    dates = _column(journal["Занятия"], "Дата")
    assert dates and all(isinstance(v, datetime) for v in dates)
    sheet = load_workbook(BytesIO(bodies["exam_sheet"])).active
    grades = _column(sheet, "Оценка")
    assert all(isinstance(v, int) or v in ("зачтено", "не зачтено") for v in grades)
    debts = load_workbook(BytesIO(bodies["debts"])).worksheets[0]
    deadlines = _column(debts, "Срок")
    assert deadlines and all(isinstance(v, datetime) for v in deadlines)
    row, header = table_header(debts)
    cell = debts.cell(row + 1, header.index("Срок") + 1)
    assert cell.number_format == "DD.MM.YYYY"


def test_captions_name_the_document_group_and_date_of_making(books):
    bodies, _pdfs = books
    sheet = load_workbook(BytesIO(bodies["journal"])).worksheets[0]
    row, _header = table_header(sheet)
    caption = " ".join(str(sheet.cell(r, 1).value or "") for r in range(1, row))
    assert "Журнал учебных занятий" in caption and "Группа:" in caption
    assert "Учебный год:" in caption and "Сформировано:" in caption
    assert sheet.oddHeader.left.text and sheet.oddFooter.center.text


def test_audit_sheet_for_people_has_no_hash_or_browser(books):
    bodies, _pdfs = books
    book = load_workbook(BytesIO(bodies["audit"]))
    people, it = book.worksheets
    _row, header = table_header(people)
    assert "Браузер" not in header and "Хеш записи" not in header
    assert "Пользователь" in header and "Действие" in header
    assert all(isinstance(v, datetime) for v in _column(people, "Когда"))
    _row, it_header = table_header(it)
    assert {"Браузер", "Хеш записи"} <= set(it_header)
    assert all(len(v) == 64 for v in _column(it, "Хеш записи"))





def test_every_heading_prints_whole_above_the_table(books):
    """A heading wraps in its column and its row is as tall as its longest heading: on page 1
    every word of every heading is printed above the table's first row (the report card's
    «Средний балл текущих оценок» lost its first and last lines, and the three-line headings
    ran into the first row, in a header row two lines high)."""
    bodies, pdfs = books
    lost = {}
    for name, body in bodies.items():
        sheet = load_workbook(BytesIO(body)).worksheets[0]
        row, header = table_header(sheet)
        first = str(sheet.cell(row + 1, 1).value or "").split()
        lines = pdfs[name].pages[0].extract_text(extraction_mode="layout").splitlines()
        at = next((n for n, line in enumerate(lines) if first and line.split()[:len(first)]
                   == first), len(lines))
        above = " ".join(lines[:at]).split()
        words = [w for h in header if isinstance(h, str) for w in h.split()]
        missing = [w for w in words if w not in above]
        if missing:
            lost[name] = missing
    assert lost == {}
