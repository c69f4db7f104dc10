#!/usr/bin/env python3
"""Adversarial renderings of the family rubrics: held-out layouts written apart from the code.

Usage, from the repository root::

    .venv/bin/python corpus/adversary_render.py OUTDIR [--id ID ...] [--variant V ...]

The content is ``corpus/families/<id>/source.json`` (read with ``render.py``'s ``load_source``,
nothing else of it); the layouts are this module's own: a DOCX written as raw WordprocessingML
(``vMerge`` label cells, ``gridSpan``, ``tblHeader`` header rows, rows free to break), the same
DOCX converted to PDF by LibreOffice on A5 pages (rows and merged cells cut by page breaks; ruled
or borderless), an XLSX made with openpyxl (merged level cells, title and form rows above, 注 rows
below, numbers as numbers and as text, a hidden helper column, the rubric on the second sheet),
and a web page (``rowspan``/``colspan``, ``<br>`` inside cells, ``&nbsp;``, the table nested in
layout ``<div>``\\ s), also printed to PDF by Chromium as staff save a web notice (``webpdf``).

Transforms of the table, before it is laid out (each keeps or states the expected catalogue):

- ``seq``: a 序号 column in front; an item's own marker (``1.``, ``（一）``) moves out of its
  cell into the 序号 cell of its row, printed verbatim. Golden unchanged (FORMAT: a 序号 cell is
  the marker of the indicator printed in that row).
- ``colpoints``: the points leave the items' text and stand in a 分值 column: a table without a
  points column gets one after its last label column (a final ``（N分）`` of the cell moves
  there); points in a column are printed in words ``五分``, full-width ``１０``, or with 分, in
  turn (``words``), or plain (``plain``, stored as numbers and as text in the XLSX). Golden
  unchanged (no flag for column points).
- ``fwdigits`` / ``halfwidth``: a final points bracket with full-width digits ``（１０分）`` / in
  half-width brackets ``(10分)``. Golden unchanged.
- ``unnumbered``: the markers of the label columns removed (一级/二级/三级 columns with no
  numbering). Expected: marker null, ``number`` the position among siblings, flag
  ``number_from_position``, ids renumbered (derived from the golden, see ``expected``).
- ``remarks``: a 备注 column at the end, with a numbered list of two paragraphs on every third
  item row. Expected: that text in the item's ``notes``.
- ``multirule``: every second 评分标准 cell holds numbered rules (``1.`` + the rule, a second
  paragraph ``2.材料弄虚作假的，该项不得分。``). Expected: that ``criteria``, ``deduction`` null.

Deterministic: DOCX/XLSX/HTML bytes are the same on every run (fixed zip times and properties);
a PDF's text is stable, its bytes are not (LibreOffice stamps them).
"""

from __future__ import annotations

import argparse
import copy
import html
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
FAMILIES = HERE / "families"
ZIP_TIME = (2024, 3, 1, 8, 0, 0)


