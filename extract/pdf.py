"""PDF notices: ruled and borderless tables as logical cells, paragraphs in reading order.

A page is read by one of two engines into one form (``PageForm``: chars with their boxes, font size
and font name; the edges of the ruling lines, boxes and curves), and everything after that is shared:
``pdfium`` (the default, extract/pdfium.py: pdfium reads the page's content in C) or ``pdfplumber``
(the reference: pdfminer's layout, read with pdfplumber's own arithmetic). ``tests/test_pdf_engines.py``
holds both to the same layout on every PDF of the corpus and the tests. Each page is closed as soon as
it is read, so memory stays flat with the page count.
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import dataclasses
import io
import logging
import operator
import re
import statistics
import threading
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from zhibiao.errors import CorruptFile, EncryptedPDF, ZhibiaoError
from zhibiao.findings import reader_note
from zhibiao.model import Cell, Layout, Paragraph, Region, Source, Table, no_cycle_collection

from .bounds import bounded_inflate, budget, current

__all__ = ["ENGINES", "PageForm", "PdfSettings", "SETTINGS", "page_blocks", "read_pdf", "set_engine", "text_in_region",
           "region_text"]

ENGINES = ("pdfium", "pdfplumber")  # the engines that read a page's chars and edges (the first the default)


@dataclass(frozen=True, slots=True)
class PdfSettings:
    """Every threshold the PDF reader uses, in one place (pdfplumber's TableSettings in spirit).

    Units: points (1/72 inch), font sizes (the median size of the page's text), pitches (the distance
    from one line of a column to the next), or plain numbers for costs and counts. The reader uses the
    module's SETTINGS; the values are tuned on the corpus and golden catalogues, so a change is a
    change of output.
    """

    # --- the engine that reads a page: "pdfium" (fast, extract/pdfium.py) or "pdfplumber" (the reference)
    engine: str = "pdfium"
    # --- characters and lines -----------------------------------------------------------------------
    snap: float = 2.0  # points: coordinates closer than this are the same grid line
    x_ratio: float = 0.3  # a gap between glyphs wider than this share of the font size is a space
    # between a CJK glyph and a Latin letter or digit, Word and LibreOffice add about a quarter em of
    # their own (自动调整中文与西文的间距) and justified lines add more: only a wider gap is a space
    x_ratio_mixed: float = 0.75
    same_glyph: float = 1.0  # points: a glyph printed again this near its first copy is fake bold
    line_floor: float = 2.0  # points: chars whose tops differ by at most this stand on one line...
    line_share: float = 0.3  # font sizes: ...or by at most this share of their size, where wider
    margin: float = 42.0  # points from the top/bottom edge where running headers and page numbers live
    # --- ruled tables -------------------------------------------------------------------------------
    min_boxes: int = 2  # cells: a ruled table with fewer is a frame round text, not a table
    min_edges: int = 3  # column edges: a ruled table needs at least two columns
    # --- paragraphs outside tables ------------------------------------------------------------------
    table_slack: float = 1.0  # points: a char this far outside a table's bbox still belongs to it
    margin_text: int = 12  # characters: a line in the margin this short is a running header/page number
    para_gap: float = 0.8  # line heights: a blank this tall between two lines begins a paragraph, or
    para_spacing: float = 1.35  # times the page's usual blank between lines, where it is set wider (1.5 lines)
    para_spacing_max: float = 1.2  # line heights: a usual blank wider than this is blank lines, not spacing
    para_indent: float = 1.5  # line heights: a line starting this far right of the text's left begins one
    para_short: float = 2.0  # line heights: a line ending this far before the text's right ends one
    centred_inset: float = 2.0  # line heights: a centred line stands at least this far from both edges
    same_height: float = 1.0  # points: lines whose heights differ by less are in the same type
    # --- joining tables across pages ----------------------------------------------------------------
    same_edge: float = 4.0  # points: column edges this near on consecutive pages are the same
    same_edge_borderless: float = 24.0  # points: the same for borderless tables, whose edges are guessed
    # --- borderless tables: pitch, lines, header ----------------------------------------------------
    pitch_min: float = 1.0  # font sizes: steps between lines shorter than this are not a pitch...
    pitch_max: float = 2.0  # font sizes: ...nor steps this long or longer (a blank line between)
    pitch_default: float = 1.5  # font sizes: the pitch where no step between lines gives one
    head_size: float = 1.0  # points: a header band's type is the body's size within this
    head_runs: int = 3  # runs: a line printed in body type breaking into this many is a header
    head_short: int = 2  # characters: a narrow column's name printed this many to a line (序/号)
    cell_pad: float = 1.0  # points: a cell's bbox reaches this far beyond its text (and a row top above)
    text_pad: float = 0.5  # points: a body cell's text is read this far beyond its lines
    band_reach: float = 2.0  # blank lines: a band row's piece in one column goes on within this reach
    blank_line: float = 1.25  # pitches: lines of a column further apart than this have a blank line between them
    same_place: float = 0.3  # pitches: positions closer than this are the same line position
    same_middle: float = 0.25  # pitches: a centred cell's middle and the middle of its rows agree within this
    short_line: float = 0.5  # font sizes: a line ending this far before its column's right edge ends its paragraph
    short_stop: float = 0.2  # font sizes: the same for a line that ends a sentence
    wrap_fit: float = 0.25  # font sizes: a shortfall this much over what the next line carried would have held it
    stacked_starts: int = 2  # breaks: a block cut at this many paragraph starts by row breaks may be cells
    stacked_ratio: float = 2.0  # and at this many times as many starts as breaks between a paragraph's lines
    row_cells: int = 1  # blocks: a column with this many in one row each may print its cells one under the other
    indent: float = 1.5  # font sizes: a line starting this far right of its column's left edge begins a paragraph
    near_line: float = 1.6  # pitches: a line further below the one above it is no longer part of the same table
    # pitches: a line this far below the one above begins a spaced paragraph (lines of a table follow
    # each other a pitch apart): one across the columns is text under the table, not a band row
    spaced_line: float = 1.1
    run_gap: float = 0.5  # font sizes: blank space wider than this splits a printed line into runs
    head_gap: float = 1.0  # font sizes: the wider blank between the column names of a header printed in body type
    river: float = 0.3  # font sizes: the narrowest blank between the text of two columns
    lookahead: int = 3  # lines: a line across the columns is a band row when one of the next ones keeps to them
    # --- borderless tables: the row search (costs) --------------------------------------------------
    row_cost: float = 1.0  # every row break must pay for itself by the text it explains
    restart: float = 0.5  # what a break is spared where a numbered list begins again in some column
    top_share: float = 0.85  # blocks: a table with this share of them at the tops of rows prints its cells there
    top_blocks: int = 8  # blocks: and has at least this many
    value_pair: float = -2.0  # a break at a value alone under another of its column (_value_pairs) pays for itself
    aligned_row: float = -0.5  # a break where every column begins a paragraph on the same line pays for itself
    unexplained: float = 3.0  # a block neither at the top of a row nor centred over rows
    unfilled: float = 2.0  # a row whose bottom no printed line reaches (a row is as tall as its tallest cell)
    weak_break: float = 1.0  # a row break inside a block where a line starts without a sign of a new paragraph
    # a block read as centred rather than at its row's top, for each of its lines: short cells are the
    # ones a table prints in the middle, and where both readings fit, the top one wins
    centred: float = 0.2
    beam: int = 48  # partial row layouts kept while a page is read top-down
    reach_slack: float = 1.0  # points: the slots a block's cost may depend on are looked for this much wider
    unread_share: float = 0.05  # a table's rows count as read when at most this share of its blocks is unexplained
    # --- boxes laid over a table ---------------------------------------------------------------------
    overlay_min: float = 8.0  # points: a box at least this wide and tall may be laid over a table
    overlay_tol: float = 1.0  # points: lines this near run along each other (a box's fill and stroke)
    overlay_max: float = 0.3  # of the page's width and height: a box laid over a table is smaller
    cut_row_tol: float = 2.0  # points: a line this near a table's outer column edge is that edge running on
    cut_columns: int = 2  # places: column lines ending together at a page break with no rule across there
    # --- edges that are not rules ----------------------------------------------------------------------
    cut_glyphs: int = 3  # glyphs: an edge running through the middle of this many is no cell border
    cut_inset: float = 0.25  # of a glyph's width (height): an edge further inside it than this runs through it


SETTINGS = PdfSettings()  # the settings the reader uses


def set_engine(engine: str | None) -> None:
    """Read PDFs with ``engine`` from now on (one of ENGINES; None: the default, pdfium)."""
    global SETTINGS
    engine = engine or ENGINES[0]
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}: one of {', '.join(ENGINES)}")
    SETTINGS = dataclasses.replace(SETTINGS, engine=engine)


@dataclass(slots=True)
class PageForm:
    """One page as the reader reads it, whichever engine read it.

    ``chars``: dicts with ``text``, ``x0``, ``x1``, ``top``, ``bottom`` (pdfplumber's coordinates: points
    from the page's top left), ``size`` and ``fontname`` (without the subset tag). ``edges``: the edges of
    the page's lines, rects and curves as pdfplumber's ``page.edges`` gives them (what its table finder
    reads). ``bbox``: the page's box (pdfplumber's mediabox).
    """

    number: int
    height: float
    bbox: tuple[float, float, float, float]
    chars: list[dict]
    edges: list[dict]


@dataclass(slots=True)
class _GridCell:
    """One logical cell of a table found on a page: where it starts, how far it spans, its box and text."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: tuple[float, float, float, float]
    text: str


@dataclass
class _Grid:
    """A table found on one page: its column edges and logical cells."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]
    cells: list[_GridCell] = field(default_factory=list)
    rows: int = 0
    ruled: bool = True  # cell boundaries drawn (False: a borderless table read from text positions)
    blocks: int = 0  # borderless: the blocks of text its rows were read from
    unread: int = 0  # borderless: those of them the rows found explain neither at a row's top nor centred
    head_rows: int = 1  # the rows a header printed again on the next page takes


def _snap(values: list[float]) -> list[float]:
    """The distinct grid lines among values: sorted, those within SETTINGS.snap of the one before dropped."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SETTINGS.snap:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    """The index of the edge nearest v (edges: ascending, as _snap gives them, at least one; of two as
    near, the first)."""
    i = bisect.bisect_left(edges, v)
    if i == 0:
        return 0
    if i == len(edges):
        return i - 1
    return i - 1 if abs(edges[i - 1] - v) <= abs(edges[i] - v) else i


def _mixed(a: dict | None, b: dict) -> bool:
    """A CJK glyph beside a Latin letter, digit or sign, where typesetters add space of their own."""
    if a is None:
        return False
    return _cjk(a) != _cjk(b) and not a["text"].isspace() and not b["text"].isspace()


def _cjk(ch: dict | None) -> bool:
    """A CJK character or full-width form (as opposed to a Latin letter, digit or ASCII sign)."""
    return ch is not None and bool(ch["text"]) and ord(ch["text"][0]) >= 0x2E80


def _chars_text(chars: list[dict]) -> str:
    """Text of chars as lines: printed spaces kept (also at a line end), a wide gap becomes a space.

    Between two glyphs neither of which is a space, a gap wider than SETTINGS.x_ratio of the size is a
    space, SETTINGS.x_ratio_mixed where a CJK glyph stands beside a Latin one (``_mixed``); each char's
    kind is worked out once (hot: the text of every cell and line)."""
    out = []
    mixed_ratio, ratio_plain = SETTINGS.x_ratio_mixed, SETTINGS.x_ratio
    for line in _char_lines(chars):
        text = []
        prev = None
        prev_cjk = prev_space = False
        for ch in line:
            t = ch["text"]
            cjk = bool(t) and ord(t[0]) >= 0x2E80  # _cjk
            space = t.isspace()
            if prev is not None and not prev_space and not space:
                ratio = mixed_ratio if cjk != prev_cjk else ratio_plain
                if ch["x0"] - prev["x1"] > ratio * ch["size"]:
                    text.append(" ")
            text.append(t)
            prev, prev_cjk, prev_space = ch, cjk, space
        out.append("".join(text))
    return "\n".join(out).lstrip()


_CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "size", "fontname")  # what this reader asks of a char


def _page_chars(page) -> list[dict]:
    """The page's chars as page.chars gives them, with the keys this reader uses (_CHAR_KEYS).

    pdfplumber turns each object of a page's layout into a dict of some thirty keys, colours and marked
    content resolved, which takes about a quarter of the time of reading a page, most of it for the
    chars. Here the chars come from the layout with pdfplumber's own arithmetic and the other objects
    (the ruling lines and boxes find_tables reads) from pdfplumber itself, and they fill the page's
    object cache, so that the page is still laid out and parsed once. The page's first char is checked
    against pdfplumber's dict for it: where they differ (another pdfplumber), page.chars is used.
    """
    from pdfminer.layout import LTChar, LTContainer

    if hasattr(page, "_objects") or page.pdf.laparams is not None or page.pdf.unicode_norm is not None:
        return page.chars
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    objects: dict[str, list[dict]] = {}
    chars: list[dict] = []
    check: list = []

    def walk(items) -> None:
        """Collect the chars (and the other objects) of a layout tree."""
        for obj in items:
            if isinstance(obj, LTContainer):
                walk(obj._objs)
            elif type(obj) is LTChar and type(obj.fontname) is str:
                x0, x1 = obj.x0, obj.x1
                if mb_x0 != 0:
                    x0, x1 = x0 + mb_x0, x1 + mb_x0
                ch = {"text": obj.get_text(), "x0": x0, "x1": x1, "top": (height - obj.y1) + mb_top,
                      "bottom": (height - obj.y0) + mb_top, "size": obj.size, "fontname": obj.fontname}
                if not check:
                    check.append((obj, ch))
                objects.setdefault("char", chars).append(ch)
            else:
                attr = page.process_object(obj)
                kind = attr["object_type"]
                if kind != "anno":
                    objects.setdefault(kind, chars if kind == "char" else []).append(attr)

    walk(page.layout._objs)
    if check:
        obj, ch = check[0]
        full = page.process_object(obj)
        if any(full.get(k) != ch[k] for k in _CHAR_KEYS):
            return page.chars
    page._objects = objects
    return chars


class _Chars:
    """A page's characters (fake-bold duplicates removed), indexed by vertical position for bbox queries."""

    def __init__(self, chars: list[dict]):
        self.all = _dedupe(chars)
        mids = [(c["top"] + c["bottom"]) / 2 for c in self.all]
        order = sorted(range(len(mids)), key=mids.__getitem__)  # stable, as sorting the chars by their middle
        self.by_y = [self.all[i] for i in order]
        self.ys = [mids[i] for i in order]

    def within(self, bbox) -> list[dict]:
        """Chars whose centre lies in bbox."""
        x0, top, x1, bottom = bbox
        lo, hi = bisect.bisect_left(self.ys, top), bisect.bisect_right(self.ys, bottom)
        return [c for c in self.by_y[lo:hi] if x0 <= (c["x0"] + c["x1"]) / 2 <= x1]


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop a glyph printed again at (almost) the same spot: the fake bold of some PDF producers."""
    out: list[dict] = []
    seen: dict[tuple, list[tuple[float, float]]] = {}  # (x0, top) of the glyphs kept, by text and rounded top
    near = SETTINGS.same_glyph
    for c in chars:
        x0, top = c["x0"], c["top"]
        key = (c["text"], round(top))
        kept = seen.get(key)
        if kept is None:
            seen[key] = [(x0, top)]
        else:
            for ox, otop in kept:
                if abs(ox - x0) <= near and abs(otop - top) <= near:
                    break
            else:
                kept.append((x0, top))
                out.append(c)
            continue
        out.append(c)
    return out


def _text(chars: _Chars, bbox) -> str:
    """Text inside bbox (chars whose centre lies in it), lines joined with newlines."""
    return _chars_text(chars.within(bbox))


def _ruled_tables(page: PageForm, number: int, chars: _Chars) -> list[_Grid]:
    """The tables a page draws with ruling lines, as pdfplumber's find_tables sees them, cells by grid line.

    pdfplumber's TableFinder reads no more of a page than its ``edges`` (and ``bbox``) for the "lines"
    strategies, so it runs on the page form of either engine (extract/ruled.py: its steps, the cell search
    made fast).
    """
    from pdfplumber.table import TableSettings

    from .ruled import find_tables

    grids: list[_Grid] = []
    if not page.edges:
        return grids
    settings = TableSettings.resolve({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    cut = _cut_rules(page.edges, page.height)
    for table in find_tables(dataclasses.replace(page, edges=page.edges + cut) if cut else page, settings):
        boxes = [c for c in table.cells if c]
        if len(boxes) < SETTINGS.min_boxes:
            continue
        xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
        ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
        if len(xs) < SETTINGS.min_edges:
            continue
        grid = _Grid(number, _box(table.bbox), xs)
        for b in sorted(boxes, key=lambda b: (round(b[1]), b[0])):
            r0, r1 = _index(ys, b[1]), _index(ys, b[3])
            c0, c1 = _index(xs, b[0]), _index(xs, b[2])
            grid.cells.append(_GridCell(r0, c0, max(1, r1 - r0), max(1, c1 - c0), _box(b), _text(chars, b)))
        grid.rows = len(ys) - 1
        _unclosed_cells(grid, xs, ys, chars)
        _open_ends(grid, xs, ys, chars, page.edges)
        grids.append(grid)
    return grids


def _cut_rules(edges: list[dict], height: float) -> list[dict]:
    """The rules a page break cut off: where column lines of SETTINGS.cut_columns places or more begin
    at the top of the page's lines (or end at their bottom), a rule across each column between them that
    has none drawn there (a browser prints no border where a cell is cut, only its lines' ends). Without
    it a merged cell the break cut at both ends is no cell, and the columns left of it part from the
    table."""
    tol, snap = SETTINGS.cut_row_tol, SETTINGS.snap
    verticals = [e for e in edges if e["orientation"] == "v"]
    across = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 2 * snap]
    out: list[dict] = []
    if not verticals:
        return out
    for end in ("top", "bottom"):
        y = (min if end == "top" else max)(e[end] for e in verticals)
        places = _snap([e["x0"] for e in verticals if abs(e[end] - y) <= tol])
        if len(places) >= SETTINGS.cut_columns:
            rules = [h for h in across if abs(h["top"] - y) <= tol]
            for a, b in zip(places, places[1:]):
                if any(h["x0"] <= (a + b) / 2 <= h["x1"] for h in rules):
                    continue  # a rule is drawn over this column there: its lines end at it
                out.append({"x0": a, "x1": b, "top": y, "bottom": y, "doctop": y, "y0": height - y,
                            "y1": height - y, "width": b - a, "height": 0.0, "orientation": "h",
                            "object_type": "line"})
    return out


def _open_ends(grid: _Grid, xs: list[float], ys: list[float], chars: _Chars, edges: list[dict]) -> None:
    """A row cut by the page break whose rule across is not drawn on either side (a browser's print of a
    web table): where the table's outer column lines run on past its last rule (or begin above its first),
    the text between them there is one more row of the table (it was read as paragraphs, and the row's
    two parts were never joined)."""
    tol = SETTINGS.cut_row_tol
    down = [_runs_on(edges, x, ys[-1], True, tol) for x in (xs[0], xs[-1])]
    if None not in down:
        _add_row(grid, xs, (ys[-1], min(v for v in down if v is not None)), chars, at_top=False)
    up = [_runs_on(edges, x, ys[0], False, tol) for x in (xs[0], xs[-1])]
    if None not in up:
        _add_row(grid, xs, (max(v for v in up if v is not None), ys[0]), chars, at_top=True)


def _runs_on(edges: list[dict], x: float, y: float, down: bool, tol: float) -> float | None:
    """How far the column line at x runs on past y (down: below it, else above it), or None."""
    if down:
        ends = [e["bottom"] for e in edges if e["orientation"] == "v" and abs(e["x0"] - x) <= tol
                and e["top"] <= y + tol < e["bottom"]]
        return max(ends) if ends else None
    ends = [e["top"] for e in edges if e["orientation"] == "v" and abs(e["x0"] - x) <= tol
            and e["top"] < y - tol <= e["bottom"]]
    return min(ends) if ends else None


def _add_row(grid: _Grid, xs: list[float], span: tuple[float, float], chars: _Chars, at_top: bool) -> None:
    """A row of the grid's columns over span (top, bottom), where it prints text: first or last."""
    top, bottom = span
    texts = [_text(chars, (xs[k], top, xs[k + 1], bottom)) for k in range(len(xs) - 1)]
    if not any(t.strip() for t in texts):
        return
    if at_top:
        for c in grid.cells:
            c.row += 1
    row = 0 if at_top else grid.rows
    grid.cells.extend(_GridCell(row, k, 1, 1, (xs[k], top, xs[k + 1], bottom), t) for k, t in enumerate(texts))
    grid.cells.sort(key=lambda c: (c.row, c.col))
    grid.rows += 1
    x0, y0, x1, y1 = grid.bbox
    grid.bbox = (x0, min(y0, top), x1, max(y1, bottom))


def _unclosed_cells(grid: _Grid, xs: list[float], ys: list[float], chars: _Chars) -> None:
    """Grid positions no cell covers — a merged cell cut by the page break whose closing rule is not
    drawn, which pdfplumber's finder does not count as a cell — that print text: each run of them
    down a column is one cell (its text would otherwise be lost)."""
    covered = {(r, k) for c in grid.cells for r in range(c.row, c.row + c.row_span)
               for k in range(c.col, c.col + c.col_span)}
    rows, cols = len(ys) - 1, len(xs) - 1
    if len(covered) == rows * cols:
        return
    for k in range(cols):
        r = 0
        while r < rows:
            if (r, k) in covered:
                r += 1
                continue
            end = r
            while end + 1 < rows and (end + 1, k) not in covered:
                end += 1
            box = (xs[k], ys[r], xs[k + 1], ys[end + 1])
            text = _text(chars, box)
            if text.strip():
                grid.cells.append(_GridCell(r, k, end - r + 1, 1, box, text))
            r = end + 1
    grid.cells.sort(key=lambda c: (c.row, c.col))


def _box(b) -> tuple[float, float, float, float]:
    """A bbox as four numbers."""
    return (b[0], b[1], b[2], b[3])


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Group chars into printed lines by their vertical position, each in the order of its glyphs' middles
    (a browser draws a full-width bracket whose ink it has moved into the right half of its box, such
    as the （ after a [, from the left of the [: ordered by where they begin, they swap)."""
    lines: list[list[dict]] = []
    floor, share = SETTINGS.line_floor, SETTINGS.line_share
    line: list[dict] = []
    first = 0.0  # the top of the line's first char
    for ch in sorted(chars, key=_TOP_X0):
        top = ch["top"]
        if line and abs(first - top) <= max(floor, ch["size"] * share):
            line.append(ch)
        else:
            line = [ch]
            first = top
            lines.append(line)
    for line in lines:
        if len(line) > 1:
            line.sort(key=_twice_middle)  # sort is stable, as sorted is
    return lines


def _twice_middle(c: dict) -> float:
    """Twice a char's middle: the order of a line's glyphs; twice its left where OCR estimated its box (a
    text box's width shared out over its glyphs: boxes of two text boxes may overlap, their starts keep
    the reading order)."""
    return c["x0"] + c["x1"] if "confidence" not in c else 2 * c["x0"]


_TOP_X0 = operator.itemgetter("top", "x0")


def _clusters(line: list[dict], gap: float) -> list[tuple[float, float]]:
    """Horizontal runs of a line separated by blank space wider than gap."""
    runs: list[list[float]] = []
    for ch in line:
        if ch["text"].isspace():
            continue
        if runs and ch["x0"] - runs[-1][1] <= gap:
            runs[-1][1] = max(runs[-1][1], ch["x1"])
        else:
            runs.append([ch["x0"], ch["x1"]])
    return [(a, b) for a, b in runs]


def _runs(line: list[dict], gap: float) -> list[list[dict]]:
    """The chars of a line in runs separated by blank space wider than gap."""
    runs: list[list[dict]] = []
    for ch in line:
        if runs and ch["x0"] - runs[-1][-1]["x1"] <= gap:
            runs[-1].append(ch)
        else:
            runs.append([ch])
    return runs


def _line_text(chars: list[dict]) -> str:
    """The chars' text run together, as printed."""
    return "".join(c["text"] for c in chars)


# --- tables without ruling lines -------------------------------------------------------------------
#
# A borderless table (a Word table printed without borders) is read from text positions alone. Its
# header band gives the columns; where the body leaves a river of white between two column names runs
# a column edge. Its rows follow from how a word processor lays a table out: a row is as tall as its
# tallest cell, and a cell's text starts at its row's top or stands in the middle of its row or of the
# rows it spans (a centred 序号, 分值 or merged label). The row breaks are the fewest that explain every
# block of text of every column that way (_row_tops).

_BARE_NUMBER = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?|[一二三四五六七八九十]+")  # a line that is a number alone
_LIST_NUMBER = re.compile(r"([0-9０-９]+)|([一二三四五六七八九十]+)|[①-⑳]")  # the number of a list marker
_FIRST = ("1", "１", "一", "①")  # the number of a list's first item
_STOPS = ("。", "；", "！", "？", ".", ";")  # marks that end a sentence

# a line that starts a numbered paragraph (1.  12、  （一）  (3)  一、  ①): in a column printed without
# blank lines between cells, one of the places where one cell may end and the next begin
_NUMBERED_LINE = re.compile(r"^\s*(?:[0-9０-９]{1,3}\s*[.．、](?![0-9])"
                            r"|[（(]\s*[一二三四五六七八九十0-9０-９]{1,3}\s*[)）]"
                            r"|[一二三四五六七八九十]{1,3}\s*、|[①-⑳])")


@dataclass
class _Region:
    """A borderless table on a page: its header lines, body lines (band rows across the columns among
    them by index), column edges, and the index of the page's first line after it."""

    head: list[list[dict]]
    body: list[list[dict]]
    bands: set[int]
    xs: list[float]
    stop: int
    fresh: bool = True  # the table begins here: its first row is not the rest of one cut on the page before


@dataclass
class _Gutter:
    """The blank between two column names, with the runs of the table's lines that reach into it."""

    lo: float
    hi: float
    covered: list[tuple[float, float]] = field(default_factory=list)

    def free(self, size: float, run: tuple[float, float] | None = None) -> list[tuple[float, float]]:
        """The stretches still blank (with one more run laid in), at least a river wide."""
        out, cursor = [], self.lo
        for a, b in sorted(self.covered + ([run] if run else [])):
            if a - cursor >= size * SETTINGS.river:
                out.append((cursor, min(a, self.hi)))
            cursor = max(cursor, b)
        if self.hi - cursor >= size * SETTINGS.river:
            out.append((cursor, self.hi))
        return out

    def river(self, size: float) -> float:
        """Where the column edge runs: the middle of the widest blank stretch."""
        a, b = max(self.free(size) or [(self.lo, self.hi)], key=lambda s: s[1] - s[0])
        return (a + b) / 2


@dataclass
class _Line:
    """One printed line within one column."""

    top: float
    x0: float
    x1: float
    chars: list[dict]
    starts: bool = False  # begins a paragraph
    restarts: bool = False  # begins a numbered list again (1. after 5. in its column): a new cell

    @property
    def text(self) -> str:
        return _line_text(self.chars)


@dataclass
class _Block:
    """The lines of one column with no blank line between them: one cell, or several printed on."""

    col: int
    lines: list[_Line]
    bottom: float  # the top of its last line plus a pitch
    floor: float = 0.0  # the bottom of the block above it in its column (where the blank above begins)
    ceiling: float = 0.0  # the top of the block below it (where the blank below ends)
    breaks: list[float] = field(default_factory=list)  # tops of its later lines that begin a paragraph

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


def _font_name(ch: dict) -> str:
    """The char's font without the subset tag (ABCDEF+) that splits one font into several in a PDF (both
    engines give it so: PageForm)."""
    return ch.get("fontname", "")


def untagged(name) -> str:
    """A font name without the subset tag (ABCDEF+) that splits one font into several in a PDF."""
    if not isinstance(name, str):
        return ""
    tag, plus, rest = name.partition("+")
    return rest if plus and len(tag) == 6 and tag.isupper() else name


def _font(line: list[dict]) -> str:
    """The font most of the line is printed in."""
    names = [_font_name(c) for c in line]
    return max(set(names), key=names.count)


def _header(lines: list[list[dict]], start: int, size: float, pitch: float, body_font: str,
            by_layout: bool = True) -> tuple[int, int] | None:
    """The next header band at or after line start, as a range of lines.

    A header band is a run of adjacent lines in a font of their own, used neither by the page's text nor
    by the lines below it (a bold header), that names two columns or more. Where no header is set
    apart by its font, and by_layout allows it (outside a table, where lines rarely break into runs), it
    is the first line that breaks into three runs or more, with the lines of one or two characters a run
    beside it (a narrow column's name printed one character a line: 序/号).
    """
    i = start
    while i < len(lines):
        font = _font(lines[i])
        j = i + 1
        while j < len(lines) and _font(lines[j]) == font and \
                abs(lines[j][0]["size"] - lines[j - 1][0]["size"]) <= SETTINGS.head_size and \
                lines[j][0]["top"] - lines[j - 1][0]["top"] <= pitch * SETTINGS.near_line:
            j += 1  # a title above in the header's font but larger type is not of the band
        below = {_font_name(c) for line in lines[j:j + SETTINGS.lookahead] for c in line}
        # the type of the table under it is the page's body type, or (a page with little of the table
        # and notes in larger type under it) the type of the line under it
        body_size = [size] + ([statistics.median(c["size"] for c in lines[j])] if j < len(lines) else [])
        if font != body_font and font not in below \
                and any(abs(lines[i][0]["size"] - s) <= SETTINGS.head_size for s in body_size) \
                and len(_cores(lines[i:j], size)) >= 2:
            return i, j
        i = j
    if not by_layout:
        return None
    h = next((i for i in range(start, len(lines))
              if len(_clusters(lines[i], size * SETTINGS.head_gap)) >= SETTINGS.head_runs), None)
    if h is None:
        return None

    def short(i: int, j: int) -> bool:
        return abs(lines[i][0]["top"] - lines[j][0]["top"]) <= pitch * SETTINGS.near_line and \
            all(len(_line_text(run)) <= SETTINGS.head_short for run in _runs(lines[i], size * SETTINGS.head_gap))

    lo, hi = h, h + 1
    while lo > start and short(lo - 1, lo):
        lo -= 1
    while hi < len(lines) and short(hi, hi - 1):
        hi += 1
    return lo, hi


def _cores(head: list[list[dict]], size: float) -> list[tuple[float, float]]:
    """Where the column names stand: the runs of the header lines, runs of different lines that overlap
    joined (a name printed over several lines), a run standing over several names of another line
    dropped (a name over two columns)."""
    runs = sorted((run[0]["x0"], run[-1]["x1"], i) for i, line in enumerate(head)
                  for run in _runs(line, size * SETTINGS.run_gap))
    groups: list[list[tuple[float, float, int]]] = []
    for run in runs:
        if groups and run[0] < max(r[1] for r in groups[-1]):
            groups[-1].append(run)
        else:
            groups.append([run])
    cores: list[tuple[float, float]] = []
    for group in groups:
        per_line: dict[int, list[tuple[float, float, int]]] = {}
        for r in group:
            per_line.setdefault(r[2], []).append(r)
        most = max(per_line.values(), key=len)
        if len(most) > 1:
            cores.extend((a, b) for a, b, _ in most)
        else:
            cores.extend(_under_spanning(group))
    return sorted(cores)


def _under_spanning(group: list[tuple[float, float, int]]) -> list[tuple[float, float]]:
    """Where the column names of a group of overlapping header runs stand, each run on a line of its own:
    a run that stands over two runs of lines under it that do not overlap each other is a name over two
    columns (考评指标 over 二级指标 and 三级指标, in rows of their own); the others, joined where they
    overlap, are the names. One core for the group where no such run parts it."""
    def over(r, q) -> bool:
        return r[0] < q[1] and q[0] < r[1]

    spanning = [r for r in group
                if any(over(r, a) and over(r, b) and not over(a, b) for a in group for b in group
                       if a[2] > r[2] and b[2] > r[2])]
    rest = sorted(r for r in group if r not in spanning)
    parts: list[list[float]] = []
    for a, b, _ in rest:
        if parts and a < parts[-1][1]:
            parts[-1][1] = max(parts[-1][1], b)
        else:
            parts.append([a, b])
    if not spanning or len(parts) < 2:
        return [(min(r[0] for r in group), max(r[1] for r in group))]
    return [(a, b) for a, b in parts]


def _line_runs(line: list[dict], size: float) -> list[tuple[float, float]]:
    """Where the runs of a line stand, left to right."""
    return [(run[0]["x0"], run[-1]["x1"]) for run in _runs(line, size * SETTINGS.run_gap)]


def _crosses(line: list[dict], gutters: list[_Gutter], size: float) -> bool:
    """A run of the line leaves no blank between two columns."""
    return any(a < g.hi and b > g.lo and not g.free(size, (a, b))
               for a, b in _line_runs(line, size) for g in gutters)


def _lay(line: list[dict], gutters: list[_Gutter], size: float) -> None:
    """Record the runs of a line of the table that reach into the blanks between column names."""
    for a, b in _line_runs(line, size):
        for g in gutters:
            if a < g.hi and b > g.lo:
                g.covered.append((a, b))


def _region(lines: list[list[dict]], start: int, size: float, pitch: float, body_font: str,
            prev_xs: list[float] | None) -> _Region | None:
    """The next table on the page from line start: its header band, then the lines below that keep to
    its columns, up to a blank band, another table's header, or a line across the columns that stands
    apart or that no line of the table follows (a note under it). A page that starts inside a table
    whose header is not printed again (prev_xs: that table's column edges) goes on with those columns
    from its top. A header-like band with no table under it comes back as a region without body."""
    band = _header(lines, start, size, pitch, body_font)
    if prev_xs is not None and start == 0 and (band is None or band[0] > 0):
        lo = hi = 0
        gutters = [_Gutter(x - size * SETTINGS.river, x + size * SETTINGS.river) for x in prev_xs[1:-1]]
        if _crosses(lines[0], gutters, size):
            return None
    elif band is None:
        return None
    else:
        lo, hi = band
        cores = _cores(lines[lo:hi], size)
        gutters = [_Gutter(a[1], b[0]) for a, b in zip(cores, cores[1:])]
    next_head = _header(lines, hi, size, pitch, body_font, by_layout=False)
    stop = next_head[0] if next_head else len(lines)
    body, bands, i = _region_body(lines, hi, stop, gutters, size, pitch)
    if not body or len(body) < 2 and hi == lo:
        return _Region(lines[lo:hi], [], set(), [], max(i, hi)) if hi > lo else None
    xs = _region_edges(lines[lo:hi] + body, gutters, size, prev_xs if start == 0 else None)
    return _Region(lines[lo:hi], body, bands, xs, i, fresh=prev_xs is None or start > 0)


def _region_body(lines: list[list[dict]], i: int, stop: int, gutters: list[_Gutter], size: float,
                 pitch: float) -> tuple[list[list[dict]], set[int], int]:
    """The body lines of a table from line i on (band rows among them by index), and the line after
    them: lines that keep to the gutters, or cross them as a band row that lines of the table follow.
    Where the gutters settle otherwise once the lines are laid (_settle_gutter), the lines are read again
    with the band rows so found."""
    body, bands, end = _body_pass(lines, i, stop, gutters, size, pitch, set())
    if not any([_settle_gutter(g, [h for h in gutters if h is not g], body, bands, size) for g in gutters]):
        return body, bands, end
    for g in gutters:
        g.covered = []
    return _body_pass(lines, i, stop, gutters, size, pitch, {i + k for k in bands})


def _body_pass(lines: list[list[dict]], i: int, stop: int, gutters: list[_Gutter], size: float,
               pitch: float, known: set[int]) -> tuple[list[list[dict]], set[int], int]:
    """One reading of _region_body, the lines in known (by line index) taken for band rows."""
    body: list[list[dict]] = []
    bands: set[int] = set()
    while i < stop:
        step = lines[i][0]["top"] - lines[i - 1][0]["top"] if i else 0.0
        if step > pitch * SETTINGS.near_line:
            break
        if i in known:
            bands.add(len(body))
        elif _crosses(lines[i], gutters, size):
            ahead = lines[i + 1:min(i + 1 + SETTINGS.lookahead, stop)]
            if step > pitch * SETTINGS.spaced_line or all(_crosses(ln, gutters, size) for ln in ahead):
                break
            bands.add(len(body))
        else:
            _lay(lines[i], gutters, size)
        body.append(lines[i])
        i += 1
    return body, bands, i


def _settle_gutter(g: _Gutter, others: list[_Gutter], body: list[list[dict]], bands: set[int], size: float) -> bool:
    """Where the lines laid first into a gutter leave the lines after them no blank there (a band row
    reaching into the blank beside an empty column, then a column's text that starts left of its name),
    the blank most lines leave free is the gutter, and the fewer lines across it are the band rows;
    whether the band rows changed."""
    runs = {k: [(a, b) for a, b in _line_runs(ln, size) if a < g.hi and b > g.lo] for k, ln in enumerate(body)}
    # band rows only for the runs laid into this gutter before them: alone they leave it a blank, and
    # they keep to the other gutters
    forced = [k for k in bands if runs[k] and _Gutter(g.lo, g.hi, runs[k]).free(size)
              and not _crosses(body[k], others, size)]
    if not forced:
        return False
    width = size * SETTINGS.river
    best: tuple[int, float] | None = None
    x = g.lo
    while x + width <= g.hi:
        over = {k for k, rs in runs.items() if any(a < x + width and b > x for a, b in rs)}
        if best is None or len(over) < best[0]:
            best = (len(over), x)
        x += width / 4
    if best is None:
        return False
    across = {k for k, rs in runs.items() if any(a < best[1] + width and b > best[1] for a, b in rs)}
    now = {k for k in bands if k not in forced}
    if len(across - now) >= len(forced):
        return False  # the lines laid first keep the gutter
    bands.difference_update(forced)
    bands.update(across)
    return True


def _region_edges(table: list[list[dict]], gutters: list[_Gutter], size: float,
                  prev_xs: list[float] | None) -> list[float]:
    """A table's column edges: its text's left and right, and a river through each gutter (those of
    the table on the page before, prev_xs, where they fit this page's text too)."""
    left = min(c["x0"] for ln in table for c in ln) - SETTINGS.cell_pad
    right = max(c["x1"] for ln in table for c in ln) + SETTINGS.cell_pad
    rivers = [g.river(size) for g in gutters]
    if prev_xs is not None and len(prev_xs) == len(rivers) + 2 and all(
            any(a <= x <= b for a, b in g.free(size)) for g, x in zip(gutters, prev_xs[1:-1])):
        rivers = prev_xs[1:-1]  # the table of the page before goes on: its edges fit this page's text too
    return [left] + rivers + [right]


def _borderless_tables(index: _Chars, number: int, chars: list[dict],
                       prev_xs: list[float] | None = None) -> list[_Grid]:
    """The tables of a page without ruling lines, from text positions alone; prev_xs: the column edges of
    a borderless table that filled the page before to its bottom (it may go on at this page's top)."""
    chars = [c for c in chars if not c["text"].isspace()]
    if not chars:
        return []
    size, lines, pitch, body_font = _page_type(chars)
    grids = []
    start = 0
    while start < len(lines):
        region = _region(lines, start, size, pitch, body_font, prev_xs if start == 0 else None)
        if region is None:
            break
        grid = _read_grid(index, number, region, size) if region.body else None
        if grid is not None:
            grids.append(grid)
        start = region.stop
    return grids


def _page_type(chars: list[dict]) -> tuple[float, list[list[dict]], float, str]:
    """The page's body type: its font size, printed lines, pitch from line to line and font."""
    size = statistics.median(c["size"] for c in chars)
    lines = _char_lines(chars)
    steps = [b[0]["top"] - a[0]["top"] for a, b in zip(lines, lines[1:])]
    # lines of one column follow each other at least a line's height apart; nearer ones are the
    # centred text of another column standing between them
    pitch = statistics.median([s for s in steps if SETTINGS.pitch_min * size <= s < SETTINGS.pitch_max * size]
                              or [size * SETTINGS.pitch_default])
    fonts = [_font_name(c) for c in chars]
    body_font = max(set(fonts), key=fonts.count)
    return size, lines, pitch, body_font


def _read_grid(index: _Chars, number: int, region: _Region, size: float) -> _Grid | None:
    """The grid of a table region: its header row, then the rows of each run of body lines between
    band rows, a band row being one cell across the columns it covers."""
    xs = region.xs
    first = region.head[0] if region.head else region.body[0]
    grid = _Grid(number, (xs[0], first[0]["top"] - SETTINGS.cell_pad, xs[-1], 0.0), xs, ruled=False)
    row = 0
    if region.head:
        cells, row = _header_cells(index, region.head, xs, size)
        grid.cells.extend(cells)
        grid.head_rows = row
    segment: list[list[dict]] = []
    body = region.body
    k = 0
    while k <= len(body):
        line = body[k] if k < len(body) else None
        if line is not None and k not in region.bands:
            segment.append(line)
            k += 1
            continue
        side: list[list[dict]] = []
        if line is not None:
            side = _band_side(segment, body, k, region.bands, xs, size)
            segment = segment[:len(segment) - len(side)]
        if segment:
            row = _read_rows(index, grid, segment, size, row, region.fresh or k > len(segment) + len(side))
            segment = []
        if line is None:
            break
        own = _band_lines(body, k, region.bands, xs, size, frozenset({_column_of(side[0][0], xs)} if side else ()))
        grid.cells.extend(_band_cells(index, own + side, xs, row, size))
        row += 1
        k += len(own)
    _close_grid(grid, row)
    return grid if grid.rows >= 2 else None


def _header_cells(index: _Chars, head: list[list[dict]], xs: list[float], size: float) -> tuple[list[_GridCell], int]:
    """The header rows of a borderless table and how many: a cell for each column that prints a name in
    the band; where a name stands over several columns above their own names (考评指标 over 二级指标 and
    三级指标), two rows: that name across its columns over theirs, the other columns' names down both."""
    top = min(c["top"] for ln in head for c in ln) - SETTINGS.cell_pad
    bottom = max(c["bottom"] for ln in head for c in ln) + SETTINGS.cell_pad
    over: list[tuple[int, int, list[dict]]] = []  # runs standing over several columns: first, last, chars
    for ln in head:
        for run in _runs(ln, size * SETTINGS.run_gap):
            first, last = _column_of(run[0], xs), _column_of(run[-1], xs)
            if last > first:
                over.append((first, last, run))
    split = max((c["bottom"] for _, _, run in over for c in run), default=top) + SETTINGS.cell_pad / 2
    covered = {col for first, last, _ in over for col in range(first, last + 1)}
    under = {col: _text(index, (xs[col], split, xs[col + 1], bottom)) for col in covered}
    above = [c for col in covered for c in index.within((xs[col], top, xs[col + 1], split))
             if not any(c in run for _, _, run in over)]
    if not over or above or not all(t.strip() for t in under.values()):
        cells = []
        for col in range(len(xs) - 1):
            text = _text(index, (xs[col], top, xs[col + 1], bottom))
            if text.strip():
                cells.append(_GridCell(0, col, 1, 1, (xs[col], top, xs[col + 1], bottom), text))
        return cells, 1
    cells = [_GridCell(0, first, 1, last - first + 1, (xs[first], top, xs[last + 1], split), _chars_text(run))
             for first, last, run in over]
    for col in range(len(xs) - 1):
        if col in covered:
            cells.append(_GridCell(1, col, 1, 1, (xs[col], split, xs[col + 1], bottom), under[col]))
        elif (text := _text(index, (xs[col], top, xs[col + 1], bottom))).strip():
            cells.append(_GridCell(0, col, 2, 1, (xs[col], top, xs[col + 1], bottom), text))
    cells.sort(key=lambda c: (c.row, c.col))
    return cells, 2


def _band_cells(index: _Chars, own: list[list[dict]], xs: list[float], row: int, size: float) -> list[_GridCell]:
    """A band row's cells: one across the columns each piece of its first line covers (_band_split), one
    for each other column that the lines going on with it print in."""
    line = own[0]
    ncols = len(xs) - 1
    bottom = max(c["bottom"] for ln in own for c in ln) + SETTINGS.cell_pad
    top = min(ln[0]["top"] for ln in own) - SETTINGS.cell_pad  # a side column's cell may begin above the band
    cells = []
    taken: set[int] = set()
    for piece in _band_split(line, xs, size):
        first = max(0, bisect.bisect_right(xs, piece[0]["x0"]) - 1)
        last = max(first, min(ncols - 1, bisect.bisect_right(xs, piece[-1]["x1"] - 1) - 1))
        bbox = (xs[first], line[0]["top"] - SETTINGS.cell_pad, xs[last + 1], bottom)
        cells.append(_GridCell(row, first, 1, last - first + 1, bbox, _text(index, bbox)))
        taken.update(range(first, last + 1))
    for col in sorted({_column_of(c, xs) for ln in own[1:] for c in ln} - taken):
        side = (xs[col], top, xs[col + 1], bottom)
        cells.append(_GridCell(row, col, 1, 1, side, _text(index, side)))
    return cells


def _band_split(line: list[dict], xs: list[float], size: float) -> list[list[dict]]:
    """The band row's first line in the cells it prints: its runs, a new cell where the blank between two
    runs holds a column edge and the run before it keeps within one column (the 序号 一 beside a label
    merged over the next columns)."""
    pieces: list[list[dict]] = []
    for run in _runs(line, size * SETTINGS.run_gap):
        if pieces:
            prev = pieces[-1]
            edge = any(prev[-1]["x1"] <= x <= run[0]["x0"] for x in xs[1:-1])
            if not (edge and _column_of(prev[0], xs) == _column_of(prev[-1], xs)):
                prev.extend(run)
                continue
        pieces.append(list(run))
    return pieces


def _close_grid(grid: _Grid, rows: int) -> None:
    """Finish a borderless grid: its bbox down to its lowest cell, its cells in reading order, its rows."""
    grid.bbox = (grid.bbox[0], grid.bbox[1], grid.bbox[2], max((c.bbox[3] for c in grid.cells), default=grid.bbox[1]))
    grid.cells.sort(key=lambda c: (c.row, c.col))
    grid.rows = rows


def _column_of(ch: dict, xs: list[float]) -> int:
    """The column a char's centre stands in."""
    return max(0, min(len(xs) - 2, bisect.bisect_right(xs, (ch["x0"] + ch["x1"]) / 2) - 1))


def _band_side(segment: list[list[dict]], body: list[list[dict]], k: int, bands: set[int], xs: list[float],
               size: float) -> list[list[dict]]:
    """The last lines of segment that belong to the band row of body line k: a column beside the band
    whose cell is centred on it, begun above it and going on below it (`（` `20` | band | `分` `）` of a
    分值 column in a table that centres its cells in their rows)."""
    band = body[k]
    first, last = _column_of(band[0], xs), _column_of(band[-1], xs)
    reach = SETTINGS.blank_line * size * SETTINGS.pitch_max
    above: list[list[dict]] = []
    col = None
    prev_top = band[0]["top"]
    for line in reversed(segment):
        cols = {_column_of(c, xs) for c in line}
        if len(cols) != 1 or first <= min(cols) <= last or (col is not None and cols != {col}) \
                or prev_top - line[0]["top"] > reach:
            break
        col = min(cols)
        above.append(line)
        prev_top = line[0]["top"]
    if col is None:
        return []
    below = []
    prev_top = band[0]["top"]
    for j in range(k + 1, len(body)):
        line = body[j]
        if j in bands or {_column_of(c, xs) for c in line} != {col} or line[0]["top"] - prev_top > reach:
            break
        below.append(line)
        prev_top = line[0]["top"]
    if not below:
        return []
    top, bottom = above[-1][0]["top"], max(c["bottom"] for c in below[-1])
    middle = (band[0]["top"] + max(c["bottom"] for c in band)) / 2
    return above[::-1] if abs((top + bottom) / 2 - middle) <= SETTINGS.same_middle * size * 2 else []


def _band_lines(body: list[list[dict]], k: int, bands: set[int], xs: list[float], size: float,
                side: frozenset[int] = frozenset()) -> list[list[dict]]:
    """The lines of the band row that body line k begins: the line itself, and the lines below it that
    go on with a piece of it kept within one column (`（` of `（20分）` wrapped in a narrow 分值 column),
    or in a side column whose cell began above it (_band_side), with the 序号 centred beside them (三,
    printed halfway down the row)."""
    own = [body[k]]
    live = _band_pieces(body[k], xs, size) | dict.fromkeys(side, body[k][0]["top"])
    if not live:
        return own
    pitch_max = SETTINGS.band_reach * size * SETTINGS.blank_line
    lone: list[int] = []  # lines in a column of their own, kept if centred on the band row
    j = k + 1
    while j < len(body) and j not in bands:
        line = body[j]
        cols = {_column_of(c, xs) for c in line}
        top = line[0]["top"]
        if all(col in live and top - live[col] <= pitch_max for col in cols):
            for col in cols:
                live[col] = top
        elif len(cols) == 1 and _BARE_NUMBER.fullmatch(_line_text(line)) and not live.keys() & cols:
            lone.append(j)
        else:
            break
        own.append(line)
        j += 1
    while own and len(own) - 1 + k in lone:
        own.pop()  # a number after the band row's last line belongs to the rows below
    return _cut_at_uncentred(own, lone, body, k, size)


def _band_pieces(line: list[dict], xs: list[float], size: float) -> dict[int, float]:
    """The columns a run of the band row's first line keeps within, each with that line's top."""
    live: dict[int, float] = {}  # column -> top of its last line in the band row
    for run in _runs(line, size * SETTINGS.run_gap):
        a, b = _column_of(run[0], xs), _column_of(run[-1], xs)
        if a == b and xs[a] <= run[0]["x0"] and run[-1]["x1"] <= xs[a + 1]:
            live[a] = line[0]["top"]
    return live


def _cut_at_uncentred(own: list[list[dict]], lone: list[int], body: list[list[dict]], k: int,
                      size: float) -> list[list[dict]]:
    """The band row's lines up to the first lone number (body index) not centred on it."""
    if lone and len(own) > 1:
        start, end = own[0][0]["top"], max(ln[0]["top"] for ln in own) + size * SETTINGS.blank_line
        mid = (start + end) / 2
        for i in lone:
            if i - k < len(own):
                ln = body[i]
                centre = (ln[0]["top"] + max(c["bottom"] for c in ln)) / 2
                if abs(centre - mid) > size:
                    return own[: i - k]  # not centred on the band row: the rows below begin there
    return own


def _read_rows(index: _Chars, grid: _Grid, body: list[list[dict]], size: float, row: int, fresh: bool) -> int:
    """Add the cells of a run of body lines to the grid from row on (fresh: the run starts a table or
    follows a band row, so no merged cell goes on into it from above); the row after them."""
    columns = _column_lines(body, grid.xs, size)
    pitch = _column_pitch(columns, size)
    top = min(ln.top for col in columns for ln in col)
    end = max(ln.top for col in columns for ln in col) + pitch
    blocks = _column_blocks(columns, pitch, top, end)
    tops = _tiling_breaks(blocks, _row_tops(blocks, columns, pitch, top, end), columns, pitch)
    if _top_aligned(blocks, tops, pitch):
        tops = _row_tops(blocks, columns, pitch, top, end, centring=False)  # no cell is centred in its row
    tol, mid_tol = pitch * SETTINGS.same_place, pitch * SETTINGS.same_middle
    grid.blocks += len(blocks)
    grid.unread += sum(1 for blk in blocks
                       if _block_cost(blk, tuple(tops), tol, mid_tol) > SETTINGS.centred * len(blk.lines))
    placed = sorted(_place(blocks, tops, pitch, fresh), key=lambda p: (p[1], p[0], p[3][0].top if p[3] else 0))
    grid.cells.extend(_row_cells(index, grid.xs, tops, placed, row))
    return row + len(tops) - 1


def _column_pitch(columns: list[list[_Line]], size: float) -> float:
    """The distance from one line of a column to the next (the median of the plausible steps)."""
    steps = [b.top - a.top for lines in columns for a, b in zip(lines, lines[1:])
             if SETTINGS.pitch_min * size <= b.top - a.top < SETTINGS.pitch_max * size]
    return statistics.median(steps) if steps else size * SETTINGS.pitch_default


def _row_cells(index: _Chars, xs: list[float], tops: list[float], placed: list[tuple[int, int, int, list[_Line]]],
               row: int) -> list[_GridCell]:
    """The grid cells of placed (column, first row, rows spanned, lines), rows counted from row on; two
    placed in the same cell are one cell, their texts one under the other."""
    cells: dict[tuple[int, int], _GridCell] = {}
    for col, r, span, lines in placed:
        chars = [c for ln in lines for c in ln.chars]
        text = _text(index, (xs[col], min(c["top"] for c in chars) - SETTINGS.text_pad, xs[col + 1],
                             max(c["bottom"] for c in chars) + SETTINGS.text_pad)) if chars else ""
        key = (row + r, col)
        if key in cells:
            cells[key].text += "\n" + text
            continue
        bbox = (xs[col], tops[r] - SETTINGS.cell_pad, xs[col + 1], tops[r + span] - SETTINGS.cell_pad)
        cells[key] = _GridCell(row + r, col, span, 1, bbox, text)
    return list(cells.values())


def _column_lines(body: list[list[dict]], xs: list[float], size: float) -> list[list[_Line]]:
    """Each column's printed lines, top-down, those that begin a paragraph marked (_mark_starts)."""
    ncols = len(xs) - 1
    columns: list[list[_Line]] = [[] for _ in range(ncols)]
    for line in body:
        parts: dict[int, list[dict]] = {}
        for c in line:
            col = max(0, min(ncols - 1, bisect.bisect_right(xs, (c["x0"] + c["x1"]) / 2) - 1))
            parts.setdefault(col, []).append(c)
        for col, chars in parts.items():
            columns[col].append(_Line(min(c["top"] for c in chars), chars[0]["x0"], chars[-1]["x1"], chars))
    for lines in columns:
        lines.sort(key=lambda ln: ln.top)
        if lines:
            _mark_starts(lines, size)
    return columns


def _mark_starts(lines: list[_Line], size: float) -> None:
    """Mark the lines of a column that begin a paragraph: the first, one after a line that ends short of
    the column's right edge, an indented one, a numbered one, a number alone; and those that begin a
    numbered list again."""
    left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    styles: set[str] = set()  # the numbering styles met in the column so far
    for prev, ln in zip([None, *lines], lines):
        # the last line of a centred paragraph stands as far from both edges: no indent
        indented = (ln.x0 > left + SETTINGS.indent * size
                    and abs((ln.x0 - left) - (right - ln.x1)) > SETTINGS.short_line * size)
        item = _list_item(ln.text)
        ln.starts = (prev is None or _ends_short(prev, left, right, size, ln) or indented or item is not None
                     or bool(_BARE_NUMBER.fullmatch(ln.text)))
        if item is not None:
            ln.restarts = item[1] and item[0] in styles
            styles.add(item[0])


def _list_item(text: str) -> tuple[str, bool] | None:
    """For a line that starts a numbered paragraph: its numbering style (1. （一） (1) 一、 ①) and whether
    its number is the first of a list."""
    m = _NUMBERED_LINE.match(text)
    if m is None:
        return None
    marker = m.group().strip()
    style = _LIST_NUMBER.sub(lambda n: "9" if n.group(1) else "十" if n.group(2) else "①", marker)
    number = _LIST_NUMBER.search(marker)
    assert number is not None  # every form of _NUMBERED_LINE holds one of _LIST_NUMBER's
    return style, number.group() in _FIRST


def _ends_short(line: _Line, left: float, right: float, size: float, after: _Line | None = None) -> bool:
    """The line stops short of its column's right edge, or of both edges alike where the column centres
    its text: the last line of a paragraph (a sentence's end counts from a smaller shortfall, as a line
    of Latin letters or digits may not be stretched full). Not where the next line (after) begins with a
    character and a mark no line may begin with, that together would not have fitted (kinsoku: 的， was
    carried over whole)."""
    short = SETTINGS.short_stop if line.text.endswith(_STOPS) else SETTINGS.short_line
    slack_left, slack_right = line.x0 - left, right - line.x1
    if abs(slack_left - slack_right) <= SETTINGS.same_middle * size:
        return slack_left + slack_right > short * size
    if slack_right <= short * size:
        return False
    carried = _carried(after.chars) if after is not None else None
    return carried is None or slack_right > carried + SETTINGS.wrap_fit * size


_NO_LINE_START = frozenset("，。、；：？！）》」』”’,.;:?!)")  # marks a typesetter never begins a line with


def _carried(chars: list[dict]) -> float | None:
    """The width of a line's first character and the marks after it that may not begin a line, where
    there are such marks (what a typesetter carries over together); None where there are none."""
    k = 1
    while k < len(chars) and chars[k]["text"] in _NO_LINE_START:
        k += 1
    return chars[k - 1]["x1"] - chars[0]["x0"] if k > 1 and chars[0]["text"] not in _NO_LINE_START else None


def _column_blocks(columns: list[list[_Line]], pitch: float, top: float, end: float) -> list[_Block]:
    """The text blocks of every column, each knowing the blank space above and below it."""
    blocks: list[_Block] = []
    for col, lines in enumerate(columns):
        mine: list[_Block] = []
        for ln in lines:
            if mine and ln.top - mine[-1].lines[-1].top <= pitch * SETTINGS.blank_line:
                mine[-1].lines.append(ln)
                mine[-1].bottom = ln.top + pitch
                if ln.starts:
                    mine[-1].breaks.append(ln.top)
            else:
                ln.starts = True
                mine.append(_Block(col, [ln], ln.top + pitch))
        for above, blk, below in zip([None, *mine], mine, [*mine[1:], None]):
            blk.floor = above.bottom if above else top
            blk.ceiling = below.top if below else end
        blocks.extend(mine)
    return blocks


def _near(values: tuple[float, ...], y: float, tol: float) -> bool:
    """Some value of the sorted tuple lies within tol of y."""
    i = bisect.bisect_left(values, y - tol)
    return i < len(values) and values[i] <= y + tol


def _top_cost(blk: _Block, tops: tuple[float, ...], tol: float, future: tuple[float, ...] = ()) -> float:
    """What reading the block as cells at the tops of rows costs: nothing when it starts at a row's top
    and every row break inside it falls where a paragraph begins, SETTINGS.weak_break for each break at the top
    of another of its lines (a paragraph may end on a full line), SETTINGS.unexplained when it does not start at
    a row's top or a break cuts through a line. While a page is read, a top among the candidate breaks
    still to decide (future) counts as possible."""
    if not _near(tops, blk.top, tol):
        return 0.0 if _near(future, blk.top, tol) else SETTINGS.unexplained
    lo, hi = bisect.bisect_right(tops, blk.top + tol), bisect.bisect_left(tops, blk.bottom - tol)
    cost = 0.0
    for r in tops[lo:hi]:
        if not any(abs(r - k) <= tol for k in blk.breaks):
            cost += SETTINGS.weak_break if any(abs(r - ln.top) <= tol for ln in blk.lines) else SETTINGS.unexplained
    return min(cost, SETTINGS.unexplained)


def _spans_over(blk: _Block, ra: float, rb: float, tops: tuple[float, ...], tol: float) -> bool:
    """The block may stand centred over the rows from ra to rb: they lie within the blank around it, and a
    block filling rows from their top is centred only over one (over several it is a cell at the top)."""
    return (blk.floor - tol <= ra <= blk.top + tol and blk.bottom - tol <= rb <= blk.ceiling + tol
            and (ra < blk.top - tol or not any(ra + tol < t < rb - tol for t in tops)))


def _centred_spans(blk: _Block, tops: tuple[float, ...], tol: float, mid_tol: float) -> list[tuple[int, int]]:
    """The runs of rows (index of the first row top, index of the top after the last row) the block may
    be centred over: their middle is its middle."""
    out = []
    for a in range(bisect.bisect_left(tops, blk.floor - tol), bisect.bisect_right(tops, blk.top + tol)):
        b = bisect.bisect_left(tops, 2 * blk.mid - tops[a] - mid_tol)
        if a < b < len(tops) and abs(tops[a] + tops[b] - 2 * blk.mid) <= mid_tol \
                and _spans_over(blk, tops[a], tops[b], tops, tol):
            out.append((a, b))
    return out


def _may_centre(blk: _Block, tops: tuple[float, ...], future: tuple[float, ...], tol: float,
                mid_tol: float) -> bool:
    """Some run of rows the block could still be centred over, an end of it among the breaks to decide."""
    for ra in tops + future:
        rb = 2 * blk.mid - ra
        if (_near(future, rb, mid_tol) or _near(tops, rb, mid_tol)) and _spans_over(blk, ra, rb, tops, tol):
            return True
    return False


def _block_cost(blk: _Block, tops: tuple[float, ...], tol: float, mid_tol: float,
                future: tuple[float, ...] = ()) -> float:
    """How badly the row tops explain the block, read at the tops of rows or centred over rows; while a
    page is read (future: the candidate breaks still to decide), the least it may still cost."""
    cost = _top_cost(blk, tops, tol, future)
    centred = SETTINGS.centred * len(blk.lines)
    if cost > centred and (_centred_spans(blk, tops, tol, mid_tol)
                           or bool(future) and _may_centre(blk, tops, future, tol, mid_tol)):
        return centred
    return cost


def _slot_span(a: int, b: int) -> int:
    """The bit mask of slots a to b - 1."""
    return (1 << b) - (1 << a) if b > a else 0


def _slots_within(slots: tuple[float, ...], lo: float, hi: float) -> int:
    """The bit mask of the slots from lo to hi."""
    return _slot_span(bisect.bisect_left(slots, lo), bisect.bisect_right(slots, hi))


def _slots_between(slots: tuple[float, ...], lo: float, hi: float) -> int:
    """The bit mask of the slots strictly between lo and hi."""
    return _slot_span(bisect.bisect_right(slots, lo), bisect.bisect_left(slots, hi))


class _SlotCost:
    """_block_cost of one block for the layouts _row_tops tries, from bit masks over the candidate
    breaks (slots): bit j of a mask is set when slots[j] is a row top. A layout's tops are the table's
    top (first) and the slots of its mask; its breaks still to decide are the slots from s on.
    Everything that does not depend on the layout is worked out once, with the very comparisons of
    _block_cost, so that the costs come out the same to the last bit."""

    def __init__(self, blk: _Block, slots: tuple[float, ...], first: float, tol: float, mid_tol: float,
                 centring: bool = True):
        top, floor = blk.top, blk.floor
        self.n = len(slots)
        # without centring (a table that prints its cells at the tops of rows) no centred reading is cheaper
        self.centred = SETTINGS.centred * len(blk.lines) if centring else SETTINGS.unexplained
        self._init_top(blk, slots, first, tol)
        # the tops of the runs of rows the block may be centred over: the table's top or a slot
        uppers = [(-1, first)] if floor - tol <= first <= top + tol else []
        uppers += [(j, slots[j]) for j in range(bisect.bisect_left(slots, floor - tol),
                                               bisect.bisect_right(slots, top + tol))]
        self._init_spans(blk, slots, uppers, first, tol, mid_tol)
        self._init_mirrors(blk, slots, uppers, first, tol, mid_tol)

    def _init_top(self, blk: _Block, slots: tuple[float, ...], first: float, tol: float) -> None:
        """For _top_cost: a top near the block's top, then what each break inside it costs."""
        top, bottom = blk.top, blk.bottom
        self.first_at_top = top - tol <= first <= top + tol
        self.at_top = _slots_within(slots, top - tol, top + tol)
        self.inside: dict[int, float] = {}
        for j in range(bisect.bisect_right(slots, top + tol), bisect.bisect_left(slots, bottom - tol)):
            r = slots[j]
            if not any(abs(r - k) <= tol for k in blk.breaks):
                self.inside[1 << j] = (SETTINGS.weak_break if any(abs(r - ln.top) <= tol for ln in blk.lines)
                                       else SETTINGS.unexplained)
        self.inside_mask = sum(self.inside)

    def _init_spans(self, blk: _Block, slots: tuple[float, ...], uppers: list[tuple[int, float]], first: float,
                    tol: float, mid_tol: float) -> None:
        """For _centred_spans: for each upper top, where the next top must be (the first at or after its
        mirror image less mid_tol) and, for each slot it may be, the tops that must not lie between."""
        top, bottom, ceiling = blk.top, blk.bottom, blk.ceiling
        self.spans: list[tuple[int, int, dict[int, int]]] = []
        for ja, ra in uppers:
            thr = 2 * blk.mid - ra - mid_tol
            if first >= thr:
                continue  # the first top at or after thr would be the table's top, above ra
            j0 = bisect.bisect_left(slots, thr)
            ok: dict[int, int] = {}
            for jb in range(j0, self.n):
                rb = slots[jb]
                if ra + rb - 2 * blk.mid > mid_tol:
                    break
                if ja < jb and abs(ra + rb - 2 * blk.mid) <= mid_tol and bottom - tol <= rb <= ceiling + tol:
                    ok[jb] = 0 if ra < top - tol else _slots_between(slots, ra + tol, rb - tol)
            if ok:
                self.spans.append((1 << ja if ja >= 0 else 0, j0, ok))

    def _init_mirrors(self, blk: _Block, slots: tuple[float, ...], uppers: list[tuple[int, float]], first: float,
                      tol: float, mid_tol: float) -> None:
        """For _may_centre: for each upper top, the tops near its mirror image and those that must not
        lie between the two; and the slots whose being still to decide may change the cost."""
        top, bottom, ceiling = blk.top, blk.bottom, blk.ceiling
        self.mirrors: list[tuple[int, int, bool, int]] = []
        self.undecided = self.at_top
        for ja, ra in uppers:
            rb = 2 * blk.mid - ra
            if not bottom - tol <= rb <= ceiling + tol:
                continue  # _spans_over fails whatever the tops
            near = _slots_within(slots, rb - mid_tol, rb + mid_tol)
            inner = 0 if ra < top - tol else _slots_between(slots, ra + tol, rb - tol)
            self.mirrors.append((1 << ja if ja >= 0 else 0, near, rb - mid_tol <= first <= rb + mid_tol, inner))
            self.undecided |= near | (1 << ja if ja >= 0 else 0)


    def top_cost(self, mask: int, s: int) -> float:
        """_top_cost(...) of the layout mask with the breaks to decide the slots from s on."""
        if not (self.first_at_top or mask & self.at_top):
            return 0.0 if self.at_top >> s else SETTINGS.unexplained
        cost = 0.0
        m = mask & self.inside_mask
        while m:
            low = m & -m
            cost += self.inside[low]
            m ^= low
        return min(cost, SETTINGS.unexplained)

    def centred_spans(self, mask: int) -> bool:
        """_centred_spans(...) is not empty."""
        for need, j0, ok in self.spans:
            if need and not mask & need:
                continue  # not a top of this layout
            later = mask >> j0
            if later:
                inner = ok.get(j0 + (later & -later).bit_length() - 1)
                if inner is not None and not mask & inner:
                    return True
        return False

    def may_centre(self, mask: int, s: int) -> bool:
        """_may_centre(...) with the breaks to decide the slots from s on."""
        for need, near, first_near, inner in self.mirrors:
            if need and not (mask & need or need >> s):
                continue  # neither a top nor a break still to decide
            if (near >> s or first_near or mask & near) and not mask & inner:
                return True
        return False

    def cost(self, mask: int, s: int) -> float:
        """_block_cost(...) of the layout mask with the breaks to decide the slots from s on."""
        cost = self.top_cost(mask, s)
        if cost > self.centred and (self.centred_spans(mask) or s < self.n and self.may_centre(mask, s)):
            return self.centred
        return cost


def _row_tops(blocks: list[_Block], columns: list[list[_Line]], pitch: float, top: float,
              end: float, centring: bool = True) -> list[float]:
    """The tops of the rows, and the bottom of the last one.

    The candidate breaks are _slots' line tops. The page is read top-down, keeping the SETTINGS.beam
    cheapest partial layouts, where a break costs _break_cost (SETTINGS.row_cost, less where a numbered
    list begins again or a value stands alone under another, nothing or less where every column begins a
    paragraph on its line), a row whose bottom no line reaches SETTINGS.unfilled, and each block the least
    _block_cost says it may still cost: the fewest breaks that explain every block win.

    A layout is kept as its tops and as a bit mask over the slots it breaks at; a block's cost depends
    only on the slots in the blank around it (_SlotCost), so it is worked out once for each way those
    slots are decided.
    """
    tol, mid_tol = pitch * SETTINGS.same_place, pitch * SETTINGS.same_middle
    slot_t = _slots(columns, top, end, tol)
    n = len(slot_t)
    bottoms = tuple(sorted(ln.top + pitch for lines in columns for ln in lines))
    restarts = tuple(sorted(ln.top for lines in columns for ln in lines if ln.restarts))
    values = _value_pairs(columns, pitch)
    # the blocks whose reading deciding a slot may change: those whose blank surroundings reach it
    touched = [[i for i, blk in enumerate(blocks) if blk.floor - tol <= y <= blk.ceiling + tol] for y in slot_t]
    cost_of, undecided, tables = _block_costs(blocks, slot_t, top, tol, mid_tol, centring)
    # a layout: (cost, mask, the costs of the blocks the last slot touched with the slots after it to
    # decide, in the order of those blocks): the costs a slot needs of the blocks the slot before it
    # touched too are taken from there, those of a block whose undecided slots do not include it go on
    # unchanged past it when it is not a break
    everyone = list(range(len(blocks)))
    first = [cost_of(i, 0, 0) for i in everyone]
    states = [(sum(first), 0, first, sum(first))]  # cost, mask, the costs of the blocks touched, their sum
    previous = everyone
    for k, y in enumerate(slot_t):
        after = k + 1 < n
        break_cost = _break_cost(y, after, bottoms, restarts, values, columns, tol)
        states = _extend(states, k, touched[k], previous, after, break_cost, cost_of, undecided, tables)
        previous = touched[k]
    mask = states[0][1]
    return [top] + [slot_t[j] for j in range(n) if mask >> j & 1]


_NUMBER_TEXT = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
_VALUE_LINE = re.compile(rf"[（(]?\s*(?:{_NUMBER_TEXT}(?:\s*[-－~～]\s*{_NUMBER_TEXT})?"
                         r"|[一二两三四五六七八九十百零〇壹贰叁肆伍陆柒捌玖拾]+)\s*分?\s*[）)]?")


def _value_pairs(columns: list[list[_Line]], pitch: float) -> tuple[float, ...]:
    """The tops of lines that print a value alone (3, 1.5分, 五分, 1-3) right under another such line of
    their column, unless a full line and it are one value cut by a wrap: one cell holds one value, so a
    row begins there (two items' 分值 read as one cell lose a row)."""
    out = []
    for lines in columns:
        right = max((ln.x1 for ln in lines), default=0.0)
        for prev, ln in zip(lines, lines[1:]):
            a, b = prev.text.strip(), ln.text.strip()
            if ln.top - prev.top <= pitch * SETTINGS.blank_line and _VALUE_LINE.fullmatch(a) \
                    and _VALUE_LINE.fullmatch(b):
                size = prev.chars[0]["size"] if prev.chars else pitch
                if right - prev.x1 <= SETTINGS.short_line * size and _VALUE_LINE.fullmatch(a + b):
                    continue  # a full line and the next one value together: 100 cut by a wrap (10 | 0)
                out.append(ln.top)
    return tuple(sorted(out))


def _slots(columns: list[list[_Line]], top: float, end: float, tol: float) -> tuple[float, ...]:
    """The candidate row breaks: the tops of the lines that begin a paragraph (one per line position),
    and the table's bottom. A row may also begin at a line that shows no sign of a new paragraph, where
    cells are centred in their rows and the tallest cell of a row follows one that ended on a full line:
    the top of such a line is a candidate too where no other column prints a line going on there."""
    starts = sorted(ln.top for lines in columns for ln in lines if ln.starts)
    going_on = sorted((ln.top, col) for col, lines in enumerate(columns) for ln in lines if not ln.starts)
    tops = list(starts)
    for y, col in going_on:
        lo = bisect.bisect_left(going_on, (y - tol, -1))
        if all(c == col for t, c in going_on[lo:] if t <= y + tol):
            tops.append(y)
    slots: list[float] = []
    for y in sorted(tops):
        if top + tol < y < end - tol and (not slots or y - slots[-1] > tol):
            slots.append(y)
    slots.append(end)
    return tuple(slots)


def _block_costs(blocks: list[_Block], slot_t: tuple[float, ...], top: float, tol: float, mid_tol: float,
                 centring: bool = True):
    """cost_of(i, mask, s): block i's cost under a layout, memoised on the slots it depends on; and for
    each block the slots whose being still to decide may change its cost; and tables(mine, s): for each
    block of mine, its memo with the slots from s on to decide (a dict by the masked layout), the mask
    of the slots it depends on and its evaluator (for _extend, which looks the costs up inline)."""
    n = len(slot_t)
    evaluators = [_SlotCost(blk, slot_t, top, tol, mid_tol, centring) for blk in blocks]
    # what each block's cost depends on: the slots decided as tops in the blank around it, and those
    # still to decide where it may begin or be centred
    slack = SETTINGS.reach_slack
    decided = []
    for blk in blocks:
        a = bisect.bisect_left(slot_t, min(blk.floor, blk.top) - tol - slack)
        b = bisect.bisect_right(slot_t, max(blk.ceiling, blk.bottom) + tol + mid_tol + slack)
        decided.append((1 << b) - (1 << a) if b > a else 0)
    undecided = [ev.undecided for ev in evaluators]
    memo: dict[tuple[int, int], dict[int, float]] = {}

    def table(i: int, s: int) -> dict[int, float]:
        key = (i, (undecided[i] >> s << s) << 1 | (s < n))
        found = memo.get(key)
        if found is None:
            found = memo[key] = {}
        return found

    def cost_of(i: int, mask: int, s: int) -> float:
        values = table(i, s)
        key = mask & decided[i]
        value = values.get(key)
        if value is None:
            value = values[key] = evaluators[i].cost(mask, s)
        return value

    def tables(mine: list[int], s: int) -> list[tuple[dict[int, float], int, _SlotCost]]:
        return [(table(i, s), decided[i], evaluators[i]) for i in mine]

    return cost_of, undecided, tables


def _break_cost(y: float, after: bool, bottoms: tuple[float, ...], restarts: tuple[float, ...],
                values: tuple[float, ...], columns: list[list[_Line]], tol: float) -> float:
    """What a row break at y costs of itself (after: slots follow it; the last is the table's bottom;
    values: where a value alone stands under another of its column, _value_pairs)."""
    cost = 0.0 if _near(bottoms, y, tol) else SETTINGS.unfilled
    if not after:
        pass  # the table's bottom closes the last row
    elif all(any(abs(ln.top - y) <= tol and ln.starts for ln in lines) for lines in columns):
        cost += SETTINGS.aligned_row
    else:
        cost += SETTINGS.row_cost - (SETTINGS.restart if _near(restarts, y, tol) else 0.0)
    if after and _near(values, y, tol):
        cost += SETTINGS.value_pair
    return cost


def _extend(states: list, k: int, mine: list[int], previous: list[int], after: bool, break_cost: float,
            cost_of, undecided: list[int], tables) -> list:
    """The layouts after deciding slot k (a break or not) for each layout kept, the cheapest SETTINGS.beam kept.

    The costs are cost_of's, looked up in its memo inline (the hot loop of a borderless page); the costs
    of mine after a break depend only on the slots those blocks depend on, so layouts that agree there
    share them."""
    where = {i: p for p, i in enumerate(previous)}
    carried = [where.get(i, -1) for i in mine]
    all_carried = -1 not in carried
    bit = 1 << k
    moved = [p for p, i in enumerate(mine) if undecided[i] >> k & 1] if after else []
    nxt = tables(mine, k + 1)
    shifted = [(p, *nxt[p]) for p in moved]
    reach = 0
    for _, d, _ in nxt:
        reach |= d
    broken: dict[int, tuple[list[float], float]] = {}  # the costs of mine after a break, by the layout's reach
    same = carried == list(range(len(previous)))  # mine are the blocks the slot before touched, in order
    grown: list = []
    grow = grown.append
    known = broken.get
    s = k + 1
    for cost, mask, vals, total in states:
        if same:
            olds, old = vals, total
        else:
            if all_carried:
                olds = [vals[q] for q in carried]
            else:
                olds = [vals[q] if q >= 0 else cost_of(i, mask, k) for i, q in zip(mine, carried)]
            old = sum(olds)
        if after:
            if shifted:
                news = olds[:]
                for p, values, d, ev in shifted:
                    value = values.get(mask & d)
                    if value is None:
                        value = values[mask & d] = ev.cost(mask, s)
                    news[p] = value
                now = sum(news)
            else:  # no cost of mine changes (the list is shared: no layout changes one in place)
                news, now = olds, old
            grow((cost + now - old + 0.0, mask, news, now))
        child = mask | bit
        found = known(child & reach)
        if found is None:
            news = []
            for values, d, ev in nxt:
                key = child & d
                value = values.get(key)
                if value is None:
                    value = values[key] = ev.cost(child, k + 1)
                news.append(value)
            found = broken[child & reach] = (news, sum(news))
        grow((cost + found[1] - old + break_cost, child, found[0], found[1]))
    grown.sort(key=_first)
    return grown[:SETTINGS.beam]


_first = operator.itemgetter(0)


def _clean_break(y: float, columns: list[list[_Line]], pitch: float, tol: float) -> bool:
    """No line stands across y, and every column whose text runs on across it begins a paragraph there."""
    for lines in columns:
        if any(ln.top < y - tol < y + tol < ln.top + pitch for ln in lines):
            return False
        at = next((ln for ln in lines if abs(ln.top - y) <= tol), None)
        if at is not None and not at.starts and any(ln.top < y - tol for ln in lines):
            return False
    return True


def _tiling_breaks(blocks: list[_Block], tops: list[float], columns: list[list[_Line]],
                   pitch: float) -> list[float]:
    """The row tops with the breaks that only a column of merged cells shows added: of two centred cells
    one under the other in a column, the upper one's rows reach down to where the lower one's begin (and
    the lower one's up to where the upper one's end), so where the upper one stands in the middle of the
    rows from a line down to there, and every column begins a paragraph at that line, a row begins."""
    tol, mid_tol = pitch * SETTINGS.same_place, pitch * SETTINGS.same_middle
    bounds = tuple(tops)
    centred: dict[int, list[tuple[_Block, list[tuple[int, int]]]]] = {}
    for blk in blocks:
        spans = _centred_spans(blk, bounds, tol, mid_tol)
        if spans and _top_cost(blk, bounds, tol) > 0:
            centred.setdefault(blk.col, []).append((blk, spans))
    wanted = []
    for mine in centred.values():
        for (upper, up_spans), (lower, low_spans) in zip(mine, mine[1:]):
            if {b for _, b in up_spans} & {a for a, _ in low_spans}:
                continue
            wanted += [y for a, _ in low_spans
                       if upper.floor - tol <= (y := 2 * upper.mid - bounds[a]) < upper.top - tol]
            wanted += [y for _, b in up_spans
                       if lower.bottom + tol < (y := 2 * lower.mid - bounds[b]) <= lower.ceiling + tol]
    extra = set()
    for y in wanted:
        line = next((ln for lines in columns for ln in lines if abs(ln.top - y) <= mid_tol), None)
        if line is not None and not _near(bounds, line.top, tol) and _clean_break(line.top, columns, pitch, tol):
            extra.add(line.top)
    return sorted(set(tops) | extra)


def _place(blocks: list[_Block], tops: list[float], pitch: float,
           fresh: bool) -> list[tuple[int, int, int, list[_Line]]]:
    """Cells as (column, first row, rows spanned, lines): a block at a row's top is cut at the row breaks
    into one cell a row; a block centred over rows is one cell spanning them (where several runs of rows
    fit, the one that meets the cells above and below it in its column, else the shortest). In a column
    of merged cells, rows that lie between two cells and that no cell's text stands over are an empty
    merged cell (a label left blank)."""
    bounds = tuple(tops)
    out = []
    by_col: dict[int, list[_Block]] = {}
    for blk in blocks:
        by_col.setdefault(blk.col, []).append(blk)
    tol = pitch * SETTINGS.same_place
    top_aligned = _top_aligned(blocks, tops, pitch)
    for mine in by_col.values():
        merged = _top_merged(mine, bounds, tol) if top_aligned else None
        out.extend(merged if merged is not None else _place_column(mine, blocks, bounds, pitch, fresh, not top_aligned))
    return out


def _top_aligned(blocks: list[_Block], tops: list[float], pitch: float) -> bool:
    """The table prints its cells at the tops of their rows: SETTINGS.top_share of its blocks (and
    SETTINGS.top_blocks at least) begin at a row's top."""
    tol = pitch * SETTINGS.same_place
    bounds = tuple(tops)
    at_tops = sum(1 for blk in blocks if _near(bounds, blk.top, tol))
    return len(blocks) >= SETTINGS.top_blocks and at_tops >= SETTINGS.top_share * len(blocks)


def _top_merged(mine: list[_Block], bounds: tuple[float, ...],
                tol: float) -> list[tuple[int, int, int, list[_Line]]] | None:
    """In a table whose cells are printed at the tops of their rows (SETTINGS.top_share of its blocks begin
    at a row's top), a column of merged cells: its cells begin where a paragraph begins (or a sentence
    has ended) at a row's top, and
    each spans the rows down to the next (a label printed at the top of its merged cell, the rows below
    it blank in its column). None where the column keeps a cell a row, or a cell begins off a row's top."""
    starts: list[tuple[int, list[_Line]]] = []
    for blk in mine:
        for k, ln in enumerate(blk.lines):
            near = _near(bounds, ln.top, tol)
            if k == 0 and not near:
                return None
            if k == 0 or near and (ln.starts or blk.lines[k - 1].text.endswith(_STOPS)):
                starts.append((bisect.bisect_left(bounds, ln.top - tol), [ln]))
            else:
                starts[-1][1].append(ln)
    rows = len(bounds) - 1
    if not starts or rows - len(starts) < len(starts):
        return None  # most rows begin a cell of their own: no column of merged cells
    out = []
    for (r, lines), nxt in zip(starts, [s[0] for s in starts[1:]] + [rows]):
        out.append((mine[0].col, r, max(1, nxt - r), lines))
    return out


def _place_column(mine: list[_Block], blocks: list[_Block], bounds: tuple[float, ...], pitch: float,
                  fresh: bool, centring: bool = True) -> list[tuple[int, int, int, list[_Line]]]:
    """The cells of one column's blocks (see _place)."""
    tol, mid_tol = pitch * SETTINGS.same_place, pitch * SETTINGS.same_middle
    out = []
    pieces = [_pieces(blk, bounds, tol) for blk in mine]
    # read at the tops of rows: a block whose breaks fall between paragraphs, and the last block of
    # the column when it starts at a row's top (a merged cell the page break cut is printed at the
    # top of its part, its text running on across the rows below)
    spans = [_centred_spans(blk, bounds, tol, mid_tol) for blk in mine]
    # cells one under the other, each filling its row, in a column of cells a row (SETTINGS.row_cells
    # blocks at least keep to one row, and none stands in the middle of several rows only)
    fills = centring and sum(1 for p in pieces if len(p) == 1) >= SETTINGS.row_cells and not any(
        opts and all(b - a > 1 for a, b in opts) and _top_cost(blk, bounds, tol) for blk, opts in zip(mine, spans))
    stacked = [_stacked(blk, bounds, tol) or fills and _fills_rows(pieces[k], bounds, pitch, tol)
               for k, blk in enumerate(mine)]
    at_top = [_top_cost(blk, bounds, tol) == 0 or stacked[k]
              or blk is mine[-1] and _near(bounds, blk.top, tol) and abs(blk.ceiling - bounds[-1]) <= tol
              for k, blk in enumerate(mine)]
    # a column of merged cells: more of its blocks stand in the middle of several rows than at a
    # row's top
    merged = sum(1 for t, opts in zip(at_top, spans) if not t and opts and all(b - a > 1 for a, b in opts))
    centred = merged > sum(1 for t, opts in zip(at_top, spans) if t and not opts)
    own = [(min(rows), max(rows) + 1) for rows in pieces]
    options = _span_options(mine, blocks, bounds, pitch, fresh, pieces, at_top, spans, own, centred)
    chosen = _abutting(options)
    for k, span in enumerate(chosen):
        if span != own[k] if at_top[k] else bool(spans[k]):
            out.append((mine[k].col, span[0], span[1] - span[0], mine[k].lines))
        else:
            out.extend(_cells_of(mine[k], pieces[k], cut=stacked[k]))
        if centred and k and chosen[k - 1][1] < span[0]:
            out.append((mine[k].col, chosen[k - 1][1], span[0] - chosen[k - 1][1], []))
    return out


def _stacked(blk: _Block, bounds: tuple[float, ...], tol: float) -> bool:
    """The block is cells of several rows printed one under the other: it starts at a row's top, every
    row break inside it falls at the top of one of its lines, and most of them (SETTINGS.stacked_ratio
    times the others, SETTINGS.stacked_starts at least) where a paragraph begins, or each where a
    paragraph begins or after a sentence's end: the other cells of a row may end on a full line, with no
    sign of a new paragraph (a label merged over two rows, with the next label printed on under it, has
    one break of each kind)."""
    if not _near(bounds, blk.top, tol):
        return False
    lo, hi = bisect.bisect_right(bounds, blk.top + tol), bisect.bisect_left(bounds, blk.bottom - tol)
    inside = bounds[lo:hi]
    if not all(any(abs(r - ln.top) <= tol for ln in blk.lines) for r in inside):
        return False
    starts = sum(1 for r in inside if any(abs(r - k) <= tol for k in blk.breaks))
    if starts >= SETTINGS.stacked_starts and starts >= SETTINGS.stacked_ratio * (len(inside) - starts):
        return True
    # or every row break inside it begins a paragraph or follows a sentence's end (。 at a line's end)
    ends = [ln.top for prev, ln in zip(blk.lines, blk.lines[1:]) if prev.text.endswith(_STOPS)]
    return all(any(abs(r - k) <= tol for k in [*blk.breaks, *ends]) for r in inside)


def _fills_rows(pieces: dict[int, list[_Line]], bounds: tuple[float, ...], pitch: float, tol: float) -> bool:
    """In a table that centres its cells, a block over several rows whose part in each fills that row
    from its top to its bottom is cells one under the other, each the tallest of its row (a merged cell's
    text centred over rows whose heights its neighbours set fills them only by chance)."""
    return len(pieces) > 1 and all(abs(lines[0].top - bounds[r]) <= tol
                                   and abs(lines[-1].top + pitch - bounds[r + 1]) <= tol
                                   for r, lines in pieces.items())


def _span_options(mine: list[_Block], blocks: list[_Block], bounds: tuple[float, ...], pitch: float,
                  fresh: bool, pieces: list[dict[int, list[_Line]]], at_top: list[bool],
                  spans: list[list[tuple[int, int]]], own: list[tuple[int, int]],
                  centred: bool) -> list[list[tuple[int, int]]]:
    """For each block of a column, the runs of rows it may take: one read at the tops of rows keeps to
    its own rows (which the spans beside it may meet), or stands in the middle of wider ones."""
    tol = pitch * SETTINGS.same_place
    # the column shows itself one of merged cells: a block stands in the middle of several rows only, or
    # its first cell, in a table that begins here, is centred over rows from the first one with rows
    # above it that no text of its column stands in (read at its row's top, they would have no label)
    first = [s for s in spans[0] if s[0] == 0 and s[1] > 1] if (
        fresh and at_top[0] and own[0][0] > 0 and len(pieces[0]) == 1) else []
    merged = centred or bool(first) or any(not t and opts and all(b - a > 1 for a, b in opts)
                                           for t, opts in zip(at_top, spans))
    # elsewhere a block centred in its own row keeps to it, not to the wider runs of rows it also stands
    # in the middle of with the rows above it as tall as those below (a cell centred in its row looks
    # the same)
    options = [[own[k]] + _wider_spans(blk, spans[k], blocks, bounds, pitch, centred) if at_top[k]
               else (spans[k] if merged else _unmirrored(spans[k], bounds, tol)) or [own[k]]
               for k, blk in enumerate(mine)]
    for k, blk in enumerate(mine):
        if at_top[k] and len(pieces[k]) == 1 and (k or fresh) and k < len(mine) - 1:
            # wider rows that meet the cells above (or the table's first row) and below it: a column
            # of merged cells tiles
            above = [o[1] for o in spans[k - 1] + [own[k - 1]]] if k else [0]
            below = [o[0] for o in spans[k + 1] + [own[k + 1]]]
            options[k] += [s for s in spans[k] if s not in options[k] and bounds[s[0]] < blk.top - tol
                           and s[0] in above and s[1] in below
                           and (merged or not _mirrored(bounds, s[0], s[1], own[k][0], tol))]
        elif not k and first:
            # the column's only cell: a label centred over rows from the table's first one whose middle
            # happens to fall on a row's top
            options[k] = [s for s in first if s[1] == len(bounds) - 1] or options[k]
    return options


def _pieces(blk: _Block, tops: tuple[float, ...], tol: float) -> dict[int, list[_Line]]:
    """The block's lines by the row they stand in."""
    rows: dict[int, list[_Line]] = {}
    for ln in blk.lines:
        rows.setdefault(min(max(0, bisect.bisect_right(tops, ln.top + tol) - 1), len(tops) - 2), []).append(ln)
    return rows


def _cells_of(blk: _Block, rows: dict[int, list[_Line]], cut: bool = False) -> list[tuple[int, int, int, list[_Line]]]:
    """The cells of a block read at the tops of rows: one a row, except that a paragraph running on
    across a row break keeps its lines in one cell spanning those rows (a merged cell printed at its
    top, such as a label the page break cut), unless cut (the block is _stacked cells)."""
    out: list[tuple[int, int, int, list[_Line]]] = []
    for r in sorted(rows):
        lines = rows[r]
        if out and not lines[0].starts and not cut:
            _, first, _, upper = out[-1]
            out[-1] = (blk.col, first, r - first + 1, upper + lines)
        else:
            out.append((blk.col, r, 1, lines))
    return out


def _wider_spans(blk: _Block, spans: list[tuple[int, int]], blocks: list[_Block], tops: tuple[float, ...],
                 pitch: float, centred_column: bool) -> list[tuple[int, int]]:
    """For a block at a row's top: the wider runs of rows (among its centred spans) it stands in the
    middle of instead. In a column of merged cells, any; elsewhere only when it ends at its row's bottom
    as a block of another column does (one that ends above it is printed at the top; a row that only it
    fills is its own), and not when the rows above its own mirror those below (a cell centred in its own
    row looks the same). Never for the last block of its column, which may be a merged cell the page
    break cut (printed at the top of its part)."""
    tol = pitch * SETTINGS.same_place
    r = bisect.bisect_left(tops, blk.top - tol)
    if r + 1 >= len(tops):
        return []
    fills = abs(tops[r + 1] - blk.bottom) <= tol and any(
        o.col != blk.col and o.top <= tops[r] + tol and o.bottom >= tops[r + 1] - tol for o in blocks)
    if not (centred_column or fills):
        return []
    # the last block of its column may be a merged cell the page break cut, whose text is printed at
    # the top of its part on this page
    if abs(blk.ceiling - tops[-1]) <= tol:
        return []
    return [(a, b) for a, b in spans
            if tops[a] < blk.top - tol and (centred_column or not _mirrored(tops, a, b, r, tol))]


def _unmirrored(spans: list[tuple[int, int]], tops: tuple[float, ...], tol: float) -> list[tuple[int, int]]:
    """The spans but those that stand around the one row of another as the rows above it mirror those
    below (_mirrored)."""
    one = [s for s in spans if s[1] - s[0] == 1]
    if not one:
        return spans
    return [s for s in spans if s == one[0] or not _mirrored(tops, s[0], s[1], one[0][0], tol)]


def _mirrored(tops: tuple[float, ...], a: int, b: int, r: int, tol: float) -> bool:
    """Row r stands in the middle of the rows a to b, the rows above it as tall as those below."""
    if r - a != b - 1 - r:
        return False
    return all(abs((tops[r - i + 1] - tops[r - i]) - (tops[r + i + 1] - tops[r + i])) <= tol
               for i in range(1, r - a + 1))


def _abutting(options: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """One of its runs of rows for each block of a column, top-down: runs that meet the run of the block
    above as often as they can, then as short as they can."""
    best: dict[tuple[int, int] | None, tuple[int, int, list]] = {None: (0, 0, [])}
    for opts in options:
        best = {span: max(((meets + (1 if prev and prev[1] == span[0] else 0), length - (span[1] - span[0]),
                            path + [span]) for prev, (meets, length, path) in best.items()), key=lambda c: c[:2])
                for span in opts}
    return max(best.values(), key=lambda c: c[:2])[2]


@dataclass
class _Frame:
    """What the pages read so far show of the text: the body type's line height."""

    body: float | None = None


def _paragraphs(page: PageForm, chars: _Chars, number: int, grids: list[_Grid], name: str,
                frame: _Frame | None = None) \
        -> tuple[list[tuple[float, Paragraph]], list[tuple[float, Paragraph]]]:
    """Text lines outside the tables, joined into paragraphs; and the short lines in the margins, one
    paragraph each (running headers and page numbers, unless _running_lines finds them content). frame:
    what the pages read so far show of the text (brought up to date)."""
    out: list[tuple[float, Paragraph]] = []
    body, margin = _body_lines(_lines_outside(chars, grids), page.height)
    in_margin = [_paragraph([ln], number, name) for ln in margin]
    if not body:
        return out, in_margin
    left = min(ln["x0"] for ln in body)
    right = max(ln["x1"] for ln in body)
    # the body type: the page's usual char height, tables included (a page with only a title and a
    # table prints most of its lines outside the table in the title's type), or less on the pages before
    body_height = statistics.median(c["bottom"] - c["top"] for c in chars.all)
    if frame is not None:
        body_height = frame.body = min(frame.body or body_height, body_height)
    gap = _paragraph_gap(body)
    current: list[dict] = []
    for ln in body:
        if current and _begins_paragraph(current[-1], ln, left, right, gap, body_height):
            out.append(_paragraph(current, number, name))
            current = []
        current.append(ln)
    if current:
        out.append(_paragraph(current, number, name))
    return out, in_margin


def _lines_outside(chars: _Chars, grids: list[_Grid]) -> list[dict]:
    """The printed lines of the page's chars outside every table, as text and bbox."""
    slack = SETTINGS.table_slack
    # each table's bbox, the same widened by the slack, and its cells' boxes
    tables = [(g.bbox, (g.bbox[0] - slack, g.bbox[1] - slack, g.bbox[2] + slack, g.bbox[3] + slack),
               [cell.bbox for cell in g.cells]) for g in grids]

    def outside(c) -> bool:
        """Not within a table's bbox, nor taken by one of its cells (whose centre lies in the cell:
        a 。 that sticks out past the table's edge is the cell's, not a paragraph of its own)."""
        cx0, cx1, ctop, cbottom = c["x0"], c["x1"], c["top"], c["bottom"]
        for (x0, top, x1, bottom), (wx0, wtop, wx1, wbottom), cells in tables:
            if cx0 >= wx0 and cx1 <= wx1 and ctop >= wtop and cbottom <= wbottom:
                return False
            cx, cy = (cx0 + cx1) / 2, (ctop + cbottom) / 2
            if x0 <= cx <= x1 and top <= cy <= bottom and any(
                    b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in cells):
                return False
        return True

    lines = []
    for line in _char_lines([c for c in chars.all if outside(c)] if tables else list(chars.all)):
        text = _chars_text(line).rstrip()
        lines.append({"text": text, "x0": min(c["x0"] for c in line), "x1": max(c["x1"] for c in line),
                      "top": min(c["top"] for c in line), "bottom": max(c["bottom"] for c in line)})
    return lines


def _body_lines(lines: list[dict], height: float) -> tuple[list[dict], list[dict]]:
    """The lines that print text, and apart from them the short ones in the margins (SETTINGS.margin,
    SETTINGS.margin_text: where running headers and page numbers stand)."""
    margin, short = SETTINGS.margin, SETTINGS.margin_text
    body: list[dict] = []
    outer: list[dict] = []
    for ln in lines:
        if ln["text"].strip():
            in_margin = (ln["top"] < margin or ln["bottom"] > height - margin) and len(ln["text"].strip()) <= short
            (outer if in_margin else body).append(ln)
    return body, outer


# a page number as printed in a margin: 3, - 3 -, — 3 —, 第3页, 第3页 共8页, 3/8, Page 3
_PAGE_NUMBER = re.compile(r"[-－—–~·\s]*(?:(?:第\s*)?\d{1,4}\s*页?(?:\s*[,，/／]?\s*共?\s*\d{1,4}\s*页?)?"
                          r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)[-－—–~·\s]*", re.IGNORECASE)


def _running_lines(margin: list[tuple[int, Paragraph]]) -> set[int]:
    """Of the short lines in the pages' margins (page, paragraph), the running headers and page numbers
    (by id): a page number, or a text printed in the margins of two pages or more, the same but for a
    number that goes with the page's (第3页, 第4页). Any other is the page's own text: a redhead or a
    heading at a small page's top (the notice lost its issuer), 附件1 and 附件4 on the pages they begin."""
    def key(number: int, p: Paragraph) -> tuple[str, int]:
        text = "".join(p.text.split())
        numbers = re.findall(r"[0-9０-９]+", text)
        return re.sub(r"[0-9０-９]+", "#", text), (int(numbers[-1]) - number if numbers else 0)

    pages: dict[tuple[str, int], set[int]] = {}
    for number, p in margin:
        pages.setdefault(key(number, p), set()).add(number)
    return {id(p) for number, p in margin
            if _PAGE_NUMBER.fullmatch(p.text.strip()) or len(pages[key(number, p)]) >= 2}


def _paragraph_gap(lines: list[dict]) -> float:
    """The blank (in line heights) above which a line begins a paragraph on this page: SETTINGS.para_gap,
    or more where the page sets its lines wider apart (the median blank between consecutive lines, as a
    share of their height, times SETTINGS.para_spacing): at 1.8 lines a line's blank is 0.8 of its height."""
    st = SETTINGS
    ratios = sorted((b["top"] - a["bottom"]) / h for a, b in zip(lines, lines[1:])
                    if (h := a["bottom"] - a["top"]) > 0 and b["top"] > a["bottom"])
    if not ratios:
        return st.para_gap
    usual = ratios[len(ratios) // 2]
    return max(st.para_gap, min(usual, st.para_spacing_max) * st.para_spacing)


def _begins_paragraph(prev: dict, ln: dict, left: float, right: float, gap: float, body: float) -> bool:
    """Line ln begins a new paragraph after prev: a blank above it (over gap line heights), an indent,
    prev ending short, or type of another size (a heading under a title in larger type, on a page whose
    other lines all stand as far in) (body: the height of the page's body lines)."""
    st = SETTINGS
    height = prev["bottom"] - prev["top"]
    new = (ln["top"] - prev["bottom"] > height * gap or ln["x0"] > left + height * st.para_indent
           or prev["x1"] < right - height * st.para_short
           or abs((ln["bottom"] - ln["top"]) - height) > st.same_height)
    middle = (left + right) / 2
    centred = (abs((ln["x0"] + ln["x1"]) / 2 - middle) < height and ln["x0"] > left + height * st.centred_inset
               and ln["x1"] < right - height * st.centred_inset
               and abs((prev["x0"] + prev["x1"]) / 2 - middle) < height
               and abs((ln["bottom"] - ln["top"]) - height) < st.same_height
               # a full line in body type is centred too: under it a centred heading begins
               and (height > body + st.same_height or prev["x0"] > left + height * st.centred_inset
                    and prev["x1"] < right - height * st.centred_inset))
    if new and centred and ln["top"] - prev["bottom"] <= height * gap:
        new = False  # a centred heading in large type wraps onto a second, shorter centred line
    return new


def _paragraph(lines: list[dict], number: int, name: str) -> tuple[float, Paragraph]:
    """One paragraph of lines, with its top (for reading order) and where it stands."""
    text = "\n".join(ln["text"] for ln in lines)
    bbox = (min(ln["x0"] for ln in lines), lines[0]["top"], max(ln["x1"] for ln in lines), lines[-1]["bottom"])
    src = Source(file=name, pages=[number], regions=[Region(page=number, bbox=bbox)])
    return lines[0]["top"], Paragraph(text=text, source=src)


def text_in_region(data: bytes, page: int, bbox: tuple[float, float, float, float]) -> str:
    """The text printed inside bbox on a page (1-based) of a PDF, read by the engine in SETTINGS."""
    from . import max_bytes

    with budget(len(data), max_bytes()):
        pdf = _open(data)
        try:
            with _Reader(pdf, data, SETTINGS.engine) as reader:
                return _text(_Chars(reader.page(page).chars), bbox)
        finally:
            pdf.close()


def region_text(chars: list[dict], bbox: tuple[float, float, float, float]) -> str:
    """The text of a page's chars (another reader's page form) inside bbox, as text_in_region reads a PDF's."""
    return _text(_Chars(chars), bbox)


_PDFIUM_LOCK = threading.RLock()  # pdfium is not thread-safe: one call into it at a time in a process


# Kangxi radicals and CJK radical supplements that stand for an ideograph: a font may map a glyph to the
# radical (⽇ for 日, ⺠ for 民: Chromium's PDFs with Noto CJK), pdfium gives the ideograph; the reference
# engine's text is mapped so. A Kangxi radical's ideograph is its compatibility form; the supplements
# (U+2E80–2EFF) have none, theirs are from Unicode 15.0's EquivalentUnifiedIdeograph.txt
_SUPPLEMENTS = (("⺁⺂⺃⺄⺅⺆⺇⺈⺉⺊⺋⺌⺍⺎⺏⺐⺑⺒⺓⺔⺕⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩"
                  "⺪⺫⺬⺭⺮⺯⺰⺱⺲⺳⺴⺵⺶⺷⺸⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻇⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑"
                  "⻒⻓⻔⻕⻖⻗⻘⻙⻚⻛⻜⻝⻞⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳"),
                ("厂乛乚乙亻冂𠘨刀刂卜㔾小小兀尣尢𡯂巳幺彑𫜹忄心扌攵旡日月歺母民氵氺灬爫爫丬牛犭王"
                  "𤴔目示礻𥫗糹纟罓罒㓁冗𦉫羊𦍌𦍋耂肀聿肉𦥑艹艹艹虎衤覀西见角𧢲讠贝𧾷车辶辶辶邑钅長"
                  "镸长门𨸏阝雨青韦页风飞食𩙿飠饣𩠐马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟"))
RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FE0)
            if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)}
RADICALS.update(zip(map(ord, _SUPPLEMENTS[0]), _SUPPLEMENTS[1], strict=True))


class _Reader:
    """The pages of an opened PDF in the reader's page form, read by one engine, each closed once read."""

    def __init__(self, pdf, data: bytes, engine: str) -> None:
        self.pdf = pdf
        self.engine = engine
        self.doc = None
        self.pdfium = None
        if engine == "pdfium":
            from .pdfium import PdfiumPages, open_document

            with _PDFIUM_LOCK:
                self.doc = open_document(data)
            if self.doc is not None and len(self.doc) == len(pdf.pages):
                self.pdfium = PdfiumPages(pdf, self.doc)
            # else pdfium cannot read what pdfminer can: the reference engine reads the file

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc) -> None:
        if self.doc is not None:
            with _PDFIUM_LOCK:
                self.doc.close()
            self.doc = None

    def page(self, number: int) -> PageForm:
        """Page ``number`` (1-based)."""
        page = self.pdf.pages[number - 1]
        if self.pdfium is not None:
            from .pdfium import LostGlyphs

            _count_streams(page.page_obj.contents)
            try:
                with _PDFIUM_LOCK:
                    chars, edges = self.pdfium.page(number - 1)
            except LostGlyphs:
                chars, edges = self._reference(page)
        else:
            chars, edges = self._reference(page)
        return PageForm(number, page.height, tuple(page.bbox), chars, edges)

    def _reference(self, page) -> tuple[list[dict], list[dict]]:
        """The page's chars and edges as the reference engine (pdfplumber) reads them; the page closed."""
        chars = _page_chars(page)
        edges = page.edges
        page.close()
        chars = [c if type(c.get("fontname")) is str and "+" not in c["fontname"]
                 else {**c, "fontname": untagged(c.get("fontname"))} for c in chars]
        for c in chars:
            if "\u2e80" <= c["text"] <= "\u2fdf":
                c["text"] = c["text"].translate(RADICALS)
        return chars, edges


def _count_streams(streams) -> None:
    """Decode a page's content streams through the inflate budget (extract/bounds.py), as pdfminer reads
    them in the reference engine, before pdfium decodes them on its own (the result is not kept)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    for ref in streams or ():
        stream = resolve1(ref)
        if isinstance(stream, PDFStream) and stream.data is None:
            copy.copy(stream).get_data()


class _BoundedZlib:
    """What pdfminer's stream decoder sees as ``zlib``: ``decompress`` bounded by the file's inflate budget."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)

    @staticmethod
    def decompress(data: bytes, *_args) -> bytes:
        return bounded_inflate(data)


def _bound_pdfminer() -> None:
    """Make every pdfminer stream decode count against the inflate budget (extract/bounds.py).

    Flate streams are inflated as a bounded stream (refused once the budget is spent, never inflated
    whole first); the other filters (LZW, run-length) are counted once decoded.
    """
    from pdfminer import pdftypes

    if getattr(pdftypes, "_zhibiao_bounded", False):
        return
    pdftypes.zlib = _BoundedZlib  # type: ignore[assignment]
    pdftypes.decompress_corrupted = lambda data: bounded_inflate(data, corrupt_ok=True)
    decode = pdftypes.PDFStream.decode

    def counted_decode(self) -> None:
        raw = self.rawdata or b""
        decode(self)
        filters = [f for f, _ in self.get_filters()]
        if self.data is not None and any(f not in pdftypes.LITERALS_FLATE_DECODE for f in filters):
            current(len(raw)).take(len(self.data), f"a PDF stream (object {self.objid})")

    pdftypes.PDFStream.decode = counted_decode  # type: ignore[method-assign]
    pdftypes._zhibiao_bounded = True  # type: ignore[attr-defined]


def _own_error(exc: BaseException) -> ZhibiaoError | None:
    """A zhibiao error raised inside pdfminer (the inflate budget), however pdfplumber wrapped it."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ZhibiaoError):
            return e
        todo.extend([*e.args, e.__cause__, e.__context__])
    return None


def _reason(exc: BaseException) -> str:
    """What is wrong with a PDF pdfminer failed on, in zhibiao's words (never pdfminer's own message)."""
    from pdfminer.pdfdocument import PDFNoValidXRef
    from pdfminer.pdfexceptions import PDFEOFError, PDFException, PDFNotImplementedError, PDFObjectNotFound
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSEOF

    causes = [exc, *[a for a in exc.args if isinstance(a, BaseException)], exc.__cause__, exc.__context__]
    for c in causes:
        if isinstance(c, PDFNoValidXRef) or isinstance(c, PDFSyntaxError) and "/Root" in str(c):
            return "its cross-reference table or document catalogue is damaged: no page can be found"
        if isinstance(c, (PDFEOFError, PSEOF, EOFError)):
            return "it is truncated (the file ends inside an object)"
        if isinstance(c, PDFSyntaxError):
            return "its structure is damaged (a PDF syntax error)"
        if isinstance(c, PDFObjectNotFound):
            return "an object the document refers to is missing"
        if isinstance(c, PDFNotImplementedError):
            return "it uses a PDF feature zhibiao cannot read (an unsupported stream filter)"
        if isinstance(c, zlib.error):
            return "a compressed stream in it is damaged"
        if isinstance(c, PDFException):
            return f"its objects cannot be read ({type(c).__name__})"
    return f"it cannot be parsed ({type(exc).__name__})"


def _open(data: bytes):
    """The PDF opened with pdfplumber, its failures told apart as an encrypted or a corrupt file."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    _bound_pdfminer()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages  # forces the page tree to be read
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise EncryptedPDF(None) from None
    except Exception as exc:  # pdfplumber wraps pdfminer's many error types for damaged files
        own = _own_error(exc)
        if own is not None:
            raise own from None
        causes = [exc, *exc.args, exc.__context__]
        if any(isinstance(c, (PDFPasswordIncorrect, PDFEncryptionError)) for c in causes):
            raise EncryptedPDF(None) from None
        raise CorruptFile(None, _reason(exc)) from None
    if not pages:
        pdf.close()
        raise CorruptFile(None, "no page can be found: its page tree or cross-reference table is damaged")
    return pdf


def _page_ranges(numbers: list[int]) -> str:
    """Page numbers as ranges (1-3, 5)."""
    parts: list[str] = []
    start: int | None = None
    prev: int | None = None  # set with start
    for n in [*numbers, None]:
        if start is None:
            start = prev = n
        elif n is not None and prev is not None and n == prev + 1:
            prev = n
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = n
    return ", ".join(parts)


def read_pdf(data: bytes, name: str, sha256: str) -> Layout:
    """Read a PDF: tables (joined across pages, repeated header rows dropped) and paragraphs, in order."""
    pdf = _open(data)
    try:
        try:
            count = len(pdf.pages)
            from .ocr import PdfPages, annotate

            with _Reader(pdf, data, SETTINGS.engine) as reader:
                # pages without a text layer, or with a garbled one, are read by OCR (extract/ocr.py)
                pages = PdfPages(data, count, name, reader.page)
                try:
                    # the fast engine's pages make records by the thousand and no reference cycle: the cyclic
                    # collector is paused while they are read and laid out (the reference engine's pdfminer
                    # objects may hold cycles: collected as usual)
                    with no_cycle_collection() if reader.pdfium is not None else contextlib.nullcontext():
                        blocks, empty = page_blocks(pages.page, count, name, _page_error)
                finally:
                    pages.close()
        except ZhibiaoError:
            raise
        except Exception as exc:
            raise _page_error(0, exc) from None
        if len(empty) == count:
            raise pages.refusal(empty)
        annotate(blocks, pages.chars)
        notes = [reader_note("pdf_no_text_layer", pages=_page_ranges(empty))] if empty else []
        notes += pages.notes()
        return Layout(file=name, sha256=sha256, format="pdf", pages=count, notes=notes, blocks=blocks,
                      ocr_pages=sorted(pages.scanned + pages.garbled))
    finally:
        pdf.close()


def _page_error(number: int, exc: Exception) -> ZhibiaoError:
    """What a failure while page ``number`` of a PDF was read is, in zhibiao's words."""
    own = _own_error(exc)
    if own is not None:
        return own
    return CorruptFile(None, f"page {number}: its content cannot be read: {_reason(exc)}")


def page_blocks(page: Callable[[int], PageForm], count: int, name: str,
                on_error: Callable[[int, Exception], ZhibiaoError]) -> tuple[list, list[int]]:
    """The blocks of pages 1..count in reading order (tables joined across pages), and the pages without text.

    ``page(number)`` gives a page's form (a PDF engine's, or another reader's with the same coordinates:
    extract/ofd.py); a failure on a page is raised as ``on_error(number, exc)``. This is the one path from
    chars and ruling lines to a layout, whatever format printed them.
    """
    placed: list[tuple[int, float, object]] = []
    margin: list[tuple[int, float, Paragraph]] = []  # the short lines in the margins, decided at the end
    frame = _Frame()  # what the pages read so far show of the text
    empty: list[int] = []
    open_xs = None  # the column edges of a borderless table that runs to the bottom of the page before

    def load(number: int) -> PageForm:
        try:
            return page(number)
        except ZhibiaoError:
            raise
        except Exception as exc:
            raise on_error(number, exc) from None

    # a page is read with the next one at hand: a box printed at the same place on both is laid over them
    # (each page's small boxes are found once: for its own overlays and for the pages beside it)
    ahead = load(1) if count else None
    found_ahead = _boxes(ahead) if ahead is not None else []
    boxes_ahead = text_boxes(ahead, found_ahead)
    boxes_before: list = []
    for number in range(1, count + 1):
        form, boxes, found = ahead, boxes_ahead, found_ahead
        assert form is not None
        ahead = load(number + 1) if number < count else None
        found_ahead = _boxes(ahead) if ahead is not None else []
        boxes_ahead = text_boxes(ahead, found_ahead)
        try:
            read = _read_page(form, number, name, open_xs, frame, boxes_before + boxes_ahead, found)
        except ZhibiaoError:
            raise
        except Exception as exc:
            raise on_error(number, exc) from None
        boxes_before = boxes
        if read is None:
            empty.append(number)
            open_xs = None
            continue
        grids, paragraphs, in_margin = read
        for g in grids:
            placed.append((number, g.bbox[1], g))
        for top, para in paragraphs:
            placed.append((number, top, para))
        margin.extend((number, top, para) for top, para in in_margin)
        open_xs = _open_columns(grids, paragraphs)
    running = _running_lines([(number, para) for number, _, para in margin])
    placed.extend(item for item in margin if id(item[2]) not in running)
    placed.sort(key=lambda t: (t[0], t[1]))
    return _join_tables([item for _, _, item in placed], name), empty


def _read_page(page: PageForm, number: int, name: str, open_xs: list[float] | None,
               frame: _Frame | None = None, beside: list | None = None, boxes: list | None = None) \
        -> tuple[list[_Grid], list[tuple[float, Paragraph]], list[tuple[float, Paragraph]]] | None:
    """A page's tables (ruled, else borderless), paragraphs and short lines in the margins; None for a
    page without a text layer (boxes: its _boxes, where found already)."""
    page = _without_overlays(page, beside or [], boxes)
    chars = _Chars(page.chars)
    if not any(not c["text"].isspace() for c in chars.all):
        return None
    page = _clear_of_text(page, chars.all)
    grids = _ruled_tables(page, number, chars)
    if not grids:
        grids = _borderless_tables(chars, number, _within_margins(chars.all, page.height), open_xs)
    return grids, *_paragraphs(page, chars, number, grids, name, frame)


def _clear_of_text(page: PageForm, chars: list[dict]) -> PageForm:
    """The page without the edges that run through the middle of SETTINGS.cut_glyphs glyphs or more (of
    a text layer's, whose boxes are measured): a cell's border never cuts its text, the edge of a
    background fill that text runs across (a web page's container printed narrower than its text) or a
    line struck through text is no rule."""
    chars = [c for c in chars if "confidence" not in c]  # a box OCR estimated may reach over a rule
    if not page.edges or not chars:
        return page
    inset = SETTINGS.cut_inset
    by_x = sorted(chars, key=lambda c: c["x0"])
    x0s = [c["x0"] for c in by_x]
    by_top = sorted(chars, key=lambda c: c["top"])
    tops = [c["top"] for c in by_top]
    wide = max(c["x1"] - c["x0"] for c in chars)
    tall = max(c["bottom"] - c["top"] for c in chars)

    def cuts(e: dict) -> bool:
        n = 0
        if e["orientation"] == "v":
            x = e["x0"]
            for c in by_x[bisect.bisect_left(x0s, x - wide):bisect.bisect_right(x0s, x)]:
                pad = (c["x1"] - c["x0"]) * inset
                if c["x0"] + pad < x < c["x1"] - pad and e["top"] <= (c["top"] + c["bottom"]) / 2 <= e["bottom"]:
                    n += 1
        else:
            y = e["top"]
            for c in by_top[bisect.bisect_left(tops, y - tall):bisect.bisect_right(tops, y)]:
                pad = (c["bottom"] - c["top"]) * inset
                if c["top"] + pad < y < c["bottom"] - pad and e["x0"] <= (c["x0"] + c["x1"]) / 2 <= e["x1"]:
                    n += 1
        return n >= SETTINGS.cut_glyphs

    kept = [e for e in page.edges if not cuts(e)]
    return page if len(kept) == len(page.edges) else dataclasses.replace(page, edges=kept)


def _boxes(page: PageForm) -> list[tuple[tuple[float, float, float, float], list[int]]]:
    """The small rectangles among a page's edges (pdfplumber's four edges of a rect: top, bottom, left,
    right, one after the other; SETTINGS.overlay_min to overlay_max of the page), near-identical ones
    (a box's fill and its stroke) as one: (bbox, edge indexes)."""
    st = SETTINGS
    tol, least = st.overlay_tol, st.overlay_min
    most_w, most_h = (page.bbox[2] - page.bbox[0]) * st.overlay_max, (page.bbox[3] - page.bbox[1]) * st.overlay_max
    edges = page.edges
    boxes: list[tuple[tuple[float, float, float, float], list[int]]] = []
    for i in range(0, len(edges) - 3):
        t, b, le, r = edges[i:i + 4]
        if t.get("object_type") != "rect_edge" or t["orientation"] != "h" or le["orientation"] != "v" \
                or not least <= t["x1"] - t["x0"] <= most_w or not least <= le["bottom"] - le["top"] <= most_h:
            continue
        if b["orientation"] == "h" and r["orientation"] == "v" and t["x0"] == le["x0"] and t["top"] == le["top"] \
                and r["x0"] == t["x1"] and b["top"] == le["bottom"]:
            box = (t["x0"], t["top"], t["x1"], le["bottom"])
            same = next((k for k, (other, _) in enumerate(boxes)
                         if all(abs(u - v) <= tol for u, v in zip(box, other))), None)
            if same is None:
                boxes.append((box, [i, i + 1, i + 2, i + 3]))
            else:
                boxes[same][1].extend([i, i + 1, i + 2, i + 3])
    return boxes


def _own_text(page: PageForm, box: tuple[float, float, float, float]) -> list[dict]:
    """The chars a box prints: those inside it on lines that do not run on outside it (a cell's line the
    box lies over is the cell's)."""
    x0, top, x1, bottom = box
    inside: list[dict] = []
    near: list[dict] = []
    for c in page.chars:
        cy = (c["top"] + c["bottom"]) / 2
        if not top <= cy <= bottom:
            continue
        cx = (c["x0"] + c["x1"]) / 2
        (inside if x0 <= cx <= x1 else near).append(c)
    tol = SETTINGS.overlay_tol
    return [c for c in inside if not any(abs(o["top"] - c["top"]) <= tol and
                                         (o["x0"] < x0 and o["x1"] >= x0 - 1.5 * c["size"]
                                          or o["x1"] > x1 and o["x0"] <= x1 + 1.5 * c["size"]) for o in near)]


def text_boxes(page: PageForm | None, boxes: list | None = None) \
        -> list[tuple[tuple[float, float, float, float], list[dict]]]:
    """The small boxes of a page with the chars inside them (for _without_overlays on the pages beside it;
    boxes: the page's _boxes, where found already)."""
    if page is None:
        return []
    out = []
    for box, _ in _boxes(page) if boxes is None else boxes:
        inside = [c for c in page.chars if box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2]
                  and box[1] <= (c["top"] + c["bottom"]) / 2 <= box[3]]
        if inside:
            out.append((box, inside))
    return out


