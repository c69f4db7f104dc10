"""Rules found with the held-out families rm01, sj02, xf03, gf04, fy05 (corpus/families), on small cases of their own.

Each test's docstring states the symptom the family showed before the rule; the families themselves are compared with
their goldens in test_families.py.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from zhibiao.normalize.points import is_rule, parse_deduction, single_rule
from zhibiao.pipeline import ingest

from conftest import FAMILIES

NOTICE = ["某某市司法局文件", "某司发〔2024〕99号", "某某市司法局关于开展考核工作的通知", "各区县司法局：",
          "现将考核指标印发给你们，请认真执行。", "附件", "某某市考核指标"]
SIGNATURE = ["某某市司法局", "2024年3月1日"]


def _leaves(cat) -> list[tuple[str, str | None, Decimal | None]]:
    out = []
    for ind in cat.rubrics[0].walk():
        if not ind.children:
            out.append((ind.id, ind.text, ind.points))
    return out


@pytest.mark.parametrize("text, kind, amount, unit, cap, condition", [
    ("未按时办理的，每人次扣一分", "per_unit", "1", "人次", None, "未按时办理的"),
    ("走访记录不全的，扣一分", "fixed", "1", None, None, "走访记录不全的"),
    ("每人扣零点五分，最多扣二分", "per_unit", "0.5", "人", "2", None),
    ("未落实的，扣十五分", "fixed", "15", None, None, "未落实的"),
    ("得二分，否则不得分", "all_or_nothing", "2", None, None, None),
])
def test_rule_amounts_in_chinese_numerals(text, kind, amount, unit, cap, condition):
    """sj02 prints every amount in words (每人次扣一分): all twelve rules came out with deduction null, exit 0."""
    assert is_rule(text) and single_rule(text)
    rule = parse_deduction(text)
    assert rule is not None and rule.text == text
    assert (rule.kind, rule.amount, rule.unit, rule.condition) == (kind, Decimal(amount), unit, condition)
    assert rule.cap == (Decimal(cap) if cap else None)


def test_range_in_chinese_numerals_and_words_that_are_no_amount():
    """A range in words (扣一至三分) is a range; 做得十分扎实 (十分 = very) is no rule at all."""
    rule = parse_deduction("视情况扣一至三分")
    assert rule is not None and (rule.kind, rule.amount, rule.amount_max) == ("range", Decimal(1), Decimal(3))
    assert rule.condition == "视情况"
    assert not is_rule("工作做得十分扎实")
    assert parse_deduction("工作做得十分扎实") is None


def test_measure_word_with_ci():
    """xf03's 每发生1批次扣2分 counted 批 instead of 批次 (人次 and 件次 were known, the other X次 were not)."""
    assert parse_deduction("每发生1批次扣2分").unit == "批次"
    assert parse_deduction("每发生1台次扣1分").unit == "台次"
    assert parse_deduction("每发生1批扣2分").unit == "批"


def test_group_header_of_two_rows_in_a_pipe_copy(tmp_path):
    """gf04's header 考评指标 (over 一级/二级/三级指标) | 分值 | 评分标准 | 责任单位, copied from a web page
    without spans, gave four columns against body rows of six: "no rubric found" (exit 2)."""
    rows = ["考评指标 | 分值 | 评分标准 | 责任单位 |", "一级指标 | 二级指标 | 三级指标 |",
            "平台建设 | 实体平台 | 县级公共法律服务中心建成率 | 30 | 未建成的，每个扣2分 | 各区县司法局 |",
            "乡镇公共法律服务工作站规范化建设情况 | 20 | 每有1个不达标扣0.5分 | 各区县司法局 |",
            "服务供给 | 法律援助 | 法律援助案件质量评查合格率 | 30 | 每有1件不合格扣1分 | 市法律援助中心 |",
            "法律援助值班律师工作站覆盖情况 | 20 |  | 各区县司法局 |",
            "合计 | 100 |  |  |"]
    path = tmp_path / "group_header.pipe.txt"
    path.write_text("\n".join(NOTICE + rows + SIGNATURE) + "\n", encoding="utf-8")
    cat = ingest(path)
    rubric = cat.rubrics[0]
    assert rubric.level_names == ["一级指标", "二级指标", "三级指标"]
    assert _leaves(cat) == [("1.1.1", "县级公共法律服务中心建成率", Decimal(30)),
                            ("1.1.2", "乡镇公共法律服务工作站规范化建设情况", Decimal(20)),
                            ("2.1.1", "法律援助案件质量评查合格率", Decimal(30)),
                            ("2.1.2", "法律援助值班律师工作站覆盖情况", Decimal(20))]
    assert [i.owner for i in rubric.walk() if not i.children] == ["各区县司法局", "各区县司法局", "市法律援助中心",
                                                                  "各区县司法局"]
    assert rubric.stated_total == Decimal(100)


