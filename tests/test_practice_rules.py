"""Practice (issue 15, 2.2): who sees what, the mentor's window and nothing else, placements by
order, the diary's rules and history, the attestation sheet, the grade through the journal's
final grades (4.7), the overview's progress in a constant number of queries."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import AccountState, AuditLog, FinalGrade, Period, Student, User
from app.models.practice import PracticeDiaryChange, PracticeDiaryEntry, PracticePlacement
from app.services import practice as svc
from tests.journal_helpers import count_queries
from tests.practice_helpers import END, START, TODAY, pc, practice_day, set_today, working_days  # noqa: F401


def _visible(user, day=None):
    from app.extensions import db
    return set(db.session.scalars(select(PracticePlacement.student_id).where(
        svc.placement_filter(user, day))))


def _practices(user, day=None):
    return {p.id for p in svc.practices_for(user, day)}


def _entry(pc, student="student1", day=TODAY - timedelta(days=1), text="Изучал задание",
           hours=6):
    from app.extensions import db
    entry = svc.write_entry(pc.users[student], pc.placements[student].id, day, text, hours)
    db.session.commit()
    return entry


def _complete_sheet(pc, student="student1", mentor="mentor1"):
    from app.extensions import db
    placement = pc.placements[student]
    items = {c.id: (True, "") for c in pc.practice.competencies}
    sheet = svc.save_attestation(pc.users[mentor], placement.id, items,
                                 "Добросовестный, аккуратный практикант.")
    db.session.commit()
    return sheet


# --- who sees what ------------------------------------------------------------------------
def test_each_role_sees_only_its_placements(pc):
    s1, s2 = pc.student1.id, pc.student2.id
    assert _visible(pc.users["student1"]) == {s1}
    assert _visible(pc.users["student2"]) == {s2}
    assert _visible(pc.users["parent1"]) == {s1}           # a minor child
    assert _visible(pc.users["parent2"]) == set()          # student2 is of age
    assert _visible(pc.curator1) == {s1, s2}               # the curator of group A
    assert _visible(pc.curator2) == set()
    assert _visible(pc.teacher1) == {s1, s2}               # the practice's supervisor
    assert _visible(pc.teacher2) == set()                  # teaches group A, not the practice
    assert _visible(pc.deputy) == {s1, s2}
    assert _visible(pc.director) == {s1, s2}
    assert _visible(pc.it) == set()
    assert _visible(pc.mentor1) == {s1}
    assert _visible(pc.mentor2) == {s2}
    assert _practices(pc.teacher2) == set() and _practices(pc.curator2) == set()
    assert _practices(pc.mentor1) == {pc.practice.id} == _practices(pc.curator1)


def test_parent_loses_sight_when_the_child_leaves(pc, db):
    pc.student1.status = "expelled"
    db.session.commit()
    assert _visible(pc.users["parent1"]) == set()


def test_curator_sees_only_current_groups(pc, db):
    pc.group_a.status = "graduated"
    db.session.commit()
    assert _visible(pc.curator1) == set()


def test_mentor_window_opens_on_the_first_day_and_closes_after_the_closing_days(pc, app):
    closing = app.config["MENTOR_CLOSING_DAYS"]
    assert _visible(pc.mentor1, START - timedelta(days=1)) == set()
    assert _visible(pc.mentor1, START) == {pc.student1.id}
    assert _visible(pc.mentor1, END + timedelta(days=closing)) == {pc.student1.id}
    assert _visible(pc.mentor1, END + timedelta(days=closing + 1)) == set()
    assert svc.mentor_students(pc.mentor1, END + timedelta(days=closing + 1)) == []
    assert [p.id for p in svc.mentor_students(pc.mentor1)] == [pc.placements["student1"].id]
    # the college's people keep seeing it after the window
    assert _visible(pc.teacher1, END + timedelta(days=closing + 1)) == {
        pc.student1.id, pc.student2.id}


def test_mentor_reading_a_student_not_placed_with_them_is_refused(pc, db):
    with pytest.raises(svc.PracticeDenied):
        svc.student_practice(pc.mentor1, pc.student2.id)
    with pytest.raises(svc.PracticeDenied):
        svc.student_practice(pc.mentor1, pc.a_students[2].id)   # a student without a placement
    refused = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "access_denied", AuditLog.user_id == pc.mentor1.id)).all()
    assert len(refused) == 2


def test_mentor_after_the_window_is_refused(pc, app):
    set_today(app, END + timedelta(days=app.config["MENTOR_CLOSING_DAYS"] + 1))
    with pytest.raises(svc.PracticeDenied):
        svc.student_practice(pc.mentor1, pc.student1.id)


def test_other_teacher_sees_nothing_of_the_practice(pc):
    with pytest.raises(svc.PracticeDenied):
        svc.student_practice(pc.teacher2, pc.student1.id)
    with pytest.raises(svc.PracticeDenied):
        svc.overview(pc.teacher2, practice_id=pc.practice.id)
    assert svc.overview(pc.teacher2) == []


def test_mentor_reads_name_group_and_practice_only_and_the_read_is_audited(pc, db, app):
    entry = _entry(pc)
    _complete_sheet(pc)
    set_today(app, END)  # 4.7: the practice's grade from its last day
    svc.set_practice_grade(pc.teacher1, pc.placements["student1"].id, "5")
    db.session.commit()
    data = svc.student_practice(pc.mentor1, pc.student1.id)
    assert data["student"] == {"id": pc.student1.id, "full_name": pc.student1.full_name,
                               "group": "ИС-24-1"}
    text = repr(data)
    for private in (pc.student1.record_book_number, "2009", "college.test", "mail.test"):
        assert private not in text
    (placement,) = data["placements"]
    assert "grade" not in placement                      # no marks, the practice's included
    assert [e["id"] for e in placement["entries"]] == [entry.id]
    read = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "view", AuditLog.user_id == pc.mentor1.id,
        AuditLog.object_type == "practice_placement")).all()
    assert [r.object_id for r in read] == [str(pc.placements["student1"].id)]
    # the supervisor sees the grade
    assert svc.student_practice(pc.teacher1, pc.student1.id)["placements"][0]["grade"] == "5"


def test_student_and_parent_see_the_comment_and_the_grade(pc, db):
    entry = _entry(pc)
    svc.review_entry(pc.mentor1, entry.id, "return", "Опишите, какие модули писали.")
    db.session.commit()
    for username in ("student1", "parent1"):
        data = svc.student_practice(pc.users[username], pc.student1.id)
        assert data["placements"][0]["entries"][0]["mentor_comment"] == \
            "Опишите, какие модули писали."
        assert data["placements"][0]["entries"][0]["status"] == "returned"
    with pytest.raises(svc.PracticeDenied):
        svc.student_practice(pc.users["parent2"], pc.student2.id)  # of age


# --- the mentor has nothing else ----------------------------------------------------------
# the practice, help and their own account: profile, password, own logins (5.4), display
MENTOR_VIEWS = {"PracticeView", "MentorStudents", "StudentPracticeApi", "UserInfoEditView",
                "ResetMyPasswordView", "UserDBModelView", "HelpView", "Help", "AccountView",
                "DisplayView"}
MENTOR_PAGES = {"StudentPracticeApi.practice", "HelpView.index", "HelpView.read"}


def test_mentor_role_is_granted_nothing_but_the_practice(app, db):
    sm = app.appbuilder.sm
    granted = {p.view_menu.name for p in sm.find_role("Mentor").permissions}
    assert granted and granted <= MENTOR_VIEWS
    practice_perms = {p.permission.name for p in sm.find_role("Mentor").permissions
                      if p.view_menu.name == "PracticeView"}
    assert practice_perms <= {"can_mentor", "can_diary", "can_review", "can_attestation",
                              "can_print"}


def _open_every_page(app, web, ids) -> dict[str, int]:
    """GET every page and API of the portal with the ids given: endpoint → status."""
    answers = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "favicon") or \
                rule.endpoint.endswith(".logout"):
            continue
        if any(rule._converters[a].__class__.__name__ not in ("IntegerConverter",)
               for a in rule.arguments):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", str(ids.get(arg, 1)))
        answers[rule.endpoint] = web.get(url).status_code
    return answers


def test_mentor_gets_403_on_every_other_page_of_the_portal(app, pc, login, db):
    placement = pc.placements["student1"]
    ids = {"student_id": pc.student1.id, "placement_id": placement.id,
           "journal_id": pc.journal_a_pp.id, "practice_id": pc.practice.id,
           "group_id": pc.group_a.id, "pk": pc.student1.id}
    answers = _open_every_page(app, login("mentor1"), ids)
    public = {"AuthDBView.login", "HomeView.index", "LocaleView.index", "UtilView.back",
              "SwaggerView.show", "OpenApi.get", "PrivacyView.policy"}
    own_account = {"UserDBModelView.userinfo", "ResetMyPasswordView.this_form_get",
                   "UserInfoEditView.this_form_get", "AccountView.logins"}
    others = {e: code for e, code in answers.items()
              if e not in public | own_account | MENTOR_PAGES
              and not e.startswith("PracticeView.")}
    assert others and all(code in (403, 404) for code in others.values()), {
        e: c for e, c in others.items() if c not in (403, 404)}
    assert answers["PracticeView.mentor"] == answers["StudentPracticeApi.practice"] == 200
    # the same sweep opens the journal and the students for a teacher: the test can fail
    teacher = _open_every_page(app, login("curator1"), ids)
    assert teacher["JournalView.list"] == teacher["StudentView.list"] == 200


def test_start_page_works_for_a_mentor(pc, login):
    page = login("mentor1").get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Мои практиканты" in html and pc.student1.full_name in html
    assert pc.student2.full_name not in html


def test_every_link_of_the_mentors_start_page_opens(pc, login):
    """Nothing on the mentor's start page (menu included) leads to a refusal."""
    import re
    web = login("mentor1")
    html = web.get("/").get_data(as_text=True)
    links = {h for h in re.findall(r'href="(/[^"#]*)"', html)
             if not h.startswith(("/static", "/logout", "/lang/"))}
    assert "/practice/mentor" in links
    refused = {h: web.get(h).status_code for h in links}
    assert {h: code for h, code in refused.items() if code >= 400} == {}


