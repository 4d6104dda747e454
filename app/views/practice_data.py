"""What the practice pages read (issue 15): the service's data of a student's practices with
the clear refusal of a mentor outside their window, and the few lists a page shows besides.
The rows are those of app/services/practice.py (student_practice, placement_filter)."""
from datetime import timedelta

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..infra.clock import format_date, today
from ..models.practice import (
    Practice, PracticeAttestation, PracticeAttestationItem, PracticeCompetency, PracticePlacement,
)
from ..services import practice
from ..services.scopes import role_names



def to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def stripped(value) -> str:
    return (value or "").strip()


def attestation_marks(placement_ids) -> dict[int, dict[str, str]]:
    """placement id → {competency code: «освоена» / «не освоена»} (one query)."""
    if not placement_ids:
        return {}
    out: dict[int, dict[str, str]] = {}
    for placement_id, code, mastered in db.session.execute(select(
            PracticeAttestation.placement_id, PracticeCompetency.code,
            PracticeAttestationItem.mastered).join(
            PracticeAttestationItem,
            PracticeAttestationItem.attestation_id == PracticeAttestation.id).join(
            PracticeCompetency, PracticeCompetency.id == PracticeAttestationItem.competency_id
    ).where(PracticeAttestation.placement_id.in_(placement_ids))):
        out.setdefault(placement_id, {})[code] = "освоена" if mastered else "не освоена"
    return out


def mentor_closed_message(item: Practice) -> str:
    """Why a mentor no longer (or not yet) reaches the practice: its window (issue 15, 2)."""
    if today() < item.start_date:
        return (f"Практика начнётся {format_date(item.start_date)}: дневник студента откроется "
                "вам в этот день.")
    last = item.end_date + timedelta(days=practice.closing_days())
    return (f"Доступ наставника к практике закончился {format_date(last)}: срок практики и "
            f"{practice.closing_days()} дн. на её закрытие прошли. Если нужно что-то исправить, "
            "обратитесь к руководителю практики от колледжа.")


def mentor_denial(placements_of_mentor) -> practice.PracticeDenied | None:
    """The clear refusal of a mentor outside their window: the latest of the practices given."""
    last = db.session.scalar(placements_of_mentor.order_by(Practice.end_date.desc()).limit(1))
    return practice.PracticeDenied(mentor_closed_message(last)) if last is not None else None


def mentor_practices():
    """The practices where the user is a mentor of some placement, whatever the window."""
    return select(Practice).join(PracticePlacement,
                                 PracticePlacement.practice_id == Practice.id).where(
        PracticePlacement.mentor_id == current_user.id)


def student_data(student_id) -> dict:
    """The service's view of a student's practices; a mentor outside the window is told why."""
    try:
        return practice.student_practice(current_user, student_id)
    except practice.PracticeDenied:
        if practice.mentor_lacks_basis(current_user, to_int(student_id) or 0):
            raise practice.no_basis_denial() from None
        if practice.MENTOR_ROLE in role_names(current_user) and to_int(student_id):
            denial = mentor_denial(mentor_practices().where(
                PracticePlacement.student_id == to_int(student_id)))
            if denial is not None:
                raise denial from None
        raise


def placement_data(placement_id) -> tuple[dict, dict]:
    """(student data, the placement's item) of one placement the user may read."""
    student_id = db.session.scalar(select(PracticePlacement.student_id).where(
        PracticePlacement.id == (to_int(placement_id) or 0)))
    if student_id is None:
        raise practice.PracticeNotFound(_("Место практики не найдено."))
    data = student_data(student_id)
    for item in data["placements"]:
        if item["placement_id"] == placement_id:
            return data, item
    if db.session.scalar(select(PracticePlacement.id).where(
            PracticePlacement.id == placement_id,
            PracticePlacement.mentor_id == current_user.id)) is not None:
        denial = mentor_denial(mentor_practices().where(PracticePlacement.id == placement_id))
        if denial is not None:
            raise denial
    raise practice.PracticeDenied(_("Нет доступа к этой практике."))


def diary_counts(item: dict) -> dict:
    """Days of the diary by status, for the page's summary line."""
    statuses = [e["status"] for e in item["entries"]]
    return {"written": len(statuses), "confirmed": statuses.count("confirmed"),
            "returned": statuses.count("returned")}


def practice_placement_id(student_id) -> int | None:
    """The record page's link «Практика»: the student's latest placement the reader may see."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    return db.session.scalar(select(PracticePlacement.id).join(
        Practice, Practice.id == PracticePlacement.practice_id).where(
        PracticePlacement.student_id == student_id,
        practice.placement_filter(current_user)).order_by(
        Practice.start_date.desc()).limit(1))
