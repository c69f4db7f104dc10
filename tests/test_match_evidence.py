"""The evidence the crosswalk matches on: synonyms and masked numbers, containment, lists of another
kind, and a shared assignment that lets a requirement take a second partner."""

from __future__ import annotations

from decimal import Decimal

from zhibiao.diff.match import Item, _assign_shared, _mark_cited, match
from zhibiao.diff.text import bigrams, features, words
from zhibiao.model import Indicator, Rubric


def _item(ident: str, text: str, area: str = "1", parent: str = "1.1", order: int = 0) -> Item:
    seen = features(text)
    return Item(ident, text, Decimal("1"), parent, area, "", order, bigrams(seen), words(seen))


def test_numbers_are_masked_so_a_time_limit_does_not_drive_the_match():
    """10个工作日内 was matched to the item that says 20个工作日内 rather than to its true successor."""
    assert features("自公开之日起10个工作日内报送") == features("自公开之日起20个工作日内报送")
    assert features("比例达到50%") == "比例达到#%"


def test_rubric_synonyms_read_alike():
    """着装 → 穿着制式服装 and 执法资格 → 执法证件 shared too few words to be linked."""
    assert "制式服装" in features("着装、标识规范")
    assert "执法证件" in features("所有执法人员都具有执法资格")
    assert features("公布权力清单和责任清单") == features("公布权责清单")


def test_posts_and_certificates_read_alike():
    """(164) 所有从事行政执法的人员都具有执法资格 → 1.2.9 执法岗位人员均取得执法证件 (and 1.2.8 执法人员…执法资格):
    the 2019 wording shared too few bigrams with either to be linked across areas."""
    assert "执法人员" in features("所有从事行政执法的人员都具有执法资格")
    assert "取得执法证件" in features("所有从事行政执法的人员都具有执法资格")
    assert features("具有执法资格") == features("取得执法证件")


def test_every_synonym_says_where_it_was_seen():
    """Each row of diff/synonyms.txt: variant, canonical form and provenance; no variant inside its canonical form."""
    from importlib import resources

    rows = [line.rstrip("\n").split("\t") for line in
            resources.files("zhibiao.diff").joinpath("synonyms.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert len(rows) >= 5
    for row in rows:
        assert len(row) == 3 and all(field.strip() for field in row), row
        assert row[0] not in row[1], row


def _leaf(ident: str, text: str, refs: list[str] | None = None) -> Indicator:
    return Indicator(id=ident, level=2, marker=None, number=1, text=text, points=Decimal("1"), refs=refs or [])


def test_a_block_whose_items_cite_documents_is_a_list_of_its_own():
    """年度重点 tasks, each citing its 文号, outscored the real successor through shared boilerplate."""
    rubric = Rubric(title=None, level_names=[], indicators=[
        Indicator(id="1", level=1, marker=None, number=1, text="公示", points=Decimal("2"),
                  children=[_leaf("1.1", "公开执法信息"), _leaf("1.2", "公开清单")]),
        Indicator(id="2", level=1, marker=None, number=1, text="年度重点", points=Decimal("2"), children=[
            _leaf("2.1", "建立并落实监督员制度", ["国办发〔2023〕27号"]),
            _leaf("2.2", "开展专项整治", ["陕司通〔2022〕26号"])]),
    ])
    items = [_item(i.id, i.text, area=i.id.split(".")[0]) for i in rubric.walk() if not i.children]
    _mark_cited(rubric, items)
    assert [i.cited for i in items] == [False, False, True, True]


def test_a_rubric_that_cites_everywhere_has_no_list_of_another_kind():
    rubric = Rubric(title=None, level_names=[], indicators=[Indicator(
        id="1", level=1, marker=None, number=1, text="甲", points=Decimal("2"), children=[
        _leaf("1.1", "制定规定", ["国办发〔2023〕27号"]), _leaf("1.2", "开展评查", ["国办发〔2023〕27号"])])])
    items = [_item(i.id, i.text) for i in rubric.walk() if not i.children]
    _mark_cited(rubric, items)
    assert not any(i.cited for i in items)


def test_a_merge_takes_both_old_items_when_both_are_strong():
    """Two old items restated together in one new item: one-to-one assignment gave the second old item to
    a weaker sibling or to nothing."""
    import numpy as np

    old = [_item("a", "甲"), _item("b", "乙")]
    new = [_item("x", "甲乙")]
    score = np.array([[0.95], [0.9]])
    assert sorted(_assign_shared(score, old, new, {"1": {"1": 1.0}})) == [(0, 0), (1, 0)]
    weak = np.array([[0.95], [0.6]])
    assert _assign_shared(weak, old, new, {"1": {"1": 1.0}}) == [(0, 0)]


def test_match_links_a_split_old_item_to_both_successors():
    old = [_item("1", "制定行政执法公示办法并公开执法主体信息和执法人员信息", order=0),
           _item("2", "开展执法案卷评查", order=1)]
    new = [_item("1", "制定行政执法公示办法", order=0), _item("2", "公开执法主体信息和执法人员信息", order=1),
           _item("3", "开展执法案卷评查", order=2)]
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 0), (0, 1), (1, 2)]


