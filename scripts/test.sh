#!/usr/bin/env bash
# Installs everything (Python packages, Chromium) and runs lint and the whole test suite.
# Database tests run on SQLite and on PostgreSQL (127.0.0.1:5432, user postgres); with
# KUAIQU_REQUIRE_SERVICES=1 (CI) a missing PostgreSQL, Redis or Chromium fails the run.
# pytest runs in KUAIQU_TEST_WORKERS pytest-xdist workers (default: one per core, at most 4),
# each with its own databases (README, "Running the tests"); mypy checks alongside.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'

if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's Chromium for the browser tests…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

if [ "${KUAIQU_REQUIRE_SERVICES:-}" = 1 ]; then
  # Start the services this machine provides when they have stopped.
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .

# Worker N uses Redis database (KUAIQU_TEST_REDIS_URL's number - N): four workers at most
# keep the default (15) within 12–15.
workers="${KUAIQU_TEST_WORKERS:-$(nproc)}"
if [ "$workers" -gt 4 ]; then workers=4; fi

# mypy runs while pytest does (it is one process; pytest waits on the databases a lot);
# its result is checked once pytest ends, and either failing fails the run.
mypy_log="$(mktemp)"
.venv/bin/mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
pytest_status=0
# Whole files per worker: a module's servers (fuzz targets) start once. (loadgroup would
# also keep the browser tests together, but pytest-xdist 3.8 cannot group under pytest 9.2.)
.venv/bin/python -m pytest -n "$workers" --dist loadfile "$@" || pytest_status=$?
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
cat "$mypy_log"
rm -f "$mypy_log"
if [ "$mypy_status" != 0 ]; then
  echo "mypy failed" >&2
  exit "$mypy_status"
fi
exit "$pytest_status"
