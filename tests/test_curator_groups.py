"""One answer to "the curator's current groups" (3.3): the completeness check, the attendance
report and the weekly reports let a curator act for the same groups — the ones they curate
now (services/scopes.py:curates_now, current_curated_group_ids); a group handed to another
curator and a graduated group are closed to them. What differs stays in the callers: who of
the administration also enters, and how a refusal reads."""
import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.models import StudentGroup
from app.services.college import credentials
from app.services.control import attendance, completeness
from app.services.portal import messaging, weekly_reports
from app.services.scopes import current_curated_group_ids, curates_now

CALLERS = {
    "completeness": completeness.group_for,
    "attendance": attendance.group_for,
    "weekly_reports": weekly_reports.group_for,
}


def _answers(user, group) -> dict[str, int | None]:
    """What each caller answers: None when it lets the user in, else the refusal's status."""
    out = {}
    for name, group_for in CALLERS.items():
        try:
            assert group_for(user, group.id).id == group.id
            out[name] = None
        except DomainError as refusal:
            out[name] = refusal.status
    return out


def _curated_now(db, user) -> set[int]:
    return set(db.session.scalars(current_curated_group_ids(user)))


def _offered(user) -> dict[str, list[int]]:
    """The groups each page offers the user: the curator's pages, the weekly reports, a letter
    to all parents of a group."""
    return {"curator": [g.id for g in completeness.groups_for(user)],
            "weekly": [g.id for g in weekly_reports.groups_for(user)],
            "letters": [g.id for g in messaging.broadcast_groups(user)]}


def test_the_curator_acts_for_their_group_in_all_three(db, college):
    assert curates_now(college.curator1, college.group_a)
    assert _curated_now(db, college.curator1) == {college.group_a.id}
    assert _answers(college.curator1, college.group_a) == dict.fromkeys(CALLERS)
    assert _offered(college.curator1) == dict.fromkeys(("curator", "weekly", "letters"),
                                                       [college.group_a.id])
    assert credentials.issues_for_group(college.curator1, college.group_a)


def test_another_curators_group_is_refused_by_all_three(db, college):
    assert not curates_now(college.curator1, college.group_b)
    assert _answers(college.curator1, college.group_b) == dict.fromkeys(CALLERS, 403)
    assert not credentials.issues_for_group(college.curator1, college.group_b)


def test_a_graduated_group_is_closed_to_its_former_curator_in_all_three(db, college):
    college.group_a.status = "graduated"
    db.session.commit()
    assert not curates_now(college.curator1, college.group_a)
    assert _curated_now(db, college.curator1) == set()
    assert _answers(college.curator1, college.group_a) == dict.fromkeys(CALLERS, 403)
    assert _offered(college.curator1) == dict.fromkeys(("curator", "weekly", "letters"), [])
    assert not credentials.issues_for_group(college.curator1, college.group_a)


def test_a_group_handed_to_another_curator_moves_with_it(db, college):
    college.group_a.curator_id = college.curator2.id
    db.session.commit()
    assert _answers(college.curator1, college.group_a) == dict.fromkeys(CALLERS, 403)
    assert _answers(college.curator2, college.group_a) == dict.fromkeys(CALLERS)
    assert _curated_now(db, college.curator2) == {college.group_a.id, college.group_b.id}


@pytest.mark.parametrize("username", ["deputy", "director"])
def test_the_administration_enters_every_group(db, college, username):
    user = getattr(college, username)
    assert not curates_now(user, college.group_a)
    assert _answers(user, college.group_a) == dict.fromkeys(CALLERS)


def test_the_curators_pages_list_the_groups_they_curate_now(db, college):
    assert [g.id for g in completeness.groups_for(college.curator1)] == [college.group_a.id]
    every = db.session.scalars(select(StudentGroup.id).order_by(StudentGroup.name)).all()
    assert [g.id for g in completeness.groups_for(college.deputy)] == every
