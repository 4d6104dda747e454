"""The reports on all users' work (6.2 the council's, 6.1 the activity report) beyond the
teachers: curators' weekly checks on time, late and missing, absence reasons corrected, reports
to parents and memos; the deputy's control per month with remarks and their follow-up; the
share of students and parents who logged in, per group and month; IT's verified backups and
blocking requests with the hours to a decision; «достоверность» as changes after the fact and
wrong-mark reports upheld. Each figure on a small hand-built case, the drill-down lists exactly
the rows counted, and only IT, the director and the deputy open them."""
from datetime import date, datetime, timedelta, timezone

import pytest

from app.models import (
    BackupRecord, BlockRequest, CellChange, ControlCheck, IssueReport, Memo, WeeklyCheck,
    WeeklyReportDelivery,
)
from app.services.control.reports import (
    activity as act, council as cr, drill, staff_work as sw, usage as us,
)
from app.services.records import audit
from tests.reports_helpers import change, lesson

UTC = timezone.utc
# Mondays 01.09–22.09.2025; each week's check is due 7 days after its Monday
START, END, TODAY = date(2025, 9, 1), date(2025, 9, 28), date(2025, 10, 20)


def _span(start=START, end=END, today=TODAY, periods=()):
    return drill.Span(start, end, today, list(periods))


def _row(rows, user):
    return next(r for r in rows if r["user_id"] == user.id)


def _check(c, group, week: date, checked: datetime):
    c_id = c.curator1.id if group.id == c.group_a.id else c.curator2.id
    return WeeklyCheck(group_id=group.id, week_start=week, curator_id=c_id, checked_at=checked)


@pytest.fixture()
def curators_case(college, db):
    c = college
    db.session.add_all([
        _check(c, c.group_a, date(2025, 9, 1), datetime(2025, 9, 5, 3, tzinfo=UTC)),   # on time
        # due 15.09; 16.09 01:00 in the college (UTC+8) is a day late
        _check(c, c.group_a, date(2025, 9, 8), datetime(2025, 9, 15, 17, tzinfo=UTC)),
        _check(c, c.group_b, date(2025, 9, 1), datetime(2025, 9, 8, 15, tzinfo=UTC)),  # 23:00
    ])
    les = lesson(c.journal_a_op, date(2025, 9, 10), 1)
    for by, old, new in ((c.curator1, "Н", "Н (болезнь)"),          # the curator's: counts
                         (c.teacher1, "Н", "Н (уважительная)"),     # the teacher's: not
                         (c.curator1, "", "5")):                   # a mark, not a reason
        db.session.add(CellChange(lesson_id=les.id, student_id=c.student1.id, old_value=old,
                                  new_value=new, changed_by_id=by.id,
                                  changed_at=datetime(2025, 9, 12, 4, tzinfo=UTC)))
    for email, status in (("a@mail.test", "sent"), ("b@mail.test", "sent"),
                          ("c@mail.test", "failed")):
        db.session.add(WeeklyReportDelivery(student_id=c.student1.id,
                                            week_start=date(2025, 9, 8),
                                            recipient_email=email, status=status))
    db.session.add(WeeklyReportDelivery(student_id=c.student2.id, week_start=date(2025, 9, 8),
                                        recipient_email="d@mail.test", status="failed"))
    db.session.add(Memo(group_id=c.group_a.id, curator_id=c.curator1.id,
                        week_start=date(2025, 9, 8), body="Нет тем"))
    db.session.commit()
    return c


def test_curators_checks_on_time_late_missing_reasons_reports_memos(curators_case):
    c = curators_case
    report = sw.curators(START, END, TODAY)
    one = _row(report["rows"], c.curator1)
    # 4 weeks due (01, 08, 15, 22.09): 01.09 on time, 08.09 late, 15 and 22.09 not done
    assert (one["groups"], one["checks_due"], one["checks_done"], one["checks_on_time"],
            one["checks_late"], one["checks_missing"]) == (1, 4, 2, 1, 1, 2)
    assert one["checks_on_time_share"] == 25.0
    assert (one["reasons"], one["parent_reports"], one["memos"]) == (1, 1, 1)
    two = _row(report["rows"], c.curator2)
    # 08.09 23:00 in the college is still the due day
    assert (two["checks_done"], two["checks_on_time"], two["checks_late"],
            two["checks_missing"], two["parent_reports"]) == (1, 1, 0, 3, 0)
    assert report["total"]["checks_missing"] == 5
    # the teacher's change of a reason is not the curator's work
    assert report["total"]["reasons"] == 1 and c.teacher1.id not in {
        r["user_id"] for r in report["rows"]}
    # a week whose check date has not passed is not due yet
    assert _row(sw.curators(START, END, date(2025, 9, 16))["rows"],
                c.curator1)["checks_due"] == 2


