"""Practice pages (issue 15): the overview, the practice page (placements, order's list, import,
mentor accounts, grades), the student's diary, the mentor's pages, prints and XLSX — each role
sees what the issue says and is refused otherwise; the overview in a constant number of queries.
"""
import csv
import io
import re
from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import AuditLog, FinalGrade, GroupMembership, Student
from app.models.practice import (
    Practice, PracticeAttestation, PracticeDiaryEntry, PracticeOrganisation, PracticePlacement,
)
from app.services import practice as svc
from tests.print_helpers import table_rows
from tests.factories import make_user
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.journal_helpers import count_queries
from tests.practice_helpers import (  # noqa: F401
    COMPETENCIES,
    END,
    START,
    TODAY,
    add_pp_journal,
    pc,
    practice_day,
    set_today,
    working_days,
)

DAYS = list(working_days(START, TODAY - timedelta(days=1)))  # 06.10 … 14.10


def _html(answer) -> str:
    return answer.get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _row(html: str, placement_id: int) -> str:
    """The overview's row of one placement, tags stripped."""
    found = re.search(rf'<tr class="pr-row" data-placement="{placement_id}">(.*?)</tr>', html,
                      re.S)
    assert found, f"no row of placement {placement_id}"
    return _text(found.group(1))


def _write(db, pc, student, day, text="Настраивал окружение разработки", hours=6):
    entry = svc.write_entry(pc.users[student], pc.placements[student].id, day, text, hours)
    db.session.commit()
    return entry


def _review(db, pc, entry, action="confirm", comment="", mentor="mentor1"):
    svc.review_entry(pc.users[mentor], entry.id, action, comment)
    db.session.commit()


def _sheet(db, pc, student="student1", mentor="mentor1"):
    items = {c.id: (i != 1, "проверено на проекте" if i == 0 else "")
             for i, c in enumerate(pc.practice.competencies)}
    svc.save_attestation(pc.users[mentor], pc.placements[student].id, items,
                         "Ответственный, аккуратный, быстро осваивает новые инструменты.")
    db.session.commit()


def _diary(pc, student="student1"):
    return f"/practice/diary/{pc.placements[student].id}"


# --- the overview and the practice page: who sees what -------------------------------------
def test_overview_shows_progress_for_supervisor_curator_and_managers(pc, db, login):
    first = _write(db, pc, "student1", DAYS[-3])
    second = _write(db, pc, "student1", DAYS[-2], hours=4)
    _write(db, pc, "student1", DAYS[-1])
    _review(db, pc, first)
    _review(db, pc, second, "return", "Опишите задачу подробнее")
    s1, s2 = pc.placements["student1"].id, pc.placements["student2"].id
    for username in ("teacher1", "curator1", "deputy", "director"):
        html = _html(login(username).get("/practice/"))
        assert "ИС-24-1" in html and "ПП.01" in html and "производственная" in html
        assert "приказ № 45-п от 01.10.2025" in html
        row = _row(html, s1)
        assert "Смирнов Артём" in row and "ООО «Софтлайн»" in row and "Наставникова Вера" in row
        assert "3 / 1 / 1" in row and "6 / 108" in row and DAYS[-1].strftime("%d.%m.%Y") in row
        assert "перестал писать" not in row
        # student2 wrote nothing for more than three working days of the practice
        assert "перестал писать" in _row(html, s2)


def test_other_teacher_curator_and_families_do_not_see_the_overview(pc, login):
    page = _html(login("teacher2").get("/practice/"))
    assert "Смирнов" not in page and 'id="practice-none"' in page
    assert "Смирнов" not in _html(login("curator2").get("/practice/"))
    for username in ("teacher2", "curator2"):
        client = login(username)
        assert client.get(f"/practice/{pc.practice.id}").status_code == 403
        assert client.get(f"/practice/{pc.practice.id}/order").status_code == 403
        assert client.get(f"/practice/{pc.practice.id}/order.xlsx").status_code == 403
        assert client.get(f"/practice/{pc.practice.id}/attestation.xlsx").status_code == 403
        assert client.get(_diary(pc)).status_code == 403
    for username in ("student1", "parent1", "mentor1"):
        client = login(username)
        for url in ("/practice/", f"/practice/{pc.practice.id}",
                    f"/practice/{pc.practice.id}/order",
                    f"/practice/{pc.practice.id}/attestation.xlsx"):
            answer = client.get(url)
            assert answer.status_code == 403, (username, url)
            assert "Софтлайн" not in _html(answer) and "Кузнецова" not in _html(answer)
    assert login("deputy").get(f"/practice/{pc.practice.id + 1000}").status_code == 404


