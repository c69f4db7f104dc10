"""Layout blocks of one rubric -> entries (labels, items, placeholders) with points, rules, notes and owners.

A table that lines up in columns is read as a grid (normalize.grid): each label cell gives its
entries, the 序号 / points / 评分标准 / 备注 / 责任单位 cells of its row are attached to them by their
spans, and an empty label cell over rows that print indicators is a label the source does not
print. A table whose cells do not line up, and a rubric printed as paragraphs, are read as a stream
of cells in reading order, where what a piece of text is follows from what it holds. Every cell
read ends up in an entry, in a rule or note of one, in the header, or in the list of unplaced text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from zhibiao.findings import finding
from zhibiao.model import Finding, Paragraph, Source, Table

from .cleanup import clean, squash, strip_markup
from .columns import bare_number, column_name
from .entries import CellMemo, Entry, Piece, parse_cell
from .grid import TOTAL_LABEL, GCell, Grid, build_grid, level_names
from .numbering import parse_marker
from .points import column_points, find_points, is_rule, parse_deduction

__all__ = ["Entry", "Stream", "Row", "read_region", "unplaced", "OWNER_HEADER", "NON_LEVEL_HEADERS", "DEDUCTION_HEADER"]

OWNER_HEADER = re.compile(r"责任|分工|牵头|承办单位|落实单位")
DEDUCTION_HEADER = re.compile(r"评分|扣分|计分")
NON_LEVEL_HEADERS = {"备注", "得分", "序号", "说明", "分值", "自评得分", "考核得分"}
_BARE_POINTS = re.compile(r"(\d+(?:\.\d+)?)\s*分?")
_INTRO = re.compile(r"下列|如下|情形之一|以下|[：:]$")


@dataclass
class Row:
    """One layout row (a table row, or a paragraph) and whether everything it printed was placed."""

    source: Source
    cells: list = field(default_factory=list)  # objects with .text, .used, .source


@dataclass
class Stream:
    """What one rubric region gives the tree: its entries in reading order, header and accounting."""

    entries: list[Entry]
    header: list[str]
    level_names: list[str] | None
    findings: list[Finding]
    first_block: int
    last_block: int
    rows: list[Row] = field(default_factory=list)
    stated_total: Decimal | None = None
    positions: dict = field(default_factory=dict)  # entry id -> position evidence for its class

    @property
    def pointed(self) -> int:
        return sum(1 for e in self.entries if e.points is not None)


class _Used:
    """A piece of layout (a stream cell, a paragraph) that is placed or not."""

    def __init__(self, text: str, source: Source):
        self.text = text
        self.source = source
        self.used = False


def _entry(piece: Piece, source: Source, cell: tuple[int, int, int], page_top: bool = False) -> Entry:
    m = piece.marker
    e = Entry(m.style if m else None, m.number if m else None, m.text if m else None, piece.body, source, cell,
              page_top=page_top)
    if piece.points is not None:
        e.set_points(piece.points)
    if piece.rule:
        e.criteria.append(clean(piece.rule))
    return e


class _Region:
    """Accumulates the entries of one rubric region across its tables and headings."""

    def __init__(self, file: str, cells: CellMemo | None = None):
        self.file = file
        self.cells = cells if cells is not None else CellMemo()
        self.entries: list[Entry] = []
        self.findings: list[Finding] = []
        self.rows: list[Row] = []
        self.header: list[str] = []
        self.level_names: list[str] | None = None
        self.stated_total: Decimal | None = None
        self.last_arabic = 0
        self.positions: dict[int, float] = {}  # id(entry) -> position (column ordinal; -1 for headings)
        self._filled: dict[int, set[int]] = {}  # id(grid) -> label columns printed on every row

    def expected(self) -> int | None:
        return self.last_arabic + 1 if self.entries else None

    def add(self, e: Entry, position: float) -> None:
        if e.style == "arabic_dot" and e.number is not None:
            self.last_arabic = e.number
        self.entries.append(e)
        self.positions[id(e)] = position

    # --- paragraphs between tables --------------------------------------------------------

    def heading(self, block: Paragraph, index: int) -> None:
        used = _Used(block.text, block.source)
        self.rows.append(Row(block.source, [used]))
        pieces = parse_cell(block.text, self.expected())
        if not pieces:
            used.used = True
            return
        if pieces[0].marker is None:
            last = self.entries[-1] if self.entries else None
            text = clean(block.text)
            if last is not None and last.heading:
                last.notes.append(text)  # 案卷有下列情形之一的，直接评定为不合格案卷
                used.used = True
                return
            if find_points(text) is None and not is_rule(text):
                return
        for p in pieces:
            e = _entry(p, block.source, (index, 0, 0))
            e.heading = True
            e.origin.append(used)
            self.add(e, -1.0)
        used.used = True

    # --- grid tables ----------------------------------------------------------------------

    def grid(self, grid: Grid) -> None:
        if self.level_names is None and grid.header_rows:
            self.level_names = level_names(grid)
            self.header = [clean(h) for h in grid.header]
        rows: dict[int, Row] = {}
        for c in grid.cells:
            rows.setdefault(c.row, Row(c.source)).cells.append(c)
        for r in range(grid.header_rows):
            for c in (rows[r].cells if r in rows else []):
                c.used = True
        cell_entries: dict[int, list[Entry]] = {}
        labels = grid.label_columns()
        ordinal = {k: grid.columns[k].ordinal for k in labels}
        self._filled[id(grid)] = _filled_columns(grid, labels)
        last_label: dict[int, GCell] = {}  # label column -> last non-empty label cell
        placeholder_of: dict[int, Entry] = {}  # id(empty cell) -> its placeholder
        continued: set[int] = set()  # ids of empty cells that go on with the label above
        first_page = min((c.page for c in grid.cells if c.page is not None), default=None)
        page_first_row: dict[int, int] = {}
        for c in grid.cells:
            if c.page is not None and c.row >= grid.header_rows and c.row not in grid.repeated_headers:
                page_first_row.setdefault(c.page, c.row)
                page_first_row[c.page] = min(page_first_row[c.page], c.row)
        for r in range(grid.header_rows, grid.n_rows):
            if r in grid.repeated_headers:
                continue
            starting = grid.starting(r)
            if self._total_row(grid, starting):
                continue
            # label cells starting in this row (a band spanning the table counts at its first label column)
            starts = [k for k in labels if (at := grid.at(r, k)) is not None and at.row == r and not at.empty]
            deepest = max(starts, default=None)
            for k in labels:
                if deepest is None or k > deepest:
                    break
                cell = grid.at(r, k)
                if cell is None or id(cell) in cell_entries:
                    continue  # no cell here, or a cell spanning several label columns, read at the first
                if cell.row == r and not cell.empty:
                    top = cell.page is not None and cell.page != first_page and page_first_row.get(cell.page) == r
                    made = self._cell_entries(cell, grid.block, ordinal[k], top)
                    cell_entries[id(cell)] = made
                    cell.used = True
                    last_label[k] = cell
                    continue
                if not cell.empty or k == deepest:
                    continue
                # an empty label cell left of this row's indicators (decided once, at its first row)
                if id(cell) in placeholder_of or id(cell) in continued:
                    continue
                top = cell.page is not None and cell.page != first_page and page_first_row.get(cell.page) == cell.row
                if self._continues_above(grid, cell, k, r, last_label, labels, cell_entries, top):
                    cell.used = True
                    continued.add(id(cell))
                    continue
                ph = Entry(None, None, None, "", cell.source, (grid.block, cell.row, k), placeholder=True)
                ph.column = ordinal[k]
                placeholder_of[id(cell)] = ph
                cell_entries[id(cell)] = [ph]
                last_label[k] = cell
                cell.used = True
                self.add(ph, float(ordinal[k]))
        self._attach(grid, cell_entries)
        self._bands_over_labels(grid, labels, cell_entries)
        if not grid.spans_known:
            _carry_down(grid, cell_entries)
        for r in sorted(rows):
            self.rows.append(rows[r])

    def _bands_over_labels(self, grid: Grid, labels: list[int], cell_entries: dict[int, list[Entry]]) -> None:
        """Unnumbered bands across the table stand a level above the labels of the column they start in
        when the sums show it: a band's points are those of the labels under it down to the next band,
        and no band's points disagree with its labels' (with no marker, both were one level)."""
        if not labels:
            return
        first = labels[0]
        cells = sorted((c for c in grid.cells if c.col == first and cell_entries.get(id(c))
                        and not cell_entries[id(c)][0].placeholder), key=lambda c: c.row)
        groups: list[tuple[Entry, list[Entry]]] = []
        for c in cells:
            e = cell_entries[id(c)][0]
            if c.col_span > 1 and c.col + c.col_span >= grid.n_cols:
                groups.append((e, []))
            elif groups:
                groups[-1][1].append(e)
        shown = False
        for band, under in groups:
            if band.points is None or not under or any(e.points is None for e in under):
                continue
            if sum((e.points for e in under if e.points is not None), Decimal(0)) != band.points:
                return
            shown = True
        if not shown:
            return
        for band, _ in groups:
            if band.style is None:
                band.klass = ("band", band.column)
                self.positions[id(band)] = float(band.column or 0) - 0.5

    def _continues_above(self, grid: Grid, cell: GCell, k: int, r: int, last_label: dict, labels: list[int],
                         cell_entries: dict, page_top: bool) -> bool:
        """An empty label cell goes on with the label above it (the lower part of a merged cell, or the
        rows under a label printed as a heading row of its own) unless something shows a new group."""
        above = last_label.get(k)
        if above is None:
            return False
        # a new label to the left, between the label above and this row, starts another group
        for j in labels:
            if j >= k:
                break
            left = grid.at(r, j)
            if left is not None and not left.empty and above.row < left.row <= r:
                return False
            if left is not None and left.empty and left.row > above.row and left.row <= r and id(left) in cell_entries:
                return False
        heading = not any(c.col > k and c.col in labels and not c.empty
                          for rr in above.rows for c in grid.starting(rr))
        if heading:
            return True  # the label above is printed on a row of its own: these rows are its items
        if page_top:
            return True  # a merged cell cut by a page break is drawn again, empty, on the next page
        if k in self._filled.get(id(grid), set()):
            return False  # a column that prints a label on every row: an empty cell is a label not printed
        if not grid.spans_known and cell.row_span == 1:
            return True  # a text conversion writes the lower part of a merged cell empty
        # the file shows its merged cells (or a borderless reading found rows that no label of a column
        # of merged cells stands over): an empty cell merged over rows of its own is a group whose
        # label is not printed; a single empty row under a label, where the column leaves its rows
        # blank below each label instead of merging them, goes on with that label
        return cell.row_span == 1

    def _cell_entries(self, cell: GCell, block: int, ordinal: int, page_top: bool) -> list[Entry]:
        pieces = parse_cell(cell.text, self.expected())
        made: list[Entry] = []
        numbered_after = any(p.marker is not None for p in pieces[1:])
        for i, p in enumerate(pieces):
            if p.marker is None and i == 0 and not p.body.strip() and p.points is None:
                continue
            e = _entry(p, cell.source, (block, cell.row, cell.col), page_top)
            e.origin.append(cell)
            e.column = ordinal
            position = float(ordinal)
            if e.style is None:
                if numbered_after and i == 0:
                    e.klass = ("lead", ordinal)
                    position = ordinal - 0.5
                else:
                    e.klass = ("col", ordinal)
            self.add(e, position)
            made.append(e)
        return made

    def _total_row(self, grid: Grid, starting: list[GCell]) -> bool:
        filled = [c for c in starting if not c.empty]
        if not filled:
            return True
        first = filled[0]
        if grid.role(first.col) not in ("label", "number") or squash(first.text) not in TOTAL_LABEL:
            return False
        for c in filled[1:]:
            value = column_points(c.text)
            if value is not None and (grid.role(c.col) == "points" or len(filled) == 2) \
                    and squash(first.text) != "小计":
                self.stated_total = value[0]
        for c in filled:
            c.used = True
        return True

    def _attach(self, grid: Grid, cell_entries: dict[int, list[Entry]]) -> None:
        """序号, points, 评分标准, 备注 and 责任单位 cells go to the entries of the label cell they stand against."""
        label_cells = _LabelCells((c for c in grid.cells if id(c) in cell_entries and cell_entries[id(c)]),
                                  cell_entries)
        feeds = _feeds(grid, label_cells)
        for side in grid.cells:
            role = grid.role(side.col)
            if role == "label" or side.empty or side.used or side.row < grid.header_rows:
                continue
            if side.row in grid.repeated_headers:
                continue
            if role == "score":
                continue
            target = _target(side, label_cells, role, feeds)
            if target is None:
                continue
            text = clean(side.text)
            if role == "number":
                marker = bare_number(text)
                e = target[0]
                if marker is None or e.style is not None:
                    continue
                e.style, e.number, e.marker = marker.style, marker.number, text
                e.klass = None
                label_cells.changed(e)
                if e.style == "arabic_dot":
                    self.last_arabic = max(self.last_arabic, e.number)
            elif role == "points":
                value = column_points(text)
                if value is None:
                    continue
                e = target[0]
                if e.points is not None and e.points != value[0]:
                    self.findings.append(finding("points_conflict", source=side.source,
                                                 label=f"{e.marker or ''}{e.text[:30]}", column=text,
                                                 text_points=str(e.points)))
                e.points, e.low = value
                label_cells.changed(e)
                e.unit_printed, e.bracketed, e.points_in_text = True, True, False
            elif role == "criteria":
                for e in target:
                    e.criteria.append(text)
            elif role == "note":
                for e in target:
                    e.notes.append(text)
            elif role == "owner":
                for e in target:
                    if e.owner is None:
                        e.owner = text
            side.used = True
            for e in target:
                e.source = e.source.span(side.source) if role in ("points", "number") else e.source

    # --- streams: cells that do not line up in columns, and paragraphs ---------------------

    def stream(self, items: list[tuple[str, Source, tuple[int, int, int], bool]], header_words: bool = True) -> None:
        reader = _StreamReader(self, header_words)
        for text, source, cell, top in items:
            reader.feed(text, source, cell, top)
        reader.finish()


def _filled_columns(grid: Grid, labels: list[int]) -> set[int]:
    """Label columns that print a label on (nearly) every row that prints something to their right:
    there, an empty cell is no merged label going on but a label the source does not print."""
    out = set()
    body = [r for r in range(grid.header_rows, grid.n_rows) if r not in grid.repeated_headers]
    # the rightmost label column each row prints a cell of its own in (one pass, not one per column)
    rightmost = {r: max((j for j in labels if (c := grid.at(r, j)) is not None and c.row == r and not c.empty),
                        default=-1) for r in body}
    for k in labels[:-1]:
        rows = [r for r in body if rightmost[r] > k]
        filled = sum(1 for r in rows if (c := grid.at(r, k)) is not None and c.row == r and not c.empty)
        if len(rows) >= 3 and filled >= 0.8 * len(rows):
            out.add(k)
    return out


_NEG, _POS = float("-inf"), float("inf")
_LO: tuple = (_NEG, 0)  # below every (col, -index) a run files its cells by
_HI: tuple = (_POS, 0)  # above every one
_ANY_PH = (False, True)


class _Run:
    """The label cells covering one run of rows (the same first and last row), filed by column: all of them,
    each column's, and in buckets by the state of their first entry that decides where a side cell goes —
    (placeholder, without points, without clause style), and (placeholder, points) for those with points.
    Each list holds ``(col, -index)`` sorted: the last one below a bound is the deepest cell left of it, the
    first of equals in reading order."""

    __slots__ = ("key", "items", "at_col", "flags", "points")

    def __init__(self, key: tuple[int, int]):
        self.key = key
        self.items: list[tuple[int, int]] = []
        self.at_col: dict[int, list[int]] = {}  # column -> indexes of its cells, in reading order
        self.flags: dict[tuple[bool, bool, bool], list[tuple[int, int]]] = {}
        self.points: dict[tuple[bool, Decimal], list[tuple[int, int]]] = {}


# a part of a selection of label cells: one run's cells whose (col, -index) is in [low, high)
_Part = tuple[_Run, tuple, tuple]


class _LabelCells:
    """The label cells of a grid in reading order, indexed for the side cells looking for the one they
    belong to: runs of rows by the rows they cover, in each run the cells by column and by the state of
    their first entry (placeholder, points, clause style). The label a side cell goes to is found by
    bisection, not by a scan of every label cell of its rows (a row of 1,000 cells was quadratic); a
    cell's state is filed anew by ``changed`` when its first entry gets points or a clause number."""

    def __init__(self, cells, cell_entries: dict[int, list[Entry]]):
        self.cells: list[GCell] = list(cells)
        self.entries = [cell_entries[id(c)] for c in self.cells]
        self._runs: dict[tuple[int, int], _Run] = {}
        self._by_row: dict[int, list[_Run]] = {}
        self._run_of: list[_Run] = []
        self._state: list[tuple[bool, bool, bool, Decimal | None]] = []
        self._index_of: dict[int, list[int]] = {}  # id of a cell's first entry -> the cells it is first of
        for i, c in enumerate(self.cells):
            key = (c.row, c.row + c.row_span)
            run = self._runs.get(key)
            if run is None:
                run = self._runs[key] = _Run(key)
                for r in range(*key):
                    self._by_row.setdefault(r, []).append(run)
            run.items.append((c.col, -i))
            run.at_col.setdefault(c.col, []).append(i)
            self._run_of.append(run)
            self._index_of.setdefault(id(self.entries[i][0]), []).append(i)
            self._state.append(self._state_of(i))
            self._file(i)
        for run in self._runs.values():
            run.items.sort()

    def _state_of(self, i: int) -> tuple[bool, bool, bool, Decimal | None]:
        e = self.entries[i][0]
        return bool(e.placeholder), e.points is None, e.style is None, e.points

    def _file(self, i: int, remove: bool = False) -> None:
        run, (ph, free, plain, points), item = self._run_of[i], self._state[i], (self.cells[i].col, -i)
        buckets = [run.flags.setdefault((ph, free, plain), [])]
        if points is not None:
            buckets.append(run.points.setdefault((ph, points), []))
        for bucket in buckets:
            if remove:
                del bucket[bisect.bisect_left(bucket, item)]
            else:
                bisect.insort(bucket, item)

    def changed(self, entry: Entry) -> None:
        """A label cell's first entry got points or a clause number: file the cell by its new state."""
        for i in self._index_of.get(id(entry), ()):
            state = self._state_of(i)
            if self.entries[i][0] is entry and state != self._state[i]:
                self._file(i, remove=True)
                self._state[i] = state
                self._file(i)

    def runs(self, rows: range) -> list[_Run]:
        """The runs covering any of these rows."""
        seen: dict[int, _Run] = {}
        for r in rows:
            for run in self._by_row.get(r, ()):
                seen.setdefault(id(run), run)
        return list(seen.values())

    def count(self, parts: list[_Part], ph: tuple[bool, ...] = _ANY_PH, free: bool | None = None,
              plain: bool | None = None, points: Decimal | None = None) -> int:
        """How many cells of the selection are in the given state (``points``: with exactly those points)."""
        n = 0
        for run, low, high in parts:
            for bucket in _buckets(run, ph, free, plain, points):
                n += bisect.bisect_left(bucket, high) - bisect.bisect_left(bucket, low)
        return n

    def top(self, parts: list[_Part], ph: tuple[bool, ...] = _ANY_PH, free: bool | None = None,
            plain: bool | None = None, points: Decimal | None = None, by_row: bool = False) -> int | None:
        """The deepest cell of the selection in the given state, the first of equals in reading order
        (``by_row``: the lowest of equals); None when there is none."""
        best: tuple | None = None
        for run, low, high in parts:
            for bucket in _buckets(run, ph, free, plain, points):
                k = bisect.bisect_left(bucket, high)
                if k and bucket[k - 1] >= low:
                    col, neg = bucket[k - 1]
                    key = (col, run.key[0], neg) if by_row else (col, neg)
                    if best is None or key > best:
                        best = key
        return None if best is None else -best[-1]


