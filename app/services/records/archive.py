"""End-of-year archive (7.3) and retention (7.4).

Per group and academic year: the journals as XLSX, a printable HTML page and JSON, with a
manifest of SHA-256 checksums. The archive is written once: archiving the same group and year
again never rewrites it — what was changed in the archived year since (retakes, the deputy's
corrections) goes into a supplement beside it (archive_supplement.py), and with no such change
the run is refused. Retention date = the group's graduation + 3 years; destruction deletes the
files (supplements included) and keeps an act.
"""
import hashlib
import json
import re
import shutil
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import event, inspect, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ...errors import Refused
from ...extensions import db
from ...infra import clock
from ...infra.clock import add_years, today
from ...infra.private_files import private_folder, write_private
from ...models import (
    AcademicYear, ArchiveRecord, DestructionAct, FinalGrade, Journal, JournalCell, Lesson, Student,
    StudentGroup, SubgroupMember,
)
from ...exports.book import add_sheet, book_bytes, mark, new_book, write_table
from . import audit
from .archive_changes import pending
from .archive_supplement import make as make_supplement

RETENTION_YEARS = 3  # 7.4
FILES = ("journals.xlsx", "journals.html", "journals.json")


class ArchiveError(Refused):
    """An archive operation refused; the message is Russian."""


def retention_date(graduation: date) -> date:
    """7.4: graduation + 3 years (29 February → 28 February)."""
    return add_years(graduation, RETENTION_YEARS)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "group"


def _name(student: Student) -> str:
    return " ".join(p for p in (student.last_name, student.first_name, student.middle_name) if p)


def _cell_text(cell: dict) -> str:
    parts = ["Н"] if cell["absent"] else []
    parts += [m["value"] for m in cell["marks"]]
    return " ".join(parts)


# --- collecting the data (a fixed number of queries per group) ----------------------------
def collect(group: StudentGroup, year: AcademicYear) -> dict:
    journals = db.session.scalars(
        select(Journal).where(Journal.group_id == group.id, Journal.academic_year_id == year.id)
        .options(joinedload(Journal.discipline), joinedload(Journal.teacher),
                 joinedload(Journal.subgroup)).order_by(Journal.id)).all()
    ids = [j.id for j in journals]
    lessons = db.session.scalars(select(Lesson).where(Lesson.journal_id.in_(ids))
                                 .options(joinedload(Lesson.teacher))
                                 .order_by(Lesson.lesson_date, Lesson.pair_number)).all()
    cells = db.session.scalars(select(JournalCell).join(Lesson)
                               .where(Lesson.journal_id.in_(ids))
                               .options(selectinload(JournalCell.marks))).all()
    finals = db.session.scalars(select(FinalGrade).where(FinalGrade.journal_id.in_(ids))
                                .options(joinedload(FinalGrade.period))
                                .order_by(FinalGrade.id)).all()
    sub_ids = [j.subgroup_id for j in journals if j.subgroup_id]
    members = db.session.execute(select(SubgroupMember.subgroup_id, SubgroupMember.student_id)
                                 .where(SubgroupMember.subgroup_id.in_(sub_ids))).all()
    student_ids = {c.student_id for c in cells} | {f.student_id for f in finals} \
        | {m.student_id for m in members}
    students = {s.id: s for s in db.session.scalars(select(Student).where(or_(
        Student.group_id == group.id, Student.id.in_(student_ids))))}
    lesson_journal = {lesson.id: lesson.journal_id for lesson in lessons}
    by_journal = defaultdict(lambda: {"lessons": [], "cells": [], "finals": [], "students": set()})
    for lesson in lessons:
        by_journal[lesson.journal_id]["lessons"].append(lesson)
    for cell in cells:
        part = by_journal[lesson_journal[cell.lesson_id]]
        part["cells"].append(cell)
        part["students"].add(cell.student_id)
    for final in finals:
        by_journal[final.journal_id]["finals"].append(final)
        by_journal[final.journal_id]["students"].add(final.student_id)
    for subgroup_id, student_id in members:
        for journal in journals:
            if journal.subgroup_id == subgroup_id:
                by_journal[journal.id]["students"].add(student_id)
    result = []
    for journal in journals:
        part = by_journal[journal.id]
        ids_in = part["students"] | ({s.id for s in students.values()
                                      if s.group_id == group.id} if not journal.subgroup_id
                                     else set())
        roster = sorted((students[i] for i in ids_in if i in students),
                        key=lambda s: (_name(s), s.id))
        result.append({
            "id": journal.id, "discipline": str(journal.discipline),
            "subgroup": journal.subgroup.name if journal.subgroup else None,
            "teacher": journal.teacher.get_full_name() if journal.teacher else "",
            "assessment_form": journal.assessment_form,
            "planned_hours": float(journal.planned_hours or 0),
            "students": [{"id": s.id, "name": _name(s), "record_book": s.record_book_number}
                         for s in roster],
            "lessons": [{"id": ls.id, "date": ls.lesson_date.isoformat(),
                         "pair": ls.pair_number, "hours": ls.hours, "topic": ls.topic or "",
                         "lesson_type": ls.lesson_type, "homework": ls.homework or "",
                         "teacher": ls.teacher.get_full_name() if ls.teacher else "",
                         "is_substitution": ls.is_substitution, "is_late": ls.is_late}
                        for ls in part["lessons"]],
            "cells": sorted(({"lesson_id": c.lesson_id, "student_id": c.student_id,
                              "absent": c.absent, "absence_reason": c.absence_reason,
                              "marks": [{"value": m.value, "work_kind": m.work_kind}
                                        for m in c.marks]} for c in part["cells"]),
                            key=lambda c: (c["lesson_id"], c["student_id"])),
            "final_grades": [{"student_id": f.student_id, "period": f.period.name,
                              "kind": f.kind, "value": f.value} for f in part["finals"]],
        })
    return {"group": group.name, "academic_year": year.name,
            "graduation_date": group.graduation_date.isoformat(),
            "retention_until": retention_date(group.graduation_date).isoformat(),
            "journals": result}


