"""The empty files the college fills in for an import: the header row each importer reads
(its columns stay with the importer, which is their one definition)."""
from openpyxl import Workbook

from ..services.college.import_tables import COLUMNS, TITLES
from ..services.journal.timetable import IMPORT_COLUMNS as TIMETABLE_COLUMNS
from ..services.practice.placement_import import IMPORT_COLUMNS as PLACEMENT_COLUMNS
from .book import book_bytes, header_template, template_header


def college_template(kind: str) -> bytes:
    """Students and parents, curricula, staff, teaching load (services/college/imports.py)."""
    return header_template(TITLES[kind], [label for _key, label in COLUMNS[kind]])


def placements_template() -> bytes:
    return header_template("Распределение на практику",
                           [label for _key, label in PLACEMENT_COLUMNS])


def timetable_template() -> bytes:
    """The timetable's columns and one example pair."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Расписание"
    template_header(ws, TIMETABLE_COLUMNS)
    ws.append(("ИС-24-1", "Понедельник", 1, "ОП.01", "", "каб. 101"))
    return book_bytes(wb)
