#!/usr/bin/env python3
"""Render the family corpus: every ``corpus/families/<id>/source.json`` into the file formats in
which such notices really reach staff (Word, PDF, web page, Excel, CSV, plain text).

Usage, from the repository root::

    .venv/bin/python corpus/families/render.py [ID ...]          # render (all sources, or the ids)
    .venv/bin/python corpus/families/render.py --check [ID ...]  # verify the renderings

A rendering is made from ``source.json`` only and changes the layout only, never a printed
character (see README.md, "Renderings"). ``manifest.json`` is rewritten after every render.

Deterministic: DOCX, XLSX, HTML, CSV and TXT are byte-identical between runs (fixed document
properties and zip timestamps, sorted zip entries, no randomness). PDFs come from LibreOffice
(``soffice --headless --convert-to pdf`` with a private profile), which stamps its own creation
date and document id: their text is stable, their bytes are not.

Needs python-docx and openpyxl (in .venv), LibreOffice ``soffice`` and ``fonts-noto-cjk`` for the
PDFs, ``pdftotext`` (poppler-utils) for ``--check``. No network.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import html
import io
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

try:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Mm, Pt
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
except ImportError:  # pragma: no cover - environment problem, reported clearly
    sys.exit("render.py needs python-docx and openpyxl: run it with .venv/bin/python")

HERE = Path(__file__).resolve().parent          # corpus/families/
ROOT = HERE.parents[1]                          # repository root

FONT = "Noto Serif CJK SC"                      # 宋体/仿宋 in a real notice
FONT_HEI = "Noto Sans CJK SC"                   # 黑体: headings, table header
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
AUTHOR = "zhibiao corpus"

STYLES = ("redhead", "docnum", "title", "body", "heading", "attachment", "table_title", "note",
          "signature", "date", "cc")

# variant -> file name suffix (after "<id>")
BASE_VARIANTS = {
    "docx": ".docx",
    "docx-landscape": ".landscape.docx",
    "pdf": ".pdf",
    "pdf-borderless": ".borderless.pdf",
    "html": ".html",
    "xlsx": ".xlsx",
    "csv": ".csv",
    "txt-tab": ".tab.txt",
    "txt-pipe": ".pipe.txt",
    "txt-cells": ".cells.txt",
    "txt-paragraphs": ".paragraphs.txt",
}
TXT_KINDS = ("txt-tab", "txt-pipe", "txt-cells", "txt-paragraphs")
VARIANTS = dict(BASE_VARIANTS)
for _k in TXT_KINDS:
    VARIANTS[_k + "-gb18030"] = BASE_VARIANTS[_k][: -len(".txt")] + "-gb18030.txt"

# --every-variant: what a source with tables, and one printed as paragraphs, is rendered in
EVERY_TABLE = ("docx", "pdf", "pdf-borderless", "html", "xlsx", "csv", "txt-tab", "txt-pipe", "txt-cells",
               "txt-tab-gb18030")
EVERY_PARAGRAPHS = ("txt-paragraphs", "docx", "pdf", "html", "txt-paragraphs-gb18030")

# points brackets: （0.5分） (2分) （国办发〔2023〕27号，1分） (0.3)
RE_BRACKET = re.compile(r"[（(][^（()）]{0,40}?(?:\d+(?:\.\d+)?\s*分|\d+\.\d+)[）)]")
RE_NUMBER = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")


class SourceError(Exception):
    pass


# =========================================================================== source model

@dataclass
class Cell:
    text: str
    r: int
    c: int
    rs: int = 1
    cs: int = 1

    @property
    def paras(self) -> list[str]:
        return self.text.split("\n")

    @property
    def flat(self) -> str:
        """The cell as one line of text (its paragraphs separated by a space)."""
        return " ".join(self.paras)


@dataclass
class Table:
    header_rows: int
    ncols: int
    nrows: int
    cells: list[Cell]                        # origin cells, row-major
    grid: list[list[Cell]]                   # grid[r][c] -> the cell covering (r, c)
    fracs: list[float]                       # relative column widths, summing to 1

    def starts(self, r: int) -> list[Cell]:
        return [x for x in self.cells if x.r == r]

    def origin(self, r: int, c: int) -> Cell | None:
        cell = self.grid[r][c]
        return cell if (cell.r, cell.c) == (r, c) else None


@dataclass
class Source:
    id: str
    family: str
    based_on: str
    completed: str
    renderings: list[str]
    blocks: list                              # ("p", text, style) or ("table", Table)
    path: Path
    problems: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b[1] for b in self.blocks if b[0] == "table"]

    def paragraphs(self) -> list[str]:
        return [b[1] for b in self.blocks if b[0] == "p"]

    def title(self) -> str:
        for style in ("table_title", "title"):
            for b in self.blocks:
                if b[0] == "p" and b[2] == style:
                    return b[1]
        return self.id


RE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check_text(text: str, where: str) -> str:
    """Printed text: any character but the control ones (XML and the text formats cannot hold them)."""
    m = RE_CONTROL.search(text)
    if m:
        raise SourceError(f"{where}: control character U+{ord(m.group()):04X} in {text[:20]!r}")
    return text


def build_table(spec: dict, where: str) -> Table:
    """Place the cells on the grid (HTML's rule: a row lists the cells that start in it, left to
    right, skipping positions covered by a rowspan from above) and check the grid is filled."""
    if not isinstance(spec, dict) or not isinstance(spec.get("rows"), list) or not spec["rows"]:
        raise SourceError(f"{where}: a table needs a non-empty 'rows' list")
    rows = spec["rows"]
    header_rows = spec.get("header_rows", 1)
    if not isinstance(header_rows, int) or not 0 <= header_rows < len(rows):
        raise SourceError(f"{where}: header_rows {header_rows!r} is not between 0 and {len(rows) - 1}")
    widths = spec.get("widths")
    parsed: list[list[tuple[str, int, int]]] = []
    for r, row in enumerate(rows):
        if not isinstance(row, list):
            raise SourceError(f"{where}: row {r} is not a list")
        out = []
        for k, cell in enumerate(row):
            if isinstance(cell, str):
                out.append((check_text(cell, where), 1, 1))
            elif isinstance(cell, dict) and isinstance(cell.get("t"), str):
                rs, cs = cell.get("rs", 1), cell.get("cs", 1)
                if not (isinstance(rs, int) and isinstance(cs, int) and rs >= 1 and cs >= 1):
                    raise SourceError(f"{where}: row {r} cell {k}: rs/cs must be integers >= 1")
                extra = set(cell) - {"t", "rs", "cs"}
                if extra:
                    raise SourceError(f"{where}: row {r} cell {k}: unknown keys {sorted(extra)}")
                out.append((check_text(cell["t"], where), rs, cs))
            else:
                raise SourceError(f"{where}: row {r} cell {k}: a cell is a string or {{\"t\": …}}")
        parsed.append(out)
    ncols = sum(cs for _t, _rs, cs in parsed[0])
    if isinstance(widths, list) and widths and len(widths) != ncols:
        raise SourceError(f"{where}: {len(widths)} widths for {ncols} columns (row 0 spans {ncols})")
    nrows = len(parsed)
    grid: list[list[Cell | None]] = [[None] * ncols for _ in range(nrows)]
    cells: list[Cell] = []
    errors: list[str] = []
    for r, row in enumerate(parsed):
        c = 0
        for k, (text, rs, cs) in enumerate(row):
            while c < ncols and grid[r][c] is not None:
                c += 1
            if c + cs > ncols:
                errors.append(f"row {r}: cell {k} ({text[:12]!r}) does not fit in the {ncols} columns "
                              f"(starts at column {c}, colspan {cs})")
                break
            if r + rs > nrows:
                errors.append(f"row {r}: cell {k} ({text[:12]!r}) rowspan {rs} runs past the last row")
            cell = Cell(text, r, c, min(rs, nrows - r), cs)
            for rr in range(r, min(r + rs, nrows)):
                for cc in range(c, c + cs):
                    if grid[rr][cc] is not None:
                        errors.append(f"row {r}: cell {k} ({text[:12]!r}) overlaps the cell at "
                                      f"row {rr} column {cc}")
                    grid[rr][cc] = cell
            cells.append(cell)
            c += cs
        missing = [cc for cc in range(ncols) if grid[r][cc] is None]
        if missing:
            errors.append(f"row {r}: columns {missing} are not filled (the row has {len(row)} cells)")
    if header_rows and any(x.r < header_rows < x.r + x.rs for x in cells):
        errors.append("a header cell's rowspan runs into the body")
    if errors:
        raise SourceError(f"{where}: the rows do not fill a {nrows}×{ncols} grid: " + "; ".join(errors))
    if isinstance(widths, list) and widths:
        if not all(isinstance(w, (int, float)) and w > 0 for w in widths):
            raise SourceError(f"{where}: widths must be positive numbers")
        total = float(sum(widths))
        fracs = [w / total for w in widths]
    else:
        fracs = guess_fracs(cells, ncols)
    return Table(header_rows, ncols, nrows, cells, grid, fracs)  # type: ignore[arg-type]


def guess_fracs(cells: list[Cell], ncols: int) -> list[float]:
    """Column widths when the source gives none: from the longest single-column paragraph."""
    need = [2.0] * ncols
    for x in cells:
        if x.cs == 1:
            need[x.c] = max(need[x.c], min(30.0, max(text_width(p) for p in x.paras)))
    total = sum(need)
    return [n / total for n in need]


def load_source(path: Path) -> Source:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SourceError(f"{path}: cannot read JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SourceError(f"{path}: not a JSON object")
    for key in ("id", "family", "based_on", "completed", "renderings", "blocks"):
        if key not in data:
            raise SourceError(f"{path}: missing key {key!r}")
    sid = data["id"]
    if sid != path.parent.name:
        raise SourceError(f"{path}: id {sid!r} is not the folder name {path.parent.name!r}")
    bad = [v for v in data["renderings"] if v not in VARIANTS]
    if bad:
        raise SourceError(f"{path}: unknown renderings {bad} (known: {', '.join(VARIANTS)})")
    blocks = []
    for i, b in enumerate(data["blocks"]):
        where = f"{path.parent.name} block {i}"
        if isinstance(b, dict) and "p" in b:
            if not isinstance(b["p"], str):
                raise SourceError(f"{where}: 'p' must be a string")
            style = b.get("style", "body")
            if style not in STYLES:
                raise SourceError(f"{where}: unknown style {style!r}")
            blocks.append(("p", check_text(b["p"], where), style))
        elif isinstance(b, dict) and "table" in b:
            blocks.append(("table", build_table(b["table"], where)))
        else:
            raise SourceError(f"{where}: a block is {{\"p\": …}} or {{\"table\": …}}")
    if not any(b[0] == "table" for b in blocks):
        need = [v for v in data["renderings"] if v in ("xlsx", "csv")]
        if need:
            raise SourceError(f"{path}: renderings {need} need a table, the source has none")
    return Source(sid, data["family"], data["based_on"], data["completed"],
                  list(dict.fromkeys(data["renderings"])), blocks, path)


def rubric_span(src: Source) -> tuple[int, int]:
    """Block indexes [start, end] of the rubric proper: from its table title (the nearest
    table_title before the first table) to the 注 lines right after the last table."""
    idx = [i for i, b in enumerate(src.blocks) if b[0] == "table"]
    start, end = idx[0], idx[-1]
    for k in range(idx[0] - 1, -1, -1):
        b = src.blocks[k]
        if b[0] == "p" and b[2] == "table_title":
            start = k
            break
        if b[0] == "p" and b[2] in ("title", "signature", "date", "cc"):
            break
    k = end + 1
    while k < len(src.blocks) and src.blocks[k][0] == "p" and src.blocks[k][2] == "note":
        end = k
        k += 1
    return start, end


SHEET_SKIP = ("signature", "date", "cc", "attachment", "redhead", "docnum", "title")  # never in a sheet


def sheet_blocks(src: Source, variant: str) -> list:
    """The blocks an xlsx / csv rendering holds, in order: the rubric's title (xlsx only), every
    paragraph of the rubric between it and its last table (part headings, intro lines), its tables,
    and (xlsx only) the 注 lines under them."""
    start, end = rubric_span(src)
    if variant == "csv":
        idx = [i for i, b in enumerate(src.blocks) if b[0] == "table"]
        end = idx[-1]
        if src.blocks[start][0] == "p" and src.blocks[start][2] == "table_title":
            start += 1
    out = [b for b in src.blocks[start: end + 1] if b[0] == "table" or b[2] not in SHEET_SKIP]
    if variant == "xlsx" and out[0][0] == "table":      # no table title: the notice's title
        out.insert(0, ("p", src.title(), "table_title"))
    return out


RE_ATTACHMENT_TAG = re.compile(r"^附件\s*[0-9０-９一二三四五六七八九十]*\s*$")


def starts_page(src: Source, i: int) -> bool:
    """An attachment tag (附件 / 附件2, not the 附件：… list in the notice) starts a new page."""
    b = src.blocks[i]
    return i > 0 and b[0] == "p" and b[2] == "attachment" and bool(RE_ATTACHMENT_TAG.match(b[1].strip()))


# =========================================================================== text metrics

def char_width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5


def text_width(text: str) -> float:
    return sum(char_width(ch) for ch in text)


def wrap(text: str, cap: float) -> list[str]:
    """Greedy line filling, character by character (CJK text breaks anywhere)."""
    lines, cur, w = [], "", 0.0
    for ch in text:
        cw = char_width(ch)
        if cur and w + cw > cap + 1e-9:
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    lines.append(cur)
    return lines


def wrapped_cell(text: str, cap: float) -> list[tuple[int, str]]:
    """A cell's lines as (paragraph index, text)."""
    return [(k, line) for k, para in enumerate(text.split("\n")) for line in wrap(para, cap)]


