"""A catalogue as the DOCX 附件 offices issue: the 附件 line, the rubric's title, and one table with a column per
level (一级指标 | 二级指标 | 三级指标 …, as the rubric names them), points in brackets after each label
(``（一）组织领导（5分）``), a label cell merged down over the rows of its items, then 评分标准, 备注 and 责任单位
where the rubric has them, and a 合计 row when the rubric states its total.

One row per leaf indicator; a leaf above the deepest level spans the level columns to its right. A label
that is not printed (``label_missing``) is an empty merged cell, points computed from the children
(``inferred_from_sum``) or taken from the 评分标准 (``points_from_deduction``) are not printed, and an
unnumbered label (``number_from_position``) is printed without a number, as in the notice: reading the
document again (``zhibiao.pipeline.ingest``, ``extract/docx.py``) gives the same tree, ids, labels and
points. The page header says 未核实 unless the catalogue is verified; the title stays the rubric's own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from zhibiao.model import Catalogue, Indicator, Rubric, dec_str
from zhibiao.office import HEADER_FONT, TITLE_FONT, east_asia, new_document, repeat_header, set_widths

__all__ = ["LEVEL_NAMES", "cell_text", "level_headers", "to_docx"]

LEVEL_NAMES = ["一级指标", "二级指标", "三级指标", "四级指标", "五级指标", "六级指标", "七级指标", "八级指标"]
UNVERIFIED_NOTE = "未核实：本附件由 zhibiao 根据识别结果生成，尚未经人工逐条核实，仅供参考。"
_NUMERALS = set("0123456789〇零一二三四五六七八九十百")
UNPRINTED_POINTS = {"inferred_from_sum", "points_from_deduction"}  # points the notice does not print


def cell_text(ind: Indicator) -> str:
    """An indicator as its label cell prints it: marker, text and points in brackets (（一）组织领导（5分）)."""
    if "label_missing" in ind.flags:
        return ""
    marker = ind.marker or ""
    if marker and marker[-1] in _NUMERALS:  # a bare number from a 序号 cell: 一 → 一、, 1 → 1.
        marker += "." if marker[-1].isascii() else "、"
    inside = [ref for ref in ind.refs if ref not in ind.text]  # cited in the points bracket: (国办发〔2023〕27号,1分)
    if ind.points is not None and not UNPRINTED_POINTS & set(ind.flags):
        inside.append(f"{dec_str(ind.points)}分")
    return f"{marker}{ind.text}" + (f"（{'，'.join(inside)}）" if inside else "")


def _depth(rubric: Rubric) -> int:
    return max((ind.level for ind in rubric.walk()), default=1)


def _columns(rubric: Rubric) -> int:
    """How many level columns the table has: one per level, or, when the rubric names fewer label columns than
    it has levels (items numbered inside the last column's cell, as 001 and many 考核表 print them), that many
    — if everything below that column prints as paragraphs of its cell (no unprinted label, no 评分标准, 备注 or
    责任单位 of its own)."""
    depth = _depth(rubric)
    names = [n for n in rubric.level_names if n]
    k = len(names)
    if not 0 < k < depth or len(set(names)) != k:
        return depth
    for ind in rubric.walk():
        if ind.level > k and ("label_missing" in ind.flags or ind.criteria or ind.notes or ind.owner):
            return depth
    return k


def level_headers(rubric: Rubric) -> list[str]:
    """The level columns' headers: the rubric's own level names when there is one per column, else 一级指标 …"""
    n = _columns(rubric)
    names = [name for name in rubric.level_names if name]
    if len(names) == n and len(set(names)) == n:
        return names
    return [LEVEL_NAMES[k] if k < len(LEVEL_NAMES) else f"{k + 1}级指标" for k in range(n)]


def _paths(items: list[Indicator], columns: int, trail: tuple[Indicator, ...] = ()) -> list[tuple[Indicator, ...]]:
    """One path per table row, from the first-level ancestor down to the row's indicator (a leaf, or an indicator
    of the last column whose descendants print in its cell), in document order."""
    out: list[tuple[Indicator, ...]] = []
    for ind in items:
        path = trail + (ind,)
        out += _paths(ind.children, columns, path) if ind.children and ind.level < columns else [path]
    return out


def _cell_lines(ind: Indicator) -> str:
    """The row indicator's cell: its label, then every descendant's as a paragraph of its own."""
    return "\n".join([cell_text(ind)] + [cell_text(d) for d in ind.walk() if d is not ind])


def _widths(n_levels: int, extra: Sequence[str], page_mm: float) -> list[float]:
    weights = [1.0] * (n_levels - 1) + [2.2 if extra else 2.6]
    weights += [{"评分标准": 2.2, "备注": 1.2, "责任单位": 1.0}[name] for name in extra]
    total = sum(weights)
    return [round(page_mm * w / total, 1) for w in weights]


def _fill(cell, text: str, font: str | None = None, bold: bool = False, center: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraphs = text.split("\n") if text else [""]
    for k, line in enumerate(paragraphs):
        p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if line:
            run = p.add_run(line)
            if font:
                east_asia(run, font)
            run.font.bold = bold


def _table(doc, rubric: Rubric, page_mm: float) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT

    levels = level_headers(rubric)
    depth = len(levels)  # level columns
    inds = list(rubric.walk())
    present = {"评分标准": any(i.criteria for i in inds), "备注": any(i.notes for i in inds),
               "责任单位": any(i.owner for i in inds)}
    extra = [name for name, there in present.items() if there]
    paths = _paths(rubric.indicators, depth)
    total_row = rubric.stated_total is not None
    table = doc.add_table(rows=1 + len(paths) + (1 if total_row else 0), cols=depth + len(extra))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    repeat_header(table.rows[0])
    for cell, name in zip(table.rows[0].cells, levels + extra):
        _fill(cell, name, HEADER_FONT, bold=True, center=True)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    cells = [row.cells for row in table.rows]  # python-docx builds a row's cells on each access: once
    for r, path in enumerate(paths, start=1):
        leaf = path[-1]
        for col, ind in enumerate(path):
            if r > 1 and len(paths[r - 2]) > col and paths[r - 2][col] is ind:
                continue  # merged down from the row above
            last = r
            while last < len(paths) and len(paths[last]) > col and paths[last][col] is ind:
                last += 1
            right = depth - 1 if ind is leaf else col
            cell = cells[r][col]
            _fill(cell, _cell_lines(ind) if ind is leaf else cell_text(ind))
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER if ind is not leaf else \
                WD_CELL_VERTICAL_ALIGNMENT.TOP
            if last > r or right > col:
                cell.merge(cells[last][right])
        for k, name in enumerate(extra):
            value = {"评分标准": leaf.criteria or "", "备注": "\n".join(leaf.notes), "责任单位": leaf.owner or ""}[name]
            _fill(cells[r][depth + k], value)
    if total_row:
        assert rubric.stated_total is not None
        row = cells[-1]
        _fill(row[0], "合计", center=True)
        _fill(row[depth - 1] if depth > 1 else row[-1], f"{dec_str(rubric.stated_total)}分", center=True)
        if depth > 2:
            row[1].merge(row[depth - 2])
    set_widths(table, _widths(depth, extra, page_mm))


def to_docx(catalogue: Catalogue, verified: bool | None = None) -> bytes:
    """The catalogue's rubrics as a DOCX 附件 (附件1, 附件2 … when there are several), ready to re-issue.

    ``verified``: whether to leave out the 未核实 page header; by default the catalogue's own state, believed
    only with the store's signature (``zhibiao.export.is_verified``)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    from zhibiao.export import is_verified, title

    if verified is None:
        verified = is_verified(catalogue)
    wide = any(_depth(r) + bool(any(i.criteria or i.notes or i.owner for i in r.walk())) >= 4
               for r in catalogue.rubrics)
    doc = new_document(title(catalogue), landscape=wide, header_note=None if verified else UNVERIFIED_NOTE,
                       margins_mm=25 if not wide else 20)
    page_mm = (297 if wide else 210) - 2 * (20 if wide else 25)
    many = len(catalogue.rubrics) > 1
    for n, rubric in enumerate(catalogue.rubrics, start=1):
        if n > 1:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        tag = doc.add_paragraph()
        run = tag.add_run(f"附件{n}" if many else "附件")
        east_asia(run, HEADER_FONT)
        run.font.size = Pt(16)  # 三号
        head = doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = head.add_run(rubric.title or title(catalogue))
        east_asia(run, TITLE_FONT)
        run.font.size, run.font.bold = Pt(18), True  # 小二
        head.paragraph_format.space_after = Pt(8)
        _table(doc, rubric, page_mm)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
