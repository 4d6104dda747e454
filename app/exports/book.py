"""What every workbook shares: cells written as data (never formulas), stored text less what a
spreadsheet cannot hold, and a sheet ready to print on A4.

A sheet is written by `write_table`: the caption above the table (title, group, period, date of
making), the header row (bold, wrapped, repeated on every printed page and frozen on screen),
the rows typed (marks and figures as numbers, dates as dates shown dd.mm.yyyy), column widths
measured from the cells (long text capped and wrapped), A4 with the title in the page header
and page numbers in the footer, landscape where the table is wider than portrait, and always
fitted to the page's width (fitToWidth=1, fitToHeight=0). It measures the rows before writing
them, so the same code writes a streamed (write-only) book."""
import math
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties

from ..infra import clock
from ..infra.text_hygiene import printable

DATE_FORMAT = "DD.MM.YYYY"
MOMENT_FORMAT = "DD.MM.YYYY HH:MM:SS"
WIDTH_CAP = 50          # a column wider than this wraps its text
PORTRAIT_WIDTH = 92     # column-width units a portrait A4 page holds within its margins
LANDSCAPE_WIDTH = 140
HEAD_LINE = 15          # points a line of a heading takes
UPRIGHT_DATE = 66       # points a date turned upright (dd.mm.yyyy) takes
MARK = re.compile(r"^\s*-?\d{1,6}(?:[.,]\d+)?\s*$")

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E7E7E7")
_HEAD_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_DATE_HEAD_ALIGN = Alignment(text_rotation=90, horizontal="center", vertical="bottom")
_WRAP = Alignment(wrap_text=True, vertical="top")


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


