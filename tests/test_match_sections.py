"""Section-level evidence in the crosswalk: a heading restated as a requirement of the other version, and
a section merged into one new item taking its remaining requirements along."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from zhibiao.diff import match as match_module
from zhibiao.diff.match import Item, _label_contained, match, similarity
from zhibiao.diff.text import bigrams, features, words


def _item(ident: str, text: str, parent: str, label: str = "", area: str = "1", order: int = 0) -> Item:
    seen = features(text)
    return Item(ident, text, Decimal("1"), parent, area, label, order, bigrams(seen), words(seen),
                label=bigrams(features(label)))


HEADING = "法制审核机构对重大执法决定的法制审核意见负责"


def test_a_heading_restated_in_a_new_requirement_raises_its_items():
    """Two 2019 items word their duty alike; only one stands under the heading that 2023 restates as the
    requirement: the heading is what tells them apart (制定…审核规定 under 明确审核责任 → 5.4.121)."""
    old = [_item("3.4.1.109", "制定重大执法决定审核工作规定", "3.4.1", "明确第一责任人对本单位的执法决定负责"),
           _item("3.4.2.110", "制定重大执法决定审核工作规定", "3.4.2", HEADING, order=1)]
    new = [_item("5.4.121", "制定并落实审核规定。" + HEADING + "。", "5.4", order=0)]
    heading = _label_contained(old, new)
    assert heading[1, 0] > 0.9 > heading[0, 0]
    score = similarity(old, new)
    assert score[1, 0] > score[0, 0]
    assert match_module._assign(score) == [(1, 0)]  # the one-to-one pass gives the new item to 110


def test_without_the_heading_term_the_two_items_tie(monkeypatch):
    """The same pair with the heading term off: nothing tells the two 2019 items apart (the term is what
    decides above, not their order)."""
    monkeypatch.setattr(match_module, "W_LABEL", 0.0)
    old = [_item("a", "制定重大执法决定审核工作规定", "1.1", "明确第一责任人对本单位的执法决定负责"),
           _item("b", "制定重大执法决定审核工作规定", "1.2", HEADING, order=1)]
    new = [_item("x", "制定并落实审核规定。" + HEADING + "。", "2.1")]
    score = similarity(old, new)
    assert abs(score[0, 0] - score[1, 0]) < 1e-9


def test_the_heading_counts_both_ways():
    """A 2023 heading restated in a 2019 requirement counts as well (a requirement promoted to a label)."""
    old = [_item("1", HEADING + "，并定期检查", "1.1")]
    new = [_item("2", "有书面审核意见", "2.1", HEADING), _item("3", "有书面审核意见", "2.2", "其他要求")]
    heading = _label_contained(old, new)
    assert heading[0, 0] > 0.9 > heading[0, 1]


def test_items_without_a_heading_give_no_heading_evidence():
    old = [_item("1", "制定审核规定", "")]
    new = [_item("2", "制定审核规定", "")]
    assert _label_contained(old, new)[0, 0] == 0.0


SECTION = [  # a 2019 section whose items the 2023 version rewrote as one requirement
    ("1.1.3.11", "编制执法流程图"),
    ("1.1.3.12", "公开执法流程图"),
    ("1.1.3.17", "区分一般执法流程和简易执法流程"),
    ("1.1.3.18", "执法流程图明确每个环节的承办机构和办理时限"),
]
MERGED = "编制并公开执法流程图，明确每个环节的承办机构、办理时限，区分一般执法流程和简易执法流程。"


def _section(extra_text: str, siblings: int) -> tuple[list[Item], list[Item]]:
    old = [_item(i, t, "1.1.3", order=k) for k, (i, t) in enumerate(SECTION[:siblings])]
    old.append(_item("1.1.3.16", extra_text, "1.1.3", order=len(old)))
    old.append(_item("2.1.1.45", "建立执法全过程记录制度", "2.1.1", area="2", order=len(old)))
    new = [_item("3.1.48", MERGED, "3.1", area="3", order=0),
           _item("4.1.65", "建立健全执法全过程记录制度", "4.1", area="4", order=1)]
    return old, new


def test_a_section_merged_into_one_item_takes_its_remaining_requirement():
    """(11)(12)(15)-(18) → 48: the section went into one 2023 item; (16) 办理时限…合理确定 shares little wording
    with it on its own, but its siblings say where it went."""
    old, new = _section("办理时限法律有规定的从其规定，没有规定的合理确定", siblings=4)
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 1)]


def test_two_siblings_are_not_a_merged_section():
    """With fewer than MERGE_SIBLINGS siblings in the item, the leftover stays unlinked (removed)."""
    old, new = _section("办理时限法律有规定的从其规定，没有规定的合理确定", siblings=2)
    pairs, _ = match(old, new)
    assert (2, 0) not in pairs
    assert sorted(pairs) == [(0, 0), (1, 0), (3, 1)]


def test_a_section_takes_along_even_a_requirement_sharing_no_wording():
    """(15) 受理条件严格依法确定 shares no word with 48: the section rule is structural, not textual."""
    old, new = _section("受理条件严格依法确定，不增加或删改", siblings=4)
    assert not set(old[4].grams) & set(new[0].grams)
    pairs, _ = match(old, new)
    assert (4, 0) in pairs


def test_a_requirement_of_another_kind_of_list_is_not_taken_along():
    old, new = _section("受理条件严格依法确定，不增加或删改", siblings=4)
    old[4].cited = True
    pairs, _ = match(old, new)
    assert all(r != 4 for r, _ in pairs)
    np.testing.assert_array_equal(np.array(sorted(pairs)), np.array([(0, 0), (1, 0), (2, 0), (3, 0), (5, 1)]))


def test_supervising_words_read_alike():
    """指导、督促 (2019) and 监督、指导 (2023) word the same duty of a higher unit."""
    assert features("进行实地指导、督促") == features("进行实地指导、监督")


def test_a_short_new_item_found_in_a_long_old_one_is_no_split_partner():
    """有专门的法制审核意见书 was 'contained' in 所有重大执法决定都有法制审核意见… and made a spurious split; a
    new item that states a requirement of its own (SPLIT_MIN_GRAMS bigrams) still joins as a split."""
    long_old = ("所有重大执法决定都有法制审核意见书，无未经法制审核或者审核未通过而作出重大执法决定的情况，"
                "审核意见合法明确")
    successor = "无未经法制审核或者审核未通过而作出重大执法决定的情况"
    short = "有法制审核意见书"
    old = [_item("3.3.3.108", long_old, "3.3.3")]
    new = [_item("5.3.120", successor, "5.3", order=0), _item("5.3.105", short, "5.3", order=1)]
    assert len(new[1].grams) < match_module.SPLIT_MIN_GRAMS
    idf = match_module._idf(old, new)
    assert match_module._containment(new[1].grams, old[0].grams, idf) >= match_module.PART_MIN
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0)]
    longer = "所有重大执法决定都有法制审核意见书，审核意见合法明确"
    new[1] = _item("5.3.105", longer, "5.3", order=1)
    assert len(new[1].grams) >= match_module.SPLIT_MIN_GRAMS
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0), (0, 1)]


def test_the_heading_term_is_the_same_for_candidate_pairs():
    """Inputs too large for the dense table score candidate pairs only: the heading term per pair is the
    dense table's entry."""
    old = [_item("1", "制定审核规定", "1.1", HEADING),
           _item("2", "开展案卷评查", "1.2", "明确第一责任人对本单位的执法决定负责")]
    new = [_item("3", "制定并落实审核规定。" + HEADING, "2.1", "加强案卷管理"), _item("4", "每年开展案卷评查", "2.2")]
    dense = _label_contained(old, new)
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    np.testing.assert_allclose(_label_contained(old, new, rows, cols), dense[rows, cols])
    assert dense[0, 0] > 0.9
    assert _label_contained(old, new, np.array([], dtype=np.int64), np.array([], dtype=np.int64)).size == 0
