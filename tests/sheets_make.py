"""Filled-in score sheets for the tests and the bench: a catalogue's rubric as the table a unit returns (one column
per level with merged label cells, 分值, 得分, 扣分原因), filled with given values, with the edits units make, written
as XLSX (openpyxl, merged ranges), DOCX (python-docx, merged cells) or PDF (a small ruled-table PDF writer: a
non-embedded CJK CID font, STSong-Light, as reportlab writes it; merged cells within a page, restarted with their
text on the next page, the header row repeated on every page).

The values are the test's own: nothing here computes what the code under test should find.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from zhibiao.model import Indicator, Rubric, dec_str


@dataclass
class Row:
    """One row of a sheet: the labels over it (outer to inner, printed), its own label, points, value, remark."""

    parents: list[tuple[str, str]]  # (id, printed label) of each ancestor
    label: str
    points: str
    value: str
    remark: str = ""
    kind: str = "item"  # item, subtotal (of its area), total, band (an area's label across the table)
    id: str = ""
    number: str = ""  # the 序号 cell (sheets with a 序号 column)


@dataclass
class Sheet:
    title: str
    lines: list[str]  # paragraphs above the table (填报单位：…)
    header: list[str]
    depth: int  # label columns
    rows: list[Row] = field(default_factory=list)
    numbered: bool = False  # a 序号 column first, the items' numbers in it


def printed(ind: Indicator) -> str:
    label = leaf_label(ind)
    return label if not ind.children or ind.points is None else f"{label}（{dec_str(ind.points)}分）"


def leaf_label(ind: Indicator) -> str:
    """Marker and text as printed; a bare 序号 (`3`) set off by a space, as a narrow column prints it."""
    if ind.marker and ind.marker.isdigit():
        return f"{ind.marker} {ind.text}"
    return ind.label("")


def sheet_of(rubric: Rubric, values: dict[str, str], *, unit: str = "某县司法局", remarks: dict[str, str] | None = None,
             score_header: str = "自评得分", subtotals: bool = False, total: bool = True,
             level_names: list[str] | None = None, bands: bool = False, numbered: bool = False) -> Sheet:
    """The rubric's table filled with values (leaf id -> the text put in the 得分 cell). bands: each first-level
    label a row across the table (一、组织领导（15分）) instead of a column; numbered: a 序号 column holding the items'
    numbers, the item text without them."""
    remarks = remarks or {}
    depth = max(leaf.level for leaf in rubric.leaves()) - (1 if bands else 0)
    names = level_names or ["一级指标", "二级指标", "三级指标", "四级指标"][1 if bands else 0:][:depth]
    sheet = Sheet(f"{unit}2024年度{rubric.title or '考核'}自评表", [f"填报单位：{unit}    填报日期：2025年1月10日"],
                  (["序号"] if numbered else []) + names + ["分值", score_header, "扣分原因"], depth, numbered=numbered)

    def walk(ind: Indicator, parents: list[tuple[str, str]]):
        if not ind.children:
            label = ind.text if numbered else leaf_label(ind)
            sheet.rows.append(Row(list(parents), label, dec_str(ind.points) if ind.points is not None else "",
                                  values[ind.id], remarks.get(ind.id, ""), id=ind.id,
                                  number=(ind.marker or "").strip(".、． ") if numbered else ""))
            return
        if bands and ind.level == 1:
            sheet.rows.append(Row([], printed(ind), "", "", kind="band", id=ind.id))
        for c in ind.children:
            walk(c, parents + ([] if bands and ind.level == 1 else [(ind.id, printed(ind))]))
        if subtotals and ind.level == 1:
            area = sum((Decimal(values[leaf.id]) for leaf in ind.leaves() if _number(values[leaf.id])), Decimal(0))
            sheet.rows.append(Row(list(parents) + ([] if bands else [(ind.id, printed(ind))]), "小计",
                                  dec_str(ind.points) if ind.points is not None else "", dec_str(area),
                                  kind="subtotal", id=ind.id))

    for top in rubric.indicators:
        walk(top, [])
    if total:
        s = sum((Decimal(v) for v in values.values() if _number(v)), Decimal(0))
        sheet.rows.append(Row([], "合计", dec_str(rubric.total) if rubric.total is not None else "", dec_str(s),
                              kind="total"))
    return sheet


def _number(text: str) -> bool:
    try:
        Decimal(text)
        return True
    except ArithmeticError:
        return False


# --- the edits units make --------------------------------------------------------------------------


def find(sheet: Sheet, ident: str, kind: str = "item") -> int:
    return next(i for i, r in enumerate(sheet.rows) if r.id == ident and r.kind == kind)


def retype(sheet: Sheet, ident: str, text: str) -> None:
    sheet.rows[find(sheet, ident)].label = text


def delete(sheet: Sheet, ident: str) -> None:
    del sheet.rows[find(sheet, ident)]


def swap(sheet: Sheet, a: str, b: str) -> None:
    i, j = find(sheet, a), find(sheet, b)
    sheet.rows[i], sheet.rows[j] = sheet.rows[j], sheet.rows[i]


def set_value(sheet: Sheet, ident: str, value: str, kind: str = "item") -> None:
    sheet.rows[find(sheet, ident, kind)].value = value


# --- the grid: logical cells with spans ------------------------------------------------------------


@dataclass
class GridCell:
    text: str
    row: int
    col: int
    rows: int = 1
    cols: int = 1


def grid(sheet: Sheet) -> list[GridCell]:
    """The sheet's cells (row 0 the header): each ancestor label merged down over its consecutive rows, a leaf above
    the deepest level spanning to the last label column, 小计/合计 spanning the label columns below their area, a band
    row across the whole table."""
    cells = [GridCell(h, 0, k) for k, h in enumerate(sheet.header)]
    off = 1 if sheet.numbered else 0
    d = sheet.depth
    open_: dict[int, GridCell] = {}  # label column -> the merged cell still open
    for n, row in enumerate(sheet.rows, start=1):
        if row.kind == "band":
            cells.append(GridCell(row.label, n, 0, cols=len(sheet.header)))
            open_.clear()
            continue
        if off:
            cells.append(GridCell(row.number, n, 0))
        for k in range(d):
            if k < len(row.parents):
                ident, text = row.parents[k]
                cur = open_.get(k)
                if cur is not None and getattr(cur, "ident", None) == ident and cur.row + cur.rows == n:
                    cur.rows += 1
                    continue
                c = GridCell(text, n, k + off)
                c.ident = ident  # type: ignore[attr-defined]
                cells.append(c)
                open_[k] = c
            else:
                cells.append(GridCell(row.label, n, k + off, cols=d - k))
                for j in range(k, d):
                    open_.pop(j, None)
                break
        cells += [GridCell(row.points, n, d + off), GridCell(row.value, n, d + off + 1),
                  GridCell(row.remark, n, d + off + 2)]
    return cells


def xlsx(sheet: Sheet, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append([sheet.title])
    for line in sheet.lines:
        ws.append([line])
    top = ws.max_row + 1
    for c in grid(sheet):
        cell = ws.cell(row=top + c.row, column=c.col + 1, value=c.text if c.text else None)
        cell.data_type = "s"
        if c.text and _number(c.text) and c.col >= sheet.depth + (1 if sheet.numbered else 0):
            cell.value = float(c.text) if "." in c.text else int(c.text)  # as Excel keeps typed numbers
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if c.rows > 1 or c.cols > 1:
            ws.merge_cells(start_row=top + c.row, start_column=c.col + 1, end_row=top + c.row + c.rows - 1,
                           end_column=c.col + c.cols)
    wb.save(path)
    return path


def docx(sheet: Sheet, path: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph(sheet.title)
    for line in sheet.lines:
        doc.add_paragraph(line)
    n_rows = len(sheet.rows) + 1
    table = doc.add_table(rows=n_rows, cols=len(sheet.header))
    table.style = "Table Grid"
    from docx.oxml.ns import qn

    # table.cell() walks the whole table each call: hold each row's cells once (before any merge)
    cells = [list(row.cells) for row in table.rows]
    across = []
    for c in grid(sheet):
        cells[c.row][c.col].text = c.text
        if c.rows > 1:  # as Word writes it: <w:vMerge w:val="restart"/>, then bare <w:vMerge/> below
            for k in range(c.rows):
                for j in range(c.cols):
                    vm = cells[c.row + k][c.col + j]._tc.get_or_add_tcPr()._add_vMerge()
                    if k == 0:
                        vm.set(qn("w:val"), "restart")
        if c.cols > 1:
            across.append(c)
    for c in across:  # gridSpan: merged across once the texts are in
        for k in range(c.rows):
            row = table.rows[c.row + k]
            row.cells[c.col].merge(row.cells[c.col + c.cols - 1])
            if c.text and k == 0:
                row.cells[c.col].text = c.text
    doc.save(path)
    return path


# --- PDF -------------------------------------------------------------------------------------------

_W, _H = 842.0, 595.0  # A4 landscape
_FONT = 8.0
_LINE = _FONT + 3


def _wrap(text: str, width: float) -> list[str]:
    per = max(1, int((width - 6) / _FONT))
    return [text[i:i + per] for i in range(0, len(text), per)] or [""]


def pdf(sheet: Sheet, path: Path, widths: list[float] | None = None) -> Path:
    cells = grid(sheet)
    n = len(sheet.header)
    widths = widths or (([30.0] if sheet.numbered else []) + [120.0] * (sheet.depth - 1) + [230.0]
                        + [40.0, 50.0, 0.0])[:n]
    widths[-1] = _W - 60 - sum(widths[:-1])
    x_at = [30.0]
    for w in widths:
        x_at.append(x_at[-1] + w)
    by_row: dict[int, list[GridCell]] = {}
    for c in cells:
        by_row.setdefault(c.row, []).append(c)
    n_rows = max(by_row) + 1
    height = {}
    for r in range(n_rows):  # a row is as tall as its one-row cells need (merged cells fit in the sum)
        height[r] = max([len(_wrap(c.text, x_at[c.col + c.cols] - x_at[c.col])) * _LINE + 6
                         for c in by_row.get(r, []) if c.rows == 1] or [_LINE + 6])
    pages: list[list[str]] = [[]]
    ops = pages[0]

    def text(x: float, y: float, s: str, size: float = _FONT) -> None:
        ops.append(f"BT /F1 {size} Tf {x:.1f} {y:.1f} Td <{s.encode('utf-16-be').hex()}> Tj ET")

    y = _H - 40
    text(30, y, sheet.title, 14)
    for line in sheet.lines:
        y -= 20
        text(30, y, line, 10)
    y -= 16
    top_of: dict[int, float] = {}
    page_first = 0
    r = 0
    while r < n_rows:
        if y - height[r] < 30 and r > page_first:
            pages.append([])
            ops = pages[-1]
            y = _H - 40
            page_first = r
            top_of[0] = y  # the header row again
            _draw_row(ops, text, by_row[0], 0, {0: y}, height, x_at, 0, 1)
            y -= height[0]
        top_of[r] = y
        y -= height[r]
        r += 1
        if r == n_rows or (y - height.get(r, 0) < 30):
            _draw_rows(ops, text, cells, top_of, height, x_at, page_first, r)
    _write_pdf(pages, path)
    return path


def _draw_rows(ops, text, cells, top_of, height, x_at, first: int, end: int) -> None:
    """Draw the cells of rows first..end-1 of one page (a merged cell cut by the page: on both, with its text)."""
    for c in cells:
        a, b = max(c.row, first), min(c.row + c.rows, end)
        if a >= b:
            continue
        part = replace(c, row=a, rows=b - a)
        _draw_cell(ops, text, part, top_of, height, x_at)


def _draw_row(ops, text, row_cells, r, top_of, height, x_at, first, end) -> None:
    for c in row_cells:
        _draw_cell(ops, text, replace(c, row=r, rows=1), top_of, height, x_at)


def _draw_cell(ops, text, c: GridCell, top_of, height, x_at) -> None:
    top = top_of[c.row]
    h = sum(height[r] for r in range(c.row, c.row + c.rows))
    x, w = x_at[c.col], x_at[c.col + c.cols] - x_at[c.col]
    ops.append(f"{x:.1f} {top - h:.1f} {w:.1f} {h:.1f} re S")
    for k, line in enumerate(_wrap(c.text, w) if c.text else []):
        text(x + 3, top - 3 - (k + 1) * _LINE + 3, line)


def _write_pdf(pages: list[list[str]], path: Path) -> None:
    objs: list[bytes] = []

    def add(b: bytes) -> int:
        objs.append(b)
        return len(objs)

    desc = add(b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
               b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
    cid = add(f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
              f"/Ordering (GB1) /Supplement 4 >> /FontDescriptor {desc} 0 R /DW 1000 >>".encode())
    font = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H "
               f"/DescendantFonts [{cid} 0 R] >>".encode())
    pages_id = len(objs) + 2 * len(pages) + 1
    kids = []
    for ops in pages:
        data = zlib.compress("\n".join(ops).encode())
        c = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {_W:.0f} {_H:.0f}] /Resources "
                        f"<< /Font << /F1 {font} 0 R >> >> /Contents {c} 0 R >>".encode()))
    assert add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()) \
        == pages_id
    cat = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, b in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + b + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root {cat} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def html(sheet: Sheet, path: Path) -> Path:
    """A web page as an office posts it: the title and 填报单位 line, the table with rowspan/colspan."""
    from html import escape

    by_row: dict[int, list[GridCell]] = {}
    for c in grid(sheet):
        by_row.setdefault(c.row, []).append(c)
    out = ['<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>自评表</title></head><body>',
           f"<h1>{escape(sheet.title)}</h1>"] + [f"<p>{escape(line)}</p>" for line in sheet.lines] + ["<table>"]
    for r in sorted(by_row):
        tag = "th" if r == 0 else "td"
        out.append("<tr>" + "".join(
            f'<{tag}{f" rowspan={c.rows}" if c.rows > 1 else ""}{f" colspan={c.cols}" if c.cols > 1 else ""}>'
            f"{escape(c.text)}</{tag}>" for c in sorted(by_row[r], key=lambda c: c.col)) + "</tr>")
    out.append("</table></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


WRITERS = {"xlsx": xlsx, "docx": docx, "pdf": pdf, "html": html}


def scan(sheet: Sheet, path: Path, *, dpi: int = 300, seed: int = 7) -> Path:
    """The sheet printed (pdf above) and scanned back as an image-only PDF, as an office scanner in black-and-white
    mode writes it: each page rendered at ``dpi`` (corpus/scans.py), turned a little (0.7° and -0.4° in turn) with
    a little sensor noise, then thresholded to one bit a pixel (a tenth of a grey JPEG's bytes)."""
    import importlib.util
    import io
    import random
    import sys

    from PIL import Image

    where = Path(__file__).resolve().parent.parent / "corpus" / "scans.py"
    spec = importlib.util.spec_from_file_location("scans", where)
    assert spec is not None and spec.loader is not None
    scans = sys.modules.get("scans") or importlib.util.module_from_spec(spec)
    if "scans" not in sys.modules:
        sys.modules["scans"] = scans
        spec.loader.exec_module(scans)
    printed = pdf(sheet, path.with_suffix(".printed.pdf")).read_bytes()
    path.with_suffix(".printed.pdf").unlink()
    rng = random.Random(seed)
    pages = []
    for k, rgb in enumerate(scans.render(printed, dpi)):
        turned = scans.degrade(rgb, scans.Degradation(dpi=dpi, skew=0.7 if k % 2 == 0 else -0.4, noise=3), rng)
        pages.append(Image.fromarray(turned).convert("L").point(lambda v: 255 if v > 200 else 0).convert("1"))
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    path.write_bytes(out.getvalue())
    return path
