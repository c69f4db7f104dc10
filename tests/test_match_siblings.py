"""A leftover whose best partner is where its sibling went joins that partner when their link is a rewrite:
2023 rewrote (150) 全员培训 as 181 + 182 and (25)(26) 执法文书 as 53, and the rewritten partner was left added
or removed because its wording alone is under the assignment bar."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhibiao.diff import match as match_module
from zhibiao.diff.match import Item, link_groups, match, similarity
from zhibiao.diff.text import bigrams, features, words


def _item(ident: str, text: str, parent: str, label: str = "", area: str = "1", order: int = 0) -> Item:
    seen = features(text)
    return Item(ident, text, Decimal("1"), parent, area, label, order, bigrams(seen), words(seen),
                label=bigrams(features(label)))


TRAINING = "开展有效的“三项制度”全员实务业务培训（尤其是本指标体系）。"


RESTATED = "建立健全行政执法案卷评查制度。"  # a requirement both versions state alike: the areas correspond


def _training(partner: str, anchor: str = RESTATED) -> tuple[list[Item], list[Item]]:
    old = [_item("5.3.1.150", TRAINING, "5.3.1", area="5"),
           _item("5.3.1.151", RESTATED, "5.3.1", area="5", order=1)]
    new = [_item("8.5.182", partner, "8.5", area="8"),
           _item("8.5.181", "本单位每年至少开展一次或者参加一次不低于三天的执法业务全员集中线下实训。", "8.5", area="8",
                 order=1),
           _item("8.5.183", anchor, "8.5", area="8", order=2)]
    return old, new


def test_a_new_item_joins_the_rewritten_link_of_its_sibling():
    """(150) → 182 is a rewrite; 181, whose best 2019 partner is (150), was left added: it joins as a split."""
    old, new = _training("将本指标体系列入每年执法业务全员集中线下实训内容。")
    base = similarity(old, new)
    assert base[0, 1] < match_module.ASSIGN_MIN  # its wording alone is under the bar
    assert int(base[:, 1].argmax()) == 0
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0), (0, 1), (1, 2)]


def test_without_a_restated_requirement_between_the_areas_the_new_item_stays_added():
    """Unrelated rubrics pair only weak rewrites: with no restated requirement between the two areas the rule
    does not apply (its links between different family rubrics fell by about nine tenths)."""
    old, new = _training("将本指标体系列入每年执法业务全员集中线下实训内容。", anchor="定期开展行政执法案卷评查。")
    pairs, _ = match(old, new)
    assert (0, 0) in pairs and (0, 1) not in pairs


def test_without_the_rule_the_new_item_stays_added(monkeypatch):
    monkeypatch.setattr(match_module, "REWRITTEN", 0.0)
    old, new = _training("将本指标体系列入每年执法业务全员集中线下实训内容。")
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0), (1, 2)]


def test_a_new_item_beside_a_verbatim_successor_stays_added():
    """When the sibling's link restates the old item, the old wording is all accounted for: 181 is new."""
    old, new = _training(TRAINING)
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0), (1, 2)]


DOCS = "执法文书规范"


def _documents(partner: str, anchor: str = "执法人员主动出示执法证件并表明身份。") -> tuple[list[Item], list[Item]]:
    old = [_item("1.2.2.25", "按照规定时点出具行政执法文书。", "1.2.2", DOCS),
           _item("1.2.2.26", "执法文书形式、内容符合法律规定。", "1.2.2", DOCS, order=1),
           _item("1.2.3.27", "执法人员主动出示执法证件并表明身份。", "1.2.3", order=2)]
    new = [_item("3.2.53", partner, "3.2", DOCS, area="3"),
           _item("3.2.54", anchor, "3.2", area="3", order=1)]
    return old, new


def test_an_old_item_joins_the_rewritten_successor_of_its_sibling():
    """(25) → 53 rewords the duty; (26)'s best partner is 53 too: a merge (25)(26) → 53."""
    old, new = _documents("在法定环节，依照法定时限、内容要素向相对人出具执法文书。")
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0), (1, 0), (2, 1)]


def test_an_old_item_stays_removed_where_the_areas_restate_nothing():
    old, new = _documents("在法定环节，依照法定时限、内容要素向相对人出具执法文书。", anchor="执法时出示证件。")
    pairs, _ = match(old, new)
    assert (0, 0) in pairs and (1, 0) not in pairs


def test_an_old_item_beside_a_verbatim_successor_is_removed():
    old, new = _documents("按照规定时点出具行政执法文书。")
    base = similarity(old, new)
    assert int(base[1].argmax()) == 0 and base[1, 0] > match_module.ASSIGN_MIN
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0), (2, 1)]