def test_heading_above_the_one_table_of_a_sheet(tmp_path):
    """xf03 as a sheet: 一、信访基础业务 above the header, 二、矛盾纠纷化解 as a band inside the one table: the
    first heading was left out, its groups became first-level indicators (10 of 16 leaves, numbering_gap)."""
    lines = ["一、信访基础业务", "二级指标,三级指标,权重（%）,评分标准",
             "（一）信访事项受理,登记受理,30,未按规定登记的，每件扣1分", ",转送交办,20,",
             "二、矛盾纠纷化解,,,", "二级指标,三级指标,权重（%）,评分标准",
             "（一）源头预防,风险评估,30,", ",排查化解,20,"]
    path = tmp_path / "sheet.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cat = ingest(path)
    top = cat.rubrics[0].indicators
    assert [(i.marker, i.text, i.points) for i in top] == [("一、", "信访基础业务", Decimal(50)),
                                                           ("二、", "矛盾纠纷化解", Decimal(50))]
    assert _leaves(cat) == [("1.1.1", "登记受理", Decimal(30)), ("1.1.2", "转送交办", Decimal(20)),
                            ("2.1.1", "风险评估", Decimal(30)), ("2.1.2", "排查化解", Decimal(20))]


def test_two_column_header_glued_to_a_heading_in_a_cell_a_line_copy(tmp_path):
    """xf03 copied one cell a line: 四、一票否决事项 glued to the 序号 | 否决情形 header of its own two-column
    table became one indicator `一票否决事项序号` with criteria 否决情形, its three items unplaced."""
    cells = []
    for row in (["二级指标", "三级指标", "权重（%）", "评分标准"],
                ["（一）信访事项受理", "登记受理", "30", "未按规定登记的，每件扣1分"], ["转送交办", "20", ""],
                ["（二）信访事项办理", "按期办结率", "30", ""], ["群众满意率", "20", ""]):
        cells += [f"{c} |" for c in row] + ["||"]
    veto = ["二、一票否决事项"] + [f"{c} |" for c in ["序号", "否决情形"]] + ["||"]
    for k, text in enumerate(["因信访问题处置不当引发重大群体性事件的", "对信访人打击报复的"], 1):
        veto += [f"{k} |", f"{text} |", "||"]
    path = tmp_path / "cells.txt"
    path.write_text("\n".join(NOTICE + ["一、信访基础业务"] + cells + veto + SIGNATURE) + "\n", encoding="utf-8")
    cat = ingest(path)
    rubric = cat.rubrics[0]
    veto_top = rubric.indicators[-1]
    assert [(i.marker, i.text, i.points) for i in rubric.indicators][0] == ("一、", "信访基础业务", Decimal(100))
    assert (veto_top.marker, veto_top.text, veto_top.kind, veto_top.criteria) == ("二、", "一票否决事项", "veto", None)
    assert [(c.marker, c.text, c.kind) for c in veto_top.children] == [
        ("1", "因信访问题处置不当引发重大群体性事件的", "veto"), ("2", "对信访人打击报复的", "veto")]
    assert rubric.rows_placed == rubric.rows_total


FY05 = json.loads((FAMILIES / "manifest.json").read_text(encoding="utf-8"))
FY05_FILES = [x["file"] for r in FY05["rubrics"] if r["id"] == "fy05_xingzheng_fuyi" for x in r["renderings"]
              if not x["file"].endswith(".borderless.pdf")]


@pytest.mark.parametrize("file", FY05_FILES)
def test_a_printed_total_that_does_not_reconcile_is_reported(file):
    """fy05 prints (二)审理决定(15分) over items of 5 + 5 + 4.5: the printed 15 is kept and the mismatch reported."""
    cat = ingest(FAMILIES / file)
    rubric = cat.rubrics[0]
    group = next(i for i in rubric.walk() if i.id == "1.2")
    assert group.points == Decimal(15)
    assert sum(c.points for c in group.children) == Decimal("14.5")
    mismatches = [f for f in rubric.findings if f.code == "sum_mismatch"]
    assert mismatches and all(f.severity == "error" for f in mismatches)
