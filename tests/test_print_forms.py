"""The official forms print on A4 from the browser with nothing cut at the edge (issue 25):
each form of the demo college is printed to PDF by Chromium (page.pdf, A4, the page's own
@page size) and read back with pypdf: A4 pages, a page count that fits the form, the first
table's last column — its header and its first row — on page 1, and no text starting in the
page's right margin (a column beyond the edge is cut off or missing in the PDF)."""
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.models import Lesson
from app.models.debts import RetakeEntry
from app.models.practice import Practice, PracticeAttestation
from app.models.sheets import ExamSheet, ExamSheetRow
from tests.conftest import restore_demo_college
from tests.factories import PASSWORD
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.live_server import browser_login
from tests.print_helpers import is_a4

pytestmark = [pytest.mark.browser, pytest.mark.layout_only]  # the same on either database
RIGHT_MARGIN = 24  # points (8.5 mm): the forms' right margin is 10 mm
LAST_COLUMN = """() => {
  const table = document.querySelector("table");
  if (!table) return [];
  const head = table.querySelector("thead tr");
  const row = table.querySelector("tbody tr");
  return [head ? head.lastElementChild.innerText : "",
          row && row.children.length > 1 ? row.lastElementChild.innerText : ""];
}"""


def _text(reader: PdfReader, page: int = 0) -> str:
    return " ".join(reader.pages[page].extract_text().split())


def _starts_in_margin(page) -> list[str]:
    """Text that starts within the right margin: what a too-wide table pushes off the page."""
    edge = float(page.mediabox.width) - RIGHT_MARGIN
    found = []

    def visit(text, cm, tm, _font, _size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]  # the text origin on the page
        if text.strip() and x > edge:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return found


def _forms() -> dict[str, tuple[str, str, int]]:
    """form → (account, address, most pages) in the demo college."""
    journal = db.session.execute(
        select(Lesson.journal_id, func.count()).group_by(Lesson.journal_id)
        .order_by(func.count().desc(), Lesson.journal_id).limit(1)).first()[0]
    sheet = db.session.scalar(select(func.min(ExamSheet.id)))
    practice = db.session.get(Practice, db.session.scalar(select(func.min(Practice.id))))
    attested = db.session.scalar(select(func.min(PracticeAttestation.placement_id)))
    entry = db.session.get(RetakeEntry, db.session.scalar(select(func.min(RetakeEntry.id))))
    return {
        "exam_sheet": ("deputy", f"/sheets/{sheet}/print/", 3),
        "journal": ("deputy", f"/journal/{journal}/print/", 4),
        "referral": ("deputy", f"/debts/retake/{entry.retake_id}/referral/{entry.id}", 1),
        "attestation": ("deputy", f"/practice/placement/{attested}/attestation/print", 2),
        "practice_order": ("deputy", f"/practice/{practice.id}/order", 3),
        "weekly": ("director", f"/weekly/{practice.journal.group_id}/print", 40),
    }


# a reason typed as one unbroken run (a document's number and date): a table must still
# fit the page, breaking it inside its cell
LONG_REASON = "приказ№" + "45к2026от01122026" * 4


def test_official_forms_print_on_a4_with_nothing_cut(app, db, live_server, playwright_browser,
                                                      fast_password_hashing,  # noqa: F811
                                                      monkeypatch):
    # the demo college of the real day, whatever day an earlier test of this process froze
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", date.today().isoformat())
    restore_demo_college(db)
    forms = _forms()
    row = db.session.scalar(select(ExamSheetRow).where(ExamSheetRow.sheet_id == db.session.scalar(
        select(func.min(ExamSheet.id)))).order_by(ExamSheetRow.id).limit(1))
    row.admitted, row.admission_reason = False, LONG_REASON
    db.session.commit()
    db.session.remove()
    contexts, pages = [], {}
    try:
        for name, (account, address, most) in forms.items():
            if account not in pages:
                contexts.append(playwright_browser.new_context(locale="ru-RU"))
                pages[account] = browser_login(contexts[-1], live_server, account, PASSWORD)
            page = pages[account]
            answer = page.goto(live_server + address)
            assert answer.status == 200, (name, answer.status)
            header, first_row = page.evaluate(LAST_COLUMN) or ["", ""]
            reader = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
            assert all(is_a4(p) for p in reader.pages), name
            assert 1 <= len(reader.pages) <= most, (name, len(reader.pages))
            text = _text(reader)
            for expected in (header, first_row):
                words = expected.split()
                if words:
                    assert max(words, key=len) in text, f"{name}: «{expected}» not on page 1"
            for number, printed in enumerate(reader.pages, start=1):
                assert _starts_in_margin(printed) == [], f"{name}, page {number}"
    finally:
        for context in contexts:
            context.close()
