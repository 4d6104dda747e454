"""27: every date field opens on a value the server takes. Each form is read as the role that
uses it, its defaults (the date and the other fields' own values) are sent back as they are,
with only what a user must type filled in, and the write must be taken — on a weekday, a
Saturday and a Sunday as today."""
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from app.models import BehaviourNote, ControlCheck, Lesson
from app.models.practice import PracticeDiaryEntry
from app.models.sheets import ExamSheet
from tests.practice_helpers import pc, practice_day  # noqa: F401
from tests.reports_helpers import entry, lesson
from tests.test_debts import AFTER_CLOSING, closed  # noqa: F401

WEDNESDAY, SATURDAY, SUNDAY = date(2025, 10, 15), date(2025, 10, 18), date(2025, 10, 19)
TODAYS = pytest.mark.parametrize("today", [WEDNESDAY, SATURDAY, SUNDAY],
                                 ids=["wednesday", "saturday", "sunday"])


class _Form(HTMLParser):
    """The fields of the form whose id (or action) is `wanted`, with the values it opens on:
    an input's value, a select's chosen option (else its first), a textarea's text."""

    def __init__(self, wanted: str):
        super().__init__()
        self.wanted, self.inside, self.fields, self.action = wanted, False, {}, None
        self._select = self._textarea = None
        self.dates: dict[str, dict] = {}
        self.options: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.inside and self.wanted in (a.get("id"), a.get("action")):
            self.inside, self.action = True, a.get("action", "")
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "checkbox"):
            self.fields[name] = a.get("value") or ""
            if a.get("type") == "date":
                self.dates[name] = a
        elif tag == "input" and name and "checked" in a:
            self.fields[name] = a.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            if "multiple" not in a:
                self.fields.setdefault(name, None)
        elif tag == "option" and self._select:
            self.options.setdefault(self._select, []).append(a.get("value") or "")
            if "selected" in a or self.fields.get(self._select) is None and \
                    self._select in self.fields:
                self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read_form(html: str, wanted: str) -> _Form:
    form = _Form(wanted)
    form.feed(html)
    assert form.action is not None, f"no form {wanted}"
    return form


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _within(form: _Form, name: str) -> str:
    """The date a field opens on, checked against the field's own min and max."""
    value, attrs = form.fields[name], form.dates[name]
    assert value, f"{name} opens empty"
    assert attrs.get("min", value) <= value <= attrs.get("max", value), attrs
    return value


@pytest.fixture()
def clock_at(app, college, db, monkeypatch):
    """Group A's ОП.01 has pairs on Monday (1), Wednesday (2) and Friday (3); `clock_at(day)`
    sets the college's today."""
    for weekday, pair in ((0, 1), (2, 2), (4, 3)):
        entry(college.autumn, college.journal_a_op, weekday, pair)
    db.session.commit()
    return lambda day: monkeypatch.setitem(app.config, "JOURNAL_TODAY", day.isoformat())


@TODAYS
def test_lesson_form(college, db, login, clock_at, today):
    """The lesson form opens on the latest free pair of the timetable up to today: not on a
    Saturday or a Sunday without pairs, which would be a lesson outside the timetable."""
    clock_at(today)
    teacher = login("teacher1")
    form = read_form(teacher.get(f"/journal/{college.journal_a_op.id}/lesson/")
                     .get_data(as_text=True), "lesson-form")
    opened = date.fromisoformat(_within(form, "lesson_date"))
    assert opened.weekday() in (0, 2, 4) and opened <= today
    data = {k: v for k, v in form.fields.items() if v is not None}
    data["topic_id"] = str(college.topics[0].id)  # what the teacher chooses
    before = _count(db, Lesson)
    answer = teacher.post(form.action or f"/journal/{college.journal_a_op.id}/lesson/", data=data)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert _count(db, Lesson) == before + 1


def test_lesson_form_skips_a_recorded_pair(college, db, login, clock_at):
    """Friday's pair already written: the form opens on Wednesday's, still free."""
    clock_at(SUNDAY)
    lesson(college.journal_a_op, date(2025, 10, 17), 3)
    db.session.commit()
    form = read_form(login("teacher1").get(f"/journal/{college.journal_a_op.id}/lesson/")
                     .get_data(as_text=True), "lesson-form")
    assert (form.fields["lesson_date"], form.fields["pair_number"]) == ("2025-10-15", "2")


def _sent_as_opened(login, db, username, page, wanted, model, **typed):
    """The form of `page` sent back with its defaults and only what a user types: one more
    row of `model`. Returns the form."""
    client = login(username)
    form = read_form(client.get(page).get_data(as_text=True), wanted)
    before = _count(db, model)
    client.post(form.action, data=dict(form.fields, **typed))
    assert _count(db, model) == before + 1
    return form


