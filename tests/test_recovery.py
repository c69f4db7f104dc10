"""Tree recovery on small real-looking files, one per symptom, plus the facts the issue names for the seeds.

The small files are discovered: every `tests/data/recovery/<case>.txt` is a case, checked against its
`<case>.expect.json` (the keys are described in tests/data/recovery/README.md). Adding a case is adding
the two files.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from zhibiao.pipeline import ingest

from conftest import CORPUS, RECOVERY


def _index(rubric):
    return {i.id: i for i in rubric.walk()}


def test_2023_seed_duplicate_annual_block_is_reported():
    rubric = ingest(CORPUS / "000_1c204f1614fc8d36.txt").rubrics[0]
    dups = [f for f in rubric.findings if f.code == "duplicate_dropped"]
    assert len(dups) == 7, "annual items 1-7 are printed twice"
    assert all(f.source and f.source.lines == (129, 129) for f in dups)
    ids = _index(rubric)
    assert len([i for i in ids if i.startswith("9.1.")]) == 13 and len([i for i in ids if i.startswith("9.2.")]) == 5
    assert ids["9.1.1"].refs == ["国办发〔2023〕27号"]


def test_2023_seed_missing_labels():
    rubric = ingest(CORPUS / "000_1c204f1614fc8d36.txt").rubrics[0]
    ids = _index(rubric)
    assert [i.id for i in rubric.walk() if "label_missing" in i.flags] == ["7.2", "7.3"]
    assert [c.number for c in ids["7.2"].children] == [148, 149, 150]
    assert [c.number for c in ids["7.3"].children] == list(range(151, 161))
    assert {f.indicator for f in rubric.findings if f.code == "label_missing"} == {"7.2", "7.3"}


def test_repeated_page_header_in_other_words_is_reported():
    rubric = ingest(CORPUS / "003_fbbff5f31bb9ffc0.txt").rubrics[0]
    differs = [f for f in rubric.findings if f.code == "repeated_label_differs"]
    assert len(differs) == 1 and differs[0].source.lines[0] == 393
    assert _index(rubric)["4"].text == "全面推进行政执法信息化建设"


def test_regulation_articles_switch_numbering_style():
    regs = ingest(CORPUS / "004_46f67c8260b90ac6.txt").regulations
    assert [len(r.articles) for r in regs] == [9, 37, 11]
    markers = [a.marker for a in regs[1].articles]
    assert markers[21:23] == ["第22条", "第二十三条"]
    assert [a.number for a in regs[1].articles] == list(range(1, 38))
    assert not any(r.findings for r in regs)


# --- cases discovered from tests/data/recovery -------------------------------------------------

CASES = sorted(p.stem for p in RECOVERY.glob("*.txt"))
EXPECTATIONS = sorted(p.name.removesuffix(".expect.json") for p in RECOVERY.glob("*.expect.json"))
KEYS = {"about", "rubrics", "title", "level_names", "tree", "tree_starts", "indicators", "top_level_texts",
        "children", "nodes", "every_indicator_flagged", "findings", "no_errors", "finding_codes_include", "errors"}


def _tree(rubric):
    return [(i.id, i.marker, i.text, str(i.points)) for i in rubric.walk()]


def _points(value):
    return None if value is None else Decimal(value)


def test_cases_are_found_and_each_has_its_expectation():
    assert len(CASES) >= 6, f"the recovery cases are missing from {RECOVERY}"
    assert CASES == EXPECTATIONS, "every <case>.txt needs a <case>.expect.json, and every expectation its file"


@pytest.mark.parametrize("case", CASES)
def test_recovery_case(case):
    """Each `about` in the expectation says what the file reproduces."""
    path = RECOVERY / f"{case}.expect.json"
    assert path.exists(), f"{path.name} is missing"
    want = json.loads(path.read_text(encoding="utf-8"))
    assert set(want) <= KEYS, f"unknown keys in {path.name}: {sorted(set(want) - KEYS)}"
    assert want.get("about"), f"{path.name} must say what the case reproduces"
    cat = ingest(RECOVERY / f"{case}.txt")
    if "rubrics" in want:
        assert len(cat.rubrics) == want["rubrics"]
    rubric = cat.rubrics[0]
    ids = _index(rubric)
    if "title" in want:
        assert rubric.title == want["title"]
    if "level_names" in want:
        assert rubric.level_names == want["level_names"]
    if "tree" in want:
        assert _tree(rubric) == [tuple(row) for row in want["tree"]]
    if "tree_starts" in want:
        assert _tree(rubric)[:len(want["tree_starts"])] == [tuple(row) for row in want["tree_starts"]]
    if "indicators" in want:
        assert len(list(rubric.walk())) == want["indicators"]
    if "top_level_texts" in want:
        assert [i.text for i in rubric.indicators] == want["top_level_texts"]
    for ident, numbers in want.get("children", {}).items():
        assert [c.number for c in ids[ident].children] == numbers, ident
    for ident, fields in want.get("nodes", {}).items():
        node = ids[ident]
        assert set(fields) <= {"flags", "text", "marker", "points"}, ident
        for field, value in fields.items():
            got = node.points if field == "points" else getattr(node, field)
            assert got == (_points(value) if field == "points" else value), f"{ident}.{field}"
    if "every_indicator_flagged" in want:
        assert all(want["every_indicator_flagged"] in i.flags for i in rubric.walk())
    if "findings" in want:
        assert [f.code for f in rubric.findings] == want["findings"]
    if want.get("no_errors"):
        assert not [f for f in rubric.findings if f.severity == "error"]
    if "finding_codes_include" in want:
        assert {f.code for f in rubric.findings} >= set(want["finding_codes_include"])
    if "errors" in want:
        errors = [f for f in rubric.findings if f.severity == "error"]
        assert [(f.code, f.indicator) for f in errors] == [(e["code"], e["indicator"]) for e in want["errors"]]
        for f, e in zip(errors, want["errors"]):
            if "lines" in e:
                assert f.source.lines == tuple(e["lines"])
