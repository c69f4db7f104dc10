#!/usr/bin/env python3
"""Regenerate realistic PDF, DOCX and HTML renderings of the seed rubrics.

Every indicator string printed in a rendering (marker + text + points bracket, 评分标准 rule,
责任科室 owner, regulation article) is taken from the hand-verified goldens in ``golden/``; the
notice body around the rubric (addressees, paragraphs, signatures, 印发 lines) is taken from the
seed text in ``corpus/<id>.txt``. A perfect reader of a rendering should therefore reproduce the
golden exactly.

Usage, from the repository root::

    .venv/bin/python corpus/render.py                 # renderings -> corpus/renderings/
    .venv/bin/python corpus/render.py --bad-inputs    # also the samples in tests/data/bad_input/
    .venv/bin/python corpus/render.py --no-pdf        # DOCX and HTML only (no LibreOffice)

Needs python-docx (and Pillow for ``--bad-inputs``) in the interpreter that runs it, plus
LibreOffice ``soffice`` on PATH for the PDFs (and ``qpdf`` / ``pdftoppm`` for ``--bad-inputs``).

Deterministic parts: DOCX (fixed core properties, fixed zip timestamps and entry order) and HTML
are byte-identical between runs. The PDFs come from LibreOffice, which stamps its own creation
date and document id; their text and layout are stable, their bytes are not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

try:
    from docx import Document
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor
except ImportError:  # pragma: no cover - environment problem, reported clearly
    sys.exit("render.py needs python-docx: run it with .venv/bin/python (set up by scripts/setup.sh)")

HERE = Path(__file__).resolve().parent          # corpus/
ROOT = HERE.parent                              # repository root
GOLDEN = ROOT / "golden"
OUT = HERE / "renderings"
BAD = ROOT / "tests" / "data" / "bad_input"

FONT = "Noto Serif CJK SC"
FONT_HEI = "Noto Sans CJK SC"                   # headings, as 黑体 would be in a real notice
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
AUTHOR = "zhibiao corpus"

ID_2023 = "000_1c204f1614fc8d36"
ID_2019 = "001_5886f06ed561739e"
ID_HZ = "003_fbbff5f31bb9ffc0"
ID_XS = "004_46f67c8260b90ac6"


# --------------------------------------------------------------------------- goldens and seeds

def load_golden(cid: str) -> dict:
    return json.loads((GOLDEN / f"{cid}.json").read_text(encoding="utf-8"))


def seed_lines(cid: str) -> list[str]:
    """The seed's lines, 1-based (index 0 is a dummy) so line numbers match the golden notes."""
    return [""] + (HERE / f"{cid}.txt").read_text(encoding="utf-8").split("\n")


