"""Styling shared by every DOCX and XLSX that people hand on: fonts for Chinese text, landscape A4, page
numbers, repeated header rows, and sheets with a title, a bold frozen header, wrapped text, fitting widths
and a print setup (A4 landscape, fit to width, title rows repeated on every page).

The 新旧对照表 (``diff/handout.py``), the catalogue exports (``zhibiao/export.py``, ``zhibiao/attachment.py``)
and the cohort report (``zhibiao/scoring/cohort_report.py``) build their documents with these helpers, so
they look alike and say 未核实 in the same places. Every text still goes through ``zhibiao.cells``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["BODY_FONT", "TITLE_FONT", "HEADER_FONT", "VERIFIED", "UNVERIFIED", "state_word", "east_asia", "field",
           "new_document", "page_numbers", "repeat_header", "set_widths", "text_width", "sheet_title", "header_row",
           "wrap_rows", "fit_widths", "print_setup"]

BODY_FONT, TITLE_FONT, HEADER_FONT = "仿宋", "宋体", "黑体"
VERIFIED, UNVERIFIED = "已核实", "未核实"
A4_PAPER = 9  # openpyxl's PAPERSIZE_A4


def state_word(verified: bool) -> str:
    """已核实 or 未核实."""
    return VERIFIED if verified else UNVERIFIED


# --- DOCX ------------------------------------------------------------------------------------


def east_asia(run_or_style, name: str) -> None:
    """Set a font for Latin and CJK text alike (python-docx sets only w:ascii/w:hAnsi)."""
    from docx.oxml.ns import qn

    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def field(paragraph, code: str) -> None:
    """A simple field (PAGE, NUMPAGES) in a paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def page_numbers(section) -> None:
    """第 N 页　共 M 页, centred in the section's footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    field(footer, "PAGE")
    footer.add_run(" 页　共 ")
    field(footer, "NUMPAGES")
    footer.add_run(" 页")


def new_document(heading: str, *, landscape: bool, header_note: str | None = None, margins_mm: float = 20):
    """A python-docx Document on A4 (landscape or portrait), 仿宋 五号 body, page numbers in the footer and,
    when given, a note on the right of every page header (the 未核实 warning)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(margins_mm)
    section.top_margin = section.bottom_margin = Mm(margins_mm)
    normal = doc.styles["Normal"]
    east_asia(normal, BODY_FONT)
    normal.font.size = Pt(10.5)  # 五号
    doc.core_properties.title = heading
    doc.core_properties.language = "zh-CN"
    if header_note:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        east_asia(header.add_run(header_note), BODY_FONT)
    page_numbers(section)
    return doc


def repeat_header(row) -> None:
    """Mark a table row as its header: repeated at the top of every page, never split across pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)


def set_widths(table, widths_mm: Sequence[float]) -> None:
    """Column widths on the grid (which LibreOffice and WPS follow) and on every cell (which Word follows)."""
    from docx.shared import Mm

    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for tr in table._tbl.tr_lst:  # each <w:tc> once (row.cells resolves merged cells, quadratic in the rows)
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Mm(sum(widths_mm[col:col + span]))
            col += span


# --- XLSX ------------------------------------------------------------------------------------


def text_width(value: Any) -> int:
    """How many columns a value takes in a sheet: a CJK character counts two, the longest line counts."""
    if value is None:
        return 0
    lines = str(value).split("\n")
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def sheet_title(ws, title: str, lines: Iterable[str], ncols: int) -> int:
    """A bold title row merged across ``ncols`` columns, then one row per line (the 已核实/未核实 state, the
    source); returns the number of rows written (the header row comes next)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from zhibiao.cells import append_row

    append_row(ws, [title])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=14)
    ws.cell(row=ws.max_row, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[ws.max_row].height = 24
    rows = 1
    for line in lines:
        append_row(ws, [line])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(horizontal="left", vertical="center")
        rows += 1
    if ncols > 1:
        last = get_column_letter(ncols)
        for r in range(ws.max_row - rows + 1, ws.max_row + 1):
            ws.merge_cells(f"A{r}:{last}{r}")
    return rows


def header_row(ws, headers: Sequence[str]) -> int:
    """Append the column headers: bold, centred, wrapped, shaded, with borders; returns its row number."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from zhibiao.cells import append_row

    append_row(ws, list(headers))
    row = ws.max_row
    thin = Side(style="thin", color="808080")
    for cell in ws[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    return row


def wrap_rows(ws, first_row: int, center_columns: Iterable[int] = ()) -> None:
    """Wrap the text of every cell from ``first_row`` on, aligned to the top (numbered columns centred)."""
    from openpyxl.styles import Alignment

    center = set(center_columns)
    top = Alignment(wrap_text=True, vertical="top")
    mid = Alignment(wrap_text=True, vertical="top", horizontal="center")
    for cells in ws.iter_rows(min_row=first_row):
        for cell in cells:
            cell.alignment = mid if cell.column in center else top


def fit_widths(ws, first_row: int, *, minimum: int = 6, maximum: int = 60) -> None:
    """Column widths that fit the header and the values from ``first_row`` on, between ``minimum`` and
    ``maximum`` characters (longer texts wrap)."""
    from openpyxl.utils import get_column_letter

    widest: dict[int, int] = {}
    for cells in ws.iter_rows(min_row=first_row):
        for cell in cells:
            value = cell.value
            if isinstance(value, float):  # a ratio shown as a percentage: 91.25%
                value = f"{value:.2%}"
            widest[cell.column] = max(widest.get(cell.column, 0), text_width(value))
    for column, width in widest.items():
        ws.column_dimensions[get_column_letter(column)].width = max(minimum, min(maximum, width + 2))


def print_setup(ws, *, title_rows: int, state: str | None, landscape: bool = True) -> None:
    """Print on A4 (landscape by default), fitted to the page width, the rows 1..title_rows repeated at the
    top of every page, the state (已核实/未核实) in the page header and 第 N 页 共 M 页 in the footer."""
    setup = ws.page_setup
    setup.orientation = "landscape" if landscape else "portrait"
    setup.paperSize = A4_PAPER
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
    assert ws.oddHeader is not None and ws.oddFooter is not None  # a sheet's HeaderFooter always makes them
    if state:
        ws.oddHeader.right.text = state
    ws.oddFooter.center.text = "第 &P 页　共 &N 页"
