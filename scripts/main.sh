#!/usr/bin/env bash
# The main job: ingest every notice in corpus/, print summaries, write catalogues to out/ (or $1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/zhibiao ingest corpus -o "${1:-out}"