def mark(value):
    """A mark, an average or a figure that is a number, as a number ('5' → 5, '4,50' → 4.5),
    so a spreadsheet can average it; «Н», «зач», «5 4» and empty stay as they are."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and MARK.match(value):
        text = value.strip().replace(",", ".")
        return float(text) if "." in text else int(text)
    return value


def made_line() -> str:
    return f"Сформировано: {clock.today():%d.%m.%Y}"


def _text(value) -> str:
    if isinstance(value, datetime):
        return "00.00.0000 00:00:00"
    if isinstance(value, date):
        return "00.00.0000"
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def _measure(headers: list, rows: list[list]) -> list[float]:
    """Each column's width: its longest cell (a header by its longest word, since headers
    wrap; a date in the header is turned upright and takes no width), capped at WIDTH_CAP."""
    widths = []
    for index, head in enumerate(headers):
        head_width = 0 if isinstance(head, date) else max(
            (len(word) for word in str(head or "").split()), default=0)
        body = max((_longest(row[index]) for row in rows if index < len(row)), default=0)
        widths.append(min(max(head_width, body, 2) + 2, WIDTH_CAP))
    return widths


def _wrapped_lines(text: str, width: float) -> int:
    """Lines a heading takes wrapped at its words in a column `width` wide (a bold letter is
    wider than the digit a column's width counts, hence the margin)."""
    lines, line = 1, 0
    for word in text.split():
        if line and line + 1 + len(word) > width - 2:
            lines, line = lines + 1, len(word)
        else:
            line += (1 if line else 0) + len(word)
    return lines


def _head_height(headers: list, widths: list[float]) -> float:
    """The header row's height in points: its longest wrapped heading, or a date turned
    upright. Set, not left to the spreadsheet: LibreOffice prints a row of a wrapped heading
    one line high and the heading's other lines are lost or run into the first row."""
    lines = max((_wrapped_lines(str(h), w) for h, w in zip(headers, widths)
                 if h is not None and not isinstance(h, date)), default=1)
    upright = any(isinstance(h, date) for h in headers)
    return max(HEAD_LINE * lines + 4, UPRIGHT_DATE if upright else 0)


def _cell(sheet, value, *, font=None, align=None, border=None, fill=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if isinstance(value, datetime):
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    for name, style in (("font", font), ("alignment", align), ("border", border),
                        ("fill", fill)):
        if style is not None:
            setattr(cell, name, style)
    return cell


def _body(sheet, value, limit: int):
    """A table cell: a plain value (a college's year of rows is written in seconds), a styled
    cell only for a date, text that wraps, or text starting with «=» (data, never a formula)."""
    if isinstance(value, (date, str)) and (
            isinstance(value, date) or len(value) > limit or value.startswith("=")):
        return _cell(sheet, value, align=_WRAP if _longest(value) > limit else None)
    return value


def _longest(value) -> int:
    """The longest line of a cell's text, in characters."""
    if isinstance(value, str) and "\n" not in value:
        return len(value)
    return max((len(line) for line in _text(value).splitlines()), default=0)


def _clean(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "да" if value else ""
    return printable(value) if isinstance(value, str) else value


def _page_text(text: str) -> str:
    """Text for the page header: & starts a field there, so it is doubled."""
    return text.replace("&", "&&")[:120]


def write_table(sheet, title: str, headers: list, rows: list[list], *, lines=(),
                made: bool = True, freeze_columns: int = 0, after=(),
                wrap_after: bool = False) -> None:
    """Write one printable table on an empty sheet (normal or write-only): `title` and
    `lines` (group, period…) above it, then `headers` and `rows`; `after` (lists of values:
    totals, signature lines) below it, wrapped in their column if `wrap_after`.
    `freeze_columns`: columns kept in view on the screen (the student's name)."""
    rows = [[_clean(v) for v in row] for row in rows]
    headers = [_clean(h) for h in headers]
    widths = _measure(headers, rows)
    total = sum(widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    caption = [title, *[line for line in lines if line]] + ([made_line()] if made else [])
    head_row = len(caption) + 2
    sheet.print_title_rows = f"{head_row}:{head_row}"
    sheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{head_row + 1}"
    _page(sheet, title, total, made)
    last = get_column_letter(max(len(headers), 1))
    for number, text in enumerate(caption, start=1):
        font = Font(bold=True, size=12) if number == 1 else None
        align = _WRAP if len(text) > total else None
        sheet.append([_cell(sheet, printable(text), font=font, align=align)])
        if len(headers) > 1:
            sheet.merged_cells.add(CellRange(f"A{number}:{last}{number}"))
        if align is not None and not getattr(sheet, "write_only", False):
            sheet.row_dimensions[number].height = 16 * math.ceil(len(text) / max(total, 1))
    sheet.append([])
    # set before the row is written: a streamed (write-only) sheet writes it with the row
    sheet.row_dimensions[head_row].height = _head_height(headers, widths)
    sheet.append([_cell(sheet, h, font=Font(bold=True), border=_BORDER, fill=_HEAD_FILL,
                        align=_DATE_HEAD_ALIGN if isinstance(h, date) else _HEAD_ALIGN)
                  for h in headers])
    limits = [width - 2 for width in widths]
    for row in rows:
        sheet.append([_body(sheet, v, limits[i]) for i, v in enumerate(row[:len(headers)])])
    for line in after:
        sheet.append([_cell(sheet, _clean(v), align=_WRAP if wrap_after else None)
                      for v in line])


def _page(sheet, title: str, total: float, made: bool) -> None:
    """A4, portrait or landscape by the table's width, fitted to the page's width; the title
    in the page header, the date of making on its right, page numbers in the footer."""
    setup = sheet.page_setup
    setup.paperSize = 9  # A4
    setup.orientation = "landscape" if total > PORTRAIT_WIDTH else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.print_options.gridLines = True  # the table's lines on paper, no style per cell
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    margins = sheet.page_margins
    margins.left = margins.right = 0.5
    margins.top = margins.bottom = 0.75
    margins.header = margins.footer = 0.3
    sheet.oddHeader.left.text = _page_text(title)
    sheet.oddHeader.left.size = 9
    if made:
        sheet.oddHeader.right.text = f"{clock.today():%d.%m.%Y}"
        sheet.oddHeader.right.size = 9
    sheet.oddFooter.center.text = "Страница &P из &N"
    sheet.oddFooter.center.size = 9


def new_book(write_only: bool = False) -> Workbook:
    """An empty book whose sheets `add_sheet` creates."""
    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    return book


def add_sheet(book, name: str):
    """A sheet named as a spreadsheet allows (31 characters, none of []:*?/\\)."""
    return book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", name)[:31])


def header_template(title: str, headers: list[str]) -> bytes:
    """An empty import file: one bold header row, each column as wide as its name, the row
    frozen and repeated on print (the importer reads the first row, so nothing above it)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    template_header(sheet, headers)
    return book_bytes(book)


def template_header(sheet, headers: list) -> None:
    """An import file's header row: bold, frozen, printed on every page, A4 fitted."""
    sheet.append([_cell(sheet, h, font=Font(bold=True), border=_BORDER, fill=_HEAD_FILL)
                  for h in headers])
    widths = [max(14, len(str(h)) + 2) for h in headers]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "1:1"
    sheet.freeze_panes = "A2"
    _page(sheet, title=sheet.title, total=sum(widths), made=False)


def workbook_bytes(title: str, headers: list, rows: list[list], sheets=(), *, heading=None,
                   lines=(), freeze_columns: int = 0) -> bytes:
    """One printable table (or several: `sheets` = [(title, headers, rows)]) as XLSX bytes:
    the first sheet named `title` under `heading` (the document's full title), the others
    under their names; `lines` (group, period) go above each table."""
    book = new_book()
    for number, (name, head, body) in enumerate([(title, headers, rows), *sheets]):
        sheet = add_sheet(book, name)
        write_table(sheet, (heading or name) if number == 0 else name, head, body,
                    lines=lines, freeze_columns=freeze_columns)
    return book_bytes(book)