def _buckets(run: _Run, ph: tuple[bool, ...], free: bool | None, plain: bool | None,
             points: Decimal | None) -> list[list[tuple[int, int]]]:
    if points is not None:
        return [b for p in ph if (b := run.points.get((p, points)))]
    return [b for (p, f, s), b in run.flags.items()
            if b and p in ph and (free is None or f == free) and (plain is None or s == plain)]


class _Cands(NamedTuple):
    """The label cells a side cell may belong to: those on its rows (left of it, when there are any),
    those spanning exactly its rows, those whose rows contain its rows, and the deepest column of them."""

    all: list[_Part]
    exact: list[_Part]
    containing: list[_Part]
    deepest: int | None
    high: tuple


def _cands(side: GCell, label_cells: _LabelCells, left: bool) -> _Cands:
    first, stop = side.row, side.row + side.row_span
    runs = label_cells.runs(side.rows)
    high = _HI
    if left and any(bisect.bisect_left(run.items, (side.col, _NEG)) for run in runs):
        high = (side.col, _NEG)
    parts, exact, containing, deepest = [], [], [], None
    for run in runs:
        k = bisect.bisect_left(run.items, high)
        if not k:
            continue
        part = (run, _LO, high)
        parts.append(part)
        if run.key == (first, stop):
            exact.append(part)
        if run.key[0] <= first and run.key[1] >= stop:
            containing.append(part)
        col = run.items[k - 1][0]
        deepest = col if deepest is None else max(deepest, col)
    return _Cands(parts, exact, containing, deepest, high)


