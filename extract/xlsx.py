"""Excel workbooks (XLSX) and CSV files: one table per sheet, merged ranges as spans, title and 注 rows as
paragraphs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from zhibiao.errors import CorruptFile
from zhibiao.findings import reader_note
from zhibiao.model import Cell, Layout, Paragraph, ReaderNote, Source, Table

from .text import decode

__all__ = ["read_xlsx", "read_csv", "cell_text"]


def cell_text(value, number_format: str = "General") -> str:
    """A cell value as the sheet shows it: 3 not 3.0, 2.5, a date as 2023-03-01, 10% for 0.1 in a percent format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return str(value)
        if "%" in (number_format or ""):
            number *= 100
            return format(number.normalize(), "f") + "%"
        text = format(number.normalize(), "f")
        return text
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# a sheet's cell as the readers pass it on: row, column, row span, column span, text, and the (row, column)
# the file gives it (for its locator: the sheet's own address, whatever rows or columns were left out)
_XCell = tuple[int, int, int, int, str, tuple[int, int]]


def _split(rows: list[list[_XCell]], width: int):
    """Leading rows that hold one text across the sheet (the title) and trailing 注 rows are paragraphs."""
    def lone(row) -> str | None:
        filled = [c for c in row if c[4].strip()]
        if len(filled) == 1 and (filled[0][3] >= max(2, width - 1) or width <= 2 or filled[0][1] == 0):
            return filled[0][4]
        return None

    head = 0
    while head < len(rows) and lone(rows[head]) is not None and not _looks_like_row(rows[head]):
        head += 1
    # the 注 lines under the table: a run of lone rows at the bottom, from the first that says 注/说明 on
    tail = len(rows)
    k = len(rows)
    while k > head and (text := lone(rows[k - 1])) is not None:
        k -= 1
        if text.lstrip().startswith(_NOTE_WORDS):
            tail = k
    return head, tail


_NOTE_WORDS = ("注", "说明", "备注", "附注", "填表", "填报", "评查人", "考核人", "审核人", "评分人")


def _looks_like_row(row) -> bool:
    return sum(1 for c in row if c[4].strip()) > 1


def _sheet_blocks(cells_by_row: list[list[_XCell]], width: int, name: str,
                  sheet: str, locator) -> list:
    blocks: list = []
    head, tail = _split(cells_by_row, width)
    for row in cells_by_row[:head]:
        for _r, _c, _rs, _cs, text, at in row:
            if text.strip():
                blocks.append(Paragraph(text=text, source=Source(file=name, locator=locator(*at))))
    body = cells_by_row[head:tail]
    if body:
        top = body[0][0][0] if body[0] else 0
        cells = []
        for row in body:
            for r, c, rs, cs, text, at in row:
                cells.append(Cell(text=text, row=r - top, col=c, row_span=rs, col_span=cs,
                                  source=Source(file=name, locator=locator(*at))))
        blocks.append(Table(cells=cells, source=Source(file=name, locator=f"sheet {sheet}")))
    for row in cells_by_row[tail:]:
        for _r, _c, _rs, _cs, text, at in row:
            if text.strip():
                blocks.append(Paragraph(text=text, source=Source(file=name, locator=locator(*at))))
    return blocks


