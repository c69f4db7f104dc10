#!/usr/bin/env python3
"""Hostile renderings of the family rubrics: held-out layouts the tests did not have.

Usage, from the repository root::

    .venv/bin/python corpus/hostile_render.py OUTDIR [--id ID ...] [--variant V ...]

Every rendering is made from ``corpus/families/<id>/source.json`` (never from a golden or from
zhibiao's output) with the source model and renderers of ``corpus/families/render.py``, changed
the way real files differ from the corpus's:

- printed points in other spellings, the value unchanged: a points bracket at the end of a
  paragraph half-width ``(2分)``, full-width ``（2分）`` or mixed ``（2分)`` in turn
  (``mixed``); integer points in words ``（二分）`` ``（两分）`` ``（贰分）`` (``words``); a 分值
  column's numbers as ``2``, ``2分``, ``2.0`` in turn (``units``);
- full-width spaces: body paragraphs indented with ``　　`` (``fw``);
- layout: text pages of other lengths and line widths (a row, even a points bracket, broken at
  the page end), the header repeated on every page, a merged label repeated at the top of the next
  page (``repeat``) or left blank there; a web page whose rubric table sits inside a layout
  table with ``<th>`` header cells; a workbook with the notice on a first sheet and an empty
  last sheet; a PDF from another producer (reportlab, with a non-embedded CJK CID font: ruled or
  borderless, header rows repeated, rows split inside a cell at the page end).

The golden of the family (``golden/families/<id>.json``) is the expected output of every one:
the transforms change how points are printed, never their value, a marker or a text.
Needs python-docx and openpyxl (as render.py); reportlab for the ``pdf-rl*`` variants.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAMILIES = HERE / "families"


def _load_render():
    spec = importlib.util.spec_from_file_location("families_render", FAMILIES / "render.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["families_render"] = mod
    spec.loader.exec_module(mod)
    return mod


R = _load_render()

# ============================================================================ transforms of the print

RE_FINAL_BRACKET = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]$")
BRACKETS = ("（{}分）", "({}分)", "（{}分)", "({}分）")
CN = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十",
      12: "十二", 15: "十五", 20: "二十", 30: "三十"}
CAPITAL = {1: "壹", 2: "贰", 3: "叁", 4: "肆", 5: "伍", 6: "陆", 7: "柒", 8: "捌", 9: "玖", 10: "拾"}
SCORE_HEADERS = ("分值", "分数", "标准分", "总分值", "权重")


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n - 1


def _map_paragraphs(src, fn) -> None:
    """Apply fn(text) -> text to every body paragraph of every table cell (header rows untouched)."""
    for t in src.tables:
        for x in t.cells:
            if x.r < t.header_rows:
                continue
            x.text = "\n".join(fn(p) for p in x.text.split("\n"))


def mixed_brackets(src) -> None:
    k = _Counter()

    def fn(p: str) -> str:
        m = RE_FINAL_BRACKET.search(p)
        return p[: m.start()] + BRACKETS[k.next() % len(BRACKETS)].format(m.group(1)) if m else p

    _map_paragraphs(src, fn)
    for i, b in enumerate(src.blocks):
        if b[0] == "p" and b[2] == "heading":
            src.blocks[i] = ("p", fn(b[1]), b[2])


def points_words(src) -> None:
    k = _Counter()

    def word(v: int) -> str:
        style = k.next() % 3
        if style == 1 and v == 2:
            return "两"
        if style == 2 and v in CAPITAL:
            return CAPITAL[v]
        return CN[v]

    def fn(p: str) -> str:
        m = RE_FINAL_BRACKET.search(p)
        if not m or "." in m.group(1) or int(m.group(1)) not in CN:
            return p
        full = m.group(0)
        return p[: m.start()] + full[0] + word(int(m.group(1))) + "分" + full[-1]

    _map_paragraphs(src, fn)
    for i, b in enumerate(src.blocks):
        if b[0] == "p" and b[2] == "heading":
            src.blocks[i] = ("p", fn(b[1]), b[2])


def score_units(src) -> None:
    k = _Counter()
    for t in src.tables:
        cols = {x.c for x in t.cells if x.r < t.header_rows and x.cs == 1
                and re.sub(r"[\s（()）分]", "", x.text) in SCORE_HEADERS}
        for x in t.cells:
            if x.r >= t.header_rows and x.c in cols and R.RE_NUMBER.match(x.text):
                style = k.next() % 3
                if style == 1:
                    x.text += "分"
                elif style == 2 and "." not in x.text:
                    x.text += ".0"


def fw_spaces(src) -> None:
    for i, b in enumerate(src.blocks):
        if b[0] == "p" and b[2] in ("body", "note"):
            src.blocks[i] = ("p", "　　" + b[1], b[2])


TRANSFORMS = {"mixed": mixed_brackets, "words": points_words, "units": score_units, "fw": fw_spaces}

# ============================================================================ layouts


class RepeatPager(R.Pager):
    """txt-tab pages of another length; with ``repeat`` a merged label covering the first row of a
    page is printed again there (as Word and LibreOffice do when a merged cell crosses a page)."""

    def __init__(self, page_lines: int, repeat: bool):
        super().__init__(paged=True)
        self.page_lines = page_lines
        self.repeat = repeat
        self.top = False

    def left(self) -> int:
        return self.page_lines - self.used if self.paged else 10 ** 9

    def new_page(self, header=None) -> None:
        super().new_page(header)
        self.top = header is not None

    def table(self, t, number: int) -> None:
        if not self.repeat:
            return super().table(t, number)
        pager = self
        original = self.out.append

        def append(line: str) -> None:
            if pager.top and line and pager._row is not None:
                r = pager._row
                cells = line.split("\t")
                for c in range(t.ncols):
                    x = t.grid[r][c]
                    if x.r < r and c == x.c and c < len(cells) and not cells[c]:
                        cells[c] = x.flat
                line = "\t".join(cells)
                pager.top = False
            original(line)

        self._row = None
        self.out = _Out(self.out, append)
        rows = _RowTracker(t, self)
        try:
            rows.run(super().table, number)
        finally:
            self.out = self.out.inner
        return None


class _Out:
    def __init__(self, inner: list, append):
        self.inner = inner
        self._append = append

    def append(self, line: str) -> None:
        self._append(line)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class _RowTracker:
    """Tell the pager which table row the next appended line belongs to (by wrapping t.starts,
    which Pager.table calls once per row before printing it)."""

    def __init__(self, t, pager: RepeatPager):
        self.t = t
        self.pager = pager

    def run(self, fn, number: int) -> None:
        t, pager = self.t, self.pager
        starts = t.starts

        def tracked(r: int):
            if r >= t.header_rows:
                pager._row = r
            return starts(r)

        t.starts = tracked
        try:
            fn(t, number)
        finally:
            del t.starts


def text_tab(src, page_lines: int, cpl: int, repeat: bool) -> str:
    old = R.TABLE_CPL
    R.TABLE_CPL = cpl
    try:
        pager = RepeatPager(page_lines, repeat)
        for i, b in enumerate(src.blocks):
            if b[0] == "p":
                _, text, style = b
                pager.paragraph(text, 2 if style == "body" else 0, page_break_before=R.starts_page(src, i))
            else:
                pager.table(b[1], 1)
        return "\n".join(pager.out) + "\n"
    finally:
        R.TABLE_CPL = old


def html_nested(src) -> str:
    """The web page with the rubric table inside a one-cell layout table, header cells as <th>
    in a <thead>, and each paragraph of a cell in its own <p> or after a <br/>."""
    page = R.html_rendering(src)
    for t in src.tables:
        old = "\n".join(R.html_table(t))
        new = ['<table width="100%" class="layout"><tr><td>']
        for line in R.html_table(t):
            new.append(line)
        text = "\n".join(new) + "\n</td></tr></table>"
        text = text.replace("<br>", "<br/>")
        head = []
        for line in text.split("\n"):
            if line.startswith("<tr>") and "<strong>" in line:
                line = re.sub(r"<td([^>]*)><strong>(.*?)</strong></td>", r"<th\1>\2</th>", line)
            head.append(line)
        page = page.replace(old, "\n".join(head), 1)
    return page


def xlsx_sheets(src) -> bytes:
    """The workbook with a first sheet 填报说明 holding the notice's paragraphs, the rubric
    sheet, and an empty last sheet (as offices hand them on)."""
    import openpyxl

    data = R.xlsx_rendering(src)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    intro = wb.create_sheet("填报说明", 0)
    row = 1
    for b in src.blocks:
        if b[0] == "p" and b[2] in ("title", "body", "signature", "date"):
            intro.cell(row=row, column=1, value=b[1])
            row += 1
    wb.create_sheet("Sheet3")
    wb.active = 1
    buf = io.BytesIO()
    wb.save(buf)
    return R.normalise_zip(buf.getvalue())


def pdf_reportlab(src, borderless: bool) -> bytes:
    """A PDF made by reportlab (another producer than LibreOffice): STSong-Light, a CJK CID font
    the PDF does not embed; the table as a platypus Table, header rows repeated, a merged cell's text
    in its first row and its box ruled round all its rows (no line between them), rows split inside
    their cells where the page ends."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK",
                          firstLineIndent=22)
    plain = ParagraphStyle("p", parent=body, firstLineIndent=0)
    centre = ParagraphStyle("c", parent=plain, alignment=1, fontSize=14, leading=20)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    width = A4[0] - 40 * mm
    story: list = []
    for b in src.blocks:
        if b[0] == "p":
            _, text, style = b
            st = centre if style in ("title", "table_title", "redhead") else body if style == "body" else plain
            story.append(Paragraph(escape(text), st))
            continue
        t = b[1]
        data = [["" for _ in range(t.ncols)] for _ in range(t.nrows)]
        spans = []
        for x in t.cells:
            data[x.r][x.c] = [Paragraph(escape(p), cell) for p in x.paras if p]
            if x.cs > 1:                  # a rowspan is not a span: platypus cannot split one
                spans.append(("SPAN", (x.c, x.r), (x.c + x.cs - 1, x.r)))
            if not borderless:             # its box is ruled round the rows it covers
                spans.append(("BOX", (x.c, x.r), (x.c + x.cs - 1, x.r + x.rs - 1), 0.5, colors.black))
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), *spans]
        table = Table(data, colWidths=[width * f for f in t.fracs], repeatRows=t.header_rows,
                      splitInRow=1, splitByRow=1)
        table.setStyle(TableStyle(style))
        story.append(Spacer(1, 6))
        story.append(table)
        story.append(Spacer(1, 6))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, invariant=1, title=src.title(), author="zhibiao corpus",
                            creator="zhibiao hostile_render", producer="ReportLab")
    doc.build(story)
    return buf.getvalue()


