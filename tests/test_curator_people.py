"""A curator's people screens show the curator's current groups only (3.3, finding 8): the
group taught last year, a group handed to another curator and a graduated group are closed."""
from datetime import date

from sqlalchemy import select

from app.models import GroupMembership, StudentParent, StudentStatusChange
from tests.journal_helpers import last_year, teach_group_b  # noqa: F401


def _status_change(db, student, who):
    change = StudentStatusChange(student_id=student.id, kind="academic_leave",
                                 old_status="studying", new_status="academic_leave",
                                 order_number="7-к", order_date=date(2025, 3, 1),
                                 effective_date=date(2025, 3, 1), from_group_id=student.group_id,
                                 created_by_id=who.id)
    db.session.add(change)
    db.session.commit()
    return change


def _closed(client, url):
    return client.get(url).status_code in (403, 404)


def test_group_taught_last_year_is_closed_to_the_curator(db, college, login, last_year):
    teach_group_b(db, college, last_year, college.curator1)
    other = college.student3  # group B: curator2's group, taught by curator1 last year
    change = _status_change(db, other, college.deputy)
    link = db.session.scalar(select(StudentParent).where(StudentParent.student_id == other.id))
    membership = db.session.scalar(select(GroupMembership).where(
        GroupMembership.student_id == other.id))
    client = login("curator1")
    assert _closed(client, f"/parentview/show/{college.parent3_profile.id}")
    assert _closed(client, f"/studentview/show/{other.id}")
    assert _closed(client, f"/studentparentview/show/{link.id}")
    assert _closed(client, f"/studentstatuschangeview/show/{change.id}")
    assert "Михайлова" not in client.get("/parentview/list/").get_data(as_text=True)
    assert "Михайлов" not in client.get("/studentview/list/").get_data(as_text=True)
    assert f"/groupmembershipview/show/{membership.id}" not in client.get(
        "/groupmembershipview/list/").get_data(as_text=True)
    # the curator's own current group stays open
    assert client.get(f"/parentview/show/{college.parent1_profile.id}").status_code == 200
    assert client.get(f"/studentview/show/{college.student1.id}").status_code == 200
    # and group B's own curator sees it all
    curator2 = login("curator2")
    assert curator2.get(f"/parentview/show/{college.parent3_profile.id}").status_code == 200
    assert curator2.get(f"/studentstatuschangeview/show/{change.id}").status_code == 200


def test_group_taught_this_year_shows_students_but_not_parents_contacts(db, college, login):
    teach_group_b(db, college, college.year, college.curator1)
    client = login("curator1")
    assert client.get(f"/studentview/show/{college.student3.id}").status_code == 200
    assert _closed(client, f"/parentview/show/{college.parent3_profile.id}")


def test_graduated_group_is_closed_to_its_former_curator(db, college, login):
    college.group_a.status = "graduated"
    db.session.commit()
    client = login("curator1")
    assert _closed(client, f"/parentview/show/{college.parent1_profile.id}")
