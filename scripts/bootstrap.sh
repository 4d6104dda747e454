#!/usr/bin/env bash
# Installs everything the portal needs on a fresh machine with Python 3.11:
# virtual environment, pinned packages, compiled translations; with --dev also the test
# tools, Debian's chromium for the browser tests, libreoffice-calc for the print tests and
# axe-core (tests/a11y, from the npm registry) for the accessibility checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
req=requirements.txt
[ "${1:-}" = "--dev" ] && req=requirements-dev.txt
stamp=".venv/.installed-$(sha256sum requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$(basename $req)"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r "$req"
  touch "$stamp"
fi
if [ "${1:-}" = "--dev" ] && ! command -v chromium >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ "${1:-}" = "--dev" ] && ! command -v soffice >/dev/null; then
  echo "Installing Debian's libreoffice-calc for the print tests of the XLSX exports..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libreoffice-calc >/dev/null
fi
if [ "${1:-}" = "--dev" ]; then
  # axe-core as the lockfile pins it; installed again only when the lockfile changes
  command -v npm >/dev/null || { echo "npm is missing: install Debian's npm (Node.js) for the accessibility tests" >&2; exit 1; }
  a11y_stamp="tests/a11y/node_modules/.installed-$(sha256sum tests/a11y/package-lock.json | cut -c1-16)"
  if [ ! -f "$a11y_stamp" ]; then
    npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error >/dev/null
    touch "$a11y_stamp"
  fi
fi
.venv/bin/pybabel compile -d translations >/dev/null