class Node:
    __slots__ = ("ind", "children")

    def __init__(self, ind: dict):
        self.ind = ind
        self.children: list[Node] = []

    def __getattr__(self, name):  # convenient access to the golden fields
        try:
            return self.ind[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_tree(indicators: list[dict]) -> list[Node]:
    """The golden's flat pre-order list -> tree (parent implied by the dotted id)."""
    by_id: dict[str, Node] = {}
    roots: list[Node] = []
    for ind in indicators:
        node = Node(ind)
        by_id[ind["id"]] = node
        parent = ind["id"].rpartition(".")[0]
        (by_id[parent].children if parent else roots).append(node)
    return roots


def leaves(node: Node) -> list[Node]:
    return [node] if not node.children else [x for c in node.children for x in leaves(c)]


# --------------------------------------------------------------------------- printed labels

def bracket(ind: dict, style: str) -> str:
    """The points bracket as printed: ``(0.5分)`` / ``（0.5分）`` / ``(0.3)`` /
    ``(国办发〔2023〕27号,1分)``; empty when the golden's points are not printed."""
    flags = ind["flags"]
    if ind["points"] is None or "inferred_from_sum" in flags or "points_from_deduction" in flags:
        return ""
    inner = ind["points"] + ("" if "points_unit_missing" in flags else "分")
    if style == "half":
        refs = "".join(f"{r}," for r in ind["refs"])
        return f"({refs}{inner})"
    refs = "".join(f"{r}，" for r in ind["refs"])
    return f"（{refs}{inner}）"


def label(ind: dict, style: str, sep: str = "") -> str:
    """marker + text + points bracket, exactly as a reader should find it; '' when not printed."""
    if "label_missing" in ind["flags"]:
        return ""
    return f"{ind['marker'] or ''}{sep}{ind['text']}{bracket(ind, style)}"


# --------------------------------------------------------------------------- DOCX helpers

def _set_rfonts(rpr, latin: str, east_asia: str) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]          # drop theme fonts, which would win over explicit ones
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def new_document(title: str):
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)            # A4 portrait
    sec.top_margin = sec.bottom_margin = Mm(25)
    sec.left_margin = sec.right_margin = Mm(25)                    # text width 160 mm

    # document defaults: CJK font for East Asian text, 10.5 pt (五号), zh-CN
    styles_el = doc.styles.element
    rpr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rfonts(rpr_default, FONT, FONT)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_rfonts(normal.element.get_or_add_rPr(), FONT, FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15

    cp = doc.core_properties
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    cp.title = title
    cp.comments = "Generated by corpus/render.py from golden/ and corpus/ (zhibiao)"
    return doc


def para(container, text: str = "", *, align=None, bold=False, size=None, indent_chars=0,
         hei=False, color=None, space_after=None, keep_next=False):
    """One paragraph with one run (Word users type it like that)."""
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        if hei:
            run.font.name = FONT_HEI
            _set_rfonts(run._r.get_or_add_rPr(), FONT_HEI, FONT_HEI)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
    pf = p.paragraph_format
    if align is not None:
        pf.alignment = align
    if indent_chars:
        pf.first_line_indent = Pt(10.5 * indent_chars)
    if space_after is not None:
        pf.space_after = Pt(space_after)
    if keep_next:
        pf.keep_with_next = True
    return p


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _tbl_borders(table, kind: str) -> None:
    """kind 'single': ruled grid; 'none': no ruling lines anywhere."""
    tblPr = table._tbl.tblPr
    old = tblPr.find(qn("w:tblBorders"))
    if old is not None:
        tblPr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if kind == "single":
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    # schema order: ... tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    anchor = None
    for tag in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"):
        anchor = tblPr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        tblPr.append(borders)


def new_table(doc, headers: list[str], widths_mm: list[float], borders: str):
    table = doc.add_table(rows=1, cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False                               # w:tblLayout fixed: our widths hold
    _tbl_borders(table, borders)
    grid = table._tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths_mm):
        gc.set(qn("w:w"), str(int(Mm(w).twips)))
    hdr = table.rows[0]
    trPr = hdr._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):          # header row repeats on every page
        el = OxmlElement(tag)
        trPr.append(el)
    for cell, text, w in zip(hdr.cells, headers, widths_mm):
        cell.width = Mm(w)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(text)
        r.bold = True
        _set_rfonts(r._r.get_or_add_rPr(), FONT_HEI, FONT_HEI)
    table._widths = widths_mm
    return table


def add_row(table, texts: list, vmerge: list | None = None, valign_center: tuple = ()):
    """texts[i]: str, list of str (separate paragraphs in one cell) or None (empty).
    vmerge[i]: None, 'restart' or 'continue' (a continuation cell stays empty)."""
    row = table.add_row()
    for i, cell in enumerate(row.cells):
        cell.width = Mm(table._widths[i])
        value = texts[i]
        merge = vmerge[i] if vmerge else None
        if merge is not None:
            tcPr = cell._tc.get_or_add_tcPr()
            vm = tcPr._add_vMerge()
            if merge == "restart":
                vm.set(qn("w:val"), "restart")
            # continuation: bare <w:vMerge/>, as Word writes it
        if merge == "continue" or value is None:
            value = []
        if isinstance(value, str):
            value = [value]
        for k, text in enumerate(value):
            p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            p.add_run(text)
        if i in valign_center:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return row


def save_docx(doc, path: Path) -> None:
    """Save with fixed zip timestamps so the bytes do not change between runs."""
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------- notice bodies

RE_SECTION = re.compile(r"^[一二三四五六七八九十]+、\S{1,14}$")
RE_DOCNUM = re.compile(r"^\S{1,10}[〔（(\[]\d{4}[〕）)\]]\d+号$")
RE_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def body_paragraphs(lines: list[str], start: int, end: int, joins: tuple = ()) -> list[tuple[str, int]]:
    """Non-empty seed lines start..end (1-based, inclusive) as (text, markdown level).
    ``joins`` lists line numbers whose paragraph continues on the next non-empty line (a page
    break in the source split it; a Word user typed it as one paragraph)."""
    out: list[tuple[str, int]] = []
    glue = False
    for n in range(start, end + 1):
        raw = lines[n].strip()
        if not raw or raw == "---":
            continue
        m = re.match(r"^(#+)\s*(.*)$", raw)
        level, text = (len(m.group(1)), m.group(2).strip()) if m else (0, raw)
        if glue:
            out[-1] = (out[-1][0] + text, out[-1][1])
        else:
            out.append((text, level))
        glue = n in joins
    return out