# ============================================================================ the variants

# name -> (transforms, kind, options); a variant's file is <id>.<name>.<ext>
VARIANTS: dict[str, tuple[tuple[str, ...], str, dict]] = {
    "tab-p30-w34-repeat": (("mixed",), "tab", {"page_lines": 30, "cpl": 34, "repeat": True}),
    "tab-p24-w60": (("words", "fw"), "tab", {"page_lines": 24, "cpl": 60, "repeat": False}),
    "tab-p38-w40-repeat-units": (("units", "fw"), "tab", {"page_lines": 38, "cpl": 40, "repeat": True}),
    "html-nested-words": (("words", "units"), "html", {}),
    "xlsx-sheets-units": (("units",), "xlsx", {}),
    "pdf-rl-mixed": (("mixed",), "pdf", {"borderless": False}),
    "pdf-rl-borderless-words": (("words", "units"), "pdf", {"borderless": True}),
}
EXT = {"tab": "txt", "html": "html", "xlsx": "xlsx", "pdf": "pdf"}


def sources(ids: list[str] | None = None):
    out = []
    for path in sorted(FAMILIES.glob("*/source.json")):
        src = R.load_source(path)
        if (ids and src.id not in ids) or src.problems or not src.tables:
            continue
        out.append(src)
    return out


def applicable(src, name: str) -> bool:
    """Table variants need a rubric printed as a table (not the running-text families)."""
    return "txt-paragraphs" not in src.renderings or name.startswith(("pdf", "html"))


def render_one(src, name: str) -> tuple[str, bytes]:
    transforms, kind, opts = VARIANTS[name]
    s = copy.deepcopy(src)
    for tr in transforms:
        TRANSFORMS[tr](s)
    if kind == "tab":
        data = text_tab(s, **opts).encode("utf-8")
    elif kind == "html":
        data = html_nested(s).encode("utf-8")
    elif kind == "xlsx":
        data = xlsx_sheets(s)
    else:
        data = pdf_reportlab(s, **opts)
    return f"{src.id}.{name}.{EXT[kind]}", data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--id", nargs="*", default=None)
    ap.add_argument("--variant", nargs="*", default=None)
    args = ap.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    for src in sources(args.id):
        for name in args.variant or VARIANTS:
            if not applicable(src, name):
                continue
            fname, data = render_one(src, name)
            (args.outdir / fname).write_bytes(data)
            print(f"  {fname}  {len(data):>9,d} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
