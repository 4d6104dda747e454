"""The long jobs people start from their pages: the debts register's XLSX (4.7), an import
(4.2), a year's archive (7.3) and a backup (7.1). Each reports its stages to the progress bar
and returns its result; the services they call check the rights and rules as on the page."""
from pathlib import Path

from flask_babel import gettext as _, lazy_gettext as _l

from ..errors import Refused
from ..exports.debt_register import register_xlsx
from ..extensions import db
from ..infra.clock import today
from ..security.access import DEBT_READERS, IT_STAFF
from ..services.assessment import debt_register
from ..services.college import imports
from ..services.college.import_tables import ImportRefused
from ..services.records import archive, audit, backup
from .background import Outcome, job_kind


@job_kind("debts_xlsx", title=_l("Реестр задолженностей в XLSX"), roles=DEBT_READERS)
def debts_xlsx(progress, user, filters: dict) -> Outcome:
    day = today()
    clean = debt_register.clean_filters(filters)
    progress(10, _("отбор задолженностей"))
    data = debt_register.register(user, clean, day)
    progress(40, _("строки реестра"))
    table = debt_register.register_table(user, clean, day)
    progress(70, _("запись книги XLSX"))
    book = register_xlsx(data, table)
    audit.record("export", "academic_debt", None, user=user,
                 details={"format": "xlsx", "rows": len(table[0])})
    db.session.commit()
    return Outcome(_("строк в реестре: %(n)s", n=len(table[0])), "debts.xlsx", book)


@job_kind("import", title=_l("Импорт из XLSX/CSV"), roles={"Administration"})
def import_table(progress, user, table: str, filename: str, path: str) -> Outcome:
    source = Path(path)
    data = source.read_bytes()
    source.unlink(missing_ok=True)
    progress(20, _("проверка файла"))
    try:
        summary = imports.import_file(table, filename, data, user=user)
    except ImportRefused as refused:  # every problem on its own line of the job's error
        raise Refused("\n".join([_("Файл не загружен, ничего не записано:")]
                                + [str(p) for p in refused.problems])) from None
    db.session.commit()
    return Outcome(_("Загружено: %(what)s.",
                     what="; ".join(f"{k}: {v}" for k, v in summary.items())))


@job_kind("archive", title=_l("Архив учебного года"), roles=IT_STAFF)
def archive_year(progress, user, year: str, draft: bool) -> Outcome:
    progress(10, _("выгрузка журналов групп"))
    made, refused = archive.archive_year(year, user=user, draft=draft)
    text = _("Заархивировано групп: %(n)s.", n=len(made))
    return Outcome(" ".join([text] + [str(line) for line in refused]))


@job_kind("backup", title=_l("Резервная копия"), roles=IT_STAFF)
def make_backup(progress, user) -> Outcome:
    progress(10, _("копирование базы и проверка восстановлением"))
    record = backup.make_backup(user=user)
    if not record.verified:
        raise backup.BackupError(_("Копия %(name)s создана, но проверка НЕ пройдена.",
                                   name=record.file_name))
    return Outcome(_("Копия %(name)s создана и проверена.", name=record.file_name))