def _lined(edges: list[dict], box: tuple[float, float, float, float], side: float, orientation: str) -> bool:
    """A line of edges runs along this side of the box (a cell's border: the box is a cell's fill)."""
    tol = SETTINGS.overlay_tol
    x0, top, x1, bottom = box
    if orientation == "v":
        return any(e["orientation"] == "v" and abs(e["x0"] - side) <= tol and e["top"] < bottom and e["bottom"] > top
                   for e in edges)
    return any(e["orientation"] == "h" and abs(e["top"] - side) <= tol and e["x0"] < x1 and e["x1"] > x0
               for e in edges)


def _without_overlays(page: PageForm, beside: list[tuple[tuple[float, float, float, float], list[dict]]],
                      boxes: list | None = None) -> PageForm:
    """The page without the boxes laid over it: a small box along none of whose sides another line runs,
    printed with the same text at the same place on the page before or after (a web page's floating
    分享到 box, printed over the table's last column on every page, split its rows and put its text in the
    cells and in the title), or one that a table's ruling line runs into and one of whose sides lines up
    with no other line. The box's edges and its own text (what it prints on the page beside too, where it
    is there) are left out."""
    tol = SETTINGS.overlay_tol
    found: list[tuple[tuple[float, float, float, float], list[int], list[dict]]] = []
    edges = page.edges
    for box, own in _boxes(page) if boxes is None else boxes:
        x0, top, x1, bottom = box
        mine = set(own)
        others = [e for k, e in enumerate(edges) if k not in mine]
        free_v = not (_lined(others, box, x0, "v") and _lined(others, box, x1, "v"))
        free_h = not (_lined(others, box, top, "h") and _lined(others, box, bottom, "h"))
        # the box's own text is what it prints at the same places on the page beside (the page's text
        # under it, a 分值 of 1, is the page's)
        there = [chars for b, chars in beside if all(abs(u - v) <= tol for u, v in zip(box, b))]
        same = [c for c in _own_text(page, box) if any(
            o["text"] == c["text"] and abs(o["x0"] - c["x0"]) <= tol and abs(o["top"] - c["top"]) <= tol
            for chars in there for o in chars)] if there else []
        alone = not any(_lined(others, box, side, o) for side, o in ((x0, "v"), (x1, "v"), (top, "h"), (bottom, "h")))
        if same and alone:
            found.append((box, own, same))
            continue
        # a line of the page runs into the box (a table's border, under the box or beside it)
        across_v = free_v and any(e["orientation"] == "v" and x0 + tol < e["x0"] < x1 - tol
                                  and min(e["bottom"], bottom - tol) - max(e["top"], top + tol) > tol for e in others)
        across_h = free_h and any(e["orientation"] == "h" and top + tol < e["top"] < bottom - tol
                                  and min(e["x1"], x1 - tol) - max(e["x0"], x0 + tol) > tol for e in others)
        if across_v or across_h:
            found.append((box, own, same if there else _own_text(page, box)))
    if not found:
        return page
    dropped = {k for _, own, _ in found for k in own}
    theirs = {id(c) for _, _, chars in found for c in chars}
    return dataclasses.replace(page, chars=[c for c in page.chars if id(c) not in theirs],
                               edges=[e for k, e in enumerate(edges) if k not in dropped])


