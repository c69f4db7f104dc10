"""Entries: the numbered or unnumbered labels and items a cell (or a paragraph) prints, before the tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from zhibiao.model import Deduction, Source

from .cleanup import clean, squash, strip_markup
from .numbering import Marker, bare_number_at, parse_marker
from .points import PointsBracket, bare_points_at_end, find_points, is_rule, words_points

__all__ = ["Entry", "Piece", "parse_cell", "CellMemo"]

_WS = " \t\n\r\u3000\xa0\u2002\u2003\u2009"  # nbsp and the typographic spaces a web page or Word leaves
_SOFT_BEFORE = set(" \t\u3000。；;：:）)】］")
_TRAIL = " \t\n\u3000。.；;，,、：:"


@dataclass
class Entry:
    """One label or item as read from the layout, before it is placed in the tree.

    ``style`` is the numbering style (None for an unnumbered label); ``klass`` the level class the
    tree ranks it by (its style, or the column an unnumbered label stands in); ``placeholder``
    marks an empty label cell whose rows hold indicators (a label the source does not print).
    """

    style: str | None
    number: int | None
    marker: str | None
    raw: str
    source: Source
    cell: tuple[int, int, int]  # (block, row, col) for layout evidence
    page_top: bool = False  # its cell is the first row of a new page: it may continue the cell above
    paragraph: bool = False  # read from a paragraph, not a table cell: its cell shows no group boundary
    gap_before: bool = False  # a paragraph after more blank lines than its neighbours: an empty cell was there
    points: Decimal | None = None
    low: Decimal | None = None
    unit_printed: bool = True
    bracketed: bool = True
    points_in_text: bool = False
    refs: list[str] = field(default_factory=list)
    deduction: Deduction | None = None
    criteria: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    owner: str | None = None
    klass: object = None
    rank: int = 0
    level: int = 0
    column: int | None = None  # ordinal of the label column it stands in (grid tables)
    placeholder: bool = False
    heading: bool = False  # printed as a paragraph heading between a rubric's tables
    origin: list = field(default_factory=list)  # the layout pieces (cells, paragraphs) it was read from

    @property
    def text(self) -> str:
        return clean(self.raw)

    @property
    def closed(self) -> bool:
        return self.points is not None or self.deduction is not None

    def key(self) -> tuple:
        return (self.style, self.number, squash(self.raw), self.points)

    def set_points(self, pb: PointsBracket, in_text: bool = True) -> None:
        self.points, self.unit_printed, self.bracketed, self.low = pb.points, pb.unit_printed, pb.bracketed, pb.low
        self.points_in_text = in_text
        for ref in pb.refs:
            if ref not in self.refs:
                self.refs.append(ref)


@dataclass
class Piece:
    """A run of a cell's text: an entry (marker + body), or unnumbered text (a label, a rule, a continuation)."""

    marker: Marker | None
    body: str  # the text without marker, points and rule
    points: PointsBracket | None = None
    rule: str | None = None  # a rule sentence printed after the points (未建立的扣2分)
    start: int = 0


def _points_of(body: str) -> tuple[str, PointsBracket | None, str | None]:
    """Split a piece's body into (text, points, rule after the points)."""
    stripped = body.rstrip(_WS)
    # the last points bracket that ends the body, or is followed only by a rule sentence
    pos = 0
    best = None
    while True:
        pb = find_points(stripped, pos)
        if pb is None:
            break
        rest = stripped[pb.end:].strip(_TRAIL)
        if not rest or is_rule(rest):
            best = pb
            if not rest:
                break
        pos = pb.end
    if best is not None:
        rest = stripped[best.end:].strip(_WS)
        rule = rest.lstrip("。.；;，,、 ") if rest.strip(_TRAIL) else None
        return stripped[: best.start], best, rule or None
    wp = words_points(stripped)
    if wp is not None:
        rest = stripped[wp.end:].strip(_WS)
        rule = rest.lstrip("。.；;，,、 ") if rest.strip(_TRAIL) else None
        return stripped[: wp.start].rstrip(" ，,；;、：:"), wp, rule or None
    bare = bare_points_at_end(stripped)
    if bare is not None:
        return stripped[: bare.start], bare, None
    return stripped, None, None


