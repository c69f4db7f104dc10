"""Layout blocks -> a stream of numbered entries (labels and items) with points, owners and rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from zhibiao.model import Deduction, Finding, Paragraph, Source, Table

from .cleanup import clean, squash, strip_markup
from .numbering import parse_marker
from .points import bare_points_at_end, find_points, parse_deduction

__all__ = ["Entry", "Stream", "read_stream", "OWNER_HEADER", "NON_LEVEL_HEADERS"]

OWNER_HEADER = re.compile(r"责任|分工|牵头|承办单位|落实单位")
DEDUCTION_HEADER = re.compile(r"评分|扣分|计分")
NON_LEVEL_HEADERS = {"备注", "得分", "序号", "说明", "分值", "自评得分", "考核得分"}
_WS = " \t\n\u3000"
_BARE_POINTS = re.compile(r"(\d+(?:\.\d+)?)\s*分?")


@dataclass
class Entry:
    """One numbered label or item as read from the layout, before it is placed in the tree."""

    style: str
    number: int
    marker: str
    raw: str
    source: Source
    cell: tuple[int, int, int]  # (table, row, col) for layout evidence
    page_top: bool = False  # its cell is in the first row of a new page: it may continue the cell above
    points: Decimal | None = None
    unit_printed: bool = True
    bracketed: bool = True
    refs: list[str] = field(default_factory=list)
    deduction: Deduction | None = None
    owner: str | None = None
    level: int = 0

    @property
    def text(self) -> str:
        return clean(self.raw)

    @property
    def closed(self) -> bool:
        return self.points is not None or self.deduction is not None

    def key(self) -> tuple:
        return (self.style, self.number, squash(self.raw), self.points)


@dataclass
class Stream:
    """The entries of one rubric candidate plus what its header row said."""

    entries: list[Entry]
    header: list[str]
    findings: list[Finding]
    first_block: int
    last_block: int

    @property
    def pointed(self) -> int:
        return sum(1 for e in self.entries if e.points is not None)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _next_marker(text: str, pos: int, last_dot: int) -> int:
    """Where the next entry of a cell would start after pos when entries carry unbracketed points."""
    for m in re.finditer(r"\s+", text[pos:]):
        at = pos + m.end()
        marker = parse_marker(text, at)
        if marker and marker.style != "article" and bare_points_at_end(text[:at].rstrip()):
            return at
    return len(text)


def _plain_end(text: str, pos: int, expected: int | None):
    """Where a run of unnumbered text ends: after a points bracket followed by a marker or the end."""
    search = pos
    while True:
        pb = find_points(text, search)
        if pb is None:
            return len(text), None
        after = _skip(text, pb.end)
        if after >= len(text) or parse_marker(text, after, bare_expected=expected):
            return pb.end, pb
        search = pb.end


class _Reader:
    """Reads cells in order and keeps, per column, what the next piece of text may continue."""

    def __init__(self, file: str):
        self.file = file
        self.entries: list[Entry] = []
        self.findings: list[Finding] = []
        self.header: list[str] = []
        self.skip_header = 0
        self.owner_from = 0  # entries from this index wait for an owner cell
        self.last_dot = 0
        self.pending: dict[int, tuple[str, Source]] = {}  # unresolved text per column (a rule cut by a page)

    @property
    def has_owner_column(self) -> bool:
        return any(OWNER_HEADER.search(h) for h in self.header)

    def feed(self, text: str, source: Source, cell: tuple[int, int, int], page_top: bool = False) -> None:
        text = strip_markup(text)
        pos = _skip(text, 0)
        while pos < len(text):
            marker = parse_marker(text, pos, bare_expected=self.last_dot + 1 if self.entries else None)
            if marker and marker.style != "article":
                pb = find_points(text, marker.end)
                if pb is None:  # points without a bracket end the cell: "（一）基本认识 3分"
                    pb = bare_points_at_end(text[: _next_marker(text, marker.end, self.last_dot)])
                    if pb is not None and pb.start < marker.end:
                        pb = None
                end = pb.start if pb else len(text)
                entry = Entry(marker.style, marker.number, marker.text, text[marker.end:end], source, cell,
                              page_top=page_top)
                if pb:
                    entry.points, entry.unit_printed, entry.refs = pb.points, pb.unit_printed, pb.refs
                    entry.bracketed = pb.bracketed
                    pos = pb.end
                else:
                    pos = len(text)
                if marker.style == "arabic_dot":
                    self.last_dot = marker.number
                self.stray(cell[2])
                self.entries.append(entry)
                self.skip_header = 0
            else:
                end, pb = _plain_end(text, pos, self.last_dot + 1)
                self.plain(text[pos : pb.start if pb else end], pb, source, cell)
                pos = end
            pos = _skip(text, pos)

    def stray(self, col: int) -> None:
        """Give up on the unresolved text of a column: report it."""
        if col in self.pending:
            raw, source = self.pending.pop(col)
            self.findings.append(Finding(severity="info", code="stray_text",
                                         message=f"text outside any indicator ignored: {clean(raw)[:40]!r}",
                                         source=source))

    def finish(self) -> None:
        for col in list(self.pending):
            self.stray(col)

    def plain(self, raw: str, pb, source: Source, cell: tuple[int, int, int]) -> None:
        """Unnumbered text: header, points column, 评分标准 rule, continuation above, owner cell, or stray."""
        row, col = cell[:2], cell[2]
        if not clean(raw) and pb is None:
            return
        if not self.entries:
            if pb is None:
                self.header.append(clean(raw))
            return
        if col in self.pending:  # the rest of a text cut by a page break
            head, head_source = self.pending.pop(col)
            raw, source = head + "\n" + raw, head_source.span(source)
        value = clean(raw)
        if pb is None and self.header and (value == self.header[0] or self.skip_header):
            self.skip_header = len(self.header) - 1 if value == self.header[0] else self.skip_header - 1
            return
        if pb is None and (value in self.header or value in NON_LEVEL_HEADERS):
            return
        if pb is None and _BARE_POINTS.fullmatch(value):  # a 分值 column: the points of the entry on its left
            row_open = [e for e in self.entries if e.points is None and e.cell[:2] == row and e.cell[2] < col]
            if row_open:
                row_open[-1].points = Decimal(_BARE_POINTS.fullmatch(value).group(1))
                row_open[-1].source = row_open[-1].source.span(source)
                return
        last = self.entries[-1]
        rule = parse_deduction(value) if pb is None else None
        if rule is not None and last.deduction is None:
            last.deduction = rule
            last.source = last.source.span(source)
            return
        open_here = [e for e in self.entries if not e.closed and e.cell[2] == col]
        if open_here:
            target = open_here[-1]
            target.raw = target.raw + "\n" + raw
            target.source = target.source.span(source)
            if pb is not None:
                target.points, target.unit_printed, target.refs = pb.points, pb.unit_printed, pb.refs
            return
        if self.has_owner_column and pb is None:
            for entry in self.entries[self.owner_from :]:
                if entry.owner is None:
                    entry.owner = value
            self.owner_from = len(self.entries)
            return
        self.pending[col] = (raw, source)


def read_stream(blocks: list, start: int, stop: int, file: str, table_index: int) -> Stream:
    """Read blocks[start:stop] (one table, or a run of paragraphs) into an entry stream."""
    reader = _Reader(file)
    for b in range(start, stop):
        block = blocks[b]
        if isinstance(block, Table):
            first_row_of_page: dict[int, int] = {}
            for c in block.cells:
                if c.page is not None:
                    first_row_of_page.setdefault(c.page, c.row)
            first_page = min(first_row_of_page, default=None)
            for c in block.cells:
                if c.text.strip():
                    top = c.page is not None and c.page != first_page and first_row_of_page[c.page] == c.row
                    reader.feed(c.text, c.source, (table_index, c.row, c.col), top)
        elif isinstance(block, Paragraph):
            reader.feed(block.text, block.source, (table_index, b, 0))
    reader.finish()
    return Stream(reader.entries, reader.header, reader.findings, start, stop - 1)