# --- placements ---------------------------------------------------------------------------
def test_placement_by_the_supervisor_with_an_order(pc, db):
    student = pc.a_students[2]
    args = (pc.practice.id, student.id, pc.org1.id, pc.mentor1.id, "Д-20", date(2025, 9, 25))
    with pytest.raises(svc.PracticeDenied):
        svc.assign_placement(pc.teacher2, *args, "45-п", date(2025, 10, 1))
    with pytest.raises(svc.PracticeDenied):
        svc.assign_placement(pc.curator1, *args, "45-п", date(2025, 10, 1))
    with pytest.raises(svc.PracticeError, match="приказа"):
        svc.assign_placement(pc.teacher1, *args, "", date(2025, 10, 1))
    with pytest.raises(svc.PracticeError, match="приказа"):
        svc.assign_placement(pc.teacher1, *args, "45-п", None)
    placed = svc.assign_placement(pc.deputy, *args, "45-п", date(2025, 10, 1))
    db.session.commit()
    assert placed.mentor_id == pc.mentor1.id and placed.created_by_id == pc.deputy.id


def test_placement_student_must_be_in_the_group_and_the_mentor_a_mentor(pc, db):
    with pytest.raises(svc.PracticeError, match="не учится в группе"):
        svc.assign_placement(pc.teacher1, pc.practice.id, pc.student3.id, pc.org1.id,
                             pc.mentor1.id, None, None, "45-п", date(2025, 10, 1))
    with pytest.raises(svc.PracticeError, match="Наставник от организации"):
        svc.assign_placement(pc.teacher1, pc.practice.id, pc.a_students[2].id, pc.org1.id,
                             pc.teacher2.id, None, None, "45-п", date(2025, 10, 1))
    db.session.rollback()
    assert db.session.scalar(select(PracticePlacement).where(
        PracticePlacement.student_id == pc.a_students[2].id)) is None


