#!/usr/bin/env bash
# Installs Kuaiqu into .venv and runs it on SQLite with the demo data at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/kuaiqu up --host "${KUAIQU_HOST:-127.0.0.1}" --port "${KUAIQU_PORT:-8000}"
