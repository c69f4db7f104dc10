"""Plain-text notices: decode, then find tables rendered with tabs or pipes."""

from __future__ import annotations

import re

from zhibiao.errors import NotText, UndecodableText
from zhibiao.model import Cell, Layout, Paragraph, Source, Table, TextParagraph

from .bounds import check_row_cells

__all__ = ["decode", "read_text", "read_lines"]

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), else GB18030 (a superset of GBK); return (text, encoding)."""
    if b"\x00" in data[:4096]:
        raise NotText(None, "it contains NUL bytes")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text[:20000])) > max(3, len(text[:20000]) // 100):
            raise NotText(None, "too many control characters for a text notice")
        return text, ("utf-8" if encoding == "utf-8-sig" else encoding)
    raise UndecodableText(None, "try saving it as UTF-8")


# a running page number a text conversion keeps: `— 2 —`, `- 12 -`, `第3页`, `第3页 共8页`
_PAGE_NUMBER = re.compile(r"^\s*(?:[—\-－–]+\s*\d{1,4}\s*[—\-－–]+"
                          r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*$")


def _blank(line: str) -> bool:
    """Nothing printed, or only a running page number (a page break of the conversion)."""
    return not line.strip() or bool(_PAGE_NUMBER.match(line))


def _is_tab_row(line: str) -> bool:
    return "\t" in line and bool(line.strip())


def _is_pipe_line(line: str) -> bool:
    return line.rstrip().endswith("|")


# the fields a text reader's Source sets: one set shared by all (a set per object doubles their size)
_SOURCE_SET = {"file", "lines"}


def read_text(data: bytes, name: str, sha256: str) -> Layout:
    """Turn text into paragraphs and tables (``read_lines`` of the decoded text's lines)."""
    text, encoding = decode(data)
    return read_lines(text.splitlines(), encoding, name, sha256)


def read_lines(lines: list[str], encoding: str, name: str, sha256: str) -> Layout:
    """Turn the lines of a decoded text into paragraphs and tables.

    Tables come as tab-separated rows (one line a row, blank lines allowed between rows) or
    as pipe-terminated cells (one cell a line ending in '|', lines of only pipes closing a row).
    A row of more than ``bounds.MAX_ROW_CELLS`` cells is refused (TableTooWide) before its cells are made.
    ``extract.read`` passes the lines alone, having let go of the bytes and the decoded text.
    """
    blocks: list[Paragraph | Table] = []
    i = 0
    n = len(lines)

    def src(a: int, b: int) -> Source:
        # built without validation (the values are ours): a 50 MB notice holds ~400,000 of these; one int
        # object for a single line's first and last line
        first = a + 1
        return Source.model_construct(_SOURCE_SET, file=name, lines=(first, first if a == b else b + 1))

    while i < n:
        line = lines[i]
        if _is_tab_row(line):
            cells: list[Cell] = []
            start = i
            row = 0
            page = 1
            last = i
            while i < n and (_is_tab_row(lines[i]) or _blank(lines[i])):
                if _is_tab_row(lines[i]):
                    if i > last + 1:
                        page += 1  # a blank line inside a converted table marks a page break
                    check_row_cells(lines[i].count("\t") + 1, i + 1)
                    for col, part in enumerate(lines[i].split("\t")):
                        cells.append(Cell(text=part, row=row, col=col, page=page, source=src(i, i)))
                    row += 1
                    last = i
                i += 1
            i = last + 1
            blocks.append(Table(cells=cells, source=src(start, last), spans_known=False))
            continue
        if _is_pipe_line(line):
            cells = []
            start = i
            row = col = 0
            # one cell a line with `||` closing each row (a web table copied cell by cell), or else
            # one row a line, however many cells it has
            k = i
            cell_lines = False
            while k < n and (_is_pipe_line(lines[k])
                             or (lines[k].strip() and k + 1 < n and _is_pipe_line(lines[k + 1]))):
                if _is_pipe_line(lines[k]) and set(lines[k].strip()) <= {"|"} and len(lines[k].strip()) > 1:
                    cell_lines = True
                    break
                k += 1
            pending: list[str] = []
            pending_start = i
            last = i
            while i < n:
                cur = lines[i]
                if _is_pipe_line(cur):
                    stripped = cur.strip()
                    if set(stripped) <= {"|"} and len(stripped) > 1:
                        if pending:
                            cells.append(Cell(text="\n".join(pending), row=row, col=col, source=src(pending_start, i)))
                            pending = []
                        row += 1
                        col = 0
                    elif set(stripped) <= set("|-: ") and "-" in stripped:
                        pass  # a Markdown alignment row (|---|:---:|)
                    else:
                        body = stripped[1:] if stripped.startswith("|") else cur.rstrip()
                        check_row_cells(body.count("|"), i + 1)
                        parts = body[:-1].split("|")
                        # a line of several cells is a row of its own (Markdown, or a web table copied a
                        # row a line); a line of one cell adds it to the row the next `||` line closes
                        whole_row = len(parts) > 1 or not cell_lines
                        if whole_row and col:
                            row += 1
                            col = 0
                        if not whole_row:
                            check_row_cells(col + 1, i + 1)  # one cell a line: the row the next `||` closes
                        first = True
                        for part in parts:
                            if first and pending:
                                part = "\n".join(pending + [part])
                                begin = pending_start
                                pending = []
                            else:
                                begin = i
                            first = False
                            cells.append(Cell(text=part, row=row, col=col, source=src(begin, i)))
                            col += 1
                        if whole_row:
                            row += 1
                            col = 0
                    last = i
                    i += 1
                    continue
                # a line without a pipe belongs to the table only if the next line carries one — in a
                # table copied one cell a line (a cell's text broken over lines), or when it carries a
                # pipe itself (a row broken over lines); else it is a paragraph between two tables
                if cur.strip() and i + 1 < n and _is_pipe_line(lines[i + 1]) and (cell_lines or "|" in cur):
                    if not pending:
                        pending_start = i
                    pending.append(cur)
                    i += 1
                    continue
                break
            if pending:
                cells.append(Cell(text="\n".join(pending), row=row, col=col, source=src(pending_start, last)))
            i = last + 1
            blocks.append(Table(cells=cells, source=src(start, last), spans_known=False, columns_known=False))
            continue
        if not _blank(line):
            # the compact form: a 50 MB notice has ~350,000 paragraphs (their Sources are made when asked for)
            number = i + 1  # one int object for its first and last line
            blocks.append(TextParagraph(line, name, number, number))
        i += 1
    return Layout(file=name, sha256=sha256, format="txt", encoding=encoding, blocks=blocks)
