"""The 新旧对照表 people hand on: one row per link, removed and added item in document order, in Chinese.

``comparison_rows`` gives the rows (序号 | 原条目 | 现条目 | 变化) that the DOCX (``to_docx``), the XLSX's
first sheet and the chain reports share; ``change_word`` and ``change_notes`` say what changed in the
words of a 司法局's revision table (修改/拆分/合并/删除/新增, 分值 a→b, 比例要求更严格：50%→60%).

A crosswalk is verified when people have decided every link and every removed/added item in the review
app (``zhibiao.store``: the store's ``ReviewedCrosswalk`` carries ``verified``); every document and sheet
of any other crosswalk (a plain ``Crosswalk`` from ``zhibiao diff``) says 未核实.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from zhibiao.model import Catalogue, Crosswalk, CrosswalkSide, Indicator, Link, NumberChange, dec_str
from zhibiao.office import HEADER_FONT, TITLE_FONT, UNVERIFIED, east_asia, new_document, repeat_header, set_widths

from .match import main_rubric

__all__ = ["KIND_WORDS", "UNVERIFIED", "Row", "change_word", "change_notes", "comparison_rows", "is_verified",
           "title", "to_docx", "docx_table"]

# What a revision-comparison table calls each kind of change.
KIND_WORDS = {"modified": "修改", "unchanged": "未修改", "moved": "调整位置", "split": "拆分", "merge": "合并",
              "many_to_many": "拆分合并", "removed": "删除", "added": "新增"}
NUMBER_NOUNS = {"percent": "比例要求", "time_limit": "时限要求", "deadline": "期限要求", "count": "数量要求",
                "docnum": "引用文号", "number": "数值"}
UNVERIFIED_NOTE = "未核实：本表由 zhibiao 自动比对生成，尚未经人工逐条核实，仅供参考。"


def is_verified(cw) -> bool:
    """Whether people have decided every link and every removed/added item: the ``verified`` of a reviewed
    crosswalk (zhibiao.store.ReviewedCrosswalk); a crosswalk straight from ``crosswalk()`` has none: False."""
    return bool(getattr(cw, "verified", False))


def _pts(p: Decimal | None) -> str:
    return dec_str(p) if p is not None else "未列"


def change_word(link: Link) -> str:
    """修改, 未修改, 调整位置, 拆分, 合并 or 拆分合并: the kind of a link in a revision table's words."""
    if link.kind == "split":
        return KIND_WORDS["split"]
    if link.kind == "merge":
        return KIND_WORDS["merge"]
    if link.kind == "many_to_many":
        return KIND_WORDS["many_to_many"]
    if {"text", "points", "numbers"} & set(link.changes):
        return KIND_WORDS["modified"]
    return KIND_WORDS["moved"] if "parent" in link.changes else KIND_WORDS["unchanged"]


def number_note(n: NumberChange) -> str:
    """One changed quantity: 比例要求更严格：达到 50%以上→达到 60%以上; 新增时限要求：10个工作日内."""
    noun = NUMBER_NOUNS[n.kind]
    if n.direction == "added":
        return f"新增{noun}：{n.new}"
    if n.direction == "removed":
        return f"删除{noun}：{n.old}"
    verb = {"stricter": "更严格", "looser": "更宽松"}.get(n.direction, "调整")
    return f"{noun}{verb}：{n.old}→{n.new}"


def count_words(n: int) -> str:
    """两, 三 … 十 for small counts (两项合并为一项), digits beyond."""
    return "两三四五六七八九十"[n - 2] if 2 <= n <= 10 else str(n)


def change_notes(link: Link, new_index: dict[str, Indicator] | None = None) -> list[str]:
    """What changed besides the kind: 一项拆分为2项, 分值 3→2, the quantities, the new place."""
    notes = []
    if link.kind == "split":
        notes.append(f"一项拆分为{count_words(len(link.new))}项")
    elif link.kind == "merge":
        notes.append(f"{count_words(len(link.old))}项合并为一项")
    elif link.kind == "many_to_many":
        notes.append(f"{count_words(len(link.old))}项调整为{count_words(len(link.new))}项")
    ev = link.evidence
    if ev.old_points != ev.new_points:
        notes.append(f"分值 {_pts(ev.old_points)}→{_pts(ev.new_points)}")
    notes += [number_note(n) for n in ev.numbers]
    if "parent" in link.changes:
        parent = None
        if new_index is not None and "." in link.new[0]:
            parent = new_index.get(link.new[0].rsplit(".", 1)[0])
        notes.append(f"调整至“{parent.label('')}”下" if parent is not None and parent.label("")
                     else "调整所属指标")
    return notes


@dataclass
class Row:
    """One row of the 新旧对照表 (old or new side empty for an added or removed item)."""

    old: list[str]
    new: list[str]
    word: str  # 修改, 拆分, … 删除, 新增
    notes: list[str] = field(default_factory=list)
    link: Link | None = None

    def change(self) -> str:
        """The 变化 cell: the kind word, then the details, separated by 、/；."""
        return "；".join([self.word] + self.notes)


def _order(cat: Catalogue) -> dict[str, int]:
    return {ind.id: k for k, ind in enumerate(main_rubric(cat).leaves())}