def test_overview_renders_in_a_constant_number_of_queries(pc, db, login):
    client = login("teacher1")

    def add(n, first):
        for i in range(first, first + n):
            student = Student(last_name=f"Практикант{i:02d}", first_name="Тест",
                              birth_date=date(2007, 1, 1), record_book_number=f"PP-{i:03d}",
                              group_id=pc.group_a.id, status="studying")
            db.session.add(student)
            db.session.flush()
            db.session.add(GroupMembership(student_id=student.id, group_id=pc.group_a.id,
                                           start_date=date(2024, 9, 1)))
            placement = PracticePlacement(
                practice_id=pc.practice.id, student_id=student.id, organisation_id=pc.org1.id,
                mentor_id=pc.mentor1.id, order_number="45-п", order_date=date(2025, 10, 1))
            db.session.add(placement)
            db.session.flush()
            for day in DAYS[:i % 4]:
                db.session.add(PracticeDiaryEntry(placement_id=placement.id, entry_date=day,
                                                  text="Работа", hours=6, status="confirmed"))
        db.session.commit()

    def measure(url, expected_rows):
        client.get(url)  # warm-up
        holder = {}
        counted = count_queries(db, lambda: holder.setdefault("page", client.get(url)))
        assert holder["page"].status_code == 200
        assert _html(holder["page"]).count('class="pr-row"') == expected_rows
        return counted

    add(1, 0)                                   # 3 students placed
    small = {url: measure(url, 3) for url in ("/practice/", f"/practice/{pc.practice.id}")}
    add(9, 1)                                   # 12 students placed
    big = {url: measure(url, 12) for url in ("/practice/", f"/practice/{pc.practice.id}")}
    assert small == big, (small, big)


# --- creating a practice, placing students, the order's list, import, mentor accounts -------
def test_deputy_creates_a_practice_on_the_page(college, db, login, practice_day):  # noqa: F811
    journal = add_pp_journal(db, college)
    form = {"journal": journal.id, "start_date": START.isoformat(),
            "end_date": END.isoformat(), "hours": "108", "supervisor": college.teacher1.id,
            "order_number": "50-п", "order_date": "2025-10-01",
            "competencies": "ПК 1.1 Формировать алгоритмы\nОК 01 Выбирать способы решения"}
    index = _html(login("deputy").get("/practice/"))
    assert 'id="practice-create-form"' in index and "ПП.01" in index
    # the journal's teacher may make its practice; another teacher may not
    assert 'id="practice-create-form"' in _html(login("teacher1").get("/practice/"))
    assert 'id="practice-create-form"' not in _html(login("teacher2").get("/practice/"))
    answer = login("teacher2").post("/practice/create", data=form)
    assert answer.status_code == 403 and "преподаватель журнала практики" in _html(answer)
    assert login("student1").post("/practice/create", data=form).status_code == 403
    # bad input is refused with a Russian reason and writes nothing
    answer = login("deputy").post("/practice/create", data=dict(form, end_date="2025-09-01"))
    assert answer.status_code == 422 and "раньше, чем начнётся" in _html(answer)
    answer = login("deputy").post("/practice/create", data=dict(form, competencies=""))
    assert answer.status_code == 422 and "Укажите компетенции" in _html(answer)
    assert db.session.scalar(select(func.count(Practice.id))) == 0
    answer = login("deputy").post("/practice/create", data=form)
    assert answer.status_code == 302
    created = db.session.scalar(select(Practice))
    assert answer.location.endswith(f"/practice/{created.id}")
    assert [c.code for c in created.competencies] == ["ПК 1.1", "ОК 01"]
    page = _html(login("teacher1").get(f"/practice/{created.id}"))
    assert "Формировать алгоритмы" in page and 'id="placement-form"' in page


