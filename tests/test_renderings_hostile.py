"""Hostile renderings of the family rubrics (corpus/hostile_render.py) give the family's hand-verified golden.

Each file in tests/data/hostile_renderings/ is `<family id>.<variant>.<ext>`, made by
`corpus/hostile_render.py` from `corpus/families/<id>/source.json` and kept because it exposed a
bug; its expected output is the existing golden `golden/families/<id>.json` (the variants change
how points are printed, never their value, a marker or a text). `bench/bench_renderings.py`
measures every variant of every family.

- `words` (points in Chinese numerals, `（十五分）` `（两分）` `（贰分）`): the brackets were not read as
  points; a label kept `（十五分）` in its text and got its points from the sum of its items
  (`inferred_from_sum`, no error: the run exited 0 with wrong texts).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from normalize.points import find_points
from zhibiao.pipeline import ingest

from conftest import DATA, GOLDEN_FAMILIES
from golden_compare import catalogue_view, compare, load_golden

HOSTILE = DATA / "hostile_renderings"
FILES = sorted(p.name for p in HOSTILE.iterdir())


@pytest.mark.parametrize("text, points", [
    ("文书使用（六分）", "6"), ("组织领导（十五分）", "15"), ("x(两分)", "2"), ("x（贰分）", "2"),
    ("x(十二分)", "12"), ("x（拾分）", "10"),
])
def test_points_in_chinese_numerals(text, points):
    """（六分） （两分） （贰分）: a points bracket in words has the value of its numeral."""
    pb = find_points(text)
    assert pb is not None and pb.points == Decimal(points) and pb.unit_printed
    assert text[pb.start:pb.end].endswith(("分）", "分)"))


@pytest.mark.parametrize("text", ["（二）组织领导", "x（扣二分）", "x（二）", "（一）健全制度（第三条）"])
def test_numerals_without_points_are_not_points(text):
    """A numbered marker （二）, a deduction （扣二分）: not points."""
    assert find_points(text) is None


@pytest.mark.parametrize("name", FILES)
def test_hostile_rendering_equals_golden(name):
    family = name.split(".")[0]
    golden = load_golden(GOLDEN_FAMILIES / f"{family}.json")
    cat = ingest(HOSTILE / name)
    view = catalogue_view(cat)
    view["document"] = golden["document"]  # the tree is compared; the notice block by the family tests
    problems = compare(golden, view, findings=False)
    assert not problems, f"{name}: {len(problems)} differences:\n" + "\n".join(problems[:30])
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    assert not errors, errors[:3]
