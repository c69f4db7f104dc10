#!/usr/bin/env bash
# All tests, on a fresh machine: system packages and a local PostgreSQL (scripts/system.sh),
# .venv with the test extras, then ruff (lint and import order), mypy (scripts/typecheck.sh) and pytest
# (warnings are errors); a lint or type error fails it before any test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_url=$(bash scripts/system.sh)
if [ -n "$pg_url" ] && [ -z "${ZHIBIAO_TEST_PG:-}" ]; then export ZHIBIAO_TEST_PG="$pg_url"; fi
bash scripts/setup.sh
.venv/bin/python -m ruff check .
bash scripts/typecheck.sh
exec .venv/bin/python -m pytest -q "$@"
