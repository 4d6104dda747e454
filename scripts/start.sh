#!/usr/bin/env bash
# One command from a fresh clone to a running portal with the demo college on SQLite:
# installs everything, applies migrations, syncs roles, builds the demo once, serves with
# gunicorn at http://127.0.0.1:${PORT:-8080}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export FLASK_APP=run.py
DEMO_PASSWORD=${DEMO_PASSWORD:-Demo-Passw0rd}
.venv/bin/flask journal init
if [ "${DEMO:-1}" = 1 ] && [ ! -f instance/.demo-built ]; then
  # Refuses (with a message) on a database that already holds a college.
  .venv/bin/flask journal demo --password "$DEMO_PASSWORD" && mkdir -p instance \
    && touch instance/.demo-built || true
fi
echo "Портал: http://127.0.0.1:${PORT:-8080}  (демо-пароль: $DEMO_PASSWORD)"
exec .venv/bin/gunicorn --workers "${WORKERS:-2}" --bind "127.0.0.1:${PORT:-8080}" \
  --access-logfile - run:app
