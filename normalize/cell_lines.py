"""A table copied out of a web page one cell a line, rebuilt as a table.

Copying a web table as plain text prints its column names one a line, then every cell of every row
on a line of its own, in reading order: a cell merged over several rows only in its first row, an
empty cell as an empty line, and nothing that says where a row ends. What each line holds says which
column it belongs to (a bare 序号, bare points, a 扣…分 rule, a clause number whose style names the
label level), and the columns of one row come left to right: a Viterbi pass over the lines finds the
cheapest sequence of columns, a new row starting wherever the column goes back left. A merged cell
runs down to the next cell its column prints, which gives every cell its row span.
"""

from __future__ import annotations

import re

from zhibiao.model import Cell, Paragraph, Source, Table

from .cleanup import ATTACHMENT_HEADING, clean
from .columns import bare_number, column_name, header_role
from .entries import parse_cell
from .grid import _BAND, _FIT, _SKIP, _kind
from .numbering import STYLES, parse_marker
from .points import is_rule

__all__ = ["tables_from_lines"]

_MIN_COLUMNS = 3  # column names one a line, at least this many, announce a copied table
_STOP = re.compile(r"^\s*(?:(?:注|说明|附注)\s*[0-9０-９]*\s*[：:]|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
                   r"抄送|分享到|【?打印本页|【?关闭窗口|主办单位|版权所有|相关链接|"
                   r"(?:评查人|考核人|审核人|复核人|填表人|评分人)[（(]?签)")
_NEW_ROW = 0.05  # a new row: the column goes back left (or stays)
_COVERED = 0.05  # a label column left of a new row's first cell, covered by a merged cell from above
_COVERED_SIDE = 0.3  # a 序号, points or rule column so covered
_STYLE_MISS = 1.5  # a numbered line in a label column that holds another numbering level
_LEAD_MISS = 0.6  # a bare number right before a label, read as anything but its 序号


def tables_from_lines(blocks: list) -> list:
    """The blocks, with every run of paragraphs that is a table copied one cell a line (column names
    first) replaced by that table."""
    out: list = []
    i = 0
    while i < len(blocks):
        names = _header_run(blocks, i)
        if len(names) < _MIN_COLUMNS:
            out.append(blocks[i])
            i += 1
            continue
        body_start = i + len(names)
        j = body_start
        while j < len(blocks) and isinstance(blocks[j], Paragraph) and not _STOP.match(clean(blocks[j].text)) \
                and not ATTACHMENT_HEADING.match(clean(blocks[j].text)) and len(_header_run(blocks, j)) < _MIN_COLUMNS:
            j += 1
        table = _rebuild(blocks[i:body_start], blocks[body_start:j])
        if table is None:
            out.append(blocks[i])
            i += 1
            continue
        out.append(table)
        i = j
    return out


def _header_run(blocks: list, i: int) -> list[str]:
    """The column names printed one a line from blocks[i] on, on consecutive lines."""
    names: list[str] = []
    j = i
    while j < len(blocks) and isinstance(blocks[j], Paragraph) and column_name(blocks[j].text):
        if names and not _adjacent(blocks[j - 1], blocks[j]):
            break
        names.append(clean(blocks[j].text))
        j += 1
    return names


def _adjacent(a: Paragraph, b: Paragraph) -> bool:
    la, lb = a.source.lines, b.source.lines
    return bool(la and lb and lb[0] == la[1] + 1)


def _cells(body: list[Paragraph]) -> list[tuple[str, Source]]:
    """The body's cells in reading order: each paragraph, and an empty cell for every empty line."""
    cells: list[tuple[str, Source]] = []
    for k, p in enumerate(body):
        if k:
            prev = body[k - 1].source.lines
            here = p.source.lines
            if prev and here:
                for line in range(prev[1] + 1, here[0]):
                    cells.append(("", Source(file=p.source.file, lines=(line, line))))
        cells.append((p.text, p.source))
    return cells


def _label_styles(cells: list[tuple[str, Source]], labels: list[int]) -> dict[str, int]:
    """Which label column each numbering style belongs to: the styles in GB/T 9704 order, one a column
    from the left (the deepest styles share the last label column)."""
    styles = sorted({m.style for text, _ in cells if (m := parse_marker(clean(text), 0)) is not None
                     and m.style != "article" and _kind(text) == "marked"}, key=STYLES.index)
    out = {}
    for n, style in enumerate(styles):
        out[style] = labels[min(n, len(labels) - 1)]
    return out


