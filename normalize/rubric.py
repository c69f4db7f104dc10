"""Find the rubrics in a layout and turn each into a checked Rubric."""

from __future__ import annotations

import re
from decimal import Decimal

from zhibiao.model import Finding, Layout, Paragraph, Rubric, Table

from .cell_lines import tables_from_lines
from .cleanup import ATTACHMENT_HEADING, NOTE_LINE, clean, clean_memo
from .columns import column_name
from .entries import CellMemo
from .grid import split_at_headers
from .numbering import parse_marker
from .points import find_points, is_rule
from .stream import DEDUCTION_HEADER, NON_LEVEL_HEADERS, OWNER_HEADER, Stream, read_region, unplaced
from .tree import assign_ranks, build_tree, dedupe, prune, to_indicators
from .validate import check_rubric

__all__ = ["find_rubrics", "regions", "MIN_POINTED"]

MIN_POINTED = 3  # a candidate needs at least this many entries with points to be a rubric,
# or two and a printed total (合计) they are checked against
_HEADING_MAX = 60  # characters: a first-level heading between a rubric's tables is short
_TITLE_MAX = 60  # characters: a rubric's name is a line, not a paragraph
_INTRO = re.compile(r"下列|如下|情形之一|以下|[：:]$")
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:印发)?\s*$")
_FORM_LINE = re.compile(r"^\s*(填报单位|填表单位|单位名称|被考核单位|考核单位|被评查单位|评查单位|联系人|填报人|"
                        r"填表人|日期|填报日期|填表日期|单位（盖章）|单位\(盖章\))")
_FORM_PART = re.compile(r"(填报单位|填表单位|被考核单位|被评查单位|考核单位|评查单位)"
                        r"\s*(?:[（(]\s*盖章\s*[)）])?\s*[：:]")
_KIND_HEADING = re.compile(r"加分|减分|扣分项|否决")


def _paragraph_kind(block) -> str | None:
    """'heading' (a numbered first-level label between tables), 'intro' (a line introducing a table), or None."""
    if not isinstance(block, Paragraph):
        return None
    text = clean(block.text)
    if not text:
        return "intro"
    marker = parse_marker(text, 0)
    if marker is not None and marker.style != "article" and len(text) <= _HEADING_MAX and "。" not in text[:-1]:
        return "heading"
    if len(text) <= 80 and _INTRO.search(text) and not NOTE_LINE.match(text):
        return "intro"
    return None


def _first_band(table: Table) -> str | None:
    """The first numbered row across the table (二、矛盾纠纷化解 over all its columns, or alone on its row, the
    rest empty): a first-level heading a sheet prints inside its one table, where a document prints it between
    tables."""
    width = max((c.col + max(1, c.col_span) for c in table.cells), default=0)
    rows: dict[int, list] = {}
    for c in table.cells:
        rows.setdefault(c.row, []).append(c)
    for r in sorted(rows):
        filled = [c for c in rows[r] if clean(c.text)]
        if len(filled) == 1 and (len(rows[r]) == 1 or filled[0].col == min(c.col for c in rows[r])
                                 or max(1, filled[0].col_span) >= max(2, width - 1)):
            text = clean(filled[0].text)
            m = parse_marker(text, 0)
            if m is not None and m.style != "article" and len(text) <= _HEADING_MAX:
                return text
    return None


def _table_run(blocks: list, i: int) -> tuple[int, int]:
    """The tables from blocks[i] on that make one rubric, with the headings printed between them."""
    stop = i + 1
    j = i + 1
    headings_between: list[int] = []
    while j < len(blocks):
        if isinstance(blocks[j], Table):
            stop = j + 1
            j += 1
            continue
        k = j
        kinds = []
        while k < len(blocks) and isinstance(blocks[k], Paragraph) and _paragraph_kind(blocks[k]) is not None:
            kinds.append(_paragraph_kind(blocks[k]))
            k += 1
        if k < len(blocks) and isinstance(blocks[k], Table) and "heading" in kinds and k - j <= 4:
            headings_between.extend(b for b in range(j, k) if _paragraph_kind(blocks[b]) == "heading")
            stop = k + 1
            j = k + 1
            continue
        break
    start = i
    band = _first_band(blocks[i])  # the next heading: a band inside the first table, or the one after it
    first = parse_marker(band, 0) if band else None
    if first is None and headings_between:
        first = parse_marker(clean(blocks[headings_between[0]].text), 0)
    if first is not None:
        b = i - 1
        while b >= 0 and _paragraph_kind(blocks[b]) == "intro" and i - b <= 3:
            b -= 1
        if b >= 0 and _paragraph_kind(blocks[b]) == "heading":
            before = parse_marker(clean(blocks[b].text), 0)
            if before is not None and first is not None and before.style == first.style \
                    and before.number + 1 == first.number:
                start = b
    return start, stop