def _inside(side: GCell, label_cells: _LabelCells, cands: _Cands) -> list[int]:
    """The cells of the deepest column within the side cell's rows, top down, when they cover all its rows."""
    if cands.deepest is None:
        return []
    first, stop = side.row, side.row + side.row_span
    inside = sorted((i for run, _, _ in cands.all if run.key[0] >= first and run.key[1] <= stop
                     for i in run.at_col.get(cands.deepest, ())), key=lambda i: (label_cells.cells[i].row, i))
    covered = {r for i in inside for r in label_cells.cells[i].rows}
    return inside if len(inside) > 1 and covered == set(side.rows) else []


def _points_pool(side: GCell, label_cells: _LabelCells) -> tuple[list[_Part], tuple[bool, ...]]:
    """(the selection, the placeholder states to keep) of label cells a points cell may give its points to:
    those to its left on its rows, placeholders only when nothing else is there."""
    cands = _cands(side, label_cells, left=True)
    pool = cands.exact
    if cands.all:
        # a merged points cell over a group whose label cell (with its first items) is followed by
        # cells of more items: the points are the group label's, the first of those cells — also
        # where a label of the level above, cut by a page break, happens to span the same rows
        inside = _inside(side, label_cells, cands)
        if inside:
            entries = label_cells.entries
            value = column_points(clean(side.text))
            if entries[inside[0]][0].style not in {e.style for i in inside[1:] for e in entries[i]} \
                    and (not pool or (value is not None and not label_cells.count(pool, free=True)
                                      and not label_cells.count(pool, points=value[0])
                                      and entries[inside[0]][0].points in (None, value[0]))):
                i = inside[0]
                item = (label_cells.cells[i].col, -i)
                pool = [(label_cells._run_of[i], item, (item[0], -i + 0.5))]
    pool = pool or cands.containing or cands.all
    ph = (False,) if label_cells.count(pool, ph=(False,)) else _ANY_PH
    return pool, ph