def _rebuild(header: list[Paragraph], body: list[Paragraph]) -> Table | None:
    names = [clean(p.text) for p in header]
    roles = [header_role(n) or "label" for n in names]
    if "label" not in roles or not body:
        return None
    cells = _cells(body)
    labels = [k for k, r in enumerate(roles) if r == "label"]
    style_col = _label_styles(cells, labels)
    n = len(roles)
    inf = float("inf")

    kinds = [_kind(text) for text, _ in cells]
    # a numbered list of rules (1.未…扣2分；2.…) reads as a 评分标准 cell, not as items
    kinds = ["rule" if k == "marked" and is_rule(text) and not any(p.points for p in parse_cell(text)) else k
             for k, (text, _) in zip(kinds, cells)]
    # a part's heading (加分项（最高加3分）, 一票否决) is a label, though it names points
    bands = [bool(_BAND.match(clean(text))) for text, _ in cells]
    kinds = ["text" if k == "rule" and band else k for k, band in zip(kinds, bands)]
    # a bare number followed by a label is that label's 序号; followed by a rule, an empty cell or the
    # next row's 序号 it is points
    leads = [kinds[t] in ("number", "points") and t + 1 < len(cells) and kinds[t + 1] in ("text", "marked")
             and not is_rule(cells[t + 1][0]) for t in range(len(cells))] if "number" in roles else [False] * len(cells)

    def emit(k: int, t: int) -> float:
        text, kind = cells[t][0], kinds[t]
        cost = _FIT[roles[k]][kind]
        if leads[t]:
            cost = 0.0 if roles[k] == "number" else cost + _LEAD_MISS
        if roles[k] == "label" and bands[t] and k != labels[0]:
            cost += _STYLE_MISS / 3  # a band across the table (加分项, 一票否决) heads the first level
        if roles[k] == "label" and kind == "marked":
            m = parse_marker(clean(text), 0)
            if m is not None and style_col.get(m.style, k) != k:
                cost += _STYLE_MISS
        if roles[k] == "label" and kind == "number" and bare_number(clean(text)) is not None:
            cost += 0.5  # a bare number in a label column: rather its 序号 or its points
        return cost

    # a column a new row leaves to a merged cell from above: labels often, 序号 and points rarely
    covered = [_COVERED + _SKIP[r] * 0.2 if r == "label" else _COVERED_SIDE for r in roles]
    # cost[t][k]: cheapest columns for cells[:t+1] with cell t in column k
    cost = [[inf] * n for _ in cells]
    back: list[list[int]] = [[-1] * n for _ in cells]
    for k in range(n):
        cost[0][k] = emit(k, 0) + sum(covered[j] for j in range(k))
    for t in range(1, len(cells)):
        for k in range(n):
            e = emit(k, t)
            for p in range(n):
                if cost[t - 1][p] == inf:
                    continue
                if k > p:  # the same row goes on; the columns between print nothing (merged, or left out)
                    step = sum(_SKIP[roles[j]] for j in range(p + 1, k))
                else:  # a new row: the columns left of k are covered by merged cells from above
                    step = _NEW_ROW + sum(covered[j] for j in range(k))
                c = cost[t - 1][p] + step + e
                if c < cost[t][k]:
                    cost[t][k], back[t][k] = c, p
    k = min(range(n), key=lambda x: cost[-1][x])
    cols = [k]
    for t in range(len(cells) - 1, 0, -1):
        k = back[t][k]
        cols.append(k)
    cols.reverse()
    # rows: a new one wherever the column does not move right
    rows = [1]
    for t in range(1, len(cells)):
        rows.append(rows[-1] + (0 if cols[t] > cols[t - 1] else 1))
    n_rows = rows[-1] + 1
    # what heads each row: the numbering style of its first numbered cell, else the column it starts in
    head: dict[int, object] = {}
    for t in range(len(cells)):
        if rows[t] in head and head[rows[t]] is not None:
            continue
        m = parse_marker(clean(cells[t][0]), 0) if kinds[t] in ("number", "marked", "points") else None
        if m is not None or roles[cols[t]] == "number":
            head[rows[t]] = m.style if m else cols[t]
        elif roles[cols[t]] == "label" and kinds[t] != "empty":
            head.setdefault(rows[t], ("col", cols[t]))
    # columns a row skips right of a printed cell are that cell's own (a colspan): no merged cell
    # from above goes on there
    spans = [1] * len(cells)
    covered_at: dict[int, set[int]] = {}  # column -> rows where a cell on its left covers it
    for t in range(1, len(cells)):
        if rows[t] == rows[t - 1] and cols[t] > cols[t - 1] + 1:
            spans[t - 1] = cols[t] - cols[t - 1]
            for j in range(cols[t - 1] + 1, cols[t]):
                covered_at.setdefault(j, set()).add(rows[t])
    out = [Cell(text=p.text, row=0, col=k, source=p.source) for k, p in enumerate(header)]
    for t, (text, source) in enumerate(cells):
        nxt = next((rows[u] for u in range(t + 1, len(cells)) if cols[u] == cols[t]), n_rows)
        nxt = min([nxt] + [r for r in covered_at.get(cols[t], ()) if r > rows[t]])
        if roles[cols[t]] != "label":
            # a side cell merged over rows runs only over rows of its own kind (the items of one group),
            # never over the next group's heading row
            end = rows[t] + 1
            while end < nxt and head.get(end) == head.get(rows[t]):
                end += 1
            nxt = end
        out.append(Cell(text=text, row=rows[t], col=cols[t], row_span=max(1, nxt - rows[t]), col_span=spans[t],
                        source=source))
    first, last = header[0].source, (body[-1].source if body else header[-1].source)
    span = Source(file=first.file, lines=(first.lines[0], last.lines[1])) if first.lines and last.lines else first
    return Table(cells=out, source=span, spans_known=True, columns_known=True, rows_known=True)
