"""Changes in an archived year (7.3): what finishes the year after its archive — the retakes
of the year's debts until their deadline and the deputy's corrections of final grades — is
noted here against the group's archive (besides the audit log), to go into the archive's next
supplement (archive_supplement.py). The archive page reads what is still open in an archived
year: the debts not closed with their deadlines and the changes not yet in a supplement."""
from collections import defaultdict

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...labels import FINAL_GRADE_KINDS, russian
from ...models import ArchiveChange, ArchiveRecord, Journal, Period, Student
from ...models.debts import AcademicDebt, Retake, RetakeEntry


def _archive_of(journal_id: int) -> ArchiveRecord | None:
    """The final archive of the journal's group and year, if made."""
    return db.session.scalar(select(ArchiveRecord).join(Journal, and_(
        Journal.group_id == ArchiveRecord.group_id,
        Journal.academic_year_id == ArchiveRecord.academic_year_id))
        .where(Journal.id == journal_id, ArchiveRecord.is_draft.is_(False)).limit(1))


def _note(user, journal_id: int, action: str, subject: str, old=None, new=None,
          reason=None) -> ArchiveChange | None:
    record = _archive_of(journal_id)
    if record is None:
        return None
    change = ArchiveChange(archive_id=record.id, action=action, subject=subject[:2000],
                           old_value=(old or None) and str(old)[:64],
                           new_value=(new or None) and str(new)[:64],
                           reason=(reason or None) and str(reason)[:1000],
                           changed_by_id=getattr(user, "id", None))
    db.session.add(change)
    return change


def _who_what(journal: Journal, student: Student) -> str:
    return f"{student.full_name} — {journal.discipline}"


def note_final_grade(user, key: tuple[int, int, int, str], old: str, new: str,
                     reason: str | None) -> ArchiveChange | None:
    """A final grade written in an archived year: the deputy's correction or a retake's pass."""
    journal_id, student_id, period_id, kind = key
    if old == new:
        return None
    journal = db.session.get(Journal, journal_id)
    student, period = db.session.get(Student, student_id), db.session.get(Period, period_id)
    subject = (f"{_who_what(journal, student)}, {period.name}: "
               f"{russian(FINAL_GRADE_KINDS, kind, kind)}")
    return _note(user, journal_id, "final_grade_change", subject, old, new, reason)


def _retake_words(retake: Retake) -> str:
    return (f"пересдача №{retake.attempt} от {retake.retake_date:%d.%m.%Y}, "
            f"ведомость {retake.sheet_number}")


def note_retake_result(user, retake: Retake, entry: RetakeEntry, value: str) -> None:
    debt = entry.debt
    subject = f"{_who_what(debt.journal, debt.student)}: {_retake_words(retake)}"
    _note(user, debt.journal_id, "retake_result", subject, debt.grade_value or "", value)


def note_retake_schedule(user, retake: Retake, debts) -> None:
    for debt in debts:
        subject = f"{_who_what(debt.journal, debt.student)}: {_retake_words(retake)}"
        _note(user, debt.journal_id, "retake_schedule", subject, None,
              f"{retake.retake_date:%d.%m.%Y}, "
              + (f"{retake.starts_at:%H:%M}, " if retake.starts_at else "") + retake.place)


def pending(record_ids) -> dict[int, list[ArchiveChange]]:
    """Archive id → its changes not yet in a supplement, oldest first (one query)."""
    out = defaultdict(list)
    if not record_ids:
        return out
    for change in db.session.scalars(select(ArchiveChange).where(
            ArchiveChange.archive_id.in_(list(record_ids)),
            ArchiveChange.supplement_id.is_(None))
            .options(joinedload(ArchiveChange.changed_by))
            .order_by(ArchiveChange.changed_at, ArchiveChange.id)):
        out[change.archive_id].append(change)
    return out


def open_in_archived_years(year_ids) -> dict[int, dict]:
    """Academic year id → what is still open in it after its archive: `debts` (the debts not
    closed, each with group, student, discipline, period and deadline, the nearest deadline
    first) and `pending` (group name → number of changes not yet in a supplement). Two
    queries whatever the number of years."""
    result = {y: {"debts": [], "pending": {}} for y in year_ids}
    if not result:
        return result
    rows = db.session.execute(
        select(AcademicDebt, Journal.academic_year_id).join(Journal,
                                                            Journal.id == AcademicDebt.journal_id)
        .where(Journal.academic_year_id.in_(list(result)), AcademicDebt.status == "open")
        .options(joinedload(AcademicDebt.student), joinedload(AcademicDebt.period),
                 joinedload(AcademicDebt.journal).joinedload(Journal.group),
                 joinedload(AcademicDebt.journal).joinedload(Journal.discipline))
        .order_by(AcademicDebt.deadline, AcademicDebt.id)).unique().all()
    for debt, year_id in rows:
        result[year_id]["debts"].append(debt)
    counts = db.session.execute(
        select(ArchiveRecord.academic_year_id, ArchiveRecord.group_id,
               func.count(ArchiveChange.id))
        .join(ArchiveChange, ArchiveChange.archive_id == ArchiveRecord.id)
        .where(ArchiveRecord.academic_year_id.in_(list(result)),
               ArchiveChange.supplement_id.is_(None))
        .group_by(ArchiveRecord.academic_year_id, ArchiveRecord.group_id)).all()
    for year_id, group_id, count in counts:
        result[year_id]["pending"][group_id] = count
    return result