def test_curators_drill_down_lists_exactly_the_rows(curators_case):
    c = curators_case
    span = _span()
    late = drill.rows("checks_late", span, c.curator1.id)
    assert late["total"] == 1 and late["rows"][0][:2] == ["ИС-24-1", "08.09.2025"]
    missing = drill.rows("checks_missing", span, c.curator1.id)
    assert [r[1] for r in missing["rows"]] == ["15.09.2025", "22.09.2025"]
    assert drill.rows("checks_missing", span)["total"] == 5
    reasons = drill.rows("reasons", span)
    assert reasons["total"] == 1 and reasons["rows"][0][-2:] == ["Н", "Н (болезнь)"]
    assert drill.rows("parent_reports", span, c.curator1.id)["total"] == 2  # two letters
    assert drill.rows("memos", span, c.curator2.id)["total"] == 0


@pytest.fixture()
def deputy_case(college, db):
    c = college
    for day, journal, findings, deadline, fixed in (
            (date(2025, 9, 10), c.journal_a_op, "Нет тем занятий", date(2025, 9, 20), False),
            (date(2025, 9, 15), c.journal_b_op, "", None, False),
            (date(2025, 9, 16), c.journal_b_op, "Нет посещаемости", date(2025, 11, 1), False),
            (date(2025, 10, 2), c.journal_a_op, "Не выставлены отметки", None, True)):
        db.session.add(ControlCheck(journal_id=journal.id, inspector_id=c.deputy.id,
                                    check_date=day, findings=findings, fix_deadline=deadline,
                                    fixed=fixed))
    db.session.commit()
    return c


def test_deputy_journals_checked_per_month_remarks_and_follow_up(deputy_case):
    c = deputy_case
    report = sw.deputy(date(2025, 9, 1), date(2025, 11, 30), TODAY)
    row = _row(report["rows"], c.deputy)
    months = {m["month"]: m for m in row["months"]}
    sept, octo, nov = months["09.2025"], months["10.2025"], months["11.2025"]
    assert (sept["checks"], sept["journals"], sept["remarks"], sept["fixed"],
            sept["overdue"]) == (3, 2, 2, 0, 1)
    assert (octo["checks"], octo["journals"], octo["remarks"], octo["fixed"]) == (1, 1, 1, 1)
    assert nov["checks"] == 0 and row["total"]["months_without"] == 1
    assert row["total"]["journals"] == 2 and report["journals"] >= 2
    assert sept["journals_share"] == round(100 * 2 / report["journals"], 1)
    span = _span(date(2025, 9, 1), date(2025, 11, 30))
    open_ = drill.rows("remarks_open", span, c.deputy.id)
    assert [r[-1] for r in open_["rows"]] == ["срок истёк", "в работе"]
    assert drill.rows("controls", span, c.deputy.id, month="2025-10")["total"] == 1


def test_students_and_parents_share_who_logged_in_per_group_and_month(college, db, app,
                                                                      monkeypatch):
    c = college

    def log_in(user, moment: datetime):
        monkeypatch.setitem(app.config, "JOURNAL_NOW", moment.isoformat())
        audit.record("login", user=user)

    log_in(c.users["parent1"], datetime(2025, 9, 3, 2, tzinfo=UTC))
    log_in(c.users["parent1"], datetime(2025, 9, 4, 2, tzinfo=UTC))
    log_in(c.users["student1"], datetime(2025, 10, 6, 2, tzinfo=UTC))
    # 30.09 20:00 UTC is 01.10 04:00 in the college: October's
    log_in(c.users["student3"], datetime(2025, 9, 30, 20, tzinfo=UTC))
    log_in(c.users["teacher1"], datetime(2025, 9, 3, 2, tzinfo=UTC))   # staff: not counted
    audit.record("login_failed", user=c.users["student2"])
    db.session.commit()
    report = us.usage(date(2025, 9, 1), date(2025, 10, 31))
    a = next(r for r in report["rows"] if r["group_id"] == c.group_a.id)
    b = next(r for r in report["rows"] if r["group_id"] == c.group_b.id)
    sept, octo = a["months"]
    # group A: 5 students (two with accounts), 2 parents
    assert (sept["students"], sept["students_in"], sept["parents"], sept["parents_in"]) == \
        (5, 0, 2, 1)
    assert (sept["parents_share"], octo["students_share"], octo["parents_share"]) == \
        (50.0, 20.0, 0.0)
    assert (a["total"]["students_in"], a["total"]["parents_in"]) == (1, 1)
    assert [m["students_in"] for m in b["months"]] == [0, 1]
    assert report["total"]["students"] == 8 and report["total"]["students_in"] == 2
    family = drill.rows("family", _span(date(2025, 9, 1), date(2025, 10, 31)),
                        group=c.group_a.id, month="2025-09")
    assert family["total"] == 7
    logged = {r[2]: r[4] for r in family["rows"] if r[4]}
    assert logged == {"Смирнова Ольга": 2}