def test_one_placement_per_student_and_practice(pc, db):
    again = svc.assign_placement(pc.teacher1, pc.practice.id, pc.student1.id, pc.org2.id,
                                 pc.mentor2.id, "Д-21", date(2025, 10, 5), "47-п",
                                 date(2025, 10, 10))
    db.session.commit()
    rows = db.session.scalars(select(PracticePlacement).where(
        PracticePlacement.student_id == pc.student1.id)).all()
    assert [r.id for r in rows] == [again.id] == [pc.placements["student1"].id]
    assert rows[0].mentor_id == pc.mentor2.id and rows[0].order_number == "47-п"


def test_practice_needs_a_practice_discipline_and_a_diff_credit(pc, db):
    with pytest.raises(svc.PracticeError, match="УП|ПП"):
        svc.create_practice(pc.deputy, pc.journal_a_op.id, START, END, 36, None,
                            [("ПК 1.1", "x")])
    with pytest.raises(svc.PracticeError, match="дифференцированный зачёт"):
        svc.create_practice(pc.deputy, pc.journal_a_up.id, START, END, 36, None,
                            [("ПК 1.1", "x")])   # УП.01 ends with a credit in the test plan
    with pytest.raises(svc.PracticeConflict):
        svc.create_practice(pc.deputy, pc.journal_a_pp.id, START, END, 36, None,
                            [("ПК 1.1", "x")])


