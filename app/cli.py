"""Operational commands: `flask journal …` (init, demo, audit-verify, backup, archive…)."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

journal_cli = AppGroup("journal", help="Электронный журнал: служебные команды.")


@journal_cli.command("init")
@click.option("--no-upgrade", is_flag=True, help="Не применять миграции.")
def init_command(no_upgrade: bool) -> None:
    """Apply migrations, create permissions and keep the roles in sync (safe to repeat)."""
    from flask_migrate import upgrade
    if not no_upgrade:
        upgrade()
    counts = current_app.appbuilder.sm.sync_journal_roles()
    for role, n in counts.items():
        click.echo(f"{role}: {n} прав")
    click.echo("Роли и права синхронизированы.")


@journal_cli.command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--password", required=True)
@click.option("--email", default="admin@college.local", show_default=True)
def create_admin_command(username: str, password: str, email: str) -> None:
    """Create the system administrator account (no default admin/admin exists)."""
    from .security_policy import password_problems
    sm = current_app.appbuilder.sm
    problems = password_problems(password)
    if problems:
        raise click.ClickException("Пароль слишком простой: " + ", ".join(problems))
    if sm.find_user(username=username):
        raise click.ClickException(f"Пользователь {username} уже существует.")
    sm.add_user(username, "Администратор", "системы", email, [sm.find_role("Admin")], password)
    click.echo(f"Создан администратор {username}.")


@journal_cli.command("demo")
@click.option("--password", required=True, help="Пароль всех демонстрационных учётных записей.")
@click.option("--seed", default=2025, show_default=True, help="Зерно генератора данных.")
def demo_command(password: str, seed: int) -> None:
    """Build the demo college (refuses to run on a non-empty database)."""
    from .services.demo import DemoError, build_demo
    try:
        summary = build_demo(password=password, seed=seed)
    except DemoError as exc:
        raise click.ClickException(str(exc))
    for line in summary:
        click.echo(line)


@journal_cli.command("audit-verify")
def audit_verify_command() -> None:
    """Check the audit log's hash chain; names the first bad entry."""
    from .services.audit import verify_chain
    ok, entry, reason = verify_chain()
    if ok:
        click.echo("Журнал аудита цел.")
        return
    click.echo(f"Журнал аудита нарушен: {reason}", err=True)
    sys.exit(1)