@TODAYS
def test_behaviour_note_form(college, db, login, clock_at, today):
    clock_at(today)
    teacher = login("teacher1")
    student = next(v for v in read_form(teacher.get("/notes/").get_data(as_text=True),
                                        "note-form").options["student"] if v)
    form = _sent_as_opened(login, db, "teacher1", "/notes/", "note-form", BehaviourNote,
                           student=student, text="Опоздал на пару")
    assert _within(form, "date") == today.isoformat()


@TODAYS
def test_deputy_check_form(college, db, login, clock_at, today):
    clock_at(today)
    form = _sent_as_opened(login, db, "deputy", "/deputy/", "/deputy/check", ControlCheck,
                           findings="замечаний нет")
    assert _within(form, "check_date") == today.isoformat()


@TODAYS
def test_exam_sheet_form(college, db, login, clock_at, today):
    clock_at(today)
    deputy = login("deputy")
    form = read_form(deputy.get("/sheets/").get_data(as_text=True), "sheet-create")
    assert form.fields["target"], "no sheet to make"
    _within(form, "exam_date")
    before = _count(db, ExamSheet)
    answer = deputy.post(form.action, data=form.fields)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert _count(db, ExamSheet) == before + 1


def test_exam_sheet_form_long_after_its_period(college, db, login, clock_at):
    """Sunday 17.05.2026: an autumn sheet is taken up to 120 days after the autumn's end, so
    the form opens on 30.04.2026, not on today."""
    clock_at(date(2026, 5, 17))
    deputy = login("deputy")
    form = read_form(deputy.get("/sheets/").get_data(as_text=True), "sheet-create")
    assert f":{college.autumn.id}:" in form.fields["target"]
    assert _within(form, "exam_date") == "2026-04-30"
    before = _count(db, ExamSheet)
    answer = deputy.post(form.action, data=form.fields)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert _count(db, ExamSheet) == before + 1


@TODAYS
def test_practice_diary_form(app, db, login, pc, today):  # noqa: F811
    """The diary of a practice running 06.10–24.10 opens on the latest working day still to
    write (Friday on a week-end), never on a Saturday or Sunday the practice does not work."""
    app.config["JOURNAL_TODAY"] = today.isoformat()  # practice_day puts it back
    student = login("student1")
    placement = pc.placements["student1"].id
    page = student.get(f"/practice/diary/{placement}").get_data(as_text=True)
    form = read_form(page, f"/practice/placement/{placement}/write")
    assert date.fromisoformat(_within(form, "day")).weekday() < 5
    before = _count(db, PracticeDiaryEntry)
    answer = student.post(form.action, data=dict(form.fields, text="Тестировал модуль"))
    assert answer.status_code == 302
    assert _count(db, PracticeDiaryEntry) == before + 1


@TODAYS
@pytest.mark.parametrize("account, address, form_id", [
    ("deputy", "/timetable/", "timetable-week-form"),
    ("teacher1", "/timetable/mine", "my-week-form"),
    ("curator1", "/curator/group/{group}", "curator-week-form"),
    ("deputy", "/reports/activity", "activity-form"),
])
def test_week_and_period_pickers(college, login, clock_at, today, account, address, form_id):
    """The pickers of a week or a period open on a date the page reads back as the same
    week (or range)."""
    clock_at(today)
    client = login(account)
    group = {"group": college.group_a.id} if address == "/timetable/" else {}
    page = client.get(address.format(group=college.group_a.id), query_string=group)
    form = read_form(page.get_data(as_text=True), form_id)
    query = {k: v for k, v in form.fields.items() if v is not None}
    again = client.get(address.format(group=college.group_a.id), query_string=query)
    assert again.status_code == 200
    assert read_form(again.get_data(as_text=True), form_id).fields == form.fields



@pytest.mark.parametrize("field, attribute", [
    ("retake-date", "min"),  # a retake is not set in the past
    ("extend-deadline-date", "min"),  # nor a deadline extended into it
    ("extend-order-date", "max"),  # an order is not dated ahead
])
def test_debt_dates_show_the_allowed_range(closed, login, field, attribute):  # noqa: F811
    """The register's dates the deputy types are offered within what the server takes."""
    page = login("deputy").get("/debts/").get_data(as_text=True)
    tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', page)
    assert tag, field
    assert f'{attribute}="{AFTER_CLOSING}"' in tag.group(0)


def test_practice_order_date_shows_the_allowed_range(login, clock_at):
    """A practice's order is not dated ahead: the picker stops at today."""
    clock_at(SUNDAY)
    page = login("deputy").get("/practice/").get_data(as_text=True)
    tag = re.search(r'<input[^>]*id="pc-order-date"[^>]*>', page)
    assert tag and f'max="{SUNDAY.isoformat()}"' in tag.group(0)
