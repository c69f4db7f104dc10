"""Tree recovery: rank the entries' level classes, place them by layout order, or by point sums.

Every entry has a level class: its numbering style, or, for an unnumbered label, the table column
it stands in. Classes are ranked by where they stand (a heading between tables above the table's
columns, a column left of the next) and, within one position, in the order GB/T 9704 gives
numbering styles (一、 → （一） → 1. → （1） → ①). In layout order each entry goes under the nearest
entry before it of a higher rank, so one branch may be deeper than another. When the sums of that
tree do not reconcile (a scrambled PDF conversion prints labels after their items), the tree is
rebuilt from the numbering and the point sums instead.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from zhibiao.findings import finding
from zhibiao.model import Finding, Indicator, IndicatorKind

from .cleanup import clean, squash
from .docnum import find_all
from .entries import Entry
from .numbering import STYLES
from .points import parse_deduction, single_rule

__all__ = ["Node", "dedupe", "assign_ranks", "build_by_order", "build_by_sums", "build_tree", "to_indicators",
           "assign_kinds", "prune"]

_VETO = re.compile(r"一票否决|否决项|否决指标|实行否决|予以否决|直接(?:评定|认定|判定|确定)为不合格|评为不合格|"
                   r"定为不合格案卷|为不合格|基本标准|不得评为|取消.{0,10}资格")
_BONUS_HEAD = re.compile(r"^加分|加分项|奖励加分|附加分|加分指标|加分事项|加分因素")
_DEDUCT_HEAD = re.compile(r"减分项|扣分项|^减分|^扣分|减分事项|扣分事项|倒扣|减分因素|扣分因素")
_BONUS_SENTENCE = re.compile(r"加\s*\d+(?:\.\d+)?\s*分")
_DEDUCT_SENTENCE = re.compile(r"减\s*\d+(?:\.\d+)?\s*分")
_DEDUCT_ANY = re.compile(r"[扣减]\s*(?:除)?\s*\d+(?:\.\d+)?\s*分")


@dataclass
class Node:
    """A tree node: a printed entry, or a placeholder for a label the source does not print."""

    entry: Entry | None
    number: int | None
    points: Decimal | None
    children: list[Node] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)  # leaf interval, for the sum-based recovery
    kind: IndicatorKind = "scored"

    @property
    def placeholder(self) -> bool:
        return self.entry is None or self.entry.placeholder


def dedupe(entries: list[Entry]) -> tuple[list[Entry], list[Finding]]:
    """Drop entries printed again verbatim (page-header repeats, a block printed twice) and report them."""
    seen: dict[tuple, Entry] = {}
    latest: dict[object, Entry] = {}
    open_classes: list[object] = []  # the classes of ``latest`` by rank: each new class is the deepest open one
    rank: dict[object, int] = {}
    kept: list[Entry] = []
    findings: list[Finding] = []
    for e in entries:
        if e.placeholder:
            kept.append(e)
            continue
        k = e.key()
        cls = e.style if e.style is not None else e.klass
        if cls not in rank:
            rank[cls] = len(rank)
        while open_classes and rank[open_classes[-1]] > rank[cls]:
            del latest[open_classes.pop()]  # a new parent closes the lists below it (a stack: no scan of them all)
        current = latest.get(cls)
        if (e.style is not None and k not in seen and current is not None and current.number == e.number
                and e.points is not None and current.points == e.points):
            # a label repeated at the top of a page in other words: still the same label
            findings.append(finding("repeated_label_differs", source=e.source, marker=e.marker, text=e.text[:40],
                                    first_text=current.text[:40], first_source=current.source))
            continue
        if cls not in latest:
            open_classes.append(cls)
        latest[cls] = e
        if k in seen and (e.style is not None or e.points is not None):
            first = seen[k]
            findings.append(finding("duplicate_dropped", source=e.source, label=f"{e.marker or ''}{e.text[:30]}",
                                    first_source=first.source))
            continue
        seen[k] = e
        kept.append(e)
    return kept, findings


def _continue_lists(entries: list[Entry]) -> None:
    """An entry that continues the previous entry's list in another style (（1）（2）（3）（四）) stays in that
    list when its own style's list does not expect it."""
    last_of_style: dict[str, int] = {}
    prev: Entry | None = None
    for e in entries:
        if e.placeholder:
            prev = None
            continue
        if (prev is not None and e.style is not None and prev.style is not None and prev.style != e.style
                and e.number is not None and prev.number is not None and e.number > 1
                and e.number == prev.number + 1 and last_of_style.get(e.style, 0) + 1 != e.number
                and e.cell[0] == prev.cell[0] and prev.klass is not None):
            e.klass = prev.klass
        if e.style is not None and e.number is not None:
            last_of_style[e.style] = e.number
        prev = e


