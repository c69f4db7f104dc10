"""Text clean-up: markup and the WeChat share line dropped, line-wrap whitespace removed, wording kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from zhibiao.normalize.cleanup import clean, squash, strip_markup

PROPERTY = settings(database=None, max_examples=500)
SHARE = "打开微信,点击底部的“发现”,使用“扫一扫”即可将网页分享至朋友圈。"


@pytest.mark.parametrize(("raw", "expected"), [
    ("<p>建立制度</p>", "建立制度"),
    ("<P class=\"x\">建立</p>制度", "建立制度"),
    ("建立<br/>制度", "建立制度"),
    ("<p>Word</p><p>文件</p>", "Word 文件"),
    ("建立[bookmark: _GoBack]制度", "建立制度"),
    ("[bookmark: _Toc123]一、总则", "一、总则"),
])
def test_markup_dropped(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize("raw", [
    SHARE,
    "附件：2.工作指标体系分工" + SHARE,
    "附件：2.工作指标体系分工打开微信,点击底部的“发现”,\n使用“扫一扫”即可将网页分享至朋友圈。",
    "附件：2.工作指标体系分工打开微信，点击底部的\"发现\"，使用\"扫一扫\"即可将网页分享至朋友圈",
    "附件：2.工作指标体系分工打开微信,点击底部的“发现”,使用“扫一扫”即可将网页分享至\n朋友圈。",
    "附件：2.工作指标体系分工打开微\n信,点击底部的“发现”,使用“扫一扫”即可将网页分享至朋友圈。",
    "附件：2.工作指标体系分工打开微信,点击底部的“发\r\n现”,使用“扫一扫”即可将网页分享至朋友圈。",
])
def test_share_line_dropped(raw):
    """The share line is dropped when glued to the text before it and when a line break splits it anywhere."""
    expected = "附件：2.工作指标体系分工" if raw.startswith("附件") else ""
    assert clean(raw) == expected
    assert squash(raw) == expected
    assert "朋友" not in strip_markup(raw)


@PROPERTY
@given(
    st.integers(min_value=0, max_value=len(SHARE)),
    st.sampled_from(["\n", "\r\n", " \n", "\u3000", "<p>", "[bookmark: _GoBack]"]),
)
def test_share_line_split_anywhere(at, gap):
    raw = "指标体系分工" + SHARE[:at] + gap + SHARE[at:]
    assert clean(raw) == "指标体系分工"
    assert squash(raw) == "指标体系分工"


def test_share_line_keeps_text_after_it():
    assert clean(SHARE + "\n汉中市司法局") == "汉中市司法局"


@pytest.mark.parametrize(("raw", "expected"), [
    ("建立 制度", "建立制度"),
    ("建立\n制度", "建立制度"),
    ("建立\r\n  制度", "建立制度"),
    ("建立\u3000制度", "建立制度"),
    ("“发现” 使用", "“发现”使用"),
    ("（一） 建立", "（一）建立"),
    ("制度，\n建立", "制度，建立"),
    ("a   b\n\tc", "a b c"),
    ("第1 条", "第1 条"),
    ("2023年 1月", "2023年 1月"),
    ("  建立制度  \n", "建立制度"),
    ("\u3000\u3000建立制度", "建立制度"),
    ("规范性文件 and 裁量基准", "规范性文件 and 裁量基准"),
    ("规范性文件\nand\n裁量基准", "规范性文件 and 裁量基准"),
    ("", ""),
])
def test_whitespace(raw, expected):
    assert clean(raw) == expected


def test_typos_are_kept():
    """Clean-up never corrects the source: the stray 'and' of the 2023 notice stays."""
    raw = "<p>建立健全规范性文件 and 裁量基准</p>"
    assert clean(raw) == "建立健全规范性文件 and 裁量基准"


def test_strip_markup_keeps_whitespace():
    assert strip_markup("建立\n制度[bookmark: _GoBack]") == "建立\n制度"
    assert strip_markup("建立<p>制度").replace(" ", "") == "建立制度"


def test_squash_removes_all_whitespace():
    assert squash("<p>规范性文件 and\n裁量 基准</p>") == "规范性文件and裁量基准"


_FRAGMENTS = st.sampled_from([
    "建立", "制度", "行政执法", "（一）", "1.", "(0.5分)", "“发现”", "，", "。", "、", "and", "Word", "80%",
    " ", "  ", "\n", "\t", "\u3000", "\r\n", "<p>", "</p>", "<br/>", "[bookmark: _GoBack]",
    "打开微信,", "点击底部的“发现”,", "使用“扫一扫”", "即可将网页分享至朋友圈。", SHARE,
])


@PROPERTY
@given(st.lists(_FRAGMENTS, max_size=12))
def test_clean_is_idempotent(parts):
    once = clean("".join(parts))
    assert clean(once) == once


@PROPERTY
@given(st.text(alphabet=st.sampled_from(list("建立制度ab1.，。“”（）<>p/[]: \n\t\u3000")), max_size=30))
def test_clean_is_idempotent_on_any_text(text):
    once = clean(text)
    assert clean(once) == once


@PROPERTY
@given(st.lists(_FRAGMENTS, max_size=12))
def test_clean_output_shape(parts):
    """No leading/trailing whitespace, no runs, and no space left between two CJK characters."""
    out = clean("".join(parts))
    assert out == out.strip()
    assert "  " not in out and "\n" not in out and "\t" not in out
    assert squash(out) == squash("".join(parts))


def test_a_wrap_inside_a_number_leaves_no_space():
    """`扣1-` / `2分` at a PDF line wrap: the range came out as `扣1- 2分` and its rule did not parse."""
    from zhibiao.normalize.cleanup import clean

    assert clean("落实不到位的扣1-\n2分。") == "落实不到位的扣1-2分。"
    assert clean("每件扣0.\n5分") == "每件扣0.5分"
    assert clean("version 1.\nNext") == "version 1. Next"
