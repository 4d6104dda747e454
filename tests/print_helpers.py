"""Printing checks: XLSX books converted to PDF by LibreOffice (soffice, Debian's
libreoffice-calc, installed by scripts/bootstrap.sh --dev) and read back with pypdf."""
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

A4_PORTRAIT = (595, 842)  # points, rounded


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, ("LibreOffice (soffice) is missing: scripts/bootstrap.sh --dev installs "
                   "Debian's libreoffice-calc")
    return found


def books_to_pdf(books: dict[str, bytes], folder: Path) -> dict[str, PdfReader]:
    """Every book converted in one soffice call, with its own profile in `folder` (parallel
    test workers never share one); name → the PDF read by pypdf."""
    src, out = folder / "xlsx", folder / "pdf"
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(exist_ok=True)
    files = []
    for name, body in books.items():
        path = src / f"{name}.xlsx"
        path.write_bytes(body)
        files.append(str(path))
    profile = (folder / "profile").resolve().as_uri()
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *files],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    readers = {}
    for name in books:
        pdf = out / f"{name}.pdf"
        assert pdf.is_file(), f"{name}: no PDF ({done.stdout} {done.stderr})"
        readers[name] = PdfReader(BytesIO(pdf.read_bytes()))
    return readers


def page_text(reader: PdfReader, number: int = 0) -> str:
    return " ".join(reader.pages[number].extract_text().split())


def is_a4(page) -> bool:
    width, height = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
    return (width, height) == A4_PORTRAIT


def table_header(sheet) -> tuple[int, list]:
    """The printed title row of a sheet and its values."""
    rows = str(sheet.print_title_rows).replace("$", "").split(":")
    row = int(rows[0])
    return row, [c.value for c in sheet[row]]


def layout_problems(name: str, body: bytes) -> list[str]:
    """What keeps a book from printing well: per sheet, A4, fitted to the width, a repeated
    and frozen header row, every column of the table given a width."""
    problems = []
    book = load_workbook(BytesIO(body))
    for sheet in book.worksheets:
        where = f"{name}/{sheet.title}"
        setup = sheet.page_setup
        if str(setup.paperSize) != "9":
            problems.append(f"{where}: paper {setup.paperSize}, not A4")
        if not (sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage
                and setup.fitToWidth == 1 and setup.fitToHeight == 0):
            problems.append(f"{where}: not fitted to the page width")
        if not sheet.print_title_rows:
            problems.append(f"{where}: no header row repeated on printed pages")
            continue
        row, header = table_header(sheet)
        if sheet.freeze_panes is None or int("".join(
                ch for ch in sheet.freeze_panes if ch.isdigit())) != row + 1:
            problems.append(f"{where}: header row {row} not frozen ({sheet.freeze_panes})")
        for cell in sheet[row]:
            if cell.value is None:
                continue
            width = sheet.column_dimensions[cell.column_letter].width
            if not sheet.column_dimensions[cell.column_letter].customWidth or not width:
                problems.append(f"{where}: column {cell.column_letter} has no width")
    return problems


def table_rows(sheet) -> list[tuple]:
    """A sheet's table as values: its header row (the printed title row) first, then the rows
    below it (the caption above the table left out)."""
    row, _header = table_header(sheet)
    return list(sheet.iter_rows(min_row=row, values_only=True))