def assign_ranks(entries: list[Entry], positions: dict[int, float]) -> int:
    """Give each entry a rank (0 = top) and a level (rank + 1); return the number of ranks."""
    for e in entries:
        if e.klass is None and e.style is not None:
            e.klass = e.style
    _split_styles(entries, positions)
    _continue_lists(entries)
    by_column: dict[int, list[object]] = {}
    for e in entries:
        if not e.placeholder and e.column is not None and e.klass is not None and not e.heading:
            by_column.setdefault(e.column, []).append(e.klass)
    for e in entries:
        if e.placeholder:
            seen = by_column.get(e.column, []) if e.column is not None else []
            # the column's most common class, a tie to the one seen first (a set's order of strings changes
            # with the hash seed: the same file gave two trees in two processes)
            e.klass = Counter(seen).most_common(1)[0][0] if seen else ("col", e.column)
            positions.setdefault(id(e), float(e.column or 0))
    where: dict[object, list[float]] = {}
    for e in entries:
        where.setdefault(e.klass, []).append(positions.get(id(e), 0.0))
    pos = {k: statistics.median(v) for k, v in where.items()}

    def style_of(k) -> str | None:
        if isinstance(k, str):
            return k
        return k[1] if isinstance(k, tuple) and k[0] == "style" else None

    numbered = [k for k in pos if style_of(k) is not None]
    group: dict[object, tuple] = {k: (pos[k], STYLES.index(style_of(k))) for k in numbered}
    for k in pos:
        if k in group or k == ("para",):
            continue
        same = [n for n in numbered if abs(pos[n] - pos[k]) < 0.25]
        if same and not (isinstance(k, tuple) and k[0] == "lead"):  # a str class is never ("lead", …)
            # an unnumbered label stands level with the highest numbered class where it stands
            group[k] = group[min(same, key=lambda n: group[n][1])]
        else:
            group[k] = (pos[k], -1)
    if ("para",) in pos:
        group[("para",)] = min(group.values(), default=(0.0, -1))
    final = group
    dense = {v: i for i, v in enumerate(sorted(set(final.values())))}
    for e in entries:
        e.rank = dense[final[e.klass]]
        e.level = e.rank + 1
    return len(dense)


def _split_styles(entries: list[Entry], positions: dict[int, float]) -> None:
    """A numbering style printed at two levels (a label column and the column of its items both
    numbered 1.) is two classes: one per column."""
    per_row: dict[tuple, dict[str, dict[int, list[int]]]] = {}
    for e in entries:
        if e.style is not None and e.column is not None and not e.heading and isinstance(e.klass, str):
            assert e.number is not None  # a style comes from a printed number (numbering.Marker): both or neither
            per_row.setdefault(e.cell[:2], {}).setdefault(e.style, {}).setdefault(e.column, []).append(e.number)
    votes: dict[str, int] = {}
    for styles in per_row.values():
        for style, cols in styles.items():
            ordered = sorted(cols)
            for a, b in zip(ordered, ordered[1:]):
                # the column to the right numbers on from the left one: one list cut by the layout;
                # it starts again: a list of the items under the label on its left
                votes[style] = votes.get(style, 0) + (-1 if cols[b][0] == cols[a][-1] + 1 else 1)
    split = {s for s, v in votes.items() if v > 0}
    for e in entries:
        if e.style in split and e.column is not None and isinstance(e.klass, str):
            e.klass = ("style", e.style, e.column)
            positions[id(e)] = float(e.column)


