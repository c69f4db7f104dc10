"""An indicator's source in context, for people: the lines (TXT) or elements (DOCX/HTML paragraphs, table rows)
around where it was read, markup stripped, the lines or cell it was read from marked, and the indicator's own
words highlighted inside them. The same rows, for the whole notice, make the 原文 page (``document_rows``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from zhibiao.model import Layout, Paragraph, Source, Table
from zhibiao.normalize.cleanup import strip_markup

__all__ = ["Segment", "Row", "needles", "text_rows", "element_rows", "layout_rows", "mark", "LONG_LINE"]

LONG_LINE = 360  # a longer line is shown as a window around the indicator's words (a web page pasted as one line)
_WINDOW = 140  # characters kept either side of the highlighted words in a long line
_SPACES = re.compile(r"[ \u00a0]{2,}")
_POINTS_AFTER = re.compile(r"\s*[（(]\s*[0-9０-９.．]+\s*分\s*[）)]")


@dataclass
class Segment:
    """A piece of a row: ``kind`` '' (context), 'cur' (the lines or cell the source names), 'hl' (the indicator's
    own words)."""

    text: str
    kind: str = ""


@dataclass
class Row:
    """One line of a text file, or one paragraph or table row of a document; ``no`` the line number (TXT)."""

    segments: list[Segment] = field(default_factory=list)
    no: int | None = None
    current: bool = False  # the source names (part of) this row
    table: bool = False  # a table row (its cells joined by ｜)
    anchor: bool = False  # the row to scroll to: the first with the indicator's words, else the first current

    @property
    def highlighted(self) -> bool:
        return any(s.kind == "hl" for s in self.segments)


def _char_class(ch: str) -> str:
    alt = unicodedata.normalize("NFKC", ch)
    options = {ch} | ({alt} if len(alt) == 1 else set())
    return "[" + "".join(re.escape(o) for o in sorted(options)) + "]" if len(options) > 1 else re.escape(ch)


def needles(text: str | None, marker: str | None) -> list[re.Pattern]:
    """What the indicator's words look like in its source: its marker and text, else its text alone; spaces
    and line breaks may fall anywhere, full- and half-width forms count as one (（ and (, ０ and 0)."""
    out: list[re.Pattern] = []
    words = "".join((text or "").split())[:80]
    if not words:
        return out
    body = r"\s*".join(_char_class(c) for c in words)
    mark_chars = "".join((marker or "").split())
    if mark_chars:
        out.append(re.compile(r"\s*".join(_char_class(c) for c in mark_chars) + r"\s*" + body))
    out.append(re.compile(body))
    return out


def mark(text: str, patterns: list[re.Pattern], kind: str = "") -> list[Segment]:
    """text split into segments of ``kind`` with the first match of the patterns (and a points bracket right
    after it) as 'hl'."""
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            end = m.end()
            after = _POINTS_AFTER.match(text, end)
            if after:
                end = after.end()
            parts = [Segment(text[:m.start()], kind), Segment(text[m.start():end], "hl"), Segment(text[end:], kind)]
            return [p for p in parts if p.text]
    return [Segment(text, kind)] if text else []


def _clean(text: str) -> str:
    return _SPACES.sub(" ", strip_markup(text).replace("\r", "")).strip()


def _window(segments: list[Segment]) -> list[Segment]:
    """A long row cut to the part around its highlighted words (or its start), with … where cut."""
    total = sum(len(s.text) for s in segments)
    if total <= LONG_LINE:
        return segments
    pos, start, end = 0, 0, LONG_LINE
    for s in segments:
        if s.kind == "hl":
            start, end = max(0, pos - _WINDOW), min(total, pos + len(s.text) + _WINDOW)
            break
        pos += len(s.text)
    out: list[Segment] = [Segment("…")] if start > 0 else []
    pos = 0
    for s in segments:
        a, b = max(start, pos), min(end, pos + len(s.text))
        if a < b:
            out.append(Segment(s.text[a - pos:b - pos], s.kind))
        pos += len(s.text)
    if end < total:
        out.append(Segment("…"))
    return out


def _anchored(rows: list[Row]) -> list[Row]:
    target = next((r for r in rows if r.highlighted), None) or next((r for r in rows if r.current), None)
    if target is not None:
        target.anchor = True
    return rows


def text_rows(text: str, lines: tuple[int, int] | None, patterns: list[re.Pattern], *,
              around: int | None = 2) -> list[Row]:
    """The lines ``lines`` (1-based, inclusive) of a text file with ``around`` lines either side (None: every
    line), markup stripped, tabs (cells) kept as wide gaps, the indicator's words highlighted once."""
    all_lines = text.splitlines()
    a, b = lines or (0, -1)
    first, last = (1, len(all_lines)) if around is None else (max(1, a - around), min(len(all_lines), b + around))
    rows: list[Row] = []
    found = False
    for no in range(first, last + 1):
        line = "　".join(_clean(cell) for cell in all_lines[no - 1].split("\t"))
        current = a <= no <= b
        segments = mark(line, patterns if current and not found else [], "cur" if current else "")
        found = found or any(s.kind == "hl" for s in segments)
        rows.append(Row(segments=_window(segments) if around is not None else segments, no=no, current=current))
    return _anchored(rows)


def _units(layout: Layout) -> list[tuple[bool, list[tuple[str, str | None]]]]:
    """The layout as rows: a paragraph, or a table row's cells: (is a table row, [(text, locator)])."""
    units: list[tuple[bool, list[tuple[str, str | None]]]] = []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            units.append((False, [(_clean(block.text), block.source.locator)]))
        elif isinstance(block, Table):
            row_no: int | None = None
            for cell in block.cells:
                if cell.row != row_no:
                    units.append((True, []))
                    row_no = cell.row
                units[-1][1].append((_clean(cell.text), cell.source.locator))
    return units


def element_rows(layout: Layout, source: Source, patterns: list[re.Pattern], *, around: int | None = 2) -> list[Row]:
    """The paragraph or table row the source's locator names, with ``around`` rows either side (None: the whole
    document); the element marked 'cur', the indicator's words highlighted in it."""
    units = _units(layout)
    hits = [k for k, (_, pieces) in enumerate(units) if any(loc == source.locator for _, loc in pieces)]
    if not hits:
        return []
    first, last = (0, len(units) - 1) if around is None else (max(0, hits[0] - around),
                                                               min(len(units) - 1, hits[-1] + around))
    rows: list[Row] = []
    found = False
    for k in range(first, last + 1):
        is_table, pieces = units[k]
        row = Row(current=k in hits, table=is_table)
        for n, (text, loc) in enumerate(pieces):
            if n:
                row.segments.append(Segment(" ｜ "))
            current = loc == source.locator
            segments = mark(text, patterns if current and not found else [], "cur" if current else "")
            found = found or any(s.kind == "hl" for s in segments)
            row.segments.extend(segments)
        if around is not None:
            row.segments = _window(row.segments)
        rows.append(row)
    return _anchored(rows)


def layout_rows(layout: Layout) -> list[Row]:
    """Every paragraph and table row of a document, nothing marked (the 原文 page without an indicator)."""
    rows = []
    for is_table, pieces in _units(layout):
        row = Row(table=is_table)
        for n, (text, _) in enumerate(pieces):
            if n:
                row.segments.append(Segment(" ｜ "))
            if text:
                row.segments.append(Segment(text))
        rows.append(row)
    return rows
