"""PDF notices via pdfplumber: ruled and borderless tables as logical cells, paragraphs in reading order."""

from __future__ import annotations

import bisect
import re
import io
import logging
import statistics
from dataclasses import dataclass, field

from zhibiao.errors import CorruptFile, EncryptedPDF, NoTextLayer
from zhibiao.model import Cell, Layout, Paragraph, Region, Source, Table

__all__ = ["read_pdf", "text_in_region"]

SNAP = 2.0  # points: coordinates closer than this are the same grid line
X_RATIO = 0.3  # a gap between glyphs wider than this share of the font size is a space
# between a CJK glyph and a Latin letter or digit, Word and LibreOffice add about a quarter em of
# their own (自动调整中文与西文的间距) and justified lines add more: only a wider gap is a space
X_RATIO_MIXED = 0.75
MARGIN = 42.0  # points from the top/bottom edge where running headers and page numbers live


@dataclass
class _Grid:
    """A table found on one page: its column edges and logical cells (row, col, spans, bbox, text)."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]
    cells: list[dict] = field(default_factory=list)
    rows: int = 0
    ruled: bool = True  # cell boundaries drawn (False: a borderless table read from text positions)


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _mixed(a: dict | None, b: dict) -> bool:
    """A CJK glyph beside a Latin letter, digit or sign, where typesetters add space of their own."""
    if a is None:
        return False
    return _cjk(a) != _cjk(b) and not a["text"].isspace() and not b["text"].isspace()


def _cjk(ch: dict | None) -> bool:
    """A CJK character or full-width form (as opposed to a Latin letter, digit or ASCII sign)."""
    return ch is not None and bool(ch["text"]) and ord(ch["text"][0]) >= 0x2E80


def _chars_text(chars: list[dict]) -> str:
    """Text of chars as lines: printed spaces kept (also at a line end), a wide gap becomes a space."""
    out = []
    for line in _char_lines(chars):
        text = []
        prev = None
        for ch in line:
            ratio = X_RATIO_MIXED if _mixed(prev, ch) else X_RATIO
            if prev is not None and ch["x0"] - prev["x1"] > ratio * ch["size"] \
                    and not prev["text"].isspace() and not ch["text"].isspace():
                text.append(" ")
            text.append(ch["text"])
            prev = ch
        out.append("".join(text))
    return "\n".join(out).lstrip()


class _Chars:
    """A page's characters (fake-bold duplicates removed), indexed by vertical position for bbox queries."""

    def __init__(self, chars: list[dict]):
        self.all = _dedupe(chars)
        self.by_y = sorted(self.all, key=lambda c: (c["top"] + c["bottom"]) / 2)
        self.ys = [(c["top"] + c["bottom"]) / 2 for c in self.by_y]

    def within(self, bbox) -> list[dict]:
        """Chars whose centre lies in bbox."""
        x0, top, x1, bottom = bbox
        lo, hi = bisect.bisect_left(self.ys, top), bisect.bisect_right(self.ys, bottom)
        return [c for c in self.by_y[lo:hi] if x0 <= (c["x0"] + c["x1"]) / 2 <= x1]


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop a glyph printed again at (almost) the same spot: the fake bold of some PDF producers."""
    out: list[dict] = []
    seen: dict[tuple, list[dict]] = {}
    for c in chars:
        key = (c["text"], round(c["top"]))
        if any(abs(o["x0"] - c["x0"]) <= 1 and abs(o["top"] - c["top"]) <= 1 for o in seen.get(key, ())):
            continue
        seen.setdefault(key, []).append(c)
        out.append(c)
    return out


def _text(chars: _Chars, bbox) -> str:
    """Text inside bbox (chars whose centre lies in it), lines joined with newlines."""
    return _chars_text(chars.within(bbox))


def _ruled_tables(page, number: int, chars: _Chars) -> list[_Grid]:
    grids = []
    for table in page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
        boxes = [c for c in table.cells if c]
        if len(boxes) < 2:
            continue
        xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
        ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
        if len(xs) < 3:
            continue
        grid = _Grid(number, tuple(table.bbox), xs)
        for b in sorted(boxes, key=lambda b: (round(b[1]), b[0])):
            r0, r1 = _index(ys, b[1]), _index(ys, b[3])
            c0, c1 = _index(xs, b[0]), _index(xs, b[2])
            grid.cells.append({"row": r0, "col": c0, "row_span": max(1, r1 - r0), "col_span": max(1, c1 - c0),
                               "bbox": tuple(b), "text": _text(chars, b)})
        grid.rows = len(ys) - 1
        grids.append(grid)
    return grids


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Group chars into printed lines by their vertical position."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(lines[-1][0]["top"] - ch["top"]) <= max(2.0, ch["size"] * 0.3):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


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


def _gaps(intervals: list[tuple[float, float]], lo: float, hi: float, min_width: float) -> list[tuple[float, float]]:
    """Uncovered stretches of [lo, hi] at least min_width wide."""
    out = []
    cursor = lo
    for a, b in sorted(intervals):
        if a - cursor >= min_width:
            out.append((cursor, a))
        cursor = max(cursor, b)
    if hi - cursor >= min_width:
        out.append((cursor, hi))
    return out


def _fits_columns(line: list[dict], xs: list[float], gap: float) -> bool:
    """No run of the line crosses a river between two columns."""
    inner = xs[1:-1]
    for a, b in _clusters(line, gap):
        if any(a + 2 < x < b - 2 for x in inner):
            return False
    return True


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
    return "".join(c["text"] for c in chars)


# a line that starts a numbered paragraph (1.  12、  （一）  (3)  一、  ①): in a column printed
# without blank lines between cells, the only place where one cell may end and the next begin
_NUMBERED_LINE = re.compile(r"^\s*(?:[0-9０-９]{1,3}\s*[.．、](?![0-9])|[（(]\s*[一二三四五六七八九十0-9０-９]{1,3}\s*[)）]"
                            r"|[一二三四五六七八九十]{1,3}\s*、|[①-⑳])")


def _blocks(column: list[dict], pitch: float) -> list[list[list[dict]]]:
    """The text blocks of one column: runs of lines with no blank stretch between them, a numbered
    paragraph starting a block of its own."""
    blocks: list[list[list[dict]]] = []
    prev_top = None
    for line in _char_lines(column):
        top = line[0]["top"]
        if prev_top is None or top - prev_top > pitch * 1.5 or _NUMBERED_LINE.match(_line_text(line)):
            blocks.append([])
        blocks[-1].append(line)
        prev_top = top
    return blocks


def _borderless_tables(index: _Chars, number: int, chars: list[dict]) -> list[_Grid]:
    """A table without ruling lines, from text positions alone.

    It starts at the first line that breaks into three or more runs (the header row), taking in
    the header lines just above it that fit its columns (a narrow column's name printed one
    character a line), and ends before a line that flows across most of its width or a blank band.
    Columns are the vertical rivers of white that no character crosses. Within a column, a blank
    stretch separates one cell's text from the next; cells of different columns whose text overlaps
    vertically are one row (a short cell printed in the middle of its row still overlaps the tall
    one), and a cell whose text reaches over several rows of another column is a merged cell that
    spans those rows (a vertically centred label).
    """
    chars = [c for c in chars if not c["text"].isspace()]
    if not chars:
        return []
    size = statistics.median(c["size"] for c in chars)
    lines = _char_lines(chars)
    head = next((i for i, line in enumerate(lines) if len(_clusters(line, size)) >= 3), None)
    if head is None:
        return []
    pitch = statistics.median(
        [b[0]["top"] - a[0]["top"] for a, b in zip(lines[head:], lines[head + 1:])] or [size * 1.5])

    def extent(start: int) -> tuple[int, float, float]:
        lo = min(c["x0"] for line in lines[start:] for c in line)
        hi = max(c["x1"] for line in lines[start:] for c in line)
        stop = len(lines)
        for i in range(start + 1, len(lines)):
            runs = _clusters(lines[i], size * 0.6)
            full_width = len(runs) == 1 and runs[0][1] - runs[0][0] > 0.6 * (hi - lo)
            blank_band = lines[i][0]["top"] - lines[i - 1][0]["top"] > pitch * 1.8
            if full_width or blank_band:
                stop = i
                break
        return stop, lo, hi

    def rivers(body) -> list[float]:
        lo = min(c["x0"] for line in body for c in line)
        hi = max(c["x1"] for line in body for c in line)
        covered = [(c["x0"], c["x1"]) for line in body for c in line]
        gaps = _gaps(covered, lo, hi, min(3.0, size * 0.3))
        return [lo - 1] + [(a + b) / 2 for a, b in gaps] + [hi + 1]

    stop, _, _ = extent(head)
    if stop - head < 3:
        return []
    xs = rivers(lines[head + 1:stop])
    # a form line above the table (被评查单位：　　案卷编号：) crosses its columns: the table starts below it
    while head < stop - 3 and not _fits_columns(lines[head], xs, size):
        head += 1
    # a header printed over several lines: the lines right above that fit the columns belong to it
    while head > 0 and lines[head][0]["top"] - lines[head - 1][0]["top"] <= pitch * 1.8 \
            and _fits_columns(lines[head - 1], xs, size) and len(_clusters(lines[head - 1], size)) < len(xs):
        head -= 1
    body = lines[head:stop]
    xs = rivers(body)
    if len(xs) < 4:
        return []
    # the header row: the line that breaks into runs, the lines above it that fit the columns, and the
    # tails of header names wrapped below it in narrow columns (号, 分)
    first = next(i for i in range(head, stop) if len(_clusters(lines[i], size)) >= 3)
    end = first + 1
    while end < stop and lines[end][0]["top"] - lines[end - 1][0]["top"] <= pitch * 1.3 \
            and all(len(_line_text(run)) <= 2 for run in _runs(lines[end], size)):
        end += 1
    head_chars = [c for line in lines[head:end] for c in line]
    body_lines = lines[end:stop]
    if len(body_lines) < 2:
        return []
    ncols = len(xs) - 1

    def col_of(c) -> int:
        return max(0, min(ncols - 1, bisect.bisect_right(xs, (c["x0"] + c["x1"]) / 2) - 1))

    blocks: list[tuple[int, float, float]] = []  # (col, top, bottom) of each text block
    for col in range(ncols):
        column = [c for line in body_lines for c in line if col_of(c) == col]
        for blk in _blocks(column, pitch):
            blocks.append((col, min(c["top"] for c in blk[0]), max(c["bottom"] for c in blk[-1])))
    centred = _centred_columns(blocks, ncols, pitch)
    # a row starts at the top of every block that does not sit inside a taller block of another
    # column (a centred cell starts below its row's top, within the tallest cell of the row)
    tops = sorted(t for col, t, b in blocks
                  if not any(o != col and ot < t - 2 and ob > b + 2 for o, ot, ob in blocks))
    starts: list[float] = []
    for t in tops:
        if not starts or t - starts[-1] > 2:
            starts.append(t)
    starts = _centred_breaks(starts, blocks, centred, sorted({ln[0]["top"] for ln in body_lines}))
    bottom_all = max(b for _, _, b in blocks) + 1
    rows = [(a - 1, b - 1) for a, b in zip(starts, starts[1:])] + [(starts[-1] - 1, bottom_all)]
    grid = _Grid(number, (xs[0], min(c["top"] for c in head_chars) - 1 if head_chars else rows[0][0],
                          xs[-1], bottom_all), xs, ruled=False)
    offset = 0
    if head_chars:
        top, bottom = min(c["top"] for c in head_chars) - 1, max(c["bottom"] for c in head_chars) + 1
        for col in range(ncols):
            text = _text(index, (xs[col], top, xs[col + 1], bottom))
            if text.strip():
                grid.cells.append({"row": 0, "col": col, "row_span": 1, "col_span": 1,
                                   "bbox": (xs[col], top, xs[col + 1], bottom), "text": text})
        offset = 1
    body_chars = [c for line in body_lines for c in line]
    for col in range(ncols):
        if col in centred:
            continue
        for r, (top, bottom) in enumerate(rows):
            text = _text(index, (xs[col], top, xs[col + 1], bottom - 0.5))
            if text.strip():
                grid.cells.append({"row": r + offset, "col": col, "row_span": 1, "col_span": 1,
                                   "bbox": (xs[col], top, xs[col + 1], bottom), "text": text})
    for col in sorted(centred):
        mine = sorted((b for b in blocks if b[0] == col), key=lambda b: b[1])
        spans = _centred_spans(mine, rows)
        for (_, top, bottom), (a, b) in zip(mine, spans):
            text = _text(index, (xs[col], top - 1, xs[col + 1], bottom + 1))
            if text.strip():
                grid.cells.append({"row": a + offset, "col": col, "row_span": b - a + 1, "col_span": 1,
                                   "bbox": (xs[col], rows[a][0], xs[col + 1], rows[b][1]), "text": text})
    grid.cells.sort(key=lambda c: (c["row"], c["col"]))
    grid.rows = len(rows) + offset
    return [grid] if grid.rows >= 2 else []


def _centred_breaks(starts: list[float], blocks: list[tuple[int, float, float]], centred: set[int],
                    line_tops: list[float]) -> list[float]:
    """Row breaks that only a centred column shows: where the columns printed at the top of their
    rows run on without a blank line (a long 评查要点 cell under the next), two consecutive 序号 cells
    printed in the middle of their rows still tell where one row ends — where the row that began
    above the first one is as tall below its middle as above it — at the start of a printed line."""
    if not centred:
        return starts
    col = max(centred, key=lambda k: sum(1 for b in blocks if b[0] == k))
    mine = sorted((b for b in blocks if b[0] == col), key=lambda b: b[1])
    out = sorted(starts)
    for (_, t1, b1), (_, t2, b2) in zip(mine, mine[1:]):
        m1, m2 = (t1 + b1) / 2, (t2 + b2) / 2
        if any(m1 < x < m2 for x in out):
            continue
        above = [x for x in out if x <= t1 + 1]
        if not above:
            continue
        target = 2 * m1 - above[-1]
        cands = [x for x in line_tops if m1 < x < m2]
        if cands:
            out.append(min(cands, key=lambda x: abs(x - target)))
            out.sort()
    return out


def _centred_columns(blocks: list[tuple[int, float, float]], ncols: int, pitch: float) -> set[int]:
    """Columns whose text sits in the middle of its row (序号, 分值, merged labels printed centred):
    most of their blocks lie inside a taller block of another column, around its middle."""
    out = set()
    for col in range(ncols):
        mine = [b for b in blocks if b[0] == col]
        hits = 0
        for _, top, bottom in mine:
            mid = (top + bottom) / 2
            for other, t, b in blocks:
                if other != col and t <= top + 1 and b >= bottom - 1 and (b - t) > (bottom - top) + pitch * 0.5 \
                        and abs((t + b) / 2 - mid) <= 0.2 * (b - t) + 2:
                    hits += 1
                    break
        if len(mine) >= 2 and hits >= 0.6 * len(mine):
            out.add(col)
    return out


def _centred_spans(mine: list[tuple[int, float, float]], rows: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """The rows each centred block stands for: the run of rows, around the rows it touches, whose
    middle is nearest its own middle (a centred label over several rows is that merged cell)."""
    touched = []
    for _, top, bottom in mine:
        over = [r for r, (t, b) in enumerate(rows) if min(b, bottom) - max(t, top) > 0]
        if not over:
            mid = (top + bottom) / 2
            over = [min(range(len(rows)), key=lambda r: abs((rows[r][0] + rows[r][1]) / 2 - mid))]
        touched.append((over[0], over[-1]))
    spans = []
    lo = 0
    for i, ((_, top, bottom), (first, last)) in enumerate(zip(mine, touched)):
        hi = touched[i + 1][0] - 1 if i + 1 < len(touched) else len(rows) - 1
        mid = (top + bottom) / 2
        best = (first, last)
        best_cost = None
        for a in range(min(lo, first), first + 1):
            for b in range(last, max(hi, last) + 1):
                cost = abs((rows[a][0] + rows[b][1]) / 2 - mid) + 0.5 * (b - a)
                if best_cost is None or cost < best_cost:
                    best, best_cost = (a, b), cost
        spans.append(best)
        lo = best[1] + 1
    return spans


def _paragraphs(page, chars: _Chars, number: int, grids: list[_Grid], name: str) -> list[tuple[float, Paragraph]]:
    """Text lines outside the tables, joined into paragraphs; running headers and page numbers dropped."""
    def outside(c) -> bool:
        for g in grids:
            x0, top, x1, bottom = g.bbox
            if c["x0"] >= x0 - 1 and c["x1"] <= x1 + 1 and c["top"] >= top - 1 and c["bottom"] <= bottom + 1:
                return False
        return True

    lines = []
    for line in _char_lines([c for c in chars.all if outside(c)]):
        text = _chars_text(line).rstrip()
        lines.append({"text": text, "x0": min(c["x0"] for c in line), "x1": max(c["x1"] for c in line),
                      "top": min(c["top"] for c in line), "bottom": max(c["bottom"] for c in line)})
    out: list[tuple[float, Paragraph]] = []
    body = [ln for ln in lines if ln["text"].strip()
            and not ((ln["top"] < MARGIN or ln["bottom"] > page.height - MARGIN) and len(ln["text"].strip()) <= 12)]
    if not body:
        return out
    left = min(ln["x0"] for ln in body)
    right = max(ln["x1"] for ln in body)
    current: list[dict] = []

    def flush():
        if current:
            text = "\n".join(ln["text"] for ln in current)
            bbox = (min(ln["x0"] for ln in current), current[0]["top"], max(ln["x1"] for ln in current),
                    current[-1]["bottom"])
            src = Source(file=name, pages=[number], regions=[Region(page=number, bbox=bbox)])
            out.append((current[0]["top"], Paragraph(text=text, source=src)))
            current.clear()

    for ln in body:
        if current:
            prev = current[-1]
            height = prev["bottom"] - prev["top"]
            new = (ln["top"] - prev["bottom"] > height * 0.8 or ln["x0"] > left + height * 1.5
                   or prev["x1"] < right - height * 2)
            middle = (left + right) / 2
            centred = (abs((ln["x0"] + ln["x1"]) / 2 - middle) < height and ln["x0"] > left + height * 2
                       and ln["x1"] < right - height * 2
                       and abs((prev["x0"] + prev["x1"]) / 2 - middle) < height
                       and abs((ln["bottom"] - ln["top"]) - height) < 1)
            if new and centred and ln["top"] - prev["bottom"] <= height * 0.8:
                new = False  # a centred heading in large type wraps onto a second, shorter centred line
            if new:
                flush()
        current.append(ln)
    flush()
    return out


def text_in_region(data: bytes, page: int, bbox: tuple[float, float, float, float]) -> str:
    """The text printed inside bbox on a page (1-based) of a PDF."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return _text(_Chars(pdf.pages[page - 1].chars), bbox)


