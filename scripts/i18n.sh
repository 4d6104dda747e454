#!/usr/bin/env bash
# Extracts the UI strings (Russian source texts) and updates the catalogs; then compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o translations/messages.pot .
for lang in ru en; do
  if [ -f translations/$lang/LC_MESSAGES/messages.po ]; then
    .venv/bin/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations -l $lang
  else
    .venv/bin/pybabel init -i translations/messages.pot -d translations -l $lang
  fi
done
.venv/bin/pybabel compile -d translations
