"""Consent to the processing of personal data (4.1, 152-FZ art. 9): recorded per person — who
gave it (a parent for a minor), when, on which document; withdrawn with its date; kept by the
curator for their current groups and by the administration and IT for anyone; audited; the
curator sees who has not consented; a login without a consent is issued with a warning; the
policy is open to everyone and linked from the login page and every page's footer."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models import AuditLog, PersonalDataConsent
from app.services.college import consent
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.portal_helpers import fixed_today  # noqa: F401


@pytest.fixture()
def c(college, fixed_today):  # noqa: F811
    return college


def _record(client, c, subject, given_by="", day="2025-09-01", document="заявление № 15"):
    return client.post("/consent/record", data={
        "group": c.group_a.id, "subject": subject, "given_by": given_by, "given_on": day,
        "document": document}, follow_redirects=True)


def _count(db):
    return db.session.scalar(select(func.count(PersonalDataConsent.id)))


def test_a_minor_s_consent_is_given_by_their_parent(c, db, login):
    curator = login("curator1")
    answer = _record(curator, c, f"student:{c.student1.id}")  # a minor, no parent named
    assert "даёт родитель" in answer.get_data(as_text=True)
    answer = _record(curator, c, f"student:{c.student1.id}", given_by=c.parent2_profile.id)
    assert "записанный в карточке студента" in answer.get_data(as_text=True)  # not her parent
    assert _count(db) == 0
    answer = _record(curator, c, f"student:{c.student1.id}", given_by=c.parent1_profile.id)
    assert "Согласие записано" in answer.get_data(as_text=True)
    saved = db.session.scalar(select(PersonalDataConsent))
    assert (saved.student_id, saved.given_by_parent_id, saved.given_on, saved.document) == (
        c.student1.id, c.parent1_profile.id, date(2025, 9, 1), "заявление № 15")
    assert saved.recorded_by_id == c.curator1.id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "consent_record"))
    assert entry.object_id == str(saved.id)
    assert json.loads(entry.details)["given_by"] == c.parent1_profile.full_name


def test_an_adult_gives_their_own_consent_and_a_parent_theirs(c, db, login):
    curator = login("curator1")
    answer = _record(curator, c, f"student:{c.student2.id}", given_by=c.parent2_profile.id)
    assert "даёт сам студент" in answer.get_data(as_text=True)
    assert _count(db) == 0
    assert "Согласие записано" in _record(curator, c, f"student:{c.student2.id}").get_data(
        as_text=True)
    assert "Согласие записано" in _record(
        curator, c, f"parent:{c.parent1_profile.id}").get_data(as_text=True)
    assert _count(db) == 2


def test_bad_input_changes_nothing(c, db, login):
    curator = login("curator1")
    for data in ({"day": ""}, {"day": "2099-01-01"}, {"document": "  "},
                 {"document": "x" * 300}):
        answer = _record(curator, c, f"student:{c.student2.id}", **data)
        assert answer.status_code == 200 and "Согласие записано" not in answer.get_data(
            as_text=True), data
    answer = curator.post("/consent/record", data={"group": c.group_a.id, "subject": "x:1",
                                                   "given_on": "2025-09-01", "document": "a"})
    assert answer.status_code == 302
    assert _count(db) == 0
    _record(curator, c, f"student:{c.student2.id}")
    answer = _record(curator, c, f"student:{c.student2.id}", document="второе")
    assert "уже есть действующее согласие" in answer.get_data(as_text=True)
    assert _count(db) == 1


def test_who_records_consents(c, db, login):
    """The curator of the group now, the administration and IT; not another curator, not a
    teacher."""
    for who, allowed in (("curator2", False), ("teacher1", False), ("director", True),
                         ("it", True), ("deputy", True)):
        client = login(who)
        answer = client.post("/consent/record", data={
            "group": c.group_a.id, "subject": f"parent:{c.parent1_profile.id}",
            "given_on": "2025-09-01", "document": f"заявление {who}"})
        assert answer.status_code == (302 if allowed else 403), who
        page = client.get(f"/consent/group/{c.group_a.id}")
        assert (page.status_code == 200) is allowed, who
        if allowed:
            active = db.session.scalar(select(PersonalDataConsent.id).where(
                PersonalDataConsent.withdrawn_on.is_(None)))
            client.post(f"/consent/{active}/withdraw",
                        data={"group": c.group_a.id, "withdrawn_on": "2025-10-01",
                              "document": "отзыв"})
    kept = db.session.scalars(select(PersonalDataConsent.document)).all()
    assert sorted(kept) == ["заявление deputy", "заявление director", "заявление it"]
    with pytest.raises(consent.Forbidden):
        consent.record(c.curator2, date(2025, 9, 1), "x", parent_id=c.parent1_profile.id)


def test_withdrawal_keeps_the_record_with_its_date(c, db, login):
    curator = login("curator1")
    _record(curator, c, f"student:{c.student2.id}")
    saved = db.session.scalar(select(PersonalDataConsent))
    answer = curator.post(f"/consent/{saved.id}/withdraw", data={
        "group": c.group_a.id, "withdrawn_on": "2025-08-01", "document": "заявление"},
        follow_redirects=True)
    assert "раньше, чем дано" in answer.get_data(as_text=True)
    answer = curator.post(f"/consent/{saved.id}/withdraw", data={
        "group": c.group_a.id, "withdrawn_on": "2025-10-01", "document": "заявление № 20"},
        follow_redirects=True)
    assert "Отзыв согласия отмечен" in answer.get_data(as_text=True)
    db.session.refresh(saved)
    assert (saved.withdrawn_on, saved.withdrawal_document) == (date(2025, 10, 1),
                                                               "заявление № 20")
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "consent_withdraw")) == 1
    again = curator.post(f"/consent/{saved.id}/withdraw", data={
        "group": c.group_a.id, "withdrawn_on": "2025-10-02", "document": "ещё"},
        follow_redirects=True)
    assert "уже отозвано" in again.get_data(as_text=True)
    # a new consent may be recorded once the old one is withdrawn
    assert "Согласие записано" in _record(curator, c, f"student:{c.student2.id}",
                                          day="2025-10-02").get_data(as_text=True)


def test_the_curator_sees_who_has_not_consented(c, db, login):
    consent.record(c.curator1, date(2025, 9, 1), "заявление", student_id=c.student1.id,
                   given_by_parent_id=c.parent1_profile.id)
    db.session.commit()
    curator = login("curator1")
    page = curator.get(f"/curator/group/{c.group_a.id}").get_data(as_text=True)
    box = page.split('id="consent-box"')[1].split("</div>")[0]
    # five students, one consented; parent1 (of a minor) has none; parent2's child is adult
    assert "<b>5</b>" in box
    names = page.split('id="consent-missing-names"')[1].split("</p>")[0]
    assert "Смирнов А." not in names and "Кузнецова Д." in names
    assert "Смирнова Ольга" in names and "Кузнецов Олег" not in names
    table = curator.get(f"/consent/group/{c.group_a.id}").get_data(as_text=True)
    assert "Кураторова" not in table.split('id="consent-table"')[1].split("</table>")[0]
    assert table.count('class="label label-danger"') == 6  # 4 students, 2 parents


def test_a_login_without_consent_is_issued_with_a_warning(c, db, login):
    consent.record(c.curator1, date(2025, 9, 1), "заявление", student_id=c.student1.id,
                   given_by_parent_id=c.parent1_profile.id)
    db.session.commit()
    curator = login("curator1")
    html = curator.post(f"/curator/credentials/{c.group_a.id}", data={
        "student": [c.student1.id, c.student2.id], "confirm": "1"}).get_data(as_text=True)
    warning = html.split('id="slips-no-consent"')[1].split("</div>")[0]
    assert "Кузнецова Дарья" in warning and "Смирнов Артём" not in warning
    assert html.count('class="pw login"') == 2  # both logins issued all the same


def test_the_policy_is_public_and_linked_from_the_login_page_and_the_footer(c, app, login):
    client = app.test_client()
    policy = client.get("/privacy/")
    assert policy.status_code == 200
    text = policy.get_data(as_text=True)
    for words in ("Оператор персональных данных", "3 года с момента выпуска группы",
                  "Отозвать согласие", "Роскомнадзор", "ГБПОУ ИО"):
        assert words in text, words
    login_page = client.get("/login/").get_data(as_text=True)
    assert 'id="login-privacy"' in login_page and 'href="/privacy/"' in login_page
    assert 'id="footer-privacy"' in login("student1").get("/").get_data(as_text=True)
