#!/usr/bin/env bash
# All tests, on a fresh machine: set up .venv, then pytest (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"