def _within_margins(chars: list[dict], height: float) -> list[dict]:
    """The chars a borderless table may be read from: all but the lines in the top and bottom margins
    (SETTINGS.margin) that are running headers or page numbers. A table's line there keeps its columns'
    runs apart (SETTINGS.head_runs of them: its header repeated at a page's top, a row at its foot), or
    stands next to such a line, or to the page's body, in the same font (一 of a header's 一/级/指/标)."""
    margin = SETTINGS.margin
    inner = [c for c in chars if margin <= c["top"] and c["bottom"] <= height - margin]
    if len(inner) == len(chars):
        return inner
    lines = _char_lines(inner)
    kept = list(inner)
    for side in ("top", "bottom"):
        outer = _char_lines([c for c in chars if (c["top"] < margin if side == "top" else
                                                    margin <= c["top"] and c["bottom"] > height - margin)])
        near = (lines[0] if side == "top" else lines[-1]) if lines else None
        for line in (reversed(outer) if side == "top" else outer):
            size = statistics.median(c["size"] for c in line)
            wide = len(_clusters(line, size * SETTINGS.head_gap)) >= SETTINGS.head_runs
            beside = near is not None and abs(line[0]["top"] - near[0]["top"]) <= size * SETTINGS.pitch_max \
                and _font(line) == _font(near)
            if not (wide or beside):
                break
            kept.extend(line)
            near = line
    return kept


