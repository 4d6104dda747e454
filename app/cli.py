"""Operational commands: `flask journal …` (init, demo, audit-verify, backup, archive…)."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .infra.text_hygiene import TextRefused, check_text

journal_cli = AppGroup("journal", help="Электронный журнал: служебные команды.")


def _plain_text(_ctx, param, value):
    """Text arguments hold no control characters (the same rule as forms and the API)."""
    if isinstance(value, str):
        try:
            check_text(param.name, value)
        except TextRefused as exc:
            raise click.BadParameter(exc.message) from None
    return value


@journal_cli.command("init")
@click.option("--no-upgrade", is_flag=True, help="Не применять миграции.")
def init_command(no_upgrade: bool) -> None:
    """Apply migrations, create permissions and keep the roles in sync (safe to repeat)."""
    from flask_migrate import upgrade
    if not no_upgrade:
        upgrade(revision="heads")
    counts = current_app.appbuilder.sm.sync_journal_roles()
    for role, n in counts.items():
        click.echo(f"{role}: {n} прав")
    from .services.records.audit import install_guard
    if install_guard():  # PostgreSQL: UPDATE/DELETE of audit_log refused by a trigger (4.1)
        click.echo("Журнал аудита защищён триггером от изменения и удаления.")
    click.echo("Роли и права синхронизированы.")


@journal_cli.command("create-admin")
@click.option("--username", default="admin", show_default=True, callback=_plain_text)
@click.option("--password", required=True, callback=_plain_text)
@click.option("--email", default="admin@college.local", show_default=True,
              callback=_plain_text)
def create_admin_command(username: str, password: str, email: str) -> None:
    """Create the system administrator account (no default admin/admin exists)."""
    from .security.passwords import password_problems
    sm = current_app.appbuilder.sm
    problems = password_problems(password, username=username,
                                 names=("Администратор", "системы", email.split("@")[0]))
    if problems:
        raise click.ClickException("Пароль слишком простой: " + ", ".join(problems))
    if sm.find_user(username=username):
        raise click.ClickException(f"Пользователь {username} уже существует.")
    sm.add_user(username, "Администратор", "системы", email, [sm.find_role("Admin")], password)
    click.echo(f"Создан администратор {username}.")


@journal_cli.command("demo")
@click.option("--password", required=True, callback=_plain_text,
              help="Пароль всех демонстрационных учётных записей.")
@click.option("--seed", default=2025, show_default=True, help="Зерно генератора данных.")
@click.option("--if-empty", "if_empty", is_flag=True,
              help="Если в базе уже есть колледж, сообщить об этом и ничего не делать.")
def demo_command(password: str, seed: int, if_empty: bool) -> None:
    """Build the demo college (refuses to run on a non-empty database).

    With --if-empty the database itself answers whether a college is there (scripts/start.sh
    asks it on every start, so a new database gets its demo and an old one keeps its data)."""
    from .demo.college import DemoError, build_demo, holds_college
    if if_empty and holds_college():
        click.echo("В базе уже есть колледж: демо-колледж не строится.")
        return
    if if_empty:
        click.echo("База пуста: строится демо-колледж (до минуты)...")
    try:
        summary = build_demo(password=password, seed=seed)
    except DemoError as exc:
        raise click.ClickException(str(exc))
    for line in summary:
        click.echo(line)


@journal_cli.command("audit-verify")
def audit_verify_command() -> None:
    """Check the audit log's keyed hash chain; names the first bad entry and prints the head,
    to compare with the head written down earlier or recorded in a backup (4.1)."""
    from .services.records.audit import head, verify_chain
    ok, entry, reason = verify_chain()
    last_id, last_hash = head()
    click.echo(f"Конец цепочки: запись №{last_id}, хеш {last_hash}")
    if ok:
        click.echo("Журнал аудита цел.")
        return
    click.echo(f"Журнал аудита нарушен: {reason}", err=True)
    sys.exit(1)


@journal_cli.command("import")
@click.argument("kind", type=click.Choice(["students", "curricula", "load"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(kind: str, path: str) -> None:
    """Import students, curricula or teaching load from XLSX/CSV (all or nothing, 4.2)."""
    from pathlib import Path

    from .services.college.import_tables import ImportRefused
    from .services.college.imports import import_file
    try:
        summary = import_file(kind, Path(path).name, Path(path).read_bytes())
    except ImportRefused as refused:
        click.echo("Файл не загружен, ничего не записано:", err=True)
        for line in refused.problems:
            click.echo(f"  {line}", err=True)
        sys.exit(1)
    click.echo("Загружено: " + "; ".join(f"{k}: {v}" for k, v in summary.items()) + ".")


@journal_cli.command("import-plan")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True,
              help="Применить изменения уже загруженного плана (без него — только показать).")
def import_plan_command(path: str, yes: bool) -> None:
    """Import a working curriculum from «Планы» (.plx): prints the difference; a new plan is
    written at once, a change to a plan already kept only with --yes (4.2)."""
    from pathlib import Path

    from .errors import DomainError
    from .services.college.plan_apply import import_plan, preview
    from .services.college.plx import PlanRefused
    data = Path(path).read_bytes()
    try:
        look = preview(data)
        diff = look.diff
        click.echo(f"Учебный план {diff.specialty}, набор {diff.admission_year}: "
                   + ("новый." if diff.new else "уже загружен."))
        if diff.empty:
            click.echo("Изменений нет, ничего не записано.")
            return
        for line in diff.lines():
            click.echo(line)
        if not (diff.new or yes):
            click.echo("Изменения не применены: повторите с --yes, чтобы применить их.")
            sys.exit(2)
        _look, curriculum = import_plan(data, Path(path).name, seen_digest=diff.digest)
    except PlanRefused as refused:
        click.echo("План не загружен, ничего не записано:", err=True)
        for line in refused.problems:
            click.echo(f"  {line}", err=True)
        sys.exit(1)
    except DomainError as refused:
        click.echo(f"План не загружен: {refused.message}", err=True)
        sys.exit(1)
    click.echo(f"Загружено: учебный план «{curriculum.name}», строк плана {len(look.plan.rows)}.")


@journal_cli.command("backup")
def backup_command() -> None:
    """Make a verified backup (7.1): copy, SHA-256, test restore, an entry in the signed list
    of copies (BACKUP_DIR/manifest.json), keep the last BACKUP_KEEP."""
    from .services.records.backup import BackupError, make_backup
    from .services.records.backup_manifest import MANIFEST_NAME, key_id
    try:
        record = make_backup()
    except BackupError as exc:
        raise click.ClickException(str(exc))
    import json
    result = json.loads(record.verification)
    click.echo(f"Копия {record.file_name}: {record.size_bytes} байт, SHA-256 {record.sha256}.")
    click.echo(f"Внесена в подписанный список копий {MANIFEST_NAME} (ключ {key_id()}).")
    if not record.verified:
        click.echo("Проверка НЕ пройдена: " + json.dumps(result, ensure_ascii=False), err=True)
        sys.exit(1)
    click.echo(f"Проверена: восстановлена во временную базу за {result['restore_seconds']} с, "
               f"таблиц {result['tables']}, строк {result['rows']} — совпадает.")
    head = result.get("audit_head") or {"last_id": 0, "last_hash": "0" * 64}
    click.echo(f"Конец цепочки аудита в копии: запись №{head['last_id']}, "
               f"хеш {head['last_hash']}")


@journal_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Не спрашивать подтверждения.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database with a backup (asks unless --yes). Refuses a file the signed list
    of copies does not hold, or whose checksum or the list's signature fails; only a private
    checked copy of the file is read."""
    from pathlib import Path

    from .services.records.backup import BackupError, check_backup, restore
    file = Path(path)
    try:
        check_backup(file)
    except BackupError as exc:
        raise click.ClickException(str(exc))
    if not yes:
        click.confirm(f"Все текущие данные будут заменены копией {file.name}. Продолжить?",
                      abort=True)
    try:
        seconds = restore(file)
    except BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"База восстановлена из {file.name} за {seconds:.1f} с.")


