#!/usr/bin/env bash
# One command from a fresh clone to a running portal with the demo college (SQLite unless
# DATABASE_URL says otherwise): installs everything, applies migrations, syncs roles, builds the
# demo if the database holds no college yet, serves with gunicorn at
# http://127.0.0.1:${PORT:-8080} beside the job worker (mail, weekly reports, backups, long
# jobs: no cron needed). Keeps the terminal, their lines prefixed [web] and [worker]; Ctrl+C
# stops both, and either stopping stops the other.
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

echo "[4/4] Портал: http://127.0.0.1:$PORT  (демо-пароль: $DEMO_PASSWORD) и исполнитель заданий. Остановка — Ctrl+C."
export PYTHONUNBUFFERED=1
prefix() { local tag=$1 line; while IFS= read -r line; do printf '[%s] %s\n' "$tag" "$line"; done; }
stop() { kill -INT "$web" "$worker" 2>/dev/null || true; }
# No control socket: several portals on one machine would otherwise share one default path.
.venv/bin/gunicorn --workers "${WORKERS:-2}" --bind "127.0.0.1:$PORT" \
  --no-control-socket --access-logfile - run:app > >(prefix web) 2>&1 &
web=$!
.venv/bin/flask journal worker > >(prefix worker) 2>&1 &
worker=$!
trap stop INT TERM
status=0
wait -n "$web" "$worker" || status=$?
stop
wait "$web" "$worker" 2>/dev/null || true
exit "$status"
