#!/usr/bin/env bash
# Refresh requirements/test.lock (every dependency of zhibiao and its test extra, pinned, with hashes)
# after a change of the dependencies in pyproject.toml. Needs network access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q pip-tools
PIP_CONFIG_FILE=/dev/null .venv/bin/pip-compile -q --generate-hashes --allow-unsafe --no-emit-index-url \
  --no-emit-find-links --extra test --strip-extras --output-file requirements/test.lock pyproject.toml
echo "wrote requirements/test.lock"
