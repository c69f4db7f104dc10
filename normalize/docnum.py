"""文号 (document numbers): find them and write them in one canonical form, 机关代字〔YYYY〕N号."""

from __future__ import annotations

import re

__all__ = ["DOCNUM", "canonical", "find_all"]

# agency prefix: CJK characters (no punctuation); year in any bracket; number; 号
DOCNUM = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12}?)\s*[〔\[（(【［]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]）)】］]\s*"
    r"第?\s*(?P<num>\d{1,5})\s*号"
)
_LEADING_NOISE = re.compile(r"^(?:详见|参见|按照|根据|依据|印发|转发|以及|见|和|及|与|并|或)+")


def _clean_prefix(prefix: str) -> str:
    return _LEADING_NOISE.sub("", prefix) or prefix


def canonical(text: str) -> str | None:
    """Return the canonical form of the one 文号 in text, or None if text is not a 文号."""
    m = DOCNUM.fullmatch(text.strip())
    if not m:
        return None
    return _format(m)


def _format(m: re.Match) -> str:
    num = re.sub(r"\s+", "", m.group("num"))
    return f"{_clean_prefix(m.group('prefix'))}〔{m.group('year')}〕{num}号"


_WRAPPED_HEAD = re.compile(r"[（(]([\u4e00-\u9fff]{1,10})\n$")


def find_all(text: str) -> list[str]:
    """Every 文号 in text, canonical, unique, in order of first appearance."""
    seen: list[str] = []
    for m in DOCNUM.finditer(text):
        value = _format(m)
        head = _WRAPPED_HEAD.search(text, max(0, m.start() - 12), m.start())
        if head is not None:  # `（临财` / `绩〔2022〕9号）`: a line wrap cut the agency's name
            value = _clean_prefix(head.group(1) + m.group("prefix")) + value[len(_clean_prefix(m.group("prefix"))):]
        if value not in seen:
            seen.append(value)
    return seen