def _closed(segment: str) -> bool:
    """A segment ends an entry: its points (bracket or words), maybe followed by a rule sentence, close it."""
    _, pb, _ = _points_of(segment)
    return pb is not None


_RULE_END = re.compile(r"(?:[扣减加得]\d+(?:\.\d+)?分|不得分|扣完为止|一票否决|否决)[。；;]?$")


def _ends_with_rule(segment: str) -> bool:
    """A segment that ends with its rule (每项加1分, 扣完为止, 实行一票否决): the next numbered item starts after it."""
    return bool(_RULE_END.search(re.sub(r"\s+", "", segment)))


# a segment can hold points only if it holds 分 or a closing bracket (find_points, words_points, bare points)
_POINTS_CHAR = re.compile(r"[分)）】］]")


# where parse_cell looks for a marker: a character that is no space, right after a space, a newline or a
# punctuation mark in _SOFT_BEFORE, or after a no-break space (which counts only after 。 or ；, see `gap`)
_MAYBE_START = re.compile("(?<=[" + "".join(re.escape(c) for c in sorted(_SOFT_BEFORE | {"\n", "\xa0"})) + "])"
                          "[^" + "".join(re.escape(c) for c in _WS) + "]")


def _before_spaces(text: str, p: int) -> str:
    """The character before the run of spaces that ends at p ('' at the start): text[:p].rstrip(spaces)[-1:]."""
    i = p - 1
    while i >= 0 and text[i] in " \t\u3000\xa0":
        i -= 1
    return text[i] if i >= 0 else ""


def _line_start(text: str, p: int) -> bool:
    i = p - 1
    while i >= 0 and text[i] in " \t\u3000":
        i -= 1
    return i < 0 or text[i] == "\n"


def parse_cell(text: str, expected: int | None = None) -> list[Piece]:
    """Split a cell's (or a paragraph's) text into pieces.

    A new entry starts at a clause number that begins the text or a line, or that follows the
    points (and the rule sentence after them) of the entry before it; a number inside a sentence
    is part of the sentence. ``expected`` is the next arabic item number of the list being read:
    a marker that continues it may be printed without its dot (``2各级…``) or be followed by digits
    (``11．12345政务服务便民热线``).
    """
    return _read_cell(text, expected)[0]


