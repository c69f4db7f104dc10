#!/usr/bin/env bash
# All tests, on a fresh machine: system packages and a local PostgreSQL (scripts/system.sh),
# .venv with the test extras, then pytest (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
pg_url=$(bash scripts/system.sh)
if [ -n "$pg_url" ] && [ -z "${ZHIBIAO_TEST_PG:-}" ]; then export ZHIBIAO_TEST_PG="$pg_url"; fi
bash scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"