def join_lines(lines: list[tuple[int, str]]) -> str:
    """Lines back to one line of text: pieces of one paragraph glued, paragraphs spaced."""
    out, last = "", None
    for k, line in lines:
        if last is not None and k != last:
            out += " "
        out += line
        last = k
    return out


# =========================================================================== text renderings

PAGE_LINES = 45        # lines on a simulated page (txt-tab)
PARA_CPL = 38          # full-width characters on a line of body text (A4, 12 pt)
TABLE_CPL = 46         # full-width characters across the table (A4, 10.5 pt)


class Pager:
    """Simulated pages of a PDF-to-text conversion: a blank line at every page end, the table's
    header row(s) repeated at the top of the next page, rows broken where the page ends."""

    def __init__(self, paged: bool = True):
        self.paged = paged
        self.out: list[str] = []
        self.used = 0
        self.broken_rows: list[tuple[int, int]] = []    # (table number, row)
        self.split_brackets: list[str] = []

    def left(self) -> int:
        return PAGE_LINES - self.used if self.paged else 10 ** 9

    def new_page(self, header: list[tuple[str, int]] | None = None) -> None:
        self.out.append("")
        self.used = 0
        for line, h in header or []:
            self.out.append(line)
            self.used += h

    def paragraph(self, text: str, indent: int = 0, page_break_before: bool = False) -> None:
        h = max(1, math.ceil((text_width(text) + indent) / PARA_CPL))
        if self.paged and self.used and (page_break_before or h > self.left()):
            self.new_page()
        self.out.append(text)
        self.used += h

    def table(self, t: Table, number: int) -> None:
        caps = [max(2.0, TABLE_CPL * f - 1) for f in t.fracs]

        def cap(x: Cell) -> float:
            return sum(caps[x.c: x.c + x.cs]) + (x.cs - 1)

        def line(r: int, texts: dict[int, str]) -> str:
            return "\t".join(texts.get(c, "") for c in range(t.ncols))

        def row_lines(r: int) -> dict[int, list[tuple[int, str]]]:
            return {x.c: wrapped_cell(x.text, cap(x)) for x in t.starts(r)}

        def height(r: int, lines: dict[int, list]) -> int:
            h = 1
            for x in t.starts(r):
                n = len(lines[x.c])
                h = max(h, n if x.rs == 1 else math.ceil(n / x.rs))
            return h

        header = []
        for r in range(t.header_rows):
            lines = row_lines(r)
            header.append((line(r, {c: join_lines(v) for c, v in lines.items()}), height(r, lines)))
        header_h = sum(h for _l, h in header)
        if self.paged and self.used and self.left() < header_h + 2:
            self.new_page()
        for text, h in header:
            self.out.append(text)
            self.used += h
        for r in range(t.header_rows, t.nrows):
            lines = row_lines(r)
            h = height(r, lines)
            fresh = False                   # a page was just begun for this row
            while True:
                left = self.left()
                if h <= left:
                    self.out.append(line(r, {c: join_lines(v) for c, v in lines.items()}))
                    self.used += h
                    break
                if left <= 0 and not fresh:
                    self.new_page(header)
                    fresh = True
                    continue
                left = max(left, 1)             # (a header taller than a page: one line a page)
                # the row does not fit: break every cell at the line the page ends on
                head = {c: v[:left] for c, v in lines.items()}
                rest = {c: v[left:] for c, v in lines.items()}
                self.out.append(line(r, {c: join_lines(v) for c, v in head.items()}))
                if (number, r) not in self.broken_rows:
                    self.broken_rows.append((number, r))
                for c, v in head.items():
                    if rest[c]:
                        cut = len(join_lines(v)) if v else 0
                        whole = t.grid[r][c].flat
                        for m in RE_BRACKET.finditer(whole):
                            if m.start() < cut < m.end():
                                self.split_brackets.append(m.group())
                self.new_page(header)
                lines = rest
                h = max(1, max((len(v) for v in rest.values()), default=1))
                fresh = True