def _load_source_reader():
    spec = importlib.util.spec_from_file_location("families_render_src", FAMILIES / "render.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["families_render_src"] = mod
    spec.loader.exec_module(mod)
    return mod.load_source


load_source = _load_source_reader()

# ============================================================================ own table model


@dataclass
class XCell:
    text: str
    r: int
    c: int
    rs: int = 1
    cs: int = 1


@dataclass
class XTable:
    header_rows: int
    ncols: int
    nrows: int
    cells: list[XCell]
    widths: list[float]
    hidden: set[int] = field(default_factory=set)        # columns hidden in the XLSX

    def grid(self) -> list[list[XCell | None]]:
        g: list[list[XCell | None]] = [[None] * self.ncols for _ in range(self.nrows)]
        for x in self.cells:
            for r in range(x.r, x.r + x.rs):
                for c in range(x.c, x.c + x.cs):
                    g[r][c] = x
        return g

    def header(self, c: int) -> str:
        g = self.grid()
        x = g[self.header_rows - 1][c] if self.header_rows else None
        return re.sub(r"\s", "", x.text) if x else ""


@dataclass
class Doc:
    id: str
    blocks: list                     # ("p", text, style) | ("table", XTable)
    edits: list[dict] = field(default_factory=list)   # how the expected catalogue differs from the golden

    @property
    def tables(self) -> list[XTable]:
        return [b[1] for b in self.blocks if b[0] == "table"]


def to_doc(src) -> Doc:
    blocks: list = []
    for b in src.blocks:
        if b[0] == "p":
            blocks.append(b)
        else:
            t = b[1]
            cells = [XCell(x.text, x.r, x.c, x.rs, x.cs) for x in t.cells]
            blocks.append(("table", XTable(t.header_rows, t.ncols, t.nrows, cells, [f * 100 for f in t.fracs])))
    return Doc(src.id, blocks)


# ============================================================================ column roles

POINTS_HEADS = ("分值", "分数", "标准分", "总分值", "权重", "分值（分）", "分值(分)", "标准分值", "基本分")
SCORE_HEADS = ("得分", "自评得分", "考核得分", "实际得分", "评分", "扣分")
RULE_HEADS = ("评分标准", "评分细则", "评分要点", "扣分标准", "考核标准", "计分方法", "评分办法", "评分方法",
              "考核评分标准", "评分标准及扣分", "评分依据")
NOTE_HEADS = ("备注", "说明", "指标解释", "指标说明", "考核方式", "考核方法", "考核依据", "佐证材料")
OTHER_HEADS = ("序号", "责任单位", "责任科室", "牵头单位", "责任部门")


def role(head: str) -> str:
    if head in POINTS_HEADS or head.startswith(("分值", "权重")):  # 权重（%）
        return "points"
    if head in SCORE_HEADS:
        return "score"
    if head in RULE_HEADS or head.startswith("评分标准"):
        return "rule"
    if head in NOTE_HEADS:
        return "note"
    if head in OTHER_HEADS:
        return "other"
    return "label"


def label_columns(t: XTable) -> list[int]:
    return [c for c in range(t.ncols) if role(t.header(c)) == "label"]


def insert_column(t: XTable, k: int, head: str, ref: int, fn, width: float = 8.0) -> None:
    """A new column at index k; its body cells follow the rows of column ref's cells (ref counted
    before the insertion): fn(cell of ref) -> text. A cell spanning across k grows by one."""
    for x in t.cells:
        if x.c >= k:
            x.c += 1
        elif x.c + x.cs > k:
            x.cs += 1
    t.ncols += 1
    t.widths.insert(k, width)
    t.hidden = {c + 1 if c >= k else c for c in t.hidden}
    ref = ref + 1 if ref >= k else ref
    g = t.grid()
    for r in range(t.header_rows):
        if g[r][k] is None:
            t.cells.append(XCell(head, r, k, t.header_rows - r, 1))
            break
    g = t.grid()
    for r in range(t.header_rows, t.nrows):
        if g[r][k] is not None:
            continue
        x = g[r][ref]
        run = 1
        if x is not None and x.r == r:
            while r + run < x.r + x.rs and g[r + run][k] is None:
                run += 1
        text = fn(x) if x is not None and x.r == r else ""
        nc = XCell(text, r, k, run, 1)
        t.cells.append(nc)
        for rr in range(r, r + run):
            g[rr][k] = nc
    t.cells.sort(key=lambda x: (x.r, x.c))


# ============================================================================ transforms

RE_MARKER = re.compile(r"^\s*(第[一二三四五六七八九十百]+条|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、"
                       r"|[（(]\d+[）)]|\d+[.、．](?!\d)|[①-⑳])\s*")
RE_POINTS_END = re.compile(r"([（(])\s*(\d+(?:\.\d+)?)\s*分\s*([）)])$")
RE_TOTAL = re.compile(r"^\s*(合\s*计|总\s*计|总\s*分)")
CN = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一",
      12: "十二", 13: "十三", 14: "十四", 15: "十五", 16: "十六", 18: "十八", 20: "二十", 24: "二十四",
      25: "二十五", 30: "三十", 40: "四十", 50: "五十", 100: "一百"}
FW = str.maketrans("0123456789", "０１２３４５６７８９")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def one_item(text: str) -> bool:
    """A cell that prints at most one points bracket: one item (cells listing several are left alone)."""
    return len(re.findall(r"分\s*[）)]", text)) <= 1


def body_cells(t: XTable):
    return [x for x in t.cells if x.r >= t.header_rows]


def _leaf_col(t: XTable) -> int | None:
    labels = label_columns(t)
    return labels[-1] if labels else None


def t_seq(doc: Doc) -> None:
    for t in doc.tables:
        leaf = _leaf_col(t)
        if leaf is None or any(t.header(c) == "序号" for c in range(t.ncols)):
            continue

        def fn(x: XCell, leaf: int = leaf) -> str:
            paras = x.text.split("\n")
            if x.c != leaf + 1 or x.cs != 1 or not one_item(x.text):   # ref index shifted by the insertion at 0
                return ""
            m = RE_MARKER.match(paras[0])
            if not m or any(RE_MARKER.match(p) for p in paras[1:]) or not paras[0][m.end():].strip():
                return ""
            paras[0] = paras[0][m.end():]
            x.text = "\n".join(paras)
            return m.group(1)
        insert_column(t, 0, "序号", leaf, fn, width=6)


def _cn_points(v: str, k: int) -> str:
    style = k % 3
    if style == 0 and "." not in v and int(v) in CN:
        return CN[int(v)] + "分"
    if style == 1:
        return v.translate(FW)
    return v + "分"