def test_it_backups_verified_and_blocking_requests_handled_how_fast(college, db):
    c = college
    filed = datetime(2025, 9, 10, 2, tzinfo=UTC)
    db.session.add_all([
        BackupRecord(file_name="a.dump", sha256="a" * 64, engine="sqlite", verified=True,
                     created_at=filed),
        BackupRecord(file_name="b.dump", sha256="b" * 64, engine="sqlite", verified=False,
                     created_at=filed + timedelta(days=1)),
        BackupRecord(file_name="c.dump", sha256="c" * 64, engine="sqlite", verified=True,
                     created_at=datetime(2025, 8, 1, tzinfo=UTC)),           # before the span
        BlockRequest(user_id=c.users["student1"].id, action="block", status="confirmed",
                     requested_by_id=c.deputy.id, requested_at=filed,
                     decided_by_id=c.users["it"].id, decided_at=filed + timedelta(hours=5)),
        BlockRequest(user_id=c.users["student2"].id, action="block", status="rejected",
                     requested_by_id=c.deputy.id, requested_at=filed,
                     decided_by_id=c.users["it"].id, decided_at=filed + timedelta(hours=30)),
        BlockRequest(user_id=c.users["student3"].id, action="unblock", status="pending",
                     requested_by_id=c.deputy.id, requested_at=filed),
    ])
    db.session.commit()
    it = sw.it_work(START, END)
    assert (it["backups"], it["verified"], it["verified_share"]) == (2, 1, 50.0)
    assert (it["requests"], it["decided"], it["pending"]) == (3, 2, 1)
    assert (it["average_hours"], it["longest_hours"]) == (17.5, 30.0)
    rows = drill.rows("block_requests", _span())["rows"]
    assert sorted(r[-1] for r in rows if r[-1] != "") == [5.0, 30.0]
    assert drill.rows("backups", _span())["total"] == 2


def test_teachers_homework_and_the_drill_down_matches_each_figure(college, db):
    c = college
    with_homework = lesson(c.journal_a_op, date(2025, 9, 1), 1)
    with_homework.homework = "§ 3, задачи 1–5"
    kind_only = lesson(c.journal_a_op, date(2025, 9, 2), 1, late=True)
    kind_only.homework_kind = "practical"
    bare = lesson(c.journal_a_op, date(2025, 9, 3), 1, topic="", attendance=False)
    lesson(c.journal_b_op, date(2025, 9, 3), 2)
    change(bare, c.student1, c.teacher1, correction=True,
           at=datetime(2025, 9, 9, 3, tzinfo=UTC))
    change(kind_only, c.student2, c.deputy, correction=True,
           at=datetime(2025, 9, 9, 4, tzinfo=UTC))
    db.session.commit()
    report = cr.council([c.autumn], today=date(2026, 2, 1))
    t1 = _row(report["rows"], c.teacher1)
    assert (t1["no_homework"], t1["late"], t1["no_topic"], t1["no_attendance"]) == (1, 1, 1, 1)
    span = _span(c.autumn.start_date, c.autumn.end_date, date(2026, 2, 1), [c.autumn])
    for figure in ("no_homework", "late", "no_topic", "no_attendance"):
        found = drill.rows(figure, span, c.teacher1.id)
        assert found["total"] == t1[figure], figure
    assert drill.rows("no_homework", span, c.teacher1.id)["rows"][0][0] == "03.09.2025"
    assert drill.rows("no_homework", span)["total"] == report["total"]["no_homework"] == 2
    assert drill.rows("corrections", span)["total"] == report["total"]["corrections"] == 2
    assert [r[1] for r in drill.rows("corrections", span, c.deputy.id)["rows"]] == \
        ["Завучева Марина"]
    assert drill.rows("missing", span)["total"] == report["total"]["missing"]


