"""normalize.stream's label-cell index picks, for every 序号/分值/评分标准/备注/责任单位 cell, the label cell the
plain scan of every label cell on its rows picks (issue 11: that scan was quadratic in the cells of a row, a
1,000-cell row took ~2 s).

The reference below is the scan as it was before the index; each generated table (merged label cells, points
per item or merged over a group, points printed in labels, placeholders, clause numbers in a 序号 column, rules,
notes and owners, in HTML with spans and as tab text without) is ingested with the index and with the scan, and
the catalogues must be equal. The scaling test counts how often a cell's rows are asked for: a scan asks once per
pair of cells of a row. tree.dedupe (the wide row's 500 label classes made its scan of every class quadratic too)
is checked the same way against its scan.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from zhibiao.normalize import grid as grid_module, stream
from zhibiao.normalize.cleanup import clean
from zhibiao.normalize.points import column_points
from zhibiao.pipeline import ingest

# --- the reference: every label cell of a side cell's rows scanned, as before the index ------------------------

class _ScanCells(list):
    """The label cells in order (the reference keeps no index); ``changed`` has nothing to update."""

    def __init__(self, cells, cell_entries):
        super().__init__(cells)
        self.cell_entries = cell_entries

    def changed(self, entry) -> None:
        pass


def _overlapping(label_cells, rows):
    wanted = set(rows)
    return [c for c in label_cells if wanted & set(c.rows)]


def _points_pool(side, label_cells, cell_entries):
    rows = set(side.rows)
    cands = _overlapping(label_cells, side.rows)
    cands = [c for c in cands if c.col < side.col] or cands
    exact = [c for c in cands if set(c.rows) == rows]
    value = column_points(clean(side.text))
    if cands:
        deepest = max(c.col for c in cands)
        inside = sorted((c for c in cands if c.col == deepest and set(c.rows) <= rows), key=lambda c: c.row)
        printed = [cell_entries[id(c)][0].points for c in exact]
        if len(inside) > 1 and set().union(*(set(c.rows) for c in inside)) == rows \
                and cell_entries[id(inside[0])][0].style not in {e.style for c in inside[1:]
                                                                 for e in cell_entries[id(c)]} \
                and (not exact or (value is not None and None not in printed and value[0] not in printed
                                   and cell_entries[id(inside[0])][0].points in (None, value[0]))):
            exact = inside[:1]
    pool = exact or [c for c in cands if rows <= set(c.rows)] or cands
    pool = [c for c in pool if not cell_entries[id(c)][0].placeholder] or pool
    return pool, [c for c in pool if cell_entries[id(c)][0].points is None]


def _feeds(grid, label_cells):
    cell_entries = label_cells.cell_entries
    votes: dict[int, dict[int, int]] = {}
    for side in grid.cells:
        if grid.role(side.col) != "points" or side.empty or side.row < grid.header_rows:
            continue
        _, free = _points_pool(side, label_cells, cell_entries)
        if len(free) == 1:
            col = votes.setdefault(side.col, {})
            col[free[0].col] = col.get(free[0].col, 0) + 1
    return {k: max(v, key=v.__getitem__) for k, v in votes.items()}


def _target(side, label_cells, role, feeds=None):
    cell_entries = label_cells.cell_entries
    rows = set(side.rows)
    cands = _overlapping(label_cells, side.rows)
    if role != "number":
        cands = [c for c in cands if c.col < side.col] or cands
    exact = [c for c in cands if set(c.rows) == rows]
    if role == "number":
        starting = exact or [c for c in cands if c.row == side.row and set(rows) <= set(c.rows)]
        pool = [c for c in starting if cell_entries[id(c)][0].style is None and not cell_entries[id(c)][0].placeholder]
        if not pool:
            return None
        return cell_entries[id(max(pool, key=lambda c: c.col))]
    if role == "points":
        value = column_points(clean(side.text))
        pool, free = _points_pool(side, label_cells, cell_entries)
        if not pool:
            return None
        fed = (feeds or {}).get(side.col)
        if len(free) > 1 and fed is not None and any(c.col == fed for c in free):
            free = [c for c in free if c.col == fed]
        same = [c for c in pool if value is not None and cell_entries[id(c)][0].points == value[0]]
        cell = max(free or same or pool, key=lambda c: c.col)
        return cell_entries[id(cell)][:1]
    deepest = max((c.col for c in cands), default=None)
    inside = [c for c in cands if c.col == deepest and set(c.rows) <= rows]
    if len(inside) > 1 and set().union(*(set(c.rows) for c in inside)) == rows:
        return [e for c in sorted(inside, key=lambda c: c.row) for e in cell_entries[id(c)]
                if not e.placeholder] or None
    pool = exact or [c for c in cands if rows <= set(c.rows)] or cands
    pool = [c for c in pool if not cell_entries[id(c)][0].placeholder] or pool
    if not pool:
        return None
    cell = max(pool, key=lambda c: (c.col, c.row))
    entries = [e for e in cell_entries[id(cell)] if not e.placeholder]
    if len(entries) > 1 and entries[0].style not in {e.style for e in entries[1:]}:
        entries = entries[1:]
    return entries or None


def _with_scan(monkeypatch) -> None:
    monkeypatch.setattr(stream, "_LabelCells", _ScanCells)
    monkeypatch.setattr(stream, "_feeds", _feeds)
    monkeypatch.setattr(stream, "_target", _target)


# --- generated tables -----------------------------------------------------------------------------------------

_CN = "一二三四五六七八九十"
_WORDS = ["组织领导", "执法监督", "案卷评查", "制度建设", "队伍建设", "普法宣传", "依法决策", "信息公开"]


def _table(rng: random.Random) -> list[list[tuple[str, int]]]:
    """Rows of (text, rowspan) cells (rowspan 0: covered by a cell above) of a 序号/一级/二级/三级/分值/评分标准/
    备注/责任单位 table: sections and groups merged over their items, points per item or merged over a group
    (sometimes printed in a label too, sometimes missing), labels left empty, numbers in 序号 or in the items."""
    number_col = rng.random() < 0.4
    rows: list[list[tuple[str, int]]] = []
    n = 0
    for s in range(rng.randint(1, 3)):
        groups = [[rng.choice([1, 2, 2, 3, 5]) for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(1, 3))]
        section_rows = sum(len(g) for g in groups)
        section_total = sum(sum(g) for g in groups)
        for g, items in enumerate(groups):
            merged_points = rng.random() < 0.3
            for k, pts in enumerate(items):
                n += 1
                row: list[tuple[str, int]] = []
                if number_col:
                    row.append((str(n) if rng.random() < 0.9 else "", 1))
                if g == 0 and k == 0:
                    label = f"{_CN[s]}、{rng.choice(_WORDS)}" + (f"（{section_total}分）" if rng.random() < 0.5 else "")
                    row.append((label if rng.random() < 0.9 else "", section_rows))
                else:
                    row.append(("", 0))
                if k == 0:
                    label = f"（{_CN[g]}）{rng.choice(_WORDS)}" + (f"（{sum(items)}分）" if rng.random() < 0.3 else "")
                    row.append((label if rng.random() < 0.9 else "", len(items)))
                else:
                    row.append(("", 0))
                item = ("" if number_col and rng.random() < 0.8 else f"{k + 1}.") + f"{rng.choice(_WORDS)}第{n}项"
                if rng.random() < 0.3:
                    item += f"（{pts}分）"
                row.append((item if rng.random() < 0.93 else "", 1))
                if merged_points:
                    row.append((f"{sum(items)}" if k == 0 else "", len(items) if k == 0 else 0))
                else:
                    row.append((rng.choice([f"{pts}", f"{pts}分", f"{pts}", ""]), 1))
                row.append((rng.choice(["未落实扣1分", "每缺一项扣0.5分", ""]), 1))
                row.append((rng.choice(["", "", "年底前完成"]), 1))
                row.append((rng.choice(["县司法局", "各镇", ""]) if k == 0 or rng.random() < 0.3 else "", 1))
                rows.append(row)
    header = (["序号"] if number_col else []) + ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "备注",
                                                 "责任单位"]
    return [[(h, 1) for h in header], *rows]


def _mixed(rng: random.Random) -> list[list[tuple[str, int]]]:
    """Rows of cells drawn at random — labels numbered or not, points with or without 分, rules, empty cells —
    under a header naming two label and two points columns, some cells merged over the rows below: rows where
    several labels wait for points, and points cells that find their label already given points."""
    header = ["一级指标", "二级指标", "分值", "分值", "评分标准", "序号"]
    width = len(header)
    rows: list[list[tuple[str, int]]] = [[(h, 1) for h in header]]
    covered: dict[tuple[int, int], bool] = {}
    n_rows = rng.randint(3, 14)
    for r in range(n_rows):
        row = []
        for c in range(width):
            if covered.get((r, c)):
                row.append(("", 0))
                continue
            text = rng.choice([f"{rng.randint(1, 9)}.{rng.choice(_WORDS)}", f"（{_CN[rng.randint(0, 9)]}）{_WORDS[c]}",
                               rng.choice(_WORDS), f"{rng.randint(1, 5)}", f"{rng.randint(1, 5)}分", "未落实扣1分",
                               "", "", f"{rng.choice(_WORDS)}（{rng.randint(1, 5)}分）", str(r + 1)])
            span = 1 if rng.random() < 0.75 else rng.randint(2, 3)
            span = min(span, n_rows - r)
            for k in range(1, span):
                covered[(r + k, c)] = True
            row.append((text, span))
        rows.append(row)
    return rows


def _html(rows) -> str:
    body = "".join("<tr>" + "".join(f'<td rowspan="{span}">{text}</td>' if span > 1 else f"<td>{text}</td>"
                                    for text, span in row if span) + "</tr>" for row in rows)
    return (f"<html><body><h1>考核评分标准</h1><table>{body}</table></body></html>")


def _tab(rows) -> str:
    return "考核评分标准\n" + "".join("\t".join(text for text, _ in row) + "\n" for row in rows)


def _dump(path: Path) -> str:
    return ingest(path, require_rubric=False).model_dump_json()


@pytest.mark.parametrize("kind", ["html", "tab", "mixed"])
def test_index_picks_what_the_scan_picks(kind, tmp_path, monkeypatch):
    """Generated tables give the same catalogue with the label-cell index as with the plain scan."""
    rng = random.Random(f"attach-{kind}")
    differ, rubric_found = [], 0
    for k in range(40):
        rows = _mixed(rng) if kind == "mixed" else _table(rng)
        path = tmp_path / f"t{k}.{'txt' if kind == 'tab' else 'html'}"
        path.write_text(_tab(rows) if kind == "tab" else _html(rows), encoding="utf-8")
        indexed = _dump(path)
        with monkeypatch.context() as m:
            _with_scan(m)
            scanned = _dump(path)
        rubric_found += '"indicators":[{' in indexed
        if indexed != scanned:
            differ.append(path.name)
    assert not differ
    assert rubric_found >= 20  # the tables are read as rubrics, not skipped


def test_scan_reference_is_used(tmp_path, monkeypatch):
    """The reference really replaces the index when patched in (else the comparison above compares nothing)."""
    path = tmp_path / "t.txt"
    path.write_text(_tab(_table(random.Random(1))), encoding="utf-8")
    used = []
    with monkeypatch.context() as m:
        _with_scan(m)
        m.setattr(stream, "_target", lambda *a, **k: used.append(1) or _target(*a, **k))
        ingest(path, require_rubric=False)
    assert used


def _wide_row(cells: int) -> str:
    row = "\t".join(["执法案卷", "1"] * (cells // 2))
    return "考核指标体系\n" + row + "\n" + row + "\n"


def test_wide_row_is_not_scanned_per_cell(tmp_path, monkeypatch):
    """A row of 1,000 label and points cells asks for cells' rows a bounded number of times per cell
    (the scan asked ~760,000 times: once per pair of cells of the row)."""
    calls = []
    rows = grid_module.GCell.rows

    def counted(self):
        calls.append(1)
        return rows.fget(self)

    path = tmp_path / "wide.txt"
    path.write_text(_wide_row(1000), encoding="utf-8")
    monkeypatch.setattr(grid_module.GCell, "rows", property(counted))
    cat = ingest(path)
    assert cat.rubrics and cat.rubrics[0].indicators
    assert len(calls) < 20 * 2000


# --- tree.dedupe: the open classes as a stack -------------------------------------------------------------

def _dedupe_scan(entries):
    """tree.dedupe as it was: every class seen scanned at each entry for those ranked below it."""
    seen, latest, rank, kept = {}, {}, {}, []
    for e in entries:
        if e.placeholder:
            kept.append(e)
            continue
        k = e.key()
        cls = e.style if e.style is not None else e.klass
        if cls not in rank:
            rank[cls] = len(rank)
        for style in [s for s in latest if rank[s] > rank[cls]]:
            del latest[style]
        current = latest.get(cls)
        if (e.style is not None and k not in seen and current is not None and current.number == e.number
                and e.points is not None and current.points == e.points):
            continue
        latest[cls] = e
        if k in seen and (e.style is not None or e.points is not None):
            continue
        seen[k] = e
        kept.append(e)
    return kept


def test_dedupe_keeps_what_the_scan_kept():
    """tree.dedupe keeps the open classes as a stack instead of scanning every class seen (500 label classes of
    a 1,000-cell row made it quadratic); on random entry sequences — repeated labels, numbers, points, classes
    coming back — it keeps and drops what the scan did."""
    from decimal import Decimal

    from zhibiao.model import Source
    from zhibiao.normalize.entries import Entry
    from zhibiao.normalize.tree import dedupe

    rng = random.Random("dedupe")
    source = Source(file="t.txt", lines=(1, 1))
    for _ in range(300):
        entries = []
        for k in range(rng.randint(1, 30)):
            style = rng.choice([None, "cn_comma", "paren_cn", "arabic_dot"])
            number = rng.randint(1, 3)
            e = Entry(style=style, number=number, marker=f"{number}.", raw=rng.choice(["甲", "乙", "丙"]),
                      source=source, cell=(0, k, 0), points=rng.choice([None, Decimal(1), Decimal(2)]),
                      placeholder=rng.random() < 0.05)
            e.klass = rng.randint(0, 4) if style is None else style
            entries.append(e)
        kept, _ = dedupe(entries)
        assert [id(e) for e in kept] == [id(e) for e in _dedupe_scan(entries)]
