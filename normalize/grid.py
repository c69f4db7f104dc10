"""A rubric table as a grid: header rows, column roles, aligned rows, rows rejoined across page breaks.

The layout gives logical cells with spans. Here they become a grid whose columns have roles
(序号, indicator labels, points, 得分, 评分标准, 备注, 责任单位) taken from the header words and from what
each column holds. Rows of a text conversion that lack the cells a merged cell covered are aligned
to the columns by what their cells hold; header rows printed again on every page are set aside (where
no page break is known, dropped, and the merged cells they cut joined); a row that a page break cut in
two is joined again. Rows above the first header (a title merged across, form lines) and form lines
under the table are paragraphs. A table whose cells do not line up in columns at
all (a web page copied one cell a line with its row breaks lost) gives no grid: its cells are then
read as a stream.
"""

from __future__ import annotations

import math
import re
from collections.abc import Set
from dataclasses import dataclass, field

from zhibiao.model import Paragraph, Source, Table

from .cleanup import NOTE_LINE, clean, squash, strip_markup
from .columns import Column, bare_number, column_name, content_role, header_role, is_header_text
from .entries import parse_cell
from .numbering import parse_marker
from .points import column_points, find_points, is_rule

__all__ = ["GCell", "Grid", "build_grid", "split_at_headers", "level_names", "TOTAL_LABEL"]

TOTAL_LABEL = ("合计", "总计", "总分", "合计分", "总分值", "满分", "小计")


@dataclass
class GCell:
    """A logical cell placed on the grid (its top-left position and spans)."""

    text: str
    row: int
    col: int
    row_span: int
    col_span: int
    source: Source
    page: int | None
    used: bool = False

    @property
    def empty(self) -> bool:
        text = self.text
        if "<" not in text and "[" not in text and "打" not in text:
            return not text.strip()  # nothing strip_markup could take out (hot: asked of every cell, often)
        return not strip_markup(text).strip()

    @property
    def rows(self) -> range:
        return range(self.row, self.row + self.row_span)


@dataclass
class Grid:
    """A table as rows and role-bearing columns; rows before ``header_rows`` are its header."""

    block: int
    cells: list[GCell]
    n_rows: int
    n_cols: int
    header_rows: int
    columns: list[Column]
    spans_known: bool
    header: list[str]
    repeated_headers: set[int] = field(default_factory=set)
    header_top: list[str] = field(default_factory=list)  # the topmost header text over each column
    # label columns that print nothing of their own (their name still names a level)
    idle: set[int] = field(default_factory=set)
    _at: dict[tuple[int, int], GCell] = field(default_factory=dict)
    _starts: dict[int, list[GCell]] | None = None  # row -> cells starting in it, as of the last index()

    def index(self) -> None:
        """Index the cells by position and by the row they start in. Every change of the cells
        (added, removed, moved to another row) is followed by index() before those rows are asked for."""
        at: dict[tuple[int, int], GCell] = {}
        starts: dict[int, list[GCell]] = {}
        self._at, self._starts = at, starts
        for c in self.cells:
            row, col = c.row, c.col
            starts.setdefault(row, []).append(c)
            if c.row_span == 1 and c.col_span == 1:  # most cells (hot: asked after every change)
                at[(row, col)] = c
                continue
            for r in range(row, row + c.row_span):
                for k in range(col, col + c.col_span):
                    at[(r, k)] = c

    def at(self, row: int, col: int) -> GCell | None:
        """The cell covering (row, col), or None."""
        return self._at.get((row, col))

    def starting(self, row: int) -> list[GCell]:
        """Cells whose top-left is in this row, left to right."""
        if self._starts is None:
            return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)
        return sorted(self._starts.get(row, ()), key=lambda c: c.col)  # a cell's column may have moved

    def role(self, col: int) -> str:
        return self.columns[col].role

    def label_columns(self) -> list[int]:
        return [c.index for c in self.columns if c.role == "label"]


def _positions(table: Table) -> list[GCell]:
    return [GCell(c.text, c.row, c.col, max(1, c.row_span), max(1, c.col_span), c.source, c.page)
            for c in table.cells]


def _rows(cells: list[GCell]) -> dict[int, list[GCell]]:
    rows: dict[int, list[GCell]] = {}
    for c in cells:
        rows.setdefault(c.row, []).append(c)
    for r in rows.values():
        r.sort(key=lambda c: c.col)
    return rows


def _header_like(row: list[GCell]) -> bool:
    filled = [c for c in row if not c.empty]
    if len(filled) < 2:
        return False
    hits = sum(1 for c in filled if is_header_text(c.text))
    return hits >= max(2, 0.6 * len(filled))


def _kind(text: str) -> str:
    t = clean(text)
    if not t:
        return "empty"
    if bare_number(t) is not None and column_points(t) is None:
        return "number"
    if column_points(t) is not None:
        return "points"
    if is_rule(t) and find_points(t) is None and parse_marker(t, 0) is None:
        return "rule"
    m = parse_marker(t, 0)
    if m is not None and m.style != "article":
        return "marked"
    return "text"


_FIT = {
    "label": {"empty": 0.3, "number": 1.0, "points": 1.2, "rule": 0.6, "marked": 0.0, "text": 0.0},
    "points": {"empty": 0.3, "number": 0.1, "points": 0.0, "rule": 2.0, "marked": 2.0, "text": 2.0},
    "number": {"empty": 0.5, "number": 0.0, "points": 0.4, "rule": 2.0, "marked": 0.8, "text": 2.0},
    "score": {"empty": 0.0, "number": 0.6, "points": 0.6, "rule": 2.0, "marked": 2.0, "text": 1.5},
    "criteria": {"empty": 0.3, "number": 2.0, "points": 2.0, "rule": 0.0, "marked": 0.4, "text": 0.3},
    "note": {"empty": 0.2, "number": 1.2, "points": 1.2, "rule": 0.5, "marked": 0.5, "text": 0.1},
    "owner": {"empty": 0.2, "number": 1.2, "points": 1.2, "rule": 1.0, "marked": 1.0, "text": 0.1},
}
_SKIP = {"label": 0.1, "points": 0.2, "number": 0.3, "score": 0.9, "criteria": 0.5, "note": 0.5, "owner": 0.5}


@dataclass
class _Profile:
    """What a column's cells look like in the rows that print every column."""

    marked: float = 0.0  # share of its filled cells that start with a clause number
    length: float = 0.0  # median length of its filled cells
    styles: frozenset = frozenset()  # the numbering styles its cells start with