def test_activity_reliability_counts_changes_after_the_fact_and_upheld_reports(college, db):
    c = college
    les = lesson(c.journal_a_op, date(2025, 10, 13), 1)
    change(les, c.student1, c.teacher1, correction=True,
           at=datetime(2025, 10, 15, 3, tzinfo=UTC))
    answered = datetime(2025, 10, 16, 3, tzinfo=UTC)
    for status in ("corrected", "confirmed", "open"):
        db.session.add(IssueReport(kind="wrong_mark", student_id=c.student1.id,
                                   reporter_id=c.users["student1"].id,
                                   assignee_id=c.teacher1.id, lesson_id=les.id, text="…",
                                   status=status, answer="Исправлено" if status != "open" else None,
                                   answered_at=answered if status != "open" else None))
    db.session.commit()
    report = act.activity(date(2025, 10, 1), date(2025, 10, 31))
    t1 = _row(report["rows"], c.teacher1)
    assert (t1["corrections"], t1["upheld"]) == (1, 1)
    assert report["total"]["upheld"] == 1 and "curators" in report["work"]
    span = _span(date(2025, 10, 1), date(2025, 10, 31))
    upheld = drill.rows("upheld", span, c.teacher1.id)
    assert upheld["total"] == 1 and upheld["rows"][0][2] == "Смирнов Артём"
    assert drill.rows("changed_after", span, c.teacher1.id)["total"] == 1
    assert act.activity(date(2025, 11, 1), date(2025, 11, 30))["total"]["upheld"] == 0


def test_drill_down_pages(curators_case, monkeypatch):
    monkeypatch.setattr(drill, "PAGE_SIZE", 2)
    first = drill.rows("checks_missing", _span())
    second = drill.rows("checks_missing", _span(), page=2)
    last = drill.rows("checks_missing", _span(), page=99)
    assert (first["total"], first["pages"], len(first["rows"])) == (5, 3, 2)
    assert second["rows"] != first["rows"] and last["page"] == 3 and len(last["rows"]) == 1


def test_the_rows_page_leads_to_the_next_and_the_previous_page(curators_case, login,
                                                              monkeypatch):
    monkeypatch.setattr(drill, "PAGE_SIZE", 2)
    deputy = login("deputy")
    middle = deputy.get(f"/reports/council/rows?figure=checks_missing"
                        f"&period={curators_case.autumn.id}&page=2")
    text = middle.get_data(as_text=True)
    assert middle.status_code == 200
    assert "page=1" in text and "page=3" in text and "раньше" in text and "дальше" in text


def test_pages_explain_each_figure_and_lead_to_its_rows(curators_case, login):
    c = curators_case
    deputy = login("deputy")
    page = deputy.get(f"/reports/council/?period={c.autumn.id}").get_data(as_text=True)
    for section in ("teachers-notes", "curators-notes", "deputy-notes", "family-notes",
                    "it-notes"):
        assert f'id="{section}"' in page, section
    assert "figure=checks_late" in page and f"person={c.curator1.id}" in page
    rows = deputy.get(f"/reports/council/rows?figure=checks_late&period={c.autumn.id}"
                      f"&person={c.curator1.id}")
    text = rows.get_data(as_text=True)
    assert rows.status_code == 200 and "08.09.2025" in text and "table-responsive" in text
    activity = deputy.get("/reports/activity?start=2025-09-01&end=2025-09-30")
    assert 'id="curators-notes"' in activity.get_data(as_text=True)
    by_days = deputy.get("/reports/council/rows?figure=checks_done&start=2025-09-01"
                         "&end=2025-09-30")
    assert by_days.status_code == 200 and "ИС-24-2" in by_days.get_data(as_text=True)
    assert deputy.get("/reports/council/rows?figure=nope&period=1").status_code == 404
    assert deputy.get(f"/reports/council/rows?figure=controls&period={c.autumn.id}"
                      "&month=2030-01").status_code == 422
    assert deputy.get("/reports/council/rows?figure=late").status_code == 422
    xlsx = deputy.get(f"/reports/council/?period={c.autumn.id}&format=xlsx")
    assert xlsx.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook
    book = load_workbook(BytesIO(xlsx.data))
    assert {"Кураторы", "Заместитель директора", "Студенты и родители",
            "Отдел ИТ"} <= set(book.sheetnames)
    curator = next(r for r in book["Кураторы"].iter_rows(values_only=True)
                   if r[0] == "Кураторова Елена")
    assert curator[2:7] == (18, 2, 1, 1, 16)  # the semester: its 18 weeks are all due


