"""The archive that lets the year finish (7.3, 4.7, 273-ФЗ art. 58): in an archived year the
debts stay open to retakes and their results until each debt's deadline; what is done after the
archive is logged and goes into a numbered supplement with its own checksums, the first archive
never changes; the archive page says what is still open in the archived year."""
import hashlib
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import func, select

from app.errors import DomainError
from app.models import ArchiveChange, ArchiveRecord, ArchiveSupplement, AuditLog, FinalGrade
from app.models.debts import AcademicDebt, Retake
from app.services.assessment import retakes
from app.services.records import archive
from tests.test_debts import closed, debt_of  # noqa: F401

DEADLINE = date(2026, 3, 17)  # the autumn's closing order (16.01.2026) + 60 days
RETAKE_DAY = date(2026, 2, 2)


@pytest.fixture()
def archived(closed, db):  # noqa: F811
    """The test college with the autumn's debts, the year's last period closed and the year
    archived (7.3)."""
    from app.models import Period
    from app.models.base import utcnow
    db.session.query(Period).filter_by(id=closed.spring.id).update({
        "closed_at": utcnow(), "closed_by_id": closed.deputy.id,
        "close_order_number": "51-у", "close_order_date": date(2026, 1, 19)})
    db.session.commit()
    archive.archive_year("2025/2026", user=closed.it)
    assert debt_of(db, closed.student1, closed.journal_a_op).deadline == DEADLINE
    return closed


def _record(db, c) -> ArchiveRecord:
    return db.session.scalar(select(ArchiveRecord).where(ArchiveRecord.group_id
                                                         == c.group_a.id))


def _first_archive_sums(record: ArchiveRecord) -> dict:
    folder = Path(record.directory)
    names = list(json.loads(record.manifest)) + ["manifest.json"]
    return {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in names}


def _schedule(c, debt, retake_date=RETAKE_DAY, today=date(2026, 1, 20)) -> Retake:
    return retakes.schedule_retake(c.deputy, [debt.id], retake_date, "ауд. 214",
                                   examiner_id=c.teacher1.id, today=today, starts_at="14:00")


def test_a_retake_result_is_accepted_until_the_debts_deadline(archived, db, login, app,
                                                             monkeypatch):
    c = archived
    debt = debt_of(db, c.student1, c.journal_a_op)
    retake = _schedule(c, debt)
    db.session.commit()
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", RETAKE_DAY.isoformat())
    response = login("teacher1").post(f"/debts/retake/{retake.id}/result",
                                      data={f"result-{retake.entries[0].id}": "4"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AcademicDebt, debt.id).status == "closed"
    assert db.session.scalar(select(FinalGrade.value).where(
        FinalGrade.student_id == c.student1.id, FinalGrade.journal_id == c.journal_a_op.id,
        FinalGrade.kind == "exam")) == "4"
    changes = db.session.scalars(select(ArchiveChange).order_by(ArchiveChange.id)).all()
    assert [(ch.action, ch.old_value, ch.new_value) for ch in changes] == [
        ("retake_schedule", None, "02.02.2026, 14:00, ауд. 214"), ("retake_result", "2", "4"),
        ("final_grade_change", "2", "4")]
    assert {ch.archive_id for ch in changes} == {_record(db, c).id}
    assert {"retake_schedule", "retake_result", "final_grade_change"} <= set(
        db.session.scalars(select(AuditLog.action)))


def test_after_the_deadline_the_archived_year_refuses_the_retake(archived, db, login, app,
                                                                monkeypatch):
    c = archived
    debt = debt_of(db, c.student1, c.journal_a_op)
    with pytest.raises(DomainError) as late:  # a retake dated after the deadline
        _schedule(c, debt, retake_date=date(2026, 3, 20))
    assert "позже срока ликвидации" in late.value.message and "17.03.2026" in late.value.message
    db.session.rollback()
    with pytest.raises(DomainError) as past:  # scheduled once the deadline has passed
        _schedule(c, debt, retake_date=date(2026, 3, 20), today=date(2026, 3, 18))
    assert past.value.status == 403 and "истёк 17.03.2026" in past.value.message
    db.session.rollback()
    retake = _schedule(c, debt, retake_date=date(2026, 3, 10), today=date(2026, 3, 1))
    db.session.commit()
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2026-03-18")
    response = login("teacher1").post(f"/debts/retake/{retake.id}/result",
                                      data={f"result-{retake.entries[0].id}": "4"})
    assert response.status_code == 403
    assert "истёк 17.03.2026" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AcademicDebt, debt.id).status == "open"
    assert db.session.scalar(select(FinalGrade.value).where(
        FinalGrade.student_id == c.student1.id, FinalGrade.journal_id == c.journal_a_op.id,
        FinalGrade.kind == "exam")) == "2"
    assert db.session.scalar(select(func.count()).select_from(ArchiveChange).where(
        ArchiveChange.action != "retake_schedule")) == 0
    # on the deadline's day itself the result is still taken
    retakes.enter_results(c.deputy, retake.id, {retake.entries[0].id: "3"}, today=DEADLINE)
    db.session.commit()
    assert db.session.get(AcademicDebt, debt.id).status == "closed"