_CARRIED = ("owner",)  # side columns whose empty cells go on with the one above (an item rarely has no owner)


def _carry_down(grid: Grid, cell_entries: dict[int, list[Entry]]) -> None:
    """Where the file does not show merged cells (CSV, text), a 牵头单位 cell printed once for a group
    stands in its first row only: the items below it in the same group, numbered alike, whose cell in
    that column is empty, carry it too. (An empty 评分标准 cell is no rule: nothing shows it is merged.)"""
    labels = grid.label_columns()
    if not labels:
        return
    deepest = labels[-1]
    for k in range(grid.n_cols):
        role = grid.role(k)
        if role not in _CARRIED:
            continue
        carried: tuple[str, object] | None = None  # (text, group) of the last cell printed in the column
        heads: dict[int, int] = {}  # shallower label column -> id of the last label it printed
        for r in range(grid.header_rows, grid.n_rows):
            if r in grid.repeated_headers:
                continue
            for j in labels:
                if j < deepest and (c := grid.at(r, j)) is not None and c.row == r and not c.empty:
                    heads[j] = id(c)
            group = tuple(heads.get(j) for j in labels if j < deepest)
            side = grid.at(r, k)
            item = grid.at(r, deepest)
            if item is not None and item.col != deepest:
                item = None  # a band across the table, not an item of the group
            style = cell_entries[id(item)][0].style if item is not None and cell_entries.get(id(item)) else None
            if side is not None and not side.empty:
                carried = (clean(side.text), (group, style)) if side.row == r else carried
                continue
            if carried is None or carried[1] != (group, style) or item is None or item.row != r or item.empty:
                if item is not None and item.row == r and not item.empty and carried and carried[1] != (group, style):
                    carried = None
                continue
            for e in cell_entries.get(id(item), []):
                if e.placeholder:
                    continue
                if role == "owner" and e.owner is None:
                    e.owner = carried[0]
                elif role == "criteria" and not e.criteria:
                    e.criteria.append(carried[0])
            if side is not None:
                side.used = True