@journal_cli.command("archive")
@click.option("--year", "year_name", required=True, callback=_plain_text,
              help="Учебный год, например 2025/2026.")
@click.option("--draft", is_flag=True, help="Черновик архива до закрытия последнего периода.")
def archive_command(year_name: str, draft: bool) -> None:
    """Archive every group's journals of the year (7.3): XLSX, HTML, JSON, manifest; a draft
    before the year's last period is closed."""
    from .services.records.archive import ArchiveError, archive_year
    try:
        made, refused = archive_year(year_name, draft=draft)
    except ArchiveError as exc:
        raise click.ClickException(str(exc))
    for record in made:
        click.echo(f"{record.group.name}: {record.directory} (хранить до "
                   f"{record.retention_until:%d.%m.%Y})")
    for line in refused:
        click.echo(line, err=True)


@journal_cli.command("archive-supplement")
@click.option("--year", "year_name", required=True, callback=_plain_text,
              help="Учебный год, например 2025/2026.")
def archive_supplement_command(year_name: str) -> None:
    """The supplement of a year's archive (7.3): the changes made after archiving (retakes,
    the deputy's corrections), one file set per group; the first archive is not touched."""
    from .errors import DomainError
    from .services.records.archive_supplement import supplement_year
    try:
        made = supplement_year(year_name)
    except DomainError as exc:
        raise click.ClickException(str(exc))
    for supplement in made:
        record = supplement.archive
        click.echo(f"{record.group.name}: дополнение № {supplement.number} — "
                   f"{record.directory}/{supplement.prefix}.*")