def t_colpoints(doc: Doc, words: bool) -> None:
    k = 0
    for t in doc.tables:
        cols = [c for c in range(t.ncols) if role(t.header(c)) == "points"]
        if cols:
            if not words:
                continue
            for x in body_cells(t):
                if x.c in cols and re.fullmatch(r"\d+(?:\.\d+)?", x.text.strip()):
                    x.text = _cn_points(x.text.strip(), k)
                    k += 1
            continue
        leaf = _leaf_col(t)
        if leaf is None:
            continue

        def fn(x: XCell, leaf: int = leaf) -> str:
            nonlocal k
            if x.c != leaf or x.cs != 1 or RE_TOTAL.match(x.text):
                return ""
            paras = x.text.split("\n")
            if sum(len(RE_POINTS_END.findall(p)) for p in paras) != 1 or len(re.findall(r"分[）)]", x.text)) != 1:
                return ""
            m = RE_POINTS_END.search(paras[-1])
            if not m:
                return ""
            paras[-1] = paras[-1][: m.start()].rstrip()
            if not paras[-1]:
                return ""
            x.text = "\n".join(paras)
            v = m.group(2)
            k += 1
            return _cn_points(v, k - 1) if words else v
        insert_column(t, leaf + 1, "分值", leaf, fn, width=7)


def _map_end_brackets(doc: Doc, fn) -> None:
    k = 0
    for t in doc.tables:
        for x in body_cells(t):
            paras = x.text.split("\n")
            for i, p in enumerate(paras):
                m = RE_POINTS_END.search(p)
                if m:
                    paras[i] = p[: m.start()] + fn(m, k)
                    k += 1
            x.text = "\n".join(paras)


def t_fwdigits(doc: Doc) -> None:
    _map_end_brackets(doc, lambda m, k: m.group(0).translate(FW) if k % 2 == 0 else m.group(0))


def t_halfwidth(doc: Doc) -> None:
    _map_end_brackets(doc, lambda m, k: f"({m.group(2)}分)" if k % 3 == 1 else m.group(0))


def t_unnumbered(doc: Doc) -> None:
    for t in doc.tables:
        labels = set(label_columns(t))
        for x in body_cells(t):
            if x.c not in labels or RE_TOTAL.match(x.text) or not one_item(x.text):
                continue
            paras = x.text.split("\n")
            m = RE_MARKER.match(paras[0])
            if not m or any(RE_MARKER.match(p) for p in paras[1:]) or not paras[0][m.end():].strip():
                continue
            paras[0] = paras[0][m.end():]
            x.text = "\n".join(paras)
            doc.edits.append({"op": "unnumber", "marker": m.group(1), "cell": squash(x.text)})


NOTE = ("1.提供会议纪要、工作台账等佐证材料；", "2.材料以当年度形成的为准。")
RULE2 = "2.材料弄虚作假的，该项不得分。"


def t_remarks(doc: Doc) -> None:
    k = 0
    for t in doc.tables:
        leaf = _leaf_col(t)
        if leaf is None:
            continue

        def fn(x: XCell, leaf: int = leaf) -> str:
            nonlocal k
            if (x.c != leaf or x.cs != 1 or "\n" in x.text or RE_TOTAL.match(x.text) or not x.text.strip()
                    or not one_item(x.text)):
                return ""
            k += 1
            if k % 3 != 1:
                return ""
            doc.edits.append({"op": "note", "cell": squash(x.text), "note": "".join(NOTE)})
            return "\n".join(NOTE)
        insert_column(t, t.ncols, "备注", leaf, fn, width=14)


def t_multirule(doc: Doc) -> None:
    k = 0
    for t in doc.tables:
        cols = {c for c in range(t.ncols) if role(t.header(c)) == "rule"}
        for x in body_cells(t):
            if x.c not in cols or not x.text.strip() or re.match(r"^\s*[\d１-９①-⑳]", x.text):
                continue
            k += 1
            if k % 2:
                continue
            doc.edits.append({"op": "rules", "old": squash(x.text), "add": RULE2})
            x.text = "1." + x.text.lstrip() + "\n" + RULE2


def t_seqnum(doc: Doc) -> None:
    """A 序号 column with its own running numbers 1, 2, 3 … for tables whose items carry no marker
    (and that have no 序号 column). Expected: the number is the item's marker (FORMAT: a 序号 cell
    is the marker of the indicator printed in that row), ids renumbered."""
    for t in doc.tables:
        leaf = _leaf_col(t)
        if leaf is None or any(t.header(c) == "序号" for c in range(t.ncols)):
            continue
        if any(RE_MARKER.match(x.text) for x in body_cells(t) if x.c == leaf):
            continue
        n = 0

        def fn(x: XCell, leaf: int = leaf) -> str:
            nonlocal n
            if x.c != leaf + 1 or x.cs != 1 or not x.text.strip() or RE_TOTAL.match(x.text) or not one_item(x.text):
                return ""
            n += 1
            doc.edits.append({"op": "seqnum", "cell": squash(x.text), "marker": str(n)})
            return str(n)
        insert_column(t, 0, "序号", leaf, fn, width=5)