def test_teachers_curators_and_families_cannot_open_the_reports(curators_case, login):
    c = curators_case
    for username in ("teacher1", "curator1", "parent1", "student1"):
        client = login(username)
        for url in (f"/reports/council/rows?figure=checks_late&period={c.autumn.id}",
                    f"/reports/council/?period={c.autumn.id}", "/reports/activity"):
            assert client.get(url).status_code in (302, 403), (username, url)
    for username in ("it", "director"):
        assert login(username).get(f"/reports/council/rows?figure=family&period="
                                   f"{c.autumn.id}").status_code == 200, username


def test_query_count_does_not_grow_with_people_or_lessons(curators_case, deputy_case, db, app,
                                                          monkeypatch):
    """Both reports read the college in a fixed number of statements, whatever its size."""
    from sqlalchemy import event
    c = curators_case

    def count():
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            cr.council([c.autumn], today=date(2026, 2, 1))
            act.activity(date(2025, 9, 1), date(2025, 12, 31))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    small = count()
    # more people: a third group with its curator, students and a parent; a second deputy
    from app.models import Parent, Student, StudentGroup, StudentParent
    from tests.factories import make_user
    sm = app.appbuilder.sm
    group = StudentGroup(name="ИС-25-1", specialty_id=c.group_a.specialty_id,
                         admission_year=2025, graduation_date=date(2029, 6, 30),
                         curator_id=make_user(sm, "curator3", ["Teacher", "Curator"],
                                              "Третьякова", "Нина").id)
    db.session.add(group)
    db.session.flush()
    for n in range(6):
        user = make_user(sm, f"newcomer{n}", ["Student"], "Новичков", f"Имя{n}")
        student = Student(last_name="Новичков", first_name=f"Имя{n}", birth_date=date(2009, 1, 1),
                          record_book_number=f"25-{n:03d}", group_id=group.id, user_id=user.id)
        parent = Parent(last_name="Новичкова", first_name=f"Мать{n}",
                        user_id=make_user(sm, f"mother{n}", ["Parent"], "Новичкова",
                                          f"Мать{n}").id)
        db.session.add_all([student, parent])
        db.session.flush()
        db.session.add(StudentParent(student_id=student.id, parent_id=parent.id))
        monkeypatch.setitem(app.config, "JOURNAL_NOW", datetime(2025, 10, 1 + n, 3,
                                                                tzinfo=UTC).isoformat())
        audit.record("login", user=user)
    deputy2 = make_user(sm, "deputy2", ["Deputy"], "Второва", "Вера")
    db.session.add(ControlCheck(journal_id=c.journal_b_op.id, inspector_id=deputy2.id,
                                check_date=date(2025, 10, 9), findings=""))
    for day in range(1, 28):
        les = lesson(c.journal_b_op, date(2025, 10, day), 1)
        change(les, c.student3, c.teacher2, correction=True,
               at=datetime(2025, 10, day, 20, tzinfo=UTC))
        db.session.add(IssueReport(kind="wrong_mark", student_id=c.student3.id,
                                   reporter_id=c.users["student3"].id, assignee_id=c.teacher2.id,
                                   lesson_id=les.id, text="…", status="corrected", answer="…",
                                   answered_at=datetime(2025, 10, day, 22, tzinfo=UTC)))
    for week in range(3, 12):
        monday = date(2025, 9, 1) + timedelta(weeks=week)
        db.session.add_all([_check(c, c.group_b, monday, datetime.combine(
            monday, datetime.min.time(), UTC) + timedelta(days=9)), Memo(
            group_id=c.group_b.id, curator_id=c.curator2.id, week_start=monday, body="…")])
        db.session.add(ControlCheck(journal_id=c.journal_a_up.id, inspector_id=c.deputy.id,
                                    check_date=monday, findings="Замечание", fixed=week % 2))
        db.session.add(BlockRequest(user_id=c.users["student3"].id, action="block",
                                    status="confirmed", requested_by_id=c.deputy.id,
                                    requested_at=datetime.combine(monday, datetime.min.time(), UTC),
                                    decided_at=datetime.combine(monday, datetime.min.time(), UTC)
                                    + timedelta(hours=week), decided_by_id=c.users["it"].id))
        db.session.add(BackupRecord(file_name=f"{week}.dump", sha256=f"{week:064d}",
                                    engine="sqlite", verified=True, created_at=datetime.combine(
                                        monday, datetime.min.time(), UTC)))
        for name in ("student1", "student3", "parent2", "parent3"):
            monkeypatch.setitem(app.config, "JOURNAL_NOW", datetime.combine(
                monday, datetime.min.time(), UTC).isoformat())
            audit.record("login", user=c.users[name])
    db.session.commit()
    assert count() == small