@journal_cli.command("weekly-reports")
@click.option("--group", "group_name", required=True, callback=_plain_text,
              help="Название группы, например ИС-24-1.")
@click.option("--week", default="", help="Любой день недели: ДД.ММ.ГГГГ или ГГГГ-ММ-ДД "
                                         "(по умолчанию прошлая неделя).")
def weekly_reports_command(group_name: str, week: str) -> None:
    """E-mail the weekly reports of a group to parents (3.3, 5.2); safe to repeat."""
    from .services.portal import weekly_reports
    try:
        group = weekly_reports.group_for(None, name=group_name)
        week_start = weekly_reports.parse_week(week)
        result = weekly_reports.send(group, week_start)
    except weekly_reports.WeeklyReportError as exc:
        raise click.ClickException(str(exc))
    for name, email in result["sent"]:
        click.echo(f"отправлено: {name} → {email}")
    for name, email in result["skipped"]:
        click.echo(f"уже отправлено ранее: {name} → {email}")
    for name, why in result["no_recipient"]:
        click.echo(f"не отправлялось: {name} ({why})")
    for name, email, error in result["failed"]:
        click.echo(f"ОШИБКА: {name} → {email}: {error}", err=True)
    click.echo(f"Группа {group.name}, неделя с {week_start:%d.%m.%Y}: отправлено "
               f"{len(result['sent'])}, ранее {len(result['skipped'])}, "
               f"ошибок {len(result['failed'])}.")
    if result["failed"]:
        sys.exit(1)


@journal_cli.command("deliver-mail")
def deliver_mail_command() -> None:
    """Send the queued weekly report e-mails (3.3): run by cron every few minutes, it takes
    what a page queued and a stopped worker did not finish; safe to run in parallel."""
    from .services.notifications import letters
    from .services.portal import weekly_reports
    result = weekly_reports.deliver()
    for name, email, error in result["failed"]:
        click.echo(f"ОШИБКА: {name} → {email}: {error}", err=True)
    click.echo(f"Отправлено писем: {len(result['sent'])}, ошибок: {len(result['failed'])}.")
    # the notifications' letters (digests, reminders): their own queue, the same server
    notices = letters.deliver()
    for email, error in notices["failed"]:
        click.echo(f"ОШИБКА: уведомления → {email}: {error}", err=True)
    click.echo(f"Уведомлений и напоминаний отправлено: {len(notices['sent'])}, ошибок: "
               f"{len(notices['failed'])}.")
    if result["failed"] or notices["failed"]:
        sys.exit(1)


def _moment(text):
    """--at: a moment (ISO; without a zone it is the college's wall time); none = now."""
    from datetime import datetime

    from .infra import clock
    if not text:
        return clock.now()
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter("ожидается дата и время ISO, например 2026-12-01T18:00") \
            from None
    return moment.replace(tzinfo=clock.college_zone()) if moment.tzinfo is None else moment