def _split_rows(t: XTable, at: int, rows: list[list[XCell]], repeat_label: bool) -> None:
    """Insert rows (cells with r relative to 0) before body row `at`; a cell spanning across `at`
    is cut there: its rest below the inserted rows is a new cell, empty or repeating its text."""
    h = len(rows)
    for x in list(t.cells):
        if x.r >= at:
            x.r += h
        elif x.r + x.rs > at:
            rest = x.r + x.rs - at
            x.rs = at - x.r
            t.cells.append(XCell(x.text if repeat_label else "", at + h, x.c, rest, x.cs))
    for k, row in enumerate(rows):
        for x in row:
            t.cells.append(XCell(x.text, at + k, x.c, x.rs, x.cs))
    t.nrows += h
    t.cells.sort(key=lambda x: (x.r, x.c))


def _rephead(doc: Doc, repeat_label: bool, every: int = 12) -> None:
    for t in doc.tables:
        if not t.header_rows:
            continue
        head = [[XCell(x.text, x.r, x.c, x.rs, x.cs) for x in t.cells if x.r == r] for r in range(t.header_rows)]
        at = t.header_rows + every
        while at < t.nrows - 2:
            _split_rows(t, at, copy.deepcopy(head), repeat_label)
            at += every + t.header_rows


def t_rephead(doc: Doc) -> None:
    """The header printed again as ordinary rows every 12 body rows (a PDF turned back into Word,
    or pages pasted together); merged label cells cut there, their rest left empty."""
    _rephead(doc, repeat_label=False)


def t_rephead_label(doc: Doc) -> None:
    """As rephead, the cut label cells printing their label again below the repeated header."""
    _rephead(doc, repeat_label=True)


def t_titlerow(doc: Doc) -> None:
    """The rubric's title moved from the paragraph above the first table into that table's first
    row, merged across all columns (as web pages and sheets often print it)."""
    idx = [i for i, b in enumerate(doc.blocks) if b[0] == "table"]
    if not idx or idx[0] == 0:
        return
    k = idx[0] - 1
    b = doc.blocks[k]
    if b[0] != "p" or b[2] != "table_title":
        return
    t = doc.blocks[idx[0]][1]
    for x in t.cells:
        x.r += 1
    t.cells.insert(0, XCell(b[1], 0, 0, 1, t.ncols))
    t.nrows += 1
    t.header_rows += 1           # the layouts print it in bold, centred, like a header
    del doc.blocks[k]


def t_hiddencol(doc: Doc) -> None:
    """A hidden helper column (the office's own codes) after the first column (XLSX only)."""
    for t in doc.tables:
        n = 0

        def fn(x: XCell) -> str:
            nonlocal n
            n += 1
            return f"ZB{n:03d}"
        insert_column(t, 1, "内部编码", 0, fn, width=6)
        t.hidden.add(1)


TRANSFORMS = {
    "seq": t_seq,
    "colpoints": lambda d: t_colpoints(d, words=False),
    "colwords": lambda d: t_colpoints(d, words=True),
    "fwdigits": t_fwdigits,
    "halfwidth": t_halfwidth,
    "unnumbered": t_unnumbered,
    "remarks": t_remarks,
    "multirule": t_multirule,
    "hiddencol": t_hiddencol,
    "seqnum": t_seqnum,
    "rephead": t_rephead,
    "rephead_label": t_rephead_label,
    "titlerow": t_titlerow,
}

# ============================================================================ DOCX (raw WordprocessingML)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FONT = "Noto Serif CJK SC"
FONT_HEI = "Noto Sans CJK SC"
PAGES = {"a4": (11906, 16838), "a5": (8391, 11906)}
RE_TAG = re.compile(r"^附件\s*[0-9０-９一二三四五六七八九十]*\s*$")


def _run(text: str, size: float, font: str = FONT, bold: bool = False, color: str | None = None) -> str:
    rpr = (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
           + ("<w:b/>" if bold else "") + (f'<w:color w:val="{color}"/>' if color else "")
           + f'<w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/>')
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _para(text: str, size: float, *, jc: str | None = None, indent: bool = False, bold: bool = False,
          font: str = FONT, color: str | None = None, page_break: bool = False) -> str:
    ppr = '<w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="auto"/>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    if indent:
        ppr += '<w:ind w:firstLineChars="200" w:firstLine="480"/>'
    brk = '<w:r><w:br w:type="page"/></w:r>' if page_break else ""
    return f"<w:p><w:pPr>{ppr}</w:pPr>{brk}{_run(text, size, font, bold, color) if text else ''}</w:p>"


