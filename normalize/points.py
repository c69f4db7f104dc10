"""Points brackets （0.5分） and 评分标准 deduction rules, as exact decimals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from zhibiao.model import Deduction

from .docnum import DOCNUM, find_all

__all__ = ["PointsBracket", "find_points", "points_at_end", "bare_points_at_end", "parse_deduction", "parse_range"]

_NUM = r"\d+(?:\.\d+)?"
_CLOSE = re.compile(r"(" + _NUM + r")\s*(分)?\s*[)）】］]")
_OPEN = "(（【［"
_CLOSE_CH = ")）】］"
_SEP = ",，、;；"


@dataclass
class PointsBracket:
    """A points bracket found in text: its span, value, citations and whether 分 was printed."""

    start: int
    end: int
    points: Decimal
    unit_printed: bool
    refs: list[str] = field(default_factory=list)
    bracketed: bool = True


# points printed without a bracket at the end of an entry: "（一）基本认识 3分", "满分10分"
_BARE = re.compile(r"(?<![扣减得加少多计为至到\d.])\s*(" + _NUM + r")\s*分\s*$")


def bare_points_at_end(text: str) -> PointsBracket | None:
    """Points written without a bracket as the last thing of an entry (not a deduction such as 扣0.5分)."""
    m = _BARE.search(text)
    if not m or not text[: m.start()].strip():
        return None
    return PointsBracket(m.start(), m.end(), Decimal(m.group(1)), True, [], bracketed=False)


def _open_of(text: str, close: int) -> int | None:
    """Index of the bracket opening the one that closes at text[close], honouring nesting."""
    depth = 0
    for i in range(close, -1, -1):
        ch = text[i]
        if ch in _CLOSE_CH:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                return i
    return None


def find_points(text: str, start: int = 0, *, bare_ok_at_end: bool = True) -> PointsBracket | None:
    """Find the first points bracket at or after start.

    Accepted: (0.5分), （ 0.3 分）, (24分), 【1分】, (0.3) with a decimal point, and a citation before the
    points: (国办发〔2023〕27号,1分), (陕司通(2022)26号, 1分). A bare integer (3) counts only at
    the very end of the text. Anything else in the bracket (最多扣0.06分) is not a points bracket.
    """
    for m in _CLOSE.finditer(text, start):
        close = m.end() - 1
        opening = _open_of(text, close)
        if opening is None or opening < start:
            continue
        inner = text[opening + 1 : m.start()]
        refs: list[str] = []
        if inner.strip():
            head = inner.rstrip()
            if not head or head[-1] not in _SEP:
                continue
            cited = re.sub(r"\s+", "", head[:-1])
            if not DOCNUM.fullmatch(cited) and not _all_docnums(cited):
                continue
            refs = find_all(cited)
        number, unit = m.group(1), m.group(2)
        if not unit and "." not in number:
            if not (bare_ok_at_end and not text[m.end():].strip()):
                continue
        return PointsBracket(opening, m.end(), Decimal(number), bool(unit), refs)
    return None


def _all_docnums(text: str) -> bool:
    parts = [p for p in re.split(r"[、,，;；\s]+", text) if p]
    return bool(parts) and all(DOCNUM.fullmatch(p) for p in parts)


def points_at_end(text: str) -> PointsBracket | None:
    """The points bracket that ends the text (only whitespace or 。after it), or None."""
    pos = 0
    found = None
    while True:
        pb = find_points(text, pos)
        if pb is None:
            break
        if not text[pb.end :].strip(" \t\n\u3000。."):
            found = pb
        pos = pb.end
    return found


_RANGE = re.compile(r"(" + _NUM + r")\s*[-–—~～至到]\s*(" + _NUM + r")\s*分")


def parse_range(text: str) -> tuple[Decimal, Decimal] | None:
    """Parse a points range such as 扣除1-3分 -> (1, 3)."""
    m = _RANGE.search(text)
    if not m:
        return None
    return Decimal(m.group(1)), Decimal(m.group(2))


_DEDUCT = re.compile(r"扣(?:除)?\s*(" + _NUM + r")\s*(?:的扣)?\s*分")
_CAP = re.compile(r"(?:最多|最高|至多|累计不超过|上限)\s*扣(?:除)?\s*(" + _NUM + r")\s*分")
_AWARD = re.compile(r"得\s*(" + _NUM + r")\s*分\s*[,，;；]?\s*否则\s*得?\s*0\s*分")
_UNIT = re.compile(r"每[^扣每，,。；;]{0,12}?([项件次个条人份处起例])")


def _strip_tail(text: str) -> str:
    return text.rstrip(" ，,、;；")


def parse_deduction(text: str) -> Deduction | None:
    """Parse a 评分标准 rule; None when the text holds no deduction or award.

    每少一项扣0.1分，最多扣0.5分 -> per_unit 0.1 per 项, cap 0.5; 无清理目录的扣0.05分 -> fixed;
    扣除1-3分 -> range 1..3; 得2分,否则得0分 -> all_or_nothing 2.
    """
    award = _AWARD.search(text)
    if award:
        cond = _strip_tail(text[: award.start()]) or None
        return Deduction(text=text, kind="all_or_nothing", amount=Decimal(award.group(1)), condition=cond)
    rng = _RANGE.search(text)
    if rng and "扣" in text[: rng.start()]:
        idx = text.rfind("扣", 0, rng.start())
        cond = _strip_tail(text[:idx]) or None
        return Deduction(text=text, kind="range", amount=Decimal(rng.group(1)),
                         amount_max=Decimal(rng.group(2)), condition=cond)
    cap_m = _CAP.search(text)
    deducts = [m for m in _DEDUCT.finditer(text) if not (cap_m and cap_m.start() <= m.start() < cap_m.end())]
    if not deducts:
        return None
    first = deducts[0]
    cap = Decimal(cap_m.group(1)) if cap_m else None
    each = text.find("每")
    if 0 <= each < first.start():
        unit_m = _UNIT.search(text, each)
        unit = unit_m.group(1) if unit_m and unit_m.start() < first.start() else None
        cond = _strip_tail(text[:each]) or None
        return Deduction(text=text, kind="per_unit", amount=Decimal(first.group(1)), unit=unit, cap=cap,
                         condition=cond)
    cond = _strip_tail(text[: first.start()]) or None
    return Deduction(text=text, kind="fixed", amount=Decimal(first.group(1)), cap=cap, condition=cond)