@journal_cli.command("remind")
@click.option("--at", "at", default="", help="Момент (ISO, время техникума); по умолчанию сейчас.")
def remind_command(at: str) -> None:
    """Give the reminders due now (teachers, curators, the deputy, IT): each at most once per
    its period, so running it every few minutes is safe."""
    from .services.notifications.reminders import run_due_reminders
    counts = run_due_reminders(_moment(at))
    click.echo(f"Напоминаний: преподавателям {counts['teacher']}, кураторам "
               f"{counts['curator']}, заместителю директора {counts['deputy']}, "
               f"отделу ИТ {counts['it']}.")


@journal_cli.command("send-digests")
@click.option("--at", "at", default="", help="Момент (ISO, время техникума); по умолчанию сейчас.")
def send_digests_command(at: str) -> None:
    """Queue the daily e-mail digests whose hour has come (one per user and day; delivered
    by `deliver-mail`)."""
    from .services.notifications.digests import send_digests
    counts = send_digests(_moment(at))
    click.echo(f"Сводок поставлено в очередь: {counts['queued']}, без новых уведомлений: "
               f"{counts['skipped']}.")


@journal_cli.command("debts-sync")
def debts_sync_command() -> None:
    """Recompute the academic debts of every closed period (safe to repeat; for cron)."""
    from .extensions import db
    from .services.assessment import debts
    counts = debts.sync_debts()
    db.session.commit()
    click.echo(f"Задолженности: создано {counts['created']}, закрыто исправлением оценки "
               f"{counts['closed']}, уточнено {counts['updated']}.")


@journal_cli.command("worker")
@click.option("--workers", "-w", type=int, default=None,
              help="Потоков исполнителя (по умолчанию JOB_WORKERS).")
@click.option("--no-periodic", is_flag=True,
              help="Не запускать задания по расписанию (только очередь).")
@click.option("--drain", is_flag=True, help="Выполнить то, что уже в очереди, и выйти.")
def worker_command(workers, no_periodic: bool, drain: bool) -> None:
    """The job worker: Huey's consumer with the portal (mail, weekly reports, backups, long
    jobs). Several may run, on one host or several (Redis): each due duty runs once."""
    import logging

    from .jobs import huey, run_pending
    from .jobs.registry import tick_now
    if huey.immediate:
        raise click.ClickException("HUEY_IMMEDIATE включён: исполнитель не нужен.")
    if drain:
        click.echo(f"Выполнено заданий: {run_pending()}.")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if not no_periodic:
        tick_now()  # a slot due while no worker ran is taken at once
    consumer = huey.create_consumer(
        workers=workers or current_app.config.get("JOB_WORKERS", 2), worker_type="thread",
        periodic=not no_periodic, initial_delay=0.1, backoff=1.15, max_delay=1.0,
        check_worker_health=True)
    consumer.run()


@journal_cli.command("jobs")
def jobs_command() -> None:
    """Every scheduled duty: its time, next run, last run and result; failures of the week."""
    from .jobs.overview import overview
    data = overview()
    click.echo(f"Очередь: {data['storage']}, ожидают выполнения: {data['pending']}.")
    for row in data["duties"]:
        click.echo(f"{row['name']}: {row['title']} — {row['when']}; следующий запуск "
                   f"{row['next']}; последний {row['last'] or 'не было'}"
                   + (f" ({row['last_state']}: {row['last_result']})" if row["last"] else ""))
    click.echo(f"Сбоев за неделю: {len(data['failures'])}.")
    for run in data["failures"]:
        click.echo(f"  {run['started']} {run['name']}: {run['error']}", err=True)


@journal_cli.command("send-test-mail")
@click.argument("address", callback=_plain_text)
def send_test_mail_command(address: str) -> None:
    """Queue one test message to ADDRESS through the job queue (the worker sends it)."""
    from .errors import DomainError
    from .jobs.mail import queue_test_mail
    try:
        job = queue_test_mail(address)
    except DomainError as exc:
        raise click.ClickException(exc.message)
    click.echo(f"Проверочное письмо для {address} поставлено в очередь (задание №{job.id}); "
               "его отправит исполнитель заданий, состояние — на странице /jobs/.")