# --- the three renderings -----------------------------------------------------------------
def _grid(journal: dict) -> tuple[list, list]:
    cells = {(c["lesson_id"], c["student_id"]): c for c in journal["cells"]}
    header = ["Студент"] + [f"{date.fromisoformat(ls['date']):%d.%m} ({ls['pair']})"
                            for ls in journal["lessons"]] + ["Итоговые"]
    finals = defaultdict(list)
    for grade in journal["final_grades"]:
        finals[grade["student_id"]].append(f"{grade['period']}: {grade['value']}")
    rows = []
    for student in journal["students"]:
        row = [student["name"]]
        for lesson in journal["lessons"]:
            cell = cells.get((lesson["id"], student["id"]))
            row.append(_cell_text(cell) if cell else "")
        row.append("; ".join(finals[student["id"]]))
        rows.append(row)
    return header, rows


def to_xlsx(data: dict) -> bytes:
    """One sheet per journal: the marks grid ready to print on A4, the lessons below it. No
    date of making: the file depends on the data only (its checksum is in the manifest)."""
    book = new_book()
    fixed = datetime(2000, 1, 1)  # fixed document dates: the file depends on data only
    book.properties.created = book.properties.modified = fixed
    used = set()
    for number, journal in enumerate(data["journals"], 1):
        title = re.sub(r"[\[\]:*?/\\]", " ", f"{number} {journal['discipline']}"[:31])
        while title in used:
            title = title[:28] + f"~{number}"
        used.add(title)
        header, rows = _grid(journal)
        lessons = [[f"{date.fromisoformat(ls['date']):%d.%m.%Y}, пара {ls['pair']}, "
                    f"{ls['hours']} ч. Тема: {ls['topic'] or '—'}"
                    + (f". Домашнее задание: {ls['homework']}" if ls["homework"] else "")
                    + (f". Провёл: {ls['teacher']}" if ls["teacher"] else "")]
                   for ls in journal["lessons"]]
        write_table(
            add_sheet(book, title), f"Журнал: {journal['discipline']}",
            header, [[row[0], *[mark(v) for v in row[1:-1]], row[-1]] for row in rows],
            lines=[f"Группа: {data['group']}" + (f", {journal['subgroup']}"
                                                 if journal["subgroup"] else ""),
                   f"Преподаватель: {journal['teacher']}; учебный год {data['academic_year']}"],
            made=False, freeze_columns=1,
            after=[[], ["Содержание занятий"], *lessons], wrap_after=True)
    if not data["journals"]:
        book.create_sheet("Журналы")
    return book_bytes(book)


