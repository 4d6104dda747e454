#!/usr/bin/env bash
# Installs everything the portal needs on a fresh machine with Python 3.11:
# virtual environment, pinned packages, compiled translations; with --dev also the test
# tools, Debian's chromium for the browser tests and libreoffice-calc for the print tests.
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
.venv/bin/pybabel compile -d translations >/dev/null
