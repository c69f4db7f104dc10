"""Version chains: crosswalks A→B, B→C … composed into lineages (an indicator's ids in every version).

A lineage is a connected component of the union of the link graphs of neighbouring versions, so every
leaf of every version is in exactly one lineage. Reports: ``chain_xlsx`` (sheet 版本沿革, one column per
version with a 变化 column between neighbours) and ``chain_docx`` (the same table, landscape A4).
"""

from __future__ import annotations

import io
from collections import defaultdict

from zhibiao.cells import append_row
from zhibiao.model import Catalogue, Chain, ChangeKind, Crosswalk, Lineage, Link, StepKind

from .crosswalk import crosswalk
from .handout import (
    KIND_WORDS,
    UNVERIFIED,
    change_notes,
    change_word,
    docx_table,
    interleave,
    is_verified,
    item_text,
    side_name,
)
from .match import main_rubric

__all__ = ["chain", "compose", "chain_rows", "chain_xlsx", "chain_docx"]


def chain(cats: list[Catalogue]) -> tuple[Chain, list[Crosswalk]]:
    """The crosswalk of each neighbouring pair of versions (oldest first) and their composition."""
    if len(cats) < 2:
        raise ValueError("a chain needs at least two versions")
    steps = [crosswalk(a, b) for a, b in zip(cats, cats[1:])]
    return compose(steps, cats), steps


def _orders(cats: list[Catalogue]) -> list[dict[str, int]]:
    return [{ind.id: k for k, ind in enumerate(main_rubric(cat).leaves())} for cat in cats]


def compose(steps: list[Crosswalk], cats: list[Catalogue]) -> Chain:
    """Lineages of the versions ``cats`` linked by ``steps`` (steps[i]: cats[i] → cats[i+1])."""
    n = len(cats)
    if len(steps) != n - 1:
        raise ValueError("a chain of n versions needs n - 1 crosswalks")
    orders = _orders(cats)
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for v, order in enumerate(orders):
        for ident in order:
            find((v, ident))
    for i, cw in enumerate(steps):
        for link in cw.links:
            nodes = [(i, x) for x in link.old] + [(i + 1, x) for x in link.new]
            for node in nodes[1:]:
                parent[find(node)] = find(nodes[0])
    groups: dict[tuple[int, str], list[list[str]]] = defaultdict(lambda: [[] for _ in range(n)])
    for node in list(parent):
        v, ident = node
        groups[find(node)][v].append(ident)
    lineages = []
    for ids in groups.values():
        for v in range(n):
            ids[v].sort(key=lambda x: orders[v].get(x, 10**9))
        lineages.append(_lineage(ids, steps))
    ordered: list[Lineage] = []
    for v in range(n):
        born = [lin for lin in lineages if lin.ids[v] and not any(lin.ids[u] for u in range(v))]
        born.sort(key=lambda lin: orders[v].get(lin.ids[v][0], 10**9))
        if v == 0:
            ordered = born
        else:
            ordered = interleave(ordered, [lin.ids[v] for lin in ordered], [(lin.ids[v][0], lin) for lin in born],
                                 orders[v])
    result = Chain(versions=[cw.old for cw in steps] + [steps[-1].new], lineages=ordered)
    result.summary = _summary(result, steps)
    return result


def _lineage(ids: list[list[str]], steps: list[Crosswalk]) -> Lineage:
    kinds: list[list[StepKind]] = []
    changes: list[list[ChangeKind]] = []
    for i, cw in enumerate(steps):
        here, there = set(ids[i]), set(ids[i + 1])
        links = [link for link in cw.links if here & set(link.old)]
        step: set[StepKind] = {link.kind for link in links}
        if here & set(cw.removed):
            step.add("removed")
        if there & set(cw.added):
            step.add("added")
        kinds.append(sorted(step))
        changes.append(sorted({c for link in links for c in link.changes}))
    return Lineage(ids=ids, steps=kinds, changes=changes)


def _summary(ch: Chain, steps: list[Crosswalk]) -> list[str]:
    n = len(ch.versions)
    every = [lin for lin in ch.lineages if all(lin.ids)]
    same = [lin for lin in every if not any(lin.changes) and all(s == ["one_to_one"] for s in lin.steps)]
    later = sum(1 for lin in ch.lineages if not lin.ids[0])
    ended = sum(1 for lin in ch.lineages if not lin.ids[-1])
    lines = [f"{n} versions: " + " → ".join(v.source_file for v in ch.versions),
             f"{len(ch.lineages)} lineages: {len(every)} in every version ({len(same)} unchanged throughout), "
             f"{later} begin after the first version, {ended} end before the last"]
    for i, cw in enumerate(steps):
        lines.append(f"step {i + 1} ({cw.old.source_file} → {cw.new.source_file}): "
                     + (cw.summary[0] if cw.summary else ""))
    return lines