def _open_columns(grids: list[_Grid], paragraphs: list[tuple[float, Paragraph]]) -> list[float] | None:
    """The column edges of a borderless table that runs to the bottom of the page (no text under it)."""
    last = grids[-1] if grids and not grids[-1].ruled else None
    return last.xs if last and not any(top > last.bbox[3] for top, _ in paragraphs) else None


def _same_columns(a: _Grid, b: _Grid) -> bool:
    """The next page's table goes on with this one: the same column edges, or for tables without
    ruling lines (whose edges are guessed from blank space on each page) the same count of columns
    under the same header row."""
    if len(a.xs) != len(b.xs):
        return False
    if all(abs(x - y) <= SETTINGS.same_edge for x, y in zip(a.xs, b.xs)):
        return True
    if not a.ruled and not b.ruled:
        head = _header_texts(a) if a.rows else []
        return bool(head) and _header_texts(b) == head or all(abs(x - y) <= SETTINGS.same_edge_borderless
                                                              for x, y in zip(a.xs, b.xs))
    return False


def _header_texts(grid: _Grid) -> list[str]:
    """The texts of a grid's first row, blanks removed."""
    return ["".join(c.text.split()) for c in grid.cells if c.row == 0]


def _join_tables(items: list, name: str) -> list:
    """A table continued on the next page joins its start; a repeated header row is dropped."""
    blocks = []
    current: list[_Grid] = []

    def flush():
        """Join the tables gathered in current into one Table, repeated header rows dropped."""
        if not current:
            return
        header = _header_texts(current[0])
        cells: list[Cell] = []
        offset = 0
        for n, grid in enumerate(current):
            skip = grid.head_rows if n > 0 and header and _header_texts(grid) == header else 0
            for c in grid.cells:
                if c.row < skip:
                    continue
                row = offset + c.row - skip
                src = Source(file=name, pages=[grid.page], regions=[Region(page=grid.page, bbox=c.bbox)],
                             locator=f"page {grid.page} table row {c.row + 1} col {c.col + 1}")
                cells.append(Cell(text=c.text, row=row, col=c.col, row_span=c.row_span,
                                  col_span=c.col_span, page=grid.page, source=src))
            offset += grid.rows - skip
        cells.sort(key=lambda c: (c.row, c.col))
        src = Source(file=name, pages=sorted({g.page for g in current}),
                     regions=[Region(page=g.page, bbox=g.bbox) for g in current])
        ruled = all(g.ruled for g in current)
        # a borderless table's rows are known when its layout explains (nearly) all of its text
        read = sum(g.unread for g in current) <= SETTINGS.unread_share * sum(g.blocks for g in current)
        blocks.append(Table(cells=cells, source=src, spans_known=ruled, rows_known=ruled or read))
        current.clear()

    for item in items:
        if isinstance(item, _Grid):
            if current and item.page == current[-1].page + 1 and _same_columns(current[-1], item):
                current.append(item)
                continue
            flush()
            current.append(item)
        else:
            flush()
            blocks.append(item)
    flush()
    return blocks
