"""Clause numbers: parse_marker and Chinese numerals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from zhibiao.normalize.numbering import Marker, cn_to_int, parse_marker

PROPERTY = settings(database=None, max_examples=300)
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def int_to_cn(value: int) -> str:
    """Write 1..9999 as a Chinese numeral the way notices print it (十一, 二十三, 一百零五).

    The generator of printed numerals for the property tests of cn_to_int and parse_marker (the
    library never writes numerals, so it lives here; its own tests below check it).
    """
    if value <= 0 or value > 9999:
        raise ValueError(f"out of range: {value}")
    digits = "零一二三四五六七八九"
    parts = []
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    zero = False
    started = False
    for size, name in units:
        d = value // size % 10
        if d == 0:
            if started:
                zero = True
            continue
        if zero:
            parts.append("零")
            zero = False
        if not (size == 10 and d == 1 and not started):
            parts.append(digits[d])
        parts.append(name)
        started = True
    return "".join(parts)


# --- Chinese numerals -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("一", 1), ("二", 2), ("两", 2), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23),
    ("九十九", 99), ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("一百一十一", 111),
    ("两百", 200), ("九百九十九", 999), ("一千", 1000), ("一千零一", 1001), ("一千零一十", 1010),
    ("九千九百九十九", 9999), ("二〇二三", 2023), ("零", 0), ("〇", 0),
])
def test_cn_to_int(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["", "1", "甲", "十a", "一 二", "第一"])
def test_cn_to_int_rejects_non_numerals(text):
    with pytest.raises(ValueError):
        cn_to_int(text)


@pytest.mark.parametrize(("value", "text"), [
    (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (100, "一百"), (105, "一百零五"),
    (110, "一百一十"), (999, "九百九十九"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"),
    (2010, "二千零一十"), (9999, "九千九百九十九"),
])
def test_int_to_cn(value, text):
    assert int_to_cn(value) == text


@pytest.mark.parametrize("value", [0, -1, 10000])
def test_int_to_cn_out_of_range(value):
    with pytest.raises(ValueError):
        int_to_cn(value)


@PROPERTY
@given(st.integers(min_value=1, max_value=9999))
def test_int_to_cn_round_trips(value):
    assert cn_to_int(int_to_cn(value)) == value


# --- parse_marker: the printed styles ---------------------------------------------------------

@pytest.mark.parametrize(("text", "style", "number", "printed"), [
    ("一、", "cn_dun", 1, "一、"),
    ("十一、", "cn_dun", 11, "十一、"),
    ("二十、", "cn_dun", 20, "二十、"),
    ("一百零五、", "cn_dun", 105, "一百零五、"),
    ("九百九十九、", "cn_dun", 999, "九百九十九、"),
    ("（一）", "cn_paren", 1, "（一）"),
    ("(一)", "cn_paren", 1, "(一)"),
    ("（十二）", "cn_paren", 12, "（十二）"),
    ("（九百九十九）", "cn_paren", 999, "（九百九十九）"),
    ("1.", "arabic_dot", 1, "1."),
    ("1、", "arabic_dot", 1, "1、"),
    ("1．", "arabic_dot", 1, "1．"),
    ("１．", "arabic_dot", 1, "１．"),
    ("１２、", "arabic_dot", 12, "１２、"),
    ("(1)", "arabic_paren", 1, "(1)"),
    ("（1）", "arabic_paren", 1, "（1）"),
    ("（136）", "arabic_paren", 136, "（136）"),
    ("（１）", "arabic_paren", 1, "（１）"),
    ("①", "circled", 1, "①"),
    ("⑳", "circled", 20, "⑳"),
    ("第一条", "article", 1, "第一条"),
    ("第1条", "article", 1, "第1条"),
    ("第二十三条", "article", 23, "第二十三条"),
    ("第一百零五条", "article", 105, "第一百零五条"),
])
def test_parse_marker_styles(text, style, number, printed):
    marker = parse_marker(text + "建立制度")
    assert marker == Marker(style, number, printed, len(text))


def test_parse_marker_end_skips_whitespace_after_marker():
    text = "（一）　 建立制度"
    marker = parse_marker(text)
    assert marker is not None
    assert marker.text == "（一）"
    assert text[marker.end:] == "建立制度"


def test_parse_marker_strips_surrounding_whitespace_from_text():
    marker = parse_marker("3. 建立制度")
    assert marker is not None
    assert (marker.text, marker.number, marker.end) == ("3.", 3, 3)


def test_parse_marker_at_position():
    text = "全面推行（二）落实"
    assert parse_marker(text) is None
    marker = parse_marker(text, 4)
    assert marker is not None
    assert (marker.style, marker.number, marker.end) == ("cn_paren", 2, 7)


@pytest.mark.parametrize("text", [
    "0.5分", "2022年", "12345转办", "1.1 建立", "3.5分", "一是建立", "建立制度", "", "（）", "0.", "(0)",
    "(2019年3月27日)",
])
def test_not_a_marker(text):
    assert parse_marker(text) is None


@pytest.mark.parametrize("text", ["0.5分", "2022年", "12345转办"])
def test_numbers_in_text_are_not_markers_even_when_expected(text):
    """A bare number counts only when it is the next number of the list, and never inside a longer number."""
    for expected in (0, 1, 2, 12, 20, 22, 123, 202, 2022, 12345):
        assert parse_marker(text, bare_expected=expected) is None


def test_bare_number_only_when_expected():
    assert parse_marker("2各级行政机关") is None
    assert parse_marker("2各级行政机关", bare_expected=3) is None
    marker = parse_marker("2各级行政机关", bare_expected=2)
    assert marker == Marker("arabic_dot", 2, "2", 1)


def test_bare_number_needs_cjk_after_it():
    assert parse_marker("2 各级", bare_expected=2) is None
    assert parse_marker("2", bare_expected=2) is None


def test_punctuated_marker_wins_over_bare_expectation():
    marker = parse_marker("5.各级", bare_expected=2)
    assert marker is not None
    assert (marker.style, marker.number, marker.text) == ("arabic_dot", 5, "5.")


@PROPERTY
@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(["{cn}、", "（{cn}）", "({cn})", "第{cn}条"]),
)
def test_parse_marker_chinese_styles_property(value, template):
    printed = template.format(cn=int_to_cn(value))
    marker = parse_marker(printed + "内容")
    assert marker is not None
    assert marker.number == value
    assert marker.text == printed
    assert marker.end == len(printed)


@PROPERTY
@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["{n}.", "{n}、", "{n}．", "({n})", "（{n}）", "第{n}条"]),
    st.booleans(),
)
def test_parse_marker_arabic_styles_property(value, template, fullwidth):
    digits = str(value).translate(FULLWIDTH) if fullwidth else str(value)
    printed = template.format(n=digits)
    marker = parse_marker(printed + "内容")
    assert marker is not None
    assert marker.number == value
    assert marker.text == printed


@PROPERTY
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=999))
def test_bare_number_property(value, expected):
    marker = parse_marker(f"{value}各级", bare_expected=expected)
    if value == expected:
        assert marker == Marker("arabic_dot", value, str(value), len(str(value)))
    else:
        assert marker is None


# --- markers of a list ------------------------------------------------------------------------

def _markers(*texts: str) -> list[Marker]:
    found = [parse_marker(t) for t in texts]
    assert all(m is not None for m in found)
    return found  # type: ignore[return-value]


def test_style_switch_mid_list_is_read_marker_by_marker():
    markers = _markers("（1）", "（2）", "（3）", "（四）", "（五）")
    assert [m.style for m in markers] == ["arabic_paren"] * 3 + ["cn_paren"] * 2
    assert [m.number for m in markers] == [1, 2, 3, 4, 5]
    _markers("1.", "2.", "3.", "1.", "2.")  # the markers of the deleted number_list tests still parse
    _markers("1.", "2.", "5.", "6.")