# --- the diary ----------------------------------------------------------------------------
def test_diary_entry_dates_hours_and_text(pc, app):
    user, pid = pc.users["student1"], pc.placements["student1"].id
    with pytest.raises(svc.PracticeError, match="будущем"):
        svc.write_entry(user, pid, TODAY + timedelta(days=1), "текст", 6)
    with pytest.raises(svc.PracticeError, match="сроков практики"):
        svc.write_entry(user, pid, START - timedelta(days=3), "текст", 6)
    with pytest.raises(svc.PracticeError, match="не рабочий день"):
        svc.write_entry(user, pid, date(2025, 10, 11), "текст", 6)      # Saturday
    with pytest.raises(svc.PracticeError, match="2000"):
        svc.write_entry(user, pid, TODAY, "а" * 2001, 6)
    with pytest.raises(svc.PracticeError):
        svc.write_entry(user, pid, TODAY, "   ", 6)
    with pytest.raises(svc.PracticeError) as refused:
        svc.write_entry(user, pid, TODAY, "текст\x07", 6)
    assert refused.value.status == 400
    for hours in (0, 13, app.config["PRACTICE_DAY_HOURS"] + 1):
        with pytest.raises(svc.PracticeError, match="Часы"):
            svc.write_entry(user, pid, TODAY, "текст", hours)
    entry = svc.write_entry(user, pid, TODAY, "Настраивал рабочее место\r\n", 8)
    assert entry.status == "written" and entry.text == "Настраивал рабочее место"


def test_only_the_student_writes_their_diary(pc):
    pid = pc.placements["student1"].id
    for username in ("student2", "parent1", "mentor1", "teacher1", "deputy"):
        with pytest.raises(svc.PracticeDenied):
            svc.write_entry(pc.users[username], pid, TODAY, "текст", 6)


def test_editing_before_confirmation_keeps_history(pc, db):
    entry = _entry(pc, text="Первый вариант", hours=4)
    svc.write_entry(pc.users["student1"], entry.placement_id, entry.entry_date,
                    "Второй вариант", 6)
    db.session.commit()
    (change,) = db.session.scalars(select(PracticeDiaryChange).where(
        PracticeDiaryChange.entry_id == entry.id)).all()
    assert (change.old_text, change.new_text, change.old_hours, change.new_hours) == (
        "Первый вариант", "Второй вариант", 4, 6)
    assert change.changed_by_id == pc.users["student1"].id


def test_student_editing_a_confirmed_entry_is_refused(pc, db):
    entry = _entry(pc, text="Подтверждаемая запись")
    svc.review_entry(pc.mentor1, entry.id, "confirm")
    db.session.commit()
    with pytest.raises(svc.PracticeError, match="подтверждена наставником") as refused:
        svc.write_entry(pc.users["student1"], entry.placement_id, entry.entry_date,
                        "Исправил задним числом", 6)
    assert refused.value.status == 409
    db.session.rollback()
    assert db.session.get(PracticeDiaryEntry, entry.id).text == "Подтверждаемая запись"