def _borders(none: bool) -> str:
    edges = ("top", "left", "bottom", "right", "insideH", "insideV")
    if none:
        return "<w:tblBorders>" + "".join(f'<w:{e} w:val="nil"/>' for e in edges) + "</w:tblBorders>"
    return "<w:tblBorders>" + "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                                      for e in edges) + "</w:tblBorders>"


def _table(t: XTable, text_w: int, size: float, borderless: bool, valign: str = "center") -> str:
    total = sum(t.widths)
    cols = [int(text_w * w / total) for w in t.widths]
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:jc w:val="center"/>{_borders(borderless)}'
           '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="60" w:type="dxa"/>'
           '<w:right w:w="60" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>'
           + "".join(f'<w:gridCol w:w="{w}"/>' for w in cols) + "</w:tblGrid>"]
    g = t.grid()
    for r in range(t.nrows):
        head = r < t.header_rows
        out.append("<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if head else ""))
        c = 0
        while c < t.ncols:
            x = g[r][c]
            assert x is not None
            span = f'<w:gridSpan w:val="{x.cs}"/>' if x.cs > 1 else ""
            width = f'<w:tcW w:w="{sum(cols[x.c:x.c + x.cs])}" w:type="dxa"/>'
            nob = ('<w:tcBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>'
                   '<w:right w:val="nil"/></w:tcBorders>') if borderless else ""
            if x.r == r:
                vm = '<w:vMerge w:val="restart"/>' if x.rs > 1 else ""
                paras = "".join(_para(p, size, jc="center" if head else None, bold=head,
                                      font=FONT_HEI if head else FONT) for p in x.text.split("\n"))
                out.append(f'<w:tc><w:tcPr>{width}{span}{vm}{nob}<w:vAlign w:val="{valign}"/></w:tcPr>{paras}</w:tc>')
            else:
                out.append(f"<w:tc><w:tcPr>{width}{span}<w:vMerge/>{nob}</w:tcPr><w:p/></w:tc>")
            c += x.cs
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def build_docx(doc: Doc, *, page: str = "a4", landscape: bool = False, borderless: bool = False,
               size: float = 10.5, margin_mm: float = 20, valign: str = "center") -> bytes:
    w, h = PAGES[page]
    if landscape:
        w, h = h, w
    mar = int(margin_mm * 56.7)
    body = []
    for i, b in enumerate(doc.blocks):
        if b[0] == "table":
            body.append(_table(b[1], w - 2 * mar, size, borderless, valign))
            body.append(_para("", size))
            continue
        _, text, style = b
        if style == "redhead":
            body.append(_para(text, 22, jc="center", bold=True, color="FF0000", font=FONT_HEI))
        elif style in ("title", "table_title"):
            body.append(_para(text, 15, jc="center", bold=True, font=FONT_HEI))
        elif style in ("docnum", "signature", "date"):
            body.append(_para(text, 12, jc="center" if style == "docnum" else "right"))
        elif style == "heading":
            body.append(_para(text, 12, font=FONT_HEI, indent=True))
        elif style == "attachment":
            body.append(_para(text, 12, font=FONT_HEI, page_break=bool(RE_TAG.match(text.strip())) and i > 0))
        else:
            body.append(_para(text, 12, indent=style == "body"))
    orient = ' w:orient="landscape"' if landscape else ""
    sect = (f'<w:sectPr><w:pgSz w:w="{w}" w:h="{h}"{orient}/><w:pgMar w:top="{mar}" w:right="{mar}" '
            f'w:bottom="{mar}" w:left="{mar}" w:header="400" w:footer="400" w:gutter="0"/></w:sectPr>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}">'
                f'<w:body>{"".join(body)}{sect}</w:body></w:document>')
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>')
    return _zip({"[Content_Types].xml": ct, "_rels/.rels": rels, "word/document.xml": document})


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = parts[name]
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def _normalise_zip(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name in list(parts):
        if name == "docProps/core.xml":
            text = parts[name].decode("utf-8")
            text = re.sub(r"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>",
                          lambda m: m.group(0).split(">")[0] + ">2024-03-01T08:00:00Z</dcterms:" + m.group(1) + ">",
                          text)
            parts[name] = text.encode("utf-8")
    return _zip(parts)


# ============================================================================ PDF (LibreOffice)


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("LibreOffice 'soffice' is not on PATH (apt-get install libreoffice-writer-nogui)")
    return exe


def docx_to_pdf(docs: dict[str, bytes]) -> dict[str, bytes]:
    """Convert DOCX files (name -> bytes) to PDF with one LibreOffice run (a throw-away profile)."""
    if not docs:
        return {}
    with tempfile.TemporaryDirectory(prefix="zhibiao-adv-") as tmp:
        paths = []
        for n, (name, data) in enumerate(sorted(docs.items())):
            path = Path(tmp) / f"d{n:04d}.docx"
            path.write_bytes(data)
            paths.append((name, path))
        profile = Path(tmp) / "profile"
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, *(str(p) for _, p in paths)]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        out = {}
        for name, path in paths:
            pdf = path.with_suffix(".pdf")
            if res.returncode != 0 or not pdf.exists():
                raise RuntimeError(f"soffice failed ({res.returncode}) on {name}: {res.stderr.strip()}")
            out[name] = pdf.read_bytes()
        return out


def html_to_pdf(pages: dict[str, bytes]) -> dict[str, bytes]:
    """Print web pages (name -> bytes) to PDF as a browser does when staff save a notice (Chromium headless,
    no header or footer line): the page's fixed 分享到 box on every page, fonts mapped to radicals."""
    if not pages:
        return {}
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        raise RuntimeError("Chromium is not on PATH (apt-get install chromium)")
    out = {}
    with tempfile.TemporaryDirectory(prefix="zhibiao-web-") as tmp:
        for n, (name, data) in enumerate(sorted(pages.items())):
            html, pdf = Path(tmp) / f"p{n:04d}.html", Path(tmp) / f"p{n:04d}.pdf"
            html.write_bytes(data)
            res = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                  f"--user-data-dir={tmp}/profile", f"--print-to-pdf={pdf}", html.as_uri()],
                                 capture_output=True, text=True, timeout=120)
            if not pdf.exists():
                raise RuntimeError(f"chromium failed ({res.returncode}) on {name}: {res.stderr.strip()[-300:]}")
            out[name] = pdf.read_bytes()
    return out