def test_the_wrong_sibling_joins_its_sibling_where_it_went():
    """制定并公开随机抽查事项清单 went to 公开执法事项清单 by a hair, though its sibling's successor 公开随机抽查
    事项清单… restates it: a tie that where the sibling went and the wording held break."""
    import numpy as np

    from zhibiao.diff.match import _join_siblings

    old = [_item("1.1.2.9", "制定并公开随机抽查事项清单。", parent="1.1.2"),
           _item("1.1.2.10", "随机抽查事项清单包括抽查事项、抽查依据、抽查对象。", parent="1.1.2")]
    new = [_item("3.1.39", "公开执法事项清单。", parent="3.1"),
           _item("3.1.46", "公开随机抽查事项清单，包括抽查事项、抽查依据、抽查对象等信息。", parent="3.1")]
    score = np.array([[0.646, 0.637], [0.2, 1.18]])
    assert sorted(_join_siblings([(0, 0), (1, 1)], score, old, new)) == [(0, 1), (1, 1)]
    far = np.array([[0.80, 0.637], [0.2, 1.18]])  # not a tie: the one-to-one pair stands
    assert sorted(_join_siblings([(0, 0), (1, 1)], far, old, new)) == [(0, 0), (1, 1)]


def test_the_partner_the_tie_break_leaves_stays_unpaired(monkeypatch):
    """公开执法事项清单 lost 制定并公开随机抽查事项清单 to the sibling tie-break, then came back as a split of the
    same old item through the containment pass (and took the merged sibling with it)."""
    import numpy as np

    from zhibiao.diff import match as match_module

    old = [_item("1.1.2.9", "制定并公开随机抽查事项清单。", parent="1.1.2", order=0),
           _item("1.1.2.10", "随机抽查事项清单包括抽查事项、抽查依据、抽查对象。", parent="1.1.2", order=1)]
    new = [_item("3.1.39", "公开执法事项清单。", parent="3.1", order=0),
           _item("3.1.46", "公开随机抽查事项清单，包括抽查事项、抽查依据、抽查对象等信息。", parent="3.1", order=1)]
    score = np.array([[0.646, 0.637], [0.2, 1.18]])
    monkeypatch.setattr(match_module, "similarity", lambda a, b: score.copy())
    monkeypatch.setattr(match_module, "W_STRUCTURE", 0.0)
    pairs, _ = match(old, new)
    assert sorted(pairs) == [(0, 1), (1, 1)]


def test_the_lower_merge_bar_holds_only_where_a_sibling_went(monkeypatch):
    """自公开之日起10个工作日内向上级报送 shares 个工作日内 with a publication deadline under the same new parent,
    but its sibling went elsewhere: it is not merged into the deadline item on that evidence alone."""
    import numpy as np

    from zhibiao.diff import match as match_module

    old = [_item("1.3.1.36", "行政许可、处罚决定在决定作出之日起7个工作日内在网站向社会公开。", parent="1.3.1"),
           _item("1.3.3.43", "按时、按规定内容公开上年度行政执法总体情况有关数据。", parent="1.3.3", order=1),
           _item("1.3.3.44", "自公开之日起10个工作日内向上级报送。", parent="1.3.3", order=2)]
    new = [_item("3.3.59", "行政许可、处罚决定依照法律、行政法规规定时限公开，没有规定的，在决定作出之日起7个工作日内"
                 "在网站向社会公开。", parent="3.3", order=0),
           _item("3.3.64", "每年1月31日前公开本单位上年度执法总体情况有关数据，并报本级政府和上级主管部门。",
                 parent="3.3", order=1)]
    score = np.array([[0.9, 0.2], [0.2, 0.6], [0.45, 0.28]])
    monkeypatch.setattr(match_module, "similarity", lambda a, b: score.copy())
    monkeypatch.setattr(match_module, "W_STRUCTURE", 0.0)
    idf = match_module._idf(old, new)
    share = match_module._containment(old[2].grams, new[0].grams, idf)
    assert match_module.PART_MIN_NEAR <= share < match_module.PART_MIN  # enough only beside a sibling
    assert sorted(match(old, new)[0]) == [(0, 0), (1, 1)]
    # the sibling 按时…公开上年度…数据 goes to the deadline item instead: there the lower bar holds
    monkeypatch.setattr(match_module, "similarity", lambda a, b: np.array([[0.2, 0.9], [0.6, 0.2], [0.28, 0.45]]))
    assert sorted(match(old, new)[0]) == [(0, 1), (1, 0), (2, 0)]