def _feeds(grid: Grid, label_cells: _LabelCells) -> dict[int, int]:
    """Which label column each points column gives its points to, learnt from the rows where only one
    label cell waits for points (where spans do not say, a row's other labels may lack points too)."""
    votes: dict[int, dict[int, int]] = {}
    for side in grid.cells:
        if grid.role(side.col) != "points" or side.empty or side.row < grid.header_rows:
            continue
        pool, ph = _points_pool(side, label_cells)
        if label_cells.count(pool, ph, free=True) == 1:
            i = label_cells.top(pool, ph, free=True)
            assert i is not None
            col = votes.setdefault(side.col, {})
            free_col = label_cells.cells[i].col
            col[free_col] = col.get(free_col, 0) + 1
    return {k: max(v, key=v.__getitem__) for k, v in votes.items()}


def _target(side: GCell, label_cells: _LabelCells, role: str,
            feeds: dict[int, int] | None = None) -> list[Entry] | None:
    """The entries a side cell belongs to: the deepest label cell spanning exactly its rows, else the
    deepest one whose rows contain them, else the nearest one above."""
    entries = label_cells.entries
    if role == "number":
        # the label cell of the 序号's rows, or (its text running on below) the one starting in its row
        cands = _cands(side, label_cells, left=False)
        starting = cands.exact or [p for p in cands.containing if p[0].key[0] == side.row]
        i = label_cells.top(starting, ph=(False,), plain=True)
        return None if i is None else entries[i]
    if role == "points":
        value = column_points(clean(side.text))
        pool, ph = _points_pool(side, label_cells)
        if not pool:
            return None
        fed = (feeds or {}).get(side.col)
        free = pool
        if fed is not None and label_cells.count(pool, ph, free=True) > 1:
            at_fed = [(run, max(low, (fed, _NEG)), min(high, (fed + 1, _NEG))) for run, low, high in pool]
            if label_cells.count(at_fed, ph, free=True):
                free = at_fed
        i = label_cells.top(free, ph, free=True)
        if i is None and value is not None:
            i = label_cells.top(pool, ph, points=value[0])
        if i is None:
            i = label_cells.top(pool, ph)
        assert i is not None
        return entries[i][:1]
    cands = _cands(side, label_cells, left=True)
    inside = _inside(side, label_cells, cands)
    if inside:
        # a merged 评分标准/备注/牵头单位 cell over several items, each in a row of its own: each carries it
        return [e for i in inside for e in entries[i] if not e.placeholder] or None
    pool = cands.exact or cands.containing or cands.all
    if not pool:
        return None
    ph = (False,) if label_cells.count(pool, ph=(False,)) else _ANY_PH
    i = label_cells.top(pool, ph, by_row=True)
    assert i is not None
    found = [e for e in entries[i] if not e.placeholder]
    if len(found) > 1 and found[0].style not in {e.style for e in found[1:]}:
        found = found[1:]  # a label printed in the cell of its items: the items carry the rule
    return found or None  # every indicator of that cell


