#!/usr/bin/env bash
# One command from a fresh clone to a running portal with the demo college (SQLite unless
# DATABASE_URL says otherwise): installs everything, applies migrations, syncs roles, builds the
# demo if the database holds no college yet, serves with gunicorn at
# http://127.0.0.1:${PORT:-8080}. Keeps the terminal; Ctrl+C stops the portal.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=run.py
DEMO_PASSWORD=${DEMO_PASSWORD:-Demo-Passw0rd}
PORT=${PORT:-8080}

echo "[1/4] Окружение Python и пакеты (при первом запуске — несколько минут)..."
scripts/bootstrap.sh

# Everything the portal creates from here on (the SQLite file, keys, backups, documents) is
# readable by its own account only; the factory sets the same umask and makes the folders 0700.
umask 077

echo "[2/4] Миграции базы данных, роли и права..."
.venv/bin/flask journal init

if [ "${DEMO:-1}" = 1 ]; then
  # The database itself answers whether it holds a college (a marker file would not follow
  # DATABASE_URL to a new database). A failed build stops here with its message.
  echo "[3/4] Проверка базы: есть ли в ней колледж..."
  .venv/bin/flask journal demo --if-empty --password "$DEMO_PASSWORD"
else
  echo "[3/4] Демо-колледж не строится (DEMO=0)."
fi

echo "[4/4] Портал: http://127.0.0.1:$PORT  (демо-пароль: $DEMO_PASSWORD). Остановка — Ctrl+C."
# No control socket: several portals on one machine would otherwise share one default path.
exec .venv/bin/gunicorn --workers "${WORKERS:-2}" --bind "127.0.0.1:$PORT" \
  --no-control-socket --access-logfile - run:app
