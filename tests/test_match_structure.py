"""A rubric's sections repeated per unit: a requirement's successor is told apart from a verbatim copy under
another unit's section by where it sits (its siblings' successors), not by a typo: at scale the matcher paired
old requirements with another unit's verbatim copy (0.92 of true pairs at 10,000 x 10,000)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhibiao.diff import match as match_module
from zhibiao.diff.match import Item, match
from zhibiao.diff.text import bigrams, features, words

TEXTS = ["建立行政执法公示制度并在政府网站统一公开执法信息。", "严格落实重大执法决定法制审核制度。",
         "执法全过程记录信息运用于案卷评查和执法监督。", "每年组织开展行政执法人员业务培训不少于一次。",
         "按照规定时限出具行政执法文书并送达当事人。", "建立行政执法投诉举报制度并落实到位。"]


def _item(unit: int, k: int, text: str) -> Item:
    seen = features(text)
    return Item(f"{unit}:{k}", text, Decimal("2"), f"{unit}:s", f"{unit}:a", f"执法公示 第{unit}单位", k,
                bigrams(seen), words(seen))


def _units(count: int) -> tuple[list[Item], list[Item]]:
    """count units with the same section; unit 0's new copy of the first requirement lost a phrase, unit 1's
    first requirement is printed in the new version exactly as unit 0's old one."""
    old = [_item(u, k, t if u != 1 or k else t.replace("统一", "")) for u in range(count) for k, t in enumerate(TEXTS)]
    new = [_item(u, k, t.replace("在政府网站统一", "") if (u, k) == (0, 0) else t) for u in range(count) for k, t in
           enumerate(TEXTS)]
    return old, new


@pytest.mark.parametrize("exact", [True, False])
def test_a_verbatim_copy_in_another_unit_does_not_take_the_successor(monkeypatch, exact):
    """Old unit 0's first requirement pairs with unit 0's slightly reworded new one, not unit 1's verbatim copy."""
    if not exact:
        monkeypatch.setattr(match_module, "EXACT_LIMIT", 0)  # the candidate search of large inputs
        monkeypatch.setattr(match_module, "NEAREST_MAX_DF", 1.0)  # a few units: every bigram is common
    old, new = _units(4)
    pairs, _ = match(old, new)
    assert (0, 0) in pairs
    assert (0, len(TEXTS)) not in pairs  # unit 1's copy
    assert sum(1 for r, c in pairs if r == c) == len(old)


def test_without_the_structure_evidence_the_copy_wins(monkeypatch):
    """The case is a real one: with wording deciding (greedy on candidates), unit 0's old requirement is linked
    to unit 1's copy."""
    monkeypatch.setattr(match_module, "EXACT_LIMIT", 0)
    monkeypatch.setattr(match_module, "NEAREST_MAX_DF", 1.0)
    monkeypatch.setattr(match_module, "SATURATE_SLOPE", 1.0)
    monkeypatch.setattr(match_module, "STRUCTURE_ROUNDS", 1)
    old, new = _units(4)
    pairs, _ = match(old, new)
    assert (0, len(TEXTS)) in pairs
