"""Clause numbers: 一、 （一） (一) 1. 1、 1． (1) （1） 1） ① 第一条 第1条, Chinese numerals."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Marker",
    "STYLES",
    "cn_to_int",
    "parse_marker",
    "bare_number_at",
]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千"
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Marker styles, in the order a rubric usually nests them.
STYLES = ("cn_dun", "cn_paren", "arabic_dot", "arabic_paren", "arabic_rparen", "circled", "article")


def cn_to_int(text: str) -> int:
    """Convert a Chinese numeral (一 … 九百九十九, 〇/零, 两) to an int; ValueError if it is not one."""
    if not text or any(ch not in _CN for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in _DIGITS for ch in text) and len(text) > 1:
        # digit-by-digit form such as 二〇二三
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = 0
    current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


@dataclass(frozen=True)
class Marker:
    """A clause number as printed: its style, its value and the exact text."""

    style: str
    number: int
    text: str
    end: int  # index just after the marker (and the whitespace after it) in the parsed string


_PATTERNS = [
    ("article", re.compile(r"第\s*([0-9０-９]+|[" + _CN + r"]+)\s*条")),
    ("cn_paren", re.compile(r"[（(]\s*([" + _CN + r"]+)\s*[)）]")),
    ("arabic_paren", re.compile(r"[（(]\s*([0-9０-９]{1,3})\s*[)）]")),
    ("arabic_rparen", re.compile(r"([0-9０-９]{1,3})\s*[)）](?![0-9０-９])")),
    ("cn_dun", re.compile(r"([" + _CN + r"]+)\s*[、.．]")),
    ("arabic_dot", re.compile(r"([0-9０-９]{1,3})\s*[.．、](?![0-9０-９])")),
    ("circled", re.compile(r"([" + _CIRCLED + r"])")),
]
# a number glued to the text it numbers (``2各级…``), not a quantity (``1分``, ``3个工作日``, ``2次``)
# the characters a clause number can begin with (every pattern above and the bare number start with one)
_FIRST = frozenset("第（(" + "0123456789０１２３４５６７８９" + _CN + _CIRCLED)
_BARE_NUMBER = re.compile(r"([0-9０-９]{1,3})(?=[\u4e00-\u9fff])(?![分个项次年月日人件条倍元万天周篇期批家名处起例])")


def _value(style: str, raw: str) -> int:
    if style == "circled":
        return _CIRCLED.index(raw) + 1
    raw = raw.translate(_FULLWIDTH)
    if raw.isdigit():
        return int(raw)
    return cn_to_int(raw)


def parse_marker(text: str, pos: int = 0, *, bare_expected: int | None = None) -> Marker | None:
    """Parse a clause number at text[pos:], or None.

    A bare number with no punctuation (``2各级…``) counts only when it is the number the list
    expects next (``bare_expected``): a missing dot is a typo, a stray number is not a clause.
    """
    if pos >= len(text) or text[pos] not in _FIRST:
        return None  # no pattern can match here: skip the seven regexes (hot: every candidate position)
    for style, pattern in _PATTERNS:
        m = pattern.match(text, pos)
        if not m:
            continue
        raw = m.group(1)
        if style == "cn_dun" and len(raw) > 7:
            continue
        try:
            number = _value(style, raw)
        except ValueError:
            continue
        if number <= 0 and style != "article":
            continue
        end = m.end()
        while end < len(text) and text[end] in " \t\u3000":
            end += 1
        return Marker(style, number, m.group(0).strip(), end)
    if bare_expected is not None:
        m = _BARE_NUMBER.match(text, pos)
        if m and int(m.group(1).translate(_FULLWIDTH)) == bare_expected:
            return Marker("arabic_dot", bare_expected, m.group(1), m.end())
    return None


def bare_number_at(text: str, pos: int) -> int | None:
    """The number a clause number printed without punctuation (``2各级…``) would have at text[pos:], or
    None when none stands there: what parse_marker's ``bare_expected`` is compared with."""
    m = _BARE_NUMBER.match(text, pos)
    return int(m.group(1).translate(_FULLWIDTH)) if m else None
