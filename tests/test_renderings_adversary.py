"""Adversary renderings of the family rubrics (corpus/adversary_render.py) give the golden with the variant's edits.

Each file in tests/data/adversary/ is `<family id>.<variant>.<ext>`, made by
`corpus/adversary_render.py` and kept because it exposed a bug; `_expect.json` holds the edits the
generator states for it, applied to `golden/families/<id>.json` by `bench/bench_adversary.py`'s
`expected` (imported, not copied). `bench/bench_adversary.py` measures every variant of every family.

- `xlsx-hidden-col` (jt01): a hidden helper column (内部编码 ZB001 …) after the first column was read
  as printed content, a label column of its own: every leaf's id and text went wrong (0 of 37, exit 0).
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys

import pytest

from zhibiao.pipeline import ingest

from conftest import DATA, GOLDEN_FAMILIES, ROOT
from golden_compare import catalogue_view, compare, load_golden

ADVERSARY = DATA / "adversary"
EXPECT = json.loads((ADVERSARY / "_expect.json").read_text(encoding="utf-8"))
FILES = sorted(p.name for p in ADVERSARY.iterdir() if not p.name.startswith("_"))


def _module(name: str, path):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_every_file_states_its_edits():
    assert sorted(EXPECT) == FILES


@pytest.mark.parametrize("name", FILES)
def test_adversary_rendering_equals_expected(name):
    bench = _module("bench_adversary", ROOT / "bench" / "bench_adversary.py")
    adv = bench._adversary()
    family = name.split(".")[0]
    want, unplaced = bench.expected(load_golden(GOLDEN_FAMILIES / f"{family}.json"), EXPECT[name], adv)
    assert not unplaced
    cat = ingest(ADVERSARY / name)
    view = catalogue_view(cat)
    view["document"] = want["document"]  # the tree is compared; the notice block by the family tests
    if name.endswith(".xlsx") and view["rubrics"]:
        view["rubrics"][0]["title"] = want["rubrics"][0]["title"]  # a sheet's rubric has no title paragraph
    problems = compare(want, view, findings=False)
    assert not problems, f"{name}: {len(problems)} differences:\n" + "\n".join(problems[:30])
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    assert not errors, errors[:3]


def _sheet(build) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    build(wb.active)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _table(layout):
    from zhibiao.model import Table

    return next(b for b in layout.blocks if isinstance(b, Table))


def test_hidden_columns_and_rows_are_left_out_and_said():
    """Hidden columns (one dimension covering B..C) and a hidden row print nothing: their cells are left
    out, the columns after them close up, a merged range keeps its shown part, and a note says how many."""
    from extract.xlsx import read_xlsx

    def build(ws):
        ws.append(["序号", "编码", "备用", "指标", "分值"])
        ws.append(["1", "ZB001", "x", "组织领导", 10])
        ws.append(["2", "ZB002", "y", "草稿", 99])
        ws.append(["3", "ZB003", "z", "制度建设", 90])
        ws.append(["合计", "", "", "", 100])
        ws.merge_cells("A5:D5")
        ws.column_dimensions.group("B", "C", hidden=True)
        ws.row_dimensions[3].hidden = True

    layout = read_xlsx(_sheet(build), "t.xlsx", "0")
    table = _table(layout)
    texts = {(c.row, c.col): c.text for c in table.cells}
    assert texts[(0, 0)] == "序号" and texts[(0, 1)] == "指标" and texts[(0, 2)] == "分值"
    assert texts[(1, 1)] == "组织领导" and texts[(2, 1)] == "制度建设"
    assert not any(t in ("ZB001", "x", "草稿", "99") for t in texts.values())
    total = next(c for c in table.cells if c.text == "合计")
    assert (total.col, total.col_span) == (0, 2)
    # the cells keep the sheet's own addresses
    assert next(c for c in table.cells if c.text == "制度建设").source.locator.endswith(" D4")
    notes = {n.kind: n.params for n in layout.notes}
    assert notes["hidden_columns"]["count"] == 2 and notes["hidden_rows"]["count"] == 1


def test_merged_range_starting_in_a_hidden_column_shows_its_text():
    """A merged label whose first column is hidden still prints its text in the columns shown."""
    from extract.xlsx import read_xlsx

    def build(ws):
        ws.append(["编码", "一级指标", "二级指标", "分值"])
        ws.append(["组织保障", None, "领导重视", 10])
        ws.merge_cells("A2:B2")
        ws.column_dimensions["A"].hidden = True

    table = _table(read_xlsx(_sheet(build), "t.xlsx", "0"))
    label = next(c for c in table.cells if c.text == "组织保障")
    assert (label.col, label.col_span) == (0, 1)
    assert label.source.locator.endswith(" A2")


def test_locators_are_the_sheets_addresses_across_empty_rows():
    """Empty rows between the title and the table close up in the layout, not in the cells' addresses."""
    from extract.xlsx import read_xlsx

    def build(ws):
        ws["A1"] = "考核指标"
        ws["A3"], ws["B3"] = "序号", "指标"
        ws["A5"], ws["B5"] = "1", "组织领导"

    table = _table(read_xlsx(_sheet(build), "t.xlsx", "0"))
    cell = next(c for c in table.cells if c.text == "组织领导")
    assert cell.row == 1 and cell.source.locator.endswith(" B5")