def test_a_further_partner_must_explain_what_the_first_leaves_out(monkeypatch):
    """行政诉讼案件被撤销…的比例不超过10% shares most of its wording with the successor of its sibling, which that
    sibling already explains in full: it is not merged in (it was removed)."""
    import numpy as np

    from zhibiao.diff import match as match_module

    old = [_item("6.35", "行政复议案件被撤销、确认违法的比例不超过3%。", parent="6", order=0),
           _item("6.36", "行政诉讼案件被撤销、确认违法的比例不超过10%。", parent="6", order=1)]
    new = [_item("6.36", "行政复议案件被撤销、确认违法的比例不超过3%。", parent="6", order=0)]
    monkeypatch.setattr(match_module, "similarity", lambda a, b: np.array([[0.9], [0.57]]))
    monkeypatch.setattr(match_module, "W_STRUCTURE", 0.0)
    idf = match_module._idf(old, new)
    assert match_module._containment(old[1].grams, new[0].grams, idf) >= match_module.PART_MIN
    assert match(old, new)[0] == [(0, 0)]
    # when the successor says more than the sibling did (行政诉讼案件…), the second part is merged
    new[0] = _item("6.36", "行政复议案件被撤销、确认违法的比例不超过3%，行政诉讼案件被撤销的比例不超过10%。")
    assert match_module._containment(new[0].grams, old[0].grams, match_module._idf(old, new)) < match_module.COVERED
    assert sorted(match(old, new)[0]) == [(0, 0), (1, 0)]


def test_a_leftover_joins_its_best_partner_when_it_fills_in_what_the_partner_leaves_out(monkeypatch):
    """制定…执法案卷管理规定 lost 制定执法案卷信息管理、调阅、监督规定 to the 调阅监督 item: its words are too few a
    share of its own text to pass the containment bar, but they are the part of the new item the other leaves out."""
    import numpy as np

    from zhibiao.diff import match as match_module

    old = [_item("2.3.1.66", "制定或执行上级机关制定的执法案卷管理规定。", parent="2.3.1", order=0),
           _item("2.3.1.67", "依照规定将执法记录制成案卷。", parent="2.3.1", order=1),
           _item("2.4.3.83", "制定或执行上级机关制定的执法记录信息调阅监督规定。", parent="2.4.3", order=2)]
    new = [_item("4.3.80", "制定执法案卷信息管理、调阅、监督规定。", parent="4.3", order=0),
           _item("4.3.81", "依照规定将执法记录制成案卷。", parent="4.3", order=1)]
    score = np.array([[0.52, 0.40], [0.44, 1.2], [0.64, 0.41]])
    monkeypatch.setattr(match_module, "similarity", lambda a, b: score.copy())
    monkeypatch.setattr(match_module, "W_STRUCTURE", 0.0)
    idf = match_module._idf(old, new)
    assert match_module._containment(old[0].grams, new[0].grams, idf) < match_module.PART_MIN
    assert sorted(match(old, new)[0]) == [(0, 0), (1, 1), (2, 0)]
    # the same leftover whose words the partner's other source already brings stays removed
    old[0] = _item("2.3.1.66", "制定或执行上级机关制定的执法记录信息调阅规定。", parent="2.3.1", order=0)
    assert sorted(match(old, new)[0]) == [(1, 1), (2, 0)]


def test_structure_ranks_pairs_but_does_not_make_one_of_distant_wording():
    """配合建立…数据库 (removed) went to 执法人员力量与执法任务相适应 (added): its wording scored under the bar,
    the bonus for following its section lifted it over."""
    import numpy as np

    old = [_item("5.6.2.164", "所有从事行政执法的人员都具有执法资格。"),
           _item("5.6.2.165", "配合建立全国行政执法人员和法制审核人员数据库，完成工作任务。")]
    new = [_item("8.5.178", "执法人员均具有执法资格。"), _item("8.5.179", "执法人员力量与执法任务相适应。")]
    text = np.array([[0.8, 0.2], [0.2, 0.244]])
    lifted = text + 0.118
    areas = {"1": {"1": 1.0}}
    assert sorted(_assign_shared(lifted, old, new, areas)) == [(0, 0), (1, 1)]
    assert _assign_shared(lifted, old, new, areas, text) == [(0, 0)]


def test_a_leftover_linked_in_one_round_is_a_siblings_partner_in_the_next(monkeypatch):
    """制定行政执法事前公开规定 had no sibling linked when the leftovers were first looked at; once its sibling joined
    制定执法信息公开规定…, it met the lower bar there."""
    import numpy as np

    from zhibiao.diff import match as match_module

    old = [_item("1.1", "制定执法案卷信息管理规定。", parent="1"),
           _item("2.1", "明确调阅监督要求。", parent="2", order=1),
           _item("2.2", "定期开展执法案卷评查工作并通报结果。", parent="2", order=2)]
    new = [_item("5.1", "制定执法案卷信息管理规定，明确调阅监督要求，并定期开展案卷评查。", parent="5")]
    monkeypatch.setattr(match_module, "similarity", lambda a, b: np.array([[0.9], [0.5], [0.4]]))
    monkeypatch.setattr(match_module, "W_STRUCTURE", 0.0)
    monkeypatch.setattr(match_module, "FILL_MIN", 2.0)  # containment alone
    share = match_module._containment(old[2].grams, new[0].grams, match_module._idf(old, new))
    assert match_module.PART_MIN_NEAR <= share < match_module.PART_MIN
    assert sorted(match(old, new)[0]) == [(0, 0), (1, 0), (2, 0)]
    monkeypatch.setattr(match_module, "LEFTOVER_ROUNDS", 1)
    assert sorted(match(old, new)[0]) == [(0, 0), (1, 0)]
