"""PDF notices via pdfplumber: ruled and borderless tables as logical cells, paragraphs in reading order."""

from __future__ import annotations

import io
import logging
import statistics
from dataclasses import dataclass, field

from zhibiao.errors import CorruptFile, EncryptedPDF, NoTextLayer
from zhibiao.model import Cell, Layout, Paragraph, Region, Source, Table

__all__ = ["read_pdf", "text_in_region"]

SNAP = 2.0  # points: coordinates closer than this are the same grid line
X_RATIO = 0.3  # a gap between glyphs wider than this share of the font size is a space
MARGIN = 42.0  # points from the top/bottom edge where running headers and page numbers live


@dataclass
class _Grid:
    """A table found on one page: its column edges and logical cells (row, col, spans, bbox, text)."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]
    cells: list[dict] = field(default_factory=list)
    rows: int = 0


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _chars_text(chars: list[dict]) -> str:
    """Text of chars as lines: printed spaces kept (also at a line end), a wide gap becomes a space."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(lines[-1][0]["top"] - ch["top"]) <= max(2.0, ch["size"] * 0.3):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = []
        prev = None
        for ch in line:
            if prev is not None and ch["x0"] - prev["x1"] > X_RATIO * ch["size"] \
                    and not prev["text"].isspace() and not ch["text"].isspace():
                text.append(" ")
            text.append(ch["text"])
            prev = ch
        out.append("".join(text))
    return "\n".join(out).lstrip()


def _text(page, bbox) -> str:
    """Text inside bbox (chars whose centre lies in it), lines joined with newlines."""
    x0, top, x1, bottom = bbox
    chars = [c for c in page.chars
             if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    return _chars_text(chars)


def _ruled_tables(page, number: int) -> list[_Grid]:
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
                               "bbox": tuple(b), "text": _text(page, b)})
        grid.rows = len(ys) - 1
        grids.append(grid)
    return grids


def _lines(words: list[dict]) -> list[list[dict]]:
    """Group words into text lines by their vertical position."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _chunks(line: list[dict], gap: float) -> list[list[dict]]:
    out: list[list[dict]] = []
    for w in line:
        if out and w["x0"] - out[-1][-1]["x1"] <= gap:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _borderless_tables(page, number: int, words: list[dict]) -> list[_Grid]:
    """Tables without ruling lines: columns from a header line of several cells, rows from vertical gaps."""
    if not words:
        return []
    size = statistics.median(w["bottom"] - w["top"] for w in words)
    lines = _lines(words)
    gap = size * 1.5
    start = None
    for i, line in enumerate(lines):
        if len(_chunks(line, gap)) >= 3:
            start = i
            break
    if start is None:
        return []
    # the table runs while lines keep breaking into columns or continue inside the column structure
    header = _chunks(lines[start], gap)
    starts = [c[0]["x0"] for c in header]
    right = max(w["x1"] for line in lines[start:] for w in line)
    table_lines = []
    for line in lines[start:]:
        chunks = _chunks(line, gap)
        if len(chunks) == 1 and chunks[0][0]["x0"] <= starts[0] + size and chunks[0][-1]["x1"] >= right - size * 2 \
                and len(table_lines) > 1:
            break  # a full-width paragraph after the table
        table_lines.append(line)
    xs = [s - 1 for s in starts] + [right + 1]
    pitch = statistics.median(
        [b[0]["top"] - a[0]["top"] for a, b in zip(table_lines, table_lines[1:])] or [size * 1.2])
    rows: list[list[list[dict]]] = []
    prev_top = None
    for line in table_lines:
        top = line[0]["top"]
        if prev_top is None or top - prev_top > pitch * 1.45:
            rows.append([])
        rows[-1].append(line)
        prev_top = top
    grid = _Grid(number, (xs[0], table_lines[0][0]["top"] - 2, xs[-1], table_lines[-1][0]["bottom"] + 2), xs)
    for r, row_lines in enumerate(rows):
        top = min(w["top"] for w in row_lines[0]) - 1
        bottom = max(w["bottom"] for w in row_lines[-1]) + 1
        for col in range(len(starts)):
            bbox = (xs[col], top, xs[col + 1], bottom)
            text = _text(page, bbox)
            if text.strip():
                grid.cells.append({"row": r, "col": col, "row_span": 1, "col_span": 1, "bbox": bbox, "text": text})
    grid.rows = len(rows)
    return [grid] if len(rows) >= 2 else []


def _paragraphs(page, number: int, grids: list[_Grid], name: str) -> list[tuple[float, Paragraph]]:
    """Text lines outside the tables, joined into paragraphs; running headers and page numbers dropped."""
    def outside(obj) -> bool:
        for g in grids:
            x0, top, x1, bottom = g.bbox
            if obj.get("x0", 0) >= x0 - 1 and obj.get("x1", 0) <= x1 + 1 and obj.get("top", 0) >= top - 1 \
                    and obj.get("bottom", 0) <= bottom + 1:
                return False
        return True

    rest = page.filter(lambda o: o.get("object_type") != "char" or outside(o))
    lines = rest.extract_text_lines(x_tolerance_ratio=X_RATIO, y_tolerance=3, return_chars=False)
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
            if new:
                flush()
        current.append(ln)
    flush()
    return out


def text_in_region(data: bytes, page: int, bbox: tuple[float, float, float, float]) -> str:
    """The text printed inside bbox on a page (1-based) of a PDF."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        p = pdf.pages[page - 1].dedupe_chars()
        return _text(p, bbox)


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
    except Exception as exc:  # pdfminer raises many types for damaged files
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise EncryptedPDF(None) from None
        raise CorruptFile(None, f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
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
                page = raw.dedupe_chars()
                words = page.extract_words(x_tolerance_ratio=X_RATIO, y_tolerance=3, keep_blank_chars=False)
                if not words:
                    empty.append(number)
                    continue
                grids = _ruled_tables(page, number)
                if not grids:
                    body = [w for w in words if MARGIN <= w["top"] and w["bottom"] <= page.height - MARGIN]
                    grids = _borderless_tables(page, number, body)
                for g in grids:
                    placed.append((number, g.bbox[1], g))
                for top, para in _paragraphs(page, number, grids, name):
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
    if len(a.xs) != len(b.xs):
        return False
    return all(abs(x - y) <= 4 for x, y in zip(a.xs, b.xs))


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
        blocks.append(Table(cells=cells, source=src))
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
