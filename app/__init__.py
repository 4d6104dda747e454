"""Application factory of the electronic journal portal."""
import logging
from pathlib import Path

from flask import Flask

from .extensions import appbuilder, csrf, db, migrate

log = logging.getLogger(__name__)
# FAB's own group/role/user REST APIs (registered with its security API, which the JWT login
# needs) declare dotted search columns such as "roles.name" that its filter converter does not
# know: 16 warnings at every start, about FAB's definitions, none about the portal's views.
logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)
MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: object | str = "config.Config") -> Flask:
    app = Flask(__name__)
    from .infra.json_provider import FastJSONProvider
    app.json = FastJSONProvider(app)
    app.config.from_object(config)
    Path(app.config.get("BACKUP_DIR", "instance")).parent.mkdir(parents=True, exist_ok=True)
    from .infra.private_files import init_private_files
    init_private_files(app.config)  # umask 0o077, the instance and data folders 0700

    from . import models  # noqa: F401  (the whole schema, for Alembic and FAB)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)

    with app.app_context():
        appbuilder.init_app(app, db.session)
        from .api import register_apis
        from .views import register_views

        register_views(appbuilder)
        register_apis(appbuilder)
        appbuilder.post_init()

    from .web import init_web
    init_web(app)
    from .web_errors import init_errors
    init_errors(app)
    from .security.input_guard import init_input_guard
    init_input_guard(app)

    from .jobs import init_app as init_jobs
    init_jobs(app)

    from .cli import journal_cli
    app.cli.add_command(journal_cli)
    return app
