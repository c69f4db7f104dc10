"""Flat exports of a catalogue (CSV, XLSX): one row per indicator, what Excel users and scoring systems import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from zhibiao.cells import append_row, safe_row
from zhibiao.model import Catalogue, Indicator, dec_str

__all__ = ["COLUMNS", "CN_COLUMNS", "RUBRIC_COLUMN", "rows", "chinese_rows", "is_verified", "title", "to_csv",
           "to_xlsx", "to_docx"]

COLUMNS = ["rubric", "id", "path", "level", "marker", "text", "points", "owner", "refs", "flags", "deduction"]


def rows(catalogue: Catalogue) -> Iterator[list]:
    """Yield one row per indicator, in document order, across every rubric."""
    for r_index, rubric in enumerate(catalogue.rubrics, start=1):
        yield from _rows(r_index, rubric.indicators, [])


def _rows(r_index: int, items: list[Indicator], trail: list[str]) -> Iterator[list]:
    for ind in items:
        yield [
            r_index, ind.id, " > ".join(trail), ind.level, ind.marker or "", ind.text,
            dec_str(ind.points) if ind.points is not None else "", ind.owner or "",
            "; ".join(ind.refs), "; ".join(ind.flags), ind.deduction.text if ind.deduction else "",
        ]
        yield from _rows(r_index, ind.children, trail + [ind.label()])


def to_csv(catalogue: Catalogue) -> str:
    """CSV text as an office hands it on: the 指标目录 sheet's Chinese header (CN_COLUMNS) and rows — kinds and
    flags in words, points as printed — with 指标体系 first when the catalogue has several rubrics (their
    编号 repeat); write it with a UTF-8 BOM so that Excel reads the Chinese. Scripts read the JSON, or the
    XLSX sheet ``indicators``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    several = len(catalogue.rubrics) > 1
    writer.writerow(([RUBRIC_COLUMN] if several else []) + CN_COLUMNS)
    points_col = CN_COLUMNS.index("分值")
    for rubric_name, row in _named_chinese_rows(catalogue):
        row[points_col] = dec_str(row[points_col]) if row[points_col] is not None else ""
        writer.writerow(safe_row(([rubric_name] if several else []) + row))
    return buf.getvalue()


KIND_WORDS = {"scored": "计分", "deduction": "减分项", "bonus": "加分项", "veto": "否决项"}
FLAG_WORDS = {
    "label_missing": "原文未印出指标名称",
    "number_from_position": "原文未编号，按位置编号",
    "inferred_from_sum": "分值由下级指标合计得出",
    "points_unit_missing": "分值未写“分”字",
    "points_unbracketed": "分值未加括号",
    "points_range": "分值为区间，取上限",
    "points_from_deduction": "分值取自评分标准",
    "label_by_reviewer": "指标名称由审核人补填",
}
RUBRIC_COLUMN = "指标体系"  # the CSV's first column when a catalogue has several rubrics
CN_COLUMNS = ["编号", "层级", "上级指标", "序号", "指标内容", "分值", "类型", "评分标准", "备注", "责任单位",
              "引用文号", "核对提示"]
UNVERIFIED_LINE = "状态：未核实（本表由 zhibiao 自动识别生成，尚未经人工逐条核实，仅供参考）"


def is_verified(catalogue: Catalogue) -> bool:
    """Whether the catalogue is verified and its store signature shows it (``zhibiao.signature``)."""
    if catalogue.verification is None or not catalogue.verification.verified:
        return False
    from zhibiao.signature import signature_problem

    return signature_problem(catalogue) is None


def title(catalogue: Catalogue) -> str:
    """The rubric's title as printed (the first rubric's), else the notice's title, else its file name."""
    for rubric in catalogue.rubrics:
        if rubric.title:
            return rubric.title
    return catalogue.document.title or catalogue.document.source_file


def state_line(catalogue: Catalogue, verified: bool) -> str:
    """状态：已核实（核实人 …，时间 …） or the 未核实 warning."""
    if not verified:
        return UNVERIFIED_LINE
    v = catalogue.verification
    who = [f"核实人：{v.by}"] if v is not None and v.by else []
    if v is not None and v.at is not None:
        who.append(f"核实时间：{v.at.date().isoformat()}")
    return "状态：已核实" + (f"（{'，'.join(who)}）" if who else "")


