"""Tree recovery: place stream entries under their parents by layout order, or by point sums."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from zhibiao.model import Finding, Indicator

from .docnum import find_all
from .numbering import STYLES
from .stream import Entry

__all__ = ["Node", "dedupe", "assign_levels", "build_by_order", "build_by_sums", "build_tree", "to_indicators"]


@dataclass
class Node:
    """A tree node: a printed entry, or a placeholder for a label the source does not print."""

    entry: Entry | None
    number: int
    points: Decimal | None
    children: list["Node"] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)  # leaf interval, for the sum-based recovery

    @property
    def placeholder(self) -> bool:
        return self.entry is None


def dedupe(entries: list[Entry]) -> tuple[list[Entry], list[Finding]]:
    """Drop entries printed again verbatim (page-header repeats, a block printed twice) and report them."""
    seen: dict[tuple, Entry] = {}
    latest: dict[str, Entry] = {}
    rank: dict[str, int] = {}
    kept: list[Entry] = []
    findings: list[Finding] = []
    for e in entries:
        k = e.key()
        if e.style not in rank:
            rank[e.style] = len(rank)
        for style in [s for s in latest if rank[s] > rank[e.style]]:
            del latest[style]  # a new parent closes the lists below it
        current = latest.get(e.style)
        if (k not in seen and current is not None and current.number == e.number
                and e.points is not None and current.points == e.points):
            # a label repeated at the top of a page in other words: still the same label
            findings.append(Finding(
                severity="warning", code="repeated_label_differs",
                message=f"{e.marker} repeated at {e.source.label()} as {e.text[:40]!r}; "
                        f"kept the first printing {current.text[:40]!r} ({current.source.label()})",
                source=e.source))
            continue
        latest[e.style] = e
        if k in seen:
            first = seen[k]
            findings.append(Finding(
                severity="info", code="duplicate_dropped",
                message=f"{e.marker}{e.text[:30]} printed again at {e.source.label()}; kept {first.source.label()}",
                source=e.source))
            continue
        seen[k] = e
        kept.append(e)
    return kept, findings


def assign_levels(entries: list[Entry]) -> int:
    """Give each entry a level and return the depth.

    Styles nest as GB/T 9704 prescribes for official documents (一、 → （一） → 1. → （1） → ①), so a
    scrambled layout that prints items before their labels still gets the right levels; styles
    that do not occur are skipped. An entry that continues the previous entry's list in another
    style (（1）（2）（3）（四）) stays in that list when its own style's list does not expect it.
    """
    present = sorted({e.style for e in entries}, key=STYLES.index)
    level_of = {style: i + 1 for i, style in enumerate(present)}
    last_of_style: dict[str, int] = {}
    prev: Entry | None = None
    for e in entries:
        level = level_of[e.style]
        if (prev is not None and prev.style != e.style and e.number > 1 and e.number == prev.number + 1
                and last_of_style.get(e.style, 0) + 1 != e.number):
            level = prev.level
        e.level = level
        last_of_style[e.style] = e.number
        prev = e
    return len(present)


def _sum(nodes) -> Decimal:
    return sum((n.points or Decimal(0) for n in nodes), Decimal(0))


def _mismatches(roots: list[Node]) -> int:
    bad = 0
    stack = list(roots)
    while stack:
        n = stack.pop()
        if n.children:
            if n.points is not None and all(c.points is not None for c in n.children) and _sum(n.children) != n.points:
                bad += 1
            stack.extend(n.children)
    return bad


def build_by_order(entries: list[Entry]) -> tuple[list[Node], list[Finding]]:
    """Each entry goes under the nearest preceding entry one level up (the layout's own order)."""
    roots: list[Node] = []
    open_at: dict[int, Node] = {}
    findings: list[Finding] = []
    for e in entries:
        node = Node(e, e.number, e.points)
        if e.level == 1:
            roots.append(node)
        elif e.level - 1 in open_at:
            open_at[e.level - 1].children.append(node)
        else:
            findings.append(Finding(severity="error", code="orphan",
                                    message=f"{e.marker}{e.text[:30]} has no parent at level {e.level - 1}",
                                    source=e.source))
            continue
        open_at[e.level] = node
        for deeper in [lv for lv in open_at if lv > e.level]:
            del open_at[deeper]
    return roots, findings


def _strong(leaves: list[Entry], j: int) -> bool:
    """Layout evidence that leaves j-1 and j belong to different groups: they sit in different cells,
    and the second cell is not the top of a new page (where a cell cut by the page break goes on)."""
    a, b = leaves[j - 1], leaves[j]
    if a.cell == b.cell:
        return False
    if a.cell[:2] == b.cell[:2]:
        return True  # other cells of one row
    return not b.page_top


def _consume(leaves: list[Entry], pos: int, stop: int, target: Decimal) -> int | None:
    total = Decimal(0)
    for j in range(pos, stop):
        total += leaves[j].points or Decimal(0)
        if total == target:
            return j + 1
        if total > target:
            return None
    return None


def _split(leaves: list[Entry], a: int, b: int) -> list[tuple[int, int]]:
    cuts = [j for j in range(a + 1, b) if _strong(leaves, j)]
    bounds = [a] + cuts + [b]
    return list(zip(bounds, bounds[1:]))


def _partition(parent: Node, labels: list[Entry], leaves: list[Entry], allow_trailing: bool) -> list[Node]:
    """Split the parent's leaf interval among its labelled children and placeholders for missing ones."""
    start, stop = parent.span
    slots: list[Entry | int] = []
    expect = 1
    for e in labels:
        slots.extend(range(expect, e.number))  # numbers with no printed label
        slots.append(e)
        expect = e.number + 1

    def solve(i: int, pos: int):
        if i == len(slots):
            return [], pos
        slot = slots[i]
        if isinstance(slot, Entry):
            if slot.points is None:
                return None
            end = _consume(leaves, pos, stop, slot.points)
            if end is None:
                return None
            rest = solve(i + 1, end)
            return None if rest is None else ([(pos, end)] + rest[0], rest[1])
        order = sorted(range(pos + 1, stop + 1), key=lambda j: (not (j < stop and _strong(leaves, j)), j))
        for end in order:
            rest = solve(i + 1, end)
            if rest is not None:
                return [(pos, end)] + rest[0], rest[1]
        return None

    solved = solve(0, start)
    if solved is None:
        return []
    spans, pos = solved
    kids: list[Node] = []
    for slot, span in zip(slots, spans):
        if isinstance(slot, Entry):
            kids.append(Node(slot, slot.number, slot.points, span=span))
        else:
            kids.append(Node(None, slot, None, span=span))
    if pos < stop:
        if not allow_trailing:
            return []
        for span in _split(leaves, pos, stop):
            kids.append(Node(None, expect, None, span=span))
            expect += 1
    return kids


def _restart_lists(labels: list[Entry]) -> list[list[Entry]]:
    lists: list[list[Entry]] = []
    for e in labels:
        if not lists or e.number <= lists[-1][-1].number:
            lists.append([e])
        else:
            lists[-1].append(e)
    return lists


def build_by_sums(entries: list[Entry], depth: int) -> list[Node] | None:
    """Rebuild a scrambled tree from numbering order and point sums; None when the sums cannot place it.

    The deepest level (the items) is the backbone, in printed order. Each level's labels, grouped
    into lists where their numbering restarts, are handed to the parents one level up in order, and
    each label takes the run of items whose points add up to its own. A parent whose labels fall
    short gets placeholders (label not printed) for the remaining run, split where the layout puts
    the items in different cells of one row.
    """
    leaves = [e for e in entries if e.level == depth]
    if depth < 2 or any(e.points is None for e in leaves):
        return None
    root = Node(None, 0, None, span=(0, len(leaves)))
    parents = [root]
    for level in range(1, depth):
        lists = _restart_lists([e for e in entries if e.level == level])
        if level == 1:
            lists = [[e for lst in lists for e in lst]]
        nxt: list[Node] = []
        li = 0
        for p in parents:
            labels: list[Entry] = []
            if li < len(lists):
                cand = lists[li]
                total = sum((e.points or Decimal(0) for e in cand), Decimal(0))
                if p.points is None or total <= p.points:
                    labels = cand
                    li += 1
            kids = _partition(p, labels, leaves, allow_trailing=p is not root)
            if not kids:
                return None
            for k in kids:
                if k.placeholder:
                    k.points = sum((leaves[j].points for j in range(*k.span)), Decimal(0))
            p.children = kids
            nxt.extend(kids)
        if li != len(lists):
            return None
        parents = nxt
    for p in parents:
        p.children = [Node(leaves[j], leaves[j].number, leaves[j].points) for j in range(*p.span)]
    return root.children


def build_tree(entries: list[Entry], depth: int) -> tuple[list[Node], list[Finding]]:
    """Use the layout order when its sums reconcile; otherwise recover the tree from the sums."""
    roots, findings = build_by_order(entries)
    if not findings and _mismatches(roots) == 0:
        return roots, []
    recovered = build_by_sums(entries, depth)
    if recovered is not None and _mismatches(recovered) == 0:
        note = Finding(severity="info", code="tree_from_sums",
                       message="in layout order the sums do not reconcile (labels printed out of order, or missing); "
                               "the tree was recovered from numbering and point sums")
        return recovered, [note]
    return roots, findings


def to_indicators(nodes: list[Node], prefix: str = "", level: int = 1) -> list[Indicator]:
    """Turn nodes into Indicators with dotted ids; placeholders get flags and summed points."""
    out = []
    for n in nodes:
        ident = f"{prefix}{n.number}"
        children = to_indicators(n.children, ident + ".", level + 1)
        flags: list[str] = []
        if n.entry is None:
            flags = ["label_missing", "inferred_from_sum"]
            pts = sum((c.points or Decimal(0) for c in children), Decimal(0)) if children else n.points
            out.append(Indicator(id=ident, level=level, marker=None, number=n.number, text="",
                                 points=pts, children=children, flags=flags))
            continue
        e = n.entry
        points = e.points
        if points is not None and not e.unit_printed:
            flags.append("points_unit_missing")
        if points is not None and not e.bracketed:
            flags.append("points_unbracketed")
        if points is None and e.deduction is not None and not children and e.deduction.maximum() is not None:
            points = e.deduction.maximum()
            flags.append("points_from_deduction")
        refs = list(e.refs)
        for r in find_all(e.text):
            if r not in refs:
                refs.append(r)
        out.append(Indicator(
            id=ident, level=level, marker=e.marker, number=e.number, text=e.text, points=points,
            deduction=e.deduction,
            refs=refs, owner=e.owner if not children else None, source=e.source, flags=flags,
            children=children))
    return out