# ============================================================================ XLSX


def _rubric_blocks(doc: Doc) -> list:
    idx = [i for i, b in enumerate(doc.blocks) if b[0] == "table"]
    start, end = idx[0], idx[-1]
    for k in range(idx[0] - 1, -1, -1):
        b = doc.blocks[k]
        if b[0] == "p" and b[2] == "table_title":
            start = k
            break
        if b[0] == "p" and b[2] in ("title", "signature", "date", "cc"):
            break
    while end + 1 < len(doc.blocks) and doc.blocks[end + 1][0] == "p" and doc.blocks[end + 1][2] == "note":
        end += 1
    out = [b for b in doc.blocks[start: end + 1]
           if b[0] == "table" or b[2] not in ("signature", "date", "cc", "attachment", "redhead", "docnum")]
    if out[0][0] == "table":
        title = next((b[1] for b in doc.blocks if b[0] == "p" and b[2] == "title"), doc.id)
        out.insert(0, ("p", title, "table_title"))
    return out


def build_xlsx(doc: Doc, *, form_rows: bool = False) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    intro = wb.active
    intro.title = "填报说明"
    row = 1
    for b in doc.blocks:
        if b[0] == "p" and b[2] in ("title", "body"):
            intro.cell(row=row, column=1, value=b[1])
            row += 1
    blocks = _rubric_blocks(doc)
    ncols = max(t.ncols for t in doc.tables)
    ws = wb.create_sheet("评分表")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    row = 1
    nth = 0
    first_table = True
    for b in blocks:
        if b[0] == "p":
            ws.cell(row=row, column=1, value=b[1])
            if ncols > 1:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
            if b[2] == "table_title":
                ws.cell(row=row, column=1).font = Font(bold=True, size=14)
                ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")
                if first_table and form_rows:
                    row += 1
                    ws.cell(row=row, column=1, value="填报单位（盖章）：")
                    ws.cell(row=row, column=max(1, ncols - 1), value="填报日期：    年  月  日")
            row += 1
            continue
        t = b[1]
        first_table = False
        pcols = {c for c in range(t.ncols) if role(t.header(c)) == "points"}
        for x in t.cells:
            text = x.text
            value: object = text
            if x.r >= t.header_rows and x.c in pcols and re.fullmatch(r"\d+(?:\.\d+)?", text.strip()):
                nth += 1
                if nth % 2 == 1:          # a number; every second one stays text as typed
                    value = float(text) if "." in text else int(text)
            cell = ws.cell(row=row + x.r, column=x.c + 1, value=value)
            if isinstance(value, float):
                cell.number_format = "0." + "0" * len(text.split(".")[1])
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if x.r < t.header_rows:
                cell.font = Font(bold=True)
            if x.rs > 1 or x.cs > 1:
                ws.merge_cells(start_row=row + x.r, start_column=x.c + 1,
                               end_row=row + x.r + x.rs - 1, end_column=x.c + x.cs)
            for rr in range(x.r, x.r + x.rs):
                for cc in range(x.c, x.c + x.cs):
                    ws.cell(row=row + rr, column=cc + 1).border = box
        total = sum(t.widths)
        for c in range(t.ncols):
            letter = get_column_letter(c + 1)
            ws.column_dimensions[letter].width = max(6, round(90 * t.widths[c] / total))
            if c in t.hidden:
                ws.column_dimensions[letter].hidden = True
        row += t.nrows
    if form_rows:
        row += 1
        ws.cell(row=row, column=1, value="填表人：")
        ws.cell(row=row, column=max(1, ncols - 1), value="审核人：")
    wb.active = 1
    wb.properties.creator = "zhibiao adversary"
    import datetime as dt
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 3, 1, 8, 0, 0)
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


