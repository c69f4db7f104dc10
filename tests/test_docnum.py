"""文号: canonical form 机关代字〔YYYY〕N号 and find_all."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from zhibiao.normalize.docnum import canonical, find_all

PROPERTY = settings(database=None, max_examples=300)
BRACKETS = [("〔", "〕"), ("（", "）"), ("(", ")"), ("[", "]"), ("【", "】"), ("［", "］")]


@pytest.mark.parametrize(("printed", "expected"), [
    ("榆司通（2023）39号", "榆司通〔2023〕39号"),
    ("陕司通(2022)26号", "陕司通〔2022〕26号"),
    ("陕司通〔2023〕31号", "陕司通〔2023〕31号"),
    ("国办发〔2023〕27号", "国办发〔2023〕27号"),
    ("国办发[2018]118号", "国办发〔2018〕118号"),
    ("陕政办发【2019】13号", "陕政办发〔2019〕13号"),
    ("陕发改营商(2023)376号", "陕发改营商〔2023〕376号"),
    ("陕司通 〔 2023 〕 31 号", "陕司通〔2023〕31号"),
    ("榆司通（ 2023 ）39 号", "榆司通〔2023〕39号"),
    ("  靖政司函〔2023〕59号\n", "靖政司函〔2023〕59号"),
    ("陕司通〔2023〕第31号", "陕司通〔2023〕31号"),
    ("陕司通（2023）第 31 号", "陕司通〔2023〕31号"),
])
def test_canonical(printed, expected):
    assert canonical(printed) == expected


@pytest.mark.parametrize("text", [
    "〔2023〕27号", "国办发〔2023〕", "国办发2023年27号", "国办发〔23〕27号", "国办发〔2023〕27",
    "国办发〔2023〕27号文件", "关于印发通知的通知", "",
])
def test_canonical_rejects_non_docnums(text):
    assert canonical(text) is None


def test_canonical_drops_leading_verbs():
    """In running text the CJK run before the bracket starts with 根据/按照/转发…; they are not the agency code."""
    assert canonical("根据国办发〔2023〕27号") == "国办发〔2023〕27号"
    assert canonical("按照陕司通(2022)26号") == "陕司通〔2022〕26号"


def test_canonical_keeps_a_prefix_made_only_of_leading_words():
    """Stripping 以/根据… must not leave an empty agency code: 〔2023〕1号 is not a 文号, so not idempotent."""
    once = canonical("以〔2023〕1号")
    assert once == "以〔2023〕1号"
    assert canonical(once) == once


def test_find_all_order_and_uniqueness():
    text = ("根据《通知》（国办发〔2023〕27号）和陕司通(2022)26号，以及国办发（2023）27号、"
            "国办发 〔2023〕 27 号，转发榆司通（2023）39号。陕司通〔2022〕26号")
    assert find_all(text) == ["国办发〔2023〕27号", "陕司通〔2022〕26号", "榆司通〔2023〕39号"]


def test_find_all_inside_points_brackets():
    text = "轮训计划。(国办发〔2023〕27号,1分)\n免罚清单。(陕司通(2022)26号, 1分)"
    assert find_all(text) == ["国办发〔2023〕27号", "陕司通〔2022〕26号"]


def test_find_all_none():
    assert find_all("2023年3月27日印发，共27号文件") == []


_PREFIX_CHARS = "陕榆汉靖国办政司法通发函市府改营商字规"


@PROPERTY
@given(
    prefix=st.text(alphabet=_PREFIX_CHARS, min_size=1, max_size=8),
    year=st.integers(min_value=1900, max_value=2099),
    number=st.integers(min_value=1, max_value=99999),
    brackets=st.sampled_from(BRACKETS),
    spaces=st.lists(st.sampled_from(["", " ", "  ", "\u3000"]), min_size=5, max_size=5),
    di=st.booleans(),
)
def test_canonical_property(prefix, year, number, brackets, spaces, di):
    """Any bracket style and inner whitespace give prefix〔YYYY〕N号, and canonical is idempotent."""
    opening, closing = brackets
    s = spaces
    printed = f"{prefix}{s[0]}{opening}{s[1]}{year}{s[2]}{closing}{s[3]}{'第' if di else ''}{number}{s[4]}号"
    expected = f"{prefix}〔{year}〕{number}号"
    assert canonical(printed) == expected
    assert canonical(expected) == expected
    assert find_all(f"根据{printed}。") == [expected]


@PROPERTY
@given(
    lead=st.lists(st.sampled_from(["见", "按照", "根据", "转发", "以", "和", "的", "自"]), max_size=3),
    code=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6),
    year=st.integers(min_value=1900, max_value=2099),
    number=st.integers(min_value=1, max_value=99999),
    brackets=st.sampled_from(BRACKETS),
)
def test_canonical_idempotent_for_any_prefix(lead, code, year, number, brackets):
    """Any CJK run before the bracket, including one made only of the words canonical strips (以, 根据…)."""
    prefix = "".join(lead) + code
    assume(prefix)
    opening, closing = brackets
    once = canonical(f"{prefix}{opening}{year}{closing}{number}号")
    assert once is not None
    assert once.endswith(f"〔{year}〕{number}号")
    assert canonical(once) == once


def test_a_wrap_inside_the_agency_name():
    """`（临财` / `绩〔2022〕9号）` in a hard-wrapped text: the 文号 was cited as 绩〔2022〕9号."""
    from zhibiao.normalize.docnum import find_all

    assert find_all("按照《办法》（临财\n绩〔2022〕9号）要求") == ["临财绩〔2022〕9号"]
    assert find_all("（详见\n国发〔2023〕1号）") == ["国发〔2023〕1号"]