def write_body(doc, paras: list[tuple[str, int]], *, page_break_before: tuple = ()) -> None:
    """Lay out notice paragraphs the way a 公文 looks (机关标志, 文号, 标题, 正文, 落款)."""
    for text, level in paras:
        if text in page_break_before:
            page_break(doc)
        if level == 1 or text.endswith("文件") and len(text) < 16:
            para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=22, color="C00000",
                 space_after=12)
        elif RE_DOCNUM.match(text):
            para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
        elif level == 2 and not RE_SECTION.match(text) or text.endswith("的通知") and len(text) > 14:
            para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=16, space_after=12)
        elif level >= 2 or RE_SECTION.match(text):
            para(doc, text, hei=True, indent_chars=2, keep_next=True)
        elif RE_DATE.match(text) or text.endswith("印发") or text.endswith("政秘科"):
            para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif text.startswith(("附件：", "附件:", "联系人", "联系电话", "电话", "抄送")):
            para(doc, text, indent_chars=2 if not text.startswith("抄送") else 0)
        elif text.endswith(("：", ":")) and len(text) < 40:      # 主送机关
            para(doc, text)
        else:
            para(doc, text, indent_chars=2)


def attachment_heading(doc, tag: str | None, title: str) -> None:
    page_break(doc)
    if tag:
        para(doc, tag, hei=True, size=12, space_after=6)
    para(doc, title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=16, space_after=12,
         keep_next=True)


# --------------------------------------------------------------------------- 000: 2023 system