def test_a_supplement_lists_the_changes_and_the_first_archive_never_changes(
        archived, db, app):
    c = archived
    record = _record(db, c)
    first = _first_archive_sums(record)
    manifest_sha = record.manifest_sha256
    runner = app.test_cli_runner()
    nothing = runner.invoke(args=["journal", "archive-supplement", "--year", "2025/2026"])
    assert nothing.exit_code != 0 and "изменений нет" in nothing.output
    debt = debt_of(db, c.student1, c.journal_a_op)
    retake = _schedule(c, debt)
    retakes.enter_results(c.teacher1, retake.id, {retake.entries[0].id: "4"}, today=RETAKE_DAY)
    db.session.commit()
    # IT runs the year's archive again: the archive stays, its supplement is written
    again = runner.invoke(args=["journal", "archive", "--year", "2025/2026"])
    assert again.exit_code == 0, again.output
    assert "дополнение № 1" in again.output and "ИС-24-2" in again.output
    db.session.expire_all()
    record = _record(db, c)
    assert _first_archive_sums(record) == first and record.manifest_sha256 == manifest_sha
    supplement = db.session.scalars(select(ArchiveSupplement)).one()
    assert (supplement.archive_id, supplement.number) == (record.id, 1)
    folder = Path(record.directory)
    manifest_bytes = (folder / "supplement-1.manifest.json").read_bytes()
    assert hashlib.sha256(manifest_bytes).hexdigest() == supplement.manifest_sha256
    manifest = json.loads(manifest_bytes)
    assert manifest["archive_manifest_sha256"] == manifest_sha
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    data = json.loads((folder / "supplement-1.json").read_text(encoding="utf-8"))
    assert (data["group"], data["academic_year"], data["number"]) == ("ИС-24-1", "2025/2026", 1)
    rows = {(r["what"], r["old"], r["new"]) for r in data["changes"]}
    assert rows == {("назначение пересдачи", "", "02.02.2026, 14:00, ауд. 214"),
                    ("результат пересдачи", "2", "4"), ("изменение итоговой оценки", "2", "4")}
    grade = next(r for r in data["changes"] if r["what"] == "изменение итоговой оценки")
    assert grade["reason"] == f"пересдача №1 от 02.02.2026, ведомость П-{retake.id}"
    assert grade["who"] == c.teacher1.get_full_name() and "Смирнов" in grade["subject"]
    assert grade["when"].count(".") == 2 and ":" in grade["when"]  # dd.mm.yyyy hh:mm
    assert db.session.scalar(select(func.count()).select_from(ArchiveChange).where(
        ArchiveChange.supplement_id.is_(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "archive_supplement")) == 1
    # the next change goes into supplement № 2 through the command; the first stays as it was
    second = debt_of(db, c.student2, c.journal_a_op)
    _schedule(c, second)
    db.session.commit()
    made = runner.invoke(args=["journal", "archive-supplement", "--year", "2025/2026"])
    assert made.exit_code == 0 and "ИС-24-1: дополнение № 2" in made.output, made.output
    db.session.expire_all()
    assert _first_archive_sums(_record(db, c)) == first
    assert hashlib.sha256(manifest_bytes).hexdigest() == hashlib.sha256(
        (folder / "supplement-1.manifest.json").read_bytes()).hexdigest()
    assert sorted(db.session.scalars(select(ArchiveSupplement.number))) == [1, 2]


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_page_says_what_is_still_open_and_gives_the_supplements(archived, db, login):
    c = archived
    g.pop("_login_user", None)
    client = login("it")
    page = client.get("/archive/").get_data(as_text=True)
    assert "Открыто после архивирования" in page
    assert "Задолженностей не закрыто: 5" in page and "17.03.2026" in page
    assert "Смирнов Артём Игоревич" in page and "ОП.01 Операционные системы" in page
    assert "Все изменения после архивирования внесены в дополнения." in page
    debt = debt_of(db, c.student1, c.journal_a_op)
    retake = _schedule(c, debt)
    retakes.enter_results(c.deputy, retake.id, {retake.entries[0].id: "5"}, today=RETAKE_DAY)
    db.session.commit()
    page = client.get("/archive/").get_data(as_text=True)
    assert "Задолженностей не закрыто: 4" in page
    assert "ещё не внесённых в дополнение: 3" in page and "ИС-24-1 — 3" in page
    assert "Сформировать дополнение" in page
    made = client.post("/archive/supplement", data={"year": "2025/2026"})
    assert made.status_code == 302
    page = client.get("/archive/").get_data(as_text=True)
    assert "Все изменения после архивирования внесены в дополнения." in page
    supplement = db.session.scalars(select(ArchiveSupplement)).one()
    assert f"/archive/supplement/{supplement.id}" in page and "Дополнение № 1 от" in page
    assert str(Path(_record(db, c).directory)) not in page
    names = _zip(client.get(f"/archive/supplement/{supplement.id}")).namelist()
    assert sorted(Path(n).name for n in names) == [
        "supplement-1.json", "supplement-1.manifest.json", "supplement-1.xlsx"]
    year = _zip(client.get(f"/archive/zip?year={c.year.id}&group={c.group_a.id}"))
    assert "2025-2026/ИС-24-1/supplement-1.json" in year.namelist()
    listed = json.loads(year.read("2025-2026/manifest.json"))["files"]
    assert "2025-2026/ИС-24-1/supplement-1.xlsx" in listed
    for who in ("deputy", "teacher1"):
        g.pop("_login_user", None)
        assert login(who).get(f"/archive/supplement/{supplement.id}").status_code in (302, 403)
    # a damaged supplement is refused, not handed out
    (Path(_record(db, c).directory) / "supplement-1.json").write_text("{}")
    g.pop("_login_user", None)
    refused = login("it").get(f"/archive/supplement/{supplement.id}")
    assert refused.status_code == 422 and refused.mimetype != "application/zip"
    assert "Дополнение № 1 к архиву группы ИС-24-1 за 2025/2026 повреждено" in \
        refused.get_data(as_text=True)