def interleave(rows: list, before: list[list[str]], insert: Sequence[tuple[str, object]],
               order: dict[str, int]) -> list:
    """``rows`` (in their order) with each ``insert`` item (id, row) placed after the last row holding an id
    that comes before it in ``order`` (``before[k]``: the ids of ``rows[k]`` on that side); in front when none."""
    after: dict[int, list] = {}
    for ident, row in insert:
        pos = order.get(ident, -1)
        best, where = -1, -1
        for k, ids in enumerate(before):
            earlier = [order[i] for i in ids if i in order and order[i] < pos]
            if earlier and max(earlier) > best:
                best, where = max(earlier), k
        after.setdefault(where, []).append(row)
    out = list(after.get(-1, []))
    for k, row in enumerate(rows):
        out.append(row)
        out += after.get(k, [])
    return out


def comparison_rows(cw: Crosswalk, old_cat: Catalogue, new_cat: Catalogue) -> list[Row]:
    """Links and removed items in the old document's order, each added item after its new predecessor."""
    new_index = {i.id: i for i in main_rubric(new_cat).walk()}
    old_order, new_order = _order(old_cat), _order(new_cat)
    old_side = [(min(old_order.get(i, 10**9) for i in link.old), Row(link.old, link.new, change_word(link),
                                                                      change_notes(link, new_index), link))
                for link in cw.links]
    old_side += [(old_order.get(i, 10**9), Row([i], [], KIND_WORDS["removed"])) for i in cw.removed]
    old_side.sort(key=lambda pair: pair[0])
    rows = [row for _, row in old_side]
    added = [(i, Row([], [i], KIND_WORDS["added"])) for i in sorted(cw.added, key=lambda i: new_order.get(i, 10**9))]
    return interleave(rows, [row.new for row in rows], added, new_order)


def side_name(side: CrosswalkSide) -> str:
    return side.title or side.source_file


def title(cw: Crosswalk) -> str:
    """《新版标题》新旧对照表 (both titles when the new one does not name the old)."""
    old, new = side_name(cw.old), side_name(cw.new)
    return f"《{new}》新旧对照表" if old == new or not cw.old.title else f"《{old}》与《{new}》新旧对照表"


def _side_line(label: str, side: CrosswalkSide) -> str:
    parts = [f"{label}：《{side_name(side)}》"]
    if side.doc_number:
        parts.append(f"（{side.doc_number}）")
    if side.total is not None:
        parts.append(f"，共{dec_str(side.total)}分")
    return "".join(parts)


def summary_line(rows: list[Row]) -> str:
    """共对照N条，其中修改a条、未修改b条、拆分c处、合并d处、删除e条、新增f条 (only the kinds present)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.word] = counts.get(row.word, 0) + 1
    unit = {"拆分": "处", "合并": "处", "拆分合并": "处"}
    parts = [f"{word}{counts[word]}{unit.get(word, '条')}" for word in KIND_WORDS.values() if counts.get(word)]
    return f"共对照{len(rows)}条，其中" + "、".join(parts) + "。" if parts else "无对照内容。"


def item_text(ind: Indicator | None, ident: str) -> str:
    """One item as the table prints it: number, text and points (1.2　建立行政执法人员清单（2分）)."""
    if ind is None:
        return ident
    points = f"（{dec_str(ind.points)}分）" if ind.points is not None else ""
    return f"{ident}\u3000{ind.text}{points}"


# --- DOCX ------------------------------------------------------------------------------------


def docx_table(heading: str, lines: list[str], headers: list[str], widths_mm: list[float],
               rows: list[list[list[str]]], verified: bool) -> bytes:
    """A landscape A4 document: title, lines under it, and one table whose header row repeats on every page.

    ``rows``: per row, per column, the paragraphs of the cell. Unverified: 未核实 in the title line and in
    the page header (every page)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = new_document(heading, landscape=True, header_note=None if verified else UNVERIFIED_NOTE)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(heading + ("" if verified else f"（{UNVERIFIED}）"))
    east_asia(run, TITLE_FONT)
    run.font.size, run.font.bold = Pt(18), True  # 小二
    for line in lines:
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(2)

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False

    def fill(cell, paragraphs: list[str], bold_font: str | None = None, center: bool = False) -> None:
        cell.paragraphs[0].text = ""
        for k, text in enumerate(paragraphs or [""]):
            p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            if center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(text)
            if bold_font:
                east_asia(r, bold_font)
                r.font.bold = True

    first = table.rows[0]
    repeat_header(first)
    for cell, text in zip(first.cells, headers):
        fill(cell, [text], HEADER_FONT, center=True)
    for values in rows:
        cells = table.add_row().cells
        for k, (cell, paragraphs) in enumerate(zip(cells, values)):
            fill(cell, paragraphs, center=(k == 0))
    set_widths(table, widths_mm)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


HEADERS = ["序号", "原条目", "现条目", "变化"]


def to_docx(cw: Crosswalk, old_cat: Catalogue, new_cat: Catalogue) -> bytes:
    """The 新旧对照表 as DOCX: landscape A4, 序号 | 原条目 | 现条目 | 变化, header row repeated,
    未核实 unless verified."""
    old_index = {i.id: i for i in main_rubric(old_cat).walk()}
    new_index = {i.id: i for i in main_rubric(new_cat).walk()}
    rows = comparison_rows(cw, old_cat, new_cat)
    body = [[[str(k)], [item_text(old_index.get(i), i) for i in row.old],
             [item_text(new_index.get(i), i) for i in row.new], [row.word] + row.notes]
            for k, row in enumerate(rows, 1)]
    lines = [_side_line("原", cw.old) + "；" + _side_line("现", cw.new) + "。", summary_line(rows)]
    return docx_table(title(cw), lines, HEADERS, [12, 95, 95, 55], body, is_verified(cw))
