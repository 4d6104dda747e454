#!/usr/bin/env bash
# Regenerates the initial schema migration from the models (before the first release only).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/*_initial_schema.py
JOURNAL_INSTANCE_DIR="$tmp" DATABASE_URL="sqlite:///$tmp/m.db" SECRET_KEY=x \
  .venv/bin/flask --app run db migrate -m "initial schema" --rev-id 0001 >/dev/null
rm -rf "$tmp"
ls migrations/versions/