def text_rendering(src: Source, kind: str) -> tuple[str, Pager | None]:
    """txt-tab, txt-pipe, txt-cells, txt-paragraphs: the whole notice as text."""
    pager = Pager(paged=(kind == "txt-tab"))
    out = pager.out
    tables = 0
    for i, b in enumerate(src.blocks):
        if b[0] == "p":
            _, text, style = b
            if kind == "txt-tab":
                pager.paragraph(text, 2 if style == "body" else 0, page_break_before=starts_page(src, i))
            else:
                out.append(text)
            continue
        t = b[1]
        tables += 1
        if kind in ("txt-tab", "txt-paragraphs"):
            if kind == "txt-paragraphs":        # a table in running text: as in txt-tab, paged
                pager.paged, pager.used = True, 0
            pager.table(t, tables)
            if kind == "txt-paragraphs":
                pager.paged = False
        elif kind == "txt-pipe":
            for r in range(t.nrows):
                out.append("".join(f"{x.flat} |" if k == 0 else f" {x.flat} |"
                                   for k, x in enumerate(t.starts(r))))
        elif kind == "txt-cells":
            for r in range(t.nrows):
                out.extend(f"{x.flat} |" for x in t.starts(r))
                out.append("||")
    return "\n".join(out) + "\n", (pager if kind in ("txt-tab", "txt-paragraphs") else None)


def csv_rendering(src: Source) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for b in sheet_blocks(src, "csv"):
        if b[0] == "p":
            w.writerow([b[1]])
            continue
        t = b[1]
        for r in range(t.nrows):
            row = []
            for c in range(t.ncols):
                x = t.origin(r, c)
                row.append(x.text if x else "")
            w.writerow(row)
    return "\ufeff" + buf.getvalue()


# =========================================================================== DOCX

@dataclass(frozen=True)
class Layout:
    body_pt: float = 12.0
    table_pt: float = 10.5
    margin_mm: float = 25.0


LAYOUTS = [Layout(12, 10.5, 25), Layout(12, 12, 25), Layout(10.5, 10.5, 22), Layout(12, 11, 28),
           Layout(11, 10.5, 26)]


def _run_xml(text: str, *, size: float, font: str = FONT, bold: bool = False, color: str | None = None,
             spacing: int | None = None) -> str:
    rpr = (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
           + ("<w:b/><w:bCs/>" if bold else "")
           + (f'<w:color w:val="{color}"/>' if color else "")
           + (f'<w:spacing w:val="{spacing}"/>' if spacing else "")
           + f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>')
    return (f"<w:r><w:rPr>{rpr}</w:rPr>"
            f'<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>')


def _para_xml(text: str, *, size: float, font: str = FONT, bold: bool = False, color: str | None = None,
              jc: str | None = None, first_indent: float = 0, right_indent: float = 0,
              before: float = 0, after: float = 0, line: float | None = None,
              keep_next: bool = False, page_break_before: bool = False,
              border: str | None = None, spacing: int | None = None) -> str:
    ppr = ""
    if keep_next:
        ppr += "<w:keepNext/>"
    if page_break_before:
        ppr += "<w:pageBreakBefore/>"
    if border:
        ppr += border
    line_attr = f' w:line="{round(line * 20)}" w:lineRule="exact"' if line else ' w:line="240" w:lineRule="auto"'
    ppr += f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}"{line_attr}/>'
    if first_indent or right_indent:
        ppr += (f'<w:ind w:firstLine="{round(first_indent * 20)}"'
                + (f' w:right="{round(right_indent * 20)}"' if right_indent else "") + "/>")
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    run = _run_xml(text, size=size, font=font, bold=bold, color=color, spacing=spacing) if text else ""
    return f'<w:p {nsdecls("w")}><w:pPr>{ppr}</w:pPr>{run}</w:p>'