class _StreamReader:
    """Cells in reading order without columns: what a text is follows from what it holds."""

    def __init__(self, region: _Region, header_words: bool):
        self.region = region
        self.header_words = header_words
        self.skip_header = 0
        self.owner_from = len(region.entries)
        self.pending: dict[int, tuple[str, Source, _Used]] = {}
        self.start = len(region.entries)
        # indexes over region.entries[start:], brought up to date by _sync (entries are only appended)
        self._synced = self.start
        self._open: dict[int, list[Entry]] = {}  # column -> its entries, the top one open unless popped
        self._by_row: dict[tuple, list[Entry]] = {}  # (block, row) -> its entries in order

    def _sync(self) -> None:
        entries = self.region.entries
        for e in entries[self._synced:]:
            self._open.setdefault(e.cell[2], []).append(e)
            self._by_row.setdefault(e.cell[:2], []).append(e)
        self._synced = len(entries)

    def _last_open(self, col: int) -> Entry | None:
        """The last entry of the column still waiting for its points or rule. An entry, once closed or
        given a rule, stays so (points and rules are only ever added), so it leaves the stack for good."""
        self._sync()
        stack = self._open.get(col)
        while stack and (stack[-1].closed or stack[-1].criteria):
            stack.pop()
        return stack[-1] if stack else None

    def _any(self) -> bool:
        return len(self.region.entries) > self.start

    @property
    def has_owner_column(self) -> bool:
        return any(OWNER_HEADER.search(h) for h in self.region.header)

    def feed(self, text: str, source: Source, cell: tuple[int, int, int], page_top: bool) -> None:
        used = _Used(text, source)
        self.region.rows.append(Row(source, [used]))
        if not strip_markup(text).strip():
            used.used = True
            return
        pieces = self.region.cells.parse(text, self.region.expected() if self._any() else None, last=True)
        placed = True
        for p in pieces:
            if p.marker is not None:
                e = _entry(p, source, cell, page_top)
                e.origin.append(used)
                self.stray(cell[2])
                self.region.add(e, 0.0)
                self.skip_header = 0
                continue
            if not self.plain(p, text, source, cell, used):
                placed = False
        used.used = placed

    def stray(self, col: int) -> None:
        """Give up on the unresolved text of a column: it stays unplaced."""
        self.pending.pop(col, None)

    def finish(self) -> None:
        self.pending.clear()

    def plain(self, p: Piece, text: str, source: Source, cell: tuple[int, int, int], used: _Used) -> bool:
        """Unnumbered text: header, points, 评分标准 rule, continuation above, label with points, owner cell."""
        raw = p.body
        col = cell[2]
        value = clean(raw)
        if not value and p.points is None:
            return True
        if not self._any() and not (self.start and p.points is None and not column_name(value)):
            # before the first entry: the header; but a table read on after the region's first ones
            # prints nothing but a repeated header before its entries (its rows were read as a
            # header, silently, when its columns did not line up: 一票否决 and its items lost)
            if p.points is None:
                self.region.header.append(value)
                return True
            e = _entry(p, source, cell, False)  # an unnumbered label with points opens the list
            e.origin.append(used)
            e.klass = ("para",)
            self.region.add(e, 0.0)
            return True
        header = self.region.header
        if p.points is None and header and (value == header[0] or self.skip_header):
            self.skip_header = len(header) - 1 if value == header[0] else self.skip_header - 1
            return True
        if p.points is None and (value in header or value in NON_LEVEL_HEADERS):
            return True
        if p.points is None and (bare := _BARE_POINTS.fullmatch(value)):  # a 分值 column: the entry on its left
            self._sync()
            row_open = [e for e in self._by_row.get(cell[:2], []) if e.points is None and e.cell[2] < col]
            if row_open:
                row_open[-1].points = Decimal(bare.group(1))
                row_open[-1].points_in_text = False
                row_open[-1].source = row_open[-1].source.span(source)
                return True
        last = self.region.entries[-1]
        if not last.closed and not last.criteria and last.cell[2] == col and col not in self.pending:
            joined = _rejoin(last, raw)
            if joined is not None:  # `…，计3` / `分；每少5条扣0.5分。`: the points cut by the line break
                last.raw = joined.body
                assert joined.points is not None  # _rejoin returns only a piece that prints points
                last.set_points(joined.points)
                if joined.rule:
                    last.criteria.append(clean(joined.rule))
                last.source = last.source.span(source)
                return True
        if p.points is None and last.criteria and last.cell[2] == col and col not in self.pending \
                and _open_sentence(last.criteria[-1]) and not parse_marker(value, 0):
            last.criteria[-1] = clean(last.criteria[-1] + "\n" + raw)  # `…扣0.5分，` / `扣完为止。`
            last.source = last.source.span(source)
            return True
        if p.points is None and is_rule(value) and (parse_deduction(value) is not None or last.closed) \
                and not (last.criteria and col in self.pending):
            last.criteria.append(value)
            last.source = last.source.span(source)
            return True
        if col in self.pending:  # the rest of a text cut by a page break
            head, head_source, head_used = self.pending.pop(col)
            raw, source = head + "\n" + raw, head_source.span(source)
            value = clean(raw)
            head_used.used = True
        target = self._last_open(col)
        if target is not None:
            target.source = target.source.span(source)
            joined = _rejoin(target, raw)
            if joined is not None:  # the points bracket (or points in words) was cut by the line break
                target.raw = joined.body
                assert joined.points is not None  # _rejoin returns only a piece that prints points
                target.set_points(joined.points)
                if joined.rule:
                    target.criteria.append(clean(joined.rule))
                return True
            target.raw = target.raw + "\n" + raw
            if p.points is not None:
                target.set_points(p.points)
            if p.rule:
                target.criteria.append(clean(p.rule))
            return True
        if self.has_owner_column and p.points is None:
            for entry in self.region.entries[max(self.owner_from, self.start):]:
                if entry.owner is None:
                    entry.owner = value
            self.owner_from = len(self.region.entries)
            return True
        if p.points is not None:
            e = _entry(p, source, cell, False)
            e.origin.append(used)
            e.klass = ("para",)
            self.region.add(e, 0.0)
            return True
        self.pending[col] = (raw, source, used)
        return False