def test_returned_entry_is_corrected_and_goes_back_to_the_mentor(pc, db):
    entry = _entry(pc)
    with pytest.raises(svc.PracticeError, match="Комментарий"):
        svc.review_entry(pc.mentor1, entry.id, "return", "  ")
    svc.review_entry(pc.mentor1, entry.id, "return", "Мало подробностей.")
    db.session.commit()
    assert db.session.get(PracticeDiaryEntry, entry.id).status == "returned"
    svc.write_entry(pc.users["student1"], entry.placement_id, entry.entry_date,
                    "Подробно: написал модуль импорта", 7)
    db.session.commit()
    again = db.session.get(PracticeDiaryEntry, entry.id)
    assert again.status == "written"
    statuses = [(c.old_status, c.new_status) for c in again.changes]
    assert statuses == [("written", "returned"), ("returned", "written")]
    svc.review_entry(pc.mentor1, entry.id, "confirm")
    db.session.commit()
    assert db.session.get(PracticeDiaryEntry, entry.id).status == "confirmed"


def test_only_the_students_mentor_reviews_in_the_window(pc, db, app):
    entry = _entry(pc)
    for username in ("mentor2", "teacher1", "deputy", "student1"):
        with pytest.raises(svc.PracticeDenied):
            svc.review_entry(pc.users[username], entry.id, "confirm")
    set_today(app, END + timedelta(days=app.config["MENTOR_CLOSING_DAYS"] + 1))
    with pytest.raises(svc.PracticeDenied, match="Доступ наставника"):
        svc.review_entry(pc.mentor1, entry.id, "confirm")
    db.session.rollback()
    assert db.session.get(PracticeDiaryEntry, entry.id).status == "written"


def test_mentor_writes_are_audited(pc, db):
    entry = _entry(pc)
    svc.review_entry(pc.mentor1, entry.id, "confirm")
    _complete_sheet(pc)
    db.session.commit()
    kinds = {(a.object_type, a.action) for a in db.session.scalars(select(AuditLog).where(
        AuditLog.user_id == pc.mentor1.id))}
    assert {("practice_diary_entry", "update"), ("practice_attestation", "create")} <= kinds


# --- attestation and grade ----------------------------------------------------------------
def test_attestation_needs_every_competency_and_the_characteristic(pc, db):
    pid = pc.placements["student1"].id
    comps = pc.practice.competencies
    partial = {comps[0].id: (True, "")}
    full = {c.id: (c.code != "ОК 01", "заметка") for c in comps}
    with pytest.raises(svc.PracticeError, match="Не отмечены"):
        svc.save_attestation(pc.mentor1, pid, partial, "Характеристика")
    with pytest.raises(svc.PracticeError, match="Характеристика"):
        svc.save_attestation(pc.mentor1, pid, full, "  ")
    with pytest.raises(svc.PracticeError, match="4000"):
        svc.save_attestation(pc.mentor1, pid, full, "я" * 4001)
    with pytest.raises(svc.PracticeError, match="500"):
        svc.save_attestation(pc.mentor1, pid, {c.id: (True, "н" * 501) for c in comps}, "Х")
    for username in ("mentor2", "teacher1", "student1"):
        with pytest.raises(svc.PracticeDenied):
            svc.save_attestation(pc.users[username], pid, full, "Характеристика")
    sheet = svc.save_attestation(pc.mentor1, pid, full, "Характеристика")
    db.session.commit()
    assert {i.competency.code: i.mastered for i in sheet.items} == {
        "ПК 1.1": True, "ПК 1.2": True, "ОК 01": False}


def test_mentor_fills_the_attestation_only_in_the_window(pc, app):
    set_today(app, END + timedelta(days=app.config["MENTOR_CLOSING_DAYS"] + 1))
    items = {c.id: (True, "") for c in pc.practice.competencies}
    with pytest.raises(svc.PracticeDenied):
        svc.save_attestation(pc.mentor1, pc.placements["student1"].id, items, "Х")


