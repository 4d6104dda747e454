#!/usr/bin/env bash
# Runs the whole test suite on SQLite and on PostgreSQL (each worker its own database, dropped
# after). The two passes run at the same time, each spread over the cores, so that one pass's
# waits (servers starting, a browser, a restart) are the other's working time; each pass's
# output is printed whole when both have ended. TEST_PASSES=serial runs them one after the other.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --dev || exit 1
scripts/services.sh || exit 1
export PYTHONDONTWRITEBYTECODE=1
echo "=== ruff ==="
.venv/bin/ruff check . || exit 1
# Test files are spread over the cores (a file's tests stay together, so a module's fixture is
# built once), in the collection's order: tests/conftest.py puts the longest files first.
# TEST_WORKERS=0 runs each pass in one process.
workers=(-n "${TEST_WORKERS:-auto}" --dist loadfile --no-loadscope-reorder)
[ "${TEST_WORKERS:-}" = 0 ] && workers=()
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

run_pass() {  # run_pass sqlite|postgresql [pytest arguments]
  local db=$1 start=$SECONDS
  shift
  JOURNAL_TEST_DB=$db .venv/bin/python -m pytest tests "${workers[@]}" "$@"
  local status=$?
  echo "=== $db: $((SECONDS - start)) s ==="
  return $status
}

status=0
if [ "${TEST_PASSES:-parallel}" = serial ]; then
  echo "=== SQLite ==="
  run_pass sqlite "$@" || status=1
  echo "=== PostgreSQL ==="
  run_pass postgresql "$@" || status=1
  exit $status
fi
run_pass sqlite "$@" >"$logs/sqlite" 2>&1 &
sqlite_pid=$!
run_pass postgresql "$@" >"$logs/postgresql" 2>&1 &
postgresql_pid=$!
wait $sqlite_pid || status=1
wait $postgresql_pid || status=1
echo "=== SQLite ==="
cat "$logs/sqlite"
echo "=== PostgreSQL ==="
cat "$logs/postgresql"
exit $status
