"""Find the rubrics in a layout and turn each into a checked Rubric."""

from __future__ import annotations

from decimal import Decimal

from zhibiao.model import Finding, Layout, Paragraph, Rubric, Table

from .cleanup import ATTACHMENT_HEADING, clean
from .numbering import parse_marker
from .points import bare_points_at_end, find_points
from .stream import DEDUCTION_HEADER, NON_LEVEL_HEADERS, OWNER_HEADER, Stream, read_stream
from .tree import assign_levels, build_tree, dedupe, to_indicators
from .validate import check_rubric

__all__ = ["find_rubrics", "MIN_POINTED"]

MIN_POINTED = 3  # a candidate needs at least this many entries with points to be a rubric


def _candidates(layout: Layout) -> list[Stream]:
    blocks = layout.blocks
    streams = []
    i = 0
    while i < len(blocks):
        if isinstance(blocks[i], Table):
            streams.append(read_stream(blocks, i, i + 1, layout.file, i))
            i += 1
            continue
        j = i
        while j < len(blocks) and isinstance(blocks[j], Paragraph):
            j += 1
        # a rubric in running text starts at its first numbered paragraph with points; what comes
        # before (the notice and its own numbered sections) is not part of it
        start = next((k for k in range(i, j) if _numbered_with_points(blocks[k].text)), j)
        if start < j:
            streams.append(read_stream(blocks, start, j, layout.file, start))
        i = j
    return [s for s in streams if s.pointed >= MIN_POINTED and len({e.style for e in s.entries}) >= 2]


def _numbered_with_points(text: str) -> bool:
    text = clean(text)
    marker = parse_marker(text, 0)
    if marker is None or marker.style == "article":
        return False
    bare = bare_points_at_end(text)
    return find_points(text, marker.end) is not None or (bare is not None and bare.start >= marker.end)


def _title(layout: Layout, stream: Stream) -> str | None:
    for b in range(stream.first_block - 1, -1, -1):
        block = layout.blocks[b]
        if not isinstance(block, Paragraph):
            return None
        text = clean(block.text.lstrip("#"))
        if text and not ATTACHMENT_HEADING.match(text):
            return text
    return None


def _level_names(header: list[str], depth: int) -> list[str]:
    names = [h for h in header if h and h not in NON_LEVEL_HEADERS
             and not OWNER_HEADER.search(h) and not DEDUCTION_HEADER.search(h)]
    return names[:depth]


def find_rubrics(layout: Layout, expect_total: Decimal | None = None) -> list[Rubric]:
    """Every rubric in the layout, its tree recovered and checked (against expect_total if given)."""
    rubrics = []
    for stream in _candidates(layout):
        entries, dup_findings = dedupe(stream.entries)
        depth = assign_levels(entries)
        nodes, tree_findings = build_tree(entries, depth)
        indicators = to_indicators(nodes)
        title = _title(layout, stream)
        rubric = Rubric(title=title, level_names=_level_names(stream.header, depth), stated_total=None,
                        indicators=indicators)
        rubric.total = rubric.first_level_total()
        findings: list[Finding] = list(stream.findings) + dup_findings + tree_findings
        findings += check_rubric(rubric, expect_total)
        rubric.findings = findings
        rubrics.append(rubric)
    return rubrics
