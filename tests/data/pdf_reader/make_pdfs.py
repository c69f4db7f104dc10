"""Write the small PDFs of tests/test_pdf_reader.py (run once; the PDFs are committed).

Run from the repository root:  .venv/bin/python tests/data/pdf_reader/make_pdfs.py
The DOCX-made ones need LibreOffice (`soffice`) and the Noto CJK fonts; fake_bold.pdf needs
reportlab (`pip install reportlab` into any throw-away environment; pass its python as --reportlab).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

_spec = importlib.util.spec_from_file_location("render", ROOT / "corpus" / "render.py")
render = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render)

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Mm  # noqa: E402

HEAD = ["序号", "一级指标", "评价内容", "分值"]
WIDTHS = [14, 30, 96, 20]


def _doc(title: str, height_mm: float = 297):
    doc = render.new_document(title)
    doc.sections[0].page_height = Mm(height_mm)
    render.para(doc, title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14, hei=True)
    return doc


def ruled_spans(out: Path) -> Path:
    """A ruled table: a label merged down over two rows, and a row whose last two cells are merged."""
    doc = _doc("规则表格合并单元格")
    t = render.new_table(doc, HEAD, WIDTHS, "single")
    render.add_row(t, ["1", "组织领导", "成立工作领导小组，明确责任分工。", "10"], ["", "restart", "", ""],
                   valign_center=(1,))
    render.add_row(t, ["2", None, "制定年度工作计划并按期落实。", "10"], ["", "continue", "", ""])
    row = render.add_row(t, ["3", "制度建设", "建立健全管理制度。", None])
    row.cells[2].merge(row.cells[3])
    path = out / "ruled_spans.docx"
    render.save_docx(doc, path)
    return path


def continued(out: Path) -> Path:
    """A ruled table on a short page that runs onto the next page: its header row printed again there,
    and a row whose long text the page break cuts in two."""
    doc = _doc("跨页续表", height_mm=130)
    t = render.new_table(doc, HEAD, WIDTHS, "single")
    long = ("按照年度目标任务逐项分解落实，建立工作台账，定期调度推进，及时研究解决工作中遇到的困难和问题，"
            "确保各项任务按时保质完成。") * 3
    for i in range(1, 4):
        render.add_row(t, [str(i), f"指标{i}", f"第{i}项评价内容。", "5"])
    render.add_row(t, ["4", "指标4", long, "10"])
    render.add_row(t, ["5", "指标5", "第5项评价内容。", "5"])
    path = out / "continued.docx"
    render.save_docx(doc, path)
    return path


def _borderless(doc, rows, band=None):
    t = render.new_table(doc, HEAD, WIDTHS, "none")
    for k, texts in enumerate(rows):
        if band is not None and k == band[0]:
            r = render.add_row(t, [band[1], None, None, None])
            r.cells[0].merge(r.cells[3])
        render.add_row(t, texts, valign_center=(0, 3))
    return t


def borderless_columns(out: Path) -> Path:
    """A table printed without ruling lines: a bold header, a content column whose cells wrap over
    several lines, the 序号 and 分值 centred beside them."""
    doc = _doc("无框线表格")
    _borderless(doc, [
        ["1", "领导", "成立由主要负责同志牵头的工作领导小组，明确责任分工，定期研究部署工作，"
                      "形成一级抓一级、层层抓落实的工作格局。", "10"],
        ["2", "制度建设", "建立健全管理制度。", "8"],
        ["3", "工作成效评价", "群众满意度达到百分之九十以上，年度目标任务全面完成，工作经验被上级部门推广。", "12"],
    ])
    render.para(doc, "以上指标由评估组现场核查。")
    path = out / "borderless_columns.docx"
    render.save_docx(doc, path)
    return path


def borderless_band(out: Path) -> Path:
    """A borderless table with a band row across all its columns (a group heading between rows)."""
    # the cells of a column differ in length: a line ending short of its column's edge ends its cell
    doc = _doc("无框线表格分组行")
    _borderless(doc, [
        ["1", "领导", "成立工作领导小组。", "10"],
        ["2", "制度建设", "建立健全管理制度，规范工作流程。", "10"],
        ["3", "工作成效", "年度目标任务全面完成。", "20"],
    ], band=(2, "二、成效指标（20分）"))
    path = out / "borderless_band.docx"
    render.save_docx(doc, path)
    return path


FAKE_BOLD = r'''
import sys
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
c = canvas.Canvas(sys.argv[1], pagesize=(420, 300), invariant=1)
def line(x, y, text, size=12, bold=False):
    for dx in ((0, 0.3) if bold else (0,)):  # fake bold: the same glyphs printed again a hair to the right
        c.setFont("STSong-Light", size)
        c.drawString(x + dx, y, text)
line(60, 230, "考核评价指标", 16, bold=True)
line(60, 200, "一、组织领导（20分）", bold=True)
line(60, 180, "成立工作领导小组，明确责任分工。")
c.showPage()
c.save()
'''


def fake_bold(out: Path, python: str) -> Path:
    target = out / "fake_bold.pdf"
    subprocess.run([python, "-c", FAKE_BOLD, str(target)], check=True)
    return target


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reportlab", help="a python with reportlab installed (for fake_bold.pdf)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        docs = [f(Path(tmp)) for f in (ruled_spans, continued, borderless_columns, borderless_band)]
        render.to_format(docs, HERE, "pdf")
    if args.reportlab:
        fake_bold(HERE, args.reportlab)
    return 0


if __name__ == "__main__":
    sys.exit(main())