def _border(edges: tuple[str, ...], color: str = "000000", sz: int = 4) -> str:
    return ("<w:pBdr>" + "".join(f'<w:{e} w:val="single" w:sz="{sz}" w:space="1" w:color="{color}"/>'
                                 for e in edges) + "</w:pBdr>")


def _table_xml(t: Table, text_width_mm: float, size: float, borderless: bool) -> str:
    twips = [round(Mm(text_width_mm * f).twips) for f in t.fracs]
    if borderless:
        borders = "".join(f'<w:{e} w:val="nil"/>' for e in ("top", "left", "bottom", "right",
                                                            "insideH", "insideV"))
    else:
        borders = "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                          for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
    x = [f'<w:tbl {nsdecls("w")}><w:tblPr>'
         f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
         f"<w:tblBorders>{borders}</w:tblBorders>"
         '<w:tblLayout w:type="fixed"/>'
         '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
         '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
         '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
         'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
    x += [f'<w:gridCol w:w="{w}"/>' for w in twips]
    x.append("</w:tblGrid>")
    line = round(size * 1.3, 1)
    for r in range(t.nrows):
        head = r < t.header_rows
        x.append("<w:tr><w:trPr>" + ("<w:tblHeader/>" if head else "") + "</w:trPr>")
        c = 0
        while c < t.ncols:
            cell = t.grid[r][c]
            width = sum(twips[cell.c: cell.c + cell.cs])
            tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if cell.cs > 1:
                tcpr += f'<w:gridSpan w:val="{cell.cs}"/>'
            if cell.rs > 1:
                tcpr += '<w:vMerge w:val="restart"/>' if cell.r == r else "<w:vMerge/>"
            short = max(text_width(p) for p in cell.paras) <= 8
            centred = head or cell.rs > 1 or short
            if centred:
                tcpr += '<w:vAlign w:val="center"/>'
            if cell.r == r:
                paras = "".join(
                    _para_xml(p, size=size, font=FONT_HEI if head else FONT, bold=head, line=line,
                              jc="center" if centred and text_width(p) <= 12 else "both")
                    for p in cell.paras)
            else:
                paras = _para_xml("", size=size, line=line)    # continuation of a vMerge
            x.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{paras}</w:tc>")
            c += cell.cs
        x.append("</w:tr>")
    x.append("</w:tbl>")
    return "".join(x)


def build_docx(src: Source, layout: Layout, *, landscape: bool = False, borderless: bool = False) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
    else:
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Mm(210), Mm(297)
    m = layout.margin_mm
    sec.top_margin = sec.bottom_margin = Mm(m + 2)
    sec.left_margin = sec.right_margin = Mm(m)
    sec.header_distance = sec.footer_distance = Mm(12)
    text_mm = (297 if landscape else 210) - 2 * m

    # defaults: CJK serif font, zh-CN, no paragraph spacing
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" '
                            f'w:eastAsia="{FONT}" w:cs="{FONT}"/>'))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(layout.body_pt)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)

    cp = doc.core_properties
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    cp.title = src.title()
    cp.comments = "Generated by corpus/families/render.py from source.json (zhibiao)"

    body = doc.element.body
    sect_pr = body.find(qn("w:sectPr"))
    bp = layout.body_pt
    line = round(bp * 1.6)                      # 公文: fixed line pitch
    blocks = src.blocks
    for i, b in enumerate(blocks):
        if b[0] == "table":
            t = b[1]
            xml = _table_xml(t, text_mm, layout.table_pt, borderless)
            sect_pr.addprevious(parse_xml(xml))
            continue
        _, text, style = b
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        prev = blocks[i - 1] if i > 0 else None
        if style == "redhead":
            rule = not (nxt and nxt[0] == "p" and nxt[2] in ("redhead", "docnum"))
            xml = _para_xml(text, size=26, bold=True, color="E00000", jc="center", spacing=20,
                            after=6 if rule else 0, line=40,
                            border=_border(("bottom",), "E00000", 18) if rule else None)
        elif style == "docnum":
            rule = bool(prev and prev[0] == "p" and prev[2] == "redhead")
            xml = _para_xml(text, size=bp, jc="center", before=6, after=12 if rule else 6,
                            border=_border(("bottom",), "E00000", 18) if rule else None)
        elif style == "title":
            xml = _para_xml(text, size=18, bold=True, jc="center", before=6, after=12, line=30)
        elif style == "heading":
            xml = _para_xml(text, size=bp, font=FONT_HEI, first_indent=2 * bp, line=line, keep_next=True)
        elif style == "attachment":
            if starts_page(src, i):               # 附件 / 附件2 on a page of its own, 黑体
                xml = _para_xml(text, size=bp + 2, font=FONT_HEI, after=6, keep_next=True,
                                page_break_before=True)
            else:                                  # 附件：… listed under the notice
                xml = _para_xml(text, size=bp, first_indent=2 * bp, line=line)
        elif style == "table_title":
            xml = _para_xml(text, size=16, bold=True, jc="center", before=6, after=10, keep_next=True)
        elif style == "note":
            xml = _para_xml(text, size=layout.table_pt, before=3, first_indent=0, line=round(layout.table_pt * 1.5))
        elif style in ("signature", "date"):
            first = style == "signature" and not (prev and prev[0] == "p" and prev[2] in ("signature", "date"))
            xml = _para_xml(text, size=bp, jc="right", right_indent=4 * bp, before=18 if first else 0,
                            line=line)
        elif style == "cc":
            first = not (prev and prev[0] == "p" and prev[2] == "cc")
            xml = _para_xml(text, size=bp - 1, before=18 if first else 0, line=line,
                            border=_border(("top", "bottom") if first else ("bottom",)))
        else:  # body
            xml = _para_xml(text, size=bp, first_indent=2 * bp, jc="both", line=line)
        sect_pr.addprevious(parse_xml(xml))

    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes, fix=None) -> bytes:
    """Rewrite an OOXML zip with fixed timestamps and sorted entries (byte-identical runs)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            content = src.read(name)
            if fix:
                content = fix(name, content)
            zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, content)
    return out.getvalue()


# =========================================================================== HTML

HTML_CSS = """
body{margin:0;font-family:"Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:14px;color:#333;background:#eef2f6}
a{color:#333;text-decoration:none}
.top{background:#b40000;color:#fff;font-size:12px;line-height:30px}
.w{width:1100px;margin:0 auto}
.top a{color:#fff;margin-left:12px}
.head{background:linear-gradient(#d7261e,#b40000);color:#fff;height:120px}
.head .w{display:flex;justify-content:space-between;align-items:center;height:120px}
.head .logo{font-size:30px;font-weight:bold;letter-spacing:3px;font-family:"Noto Serif CJK SC",serif}
.head form{flex:none}
.nav{background:#8f0000}
.nav ul{list-style:none;padding:0;margin:0 auto;height:46px;width:1100px;display:flex;justify-content:space-between}
.nav li{flex:1;text-align:center;line-height:46px}
.nav li a{color:#fff;font-size:16px}
.crumb{padding:12px 0;font-size:13px}
.main{background:#fff;padding:30px 60px;min-height:600px}
table.xxgk{width:100%;border-collapse:collapse;background:#f8fbff;margin-bottom:24px}
table.xxgk td{border:1px solid #d8e3f0;padding:6px 10px;font-size:13px}
table.xxgk td.k{width:90px;color:#666;text-align:right;white-space:nowrap}
h1{font-size:24px;text-align:center;color:#c00;line-height:38px;margin:20px 0}
.info{text-align:center;color:#888;font-size:12px;border-bottom:1px dashed #ccc;padding-bottom:10px;margin-bottom:20px}
.content p{text-indent:2em;line-height:2;margin:0;font-size:16px}
.content p.n{text-indent:0}
.content p.r{text-align:right;padding-right:4em}
.content p.c{text-align:center;text-indent:0;font-weight:bold;font-size:18px}
.content p.red{text-align:center;text-indent:0;color:#e00;font-size:30px;font-weight:bold;letter-spacing:4px}
.content p.h{font-weight:bold}
.content p.note{font-size:14px;text-indent:0}
.content p.cc{text-indent:0;border-top:1px solid #000;border-bottom:1px solid #000}
.share{position:fixed;right:20px;top:280px;width:80px;padding:8px;border:1px solid #ddd;background:#fff;font-size:12px;color:#666;text-align:center;line-height:22px}
.share a{display:block;color:#1f5ea8}
table.zb{width:100%;border-collapse:collapse;margin:10px 0;font-size:14px}
table.zb td{border:1px solid #000;padding:4px 6px;vertical-align:middle;line-height:1.6}
.foot{background:#8f0000;color:#eed;font-size:12px;padding:18px 0;text-align:center;line-height:24px;margin-top:30px}
.foot a{color:#fff;margin:0 8px}
"""


def e(text: str) -> str:
    return html.escape(text, quote=True)


def organ_of(src: Source) -> str:
    for style in ("signature", "redhead"):
        for b in src.blocks:
            if b[0] == "p" and b[2] == style and b[1].strip():
                text = b[1].strip()
                return text[:-2] if style == "redhead" and text.endswith("文件") else text
    return "某某市人民政府"


def html_table(t: Table) -> list[str]:
    h = ['<table class="zb" border="1" cellspacing="0" cellpadding="0" width="100%">', "<colgroup>"]
    h += [f'<col width="{round(f * 100, 1)}%">' for f in t.fracs]
    h += ["</colgroup>", "<tbody>"]
    for r in range(t.nrows):
        tds = []
        for x in t.starts(r):
            attrs = (f' rowspan="{x.rs}"' if x.rs > 1 else "") + (f' colspan="{x.cs}"' if x.cs > 1 else "")
            inner = "<br>".join(e(p) for p in x.paras)
            if r < t.header_rows:
                tds.append(f'<td{attrs} style="text-align:center;background:#f2f2f2"><strong>{inner}</strong></td>')
            else:
                short = max(text_width(p) for p in x.paras) <= 8
                style = ' style="text-align:center"' if short else ""
                tds.append(f"<td{attrs}{style}>{inner}</td>")
        h.append("<tr>" + "".join(tds) + "</tr>")
    h += ["</tbody>", "</table>"]
    return h


def html_rendering(src: Source) -> str:
    organ = organ_of(src)
    blocks = src.blocks
    # the title printed as the page's <h1>: the leading title block(s)
    title_idx = [i for i, b in enumerate(blocks) if b[0] == "p" and b[2] == "title"]
    lead = []
    for i in title_idx:
        if not lead or i == lead[-1] + 1:
            lead.append(i)
        else:
            break
    title = "".join(blocks[i][1] for i in lead) or src.title()
    docnum = next((b[1] for b in blocks if b[0] == "p" and b[2] == "docnum"), "")
    date = next((b[1] for b in blocks if b[0] == "p" and b[2] == "date"), "")
    digest = int(hashlib.sha256(src.id.encode()).hexdigest()[:6], 16) % 100000

    h: list[str] = []
    w = h.append
    w("<!DOCTYPE html>")
    w('<html lang="zh-CN">')
    w("<head>")
    w('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">')
    w('<meta http-equiv="X-UA-Compatible" content="IE=edge">')
    w(f'<meta name="ArticleTitle" content="{e(title)}">')
    w(f'<meta name="ContentSource" content="{e(organ)}">')
    w(f"<title>{e(title)}_通知公告_{e(organ)}</title>")
    w(f"<style>{HTML_CSS}</style>")
    w("</head>")
    w("<body>")
    w("<!-- 示例：本页的网站外框（页头、导航、面包屑、信息公开目录、分享、页脚）均为虚构，"
      "正文据 source.json 生成 -->")
    w('<div class="top"><div class="w">您好，欢迎访问' + e(organ) + "网站"
      '<span style="float:right"><a href="/sitemap/">网站地图</a><a href="#">无障碍</a>'
      '<a href="#">长者模式</a><a href="#">简体</a>|<a href="#">繁體</a></span></div></div>')
    w('<div class="head"><div class="w"><span class="logo">' + e(organ) + "</span>"
      '<form action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键词">'
      ' <button type="submit">搜索</button></form></div></div>')
    w('<div class="nav"><ul>' + "".join(
        f'<li><a href="{href}">{t}</a></li>' for t, href in [
            ("首页", "/"), ("机构概况", "/jggk/"), ("政务公开", "/zwgk/"), ("政务服务", "/zwfw/"),
            ("互动交流", "/hdjl/"), ("专题专栏", "/ztzl/"), ("数据发布", "/sjfb/"), ("法治建设", "/fzjs/")])
      + "</ul></div>")
    w('<div class="w"><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
      ' &gt; <a href="/zwgk/tzgg/">通知公告</a> &gt; 正文</div>')
    w('<div class="main">')
    w('<table class="xxgk">')
    w(f'<tr><td class="k">索&nbsp;引&nbsp;号：</td><td>000000000/2024-{digest:05d}（示例）</td>'
      f'<td class="k">主题分类：</td><td>政务公开</td></tr>')
    w(f'<tr><td class="k">发布机构：</td><td>{e(organ)}</td>'
      f'<td class="k">成文日期：</td><td>{e(date)}</td></tr>')
    w(f'<tr><td class="k">名&nbsp;&nbsp;&nbsp;&nbsp;称：</td><td colspan="3">{e(title)}</td></tr>')
    w(f'<tr><td class="k">文&nbsp;&nbsp;&nbsp;&nbsp;号：</td><td>{e(docnum)}</td>'
      f'<td class="k">发布日期：</td><td>{e(date)}</td></tr>')
    w("</table>")
    w("<h1>" + "<br>".join(e(blocks[i][1]) for i in lead) + "</h1>" if lead else f"<h1>{e(title)}</h1>")
    w(f'<div class="info">来源：{e(organ)}　　浏览次数：<span id="hits">0</span>　　'
      '【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】　'
      '<a href="javascript:window.print()">【打印】</a></div>')
    w('<div class="share">分享到：<a href="#" class="wx">微信</a><a href="#" class="wb">微博</a></div>')
    w('<div class="content" id="zoom">')
    cls = {"redhead": "red", "docnum": "c", "title": "c", "body": "", "heading": "h",
           "attachment": "n", "table_title": "c", "note": "note", "signature": "r", "date": "r",
           "cc": "cc"}
    for i, b in enumerate(blocks):
        if i in lead:
            continue
        if b[0] == "table":
            h.extend(html_table(b[1]))
            continue
        c = cls[b[2]]
        w(f'<p class="{c}">{e(b[1])}</p>' if c else f"<p>{e(b[1])}</p>")
    w("</div>")
    w('<div style="text-align:right;margin-top:20px"><a href="javascript:window.print()">【打印本页】</a>'
      '　<a href="javascript:window.close()">【关闭窗口】</a></div>')
    w("</div></div>")
    w('<div class="foot"><div class="w">'
      '<a href="/about/">关于我们</a>|<a href="/sitemap/">网站地图</a>|<a href="/about/mzsm/">免责声明</a>|'
      '<a href="/about/lxwm/">联系我们</a><br>'
      f"版权所有：{e(organ)}　　主办：{e(organ)}　　地址：某某市某某路1号（示例）<br>"
      "网站标识码：0000000000（示例）　　某ICP备00000000号（示例）　　某公网安备00000000000000号（示例）<br>"
      "建议使用1366×768分辨率及以上浏览本站</div></div>")
    w("</body>")
    w("</html>")
    return "\n".join(h) + "\n"


# =========================================================================== XLSX

def sheet_name(text: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", text).strip() or "Sheet1"
    return name[:31]


def xlsx_value(text: str):
    m = RE_NUMBER.match(text)
    if not m:
        return text, None
    if m.group(2):
        return float(text), "0." + "0" * (len(m.group(2)) - 1)
    return int(text), None


def xlsx_rendering(src: Source) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    first_table = next(b[1] for b in src.blocks if b[0] == "table")
    ncols = max(t.ncols for t in src.tables)
    ws.title = sheet_name(src.title())
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=10.5)
    bold = Font(name="宋体", size=10.5, bold=True)
    wrap_left = Alignment(wrap_text=True, vertical="center", horizontal="left")
    wrap_centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    total_units = 120.0
    col_units = [max(6.0, round(total_units * f, 1)) for f in first_table.fracs]
    for c in range(ncols):
        ws.column_dimensions[get_column_letter(c + 1)].width = col_units[c] if c < len(col_units) else 12

    def units(c0: int, cs: int) -> float:
        return sum(col_units[c] if c < len(col_units) else 12 for c in range(c0, c0 + cs))

    def lines_for(text: str, width_units: float) -> int:
        cap = max(1.0, width_units / 2.0 - 0.5)        # a CJK character is ~2 width units
        return sum(len(wrap(p, cap)) for p in text.split("\n"))

    row = 1
    for b in sheet_blocks(src, "xlsx"):
        if b[0] == "p":
            _, text, style = b
            cell = ws.cell(row=row, column=1, value=text)
            if style == "table_title":
                cell.font = Font(name="宋体", size=16, bold=True)
                cell.alignment = wrap_centre
                ws.row_dimensions[row].height = 30
            else:
                cell.font = bold if style == "heading" else font
                cell.alignment = wrap_left
                ws.row_dimensions[row].height = 15 * max(1, lines_for(text, units(0, ncols)))
            if ncols > 1:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
            row += 1
            continue
        t = b[1]
        top = row
        for r in range(t.nrows):
            n_lines = 1
            for c in range(t.ncols):
                ws.cell(row=top + r, column=c + 1).border = box
            for x in t.starts(r):
                value, fmt = xlsx_value(x.text)
                cell = ws.cell(row=top + r, column=x.c + 1, value=value)
                if fmt:
                    cell.number_format = fmt
                head = r < t.header_rows
                cell.font = bold if head else font
                short = max(text_width(p) for p in x.paras) <= 8
                cell.alignment = wrap_centre if head or short or x.rs > 1 else wrap_left
                if x.rs > 1 or x.cs > 1:
                    ws.merge_cells(start_row=top + r, start_column=x.c + 1,
                                   end_row=top + r + x.rs - 1, end_column=x.c + x.cs)
                if x.rs == 1:
                    n_lines = max(n_lines, lines_for(x.text, units(x.c, x.cs)))
            ws.row_dimensions[top + r].height = round(14.25 * n_lines, 2)
        if t is first_table and t.header_rows:
            ws.freeze_panes = ws.cell(row=top + t.header_rows, column=1)
            ws.print_title_rows = f"{top}:{top + t.header_rows - 1}"
        row = top + t.nrows
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    p = wb.properties
    p.creator = AUTHOR
    p.lastModifiedBy = AUTHOR
    p.created = FIXED_TIME
    p.modified = FIXED_TIME
    p.title = src.title()
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def fix(name: str, content: bytes) -> bytes:
        if name == "docProps/core.xml":       # openpyxl stamps 'modified' with the time of saving
            content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                             rb"\g<1>" + stamp + rb"\g<2>", content)
        return content

    return normalise_zip(buf.getvalue(), fix)


# =========================================================================== PDF via LibreOffice

def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        sys.exit("render.py: LibreOffice 'soffice' is not on PATH (apt-get install libreoffice-writer fonts-noto-cjk)")
    return exe


def to_pdf(paths: list[Path], outdir: Path) -> None:
    """Convert with a throw-away LibreOffice profile (no clash with a running instance)."""
    if not paths:
        return
    with tempfile.TemporaryDirectory(prefix="zhibiao-lo-") as profile:
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, paths)]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
        if res.returncode != 0:
            sys.exit(f"render.py: soffice failed ({res.returncode}): {res.stderr.strip()}")
    for p in paths:
        if not (outdir / (p.stem + ".pdf")).exists():
            sys.exit(f"render.py: soffice did not write {outdir / (p.stem + '.pdf')}")


def pdf_pages(path: Path) -> list[str]:
    if not shutil.which("pdftotext"):
        sys.exit("render.py: pdftotext (poppler-utils) is needed")
    res = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    pages = res.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


# =========================================================================== --check

WS = re.compile(r"\s+")


def squash(text: str) -> str:
    return WS.sub("", text)


class Page:
    """A page's text without whitespace, remembering where whitespace was (the boundaries
    between lines, cells and words: a fragment of a broken cell starts and ends on one)."""

    def __init__(self, text: str):
        parts = WS.split(text)
        self.text = "".join(parts)
        self.bounds = {0, len(self.text)}
        pos = 0
        for part in parts:
            pos += len(part)
            self.bounds.add(pos)

    def ends_with_prefix(self, t: str) -> int:
        """Length of the longest prefix of t found here ending on a boundary (0: none)."""
        n = longest_prefix_in(t, self.text)
        while n > 0:
            i = self.text.find(t[:n])
            while i >= 0:
                if i + n in self.bounds:
                    return n
                i = self.text.find(t[:n], i + 1)
            n -= 1
        return 0

    def starts_with_suffix(self, t: str) -> int:
        """Start of the longest suffix of t found here starting on a boundary (len(t): none)."""
        b = shortest_suffix_in(t, self.text)
        while b < len(t):
            i = self.text.find(t[b:])
            while i >= 0:
                if i in self.bounds:
                    return b
                i = self.text.find(t[b:], i + 1)
            b += 1
        return len(t)


def longest_prefix_in(t: str, page: str) -> int:
    """Length of the longest prefix of t that occurs in page (monotone: binary search)."""
    lo, hi = 0, len(t)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if t[:mid] in page:
            lo = mid
        else:
            hi = mid - 1
    return lo


def shortest_suffix_in(t: str, page: str) -> int:
    """Start of the longest suffix of t that occurs in page (len(t) when none does)."""
    lo, hi = 0, len(t)
    while lo < hi:
        mid = (lo + hi) // 2
        if t[mid:] in page:
            hi = mid
        else:
            lo = mid + 1
    return lo


def locate(t: str, pages: list[Page]) -> tuple[str, list[int]]:
    """'whole' if t is on one page; 'split' with the cut positions if it runs on over consecutive
    pages (first part ending page k's fragment, the rest starting a fragment on page k+1, …);
    'missing' otherwise. When the characters around the cut also occur next to it by chance,
    the cut is taken at the end of the longer fragment."""
    if not t:
        return "whole", []
    for p in pages:
        if t in p.text:
            return "whole", []
    best = None
    for k in range(len(pages) - 1):
        if longest_prefix_in(t, pages[k].text) == 0:
            continue
        a = pages[k].ends_with_prefix(t)
        if a == 0:
            continue
        b = pages[k + 1].starts_with_suffix(t)
        if b <= a and b < len(t) and (best is None or a - b < best[0]):
            best = (a - b, b, a)
    if best is not None:
        _, b, a = best
        return "split", [a if a >= len(t) - b else b]
    # three pages or more: a chain of fragments
    for k in range(len(pages) - 2):
        pos = pages[k].ends_with_prefix(t)
        if pos == 0:
            continue
        cuts, kk = [], k + 1
        while pos < len(t) and kk < len(pages):
            ext = longest_prefix_in(t[pos:], pages[kk].text)
            if ext == 0:
                break
            cuts.append(pos)
            pos += ext
            kk += 1
        if pos == len(t) and len(cuts) >= 2:
            return "split", cuts
    return "missing", []


class _HTMLText(HTMLParser):
    BLOCK = {"p", "div", "tr", "td", "th", "li", "h1", "h2", "h3", "table", "br", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def xlsx_cell_text(cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        m = re.fullmatch(r"0\.(0+)", cell.number_format or "")
        return f"{v:.{len(m.group(1))}f}" if m else repr(v)
    return str(v)


def rendering_text(path: Path, variant: str) -> list[str]:
    """The rendering's text, as pages (one page for formats without pages)."""
    if variant.startswith("pdf"):
        return pdf_pages(path)
    if variant.startswith("docx"):
        doc = Document(str(path))
        return ["\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                          for p in doc.element.body.iter(qn("w:p")))]
    if variant == "xlsx":
        wb = openpyxl.load_workbook(str(path))
        out = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                out.append("\t".join(xlsx_cell_text(c) for c in row))
        return ["\n".join(out)]
    if variant == "html":
        parser = _HTMLText()
        parser.feed(path.read_text(encoding="utf-8"))
        return ["".join(parser.parts)]
    if variant == "csv":
        raw = path.read_bytes()
        if not raw.startswith(b"\xef\xbb\xbf"):
            raise ValueError("no UTF-8 BOM")
        return [raw.decode("utf-8-sig")]
    text = path.read_bytes().decode("gb18030" if variant.endswith("-gb18030") else "utf-8")
    if variant.startswith("txt-tab") or variant.startswith("txt-paragraphs"):
        return re.split(r"\n\n", text)          # simulated pages end with a blank line
    return [text]


def expected_items(src: Source, variant: str) -> list[tuple[str, Cell | None, int]]:
    """(text, cell, table number) a reader must find in this rendering."""
    items: list[tuple[str, Cell | None, int]] = []
    if variant in ("xlsx", "csv"):
        chosen = list(enumerate(sheet_blocks(src, variant)))
    else:
        chosen = list(enumerate(src.blocks))
    n = 0
    for _i, b in chosen:
        if b[0] == "p":
            items.append((b[1], None, 0))
        else:
            n = src.tables.index(b[1]) + 1
            items.extend((x.text, x, n) for x in b[1].cells)
    return items


def check_one(src: Source, folder: Path) -> bool:
    ok = True
    print(f"{src.id}:")
    for variant in src.renderings:
        path = folder / f"{src.id}{VARIANTS[variant]}"
        if not path.exists():
            print(f"  {path.name}: MISSING FILE")
            ok = False
            continue
        try:
            pages = rendering_text(path, variant)
        except Exception as exc:  # noqa: BLE001 - report any unreadable rendering
            print(f"  {path.name}: UNREADABLE ({exc})")
            ok = False
            continue
        squashed = [Page(p) for p in pages]
        whole = "".join(p.text for p in squashed)
        missing: list[str] = []
        broken: set[tuple[int, int]] = set()
        cut_merged = 0
        brackets: list[str] = []
        for text, cell, tno in expected_items(src, variant):
            t = squash(text)
            if len(pages) == 1:
                if t not in whole:
                    missing.append(text)
                continue
            where, cuts = locate(t, squashed)
            if where == "missing":
                missing.append(text)
            elif where == "split" and cell is not None:
                if cell.rs == 1:
                    broken.add((tno, cell.r))
                else:
                    cut_merged += 1
                for m in RE_BRACKET.finditer(t):
                    if any(m.start() < c < m.end() for c in cuts):
                        brackets.append(m.group())
        paged = variant.startswith(("pdf", "txt-tab", "txt-paragraphs")) and len(pages) > 1
        info = ""
        if variant.startswith("pdf") and not src.tables:
            info = f" pages {len(pages)}, no table"
        elif variant.startswith("pdf") or paged:
            rows = ", ".join(f"t{tno}r{r}" for tno, r in sorted(broken))
            info = (f" pages {len(pages)}, rows broken across a page {len(broken)}"
                    + (f" ({rows})" if rows else "")
                    + (f", merged cells cut {cut_merged}" if cut_merged else "")
                    + ", points bracket split by a page break: "
                    + (", ".join(brackets) if brackets else "none"))
        if missing:
            ok = False
            print(f"  {path.name}: {len(missing)} TEXTS MISSING{info}")
            for text in missing[:8]:
                print(f"      missing: {text[:60]!r}")
        else:
            print(f"  {path.name}: ok{info}")
    return ok


# =========================================================================== rendering

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def pdf_broken_rows(src: Source, pdf: Path) -> int:
    pages = [Page(p) for p in pdf_pages(pdf)]
    broken = set()
    for tno, t in enumerate(src.tables, 1):
        for x in t.cells:
            if x.rs == 1 and x.r >= t.header_rows and locate(squash(x.text), pages)[0] == "split":
                broken.add((tno, x.r))
    return len(broken)


def render_pdfs(jobs: list[tuple[Source, str]], tmp: Path) -> dict[tuple[str, str], tuple[Layout, Path]]:
    """For every (source, 'pdf'|'pdf-borderless'): the first layout (font size, margins) whose PDF
    breaks at least one table row across a page; the first layout when none does."""
    chosen: dict[tuple[str, str], tuple[Layout, Path]] = {}
    pending = list(jobs)
    for n, layout in enumerate(LAYOUTS):
        if not pending:
            break
        folder = tmp / f"layout{n}"
        folder.mkdir()
        docs = []
        for src, kind in pending:
            p = folder / f"{src.id}.{kind}.docx"
            p.write_bytes(build_docx(src, layout, borderless=(kind == "pdf-borderless")))
            docs.append(p)
        to_pdf(docs, folder)
        still = []
        for (src, kind), p in zip(pending, docs):
            pdf = p.with_suffix(".pdf")
            if (src.id, kind) not in chosen:
                chosen[(src.id, kind)] = (layout, pdf)          # fallback: the first layout
            if not src.tables or pdf_broken_rows(src, pdf) > 0:
                chosen[(src.id, kind)] = (layout, pdf)
            elif n + 1 < len(LAYOUTS):
                still.append((src, kind))
        pending = still
    return chosen


def render(sources: list[Source], root: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="zhibiao-families-") as tmpname:
        tmp = Path(tmpname)
        jobs = [(s, k) for s in sources for k in ("pdf", "pdf-borderless") if k in s.renderings]
        if jobs:
            soffice()
        pdfs = render_pdfs(jobs, tmp)
        for src in sources:
            folder = root / src.id
            written: dict[str, bytes | Path] = {}
            layout = pdfs[(src.id, "pdf")][0] if (src.id, "pdf") in pdfs else LAYOUTS[0]
            for variant in src.renderings:
                if variant == "docx":
                    written[variant] = build_docx(src, layout)
                elif variant == "docx-landscape":
                    written[variant] = build_docx(src, LAYOUTS[0], landscape=True)
                elif variant in ("pdf", "pdf-borderless"):
                    written[variant] = pdfs[(src.id, variant)][1]
                elif variant == "html":
                    written[variant] = html_rendering(src).encode("utf-8")
                elif variant == "xlsx":
                    written[variant] = xlsx_rendering(src)
                elif variant == "csv":
                    written[variant] = csv_rendering(src).encode("utf-8")
                else:
                    kind = variant.removesuffix("-gb18030")
                    text, pager = text_rendering(src, kind)
                    written[variant] = text.encode("gb18030" if variant.endswith("-gb18030") else "utf-8")
                    if pager and pager.broken_rows and not variant.endswith("-gb18030"):
                        print(f"  {src.id} {variant}: {len(pager.broken_rows)} rows broken across a "
                              f"simulated page, brackets split: {', '.join(pager.split_brackets) or 'none'}")
            keep = {f"{src.id}{VARIANTS[v]}" for v in written}
            for old in folder.iterdir():                    # renderings no longer listed
                if old.name not in keep and old.name.startswith(src.id + ".") and \
                        any(old.name == f"{src.id}{s}" for s in VARIANTS.values()):
                    old.unlink()
            for variant, data in written.items():
                target = folder / f"{src.id}{VARIANTS[variant]}"
                if isinstance(data, Path):
                    shutil.copyfile(data, target)
                else:
                    write_if_changed(target, data)
                note = ""
                if variant.startswith("pdf"):
                    lay = pdfs[(src.id, variant)][0]
                    note = f"  (body {lay.body_pt} pt, table {lay.table_pt} pt, margins {lay.margin_mm} mm)"
                print(f"  {target.relative_to(root.parent)}  {target.stat().st_size:>9,d} bytes{note}")


def write_manifest(root: Path, sources: list[Source]) -> None:
    old = root / "manifest.json"
    # a rendering's known_gap (tests/test_families.py: a strict expected failure) is kept across renders
    gaps = {x["file"]: x["known_gap"] for r in (json.loads(old.read_text(encoding="utf-8"))["rubrics"]
                                                 if old.exists() else []) for x in r["renderings"] if "known_gap" in x}
    entries = []
    for src in sorted(sources, key=lambda s: s.id):
        rend = []
        for variant in src.renderings:
            p = root / src.id / f"{src.id}{VARIANTS[variant]}"
            if p.exists():
                rend.append({"file": f"{src.id}/{p.name}", "variant": variant, "sha256": sha256(p)})
                if rend[-1]["file"] in gaps:
                    rend[-1]["known_gap"] = gaps[rend[-1]["file"]]
        entries.append({"id": src.id, "family": src.family, "based_on": src.based_on,
                        "completed": src.completed, "renderings": rend})
    data = {
        "description": "Rubric families: one entry per corpus/families/<id>/source.json, with the "
                       "renderings made from it by corpus/families/render.py (file relative to this "
                       "folder; PDF bytes vary between runs, their text does not).",
        "rubrics": entries,
    }
    (root / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ids", nargs="*", help="source ids (default: all)")
    ap.add_argument("--check", action="store_true", help="verify the renderings instead of writing them")
    ap.add_argument("--root", type=Path, default=HERE, help="the families folder (default: this one)")
    ap.add_argument("--every-variant", action="store_true",
                    help="besides the renderings a source lists, write every variant its content allows "
                         "(all table variants for a source with tables; the text, Word, PDF and web variants "
                         "for one printed as paragraphs)")
    args = ap.parse_args(argv)
    root: Path = args.root.resolve()
    paths = sorted(root.glob("*/source.json"))
    if args.ids:
        wanted = set(args.ids)
        unknown = wanted - {p.parent.name for p in paths}
        if unknown:
            print(f"render.py: no source.json for {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
    all_sources, problems = [], []
    for p in paths:
        try:
            all_sources.append(load_source(p))
        except SourceError as exc:
            problems.append(str(exc))
    for msg in problems:
        print(f"MALFORMED SOURCE: {msg}", file=sys.stderr)
    if args.every_variant:
        for src in all_sources:
            extra = EVERY_TABLE if src.tables else EVERY_PARAGRAPHS
            src.renderings = list(dict.fromkeys(list(src.renderings) + list(extra)))
    selected = [s for s in all_sources if not args.ids or s.id in args.ids]
    if args.check:
        ok = all([check_one(s, root / s.id) for s in selected])
        return 0 if ok and not problems else 1
    print(f"render.py: {len(selected)} source(s) in {root}")
    render(selected, root)
    write_manifest(root, all_sources)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
