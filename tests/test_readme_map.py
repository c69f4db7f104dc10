"""The README's "Where things are" table names every module of the library and every top-level folder."""

from __future__ import annotations

import re

from conftest import ROOT

PACKAGES = ("extract", "normalize", "diff", "zhibiao")
FOLDERS = ("extract", "normalize", "diff", "zhibiao", "corpus", "golden", "tests", "bench", "docs", "scripts")


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Where things are")
    return text[start:text.index("\n## ", start + 3)]


def _rows(section: str) -> list[str]:
    return [line for line in section.splitlines() if line.startswith("| `")]


def test_every_module_is_in_the_map():
    rows = _rows(_section())
    missing = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if path.name == "__init__.py" and rel != "extract/__init__.py":
                continue  # a package's __init__ re-exports; its folder row covers it
            folder = rel.rsplit("/", 1)[0] + "/"
            named = any(f"`{rel}`" in row or (row.startswith(f"| `{folder}") and f"`{path.name}`" in row.split("|")[1])
                        or (f"`{folder}`" in row.split("|")[1] and path.name in row) for row in rows)
            if not named:
                missing.append(rel)
    assert not missing, f"modules missing from README 'Where things are': {missing}"


def test_every_top_level_folder_is_in_the_map():
    first_cells = " ".join(row.split("|")[1] for row in _rows(_section()))
    missing = [f for f in FOLDERS if not re.search(rf"`{f}/", first_cells)]
    assert not missing, missing