def test_supervisor_places_a_student_with_a_new_organisation(pc, db, login):
    popov = pc.a_students[2]
    form = {"student": popov.id, "organisation": "", "new_organisation": "ИП Кузьмин",
            "new_address": "г. Ангарск", "new_contact": "+7 000", "mentor": pc.mentor1.id,
            "contract_number": "Д-99", "contract_date": "2025-09-25", "order_number": "45-п",
            "order_date": "2025-10-01"}
    page = _html(login("teacher1").get(f"/practice/{pc.practice.id}"))
    offered = page.split('id="pl-student"')[1].split("</select>")[0]
    assert f'<option value="{popov.id}"' in offered
    assert f'<option value="{pc.student1.id}"' not in offered  # already placed
    # another teacher, a curator and a mentor cannot place students
    for username in ("teacher2", "curator1"):
        assert login(username).post(f"/practice/{pc.practice.id}/placement",
                                    data=form).status_code == 403
    # no order → refused, and the new organisation is not kept either (all or nothing)
    answer = login("teacher1").post(f"/practice/{pc.practice.id}/placement",
                                    data=dict(form, order_number=""))
    assert answer.status_code == 422 and "приказа" in _html(answer)
    assert db.session.scalar(select(func.count(PracticeOrganisation.id))) == 2
    answer = login("teacher1").post(f"/practice/{pc.practice.id}/placement", data=form)
    assert answer.status_code == 302
    placement = db.session.scalar(select(PracticePlacement).where(
        PracticePlacement.student_id == popov.id))
    assert placement.organisation.name == "ИП Кузьмин" and placement.contract_number == "Д-99"
    html = _html(login("teacher1").get("/practice/"))
    assert "ИП Кузьмин" in _row(html, placement.id)


def test_order_list_print_and_xlsx_hold_the_placements(pc, db, login):
    client = login("curator1")
    page = _html(client.get(f"/practice/{pc.practice.id}/order"))
    assert "Список студентов, направляемых на производственная практику" not in page
    assert "Список студентов, направляемых на производственную практику" in page
    assert "Приложение к приказу № 45-п от 01.10.2025" in page
    for text in (pc.student1.full_name, pc.student2.full_name, "ООО «Софтлайн»",
                 "г. Иркутск, ул. Ленина, 1", "№ Д-17 от 20.09.2025", "Наставникова Вера",
                 "Руководитель практики от колледжа", "Заместитель директора", "@page"):
        assert text in page, text
    answer = client.get(f"/practice/{pc.practice.id}/order.xlsx")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    rows = table_rows(load_workbook(io.BytesIO(answer.data)).active)
    assert rows[0][:3] == ("№", "Студент", "Организация")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name[pc.student1.full_name][2] == "ООО «Софтлайн»"
    assert by_name[pc.student1.full_name][5:9] == (
        "Д-17", datetime(2025, 9, 20), "45-п", datetime(2025, 10, 1))
    assert by_name[pc.student2.full_name][4] == "Мастеров Глеб"
    exported = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).all()
    assert [(e.username, e.object_type, e.object_id) for e in exported] == [
        ("curator1", "practice", str(pc.practice.id))]


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([label for _key, label in svc.IMPORT_COLUMNS])
    for row in rows:
        writer.writerow([row.get(key, "") for key, _label in svc.IMPORT_COLUMNS])
    return out.getvalue().encode("utf-8")


