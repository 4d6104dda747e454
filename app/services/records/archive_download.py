"""The year's archive as a download (7.3): IT takes a year's or one group's archive as one
zip, each group's files with their own manifest, and a manifest of the whole zip (SHA-256 of
every file in it). Files are checked against the manifest kept in the database before they go
out: a file changed or lost since archiving is refused, never handed out as the archive.
Every download is audited."""
import hashlib
import json
import re
import tempfile
import zipfile
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...errors import Forbidden, NotFound, Refused
from ...extensions import db
from ...infra import clock
from ...models import AcademicYear, ArchiveRecord, ArchiveSupplement, StudentGroup
from ...security.access import IT_STAFF
from ..scopes import role_names
from . import audit
from .archive_changes import open_in_archived_years
from .archive_supplement import checked_files, supplements_of

CHUNK = 1 << 16


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _folder_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_") or "archive"


def by_year() -> list[dict]:
    """The archives kept, by academic year (newest first), each year's groups by name with their
    supplements, and for an archived year what is still open in it (its debts not closed, the
    changes not yet in a supplement): what the archive page lists (no server paths). A fixed
    number of queries."""
    records = db.session.scalars(
        select(ArchiveRecord).options(joinedload(ArchiveRecord.group),
                                      joinedload(ArchiveRecord.academic_year))).all()
    years: dict[int, dict] = {}
    for record in records:
        year = record.academic_year
        entry = years.setdefault(year.id, {"year": year, "records": []})
        entry["records"].append(record)
    supplements = supplements_of([r.id for r in records])
    still_open = open_in_archived_years(
        {r.academic_year_id for r in records if not r.is_draft})
    for year_id, entry in years.items():
        entry["records"].sort(key=lambda r: (r.group.name, r.id))
        entry["kept"] = [r for r in entry["records"] if not r.destroyed]
        entry["supplements"] = {r.id: supplements.get(r.id, []) for r in entry["records"]}
        entry["open"] = still_open.get(year_id)
        if entry["open"] is not None:
            entry["open"]["groups"] = {r.group_id: r.group.name for r in entry["records"]}
            entry["open"]["waiting"] = sum(entry["open"]["pending"].values())
    return sorted(years.values(), key=lambda e: e["year"].start_date, reverse=True)


def _records(year_id: int, group_id: int | None) -> tuple[AcademicYear, list[ArchiveRecord]]:
    year = db.session.get(AcademicYear, year_id)
    if year is None:
        raise NotFound(_("Учебный год не найден."))
    query = select(ArchiveRecord).where(ArchiveRecord.academic_year_id == year.id,
                                        ArchiveRecord.destroyed.is_(False))
    if group_id is not None:
        if db.session.get(StudentGroup, group_id) is None:
            raise NotFound(_("Группа не найдена."))
        query = query.where(ArchiveRecord.group_id == group_id)
    records = db.session.scalars(query.options(joinedload(ArchiveRecord.group))).all()
    if not records:
        raise Refused(_("За %(year)s учебный год архива нет: сначала заархивируйте год.",
                        year=year.name))
    return year, sorted(records, key=lambda r: r.group.name)


def _checked_files(record: ArchiveRecord) -> list[tuple[Path, str]]:
    """The record's files with their checksums, each as the manifest says, or a refusal."""
    folder = Path(record.directory)
    files = [(name, expected) for name, expected in json.loads(record.manifest).items()]
    files.append(("manifest.json", record.manifest_sha256))
    checked = []
    for name, expected in files:
        path = folder / name
        actual = _sha(path) if path.is_file() else None
        if actual != expected:
            raise Refused(_("Архив группы %(group)s за %(year)s повреждён: файл «%(name)s» "
                            "%(state)s. Восстановите архив из резервной копии.",
                            group=record.group.name, year=record.academic_year.name,
                            name=name, state=_("отсутствует") if actual is None
                            else _("не совпадает с манифестом")))
        checked.append((path, actual))
    return checked


def archive_zip(user, year_id: int, group_id: int | None = None):
    """The zip of a year's archives (or one group's) as (file name, open temporary file):
    `<year>/<group>/…` with each group's files and manifest, and `manifest.json` of the whole
    zip. Only IT takes it (7.3); the download is audited."""
    if not role_names(user) & IT_STAFF:
        raise Forbidden(_("Архив скачивает служба ИТ."))
    year, records = _records(year_id, group_id)
    top = _folder_name(year.name.replace("/", "-"))
    out = tempfile.TemporaryFile()
    entries = {}
    supplements = supplements_of([r.id for r in records])
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for record in records:
            group = _folder_name(record.group.name)
            files = _checked_files(record)
            for supplement in supplements.get(record.id, []):
                files += checked_files(supplement)
            for path, digest in files:
                name = f"{top}/{group}/{path.name}"
                bundle.write(path, name)
                entries[name] = digest
        manifest = {"academic_year": year.name, "algorithm": "SHA-256",
                    "made": clock.format_moment(clock.now()),
                    "groups": {r.group.name: {"draft": r.is_draft,
                                              "retention_until": f"{r.retention_until:%d.%m.%Y}",
                                              "created": clock.format_date(r.created_at)}
                               for r in records},
                    "files": entries}
        bundle.writestr(f"{top}/manifest.json",
                        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    out.seek(0)
    audit.record("archive_download", "archive", records[0].id if group_id else None,
                 user=user, details={"year": year.name,
                                     "groups": [r.group.name for r in records],
                                     "files": len(entries)})
    db.session.commit()
    suffix = f"-group-{group_id}" if group_id else ""  # a header's file name stays ASCII
    return f"archive-{re.sub(r'[^0-9A-Za-z.-]+', '-', top)}{suffix}.zip", out


def supplement_zip(user, supplement_id: int):
    """One supplement of a group's archive as a zip (its files and manifest), checked against
    the manifest kept in the database; only IT takes it (7.3), the download is audited."""
    if not role_names(user) & IT_STAFF:
        raise Forbidden(_("Архив скачивает служба ИТ."))
    supplement = db.session.get(ArchiveSupplement, supplement_id)
    if supplement is None:
        raise NotFound(_("Дополнение архива не найдено."))
    record = supplement.archive
    if record.destroyed:
        raise Refused(_("Архив уничтожен: см. акт об уничтожении."))
    files = checked_files(supplement)
    top = _folder_name(record.academic_year.name.replace("/", "-"))
    out = tempfile.TemporaryFile()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path, _digest in files:
            bundle.write(path, f"{top}/{_folder_name(record.group.name)}/{path.name}")
    out.seek(0)
    audit.record("archive_download", "archive_supplement", supplement.id, user=user,
                 details={"year": record.academic_year.name, "groups": [record.group.name],
                          "supplement": supplement.number, "files": len(files)})
    db.session.commit()
    return (f"archive-{re.sub(r'[^0-9A-Za-z.-]+', '-', top)}-group-{record.group_id}-"
            f"supplement-{supplement.number}.zip", out)