def _version_label(side, k: int) -> str:
    return f"第{k}版：{side.doc_number or side_name(side)}"


def _step_word(ids: list[list[str]], i: int, cw: Crosswalk, new_index) -> str:
    """The 变化 cell between versions i and i+1: 新增 / 删除 / the links' words and notes."""
    here, there = ids[i], ids[i + 1]
    if not here and not there:
        return ""
    if not here:
        return KIND_WORDS["added"]
    if not there:
        return KIND_WORDS["removed"]
    links: list[Link] = [link for link in cw.links if set(here) & set(link.old)]
    parts = ["；".join([change_word(link)] + change_notes(link, new_index)) for link in links]
    parts += [f"{KIND_WORDS['removed']}：{x}" for x in here if x in cw.removed]
    parts += [f"{KIND_WORDS['added']}：{x}" for x in there if x in cw.added]
    return "\n".join(parts)


def chain_rows(ch: Chain, steps: list[Crosswalk], cats: list[Catalogue]) -> tuple[list[str], list[list[list[str]]]]:
    """Headers (序号, 第1版, 变化, 第2版 …) and, per lineage, each cell's paragraphs."""
    indexes = [{i.id: i for i in main_rubric(cat).walk()} for cat in cats]
    headers = ["序号"]
    for k, side in enumerate(ch.versions):
        if k:
            headers.append(f"变化（第{k}版→第{k + 1}版）")
        headers.append(_version_label(side, k + 1))
    rows = []
    for number, lin in enumerate(ch.lineages, 1):
        cells = [[str(number)]]
        for v, ids in enumerate(lin.ids):
            if v:
                cells.append(_step_word(lin.ids, v - 1, steps[v - 1], indexes[v]).split("\n"))
            cells.append([item_text(indexes[v].get(x), x) for x in ids])
        rows.append(cells)
    return headers, rows


def _title(ch: Chain) -> str:
    return f"《{side_name(ch.versions[-1])}》版本沿革对照表"


def _verified(steps: list[Crosswalk]) -> bool:
    return all(is_verified(cw) for cw in steps)


def chain_xlsx(ch: Chain, steps: list[Crosswalk], cats: list[Catalogue]) -> bytes:
    """Sheet 版本沿革: a title row (未核实 unless every step is verified), one column per version."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    headers, rows = chain_rows(ch, steps, cats)
    verified = _verified(steps)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new Workbook's one sheet, active
    ws.title = "版本沿革"
    append_row(ws, [_title(ch) + ("" if verified else f"（{UNVERIFIED}）")])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, headers)
    for cells in rows:
        append_row(ws, [int(cells[0][0])] + ["\n".join(c) for c in cells[1:]])
    for sheet_row in ws.iter_rows(min_row=3):
        for cell in sheet_row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{ws.max_row}"
    for k in range(len(headers)):
        ws.column_dimensions[get_column_letter(k + 1)].width = 6 if k == 0 else (40 if k % 2 else 22)
    if not verified:
        assert ws.oddHeader is not None  # openpyxl's stubs allow None; a sheet's HeaderFooter always makes it
        ws.oddHeader.center.text = UNVERIFIED
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def chain_docx(ch: Chain, steps: list[Crosswalk], cats: list[Catalogue]) -> bytes:
    """The 版本沿革对照表 as DOCX, laid out like the 新旧对照表."""
    headers, rows = chain_rows(ch, steps, cats)
    n = len(ch.versions)
    change = max(20.0, min(40.0, 90.0 / (n - 1)))
    version = (257 - 10 - change * (n - 1)) / n
    widths = [10.0] + [w for k in range(n) for w in ([change, version] if k else [version])]
    lines = ["；".join(f"第{k}版：《{side_name(s)}》" + (f"（{s.doc_number}）" if s.doc_number else "")
                      for k, s in enumerate(ch.versions, 1)) + "。"]
    return docx_table(_title(ch), lines, headers, widths, rows, _verified(steps))