def build_by_order(entries: list[Entry]) -> list[Node]:
    """Each entry goes under the nearest entry before it of a higher rank (the layout's own order)."""
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []
    for e in entries:
        node = Node(e, e.number, e.points)
        while stack and stack[-1][0] >= e.rank:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((e.rank, node))
    return roots


def _effective(n: Node) -> Decimal | None:
    """Points as printed, else the sum of the scored children when every one of them has points."""
    if n.points is not None:
        return n.points
    scored = [c for c in n.children if c.kind == "scored"]
    if not scored:
        return None
    values = [_effective(c) for c in scored]
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def _mismatches(roots: list[Node]) -> int:
    bad = 0
    stack = list(roots)
    while stack:
        n = stack.pop()
        if n.children:
            scored = [c for c in n.children if c.kind == "scored"]
            if n.points is not None and n.kind == "scored" and scored:
                values = [_effective(c) for c in scored]
                known = [v for v in values if v is not None]
                if len(known) == len(values) and sum(known, Decimal(0)) != n.points:
                    bad += 1
            stack.extend(n.children)
    return bad


def _kind_of(n: Node) -> IndicatorKind | None:
    """The kind an indicator's own words give it: a 加分项/减分项/一票否决 heading, or such an item."""
    e = n.entry
    if e is None or e.placeholder:
        return None
    if not n.children and e.points is not None:
        return None  # an item with its points: its words give it no kind (both tests below need one or the other)
    text = squash(e.raw) + "".join(squash(t) for t in e.notes)
    if n.children or e.points is None:
        if _VETO.search(text) and (n.children or e.points is None):
            return "veto"
        if _BONUS_HEAD.search(text):
            return "bonus"
        if _DEDUCT_HEAD.search(text):
            return "deduction"
    if not n.children and e.points is None and not e.criteria:
        if _BONUS_SENTENCE.search(text) and not _DEDUCT_ANY.search(text):
            return "bonus"
        if _DEDUCT_SENTENCE.search(text) or _DEDUCT_ANY.search(text):
            return "deduction"
    return None


def assign_kinds(nodes: list[Node], inherited: IndicatorKind = "scored") -> None:
    """Scored, deduction, bonus or veto: from the indicator's own words, or from the heading it stands under."""
    for n in nodes:
        kind = inherited
        if kind == "scored":
            kind = _kind_of(n) or "scored"
        n.kind = kind
        assign_kinds(n.children, kind)


def prune(nodes: list[Node]) -> list[Entry]:
    """Take out what reads as a label but is none: an unnumbered line without points, children or rule
    (a form's 最终得分 / 考核人员签字 row, a 抄送 line printed inside the table). Returns their entries."""
    dropped: list[Entry] = []
    kept: list[Node] = []
    for n in nodes:
        if n.children:
            dropped.extend(prune(n.children))
        e = n.entry
        if (not n.children and e is not None and not e.placeholder and e.style is None and e.points is None
                and not e.criteria and n.kind == "scored"):
            dropped.append(e)
            continue
        kept.append(n)
    nodes[:] = kept  # in place, one pass (list.remove would compare node by node: quadratic)
    return dropped


def _strong(leaves: list[Entry], j: int) -> bool:
    """Layout evidence that leaves j-1 and j belong to different groups: they sit in different cells,
    and the second cell is not the top of a new page (where a cell cut by the page break goes on);
    paragraphs, where the blank lines between them say an empty cell stood there."""
    a, b = leaves[j - 1], leaves[j]
    if a.paragraph or b.paragraph:
        return b.gap_before  # paragraphs show no cells: only an empty line where a cell was
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