def to_html(data: dict) -> bytes:
    journals = [dict(j, grid=_grid(j)) for j in data["journals"]]
    return render_template("archive/print.html", data=data, journals=journals,
                           d=lambda iso: f"{date.fromisoformat(iso):%d.%m.%Y}").encode("utf-8")


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


# --- archiving ----------------------------------------------------------------------------
def archive_group(group: StudentGroup, year: AcademicYear, user=None, draft: bool = False,
                  record: ArchiveRecord | None = None) -> ArchiveRecord:
    """Write one group's archive; a draft goes to its own folder and is marked as such, and
    `record` (a draft of the group) is replaced by the new files (7.3)."""
    data = collect(group, year)
    root = private_folder(Path(current_app.config["ARCHIVE_DIR"]))
    year_folder = private_folder(root / (year.name.replace("/", "-") + ("-draft" if draft
                                                                         else "")))
    folder = private_folder(year_folder / _safe(group.name))
    files = {}
    for name, render in zip(FILES, (to_xlsx, to_html, to_json)):
        content = render(data)
        write_private(folder / name, content)  # people's marks: owner only (0600)
        files[name] = _sha(content)
    head = {"group": group.name, "academic_year": year.name, "algorithm": "SHA-256",
            "files": files}
    if draft:
        head["draft"] = "Черновик: последний период учебного года ещё не закрыт."
    manifest = json.dumps(head, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    write_private(folder / "manifest.json", manifest)
    if record is None:
        record = ArchiveRecord(group_id=group.id, academic_year_id=year.id)
        db.session.add(record)
    elif Path(record.directory) != folder:
        shutil.rmtree(record.directory, ignore_errors=True)  # the draft's files go
    record.directory, record.manifest = str(folder), json.dumps(files, sort_keys=True)
    record.manifest_sha256, record.is_draft = _sha(manifest), draft
    record.retention_until = retention_date(group.graduation_date)
    record.created_by_id, record.created_at = getattr(user, "id", None), clock.now()
    db.session.flush()
    audit.record("archive_create", "archive", record.id, user=user,
                 details={"group": group.name, "year": year.name, "files": files,
                          "draft": draft})
    return record


def last_period_closed(year: AcademicYear) -> bool:
    """7.3: the year ends for the archive when its last period is closed by order."""
    last = max(year.periods, key=lambda p: p.number, default=None)
    return last is not None and last.closed_at is not None


def archive_year(year_name: str, user=None,
                 draft: bool = False) -> tuple[list[ArchiveRecord], list[str]]:
    """Archive every group with journals in the year (7.3), once its last period is closed.

    Before that only a draft is made, marked as such: it may be re-run, it does not make the
    year read-only, and the final archive replaces it. A group's final archive is never
    rewritten: a second run makes its supplement of the changes since, or is refused for it
    when there are none. Returns (archives made, messages: refusals and supplements)."""
    year = db.session.scalar(select(AcademicYear).where(AcademicYear.name == year_name.strip()))
    if year is None:
        raise ArchiveError(_("Учебный год «%(year_name)s» не найден (пример: 2025/2026).",
                             year_name=year_name))
    if not draft and not last_period_closed(year):
        raise ArchiveError(_("Архивация за %(year)s учебный год выполняется после закрытия "
                             "его последнего периода приказом; до этого можно сделать только "
                             "черновик архива.", year=year.name))
    groups = db.session.scalars(
        select(StudentGroup).where(StudentGroup.id.in_(
            select(Journal.group_id).where(Journal.academic_year_id == year.id)))
        .order_by(StudentGroup.name)).all()
    if not groups:
        raise ArchiveError(_("За %(year)s учебный год нет журналов: архивировать нечего.",
                             year=year.name))
    existing = {r.group_id: r for r in db.session.scalars(
        select(ArchiveRecord).where(ArchiveRecord.academic_year_id == year.id))}
    made, refused, supplemented = [], [], 0
    waiting = pending([r.id for r in existing.values() if not r.is_draft])
    for group in groups:
        record = existing.get(group.id)
        if record is not None and not record.is_draft and waiting.get(record.id) \
                and not record.destroyed:
            supplement = make_supplement(record, waiting[record.id], user)
            supplemented += 1
            refused.append(_("Группа %(group)s: архив за %(year)s не изменён, изменения после "
                             "архивирования (%(n)s) записаны в дополнение № %(number)s.",
                             group=group.name, year=year.name, n=len(waiting[record.id]),
                             number=supplement.number))
            continue
        if record is not None and not record.is_draft:
            refused.append(_("Группа %(group)s: архив за %(year)s уже создан %(created)s — "
                             "повторное архивирование отклонено, архив не изменён.",
                             group=group.name, year=year.name,
                             created=clock.format_date(record.created_at)))
            continue
        made.append(archive_group(group, year, user, draft=draft, record=record))
    if not made and not supplemented:
        db.session.rollback()
        raise ArchiveError(" ".join(refused))
    db.session.commit()
    return made, refused


def _follow_graduation(session, _flush_context, _instances) -> None:
    """7.4: the retention date follows the group's graduation date wherever it is edited
    (the planned date may move), so destruction never relies on a stale date."""
    moved = [obj for obj in session.dirty if isinstance(obj, StudentGroup)
             and inspect(obj).attrs.graduation_date.history.has_changes()]
    if not moved:
        return
    with session.no_autoflush:
        for group in moved:
            for record in session.scalars(select(ArchiveRecord).where(
                    ArchiveRecord.group_id == group.id, ArchiveRecord.destroyed.is_(False))):
                record.retention_until = retention_date(group.graduation_date)


event.listen(Session, "before_flush", _follow_graduation)


def verify_files(record: ArchiveRecord) -> dict:
    """File name → (checksum in the manifest, checksum now or None if missing)."""
    folder = Path(record.directory)
    result = {}
    for name, expected in json.loads(record.manifest).items():
        path = folder / name
        result[name] = (expected, _sha(path.read_bytes()) if path.is_file() else None)
    return result


def archives() -> list[ArchiveRecord]:
    return db.session.scalars(select(ArchiveRecord).options(
        joinedload(ArchiveRecord.group), joinedload(ArchiveRecord.academic_year))
        .order_by(ArchiveRecord.retention_until, ArchiveRecord.id)).all()


def destroy(archive_id: int, user, confirmed: bool, note: str = "") -> DestructionAct:
    """7.4: destroy an archive past its retention date; the act is kept for good."""
    record = db.session.get(ArchiveRecord, archive_id)
    if record is None:
        raise ArchiveError(_("Архив не найден."))
    if record.destroyed:
        raise ArchiveError(_("Архив уже уничтожен: см. акт об уничтожении."))
    if today() < record.retention_until:
        raise ArchiveError(_("Срок хранения архива истекает %(retention_until)s: уничтожать его "
                             "раньше нельзя (7.4).",
                             retention_until=record.retention_until.strftime("%d.%m.%Y")))
    if not confirmed:
        raise ArchiveError(_("Подтвердите уничтожение архива."))
    if user is None:
        raise ArchiveError(_("Уничтожение выполняет сотрудник, вошедший в систему."))
    files = {name: {"manifest": expected, "at_destruction": actual or "файл отсутствовал"}
             for name, (expected, actual) in verify_files(record).items()}
    files["manifest.json"] = {"manifest": record.manifest_sha256, "at_destruction": (
        _sha((Path(record.directory) / "manifest.json").read_bytes())
        if (Path(record.directory) / "manifest.json").is_file() else "файл отсутствовал")}
    act = DestructionAct(archive_id=record.id, destroyed_by_id=user.id,
                         destroyed_at=clock.now(),
                         group_name=record.group.name, year_name=record.academic_year.name,
                         files=json.dumps(files, ensure_ascii=False, sort_keys=True),
                         note=(note or "").strip() or None)
    record.destroyed = True
    db.session.add(act)
    db.session.flush()
    audit.record("archive_destroy", "archive", record.id, user=user,
                 details={"act": act.id, "group": act.group_name, "year": act.year_name})
    db.session.commit()
    shutil.rmtree(record.directory, ignore_errors=True)  # after the act is safely written
    return act


def acts() -> list[DestructionAct]:
    return db.session.scalars(select(DestructionAct).order_by(DestructionAct.destroyed_at.desc(),
                                                              DestructionAct.id.desc())).all()
