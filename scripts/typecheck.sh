#!/usr/bin/env bash
# mypy over the library under its installed module names. pyproject maps extract/ to zhibiao.extract (and so on),
# which mypy cannot follow from the source tree, so this lays out the installed package as symlinks in build/typecheck
# (zhibiao/* and zhibiao/{extract,normalize,diff} -> the top-level folders), checks it with pyproject's [tool.mypy],
# and prints the paths as they are in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tree=$root/build/typecheck
rm -rf "$tree" && mkdir -p "$tree/zhibiao"
for entry in zhibiao/*; do
  case "$(basename "$entry")" in __pycache__) continue ;; esac
  ln -s "$root/$entry" "$tree/zhibiao/"
done
for sub in extract normalize diff; do
  ln -s "$root/$sub" "$tree/zhibiao/$sub"
done
status=0
(cd "$tree" && "$root/.venv/bin/python" -m mypy --config-file "$root/pyproject.toml" --cache-dir "$root/.mypy_cache" \
  -p zhibiao "$@") > "$tree/report" 2>&1 || status=$?
sed -E 's#^zhibiao/(extract|normalize|diff)/#\1/#' "$tree/report"
exit $status