def _open(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # forces the page tree to be read
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise EncryptedPDF(None) from None
    except PDFSyntaxError as exc:
        raise CorruptFile(None, f"PDF syntax error ({exc})") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's many error types for damaged files
        causes = [exc, *exc.args, exc.__context__]
        if any(isinstance(c, (PDFPasswordIncorrect, PDFEncryptionError)) for c in causes):
            raise EncryptedPDF(None) from None
        detail = next((str(c) for c in exc.args if str(c)), "") or type(exc).__name__
        raise CorruptFile(None, detail) from None
    return pdf


def _page_ranges(numbers: list[int]) -> str:
    parts, start, prev = [], None, None
    for n in numbers + [None]:
        if start is None:
            start = prev = n
        elif n is not None and n == prev + 1:
            prev = n
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = n
    return ", ".join(parts)


def read_pdf(data: bytes, name: str, sha256: str) -> Layout:
    """Read a PDF: tables (joined across pages, repeated header rows dropped) and paragraphs, in order."""
    pdf = _open(data)
    try:
        placed: list[tuple[int, float, object]] = []
        empty: list[int] = []
        try:
            pages = list(pdf.pages)
            for number, raw in enumerate(pages, start=1):
                page = raw
                chars = _Chars(page.chars)
                if not any(not c["text"].isspace() for c in chars.all):
                    empty.append(number)
                    continue
                grids = _ruled_tables(page, number, chars)
                if not grids:
                    body = [c for c in chars.all if MARGIN <= c["top"] and c["bottom"] <= page.height - MARGIN]
                    grids = _borderless_tables(chars, number, body)
                for g in grids:
                    placed.append((number, g.bbox[1], g))
                for top, para in _paragraphs(page, chars, number, grids, name):
                    placed.append((number, top, para))
        except Exception as exc:
            raise CorruptFile(None, f"cannot read page content ({type(exc).__name__})") from None
        if len(empty) == len(pages):
            raise NoTextLayer(None, f"page(s) {_page_ranges(empty)} are images; OCR needed")
        placed.sort(key=lambda t: (t[0], t[1]))
        blocks = _join_tables([item for _, _, item in placed], name)
        warnings = [f"page(s) {_page_ranges(empty)} have no text layer (images?); OCR needed for them"] if empty else []
        return Layout(file=name, sha256=sha256, format="pdf", pages=len(pages), warnings=warnings, blocks=blocks)
    finally:
        pdf.close()


def _same_columns(a: _Grid, b: _Grid) -> bool:
    """The next page's table goes on with this one: the same column edges, or for tables without
    ruling lines (whose edges are guessed from blank space on each page) the same count of columns
    under the same header row."""
    if len(a.xs) != len(b.xs):
        return False
    if all(abs(x - y) <= 4 for x, y in zip(a.xs, b.xs)):
        return True
    if not a.ruled and not b.ruled:
        head = _header_texts(a) if a.rows else []
        return bool(head) and _header_texts(b) == head or all(abs(x - y) <= 24 for x, y in zip(a.xs, b.xs))
    return False


def _header_texts(grid: _Grid) -> list[str]:
    return ["".join(c["text"].split()) for c in grid.cells if c["row"] == 0]


def _join_tables(items: list, name: str) -> list:
    """A table continued on the next page joins its start; a repeated header row is dropped."""
    blocks = []
    current: list[_Grid] = []

    def flush():
        if not current:
            return
        header = _header_texts(current[0])
        cells: list[Cell] = []
        offset = 0
        for n, grid in enumerate(current):
            skip_first = n > 0 and header and _header_texts(grid) == header
            for c in grid.cells:
                if skip_first and c["row"] == 0:
                    continue
                row = offset + c["row"] - (1 if skip_first else 0)
                src = Source(file=name, pages=[grid.page], regions=[Region(page=grid.page, bbox=c["bbox"])],
                             locator=f"page {grid.page} table row {c['row'] + 1} col {c['col'] + 1}")
                cells.append(Cell(text=c["text"], row=row, col=c["col"], row_span=c["row_span"],
                                  col_span=c["col_span"], page=grid.page, source=src))
            offset += grid.rows - (1 if skip_first else 0)
        cells.sort(key=lambda c: (c.row, c.col))
        src = Source(file=name, pages=sorted({g.page for g in current}),
                     regions=[Region(page=g.page, bbox=g.bbox) for g in current])
        ruled = all(g.ruled for g in current)
        blocks.append(Table(cells=cells, source=src, spans_known=ruled, rows_known=ruled))
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
