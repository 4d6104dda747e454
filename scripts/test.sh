#!/usr/bin/env bash
# Runs the whole test suite on SQLite and then on PostgreSQL (its own database, dropped after).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --dev || exit 1
scripts/services.sh || exit 1
export PYTHONDONTWRITEBYTECODE=1
echo "=== ruff ==="
.venv/bin/ruff check . || exit 1
# Test files are spread over the cores (a file's tests stay together, so a module's fixture is
# built once); TEST_WORKERS=0 runs in one process.
workers=(-n "${TEST_WORKERS:-auto}" --dist loadfile)
[ "${TEST_WORKERS:-}" = 0 ] && workers=()
status=0
echo "=== SQLite ==="
JOURNAL_TEST_DB=sqlite .venv/bin/python -m pytest tests "${workers[@]}" "$@" || status=1
echo "=== PostgreSQL ==="
JOURNAL_TEST_DB=postgresql .venv/bin/python -m pytest tests "${workers[@]}" "$@" || status=1
exit $status