# (numbered, pointed): the four answers as shared tuples, not one tuple a paragraph (350,000 in a large text)
_ENTRY_LIKE = (((False, False), (False, True)), ((True, False), (True, True)))


def _entry_like(block, cells: CellMemo) -> tuple[bool, bool]:
    """(numbered, pointed) for a paragraph."""
    pieces = cells.parse(block.text)
    numbered = bool(pieces) and pieces[0].marker is not None
    pointed = any(p.points is not None for p in pieces)
    return _ENTRY_LIKE[numbered][pointed]


def _paragraph_run(blocks: list, i: int, j: int, cells: CellMemo,
                   facts: list[tuple[bool, bool]] | None = None, base: int | None = None) -> tuple[int, int] | None:
    """Where a rubric printed as paragraphs lies in blocks[i:j]: from its first numbered paragraph
    with points (and the numbered headings without points right above it) to its last entry.
    ``facts``: _entry_like of blocks[base:j] when the caller has them (one pass over a run of paragraphs
    that holds several rubrics)."""
    if facts is None or base is None:
        info, origin = [_entry_like(blocks[k], cells) for k in range(i, j)], i
    else:
        info, origin = facts, base  # info[k - origin] is blocks[k]'s
    start = None
    for k in range(i, j):
        numbered, pointed = info[k - origin]
        if numbered and pointed:
            ahead = sum(1 for n, p in info[k - origin + 1: k - origin + 9] if p)
            if ahead >= 2:
                start = k
                break
    if start is None:
        return None
    first = parse_marker(clean(blocks[start].text), 0)
    assert first is not None  # start is a numbered paragraph (the loop above chose it so)
    from .numbering import STYLES
    rank = STYLES.index(first.style)
    b = start - 1
    while b >= i:
        m = parse_marker(clean(blocks[b].text), 0)
        numbered, pointed = info[b - origin]
        if m is None or m.style == "article" or pointed or STYLES.index(m.style) >= rank:
            break
        if len(clean(blocks[b].text)) > _HEADING_MAX:
            break
        rank = STYLES.index(m.style)
        start = b
        b -= 1
    top_marker = parse_marker(clean(blocks[start].text), 0)
    assert top_marker is not None  # start is still numbered: the loop above moves it only to a numbered heading
    top = top_marker.style
    stop = start + 1
    plain = 0
    k = start + 1
    while k < j:
        text = clean(blocks[k].text)
        numbered, pointed = info[k - origin]
        if NOTE_LINE.match(text) or _DATE_LINE.match(text) or ATTACHMENT_HEADING.match(text):
            break
        if numbered:
            m = parse_marker(text, 0)
            if m is not None and m.style == top and not pointed and not _KIND_HEADING.search(text):
                later = [p for _, p in info[k - origin + 1: k - origin + 6]]
                if not any(later):
                    break
            plain = 0
            stop = k + 1
        elif pointed or is_rule(text):
            plain = 0
            stop = k + 1
        else:
            plain += 1
            if plain >= 2:
                break
        k += 1
    return start, stop


def regions(layout: Layout, cells: CellMemo | None = None) -> list[tuple[int, int]]:
    """Where the rubric candidates are: (start, stop) block ranges, in document order. ``cells`` keeps
    the paragraphs as read, for reading the rubrics after."""
    blocks = layout.blocks
    cells = cells if cells is not None else CellMemo()
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(blocks):
        if isinstance(blocks[i], Table):
            start, stop = _table_run(blocks, i)
            if out and start < out[-1][1]:
                start = out[-1][1]
            out.append((start, stop))
            i = stop
            continue
        j = i
        while j < len(blocks) and isinstance(blocks[j], Paragraph):
            j += 1
        k = i
        facts = [_entry_like(blocks[b], cells) for b in range(i, j)]  # once for the whole run of paragraphs
        while k < j:
            run = _paragraph_run(blocks, k, j, cells, facts, i)
            if run is None:
                break
            out.append(run)
            k = run[1]
        i = j
    return out