def test_grade_without_an_attestation_sheet_is_refused(pc, db):
    pid = pc.placements["student1"].id
    with pytest.raises(svc.PracticeError, match="лист аттестации"):
        svc.set_practice_grade(pc.teacher1, pid, "5")
    items = {pc.practice.competencies[0].id: (True, "")}
    with pytest.raises(svc.PracticeError):
        svc.save_attestation(pc.mentor1, pid, items, "Характеристика")
    db.session.rollback()
    with pytest.raises(svc.PracticeError, match="лист аттестации"):
        svc.set_practice_grade(pc.teacher1, pid, "5")
    assert db.session.scalar(select(FinalGrade)) is None


def test_grade_is_the_final_grade_of_the_practice_journal(pc, db, app):
    _complete_sheet(pc)
    pid = pc.placements["student1"].id
    set_today(app, END)  # 4.7: the practice's grade from its last day
    for username in ("teacher2", "curator1", "mentor1", "student1"):
        with pytest.raises(svc.PracticeDenied):
            svc.set_practice_grade(pc.users[username], pid, "5")
    with pytest.raises(svc.PracticeError, match="от 2 до 5"):
        svc.set_practice_grade(pc.teacher1, pid, "6")
    grade = svc.set_practice_grade(pc.teacher1, pid, "4")
    db.session.commit()
    assert (grade.journal_id, grade.student_id, grade.period_id, grade.kind, grade.value) == (
        pc.journal_a_pp.id, pc.student1.id, pc.autumn.id, "diff_credit", "4")
    # once graded, the sheet is locked
    with pytest.raises(svc.PracticeConflict):
        _complete_sheet(pc)


def test_a_supervisor_who_does_not_teach_the_journal_sets_the_grade(pc, db, app):
    """The college's supervisor grades the practice even when the practice's journal is
    another teacher's; a teacher who is neither is refused."""
    _complete_sheet(pc)
    practice = db.session.get(type(pc.practice), pc.practice.id)
    supervisor = pc.users["teacher2"]
    practice.supervisor_id = supervisor.id
    db.session.commit()
    pid = pc.placements["student1"].id
    set_today(app, END)  # 4.7: the practice's grade from its last day
    grade = svc.set_practice_grade(supervisor, pid, "5")
    db.session.commit()
    assert (grade.journal_id, grade.value, grade.set_by_id) == (
        pc.journal_a_pp.id, "5", supervisor.id)
    with pytest.raises(svc.PracticeDenied):
        svc.set_practice_grade(pc.users["curator1"], pid, "4")


def test_grade_follows_the_deadlines_and_closed_periods(pc, db, app):
    _complete_sheet(pc)
    pid = pc.placements["student1"].id
    set_today(app, date(2026, 1, 20))                  # after the autumn deadline (15.01)
    with pytest.raises(svc.PracticeDenied, match="Срок выставления"):
        svc.set_practice_grade(pc.teacher1, pid, "5")
    period = db.session.get(Period, pc.autumn.id)
    from app.models.base import utcnow
    period.closed_at, period.close_order_number = utcnow(), "3-у"
    period.close_order_date = date(2026, 1, 19)
    db.session.commit()
    with pytest.raises(svc.PracticeDenied, match="закрыт"):
        svc.set_practice_grade(pc.teacher1, pid, "5")
    with pytest.raises(svc.PracticeError, match="основание"):
        svc.set_practice_grade(pc.deputy, pid, "5")
    grade = svc.set_practice_grade(pc.deputy, pid, "5", "Приказ 4-у: аттестация по договору")
    db.session.commit()
    assert grade.value == "5"


def test_grade_refused_when_the_plan_has_no_diff_credit(pc, db):
    _complete_sheet(pc)
    pc.pp_item.assessment_form = "credit"
    db.session.commit()
    with pytest.raises(svc.PracticeError, match="не предусматривает"):
        svc.set_practice_grade(pc.teacher1, pc.placements["student1"].id, "5")