# ============================================================================ HTML


def _h(text: str) -> str:
    """Cell text for the web page: paragraphs joined by <br>, a double space as &nbsp;."""
    out = []
    for p in text.split("\n"):
        out.append(html.escape(p).replace("  ", "&nbsp; "))
    return "<br>".join(out)


def build_html(doc: Doc) -> str:
    title = next((b[1] for b in doc.blocks if b[0] == "p" and b[2] == "title"), doc.id)
    out = ['<!DOCTYPE html>', '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{html.escape(title)}_通知公告_示例市人民政府门户网站</title>",
           '<style>.tb td{border:1px solid #000;padding:2px}</style></head><body>',
           '<!-- 示例页面：站点名称、栏目与版权信息均为虚构 -->',
           '<div class="top"><div class="logo">示例市人民政府</div><ul class="nav"><li><a href="/">首页</a></li>'
           '<li><a href="/zwgk/">政务公开</a></li><li><a href="/tzgg/">通知公告</a></li></ul></div>',
           '<div class="wrap"><div class="crumb">当前位置：<a href="/">首页</a> &gt; '
           '<a href="/tzgg/">通知公告</a></div>',
           '<div class="main"><div class="article">',
           f'<div class="art-title">{html.escape(title)}</div>',
           '<div class="art-info">发布时间：2024-03-01&nbsp;&nbsp;&nbsp;来源：本网&nbsp;&nbsp;字号：[大 中 小]</div>',
           '<div class="art-content" id="zoom">']
    for b in doc.blocks:
        if b[0] == "p":
            _, text, style = b
            if style == "title":
                out.append(f'<p style="text-align:center"><b>{html.escape(text)}</b></p>')
            elif style in ("body", "note"):
                out.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(text)}</p>")
            elif style in ("signature", "date"):
                out.append(f'<p style="text-align:right">{html.escape(text)}</p>')
            else:
                out.append(f"<p>{html.escape(text)}</p>")
            continue
        t = b[1]
        out.append('<div class="tbwrap"><div style="overflow-x:auto">')
        out.append('<table class="tb" cellspacing="0" cellpadding="0" width="100%"><tbody>')
        for r in range(t.nrows):
            tds = []
            for x in [x for x in t.cells if x.r == r]:
                attrs = (f' rowspan="{x.rs}"' if x.rs > 1 else "") + (f' colspan="{x.cs}"' if x.cs > 1 else "")
                text = _h(x.text)
                if r < t.header_rows:
                    text = "&nbsp;".join(text) if len(x.text) <= 4 and "\n" not in x.text else text
                    tds.append(f'<td{attrs} style="text-align:center"><p><b>{text}</b></p></td>')
                else:
                    tds.append(f"<td{attrs}><p>&nbsp;{text}</p></td>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</tbody></table></div></div>")
    out += ['</div><div class="share">分享到：微信 微博</div></div></div></div>',
            '<div class="foot">版权所有：示例市人民政府办公室 网站标识码：0000000000 示ICP备00000000号</div>',
            "</body></html>"]
    return "\n".join(out) + "\n"


# ============================================================================ variants