def _read_cell(text: str, expected: int | None) -> tuple[list[Piece], bool]:
    """parse_cell, and whether ``expected`` could change the pieces: read with ``expected`` None, True
    when a marker was looked for, before the text's own arabic number set the count, where a bare
    number or a number with an ASCII dot before digits stands (the only places the count is used)."""
    text = strip_markup(text)
    n = len(text)
    bounds: list[tuple[int, Marker | None]] = []
    pos = 0
    while pos < n and text[pos] in _WS:
        pos += 1
    if pos >= n:
        return [], False
    last_arabic = expected - 1 if expected else None
    uses_count = False

    def marker_at(p: int, first: bool = False) -> Marker | None:
        nonlocal uses_count
        want = last_arabic + 1 if last_arabic is not None else None
        # a number without its dot counts only where the text begins (a typo there, a quantity elsewhere)
        m = parse_marker(text, p, bare_expected=want if first else None)
        if m is None:
            if want is None and not uses_count:
                digits = _DIGITS_AFTER.match(text, p)
                uses_count = (first and bare_number_at(text, p) is not None) or (
                    digits is not None and digits.group(2) == ".")
            m = _marker_before_digits(text, p, want)
        if m is None or m.style == "article":
            return None
        return m

    first = marker_at(pos, first=True)
    bounds.append((pos, first))
    if first is not None and first.style == "arabic_dot":
        last_arabic = first.number
    p = pos + 1
    # where the entry being read could first be closed by its points (a 分 or a closing bracket): no
    # segment ending before it is closed, so a long text of markers without points is read in linear time
    hint_for, hint = -1, n
    while p < n:
        # the next place a marker may start: not a space, after a soft break (or a no-break space)
        found_at = _MAYBE_START.search(text, p)
        if found_at is None:
            break
        p = found_at.start()
        gap = text[p - 1] in " \t\u3000\xa0" and _before_spaces(text, p) in ("。", "；", ";")
        if text[p - 1] == "\xa0" and not gap:
            p += 1
            continue
        m = marker_at(p)
        if m is None:
            p += 1
            continue
        start, prev = bounds[-1]
        continues = prev is not None and m.style == prev.style and m.number == prev.number + 1
        # a line break a copy turned into a space: `…的； 2.…` where the list goes on
        joined = gap and continues
        if hint_for != start:
            found = _POINTS_CHAR.search(text, start)
            hint_for, hint = start, found.start() if found else n
        if (_line_start(text, p) or (hint < p and _closed(text[start:p]))
                or (continues and _ends_with_rule(text[start:p])) or joined):
            bounds.append((p, m))
            if m.style == "arabic_dot":
                last_arabic = m.number
            p = m.end
            continue
        p += 1
    pieces: list[Piece] = []
    for i, (start, marker) in enumerate(bounds):
        stop = bounds[i + 1][0] if i + 1 < len(bounds) else n
        body_start = marker.end if marker else start
        body, pb, rule = _points_of(text[body_start:stop])
        pieces.append(Piece(marker, body, pb, rule, start))
    return pieces, uses_count


_DIGITS_AFTER = re.compile(r"([0-9０-９]{1,3})\s*([.．、])(?=[0-9０-９])")


def _marker_before_digits(text: str, pos: int, want: int | None) -> Marker | None:
    """``11．12345政务服务…``: an item number whose dot is followed by digits of the text itself.

    A full-width ``．`` or ``、`` is never a decimal point; an ASCII dot counts only when the number is
    the one the list expects next (``1.5倍`` stays a number).
    """
    m = _DIGITS_AFTER.match(text, pos)
    if not m:
        return None
    number = int(m.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if m.group(2) == "." and number != want:
        return None
    if number <= 0:
        return None
    return Marker("arabic_dot", number, m.group(0).strip(), m.end())


def _worth_keeping(pieces: list[Piece]) -> bool:
    """Whether pieces are kept for the rubric reader: a text with a clause number, points or a rule may be
    part of a rubric; plain running text (most paragraphs of a long notice) is read again if it is, which
    keeps the memo small (a 49 MiB narrative notice has some 350,000 paragraphs)."""
    return any(p.marker is not None or p.points is not None or p.rule is not None for p in pieces)


class CellMemo:
    """parse_cell for the blocks of one layout, each text read once (finding the rubric regions reads
    every paragraph, and reading the rubric reads them again). Held for one find_rubrics call.

    A text is read with ``expected`` None and kept with whether the count could change its pieces
    (_read_cell); a later call with a count gets the kept pieces when it could not.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[list[Piece], bool]] = {}

    def parse(self, text: str, expected: int | None = None, *, last: bool = False) -> list[Piece]:
        """The same as parse_cell(text, expected); the pieces are shared, and never changed by the reader.
        ``last``: the text is not asked for again (the rubric reader's read), so it is no longer kept."""
        kept = self._kept.pop(text, None) if last else self._kept.get(text)
        if kept is None:
            if expected is not None:
                return parse_cell(text, expected)
            kept = _read_cell(text, None)
            if not last and _worth_keeping(kept[0]):
                self._kept[text] = kept
        pieces, uses_count = kept
        if expected is None or not uses_count:
            return pieces
        return parse_cell(text, expected)