def _partition(parent: Node, labels: list[Entry], leaves: list[Entry], allow_trailing: bool,
               order: dict[int, int] | None = None) -> list[Node]:
    """Split the parent's leaf interval among its labelled children and placeholders for missing ones."""
    start, stop = parent.span
    slots: list[Entry | int] = []
    expect = 1
    for e in labels:
        number = _number(e, order)
        slots.extend(range(expect, number))  # numbers with no printed label
        slots.append(e)
        expect = number + 1

    def ends(i: int, pos: int) -> Iterator[int]:
        """Where slot i, starting at leaf pos, may end, in the order they are tried: a label ends where
        its points are reached; a missing label first at a layout cut, then anywhere."""
        slot = slots[i]
        if isinstance(slot, Entry):
            if slot.points is not None:
                end = _consume(leaves, pos, stop, slot.points)
                if end is not None:
                    yield end
            return
        strong = [j for j in range(pos + 1, stop) if _strong(leaves, j)]
        yield from strong
        cut = set(strong)
        yield from (j for j in range(pos + 1, stop + 1) if j not in cut)

    def solve(first: int) -> tuple[list[tuple[int, int]], int] | None:
        """The first assignment of slots to runs of leaves, depth first in the order `ends` gives;
        a (slot, start) that failed once is not searched again (it fails the same way)."""
        failed: set[tuple[int, int]] = set()
        frames: list[tuple[int, int, Iterator[int]]] = []
        chosen: list[int] = []
        i, pos = 0, first
        while True:
            if i == len(slots):
                return [(f[1], end) for f, end in zip(frames, chosen)], pos
            if (i, pos) not in failed:
                frames.append((i, pos, ends(i, pos)))
                chosen.append(pos)
            while frames:
                fi, fpos, it = frames[-1]
                end = next(it, None)
                if end is not None:
                    chosen[-1] = end
                    i, pos = fi + 1, end
                    break
                frames.pop()
                chosen.pop()
                failed.add((fi, fpos))
            else:
                return None

    solved = solve(start)
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


def _number(e: Entry, order: dict[int, int] | None = None) -> int:
    """The number of an entry the sum-based recovery places (order: the unnumbered first-level labels'
    places): build_by_sums gives up when any has none."""
    if e.number is None and order:
        return order[id(e)]
    assert e.number is not None
    return e.number


def _restart_lists(labels: list[Entry], order: dict[int, int] | None = None) -> list[list[Entry]]:
    lists: list[list[Entry]] = []
    for e in labels:
        if not lists or _number(e, order) <= _number(lists[-1][-1], order):
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
    entries = [e for e in entries if not e.placeholder]
    leaves = [e for e in entries if e.level == depth]
    # first-level labels printed without numbers (merged 考核项目 cells) are numbered by their order
    top = [e for e in entries if e.level == 1]
    order = {id(e): k + 1 for k, e in enumerate(top)} if depth > 1 and all(e.number is None for e in top) else {}
    if depth < 2 or any(e.points is None for e in leaves) \
            or any(e.number is None and id(e) not in order for e in entries):
        return None
    root = Node(None, 0, None, span=(0, len(leaves)))
    parents = [root]
    for level in range(1, depth):
        lists = _restart_lists([e for e in entries if e.level == level], order)
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
            kids = _partition(p, labels, leaves, allow_trailing=p is not root, order=order)
            if not kids:
                return None
            for k in kids:
                if k.placeholder:
                    # every leaf has points here: build_by_sums gave up otherwise
                    start, stop = k.span
                    k.points = sum((e.points for e in leaves[start:stop] if e.points is not None), Decimal(0))
            p.children = kids
            nxt.extend(kids)
        if li != len(lists):
            return None
        parents = nxt
    for p in parents:
        p.children = [Node(leaves[j], leaves[j].number, leaves[j].points) for j in range(*p.span)]
    return root.children


def _attach_tail(item: Node | None, tail: list[Entry]) -> None:
    """The sub-items printed inside an item's cell become its children, in layout order."""
    if item is not None and tail:
        item.children.extend(build_by_order(tail))