def source_line(catalogue: Catalogue) -> str:
    """来源：《通知标题》（文号），文件 name."""
    doc = catalogue.document
    parts = ["来源："]
    if doc.title:
        parts.append(f"《{doc.title}》")
    if doc.doc_number:
        parts.append(f"（{doc.doc_number}）")
    parts.append(("，文件 " if len(parts) > 1 else "文件 ") + doc.source_file)
    return "".join(parts)


def chinese_rows(catalogue: Catalogue) -> Iterator[list]:
    """The 指标目录 rows (CN_COLUMNS): points as Decimal, in document order across every rubric."""
    return (row for _, row in _named_chinese_rows(catalogue))


def _named_chinese_rows(catalogue: Catalogue) -> Iterator[tuple[str, list]]:
    """(the rubric's name, a 指标目录 row) for every indicator of every rubric, in document order."""
    from decimal import Decimal

    for n, rubric in enumerate(catalogue.rubrics, start=1):
        name = rubric.title or f"第{n}个指标体系"
        index = {ind.id: ind for ind in rubric.walk()}
        for ind in rubric.walk():
            parent = index.get(ind.id.rsplit(".", 1)[0]) if "." in ind.id else None
            yield name, [ind.id, ind.level, parent.label("（未印出）") if parent is not None else "", ind.marker or "",
                         ind.text if ind.text else "（原文未印出）",
                         Decimal(dec_str(ind.points)) if ind.points is not None else None,
                         KIND_WORDS.get(ind.kind, ind.kind), ind.criteria or "", "\n".join(ind.notes), ind.owner or "",
                         "、".join(ind.refs), "；".join(FLAG_WORDS.get(f, f) for f in ind.flags)]


def to_xlsx(catalogue: Catalogue, verified: bool | None = None) -> bytes:
    """An XLSX workbook: 指标目录 for people (title, 已核实/未核实 state and source above a bold frozen Chinese header,
    wrapped text, fitting widths, printed on landscape A4 fitted to the width with the title rows repeated),
    then ``indicators`` for scripts (COLUMNS, one header row, filters, points as numbers).

    ``verified``: the state to print; by default the catalogue's own, believed only with the store's signature."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    from zhibiao.office import fit_widths, header_row, print_setup, sheet_title, state_word, wrap_rows

    if verified is None:
        verified = is_verified(catalogue)
    wb = Workbook()
    cn = wb.active
    assert isinstance(cn, Worksheet)  # a new workbook's one sheet
    cn.title = "指标目录"
    heading = f"{title(catalogue)}（{state_word(verified)}）"
    top = sheet_title(cn, heading, [state_line(catalogue, verified), source_line(catalogue)], len(CN_COLUMNS))
    head = header_row(cn, CN_COLUMNS)
    for row in chinese_rows(catalogue):
        append_row(cn, row)
    cn.freeze_panes = f"A{head + 1}"
    cn.auto_filter.ref = f"A{head}:{get_column_letter(len(CN_COLUMNS))}{max(cn.max_row, head)}"
    wrap_rows(cn, head + 1, center_columns=(1, 2, 4, 6, 7))
    fit_widths(cn, head)
    print_setup(cn, title_rows=top + 1, state=state_word(verified))

    ws = wb.create_sheet("indicators")
    ws.append(COLUMNS)
    points_col = COLUMNS.index("points")
    for row in rows(catalogue):
        if row[points_col] != "":
            row[points_col] = Decimal(row[points_col])
        append_row(ws, row)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for col, width in zip("ABCDEFGHIJK", (7, 12, 40, 6, 8, 60, 8, 20, 24, 20, 30)):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_docx(catalogue: Catalogue, verified: bool | None = None) -> bytes:
    """The catalogue as the DOCX 附件 offices issue (``zhibiao.attachment``)."""
    from zhibiao.attachment import to_docx as attachment_docx

    return attachment_docx(catalogue, verified)
