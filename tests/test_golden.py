"""Each seed notice's catalogue equals its hand-verified golden, field by field."""

from __future__ import annotations

import json
import os

import pytest

from zhibiao.pipeline import ingest

from conftest import CORPUS, GOLDEN
from golden_compare import FIELDS, catalogue_view, compare, load_golden

RUBRIC_SEEDS = ["000_1c204f1614fc8d36", "001_5886f06ed561739e", "003_fbbff5f31bb9ffc0", "004_46f67c8260b90ac6"]
REGEN_FLAG = "ZHIBIAO_REGEN_GOLDEN"

# the names scripts import from here (`from test_golden import _catalogue_view, compare`)
_catalogue_view = catalogue_view
__all__ = ["FIELDS", "_catalogue_view", "catalogue_view", "compare"]


def test_regeneration_flag_is_off():
    """Goldens are hand-verified; the regeneration switch must never be left on."""
    assert not os.environ.get(REGEN_FLAG), f"{REGEN_FLAG} is set: unset it, goldens are verified by hand"


@pytest.mark.parametrize("corpus_id", RUBRIC_SEEDS)
def test_catalogue_matches_golden(corpus_id):
    path = GOLDEN / f"{corpus_id}.json"
    got = catalogue_view(ingest(CORPUS / f"{corpus_id}.txt"))
    if os.environ.get(REGEN_FLAG):
        path.write_text(json.dumps({"corpus_id": corpus_id, **got}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        pytest.fail(f"wrote {path.name} from the code: verify it by hand, then unset {REGEN_FLAG}")
    assert path.exists(), f"golden {path.name} is missing: every rubric seed needs a hand-verified golden"
    golden = load_golden(path)
    problems = compare(golden, got)
    assert not problems, f"{len(problems)} differences from {path.name}:\n" + "\n".join(problems[:60])
