#!/usr/bin/env bash
# Runs the whole test suite on SQLite and then on PostgreSQL (its own database, dropped after).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --dev || exit 1
scripts/services.sh || exit 1
export PYTHONDONTWRITEBYTECODE=1
status=0
echo "=== SQLite ==="
JOURNAL_TEST_DB=sqlite .venv/bin/python -m pytest tests "$@" || status=1
echo "=== PostgreSQL ==="
JOURNAL_TEST_DB=postgresql .venv/bin/python -m pytest tests "$@" || status=1
exit $status
