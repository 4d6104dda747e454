"""WSGI entry point: `gunicorn run:app`, `flask --app run …`."""
from app import create_app

app = create_app()