def _open_sentence(text: str) -> bool:
    """A rule that stops at a comma or mid-word: the next line goes on with it."""
    t = clean(text).rstrip()
    return bool(t) and t[-1] not in "。；;！!）)】分"


def _rejoin(entry: Entry, raw: str) -> Piece | None:
    """The entry's text and the line that goes on with it, read again as one: the piece, when only
    together they print the entry's points (`…保障（2` / `分）`, `…不少于50条，计3` / `分；每少…`)."""
    text = (entry.marker or "") + entry.raw + "\n" + raw
    pieces = parse_cell(text)
    if len(pieces) != 1 or pieces[0].points is None:
        return None
    piece = pieces[0]
    if (piece.marker.text if piece.marker else None) != entry.marker:
        return None
    return piece


def _table_items(table: Table, block: int) -> list[tuple[str, Source, tuple[int, int, int], bool]]:
    first_row_of_page: dict[int, int] = {}
    for c in table.cells:
        if c.page is not None:
            first_row_of_page.setdefault(c.page, c.row)
    first_page = min(first_row_of_page, default=None)
    items = []
    for c in table.cells:
        top = c.page is not None and c.page != first_page and first_row_of_page[c.page] == c.row
        items.append((c.text, c.source, (block, c.row, c.col), top))
    return items