def test_the_best_partner_must_be_where_a_sibling_went():
    """(26) under another parent than (25): no sibling went to 53, so it stays removed."""
    old, new = _documents("在法定环节，依照法定时限、内容要素向相对人出具执法文书。")
    old[1] = _item("1.2.4.26", "执法文书形式、内容符合法律规定。", "1.2.4", DOCS, order=1)
    pairs, _ = match(old, new)
    assert (1, 0) not in pairs


@pytest.mark.parametrize("pairs, node, group", [
    ([(0, 0), (1, 0), (2, 1)], ("o", 1), ([0, 1], [0])),
    ([(0, 0), (0, 1), (1, 2)], ("n", 1), ([0], [0, 1])),
    ([(0, 0), (1, 1), (1, 0)], ("n", 1), ([0, 1], [0, 1])),
])
def test_link_groups_are_the_connected_components(pairs, node, group):
    groups = link_groups(pairs)
    assert tuple(sorted(x) for x in groups[node]) == group


REVIEW = "明确审核责任"


def _review(first: str, anchor: str = RESTATED) -> tuple[list[Item], list[Item]]:
    old = [_item("3.4.2.110", first, "3.4.2", REVIEW, area="3"),
           _item("3.4.2.111", "规定涵盖法制审核机构、范围、内容、责任、流程、协调等各类要求,符合工作实际。", "3.4.2",
                 REVIEW, area="3", order=1),
           _item("3.4.3.112", RESTATED, "3.4.3", area="3", order=2)]
    new = [_item("5.4.121", "制定并落实重大执法决定法制审核规定。明确承办机构对送审材料的真实性、准确性、完整性负责;"
                 "法制审核机构对法制审核意见负责。", "5.4", REVIEW, area="5"),
           _item("5.4.122", "制定并落实法制审核流程,明确送审材料报送要求和审核的方式、时限、责任,建立法制审核机构与执法"
                 "承办机构对审核意见不一致时的协调机制。", "5.4", REVIEW, area="5", order=1),
           _item("5.5.123", anchor, "5.5", area="5", order=2)]
    return old, new


def _crossed(old: list[Item], new: list[Item]) -> list[tuple[int, int]]:
    one_to_one = [(0, 0), (1, 1), (2, 2)]
    score = match_module._with_structure(similarity(old, new), old, new, one_to_one)
    return match_module._crossed_rewrites(one_to_one, score, old, new, match_module._idf(old, new))


def test_two_rewritten_links_between_the_same_parents_are_one_link():
    """(110) → 121 and (111) → 122 both rewrite their partner and each scores with the other's partner too:
    one crossed pair joins them into (110)(111) → 121 122."""
    old, new = _review("制定或执行上级机关制定的重大行政执法决定法制审核规定。")
    assert _crossed(old, new) == [(0, 1)]


def test_links_in_areas_that_restate_nothing_are_not_crossed():
    old, new = _review("制定或执行上级机关制定的重大行政执法决定法制审核规定。", anchor="定期开展行政执法案卷评查。")
    assert _crossed(old, new) == []


def test_the_areas_that_hold_a_restated_requirement():
    old, new = _review("制定或执行上级机关制定的重大行政执法决定法制审核规定。")
    idf = match_module._idf(old, new)
    assert match_module._anchored([(0, 0), (1, 1), (2, 2)], old, new, idf) == {("3", "5")}
    assert match_module._anchored([(0, 0), (1, 1)], old, new, idf) == set()


def test_a_restated_link_is_not_crossed():
    """When (110) is restated by 121, which old item went where is in the wording: the links stay apart."""
    old, new = _review("制定并落实重大执法决定法制审核规定。明确承办机构对送审材料的真实性、准确性、完整性负责;"
                       "法制审核机构对法制审核意见负责。")
    assert _crossed(old, new) == []


def test_links_under_different_parents_are_not_crossed():
    old, new = _review("制定或执行上级机关制定的重大行政执法决定法制审核规定。")
    new[1] = _item("5.4.122", new[1].text, "5.6", REVIEW, area="5", order=1)
    assert _crossed(old, new) == []


def test_short_requirements_are_no_rewrite():
    """Fewer than CONTAIN_MIN_GRAMS bigrams: containment says nothing, so no rewrite is claimed."""
    idf = {"执法": 1.0, "法公": 1.0, "公示": 1.0}
    assert not match_module._rewrite(bigrams("执法公示"), bigrams("公示执法"), idf)
