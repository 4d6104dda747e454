"""WSGI entry point: `gunicorn run:app`, `flask --app run …`. JOURNAL_CONFIG names another
configuration class (the tests' worker processes use config.TestConfig)."""
import os

from app import create_app

app = create_app(os.environ.get("JOURNAL_CONFIG", "config.Config"))