def read_region(blocks: list, start: int, stop: int, file: str, cells: CellMemo | None = None) -> Stream:
    """Read blocks[start:stop] (tables with the headings between them, or a run of paragraphs); ``cells``:
    the texts already read (regions)."""
    region = _Region(file, cells)
    paragraphs: list[tuple[str, Source, tuple[int, int, int], bool]] = []
    tables = any(isinstance(blocks[b], Table) for b in range(start, stop))
    for b in range(start, stop):
        block = blocks[b]
        if isinstance(block, Table):
            grid = build_grid(block, b)
            if grid is not None:
                region.grid(grid)
            else:
                region.stream(_table_items(block, b))
        elif isinstance(block, Paragraph):
            if tables:
                region.heading(block, b)
            else:
                paragraphs.append((block.text, block.source, (b, b, 0), False))
    if paragraphs:
        first = len(region.entries)
        region.stream(paragraphs, header_words=False)
        _mark_gaps(region.entries[first:])
    return Stream(region.entries, region.header, region.level_names, region.findings, start, stop - 1, region.rows,
                  region.stated_total, region.positions)


def _mark_gaps(entries: list[Entry]) -> None:
    """Entries read from paragraphs: where a text copied cell by cell out of a web page leaves more
    blank lines than usual between two of them, an empty cell (a label not printed) stood there."""
    lines = [e.source.lines for e in entries]
    gaps = [b[0] - a[1] for a, b in zip(lines, lines[1:]) if a and b]
    usual = max(set(gaps), key=gaps.count) if gaps else None
    for i, e in enumerate(entries):
        e.paragraph = True
        if i and usual is not None:
            prev, here = lines[i - 1], lines[i]
            if prev and here and here[0] - prev[1] > usual:
                e.gap_before = True


def unplaced(rows: list[Row]) -> list[Finding]:
    """A finding for every piece of text a rubric's rows printed that went into no indicator, rule or note:
    an error when it is numbered or carries points (an item may be lost), a warning otherwise."""
    findings = []
    for row in rows:
        for piece in row.cells:
            if not getattr(piece, "used", True) and strip_markup(piece.text).strip():
                text = clean(piece.text)
                numbered = parse_marker(text, 0) is not None or find_points(text) is not None \
                    or column_points(text) is not None
                findings.append(finding("unplaced_item" if numbered else "unplaced_text", source=piece.source,
                                        text=text[:60]))
    return findings
