"""Points brackets and 评分标准 deduction rules, as exact decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from zhibiao.normalize.points import find_points, parse_deduction

PROPERTY = settings(database=None, max_examples=300)


# --- points brackets --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "points", "unit_printed", "bracket"), [
    ("建立制度(0.5分)", "0.5", True, "(0.5分)"),
    ("建立制度（ 0.5分）", "0.5", True, "（ 0.5分）"),
    ("建立制度（ 0.3 分）", "0.3", True, "（ 0.3 分）"),
    ("建立制度（0.5分)", "0.5", True, "（0.5分)"),
    ("建立制度(0.3)", "0.3", False, "(0.3)"),
    ("全面推行行政执法公示制度(24分)", "24", True, "(24分)"),
    ("全面推行行政执法公示制度（24分）", "24", True, "（24分）"),
    ("按时报送(0.50分)", "0.50", True, "(0.50分)"),
])
def test_find_points(text, points, unit_printed, bracket):
    pb = find_points(text)
    assert pb is not None
    assert type(pb.points) is Decimal
    assert pb.points == Decimal(points)
    assert str(pb.points) == points
    assert pb.unit_printed is unit_printed
    assert text[pb.start:pb.end] == bracket
    assert pb.refs == []


@pytest.mark.parametrize(("text", "refs", "bracket"), [
    ("制定轮训计划。(国办发〔2023〕27号,1分)", ["国办发〔2023〕27号"], "(国办发〔2023〕27号,1分)"),
    ("建立免罚清单。(陕司通(2022)26号, 1分)", ["陕司通〔2022〕26号"], "(陕司通(2022)26号, 1分)"),
    ("建立制度（陕司通〔2022〕26号，1分）", ["陕司通〔2022〕26号"], "（陕司通〔2022〕26号，1分）"),
    ("建立制度(国办发〔2023〕27号、陕司通〔2022〕26号,1分)", ["国办发〔2023〕27号", "陕司通〔2022〕26号"],
     "(国办发〔2023〕27号、陕司通〔2022〕26号,1分)"),
])
def test_find_points_with_citation(text, refs, bracket):
    pb = find_points(text)
    assert pb is not None
    assert pb.points == Decimal("1")
    assert type(pb.points) is Decimal
    assert pb.unit_printed is True
    assert pb.refs == refs
    assert text[pb.start:pb.end] == bracket


@pytest.mark.parametrize("text", [
    "（最多扣 0.06分）",
    "(最多扣0.06分)",
    "(2019年3月27日)",
    "于(2019年3月27日)前完成",
    "建立制度(共3项)",
    "建立制度",
    "（一）建立制度",
    "(3)建立制度",
    "0.5分",
])
def test_not_points(text):
    assert find_points(text) is None


def test_bare_integer_only_at_the_end():
    """(3) is a list marker inside a text and counts as points only where the text ends."""
    assert find_points("落实(3)情况") is None
    pb = find_points("落实情况(3)")
    assert pb is not None
    assert (pb.points, pb.unit_printed) == (Decimal("3"), False)
    assert find_points("落实情况(3)", bare_ok_at_end=False) is None


def test_find_points_from_start():
    text = "落实(0.5分)情况(1分)"
    first = find_points(text)
    assert first is not None and first.points == Decimal("0.5")
    second = find_points(text, first.end)
    assert second is not None and second.points == Decimal("1")
    assert text[second.start:second.end] == "(1分)"
    assert find_points(text, second.end) is None


@PROPERTY
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
    st.sampled_from([("(", ")"), ("（", "）")]),
    st.sampled_from(["", " "]),
)
def test_points_bracket_round_trips(d, brackets, space):
    opening, closing = brackets
    text = f"建立制度{opening}{space}{d}{space}分{closing}"
    pb = find_points(text)
    assert pb is not None
    assert type(pb.points) is Decimal
    assert pb.points == Decimal(str(d))
    assert str(pb.points) == str(d)
    assert pb.unit_printed is True
    assert (pb.start, pb.end) == (4, len(text))


# --- deduction rules --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "amount", "amount_max", "unit", "cap", "condition"), [
    ("每少一项扣0.1分，最多扣0.5分", "per_unit", "0.1", None, "项", "0.5", None),
    ("每件扣0.01分，最多扣0.1分", "per_unit", "0.01", None, "件", "0.1", None),
    ("未按要求公开的，每少一项扣0.1分，最多扣0.5分", "per_unit", "0.1", None, "项", "0.5", "未按要求公开的"),
    ("每次扣0.2分", "per_unit", "0.2", None, "次", None, None),
    ("无清理目录的扣0.05分", "fixed", "0.05", None, None, None, "无清理目录的"),
    ("应诉率低于80%扣0.1分", "fixed", "0.1", None, None, None, "应诉率低于80%"),
    ("未建立的，扣0.5分", "fixed", "0.5", None, None, None, "未建立的"),
    ("扣0.1分", "fixed", "0.1", None, None, None, None),
    ("未公开的，扣除1-3分", "range", "1", "3", None, None, "未公开的"),
    ("扣除1-3分", "range", "1", "3", None, None, None),
    ("得2分,否则得0分", "all_or_nothing", "2", None, None, None, None),
    ("按时报送的得2分，否则得0分", "all_or_nothing", "2", None, None, None, "按时报送的"),
])
def test_parse_deduction(text, kind, amount, amount_max, unit, cap, condition):
    rule = parse_deduction(text)
    assert rule is not None
    assert rule.text == text
    assert rule.kind == kind
    assert rule.unit == unit
    assert rule.condition == condition
    for name, want in (("amount", amount), ("amount_max", amount_max), ("cap", cap)):
        got = getattr(rule, name)
        if want is None:
            assert got is None, name
        else:
            assert type(got) is Decimal, name
            assert got == Decimal(want), name


def test_deduction_serialises_decimals_as_strings():
    """FORMAT.md: decimals are strings in the catalogue, never floats."""
    rule = parse_deduction("每少一项扣0.1分，最多扣0.5分")
    assert rule is not None
    dumped = rule.model_dump(mode="json")
    assert dumped == {"text": "每少一项扣0.1分，最多扣0.5分", "kind": "per_unit", "amount": "0.1",
                      "amount_max": None, "unit": "项", "cap": "0.5", "condition": None}


@pytest.mark.parametrize("text", ["建立制度", "不得分", "最多扣0.5分", ""])
def test_parse_deduction_none(text):
    assert parse_deduction(text) is None


@PROPERTY
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10"), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10"), places=2),
    st.sampled_from("项件次条"),
)
def test_per_unit_property(amount, cap, unit):
    rule = parse_deduction(f"每少一{unit}扣{amount}分，最多扣{cap}分")
    assert rule is not None
    assert (rule.kind, rule.unit, rule.condition) == ("per_unit", unit, None)
    assert type(rule.amount) is Decimal and type(rule.cap) is Decimal
    assert (str(rule.amount), str(rule.cap)) == (str(amount), str(cap))
