"""Supplements of a year's archive (7.3). The first archive of a group is written once and never
changes; what is done in the archived year afterwards (archive_changes.py) goes into numbered
supplements beside it: `supplement-<n>.xlsx` and `.json` — each change with what, about whom,
old → new, the reason, who and when — and `supplement-<n>.manifest.json` with their SHA-256
and the first archive's manifest checksum they extend. A supplement is made when IT runs the
year's archive again, from the archive page or by `flask journal archive-supplement`."""
import hashlib
import json
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...errors import NotFound, Refused
from ...extensions import db
from ...infra import clock
from ...infra.private_files import write_private
from ...labels import ACTIONS, russian
from ...models import AcademicYear, ArchiveChange, ArchiveRecord, ArchiveSupplement
from ...exports.book import add_sheet, book_bytes, new_book, write_table
from . import audit
from .archive_changes import pending

HEADERS = ("Когда", "Кто", "Что сделано", "Кого и что касается", "Было", "Стало", "Основание")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rows(changes: list[ArchiveChange]) -> list[dict]:
    return [{"when": clock.format_moment(c.changed_at),
             "who": c.changed_by.get_full_name() if c.changed_by else "",
             "what": russian(ACTIONS, c.action, c.action), "subject": c.subject,
             "old": c.old_value or "", "new": c.new_value or "", "reason": c.reason or ""}
            for c in changes]


def _xlsx(head: dict, rows: list[dict]) -> bytes:
    book = new_book()
    book.properties.created = book.properties.modified = clock.now().replace(tzinfo=None)
    write_table(add_sheet(book, f"Дополнение {head['number']}"),
                f"Дополнение № {head['number']} к архиву журналов",
                list(HEADERS), [[r[k] for k in ("when", "who", "what", "subject", "old", "new",
                                                "reason")] for r in rows],
                lines=[f"Группа: {head['group']}; учебный год {head['academic_year']}",
                       f"Архив создан {head['archive_created']}; дополнение сформировано "
                       f"{head['made']}"], made=False, wrap_after=True)
    return book_bytes(book)


def make(record: ArchiveRecord, changes: list[ArchiveChange], user=None) -> ArchiveSupplement:
    """Write the next supplement of `record` with `changes` (not yet in one) and mark them."""
    number = (db.session.scalar(select(func.max(ArchiveSupplement.number)).where(
        ArchiveSupplement.archive_id == record.id)) or 0) + 1
    supplement = ArchiveSupplement(archive_id=record.id, number=number,
                                   created_by_id=getattr(user, "id", None),
                                   created_at=clock.now())
    head = {"group": record.group.name, "academic_year": record.academic_year.name,
            "number": number, "archive_created": clock.format_moment(record.created_at),
            "made": clock.format_moment(supplement.created_at)}
    rows = _rows(changes)
    folder = Path(record.directory)
    files = {}
    for suffix, content in (
            ("xlsx", _xlsx(head, rows)),
            ("json", json.dumps(dict(head, changes=rows), ensure_ascii=False, indent=1,
                                sort_keys=True).encode("utf-8"))):
        name = f"{supplement.prefix}.{suffix}"
        write_private(folder / name, content)  # people's marks: owner only (0600)
        files[name] = _sha(content)
    manifest = json.dumps(dict(head, algorithm="SHA-256", files=files,
                               archive_manifest_sha256=record.manifest_sha256),
                          ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    write_private(folder / f"{supplement.prefix}.manifest.json", manifest)
    supplement.manifest = json.dumps(files, sort_keys=True)
    supplement.manifest_sha256 = _sha(manifest)
    db.session.add(supplement)
    db.session.flush()
    for change in changes:
        change.supplement_id = supplement.id
    audit.record("archive_supplement", "archive_supplement", supplement.id, user=user,
                 details={"group": record.group.name, "year": record.academic_year.name,
                          "number": number, "changes": len(changes), "files": files})
    return supplement


def supplement_records(records: list[ArchiveRecord], user=None) -> list[ArchiveSupplement]:
    """A supplement for each of these final archives that has changes waiting (7.3)."""
    waiting = pending([r.id for r in records if not r.is_draft and not r.destroyed])
    return [make(r, waiting[r.id], user) for r in records if waiting.get(r.id)]


def supplement_year(year_name: str, user=None) -> list[ArchiveSupplement]:
    """The year's supplements: one per group whose archive has changes not yet in one."""
    year = db.session.scalar(select(AcademicYear).where(AcademicYear.name == year_name.strip()))
    if year is None:
        raise NotFound(_("Учебный год «%(year_name)s» не найден (пример: 2025/2026).",
                         year_name=year_name))
    records = db.session.scalars(select(ArchiveRecord).where(
        ArchiveRecord.academic_year_id == year.id, ArchiveRecord.is_draft.is_(False),
        ArchiveRecord.destroyed.is_(False)).options(
        joinedload(ArchiveRecord.group), joinedload(ArchiveRecord.academic_year))
        .order_by(ArchiveRecord.id)).all()
    if not records:
        raise Refused(_("За %(year)s учебный год архива нет: дополнение составляется к "
                        "созданному архиву.", year=year.name))
    made = supplement_records(records, user)
    if not made:
        raise Refused(_("После архивирования %(year)s учебного года изменений нет: "
                        "дополнять архив нечем.", year=year.name))
    db.session.commit()
    return made


def supplements_of(record_ids) -> dict[int, list[ArchiveSupplement]]:
    """Archive id → its supplements by number (one query)."""
    out: dict[int, list[ArchiveSupplement]] = {}
    if record_ids:
        for s in db.session.scalars(select(ArchiveSupplement).where(
                ArchiveSupplement.archive_id.in_(list(record_ids)))
                .order_by(ArchiveSupplement.number)):
            out.setdefault(s.archive_id, []).append(s)
    return out


def checked_files(supplement: ArchiveSupplement) -> list[tuple[Path, str]]:
    """The supplement's files with their checksums, each as its manifest says, or a refusal."""
    record = supplement.archive
    folder = Path(record.directory)
    expected = list(json.loads(supplement.manifest).items()) + [
        (f"{supplement.prefix}.manifest.json", supplement.manifest_sha256)]
    checked = []
    for name, digest in expected:
        path = folder / name
        actual = _sha(path.read_bytes()) if path.is_file() else None
        if actual != digest:
            raise Refused(_("Дополнение № %(number)s к архиву группы %(group)s за %(year)s "
                            "повреждено: файл «%(name)s» %(state)s. Восстановите архив из "
                            "резервной копии.", number=supplement.number,
                            group=record.group.name, year=record.academic_year.name, name=name,
                            state=_("отсутствует") if actual is None
                            else _("не совпадает с манифестом")))
        checked.append((path, actual))
    return checked