# name -> (transforms, kind, options); a variant's file is <id>.<name>.<ext>
VARIANTS: dict[str, tuple[tuple[str, ...], str, dict]] = {
    "docx-seq-fw": (("seq", "fwdigits", "halfwidth"), "docx", {}),
    "docx-colwords": (("colwords",), "docx", {"landscape": True}),
    "docx-unnumbered": (("unnumbered",), "docx", {}),
    "docx-remarks-rules": (("remarks", "multirule"), "docx", {}),
    "pdf-a5": ((), "pdf", {"page": "a5", "margin_mm": 12}),
    "pdf-a5-borderless": ((), "pdf", {"page": "a5", "margin_mm": 12, "borderless": True}),
    "pdf-a4-borderless": ((), "pdf", {"page": "a4", "margin_mm": 20, "borderless": True}),
    "pdf-a4-borderless-top": ((), "pdf", {"page": "a4", "margin_mm": 20, "borderless": True, "valign": "top"}),
    "pdf-seq-fw": (("seq", "fwdigits", "halfwidth"), "pdf", {"page": "a5", "margin_mm": 12}),
    "pdf-colwords-borderless": (("colwords",), "pdf", {"page": "a5", "margin_mm": 12, "borderless": True}),
    "pdf-unnumbered": (("unnumbered",), "pdf", {"page": "a5", "margin_mm": 12}),
    "xlsx-merged": ((), "xlsx", {}),
    "xlsx-colpoints": (("colpoints",), "xlsx", {}),
    "xlsx-form-rows": ((), "xlsx", {"form_rows": True}),
    "xlsx-hidden-col": (("hiddencol",), "xlsx", {}),
    "xlsx-unnumbered": (("unnumbered",), "xlsx", {}),
    "html-rowspan": (("halfwidth", "fwdigits"), "html", {}),
    "html-seq-remarks": (("seq", "remarks", "multirule"), "html", {}),
    "docx-seqnum": (("seqnum",), "docx", {}),
    "docx-rephead": (("rephead",), "docx", {}),
    "html-rephead-label": (("rephead_label",), "html", {}),
    "html-titlerow": (("titlerow",), "html", {}),
    "xlsx-titlerow-seqnum": (("titlerow", "seqnum"), "xlsx", {}),
    "pdf-rephead-borderless": (("rephead",), "pdf", {"page": "a5", "margin_mm": 12, "borderless": True}),
    "webpdf-rowspan": (("halfwidth", "fwdigits"), "webpdf", {}),
    "webpdf-seq-remarks": (("seq", "remarks", "multirule"), "webpdf", {}),
}
EXT = {"docx": "docx", "pdf": "pdf", "xlsx": "xlsx", "html": "html", "webpdf": "pdf"}


def sources(ids: list[str] | None = None):
    out = []
    for path in sorted(FAMILIES.glob("*/source.json")):
        src = load_source(path)
        if (ids and src.id not in ids) or src.problems or not src.tables:
            continue
        if "txt-paragraphs" in src.renderings:        # rubrics printed as running text: no rubric table
            continue
        out.append(src)
    return out


def _render(src, name: str) -> tuple[str, bytes, list[dict]]:
    """(file name, bytes, edits); for a PDF variant the bytes are the DOCX to convert."""
    transforms, kind, opts = VARIANTS[name]
    doc = to_doc(copy.deepcopy(src))
    for tr in transforms:
        TRANSFORMS[tr](doc)
    if kind in ("docx", "pdf"):
        data = build_docx(doc, **opts)
    elif kind == "xlsx":
        data = build_xlsx(doc, **opts)
    else:  # a web page, or one printed to PDF by a browser
        data = build_html(doc).encode("utf-8")
    return f"{src.id}.{name}.{EXT[kind]}", data, doc.edits


def render_all(srcs, names) -> list[tuple[str, bytes, list[dict]]]:
    """Every variant of every source: (file name, bytes, edits: how the expected catalogue differs
    from the golden). The PDFs are converted in one LibreOffice run; without LibreOffice they are
    left out with a message on stderr."""
    out = [_render(src, name) for src in srcs for name in names]
    web = {f for f, _, _ in out if ".webpdf-" in f}
    docs = {f: d for f, d, _ in out if f.endswith(".pdf") and f not in web}
    try:
        pdfs = docx_to_pdf(docs)
    except RuntimeError as exc:
        print(f"PDF variants not rendered: {exc}", file=sys.stderr)
        pdfs = {}
    try:
        pdfs.update(html_to_pdf({f: d for f, d, _ in out if f in web}))
    except RuntimeError as exc:
        print(f"web page PDF variants not rendered: {exc}", file=sys.stderr)
    return [(f, pdfs[f] if f.endswith(".pdf") else d, e) for f, d, e in out
            if not f.endswith(".pdf") or f in pdfs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--id", nargs="*", default=None)
    ap.add_argument("--variant", nargs="*", default=None)
    args = ap.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    expect_path = args.outdir / "_expect.json"
    expect = json.loads(expect_path.read_text(encoding="utf-8")) if expect_path.exists() else {}
    for fname, data, edits in render_all(sources(args.id), args.variant or list(VARIANTS)):
        (args.outdir / fname).write_bytes(data)
        expect[fname] = edits
        print(f"  {fname}  {len(data):>9,d} bytes  {len(edits)} expected edits")
    expect_path.write_text(json.dumps(expect, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