# merged cells a workbook may declare in all: openpyxl makes an object of every cell a merged range covers,
# so a 1 KB sheet merging A1:XFD1048576 would make 17 billion; real sheets merge a few thousand
MAX_MERGED_CELLS = 1_000_000
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="'
                    rb'\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _check_merges(data: bytes) -> None:
    """Refuse a workbook whose merged ranges cover more than MAX_MERGED_CELLS cells, before openpyxl reads it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            total = 0
            for name in sheets:
                for m in _MERGE.finditer(zf.read(name)):
                    rows = abs(int(m[4]) - int(m[2])) + 1
                    cols = abs(_column_number(m[3]) - _column_number(m[1])) + 1
                    total += rows * cols
                    if total > MAX_MERGED_CELLS:
                        raise CorruptFile(None, f"its merged ranges ({name.rsplit('/', 1)[-1]}:"
                                                f" {m[1].decode()}{m[2].decode()}:{m[3].decode()}{m[4].decode()})"
                                                f" cover more than {MAX_MERGED_CELLS:,} cells")
    except zipfile.BadZipFile:
        return  # openpyxl says what is wrong with the package


def read_xlsx(data: bytes, name: str, sha256: str) -> Layout:
    """Every visible sheet of a workbook: its merged ranges become row/column spans."""
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    _check_merges(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, EOFError) as exc:
        raise CorruptFile(None, f"not a readable Excel workbook ({type(exc).__name__})") from None
    except Exception as exc:  # lxml and openpyxl parse errors of a damaged package
        raise CorruptFile(None, f"the workbook cannot be read ({type(exc).__name__})") from None
    blocks: list = []
    notes: list[ReaderNote] = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            notes.append(reader_note("hidden_sheet", sheet=ws.title))
            continue
        hidden_rows, hidden_cols = _hidden(ws)
        shown = [c for c in range(1, ws.max_column + 1) if c not in hidden_cols]
        to_col = {c: k for k, c in enumerate(shown)}  # a shown column's place once the hidden ones are left out
        # a merged range as printed: from its first shown row and column, over its shown columns
        spans: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for rng in ws.merged_cells.ranges:
            rows_in = [r for r in range(rng.min_row, rng.max_row + 1) if r not in hidden_rows]
            cols_in = [c for c in range(rng.min_col, rng.max_col + 1) if c not in hidden_cols]
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        covered.add((r, c))
            if rows_in and cols_in:
                spans[(rng.min_row, rng.min_col)] = (rows_in[-1] - rows_in[0] + 1, len(cols_in), rows_in[0], cols_in[0])
        left_rows: set[int] = set()  # hidden rows and columns that hold text: left out, and said so
        left_cols: set[int] = set()
        by_row: dict[int, list[_XCell]] = {}
        for row in ws.iter_rows():
            for cell in row:
                row_no, col_no = cell.row, cell.column
                assert row_no is not None and col_no is not None  # only a read-only workbook's empty cells lack them
                key = (row_no, col_no)
                if key in covered:
                    continue
                text = cell_text(cell.value, cell.number_format)
                if key in spans:
                    rs, cs, first_row, first_col = spans[key]
                elif row_no in hidden_rows or col_no in hidden_cols:
                    if text.strip():
                        (left_rows if row_no in hidden_rows else left_cols).add(
                            row_no if row_no in hidden_rows else col_no)
                    continue
                else:
                    rs, cs, first_row, first_col = 1, 1, row_no, col_no
                by_row.setdefault(first_row - 1, []).append(
                    (first_row - 1, to_col[first_col], rs, cs, text, (row_no - 1, col_no - 1)))
        rows: list[list[_XCell]] = []
        width = 0
        for r in sorted(by_row):
            filled = [t for t in by_row[r] if t[4].strip()]
            if filled:
                rows.append(sorted(by_row[r], key=lambda t: t[1]))
                width = max(width, max(t[1] + t[3] for t in filled))
        if left_cols:
            notes.append(reader_note("hidden_columns", sheet=ws.title, count=len(left_cols)))
        if left_rows:
            notes.append(reader_note("hidden_rows", sheet=ws.title, count=len(left_rows)))
        if not rows:
            continue
        # keep only the used width; drop trailing empty cells beyond it
        rows = [[c for c in row if c[1] < width] for row in rows]
        title = ws.title

        def locator(r: int, c: int, title=title) -> str:
            return f"sheet {title} {get_column_letter(c + 1)}{r + 1}"

        blocks.extend(_sheet_blocks(_compact(rows), width, name, title, locator))
    wb.close()
    return Layout(file=name, sha256=sha256, format="xlsx", notes=notes, blocks=blocks)


def _hidden(ws) -> tuple[set[int], set[int]]:
    """The sheet's hidden rows and columns (1-based), within its used range: a column dimension covers
    columns min..max (Excel groups neighbours alike, and often hides every column after the table)."""
    from openpyxl.utils import column_index_from_string

    rows = {r for r, d in ws.row_dimensions.items() if d.hidden and r <= ws.max_row}
    cols: set[int] = set()
    for key, d in ws.column_dimensions.items():
        if not d.hidden:
            continue
        first = d.min or column_index_from_string(key)
        last = min(d.max or first, ws.max_column)
        cols.update(range(first, last + 1))
    return rows, cols


def _compact(rows):
    """Rows of the sheet with empty rows between them removed; spans shrink over the removed rows."""
    present = [row[0][0] for row in rows]
    index = {r: i for i, r in enumerate(present)}
    out = []
    for row in rows:
        new = []
        for r, c, rs, cs, text, at in row:
            last = r + rs - 1
            inside = [p for p in present if r <= p <= last]
            new.append((index[r], c, max(1, len(inside)), cs, text, at))
        out.append(new)
    return out


def read_csv(data: bytes, name: str, sha256: str) -> Layout:
    """A CSV file (UTF-8 with or without BOM, or GB18030, as Excel saves it): one table, first lone rows as
    paragraphs."""
    text, encoding = decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    width = 0
    try:
        for r, record in enumerate(reader):
            cells = [(r, c, 1, 1, value, (r, c)) for c, value in enumerate(record)]
            if any(v.strip() for v in record):
                rows.append(cells)
                width = max(width, len(record))
    except csv.Error as exc:
        raise CorruptFile(None, f"not a readable CSV file ({exc})") from None
    blocks = _sheet_blocks(_compact(rows), width, name, "csv", lambda r, c: f"row {r + 1} col {c + 1}") if rows else []
    for b in blocks:
        if isinstance(b, Table):
            b.spans_known = False
    return Layout(file=name, sha256=sha256, format="csv", encoding=encoding, blocks=blocks)