def test_import_of_placements_is_all_or_nothing(pc, db, login):
    popov, sokolov = pc.a_students[2], pc.a_students[4]
    good = {"group": "ИС-24-1", "discipline": "ПП.01", "order_number": "46-п",
            "order_date": "02.10.2025", "mentor": "mentor2", "contract_number": "Д-30",
            "contract_date": "25.09.2025"}
    rows = [dict(good, record_book_number=popov.record_book_number, organisation="ООО «Новая»"),
            dict(good, record_book_number="нет-такой", organisation="ООО «Новая»")]
    client = login("teacher1")
    assert 'href="/practice/import/template.xlsx"' in _html(client.get("/practice/import"))
    answer = client.post("/practice/import", data={
        "file": (io.BytesIO(_csv(rows)), "placements.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "Строка 3" in _html(answer) and "нет-такой" in _html(answer)
    assert db.session.scalar(select(func.count(PracticePlacement.id))) == 2
    assert db.session.scalar(select(func.count(PracticeOrganisation.id))) == 2
    rows[1]["record_book_number"] = sokolov.record_book_number
    answer = client.post("/practice/import", data={
        "file": (io.BytesIO(_csv(rows)), "placements.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 200 and 'id="import-done"' in _html(answer)
    assert db.session.scalar(select(func.count(PracticePlacement.id))) == 4
    # a teacher who does not supervise the practice: the whole file is refused
    rows = [dict(good, record_book_number=pc.a_students[3].record_book_number,
                 organisation="ООО «Чужая»")]
    answer = login("curator2").post("/practice/import", data={
        "file": (io.BytesIO(_csv(rows)), "placements.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 422 and "не руководитель практики" in _html(answer)
    assert db.session.scalar(select(func.count(PracticePlacement.id))) == 4
    # a student may not import; a file is required
    assert login("student1").get("/practice/import").status_code == 403
    assert client.post("/practice/import", data={}).status_code == 400


def test_mentor_account_with_a_credential_slip(pc, db, login, app):
    form = {"last_name": "Кузьмина", "first_name": "Алла", "email": "alla@org.test",
            "practice": pc.practice.id}
    answer = login("teacher1").post("/practice/accounts", data=form)
    html = _html(answer)
    assert answer.status_code == 200 and "Наставник от организации" in html
    account = db.session.scalar(select(app.appbuilder.sm.user_model).where(
        app.appbuilder.sm.user_model.last_name == "Кузьмина"))
    assert {r.name for r in account.roles} == {"Mentor"}
    assert account.username in html and 'class="pw password"' in html
    assert f'href="/practice/{pc.practice.id}"' in html  # back to the practice
    # the new mentor is offered on the practice page
    assert f'<option value="{account.id}"' in _html(login("teacher1").get(
        f"/practice/{pc.practice.id}"))
    # a teacher who supervises no practice is refused with the reason; IT may issue
    answer = login("teacher2").post("/practice/accounts", data=form)
    assert answer.status_code == 403 and "руководитель практики" in _html(answer)
    assert login("it").post("/practice/accounts", data=dict(
        form, last_name="Иваненко")).status_code == 200
    assert login("curator2").post("/practice/accounts", data=form).status_code == 403
    assert login("student1").get("/practice/accounts").status_code == 403


def test_mentor_accounts_listed_only_to_who_issues_them(pc, db, login, app):
    """The mentors' names and logins: a practice's supervisor and IT see them; a teacher who
    supervises no practice, a curator or the deputy do not."""
    login("it").post("/practice/accounts", data={"last_name": "Кузьмина",
                                                 "first_name": "Алла", "email": ""})
    account = db.session.scalar(select(app.appbuilder.sm.user_model).where(
        app.appbuilder.sm.user_model.last_name == "Кузьмина"))
    for who in ("teacher1", "it"):
        answer = login(who).get("/practice/accounts")
        assert answer.status_code == 200 and account.username in _html(answer), who
    for who in ("teacher2", "curator2", "deputy"):
        answer = login(who).get("/practice/accounts")
        assert answer.status_code == 403, who
        assert account.username not in _html(answer) and "Кузьмина" not in _html(answer)
    assert "руководитель практики и отдел ИТ" in _html(login("teacher2").get(
        "/practice/accounts"))
    # the menu offers the page to those it opens for only
    assert 'href="/practice/accounts"' in _html(login("teacher1").get("/"))
    assert 'href="/practice/accounts"' not in _html(login("teacher2").get("/"))


# --- the student's diary and the parent's read ---------------------------------------------
def test_student_writes_and_cannot_change_a_confirmed_entry(pc, db, login):
    client = login("student1")
    answer = client.get("/practice/my")
    assert answer.status_code == 302 and answer.location.endswith(_diary(pc))
    page = _html(client.get(_diary(pc)))
    assert "ООО «Софтлайн»" in page and 'class="pr-card diary-form"' in page
    answer = client.post(f"{_diary(pc).replace('diary', 'placement')}/write", data={
        "day": DAYS[0].isoformat(), "hours": "6", "text": "Изучал кодовую базу"})
    assert answer.status_code == 302
    entry = db.session.scalar(select(PracticeDiaryEntry))
    assert entry.text == "Изучал кодовую базу" and entry.status == "written"
    _review(db, pc, entry)
    page = _html(client.get(_diary(pc)))
    assert 'data-status="confirmed"' in page and "подтверждена" in page
    assert f'id="edit-text-{entry.id}"' not in page       # no edit form for a locked entry
    answer = client.post(f"/practice/placement/{pc.placements['student1'].id}/write", data={
        "day": DAYS[0].isoformat(), "hours": "8", "text": "Переписал задним числом"})
    assert answer.status_code == 409 and "подтверждена наставником" in _html(answer)
    db.session.refresh(entry)
    assert entry.text == "Изучал кодовую базу" and entry.hours == 6
    # bad input: a future day, no text — a Russian reason, nothing written
    for data, reason in (({"day": (TODAY + timedelta(days=1)).isoformat(), "hours": "6",
                           "text": "Завтра"}, "будущем"),
                         ({"day": DAYS[1].isoformat(), "hours": "6", "text": " "},
                          "Что сделано")):
        answer = client.post(f"/practice/placement/{pc.placements['student1'].id}/write",
                             data=data)
        assert answer.status_code == 422 and reason in _html(answer)
    assert db.session.scalar(select(func.count(PracticeDiaryEntry.id))) == 1
    # another student's diary: neither read nor written
    other = pc.placements["student2"].id
    assert client.get(f"/practice/diary/{other}").status_code == 403
    assert client.post(f"/practice/placement/{other}/write", data={
        "day": DAYS[1].isoformat(), "hours": "6", "text": "Чужой"}).status_code == 403


def test_parent_reads_the_minor_childs_diary_only(pc, db, login):
    entry = _write(db, pc, "student1", DAYS[0])
    _review(db, pc, entry, "return", "Добавьте, какие тесты написаны")
    parent = login("parent1")
    answer = parent.get("/practice/my")
    assert answer.status_code == 302 and answer.location.endswith(_diary(pc))
    page = _html(parent.get(_diary(pc)))
    assert "Добавьте, какие тесты написаны" in page and "diary-form" not in page
    assert "pr-confirm" not in page
    assert parent.post(f"/practice/placement/{pc.placements['student1'].id}/write", data={
        "day": DAYS[1].isoformat(), "hours": "6", "text": "За ребёнка"}).status_code == 403
    # parent2's child is of age: no diary
    assert login("parent2").get(_diary(pc, "student2")).status_code == 403


def test_record_page_links_the_practice(pc, login):
    html = _html(login("student1").get(f"/portal/student/{pc.student1.id}"))
    assert f'id="record-practice" href="{_diary(pc)}"' in html
    html = _html(login("student3").get(f"/portal/student/{pc.student3.id}"))
    assert 'id="record-practice"' not in html


# --- the mentor's pages ----------------------------------------------------------------------
def test_mentor_confirms_returns_and_sees_only_their_students(pc, db, login):
    first = _write(db, pc, "student1", DAYS[0])
    second = _write(db, pc, "student1", DAYS[1])
    foreign = _write(db, pc, "student2", DAYS[0])
    mentor = login("mentor1")
    page = _html(mentor.get("/practice/mentor"))
    assert pc.student1.full_name.split()[0] in page and "ждут подтверждения: 2" in page
    assert pc.student2.last_name not in page
    diary = _html(mentor.get(_diary(pc)))
    assert diary.count("pr-confirm") == 2 and "diary-form" not in diary
    assert "Вернуть с комментарием" in diary
    # issue 15, 2: no personal data beyond the name and the group
    assert pc.student1.record_book_number not in diary and "2009" not in diary
    assert mentor.post(f"/practice/entry/{first.id}/review",
                       data={"action": "confirm"}).status_code == 302
    answer = mentor.post(f"/practice/entry/{second.id}/review", data={"action": "return"})
    assert answer.status_code == 422 and "Комментарий" in _html(answer)
    assert mentor.post(f"/practice/entry/{second.id}/review", data={
        "action": "return", "comment": "Уточните объём работ"}).status_code == 302
    db.session.expire_all()
    assert (first.status, second.status) == ("confirmed", "returned")
    assert second.mentor_comment == "Уточните объём работ"
    # a student not placed with this mentor: neither read nor reviewed
    assert mentor.get(_diary(pc, "student2")).status_code == 403
    assert mentor.post(f"/practice/entry/{foreign.id}/review",
                       data={"action": "confirm"}).status_code == 403
    assert mentor.get(
        f"/practice/placement/{pc.placements['student2'].id}/attestation").status_code == 403
    db.session.refresh(foreign)
    assert foreign.status == "written"
    # the student sees the comment
    assert "Уточните объём работ" in _html(login("student1").get(_diary(pc)))
    # what the mentor read is in the audit log
    reads = db.session.scalars(select(AuditLog).where(
        AuditLog.username == "mentor1", AuditLog.action == "view")).all()
    assert {r.object_id for r in reads} >= {str(pc.placements["student1"].id)}


def test_mentor_after_the_window_is_told_access_has_ended(pc, db, login, app):
    entry = _write(db, pc, "student1", DAYS[0])
    placement = pc.placements["student1"].id
    set_today(app, END + timedelta(days=svc.closing_days()))
    assert login("mentor1").get(_diary(pc)).status_code == 200   # the last day of the window
    set_today(app, END + timedelta(days=svc.closing_days() + 1))
    mentor = login("mentor1")
    page = _html(mentor.get("/practice/mentor"))
    last = (END + timedelta(days=svc.closing_days())).strftime("%d.%m.%Y")
    assert "Доступ наставника к практике закончился" in page and last in page
    assert pc.student1.last_name not in page
    for answer in (mentor.get(_diary(pc)),
                   mentor.get(f"/practice/placement/{placement}/attestation"),
                   mentor.get(f"/practice/placement/{placement}/attestation/print"),
                   mentor.post(f"/practice/entry/{entry.id}/review", data={"action": "confirm"})):
        assert answer.status_code == 403
        assert "Доступ наставника к практике" in _html(answer)
        assert pc.student1.last_name not in _html(answer)
    db.session.refresh(entry)
    assert entry.status == "written"


def test_attestation_sheet_then_grade_prints_and_group_xlsx(pc, db, login, app):
    placement = pc.placements["student1"].id
    competencies = pc.practice.competencies
    # a grade without an attestation sheet is refused and sets nothing
    answer = login("teacher1").post(f"/practice/placement/{placement}/grade",
                                    data={"value": "5"})
    assert answer.status_code == 422 and "лист аттестации" in _html(answer)
    assert db.session.scalar(select(func.count(FinalGrade.id))) == 0
    assert login("teacher1").get(
        f"/practice/placement/{placement}/attestation/print").status_code == 404
    mentor = login("mentor1")
    form = {f"mastered-{c.id}": "1" for c in competencies}
    form[f"mastered-{competencies[1].id}"] = "0"
    form[f"note-{competencies[1].id}"] = "нужна практика с тестами"
    # an incomplete sheet is refused
    answer = mentor.post(f"/practice/placement/{placement}/attestation",
                         data=dict(form, characteristic=""))
    assert answer.status_code == 422 and "Характеристика" in _html(answer)
    assert db.session.scalar(select(func.count(PracticeAttestation.id))) == 0
    answer = mentor.post(f"/practice/placement/{placement}/attestation", data=dict(
        form, characteristic="Исполнительный и вдумчивый практикант."))
    assert answer.status_code == 302
    set_today(app, END)  # 4.7: the practice's grade from its last day
    # another teacher, a curator, a mentor may not grade
    for username in ("teacher2", "curator1", "mentor1", "student1"):
        assert login(username).post(f"/practice/placement/{placement}/grade",
                                    data={"value": "2"}).status_code == 403
    assert login("teacher1").post(f"/practice/placement/{placement}/grade",
                                  data={"value": "4"}).status_code == 302
    grade = db.session.scalar(select(FinalGrade))
    assert (grade.student_id, grade.kind, grade.value) == (pc.student1.id, "diff_credit", "4")
    assert grade.journal_id == pc.practice.journal_id
    student_page = _html(login("student1").get(_diary(pc)))
    assert 'class="diary-grade">4<' in student_page and "нужна практика с тестами" in student_page
    printed = _html(login("teacher1").get(f"/practice/placement/{placement}/attestation/print"))
    for text in ("Аттестационный лист по производственной практике", pc.student1.full_name,
                 "ПК 1.1", "освоена", "не освоена", "нужна практика с тестами",
                 "Руководитель практики от организации", "Наставникова Вера",
                 "Руководитель практики от колледжа", "М. П. организации", "@page",
                 'id="attestation-print-grade">4<'):
        assert text in printed, text
    letter = _html(login("student1").get(
        f"/practice/placement/{placement}/characteristic/print"))
    assert "Характеристика" in letter and "Исполнительный и вдумчивый практикант." in letter
    assert "ООО «Софтлайн»" in letter and "Руководитель практики от организации" in letter
    book = load_workbook(io.BytesIO(login("deputy").get(
        f"/practice/{pc.practice.id}/attestation.xlsx").data))
    rows = table_rows(book.worksheets[0])
    header, by_name = rows[0], {r[1]: r for r in rows[1:]}
    row = by_name[pc.student1.full_name]
    assert row[header.index("ПК 1.1")] == "освоена"
    assert row[header.index("ПК 1.2")] == "не освоена"
    assert row[header.index("Оценка")] == 4
    assert by_name[pc.student2.full_name][header.index("Аттестационный лист")] == "нет"
    assert ("ОК 01", COMPETENCIES[2][1]) in table_rows(book.worksheets[1])


def test_practice_pages_never_fail_on_missing_rows(pc, login):
    """Every GET of the practice pages with ids that name nothing answers 403/404, not 500."""
    for username in ("teacher1", "deputy", "student1", "parent1", "mentor1", "it"):
        client = login(username)
        for url in ("/practice/987654321", "/practice/diary/987654321",
                    "/practice/placement/987654321/attestation",
                    "/practice/placement/987654321/attestation/print",
                    "/practice/placement/987654321/characteristic/print",
                    "/practice/987654321/order", "/practice/987654321/order.xlsx",
                    "/practice/987654321/attestation.xlsx"):
            assert client.get(url).status_code in (302, 403, 404), (username, url)
        for url in ("/practice/entry/987654321/review",
                    "/practice/placement/987654321/write",
                    "/practice/placement/987654321/grade"):
            assert client.post(url, data={"action": "confirm"}).status_code in (403, 404)


def test_mentor_menu_and_start_page_lead_to_the_diary(pc, db, login, app):
    _write(db, pc, "student1", DAYS[0])
    mentor = login("mentor1")
    home = _html(mentor.get("/"))
    assert 'href="/practice/mentor"' in home and f'href="{_diary(pc)}"' in home
    help_page = _html(mentor.get("/help/"))
    assert "Подтверждать дневник практиканта" in help_page and "«Подтвердить»" in help_page
    assert 'href="/practice/mentor"' in help_page.split('id="help-duties"')[1]
    # a new mentor with no students yet is told so, not refused
    make_user(app.appbuilder.sm, "mentor9", ["Mentor"], "Новикова", "Ия")
    db.session.commit()
    assert 'id="mentor-none"' in _html(login("mentor9").get("/practice/mentor"))


def test_diary_before_the_practice_starts(pc, login, app):
    set_today(app, START - timedelta(days=1))
    page = _html(login("student1").get(_diary(pc)))
    assert 'id="diary-not-started"' in page and "06.10.2025" in page
    assert "diary-form" not in page
    answer = login("mentor1").get(_diary(pc))
    assert answer.status_code == 403 and "Практика начнётся 06.10.2025" in _html(answer)
    set_today(app, START)
    assert "diary-form" in _html(login("student1").get(_diary(pc)))


WEIRD = ["", "abc", "-1", "0", "2147483648", "9" * 30, "1e3", "\x00", "<script>x</script>",
         "٣", "2025-02-30", " " * 5]


def test_bad_input_on_the_forms_never_answers_500_and_writes_nothing(pc, db, login):
    before = {model: db.session.scalar(select(func.count(model.id))) for model in (
        Practice, PracticePlacement, PracticeOrganisation, PracticeDiaryEntry,
        PracticeAttestation, FinalGrade)}
    placement = pc.placements["student1"].id
    competency = pc.practice.competencies[0].id
    forms = {
        ("deputy", "/practice/create"): ["journal", "start_date", "end_date", "hours",
                                         "supervisor", "order_number", "order_date",
                                         "competencies"],
        ("teacher1", f"/practice/{pc.practice.id}/placement"): [
            "student", "organisation", "mentor", "contract_number", "contract_date",
            "order_number", "order_date"],
        ("student1", f"/practice/placement/{placement}/write"): ["day", "hours", "text"],
        ("teacher1", f"/practice/placement/{placement}/grade"): ["value", "reason"],
        ("mentor1", f"/practice/placement/{placement}/attestation"): [
            f"mastered-{competency}", f"note-{competency}", "characteristic"],
        ("teacher1", "/practice/accounts"): ["last_name", "first_name", "email", "practice"],
    }
    for (username, url), fields in forms.items():
        client = login(username)
        for value in WEIRD:
            answer = client.post(url, data={field: value for field in fields})
            assert answer.status_code in (400, 403, 404, 409, 422), (url, value,
                                                                     answer.status_code)
            assert re.search(r"[А-Яа-я]", _html(answer))
    mentor = login("mentor1")
    entry = _write(db, pc, "student1", DAYS[-1])
    for value in WEIRD:
        answer = mentor.post(f"/practice/entry/{entry.id}/review",
                             data={"action": value, "comment": value})
        assert answer.status_code in (400, 422), (value, answer.status_code)
    db.session.expire_all()
    assert db.session.get(PracticeDiaryEntry, entry.id).status == "written"
    before[PracticeDiaryEntry] += 1
    after = {model: db.session.scalar(select(func.count(model.id))) for model in before}
    assert after == before


def test_diary_form_opens_on_a_day_still_to_write(pc, db, login, app):
    """27: on a Saturday the form defaulted to today, which the server refuses («не рабочий
    день практики»); it opens on the latest working day still to write, lists the others,
    and the default is accepted as it stands."""
    saturday = date(2025, 10, 18)
    set_today(app, saturday)
    days = list(working_days(START, saturday))  # 06.10 … 17.10, ten working days
    for day in days:
        if day not in (date(2025, 10, 8), date(2025, 10, 17)):
            _write(db, pc, "student1", day.isoformat())
    client = login("student1")
    page = _html(client.get(_diary(pc)))
    default = re.search(r'name="day" id="diary-day-\d+"[^>]*value="([^"]*)"', page).group(1)
    assert default == "2025-10-17"
    missing = page.split('id="diary-missing-')[1].split("</p>")[0]
    assert "08.10.2025" in missing and "17.10.2025" in missing and "09.10.2025" not in missing
    chosen = _html(client.get(_diary(pc) + "?day=2025-10-08"))
    assert re.search(r'name="day" id="diary-day-\d+"[^>]*value="2025-10-08"', chosen)
    answer = client.post(f"/practice/placement/{pc.placements['student1'].id}/write",
                         data={"day": default, "hours": "6", "text": "Тестировал модуль"})
    assert answer.status_code == 302
    _write(db, pc, "student1", "2025-10-08")
    done = _html(client.get(_diary(pc)))
    assert "Все рабочие дни по сегодняшний записаны" in done
    assert re.search(r'name="day" id="diary-day-\d+"[^>]*value=""', done)
