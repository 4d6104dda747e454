"""Timetable: XLSX import (all or nothing, row-numbered errors), single-date changes,
timetabled_pairs, suggested_pair and the teacher's pairs of the day."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook

from app.models import TimetableEntry
from app.services.journal import timetable as tt
from tests.reports_helpers import entry, lesson

MON = date(2025, 10, 13)


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(tt.IMPORT_COLUMNS)
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_all_or_nothing(college, db):
    good = ("ИС-24-1", "Понедельник", 1, "ОП.01", "", "101")
    with pytest.raises(tt.BadInput) as err:
        tt.import_xlsx(college.autumn, xlsx([good, ("ИС-99", "Пн", 2, "ОП.01", "", ""),
                                             ("ИС-24-1", "Пн", 9, "ОП.01", "", "")]))
    text = str(err.value)
    assert "Строка 3: группа «ИС-99» не найдена" in text
    assert "Строка 4: номер пары" in text
    assert db.session.query(TimetableEntry).count() == 0
    count = tt.import_xlsx(college.autumn, xlsx([
        good, ("ИС-24-1", "вт", 2, "МДК.01.01", "1 подгруппа", "201"),
        ("ИС-24-1", "2", 2, "МДК.01.01", "2 подгруппа", "202")]))
    assert count == 3
    with pytest.raises(tt.BadInput, match="Строка 3: у группы уже стоит"):
        tt.import_xlsx(college.autumn, xlsx([good, ("ИС-24-1", "Пн", 1, "УП.01", "", "")]))
    assert db.session.query(TimetableEntry).count() == 3


def test_pairs_changes_and_suggestion(college, db):
    entry(college.autumn, college.journal_a_op, 0, 1)
    entry(college.autumn, college.journal_a_op, 2, 3)
    pairs = tt.timetabled_pairs(college.group_a.id, MON, MON.replace(day=19))
    assert [(p["date"], p["pair_number"]) for p in pairs] == [(MON, 1), (date(2025, 10, 15), 3)]
    tt.add_change(college.group_a, date(2025, 10, 15), 3, None, True)
    tt.add_change(college.group_a, date(2025, 10, 16), 2, college.journal_a_up, False, "303")
    pairs = tt.timetabled_pairs(college.group_a.id, MON, MON.replace(day=19))
    assert [(p["date"].day, p["pair_number"], p["journal_id"]) for p in pairs] == [
        (13, 1, college.journal_a_op.id), (16, 2, college.journal_a_up.id)]
    with pytest.raises(tt.BadInput):
        tt.add_change(college.group_a, MON, 1, college.journal_b_op, False)
    assert tt.suggested_pair(college.journal_a_op, MON) == 1
    lesson(college.journal_a_op, MON, 1)
    assert tt.suggested_pair(college.journal_a_op, MON) is None
    assert tt.suggested_pair(college.journal_a_op, date(2025, 10, 14)) is None


def test_pages_and_start_block(app, college, db, login, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-13")
    entry(college.autumn, college.journal_a_op, 0, 2, "каб. 7")
    db.session.commit()
    home = login("teacher1").get("/").get_data(as_text=True)
    assert ">2 пара</span>" in home and college.journal_a_op.title in home and "каб. 7" in home
    director = login("director")
    page = director.get(f"/timetable/?group={college.group_a.id}&week=2025-10-13")
    assert page.status_code == 200 and "каб. 7" in page.get_data(as_text=True)
    bad = director.post("/timetable/import", data={"period": college.autumn.id, "file": (
        BytesIO(xlsx([("X", "Пн", 1, "ОП.01", "", "")])), "t.xlsx")},
        content_type="multipart/form-data")
    assert bad.status_code == 422 and "Строка 2" in bad.get_data(as_text=True)
    assert login("teacher1").get("/timetable/import").status_code in (302, 403)


def test_curator_sees_only_own_groups_timetable(college, db, login):
    c1 = login("curator1")
    assert c1.get(f"/timetable/?group={college.group_a.id}").status_code == 200
    assert c1.get(f"/timetable/?group={college.group_b.id}").status_code == 403


def test_week_page_offers_changes_only_to_those_who_may_make_them(college, login):
    """A teacher reads the week; the change form and the XLSX upload (which would answer him
    «Доступ запрещён») are shown to the administration only."""
    url = f"/timetable/?group={college.group_a.id}"
    page = login("teacher1").get(url)
    teacher = page.get_data(as_text=True)
    assert page.status_code == 200 and "timetable-week" in teacher
    assert "/timetable/change" not in teacher and "/timetable/import" not in teacher
    director = login("director").get(url).get_data(as_text=True)
    assert "/timetable/change" in director and "/timetable/import" in director