# --- mentor accounts ------------------------------------------------------------------------
def test_mentor_accounts_are_issued_by_it_or_a_supervisor(pc, db, app):
    with pytest.raises(svc.PracticeDenied):
        svc.issue_mentor_account(pc.teacher2, "Орлов", "Иван", "orlov@firm.test")
    with pytest.raises(svc.PracticeDenied):
        svc.issue_mentor_account(pc.deputy, "Орлов", "Иван", "orlov@firm.test")
    for actor in (pc.it, pc.teacher1):
        account, password = svc.issue_mentor_account(actor, "Орлов", "Иван", "")
        db.session.commit()
        assert {r.name for r in account.roles} == {"Mentor"}
        assert len(password) >= 10 and account.password != password
        assert db.session.get(AccountState, account.id).must_change_password is True
    from app.services.college.credentials import issue_for_staff
    slip = issue_for_staff(pc.it, pc.mentor1.id)             # IT re-issues a password
    assert slip.username == "mentor1" and "Наставник" in slip.role


def test_it_may_give_the_mentor_role_but_not_admin(pc, login):
    from app.views.users import assignable_role_names
    names = assignable_role_names(pc.it)
    assert "Mentor" in names and "Admin" not in names
    it = login("it")
    assert "mentor1" in it.get("/users/list/?psize_UserDBModelView=500").get_data(as_text=True)
    assert it.get(f"/users/show/{pc.mentor1.id}").status_code == 200
    assert "Наставник от организации" in it.get("/users/add").get_data(as_text=True)


# --- the overview -------------------------------------------------------------------------
def test_overview_counts_progress_and_silence(pc, db, app):
    user = pc.users["student1"]
    pid = pc.placements["student1"].id
    days = [d for d in working_days(START, TODAY - timedelta(days=1))]   # 6.10 .. 14.10
    for day in days[:3]:
        svc.write_entry(user, pid, day, f"Работа {day}", 8)
    db.session.commit()
    entries = db.session.scalars(select(PracticeDiaryEntry).order_by(
        PracticeDiaryEntry.entry_date)).all()
    svc.review_entry(pc.mentor1, entries[0].id, "confirm")
    svc.review_entry(pc.mentor1, entries[1].id, "return", "Подробнее")
    db.session.commit()
    (block,) = svc.overview(pc.teacher1)
    rows = {r["student"].id: r for r in block["rows"]}
    one, two = rows[pc.student1.id], rows[pc.student2.id]
    assert (one["days_written"], one["days_confirmed"], one["days_returned"],
            one["hours_confirmed"], one["hours_planned"], one["last_entry"]) == (
        3, 1, 1, 8, 108, days[2])
    # three working days without an entry before today (9.10 is the last): stopped writing
    assert one["silent"] is True and two["silent"] is True
    svc.write_entry(user, pid, days[-1], "Снова пишу", 6)
    db.session.commit()
    rows = {r["student"].id: r for r in svc.overview(pc.teacher1)[0]["rows"]}
    assert rows[pc.student1.id]["silent"] is False
    assert rows[pc.student1.id]["attestation"] is False and rows[pc.student1.id]["grade"] is None
    # after the practice nobody is "silent"
    assert all(not r["silent"] for r in svc.overview(
        pc.teacher1, day=END + timedelta(days=1))[0]["rows"])


def test_overview_shows_attestation_and_grade(pc, db, app):
    _complete_sheet(pc)
    set_today(app, END)  # 4.7: the practice's grade from its last day
    svc.set_practice_grade(pc.teacher1, pc.placements["student1"].id, "5")
    db.session.commit()
    rows = {r["student"].id: r for r in svc.overview(pc.curator1)[0]["rows"]}
    assert rows[pc.student1.id]["attestation"] is True and rows[pc.student1.id]["grade"] == "5"
    assert rows[pc.student2.id]["attestation"] is False