def _title(layout: Layout, start: int) -> str | None:
    for b in range(start - 1, -1, -1):
        block = layout.blocks[b]
        if not isinstance(block, Paragraph):
            return None
        text = clean(block.text.lstrip("#"))
        if not text or ATTACHMENT_HEADING.match(text) or _FORM_LINE.match(text):
            continue
        form = _FORM_PART.search(text)
        if form is not None and form.start() > 0:
            text = text[:form.start()].rstrip()  # a form line (被考核单位（盖章）：…) the reader joined to the title
        pb = find_points(text)
        if pb is not None and pb.start == 0 and pb.end >= len(text.rstrip()):
            continue  # a line that only says （总分100分）
        if re.fullmatch(r"[（(【\[].*[)）】\]]", text) and len(text) <= 30:
            continue
        if "。" in text or len(text) > _TITLE_MAX:
            continue  # a sentence introducing the rubric (本细则满分100分，…。), not its name
        return text
    return None


def _header_lines(layout: Layout, start: int) -> list[str]:
    """The column names (一级指标, 二级指标, 备注) printed one a line right above a rubric of
    paragraphs: a table copied out of a web page cell by cell. Two at least, else none."""
    names: list[str] = []
    b = start - 1
    while b >= 0 and isinstance(block := layout.blocks[b], Paragraph) and column_name(block.text):
        names.insert(0, clean(block.text))
        b -= 1
    return names if len(names) >= 2 else []


def _level_names(stream: Stream, depth: int) -> list[str]:
    if stream.level_names is not None:
        return stream.level_names
    names = [h for h in stream.header if h and h not in NON_LEVEL_HEADERS
             and not OWNER_HEADER.search(h) and not DEDUCTION_HEADER.search(h)]
    return names[:depth]


def _stated_total(stream: Stream, title: str | None) -> Decimal | None:
    if stream.stated_total is not None:
        return stream.stated_total
    if title:
        pb = find_points(title)
        if pb is not None and not title[pb.end:].strip():
            return pb.points
    return None


def find_rubrics(layout: Layout, expect_total: Decimal | None = None) -> list[Rubric]:
    """Every rubric in the layout, its tree recovered and checked (against expect_total if given)."""
    with clean_memo():  # the paragraphs are cleaned in several passes
        return _find_rubrics(layout, expect_total)


def _find_rubrics(layout: Layout, expect_total: Decimal | None) -> list[Rubric]:
    rubrics = []
    layout = layout.model_copy(update={"blocks": split_at_headers(tables_from_lines(layout.blocks))})
    cells = CellMemo()
    for start, stop in regions(layout, cells):
        stream = read_region(layout.blocks, start, stop, layout.file, cells)
        if stream.pointed < MIN_POINTED and not (stream.pointed >= 2 and stream.stated_total is not None):
            continue
        entries, dup_findings = dedupe(stream.entries)
        depth = assign_ranks(entries, stream.positions)
        nodes, tree_findings = build_tree(entries, depth)
        for e in prune(nodes):
            for piece in e.origin:
                piece.used = False
        indicators = to_indicators(nodes)
        header_lines = _header_lines(layout, start)
        title = _title(layout, start - len(header_lines))
        if header_lines and stream.level_names is None and not stream.header:
            stream.header = header_lines
        rubric = Rubric(title=title, level_names=_level_names(stream, depth),
                        stated_total=_stated_total(stream, title), indicators=indicators)
        rubric.total = rubric.first_level_total()
        findings: list[Finding] = list(stream.findings) + unplaced(stream.rows) + dup_findings + tree_findings
        findings += check_rubric(rubric, expect_total)
        rubric.findings = findings
        rubric.rows_total = len(stream.rows)
        rubric.rows_placed = sum(1 for row in stream.rows if all(getattr(c, "used", True) or not clean(c.text)
                                                                  for c in row.cells))
        rubrics.append(rubric)
    return rubrics
