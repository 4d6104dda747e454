"""What every workbook shares: cells written as data (never formulas), stored text less what a
spreadsheet cannot hold, a bold header row, column widths, a one-sheet table."""
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from ..infra.text_hygiene import printable


def no_formulas(book) -> None:
    """Every cell the portal writes is data: text starting with = (a topic, homework, a
    message) stays text and is never run as a formula when the file is opened."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def book_bytes(book) -> bytes:
    """A workbook as XLSX bytes, every cell data (no_formulas; a streamed, write-only book
    writes its cells as data itself)."""
    if not getattr(book, "write_only", False):
        no_formulas(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def bold_header(sheet, row: int = 1) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def header_template(title: str, headers: list[str]) -> bytes:
    """An empty import file: one bold header row, each column as wide as its name."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    bold_header(sheet)
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 2)
    return book_bytes(book)


def workbook_bytes(title: str, headers: list[str], rows: list[list], sheets=()) -> bytes:
    """One sheet (or several: `sheets` = [(title, headers, rows)]) as XLSX bytes."""
    wb = Workbook()
    first = True
    for name, head, body in [(title, headers, rows), *sheets]:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = name[:31]
        ws.append(head)
        bold_header(ws)
        for row in body:
            # stored text as it is, less what a spreadsheet cannot hold (an old \x01)
            ws.append([printable("" if v is None else v) for v in row])
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 60)
    return book_bytes(wb)