def _add_students(db, ids, n, first=0):
    from app.models import GroupMembership
    for i in range(first, first + n):
        student = Student(last_name=f"Практикант{i}", first_name="Тест", birth_date=date(
            2007, 1, 1), record_book_number=f"P-{i:03d}", group_id=ids["group"],
            status="studying")
        db.session.add(student)
        db.session.flush()
        db.session.add(GroupMembership(student_id=student.id, group_id=ids["group"],
                                       start_date=date(2024, 9, 1)))
        placement = PracticePlacement(practice_id=ids["practice"], student_id=student.id,
                                      organisation_id=ids["org"], mentor_id=ids["mentor"],
                                      order_number="45-п", order_date=date(2025, 10, 1))
        db.session.add(placement)
        db.session.flush()
        for day in list(working_days(START, TODAY - timedelta(days=1)))[:3]:
            db.session.add(PracticeDiaryEntry(placement_id=placement.id, entry_date=day,
                                              text="x", hours=6, status="confirmed"))
    db.session.commit()


def test_overview_in_a_constant_number_of_queries(pc, db):
    ids = {"group": pc.group_a.id, "practice": pc.practice.id, "org": pc.org1.id,
           "mentor": pc.mentor1.id}
    _add_students(db, ids, 1)                    # 3 placements
    deputy_id = pc.deputy.id

    def run():
        db.session.expunge_all()
        result = svc.overview(db.session.get(User, deputy_id))
        assert sum(len(b["rows"]) for b in result) in (3, 12)
    small = count_queries(db, run)
    _add_students(db, ids, 9, 1)                  # 12 placements
    big = count_queries(db, run)
    assert small == big, (small, big)
    assert big <= 8


# --- the demo college -----------------------------------------------------------------------
@pytest.mark.parametrize("day", [date(2025, 11, 20), date(2026, 3, 18)])
def test_demo_has_a_running_and_a_finished_practice(app, db, day):
    from app.demo.college import build_demo
    from app.services.journal.final_grades import kinds_by_period
    from tests.factories import PASSWORD
    previous = app.config.get("JOURNAL_TODAY")
    set_today(app, day)
    try:
        build_demo(PASSWORD)
        users = {u.username: u for u in db.session.scalars(select(User).where(
            User.username.in_(("mentor1", "mentor2", "deputy", "curator6"))))}
        practices = svc.practices_for(users["deputy"])
        running = [p for p in practices if p.start_date <= day <= p.end_date]
        finished = [p for p in practices if p.end_date < day]
        assert len(running) == 1 and len(finished) == 1
        assert running[0].journal.discipline.kind == "pp"
        assert {p.supervisor.username for p in practices} == {"curator6"}
        for practice in practices:
            assert "diff_credit" in kinds_by_period(practice.journal)[practice.period_id]
        (now,) = svc.overview(users["curator6"], practice_id=running[0].id)
        rows = now["rows"]
        assert len({r["organisation"].id for r in rows}) == 2
        assert {r["mentor"].username for r in rows} == {"mentor1", "mentor2"}
        assert sum(r["days_confirmed"] for r in rows) > 0
        assert sum(r["days_written"] - r["days_confirmed"] - r["days_returned"]
                   for r in rows) > 0                              # waiting for the mentor
        assert sum(r["days_returned"] for r in rows) > 0
        assert any(r["silent"] for r in rows) and not all(r["silent"] for r in rows)
        for username in ("mentor1", "mentor2"):
            mine = svc.mentor_students(users[username])
            assert mine and {p.practice_id for p in mine} == {running[0].id}
        (done,) = svc.overview(users["curator6"], practice_id=finished[0].id)
        assert done["rows"] and all(r["attestation"] for r in done["rows"])
        assert all(r["days_confirmed"] == r["days_written"] > 0 for r in done["rows"])
        assert all(r["grade"] in ("2", "3", "4", "5", "н/а") for r in done["rows"])
    finally:
        app.config["JOURNAL_TODAY"] = previous


def test_a_new_mentor_changes_the_issued_password_first(pc, app, db):
    account, password = svc.issue_mentor_account(pc.teacher1, "Орлов", "Иван", "")
    db.session.commit()
    from tests.factories import login_client
    web = login_client(app, account.username, password)
    answer = web.get("/practice/mentor")
    assert answer.status_code == 302 and "resetmypassword" in answer.headers["Location"].lower()
    assert web.get(answer.headers["Location"]).status_code == 200