def _profiles(rows: dict[int, list[GCell]], body: list[int], n_cols: int, widths: dict[int, int]) -> list[_Profile]:
    texts: dict[int, list[str]] = {k: [] for k in range(n_cols)}
    for r in body:
        if widths[r] == n_cols:
            for c in rows[r]:
                if c.col < n_cols and not c.empty:
                    texts[c.col].append(clean(c.text))
    out = []
    for k in range(n_cols):
        t = texts[k]
        if not t:
            out.append(_Profile())
            continue
        marked = sum(1 for x in t if _kind(x) == "marked") / len(t)
        styles = frozenset(m.style for x in t if (m := parse_marker(x, 0)) is not None)
        out.append(_Profile(marked, sorted(len(x) for x in t)[len(t) // 2], styles))
    return out


_LENGTH_WEIGHT = 0.3  # how much a cell's length unlike its column's usual length counts against it


def _fit(role: str, kind: str, text: str, profile: _Profile | None) -> float:
    cost = _FIT[role][kind]
    if role in ("label", "criteria", "note", "owner") and profile is not None and profile.length \
            and kind in ("marked", "text", "rule"):
        cost += _LENGTH_WEIGHT * abs(math.log((len(clean(text)) + 2) / (profile.length + 2)))
    if role == "label" and profile is not None and profile.length and kind in ("marked", "text"):
        if kind == "marked" and profile.marked < 0.3:
            cost += 0.5  # a numbered item in a column of unnumbered names
        elif kind == "marked" and (m := parse_marker(clean(text), 0)) is not None and m.style not in profile.styles:
            cost += 0.5  # numbered in another style than the column's own
        if kind == "text" and profile.marked > 0.7:
            cost += 0.3
        if len(clean(text)) > 3 * profile.length + 10:
            cost += 0.2
    return cost


_AFTER_PLACED = 0.4  # a column missing right of a printed cell is rarely under a merged cell from above
# a column covered by the cell on its left (a colspan): less likely than a rowspan from above where the column
# printed something there, more likely than one from nowhere
_COLSPAN_SKIP = 0.3


def _align(row: list[GCell], roles: list[str], open_above: list[bool],
           profiles: list[_Profile] | None = None) -> list[int] | None:
    """Columns for the cells of a row that lacks the cells merged cells covered (order kept).

    A column the row does not print is either covered by a merged cell from above — possible only
    where the column printed something above — or by the row's own cell on its left spanning
    across it (a label or an empty cell printed once over several columns).
    """
    k, n = len(row), len(roles)
    if k > n:
        return None
    kinds = [_kind(c.text) for c in row]
    inf = float("inf")

    def rowspan_skip(j: int) -> float:  # j: 0-based column
        if open_above[j]:
            return _SKIP[roles[j]] + 0.01 * j
        return _SKIP[roles[j]] + 0.7 - 0.01 * j

    # best[s][i][j]: cost with the first i cells in the first j columns; s=1 when column j-1 was
    # placed or covered by the cell placed before it (a colspan may go on), s=0 otherwise
    best = [[[inf] * (n + 1) for _ in range(k + 1)] for _ in range(2)]
    back: dict[tuple[int, int, int], tuple[int, int, int, bool]] = {}
    best[0][0][0] = 0.0
    for j in range(1, n + 1):
        for i in range(0, min(k, j) + 1):
            for s_prev in (0, 1):
                base = best[s_prev][i][j - 1]
                if base < inf:  # column j-1 not printed by this row
                    # merged cells from above are the row's first columns (the labels it is under);
                    # one right of a cell the row prints is less likely than a colspan
                    cost = base + rowspan_skip(j - 1) + (_AFTER_PLACED if s_prev == 1 else 0.0)
                    if cost < best[0][i][j]:
                        best[0][i][j], back[(0, i, j)] = cost, (s_prev, i, j - 1, False)
                    if s_prev == 1 and base + _COLSPAN_SKIP < best[1][i][j]:
                        best[1][i][j], back[(1, i, j)] = base + _COLSPAN_SKIP, (1, i, j - 1, False)
                if i >= 1:
                    base = best[s_prev][i - 1][j - 1]
                    if base < inf:
                        cost = base + _fit(roles[j - 1], kinds[i - 1], row[i - 1].text,
                                           profiles[j - 1] if profiles else None)
                        if cost < best[1][i][j]:
                            best[1][i][j], back[(1, i, j)] = cost, (s_prev, i - 1, j - 1, True)
    s = 0 if best[0][k][n] <= best[1][k][n] else 1
    if best[s][k][n] == inf:
        return None
    cols = []
    i, j = k, n
    while j > 0:
        ps, pi, pj, placed = back[(s, i, j)]
        if placed:
            cols.append(j - 1)
        s, i, j = ps, pi, pj
    return list(reversed(cols))


def _column_headers(cells: list[GCell], header_rows: int, n_cols: int, top: bool = False) -> list[str]:
    """Each column's name: the header cell nearest the body that covers it (or, with top, the one
    farthest from it: 三级指标 over 指标 | 分值)."""
    names = []
    for col in range(n_cols):
        parts: list[str] = []
        for r in range(header_rows):
            cell = next((c for c in cells if c.row <= r < c.row + c.row_span and
                         c.col <= col < c.col + c.col_span), None)
            if cell is not None and not cell.empty:
                text = clean(cell.text)
                if not parts or parts[-1] != text:
                    parts.append(text)
        names.append((parts[0] if top else parts[-1]) if parts else "")
    return names


def level_names(grid: Grid) -> list[str]:
    """The names of the label columns: each one's own header, or, where a header of two rows repeats
    one word under each level (指标 under 一级指标, 二级指标), the name above it."""
    labels = sorted(grid.label_columns() + list(grid.idle))
    near = [clean(grid.header[k]) for k in labels]
    names = []
    for k, name in zip(labels, near):
        if near.count(name) > 1 and grid.header_top and grid.header_top[k]:
            name = clean(grid.header_top[k])
        if name:
            names.append(name)
    return names


def _roles(grid_cells: list[GCell], header_rows: int, n_cols: int, headers: list[str]) -> list[Column]:
    body_by_col: dict[int, list[str]] = {k: [] for k in range(n_cols)}
    for c in grid_cells:
        if c.row >= header_rows and c.col_span == 1:
            body_by_col[c.col].append(c.text)
    columns = []
    for k in range(n_cols):
        role = header_role(headers[k]) if headers[k] else None
        by_content = content_role(body_by_col[k])
        if role is None:
            role = by_content or "label"
        elif role == "label" and by_content in ("points", "number") and body_by_col[k]:
            role = by_content  # a column that holds only bare numbers prints no indicator
        columns.append(Column(k, role, headers[k]))
    ordinal = 0
    for col in columns:
        if col.role == "label":
            col.ordinal = ordinal
            ordinal += 1
    return columns


def _place_group_header(rows: dict[int, list[GCell]], order: list[int]) -> None:
    """A header of two rows copied from a web page without its spans (考评指标 | 分值 | 评分标准 over 一级指标 |
    二级指标 | 三级指标): the one label header of the upper row spans the lower row's cells, the others span
    both rows, when that gives the width of the widest body rows."""
    upper, lower = rows[order[0]], rows[order[1]]
    body = [len(rows[r]) for r in order[2:]]
    if not body or any(c.col_span != 1 or c.row_span != 1 for c in upper + lower):
        return
    width = max(body)  # a row printed without the cells merged from above is shorter
    groups = [c for c in upper if header_role(c.text) in ("label", None) and not c.empty]
    if len(upper) + len(lower) - 1 != width or len(groups) != 1 or len(lower) < 2 \
            or not all(header_role(c.text) == "label" for c in lower):
        return
    col = 0
    for c in upper:
        c.col = col
        if c is groups[0]:
            c.col_span = len(lower)
            for k, sub in enumerate(lower):
                sub.col = col + k
            col += len(lower)
        else:
            c.row_span = 2
            col += 1


def build_grid(table: Table, block: int) -> Grid | None:
    """The table as a grid, or None when its cells do not line up in columns (read it as a stream)."""
    cells = _positions(table)
    if not cells:
        return None
    rows = _rows(cells)
    order = sorted(rows)
    header_rows = 0
    for r in order[:3]:
        if _header_like(rows[r]):
            header_rows = r + 1
        else:
            break
    if header_rows == 2 and not table.spans_known:
        _place_group_header(rows, order)
    widths = {r: sum(c.col_span for c in rows[r]) for r in order}
    n_cols = max(c.col + c.col_span for c in cells)
    if header_rows:
        n_cols = max(widths[r] if not table.spans_known else max(c.col + c.col_span for c in rows[r])
                     for r in order[:header_rows])
    filled_cols = {c.col for c in cells if not c.empty}
    if len(filled_cols) < 2 or n_cols < 2:
        return None
    body = [r for r in order if r >= header_rows]
    if not table.spans_known:
        if not header_rows:
            counts = [widths[r] for r in body]
            mode = max(set(counts), key=counts.count)
            if counts.count(mode) < 0.6 * len(counts) or mode < 2:
                return None
            n_cols = mode
        longer = sum(1 for r in body if widths[r] > n_cols)
        if longer > max(1, 0.1 * len(body)):
            return None
    headers = _column_headers(cells, header_rows, n_cols)
    columns = _roles([c for c in cells if c.col < n_cols], header_rows, n_cols, headers)
    if not any(c.role == "label" for c in columns):
        return None
    grid = Grid(block, [], 0, n_cols, header_rows, columns, table.spans_known, headers,
                header_top=_column_headers(cells, header_rows, n_cols, top=True))
    roles = [c.role for c in columns]
    placed: list[GCell] = []
    open_above = [False] * n_cols  # the column printed something in the rows above (a merged cell may go on)
    profiles = _profiles(rows, body, n_cols, widths) if not table.columns_known else None
    for r in order:
        row = rows[r]
        if not table.columns_known and r >= header_rows and widths[r] != n_cols:
            content = [c for c in row if not c.empty] if widths[r] > n_cols else row
            if len(content) > n_cols:
                return None
            cols = _align(content, roles, open_above, profiles)
            if cols is None:
                return None
            if len(content) == 1 and profiles and (roles[cols[0]] == "label" or _BAND.match(clean(content[0].text))):
                # one cell alone on its row: the rest of a merged row, or a band across the table (一、… or
                # 加分项) that the column it would fall in never prints
                m = parse_marker(clean(content[0].text), 0)
                prof = profiles[cols[0]]
                if (m is not None and m.style != "article" and prof.styles and m.style not in prof.styles) \
                        or (m is None and prof.marked > 0.7) or _BAND.match(clean(content[0].text)):
                    first = grid.label_columns()[0]
                    c = content[0]
                    c.col, c.col_span = first, n_cols - first
                    placed.append(c)
                    open_above[first:] = [True] * (n_cols - first)
                    continue
            for c, k in zip(content, cols):
                c.col, c.col_span = k, 1
                placed.append(c)
                open_above[k] = not c.empty
            continue
        placed.extend(c for c in row if c.col < n_cols)
        if r >= header_rows:
            for c in row:
                for k in range(c.col, min(n_cols, c.col + c.col_span)):
                    open_above[k] = not c.empty
    grid.cells = placed
    grid.n_rows = max(c.row + c.row_span for c in placed)
    if not table.spans_known or not table.columns_known:
        _fill_gaps(grid)
    grid.index()
    _mark_repeated_headers(grid)
    _join_across_repeated_headers(grid)
    if table.rows_known:
        _join_broken_rows(grid, table)
    else:
        _regroup_rows(grid)
    grid.index()
    _bands_in_side_columns(grid)
    if not table.spans_known:
        _side_cells_off_headings(grid)
    _idle_label_columns(grid)
    # the columns as the body now shows them (a points column is only known once rows are aligned)
    return grid


def split_at_headers(blocks: list) -> list:
    """Tables printed one after another in one sheet or one text block, each under its own header row,
    become separate tables; the single-cell rows right above a new header (the part's heading 二、…（20分）,
    an intro line) become the paragraphs between them, as a Word document prints them. A header cell that
    a web copy glued to the heading above it (`二、…（20分）\n评查项目`) is parted the same way."""
    out: list = []
    for block in blocks:
        if not isinstance(block, Table):
            out.append(block)
            continue
        block, notes = _notes_below(block)
        lines, block = _lines_above_header(block)
        out.extend(lines)
        out.extend(_split_table(block))
        out.extend(notes)
    return out


# a field of a form printed above or under a table, to fill in (填报单位（盖章）：, 填报日期：  年  月  日,
# 联系人：, 审核人：): a short name and a colon, at most a short value after it
_FORM_FIELD = re.compile(r"^[\u4e00-\u9fff（）()〔〕]{2,12}[：:]")
_FORM_FIELD_LEN = 24


def _form_field(text: str) -> bool:
    """A cell that is a field of a form to fill in, not text of the rubric."""
    return bool(_FORM_FIELD.match(squash(text))) and len(squash(text)) <= _FORM_FIELD_LEN


# rows above a table's first header that may be its title and form lines
_MAX_LINES_ABOVE = 4


def _lines_above_header(table: Table) -> tuple[list[Paragraph], Table]:
    """The rows above a table's first header row — its title merged across the table (XX年度考核指标),
    lines of a form (填报单位：… 填报日期：…) — as the paragraphs they are, the table starting at its
    header: the header is the first row whose cells name columns, and each row above it prints one
    text, or only form fields. A header cell merged down from such a row (序号 beside the title) stays
    in the header."""
    rows = _rows(_positions(table))
    order = sorted(rows)
    head = next((r for r in order[:_MAX_LINES_ABOVE + 1] if _header_like_texts(_glued_heading(rows[r])[1])), None)
    if head is None or head == order[0]:
        return [], table
    kept: list[GCell] = []  # header cells that start above the header row and reach into it
    lines: list[GCell] = []
    for r in order:
        if r >= head:
            break
        own = []
        for c in rows[r]:
            if c.empty:
                continue
            if c.row + c.row_span > head:
                if not is_header_text(c.text):
                    return [], table  # a label merged down into the header: no line above the table
                kept.append(c)
            else:
                own.append(c)
        if len(own) > 1 and not all(_form_field(c.text) for c in own):
            return [], table
        lines.extend(own)
    kept_ids = {(c.row, c.col) for c in kept}
    cells = []
    for cell in table.cells:
        if cell.row >= head:
            cells.append(cell.model_copy(update={"row": cell.row - head}))
        elif (cell.row, cell.col) in kept_ids:
            cells.append(cell.model_copy(update={"row": 0, "row_span": cell.row + cell.row_span - head}))
    paragraphs = [Paragraph(text=c.text, source=c.source) for c in lines]
    return paragraphs, table.model_copy(update={"cells": cells})


def _notes_below(table: Table) -> tuple[Table, list[Paragraph]]:
    """The rows that close a table with a note (注：… / 说明：…, each row one cell, to the table's end) or
    a form's lines (填表人：  审核人：) — a borderless reading keeps them in the table where they keep to
    its columns, a sheet prints them in its cells — as paragraphs."""
    rows = _rows(_positions(table))
    order = sorted(rows)
    cut = None
    for r in reversed(order):
        filled = [c for c in rows[r] if not c.empty]
        if filled and all(_form_field(c.text) for c in filled):
            cut = r  # a form's lines under the table (填表人： 审核人：)
            continue
        if len(filled) > 1:
            break
        if filled and NOTE_LINE.match(clean(filled[0].text)):
            cut = r
    if cut is None or cut == order[0]:
        return table, []
    notes = [Paragraph(text=c.text, source=c.source) for r in order if r >= cut for c in rows[r] if not c.empty]
    return table.model_copy(update={"cells": [c for c in table.cells if c.row < cut]}), notes


def _split_table(block: Table) -> list:
    """One table as the tables and paragraphs split_at_headers makes of it."""
    out: list = []
    rows = _rows(_positions(block))
    order = sorted(rows)
    if not order:
        return [block]
    header: list[str] | None = None
    parts: list = []  # ("table", first row, end row) and Paragraphs, in order
    begin = order[0]
    lone_from: int | None = None
    glued: dict[int, str] = {}  # header row -> its first cell's text without the glued heading
    in_header = False  # the row above was a header row too: a header of two rows (一级指标 over 指标 | 分值)
    header_block: list[list[str]] = []  # the rows of the current header; any of them may be printed again
    for r in order:
        lead, texts = _glued_heading(rows[r])
        if _header_like_texts(texts):
            if in_header and lead is None:
                header_block.append(texts)
                continue
            in_header = True
            if (header is not None and texts not in header_block) or lead is not None:
                cut = lone_from if lone_from is not None and header is not None else r
                if cut > begin:
                    parts.append(("table", begin, cut))
                parts.extend(Paragraph(text=c.text, source=c.source)
                             for k in order if cut <= k < r for c in rows[k] if not c.empty)
                if lead is not None:
                    parts.append(Paragraph(text=lead[0], source=lead[1]))
                    glued[r] = lead[2]
                begin = r
            if header is None or texts not in header_block:
                header_block = [texts]
            header = texts
            lone_from = None
            continue
        in_header = False
        if _lone(rows[r]):
            lone_from = r if lone_from is None else lone_from
        else:
            lone_from = None
    if not parts:
        return [block]
    parts.append(("table", begin, order[-1] + 1))
    for part in parts:
        if isinstance(part, Paragraph):
            out.append(part)
            continue
        _, first, end = part
        cells = []
        for c in block.cells:
            if first <= c.row < end:
                text = c.text
                if c.row in glued and c is min((x for x in block.cells if x.row == c.row and x.text.strip()),
                                               key=lambda x: x.col):
                    text = glued[c.row]
                cells.append(c.model_copy(update={"row": c.row - first, "text": text,
                                                  "row_span": min(c.row_span, end - c.row)}))
        if cells:
            out.append(block.model_copy(update={"cells": cells}))
    return out


def _lone(row: list[GCell]) -> bool:
    return sum(1 for c in row if not c.empty) == 1


def _header_like_texts(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    return len(filled) >= 2 and sum(1 for t in filled if is_header_text(t)) >= max(2, 0.6 * len(filled))


def _glued_heading(row: list[GCell]) -> tuple[tuple[str, Source, str] | None, list[str]]:
    """The row's cell texts, with a heading line glued above the first header cell taken off it:
    ((heading, source, the cell's own text), texts) or (None, texts)."""
    texts = [squash(c.text) for c in row]
    first = next((c for c in row if not c.empty), None)
    if first is not None:
        lines = [ln for ln in first.text.split("\n") if ln.strip()]
        if len(lines) >= 2 and is_header_text(lines[-1]) and not is_header_text(lines[0]):
            glued = list(texts)
            glued[row.index(first)] = squash(lines[-1])
            # a header row names its columns (序号, 分值 …) in two cells at least: not the last line 分
            # of an item's `…减2 | 分` beside a rule that ends in 分 (经核实后减分)
            # (a header of two columns, 序号 | 否决情形: the lifted line a column name of two characters at least, and
            # every cell a header text)
            named = sum(1 for t in glued if t and column_name(t))
            if named >= 2 or (named == 1 and len(glued[row.index(first)]) >= 2 and column_name(glued[row.index(first)])
                              and sum(1 for t in glued if t) >= 2 and all(is_header_text(t) for t in glued if t)):
                return ("\n".join(lines[:-1]), first.source, lines[-1]), glued
    return None, texts


def _fill_gaps(grid: Grid) -> None:
    """Give every grid position of a text table a cell (an empty one where the row printed nothing)."""
    taken = {(r, k) for c in grid.cells for r in c.rows for k in range(c.col, c.col + c.col_span)}
    extra = []
    src_of: dict[int, Source] = {}  # the source of the row's first cell
    page_of: dict[int, int] = {}  # the page of the row's first cell that has one
    for c in grid.cells:
        src_of.setdefault(c.row, c.source)
        if c.page is not None:
            page_of.setdefault(c.row, c.page)
    for r in sorted(src_of):
        src = src_of[r]
        page = page_of.get(r)
        for k in range(grid.n_cols):
            if (r, k) not in taken:
                extra.append(GCell("", r, k, 1, 1, src, page))
    grid.cells.extend(extra)


def _bands_in_side_columns(grid: Grid) -> None:
    """A row that prints one label across the table (一、组织保障（20分）) where a text conversion put it
    in the first column — a 序号 or other side column — is a band: it stands at the first label column."""
    labels = grid.label_columns()
    if not labels:
        return
    first = labels[0]
    for r in range(grid.header_rows, grid.n_rows):
        row = [c for c in grid.starting(r) if not c.empty]
        if len(row) != 1 or grid.role(row[0].col) == "label":
            continue
        c = row[0]
        text = clean(c.text)
        kind = _kind(text)
        if kind in ("number", "points", "empty"):
            continue
        if kind == "rule" and not _BAND.match(text):
            continue
        start = c.col
        c.col, c.col_span = first, max(1, grid.n_cols - first)
        for other in grid.starting(r):
            if other is not c and other.empty and other.col >= first:
                grid.cells.remove(other)
        if start < first:
            grid.cells.append(GCell("", r, start, 1, first - start, c.source, c.page))
    grid.index()


def _side_cells_off_headings(grid: Grid) -> None:
    """A row that prints nothing but a first-level heading (二、监督管理（四十分）) in the first label column
    is a band across the table, where a reader without spans could not see it so: a 评分标准 or 备注 cell
    read as merged down from it is the cell of the rows under it (the band took its first item's rule)."""
    labels = grid.label_columns()
    if not labels:
        return
    first = labels[0]
    changed = False
    for r in range(grid.header_rows, grid.n_rows - 1):
        row = [c for c in grid.starting(r) if not c.empty]
        heading = [c for c in row if c.col == first and grid.role(c.col) == "label"]
        if len(heading) != 1:
            continue
        marker = parse_marker(clean(heading[0].text), 0)
        if marker is None or marker.style != "cn_dun":
            continue
        side = [c for c in row if c is not heading[0]]
        if not side or any(grid.role(c.col) in ("label", "number", "points", "score") or c.row_span < 2
                           for c in side):
            continue
        for c in side:
            c.row, c.row_span = r + 1, c.row_span - 1
            grid.cells.append(GCell("", r, c.col, 1, c.col_span, c.source, c.page))
        changed = True
    if changed:
        grid.index()


def _idle_label_columns(grid: Grid) -> None:
    """A label column that prints nothing of its own in the body — only bands merged across it and the
    columns after it (考核项目 over 考核内容) — is no level: the bands start at the next label column,
    and the column is read as an empty one, so that its empty cells make no placeholders. The levels
    of the bands and the items come from their numbering, as where the column is not printed at all."""
    labels = grid.label_columns()
    body = [c for c in grid.cells if c.row >= grid.header_rows and c.row not in grid.repeated_headers]
    by_col: dict[int, list[GCell]] = {}  # the body cells by column (a table thousands of columns wide)
    for c in body:
        by_col.setdefault(c.col, []).append(c)
    for k, after in zip(labels, labels[1:]):
        here = by_col.get(k, [])
        if any(c.col_span == 1 and not c.empty for c in here):
            continue
        spanning = [c for c in here if c.col_span > 1 and not c.empty]
        if any(c.col + c.col_span <= after for c in spanning):
            continue  # a merged cell that stops before the next label column is this column's own
        moved = {id(c) for c in spanning}
        by_col[k] = [c for c in here if id(c) not in moved]
        for c in spanning:
            c.col, c.col_span = c.col + 1, c.col_span - 1
            by_col.setdefault(c.col, []).append(c)
            grid.cells.append(GCell("", c.row, k, c.row_span, 1, c.source, c.page))
        grid.columns[k].role = "score"
        grid.columns[k].ordinal = -1
        grid.idle.add(k)
    ordinal = 0
    for col in grid.columns:
        if col.role == "label":
            col.ordinal = ordinal
            ordinal += 1
    grid.index()


def _mark_repeated_headers(grid: Grid) -> None:
    """Header rows printed again in the body (every page repeats them) are set aside."""
    if not grid.header_rows:
        return
    head = [squash(grid.header[k]) for k in range(grid.n_cols)]
    for r in range(grid.header_rows, grid.n_rows):
        row = [c for c in grid.starting(r) if not c.empty]
        if not row:
            continue
        texts = [squash(c.text) for c in row]
        same = all(t in head for t in texts) and len(texts) >= min(2, len([h for h in head if h]))
        if same or (_header_like(row) and all(is_header_text(c.text) for c in row)):
            grid.repeated_headers.add(r)
            for c in row:
                c.used = True


def _join_across_repeated_headers(grid: Grid) -> None:
    """A header printed again as body rows where no page break is known (a PDF turned back into Word,
    pages pasted together) is dropped, and a merged cell it cut is one cell again: the part above ends
    where the header begins, the part below starts where it ends, in the same columns, empty or printing
    the same text (the label drawn again). In a label column that is the same indicator (and in the
    label columns left of it); in another column it is so where the cell is merged over the same rows
    as such a label, above and below (a 序号 or 分值 of the group)."""
    if not grid.spans_known:
        return
    for first in sorted(grid.repeated_headers, reverse=True):
        if first not in grid.repeated_headers or first - 1 in grid.repeated_headers:
            continue  # not the first row of a run of header rows (or dropped already)
        last = first
        while last + 1 in grid.repeated_headers:
            last += 1
        run = [c for r in range(first, last + 1) for c in grid.starting(r)]
        if last + 1 >= grid.n_rows or any(c.page is not None for c in run):
            continue  # the pages are known: a header at a page's top is read with the page break
        above = {(c.col, c.col_span): c for c in grid.cells if c.row < first and c.row + c.row_span == first}
        below = list(grid.starting(last + 1))
        if any(c.row < first and c.row + c.row_span > first for c in grid.cells):
            continue  # a cell spans the header rows: they are no header printed between rows
        for r in range(last, first - 1, -1):
            _drop_row(grid, r)
        parts = []  # (the part above, the part below)
        for c in below:
            a = above.get((c.col, c.col_span))
            if a is not None and (c.empty or squash(c.text) == squash(a.text)):
                parts.append((a, c))
        joined = -1  # the deepest label column whose cell goes on below the header (all to its left do)
        for k in grid.label_columns():
            if not any(c.col == k and grid.role(c.col) == "label" for _a, c in parts):
                break  # a new label here: the deeper ones are new too
            joined = k
        if joined < 0:
            continue
        labels = [(a, c) for a, c in parts if grid.role(c.col) == "label" and c.col <= joined]
        # the cells of the deeper label columns on both sides of the header: their own rows, no cut
        deeper = [(a, c) for a in above.values() for c in below if a.col == c.col and a.col_span == c.col_span
                  and grid.role(c.col) == "label" and c.col > joined]

        def beside(a: GCell, c: GCell, pairs) -> bool:
            return any(a.row == pa.row and a.row_span == pa.row_span and c.row_span == pc.row_span
                       for pa, pc in pairs)
        # a label joined, and a 序号, 分值 or 评分标准 cell merged over the same rows as such a label, not as
        # an item's own cells: cut with that label
        join = [(a, c) for a, c in parts if (c.col <= joined if grid.role(c.col) == "label"
                                             else beside(a, c, labels) and not beside(a, c, deeper))]
        for a, c in join:
            a.row_span += c.row_span
            a.source = a.source.span(c.source)
            grid.cells.remove(c)
        grid.index()


def _join_redrawn_cells(grid: Grid, r: int, prev: int) -> None:
    """A merged label cut by a page break is printed again at the top of the next page (四、执法行为 beside
    the rest of a row, or beside the next item): that copy, row r's, is the lower part of the cell
    above, not a new label: it joins that cell (``_redrawn``). So do its 序号 and points, where they
    too were merged over the rows above (printed once for several rows, prev being the last of them)."""
    labels = grid.label_columns()
    redrawn = -1  # the deepest label column drawn again
    for k in labels:
        c = grid.at(r, k)
        if c is None or c.row != r or c.empty:
            continue
        above = _label_above(grid, r, k, [j for j in labels if j < k])
        if above is None or squash(above.text) != squash(c.text):
            break  # a new label here: the deeper ones are new too
        _redrawn(grid, above, c)
        redrawn = k
    if redrawn < 0:
        return
    for k in range(grid.n_cols):
        if grid.role(k) not in ("number", "points"):
            continue
        c = grid.at(r, k)
        if c is None or c.row != r or c.empty:
            continue
        # the cell goes with the label column on its left (分值 beside 一级指标), else with the labels drawn again
        own = max((j for j in labels if j < k), default=redrawn)
        above = _label_above(grid, r, k, [j for j in labels if j <= min(own, redrawn)])
        if above is not None and squash(above.text) == squash(c.text) and above.row + above.row_span <= prev:
            _redrawn(grid, above, c)


def _redrawn(grid: Grid, above: GCell, c: GCell) -> None:
    """c draws the cell above again: where the file shows merged cells and the two meet, one cell
    spans both parts; else c is the empty lower part of the cell above."""
    if grid.spans_known and above.row + above.row_span == c.row and above.col == c.col \
            and above.col_span == c.col_span:
        above.row_span += c.row_span
        above.source = above.source.span(c.source)
        grid.cells.remove(c)
        grid.index()
    else:
        c.text = ""


def _label_above(grid: Grid, r: int, k: int, guards: list[int]) -> GCell | None:
    """The cell of column k in effect above row r: the last one printed, unless a label of one of the
    guard columns was printed after it (a new group)."""
    for rr in range(r - 1, grid.header_rows - 1, -1):
        if rr in grid.repeated_headers:
            continue
        c = grid.at(rr, k)
        if c is not None and not c.empty:
            return c
        if any((s := grid.at(rr, j)) is not None and s.row == rr and not s.empty for j in guards):
            return None
    return None


def _page(grid: Grid, r: int) -> int | None:
    pages = [c.page for c in grid.starting(r) if c.page is not None]
    return min(pages) if pages else None


# a heading row across the table that names a part outside the scored items
_BAND = re.compile(r"^.{0,6}(加分项|减分项|扣分项|加分|减分|一票否决|否决项|否决)[^。；;，,]{0,16}$")
# a text cannot end here: the words after 扣 (its amount), a list going on
_DANGLING = set("扣减加得、，,：:（(【")
_AMOUNT_CUT = re.compile(r"[扣减加得]\s*\d+(?:\.\d*)?$")  # an amount before its unit (分)


def _pointed_columns(grid: Grid) -> set[int]:
    """Label columns whose entries print their points in their own text (most of them do)."""
    out = set()
    by_col: dict[int, list[GCell]] = {}
    for c in grid.cells:
        if c.row >= grid.header_rows and not c.empty:
            by_col.setdefault(c.col, []).append(c)
    for k in grid.label_columns():
        pieces = [p for c in by_col.get(k, []) for p in parse_cell(c.text)]
        if pieces and sum(1 for p in pieces if p.points is not None) >= 0.5 * len(pieces):
            out.add(k)
    return out


def _open_text(text: str, pointed: bool) -> bool:
    """The text stops mid-entry: an unclosed bracket, or (where entries print their points) a last
    entry still without its points."""
    t = strip_markup(text).rstrip()
    if not t:
        return False
    depth = 0
    for ch in t:
        if ch in "（(【［":
            depth += 1
        elif ch in "）)】］" and depth:
            depth -= 1
    if depth:
        return True
    if t[-1] in _DANGLING:
        return True  # 未及时查处并反馈的扣 | 0.06分: a sentence cannot end here
    if _AMOUNT_CUT.search(t):
        return True  # 每低1个百分点扣0.5 | 分。: an amount without its unit
    if not pointed:
        return False
    pieces = parse_cell(t)
    return bool(pieces) and pieces[-1].points is None


def _join_broken_rows(grid: Grid, table: Table) -> None:
    """A row cut by a page break continues on the next page: join its second part to the first.

    Evidence, per row at the top of a page (or any row of a table whose row breaks are not printed):
    the 序号 and points cells are empty while the row above had them, or every filled cell goes on
    from an open text above it (an unclosed bracket, an entry still waiting for its points), or the
    row prints only side text (评分标准, 备注) under a row that has them, or a side column whose cells
    end their sentences stops mid-sentence above it.
    """
    numbers = [k for k in range(grid.n_cols) if grid.role(k) == "number"]
    points = [k for k in range(grid.n_cols) if grid.role(k) == "points"]
    pointed = _pointed_columns(grid)
    filled = _always_filled(grid)
    closed = _closed_columns(grid)
    r = grid.header_rows
    prev = None
    last_page: int | None = None
    while r < grid.n_rows:
        if r in grid.repeated_headers or not any(not c.empty for c in grid.starting(r)):
            r += 1
            continue
        page = _page(grid, r)
        if prev is None:
            prev, last_page = r, page
            r += 1
            continue
        # the first row of a new page (the page of the row read last: a row joined to the one above
        # leaves that row on the new page, and the row after it is no page top)
        top = page is not None and last_page is not None and page != last_page
        last_page = page if page is not None else last_page
        if top:
            _join_redrawn_cells(grid, r, prev)
        if (top or not table.rows_known) and _continues(grid, prev, r, numbers, points, pointed, filled, closed):
            for h in range(r - 1, prev, -1):  # the header printed again between the two parts goes first
                if h in grid.repeated_headers:
                    _drop_row(grid, h)
                    r -= 1
            _merge_rows(grid, prev, r)
            grid.index()
            continue  # the rows below moved up: row r is the next one now
        else:
            if top:
                _join_cut_labels(grid, prev, r, pointed)
            prev = r
        r += 1


def _join_cut_labels(grid: Grid, above: int, r: int, pointed: set[int]) -> None:
    """A merged label cell cut by a page break while the row itself is new: the label's last words
    (`（3分）`) stand at the top of the next page beside the next item. They go back to the label,
    and the label's cell spans the rows below it again."""
    labels = grid.label_columns()
    own_points = any(grid.role(x.col) in ("points", "number") and _has_value(x.text) for x in grid.starting(r))
    for c in list(grid.starting(r)):
        if grid.role(c.col) != "label" or c.empty or _starts_entry(c.text):
            continue
        if own_points and labels and c.col == labels[-1]:
            continue  # the row prints its own 序号 or points: this is its item, not a label's last words
        up = grid.at(above, c.col)
        if up is None or up.empty or up is c or not _open_text(up.text, c.col in pointed):
            continue
        up.text = up.text + "\n" + c.text
        up.source = up.source.span(c.source)
        up.row_span = c.row + c.row_span - up.row
        grid.cells.remove(c)
    grid.index()


def _always_filled(grid: Grid) -> set[int]:
    """Side columns (序号, points, 评分标准 …) that print something on (nearly) every row of the body."""
    body = [r for r in range(grid.header_rows, grid.n_rows) if r not in grid.repeated_headers
            and any(not c.empty for c in grid.starting(r))]
    out = set()
    for k in range(grid.n_cols):
        if grid.role(k) in ("label", "score") or not body:
            continue
        filled = sum(1 for r in body if (c := grid.at(r, k)) is not None and not c.empty)
        if filled >= 0.8 * len(body):
            out.add(k)
    return out


def _continues(grid: Grid, above: int, r: int, numbers, points, pointed: set[int],
               filled: Set[int] = frozenset(), closed: Set[int] = frozenset()) -> bool:
    row = [c for c in grid.starting(r) if not c.empty]
    if any(c.col in numbers and bare_number(c.text) is not None for c in row):
        return False
    upper = {k: grid.at(above, k) for k in range(grid.n_cols)}
    over: dict[int, GCell] = {}  # the printed cell above each of the row's cells: past this loop, each has one
    for c in row:
        up = upper.get(c.col)
        if up is None or up.empty:
            return False  # something new where the row above printed nothing
        over[c.col] = up

    def printed_above(k: int) -> bool:  # column k prints a cell that starts on the row above
        up = upper[k]
        return up is not None and not up.empty and up.row == above

    if row and all(c.col in points for c in row) and all(_cut_value(over[c.col].text, c.text) for c in row):
        return True  # only the rest of the value above (10 | 0 of 合计 100): a value cut by the page break
    if any(c.col in points and _has_value(c.text) for c in row):
        return False  # the row prints its own points (a bare 分 is the last line of the value above)
    if any(grid.role(c.col) not in ("label", "number", "points") and _next_entry(over[c.col].text, c.text, True)
           for c in row):
        return True  # a 评分标准 list (1. … 2. … 3. …) goes on with 4. on this part: the cell was cut
    side_only = all(grid.role(c.col) not in ("label",) for c in row)
    if side_only:
        # side text under a row that has it goes on, unless it is a band across the table (二、…)
        return not any(_starts_entry(c.text) or _BAND.match(clean(c.text)) for c in row)
    had_points = any(printed_above(k) for k in points)
    had_number = any(printed_above(k) for k in numbers)
    if had_points or had_number:
        return True  # the row above printed its 序号/points; this part prints none: the same row goes on
    here = {c.col for c in row}
    below = _next_body_row(grid, r)

    def empty_below(k: int) -> bool:  # the next row leaves the column empty too: no sign of a cut
        c = grid.at(below, k) if below is not None else None
        return c is None or c.empty

    if any(k not in here and printed_above(k) and not empty_below(k) for k in filled):
        return True  # a column printed on every row (评分标准) is empty on this part only: the row goes on
    if any(c.col in closed and not _closed(over[c.col].text) for c in row):
        return True  # side text whose cells end their sentences stops mid-sentence above this part
    # a label of a shallower level merged over rows above and left open is a merged cell cut by the
    # page break (its last words go back to it), not this row going on
    labels = grid.label_columns()
    deep = [c for c in row if not (grid.role(c.col) == "label" and labels and c.col < labels[-1]
                                   and (over[c.col].row_span > 1 or over[c.col].row != above or c.row_span > 1))]
    if any(grid.role(c.col) == "criteria" and not _closed(over[c.col].text) for c in deep):
        return True  # a 评分标准 stopping mid-sentence (`…未公布裁量权` | `基准的扣1.5分`) goes on here
    # an entry without points above is open only if this part does not begin the entry after it
    return any(_open_text(over[c.col].text, c.col in pointed and not _next_entry(over[c.col].text, c.text))
               for c in deep)


def _cut_value(above: str, text: str) -> bool:
    """text is the rest of the value above cut between its digits (10 | 0, 1. | 5分): both halves digits
    where they meet, and together one value."""
    a, b = clean(above), clean(text)
    return bool(a) and bool(b) and (a[-1].isdigit() or a[-1] in ".．") and b[0].isdigit() \
        and column_points(a + b) is not None


def _next_body_row(grid: Grid, r: int) -> int | None:
    for n in range(r + 1, grid.n_rows):
        if n not in grid.repeated_headers and any(not c.empty for c in grid.starting(n)):
            return n
    return None


def _next_entry(above: str, text: str, own_list: bool = False) -> bool:
    """Text begins the entry numbered after the last entry of the text above (3. … | 4. …); with
    own_list, only where the text above is a list of its own (it starts at 1.), not one entry of a
    numbering that runs through the rows."""
    pieces = [p for p in parse_cell(above) if p.marker is not None]
    m = parse_marker(strip_markup(text).lstrip(), 0)
    if not pieces or m is None:
        return False
    first = pieces[0].marker
    if own_list and (first is None or first.number != 1):
        return False
    last = pieces[-1].marker
    return last is not None and m.style == last.style and m.number == last.number + 1


def _has_value(text: str) -> bool:
    """A 序号 or points cell that prints a number, not only the unit (分) wrapped from the cell above."""
    return bool(re.search(r"[0-9０-９一二三四五六七八九十]", text))


_CLOSERS = set("。；;！!）)】分")


def _closed(text: str) -> bool:
    t = clean(strip_markup(text)).rstrip()
    return not t or t[-1] in _CLOSERS


def _closed_columns(grid: Grid) -> set[int]:
    """Side columns (评分标准, 备注) whose cells end a sentence (。；, a points bracket) nearly always."""
    out = set()
    for k in range(grid.n_cols):
        if grid.role(k) in ("label", "number", "points", "score"):
            continue
        texts = [c.text for c in grid.cells if c.col == k and c.row >= grid.header_rows
                 and c.row not in grid.repeated_headers and not c.empty]
        if len(texts) >= 4 and sum(1 for t in texts if _closed(t)) >= 0.9 * len(texts):
            out.add(k)
    return out


def _starts_entry(text: str) -> bool:
    m = parse_marker(strip_markup(text).lstrip(), 0)
    return m is not None and m.style != "article"


def _regroup_rows(grid: Grid) -> None:
    """Rows of a table whose row breaks are not printed (a borderless PDF: rows are guessed from
    blank space, and a cell's text may be cut into several pieces by that guess).

    In each label column a piece that goes on from an open piece above it (an unclosed bracket, an
    entry still without its points) is joined to it, whatever lies between. Then the rows are
    regrouped on an anchor column whose cells each start a row — the points column, else the 序号
    column, else the deepest label column where a new entry begins — and the side cells of a group
    (评分标准, 备注 …) are joined into its first row.
    """
    pointed = _pointed_columns(grid)
    body = [c for c in grid.cells if c.row >= grid.header_rows and c.row not in grid.repeated_headers]
    for k in grid.label_columns():
        column = sorted((c for c in body if c.col == k and not c.empty), key=lambda c: c.row)
        keep: GCell | None = None
        for c in column:
            if keep is not None and _open_text(keep.text, k in pointed) and not _starts_entry(c.text):
                keep.text = keep.text + "\n" + c.text
                keep.source = keep.source.span(c.source)
                c.text = ""
                continue
            keep = c
    anchor = next((k for k in range(grid.n_cols) if grid.role(k) == "points"), None)
    if anchor is None:
        anchor = next((k for k in range(grid.n_cols) if grid.role(k) == "number"), None)
    labels = grid.label_columns()
    if anchor is None and labels:
        anchor = max(labels, key=lambda k: (any(c.col == k and not c.empty for c in body), k))
    rows = sorted({c.row for c in body})
    starts = []
    prev_open = False
    for r in rows:
        cell = next((c for c in body if c.row == r and c.col == anchor and not c.empty), None)
        if cell is None:
            continue
        # cell.col is the anchor column (so anchor is set here)
        if grid.role(cell.col) == "label" and prev_open and not _starts_entry(cell.text):
            prev_open = _open_text(cell.text, anchor in pointed)
            continue
        starts.append(r)
        prev_open = grid.role(cell.col) == "label" and _open_text(cell.text, anchor in pointed)
    if not starts:
        return
    group_of = {}
    for r in rows:
        before = [s for s in starts if s <= r]
        group_of[r] = before[-1] if before else starts[0]
    first_in_group: dict[tuple[int, int], GCell] = {}
    for c in sorted(body, key=lambda c: (c.row, c.col)):
        g = group_of.get(c.row, c.row)
        if grid.role(c.col) == "label":
            if not c.empty:
                c.row = g
            continue
        if c.empty:
            continue
        key = (g, c.col)
        if key in first_in_group:
            head = first_in_group[key]
            head.text = head.text + "\n" + c.text
            head.source = head.source.span(c.source)
            c.text = ""
        else:
            first_in_group[key] = c
            c.row = g
    kept = [c for c in grid.cells if not (c.row >= grid.header_rows and c.empty)]
    order = sorted({c.row for c in kept})
    renumber = {r: i for i, r in enumerate(order)}
    # two label pieces of one column in one group stay apart only when the second starts an entry
    for c in kept:
        c.row = renumber[c.row]
        c.row_span = 1
    grid.cells = kept
    grid.repeated_headers = {renumber[r] for r in grid.repeated_headers if r in renumber}
    grid.n_rows = len(order)
    merged: dict[tuple[int, int], GCell] = {}
    out = []
    for c in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        key = (c.row, c.col)
        if key in merged:
            head = merged[key]
            head.text = head.text + "\n" + c.text
            head.source = head.source.span(c.source)
            continue
        merged[key] = c
        out.append(c)
    grid.cells = out
    _fill_gaps(grid)


def _merge_rows(grid: Grid, above: int, r: int) -> None:
    """Join row r, the part of a row cut by a page break, to the row above: each cell's text to the
    cell above it, whose rows then reach as far as the cut part's did (a merged cell drawn again)."""
    for c in list(grid.starting(r)):
        up = grid.at(above, c.col)
        if up is not None and up is not c and up.col == c.col:
            up.row_span = max(up.row_span, c.row + c.row_span - up.row)
        if c.empty:
            grid.cells.remove(c)
            continue
        if up is None:
            continue
        up.text = up.text + "\n" + c.text
        up.source = up.source.span(c.source)
        grid.cells.remove(c)
    _shift_up(grid, r)


def _drop_row(grid: Grid, r: int) -> None:
    """Take row r (a header printed again) out of the grid."""
    for c in list(grid.starting(r)):
        grid.cells.remove(c)
    grid.repeated_headers.discard(r)
    _shift_up(grid, r)
    grid.index()


def _shift_up(grid: Grid, r: int) -> None:
    """Row r is gone: cells below move up one row, cells over it lose it from their span."""
    for c in grid.cells:
        if c.row > r:
            c.row -= 1
        elif c.row <= r < c.row + c.row_span and c.row_span > 1:
            c.row_span -= 1
    grid.n_rows -= 1
    grid.repeated_headers = {h - 1 if h > r else h for h in grid.repeated_headers}