def _by_sums_with_tails(entries: list[Entry], depth: int) -> list[Node] | None:
    """build_by_sums on the deepest level whose entries all print points (the items); entries below
    that level (sub-items printed inside their item's cell) follow their item in layout order."""
    entries = [e for e in entries if not e.placeholder]
    for backbone in range(depth, 1, -1):
        items = [e for e in entries if e.level == backbone]
        if not items or any(e.points is None for e in items):
            continue
        if backbone == depth:
            return build_by_sums(entries, depth)
        core = [e for e in entries if e.level <= backbone]
        tree = build_by_sums(core, backbone)
        if tree is None:
            return None
        owner: dict[int, Node] = {}
        stack = list(tree)
        while stack:
            n = stack.pop()
            if n.entry is not None:
                owner[id(n.entry)] = n
            stack.extend(n.children)
        current: Node | None = None
        tail: list[Entry] = []
        for e in entries:
            if e.level <= backbone:
                _attach_tail(current, tail)
                tail = []
                current = owner.get(id(e)) if e.level == backbone else current
            else:
                tail.append(e)
        _attach_tail(current, tail)
        return tree
    return None


def build_tree(entries: list[Entry], depth: int) -> tuple[list[Node], list[Finding]]:
    """Use the layout order when its sums reconcile; otherwise recover the tree from the sums."""
    roots = build_by_order(entries)
    assign_kinds(roots)
    if _mismatches(roots) == 0:
        return roots, []
    recovered = _by_sums_with_tails(entries, depth)
    if recovered is not None:
        assign_kinds(recovered)
        if _mismatches(recovered) == 0:
            note = finding("tree_from_sums")
            return recovered, [note]
    return roots, []


def _criteria(e: Entry) -> str | None:
    parts = [clean(t) for t in e.criteria if clean(t)]
    return "\n".join(parts) if parts else None


def to_indicators(nodes: list[Node], prefix: str = "", level: int = 1) -> list[Indicator]:
    """Turn nodes into Indicators with dotted ids; placeholders get flags and summed points."""
    out = []
    for position, n in enumerate(nodes, start=1):
        number = n.number if n.number is not None else position
        if n.placeholder and (n.entry is not None):
            number = position
        ident = f"{prefix}{number}"
        children = to_indicators(n.children, ident + ".", level + 1)
        scored = [c for c in children if c.kind == "scored"]
        summed = (sum((c.points for c in scored if c.points is not None), Decimal(0))
                  if scored and all(c.points is not None for c in scored) else None)
        if n.placeholder:
            pts = summed if children else n.points
            out.append(Indicator(id=ident, level=level, marker=None, number=number, text="", points=pts,
                                 kind=n.kind, children=children, flags=["label_missing", "inferred_from_sum"],
                                 source=n.entry.source if n.entry is not None else None))
            continue
        e = n.entry
        assert e is not None  # not a placeholder
        flags: list[str] = []
        if e.number is None:
            flags.append("number_from_position")
        points = e.points
        criteria = _criteria(e)
        rule_text = criteria
        if rule_text is None and n.kind in ("deduction", "bonus") and not children:
            rule_text = e.text
        deduction = parse_deduction(rule_text) if rule_text and single_rule(rule_text) else None
        if points is None and children and summed is not None and n.kind == "scored":
            points = summed
            flags.append("inferred_from_sum")
        if points is not None and e.points is not None:
            if e.points_in_text and not e.unit_printed:
                flags.append("points_unit_missing")
            if e.points_in_text and not e.bracketed:
                flags.append("points_unbracketed")
            if e.low is not None:
                flags.append("points_range")
        if (points is None and deduction is not None and not children and n.kind == "scored"
                and deduction.maximum() is not None):
            points = deduction.maximum()
            flags.append("points_from_deduction")
        refs = list(e.refs)
        for r in find_all(e.text):
            if r not in refs:
                refs.append(r)
        out.append(Indicator(
            id=ident, level=level, marker=e.marker, number=number, text=e.text, points=points, kind=n.kind,
            deduction=deduction, criteria=criteria, notes=[clean(t) for t in e.notes if clean(t)],
            refs=refs, owner=e.owner if not children else None, source=e.source, flags=flags,
            children=children))
    return out