def render_2023(out: Path, borderless: bool = False, per_item: bool = False) -> Path:
    """The 2023 system as Word builds it. ``per_item``: one row per item, the 二级 cell merged over
    its items (an unprinted label is an empty merged cell over its items); ``borderless``: no
    ruling lines at all (the labels stay vertically centred, as in the ruled rendering)."""
    g = load_golden(ID_2023)
    lines = seed_lines(ID_2023)
    rubric = g["rubrics"][0]
    doc = new_document(rubric["title"])

    # 靖边 forwarding notice + 榆林 notice: seed lines 1-63, up to the attachment list
    paras = body_paragraphs(lines, 1, 63, joins=(29,))
    write_body(doc, paras, page_break_before=("榆林市司法局文件",))

    attachment_heading(doc, "附件", rubric["title"])
    table = new_table(doc, ["一级指标", "二级指标", "三级指标", "备注"], [22, 30, 94, 14],
                      "none" if borderless else "single")
    for first in build_tree(rubric["indicators"]):
        for k, second in enumerate(first.children):
            if not per_item:
                items = [label(it.ind, "half", " ") for it in second.children]
                add_row(table,
                        [label(first.ind, "half"), label(second.ind, "half"), items, None],
                        vmerge=["restart" if k == 0 else "continue", None, None, None],
                        valign_center=(0, 1))
                continue
            for j, item in enumerate(second.children):
                add_row(table,
                        [label(first.ind, "half"), label(second.ind, "half"), label(item.ind, "half", " "), None],
                        vmerge=["restart" if k == 0 and j == 0 else "continue",
                                "restart" if j == 0 else "continue", None, None],
                        valign_center=(0, 1))

    # the 榆林 notice's 印发 line, printed after the attachment in this rendering
    para(doc, "")
    para(doc, lines[69].strip(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, lines[71].strip(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    suffix = ("_borderless" if borderless else "") + ("_rows" if per_item else "")
    path = out / f"{ID_2023}{suffix}.docx"
    save_docx(doc, path)
    return path


def render_2023_xlsx(out: Path) -> Path:
    """The 2023 system as an office keeps it in Excel: title row, header, one row per item, the
    一级/二级 cells merged over their items (an unprinted label: an empty merged range)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    g = load_golden(ID_2023)
    rubric = g["rubrics"][0]
    wb = Workbook()
    ws = wb.active
    ws.title = "考评指标"
    ws.append([rubric["title"]])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["一级指标", "二级指标", "三级指标", "备注"])
    row = 3
    for first in build_tree(rubric["indicators"]):
        first_row = row
        for second in first.children:
            second_row = row
            for item in second.children:
                ws.cell(row=row, column=3, value=label(item.ind, "half", " "))
                row += 1
            ws.cell(row=second_row, column=2, value=label(second.ind, "half") or None)
            if row - 1 > second_row:
                ws.merge_cells(start_row=second_row, start_column=2, end_row=row - 1, end_column=2)
        ws.cell(row=first_row, column=1, value=label(first.ind, "half"))
        ws.merge_cells(start_row=first_row, start_column=1, end_row=row - 1, end_column=1)
    for col, width in zip("ABCD", (16, 22, 70, 8)):
        ws.column_dimensions[col].width = width
    for cells in ws.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    wb.properties.creator = AUTHOR
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    path = out / f"{ID_2023}_rows.xlsx"
    _rezip(buf.getvalue(), path)
    return path


def _rezip(data: bytes, path: Path) -> None:
    """Write a zip package with fixed timestamps and entry order (byte-identical between runs)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------- 001: 2019 system

def render_2019(out: Path, borderless: bool = False) -> Path:
    g = load_golden(ID_2019)
    lines = seed_lines(ID_2019)
    rubric = g["rubrics"][0]
    doc = new_document(rubric["title"])

    paras = body_paragraphs(lines, 1, 61, joins=(11, 25, 39, 53))
    write_body(doc, paras)

    attachment_heading(doc, None, rubric["title"])
    headers = ["一级指标", "二级指标", "三级指标", "工作要求及分值构成", "备注"]
    table = new_table(doc, headers, [20, 24, 40, 62, 14], "none" if borderless else "single")
    for first in build_tree(rubric["indicators"]):
        for j, second in enumerate(first.children):
            for k, third in enumerate(second.children):
                reqs = [label(r.ind, "full") for r in third.children]
                add_row(table,
                        [label(first.ind, "full"), label(second.ind, "full"),
                         label(third.ind, "full", " "), reqs, None],
                        vmerge=["restart" if j == 0 and k == 0 else "continue",
                                "restart" if k == 0 else "continue", None, None, None],
                        valign_center=(0, 1))

    # 抄送 and 印发 lines after the attachment (seed lines 156-160)
    para(doc, "")
    for n in (156, 158, 160):
        text = lines[n].strip()
        para(doc, text, align=None if text.startswith("抄送") else WD_ALIGN_PARAGRAPH.RIGHT)
    suffix = "_borderless" if borderless else ""
    path = out / f"{ID_2019}{suffix}.docx"
    save_docx(doc, path)
    return path


# --------------------------------------------------------------------------- 004: 秀山 regulations + 考核标准

RE_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇\d]+章")
RE_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇\d]+条")


def chapter_headings(lines: list[str], start: int, end: int) -> dict[int, list[str]]:
    """For one regulation in the seed: article index (0-based, in order) -> chapter headings
    printed just before it."""
    headings: dict[int, list[str]] = {}
    pending: list[str] = []
    count = 0
    for n in range(start, end + 1):
        raw = lines[n].strip()
        if RE_CHAPTER.match(raw):
            pending.append(raw)
        elif RE_ARTICLE.match(raw):
            if pending:
                headings[count] = pending
                pending = []
            count += 1
    return headings


def render_xiushan(out: Path) -> Path:
    g = load_golden(ID_XS)
    lines = seed_lines(ID_XS)
    rubric = g["rubrics"][0]
    doc = new_document(rubric["title"])

    # notice body, seed lines 1-19 (title printed over four lines, attachment list, signature)
    for n in range(1, 20):
        raw = lines[n].strip()
        if not raw:
            continue
        if n == 1:
            para(doc, raw, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=18, color="C00000",
                 space_after=12)
        elif 4 <= n <= 7:
            para(doc, raw, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=16)
        elif n == 9:
            para(doc, "")
            para(doc, raw)
        elif n == 10:
            para(doc, raw, indent_chars=2)
        elif 12 <= n <= 15:
            p = para(doc, raw)
            p.paragraph_format.left_indent = Pt(21 if n == 12 else 21 + 31.5)
        elif n in (18, 19):
            para(doc, raw, align=WD_ALIGN_PARAGRAPH.RIGHT)
        else:
            para(doc, raw, indent_chars=2)

    # the three regulations (附件1-3): title, chapter headings from the seed, articles from the golden
    spans = [(22, 38), (41, 136), (139, 173)]
    for reg, (start, end) in zip(g["regulations"], spans):
        tag = lines[start].strip()
        assert tag.startswith("附件"), tag
        attachment_heading(doc, tag, reg["title"])
        heads = chapter_headings(lines, start, end)
        n_articles = sum(1 for n in range(start, end + 1) if RE_ARTICLE.match(lines[n].strip()))
        assert n_articles == len(reg["articles"]), (reg["title"], n_articles)
        for k, art in enumerate(reg["articles"]):
            for h in heads.get(k, []):
                para(doc, h, align=WD_ALIGN_PARAGRAPH.CENTER, hei=True, keep_next=True)
            text_lines = art["text"].split("\n")
            para(doc, f"{art['marker']} {text_lines[0]}", indent_chars=2)
            for extra in text_lines[1:]:
                para(doc, extra, indent_chars=2)

    # 附件4: the 考核标准 table
    attachment_heading(doc, lines[174].strip(), rubric["title"])
    table = new_table(doc, ["考核项目", "考核内容", "评分标准", "得分", "备注"],
                      [36, 56, 42, 13, 13], "single")
    for first in build_tree(rubric["indicators"]):
        for k, item in enumerate(first.children):
            ded = item.deduction["text"] if item.deduction else None
            add_row(table, [label(first.ind, "full"), label(item.ind, "full"), ded, None, None],
                    vmerge=["restart" if k == 0 else "continue", None, None, None, None],
                    valign_center=(0,))
    # the form's footer rows, as in the seed (lines 309-319)
    r = add_row(table, ["最终得分", None, "评定等级", None, None])
    r.cells[3].merge(r.cells[4])
    for text in ("考核评语", "考核人员签字"):
        r = add_row(table, [text, None, None, None, None])
        r.cells[1].merge(r.cells[4])
        r.height = Mm(14)

    para(doc, "")
    para(doc, lines[361].strip(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    path = out / f"{ID_XS}.docx"
    save_docx(doc, path)
    return path


# --------------------------------------------------------------------------- 003: 汉中 web page

HTML_CSS = """
body{margin:0;font-family:"Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:14px;color:#333;background:#f4f4f4}
a{color:#333;text-decoration:none}
.top{background:#1f5ea8;color:#fff;font-size:12px}
.top .w,.head .w,.nav ul,.crumb,.main,.foot .w{width:1100px;margin:0 auto}
.top a{color:#fff;margin-left:12px}
.head{background:#2a6fc0;color:#fff;height:110px}
.head .logo{font-size:34px;font-weight:bold;line-height:110px;letter-spacing:4px}
.head .search{float:right;margin-top:40px}
.nav{background:#174d8c}
.nav ul{list-style:none;padding:0;height:44px}
.nav li{float:left;width:137px;text-align:center;line-height:44px}
.nav li a{color:#fff;font-size:16px}
.crumb{padding:12px 0;font-size:13px}
.main{background:#fff;padding:30px 60px;min-height:600px}
table.xxgk{width:100%;border-collapse:collapse;background:#f8fbff;margin-bottom:24px}
table.xxgk td{border:1px solid #d8e3f0;padding:6px 10px;font-size:13px}
table.xxgk td.k{width:90px;color:#666;text-align:right}
h1{font-size:24px;text-align:center;color:#c00;line-height:38px;margin:20px 0}
.info{text-align:center;color:#888;font-size:12px;border-bottom:1px dashed #ccc;padding-bottom:10px}
.content p{text-indent:2em;line-height:2;margin:0}
.content p.r{text-align:right}
.content p.n{text-indent:0}
.content p.c{text-align:center;font-weight:bold;font-size:18px;text-indent:0}
.share{float:right;width:160px;padding:8px;border:1px solid #ddd;font-size:12px;color:#666;text-indent:0}
table.zb{width:100%;border-collapse:collapse;margin:10px 0;font-size:13px}
table.zb th,table.zb td{border:1px solid #000;padding:4px 6px;vertical-align:middle}
table.zb td.items{vertical-align:top}
.foot{background:#174d8c;color:#dde;font-size:12px;padding:18px 0;text-align:center;line-height:24px}
.foot a{color:#fff;margin:0 8px}
"""


def e(text: str) -> str:
    return html.escape(text, quote=True)


def render_hanzhong(out: Path) -> Path:
    g = load_golden(ID_HZ)
    lines = seed_lines(ID_HZ)
    rubric = g["rubrics"][0]
    title = lines[6].strip() + lines[7].strip()

    def meta_pairs(n: int) -> list[tuple[str, str]]:
        """The seed's metadata line n (1-5) as (key, value) pairs; a cell ending in ':' is a key,
        an empty value collapses in the seed (``发布机构: | 来 源: | ||``)."""
        cells = [c.strip() for c in lines[n].split("|")]
        pairs: list[tuple[str, str]] = []
        for c in cells:
            if c.endswith((":", "：")):
                pairs.append((c, ""))
            elif c and pairs and not pairs[-1][1]:
                pairs[-1] = (pairs[-1][0], c)
        return pairs

    h: list[str] = []
    w = h.append
    w("<!DOCTYPE html>")
    w('<html lang="zh-CN">')
    w("<head>")
    w('<meta charset="utf-8">')
    w('<meta http-equiv="X-UA-Compatible" content="IE=edge">')
    w(f'<meta name="ArticleTitle" content="{e(title)}">')
    w('<meta name="PubDate" content="2020-05-27 00:00">')
    w('<meta name="ContentSource" content="汉中市自然资源局">')
    w(f"<title>{e(title)}_通知公告_汉中市自然资源局</title>")
    w(f"<style>{HTML_CSS}</style>")
    w("</head>")
    w("<body>")
    # site header and navigation
    w('<div class="top"><div class="w">欢迎访问汉中市自然资源局网站'
      '<span style="float:right"><a href="/sitemap.html">站点导航</a><a href="#">无障碍浏览</a>'
      '<a href="#">长者模式</a><a href="#">简体</a>|<a href="#">繁體</a></span></div></div>')
    w('<div class="head"><div class="w"><span class="logo">汉中市自然资源局</span>'
      '<form class="search" action="/search" method="get"><input type="text" name="q" '
      'placeholder="请输入关键字"> <button type="submit">搜索</button></form></div></div>')
    w('<div class="nav"><ul>' + "".join(
        f'<li><a href="{href}">{e(t)}</a></li>' for t, href in [
            ("首页", "/"), ("机构概况", "/jggk/"), ("政务公开", "/zwgk/"), ("政务服务", "/zwfw/"),
            ("互动交流", "/hdjl/"), ("专题专栏", "/ztzl/"), ("自然资源", "/zrzy/"), ("数据发布", "/sjfb/")])
      + "</ul></div>")
    w('<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
      '<a href="/zwgk/tzgg/">通知公告</a> &gt; 正文</div>')

    w('<div class="main">')
    # 政府信息公开 metadata block, as in the seed (lines 1-5): 发布机构 and 发文字号 are empty
    w('<table class="xxgk">')
    for n in range(1, 6):
        pairs = meta_pairs(n)
        if len(pairs) == 1:
            w(f'<tr><td class="k">{e(pairs[0][0])}</td><td colspan="3">{e(pairs[0][1])}</td></tr>')
        else:
            w("<tr>" + "".join(f'<td class="k">{e(k)}</td><td>{e(v)}</td>' for k, v in pairs) + "</tr>")
    w("</table>")

    w(f"<h1>{e(lines[6].strip())}<br>{e(lines[7].strip())}</h1>")
    w('<div class="info">发布时间：2020-05-27 00:00　　来源：汉中市自然资源局　　'
      '浏览次数：<span id="hits">1532</span>　　【字体：<a href="#">大</a> <a href="#">中</a> '
      '<a href="#">小</a>】　<a href="javascript:window.print()">打印本页</a></div>')

    w('<div class="content">')
    share = "打开微信,点击底部的“发现”,"
    for n in range(8, 135):
        raw = lines[n].strip()
        if not raw:
            continue
        if n == 36:                      # attachment list line; the seed glued the share widget on
            assert raw.endswith(share), raw
            w(f'<p class="n">　　　{e(raw[: -len(share)])}</p>')
            w(f'<div class="share"><img src="/images/qrcode.png" alt="二维码" width="100" height="100">'
              f"<br>{e(share)}<br>{e(lines[37].strip())}</div>")
            continue
        if n == 37:
            continue
        if n in (38, 39):
            w(f'<p class="r">{e(raw)}</p>')
        elif n == 8 or n == 35 or n == 40:
            w(f'<p class="n">{e(raw)}</p>')
        elif n == 41:
            w(f'<p class="c">{e(raw)}</p>')
        else:
            w(f"<p>{e(raw)}</p>")

    # 附件2: the indicator table with 责任科室
    w(f'<p class="n">{e(lines[135].strip())}</p>')
    w(f'<p class="c">{e(rubric["title"])}</p>')
    headers = rubric["level_names"] + ["责任科室"]
    w('<table class="zb" border="1" cellspacing="0" cellpadding="0">')
    w("<tbody>")
    w("<tr>" + "".join(f'<th>{e(t)}</th>' for t in headers) + "</tr>")

    def owner_runs(third: Node) -> list[tuple[str, list[Node]]]:
        runs: list[tuple[str, list[Node]]] = []
        for leaf in third.children:
            if runs and runs[-1][0] == leaf.owner:
                runs[-1][1].append(leaf)
            else:
                runs.append((leaf.owner, [leaf]))
        return runs

    split_thirds = []
    for first in build_tree(rubric["indicators"]):
        rows_first = sum(len(owner_runs(t)) for s in first.children for t in s.children)
        for j, second in enumerate(first.children):
            rows_second = sum(len(owner_runs(t)) for t in second.children)
            for k, third in enumerate(second.children):
                runs = owner_runs(third)
                if len(runs) > 1:
                    split_thirds.append(third.id)
                for r, (owner, items) in enumerate(runs):
                    cells = []
                    if j == 0 and k == 0 and r == 0:
                        cells.append(f'<td rowspan="{rows_first}">{e(label(first.ind, "half"))}</td>')
                    if k == 0 and r == 0:
                        cells.append(f'<td rowspan="{rows_second}">{e(label(second.ind, "half"))}</td>')
                    if r == 0:
                        span = f' rowspan="{len(runs)}"' if len(runs) > 1 else ""
                        cells.append(f"<td{span}>{e(label(third.ind, 'half'))}</td>")
                    cells.append('<td class="items">' + "<br>".join(
                        e(label(it.ind, "half")) for it in items) + "</td>")
                    cells.append(f"<td>{e(owner)}</td>")
                    w("<tr>" + "".join(cells) + "</tr>")
    assert split_thirds, "golden 003 should have a third-level indicator with two owners"
    # 抄送 / 印发 rows: in the seed they are printed as cells right after the table (lines 485-486)
    for n in (485, 486):
        text = lines[n].strip().rstrip("|").strip()
        w(f'<tr><td colspan="{len(headers)}">{e(text)}</td></tr>')
    w("</tbody>")
    w("</table>")
    w("</div>")  # content
    w('<div style="text-align:right;margin-top:20px"><a href="javascript:window.close()">【关闭窗口】</a>'
      '　<a href="javascript:window.print()">【打印本页】</a></div>')
    w("</div>")  # main

    w('<div class="foot"><div class="w">'
      '<a href="/about/lxwm.html">联系我们</a>|<a href="/sitemap.html">网站地图</a>|'
      '<a href="/about/mzsm.html">免责声明</a>|<a href="/about/lxwm.html#jc">纠错</a><br>'
      '版权所有：汉中市自然资源局　　主办：汉中市自然资源局　　地址：汉中市汉台区（示例地址）<br>'
      '网站标识码：6107000000（示例）　　陕ICP备00000000号（示例）　　'
      '<a href="/about/lxwm.html">联系我们</a>：0916-0000000（示例）<br>'
      "建议使用1366×768分辨率 &amp; Chrome、Firefox、Edge浏览器</div></div>")
    w("</body>")
    w("</html>")
    path = out / f"{ID_HZ}.html"
    path.write_text("\n".join(h) + "\n", encoding="utf-8")
    print(f"  003: third-level indicators split by owner (two rows, rowspan=2): {', '.join(split_thirds)}")
    return path


# --------------------------------------------------------------------------- PDF conversion

def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        sys.exit("render.py: LibreOffice 'soffice' is not on PATH; install it (apt-get install "
                 "libreoffice-writer fonts-noto-cjk) or run with --no-pdf")
    return exe


def to_format(paths: list[Path], outdir: Path, fmt: str) -> None:
    """Convert with a throw-away LibreOffice profile (no clash with a running instance)."""
    with tempfile.TemporaryDirectory(prefix="zhibiao-lo-") as profile:
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if res.returncode != 0:
            sys.exit(f"render.py: soffice failed ({res.returncode}): {res.stderr.strip()}")
    for p in paths:
        target = outdir / (p.stem + "." + fmt.split(":")[0])
        if not target.exists():
            sys.exit(f"render.py: soffice did not write {target}")


# --------------------------------------------------------------------------- bad-input samples

def bad_inputs(dest: Path) -> list[Path]:
    for tool in ("qpdf", "pdftoppm"):
        if not shutil.which(tool):
            sys.exit(f"render.py: '{tool}' is needed for --bad-inputs (apt-get install qpdf poppler-utils)")
    try:
        from PIL import Image
    except ImportError:
        sys.exit("render.py: Pillow is needed for --bad-inputs (pip install pillow)")
    dest.mkdir(parents=True, exist_ok=True)
    g = load_golden(ID_2019)
    first = g["rubrics"][0]["indicators"][0]
    with tempfile.TemporaryDirectory(prefix="zhibiao-bad-") as tmpname:
        tmp = Path(tmpname)
        # a tiny real notice: one paragraph of Chinese text
        small = new_document("示例通知")
        para(small, "关于开展行政执法质量考评工作的通知", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=16)
        para(small, "各县市区司法局：现将《陕西省行政执法质量考评指标体系》印发你们，请认真贯彻落实。"
                    f"一级指标“{first['marker']}{first['text']}”（{first['points']}分）。", indent_chars=2)
        tiny = tmp / "tiny.docx"
        save_docx(small, tiny)
        # a small two-page one for the image-only sample
        two = new_document("示例通知（两页）")
        para(two, "陕西省全面推行“三项制度”工作指标体系（节选）", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=16)
        for ind in g["rubrics"][0]["indicators"][:40]:
            para(two, label(ind, "full", " "), size=14)
        twopages = tmp / "twopages.docx"
        save_docx(two, twopages)
        to_format([tiny, twopages], tmp, "pdf")
        to_format([tiny], tmp, "doc")
        tiny_pdf, two_pdf, tiny_doc = tmp / "tiny.pdf", tmp / "twopages.pdf", tmp / "tiny.doc"

        written = []
        enc = dest / "encrypted.pdf"
        subprocess.run(["qpdf", "--encrypt", "secret", "secret-owner", "256", "--",
                        str(tiny_pdf), str(enc)], check=True)
        written.append(enc)

        subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", "-f", "1", "-l", "2", str(two_pdf),
                        str(tmp / "page")], check=True)
        pngs = sorted(tmp.glob("page-*.png"))
        if len(pngs) < 2:
            sys.exit(f"render.py: expected 2 pages from {two_pdf}, got {len(pngs)}")
        images = [Image.open(p).convert("L") for p in pngs[:2]]
        img_pdf = dest / "image_only.pdf"
        images[0].save(img_pdf, "PDF", resolution=40.0, save_all=True, append_images=images[1:])
        written.append(img_pdf)

        data = tiny_pdf.read_bytes()
        (dest / "truncated.pdf").write_bytes(data[: int(len(data) * 0.4)])
        written.append(dest / "truncated.pdf")
        data = tiny.read_bytes()
        (dest / "truncated.docx").write_bytes(data[: int(len(data) * 0.5)])
        written.append(dest / "truncated.docx")

        shutil.copyfile(tiny_doc, dest / "legacy.doc")
        shutil.copyfile(tiny_doc, dest / "legacy.wps")
        shutil.copyfile(tiny_pdf, dest / "pdf_named.txt")
        shutil.copyfile(tiny, dest / "docx_named.pdf")
        written += [dest / n for n in ("legacy.doc", "legacy.wps", "pdf_named.txt", "docx_named.pdf")]
    for p in written:
        assert p.stat().st_size < 100_000, p
    return written


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default corpus/renderings)")
    ap.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice PDF conversion")
    ap.add_argument("--bad-inputs", action="store_true", help=f"also write the bad-input samples to {BAD}")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not args.no_pdf or args.bad_inputs:
        soffice()                                    # fail early, with a clear message

    print(f"render.py: writing to {out}")
    docx_files = [render_2023(out), render_2023(out, borderless=True), render_2023(out, per_item=True),
                  render_2019(out), render_2019(out, borderless=True), render_xiushan(out)]
    html_file = render_hanzhong(out)
    xlsx_file = render_2023_xlsx(out)
    if not args.no_pdf:
        to_format(docx_files, out, "pdf")
    written = docx_files + [html_file, xlsx_file] + ([] if args.no_pdf else [p.with_suffix(".pdf") for p in docx_files])
    for p in written:
        print(f"  {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}  {p.stat().st_size:>9,d} bytes")
    if args.bad_inputs:
        for p in bad_inputs(BAD):
            print(f"  {p.relative_to(ROOT)}  {p.stat().st_size:>9,d} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
