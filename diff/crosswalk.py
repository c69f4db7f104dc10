"""Crosswalk: old catalogue x new catalogue -> links with kinds, changes and evidence, plus area flows."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from zhibiao.model import (
    AreaFlow,
    AreaStatus,
    Catalogue,
    ChangeKind,
    Crosswalk,
    CrosswalkSide,
    Evidence,
    Link,
    LinkKind,
    Rubric,
    Side,
    dec_str,
)
from zhibiao.normalize.cleanup import squash

from .match import Item, leaves, link_groups, main_rubric, match
from .text import normal, number_changes, word_diff

__all__ = ["crosswalk", "rebuild"]


def _side(cat: Catalogue, rubric: Rubric) -> CrosswalkSide:
    return CrosswalkSide(doc_number=cat.document.doc_number, title=rubric.title, source_file=cat.document.source_file,
                         sha256=cat.document.sha256, total=rubric.total)


def _components(pairs: list[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Connected components of the bipartite link graph, as (old indices, new indices)."""
    groups = {id(g): g for g in link_groups(pairs).values()}  # each group once, in the order first met
    return [(sorted(o), sorted(n)) for o, n in groups.values()]


def _kind(n_old: int, n_new: int) -> LinkKind:
    if n_old == 1 and n_new == 1:
        return "one_to_one"
    if n_old == 1:
        return "split"
    if n_new == 1:
        return "merge"
    return "many_to_many"


def _sum(items: list[Item]) -> Decimal | None:
    if any(i.points is None for i in items):
        return None
    return sum((i.points for i in items if i.points is not None), Decimal(0))  # none is None (checked above)


def _parents_map(old: list[Item], new: list[Item], pairs: list[tuple[int, int]]) -> dict[str, str]:
    """Each old parent's counterpart: the new parent that receives most of its linked requirements."""
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r, c in pairs:
        votes[old[r].parent][new[c].parent] += 1
    return {p: max(v, key=lambda k: (v[k], k)) for p, v in votes.items()}


def _link(old: list[Item], new: list[Item], rows: list[int], cols: list[int], score, counterpart) -> Link:
    o = [old[r] for r in rows]
    n = [new[c] for c in cols]
    old_text = "".join(i.text for i in o)
    new_text = "".join(i.text for i in n)
    old_points, new_points = _sum(o), _sum(n)
    numbers = number_changes(old_text, new_text)
    changes: list[ChangeKind] = []
    if squash(old_text) != squash(new_text):  # any printed difference but spacing, punctuation included
        changes.append("text")
    if old_points != new_points:
        changes.append("points")
    if any(counterpart.get(i.parent) not in {j.parent for j in n} for i in o):
        changes.append("parent")
    if numbers:
        changes.append("numbers")
    best = max(float(score[r, c]) for r in rows for c in cols)  # dense array or sparse candidates
    return Link(old=[i.id for i in o], new=[i.id for i in n], kind=_kind(len(o), len(n)), changes=changes,
                score=round(min(1.0, max(0.0, best)), 4),
                evidence=Evidence(old_points=old_points, new_points=new_points, numbers=numbers,
                                  text_diff=word_diff(old_text, new_text)))


def _areas(side: Side, rubric: Rubric, level: int, items: list[Item], other_rubric: Rubric,
           partner_of: dict[str, list[str]], other_items: dict[str, Item]) -> list[AreaFlow]:
    """Where each indicator of a level sends (old side) or gets (new side) its requirements."""
    def ancestor(ident: str) -> str:
        return ".".join(ident.split(".")[:level])

    others = {i.id: i for i in other_rubric.walk() if i.level == level}
    flows = []
    for ind in (i for i in rubric.walk() if i.level == level):
        mine = [it for it in items if ancestor(it.id) == ind.id]
        weight = {it.id: (it.points or Decimal(1)) for it in mine}
        total = sum(weight.values(), Decimal(0)) or Decimal(1)
        to: dict[str, Decimal] = defaultdict(Decimal)
        linked = Decimal(0)
        for it in mine:
            partners = partner_of.get(it.id, [])
            if partners:
                linked += weight[it.id]
                for p in partners:
                    to[ancestor(p)] += weight[it.id] / len(partners)
        counterpart = max(to, key=lambda k: (to[k], k)) if to else None
        share = float(to[counterpart] / total) if counterpart else 0.0
        status: AreaStatus
        if not counterpart or linked / total < Decimal("0.5"):
            status = "dropped" if side == "old" else "new"
        else:
            same = normal(ind.text) == normal(others[counterpart].text) if counterpart in others else False
            status = "continued" if same else "renamed"
        other = others.get(counterpart) if counterpart else None
        flows.append(AreaFlow(level=level, side=side, id=ind.id, title=ind.text, points=ind.points, status=status,
                              counterpart=counterpart, counterpart_title=other.text if other else None,
                              counterpart_points=other.points if other else None, share=round(share, 4)))
    return flows


def _owners(rubric: Rubric) -> list[str]:
    return sorted({i.owner for i in rubric.walk() if i.owner})


def _summary(cw: Crosswalk, old_rubric: Rubric, new_rubric: Rubric) -> list[str]:
    kinds: dict[str, int] = defaultdict(int)
    for link in cw.links:
        kinds[link.kind] += 1
    stricter = sum(1 for link in cw.links for n in link.evidence.numbers if n.direction == "stricter")
    looser = sum(1 for link in cw.links for n in link.evidence.numbers if n.direction == "looser")
    lines = [f"{len(cw.links)} links ({kinds['one_to_one']} one-to-one, {kinds['split']} split, "
             f"{kinds['merge']} merge, {kinds['many_to_many']} many-to-many); {len(cw.removed)} removed; "
             f"{len(cw.added)} added; thresholds: {stricter} stricter, {looser} looser"]
    first_new = [a for a in cw.areas if a.level == 1 and a.side == "new"]
    first_old = [a for a in cw.areas if a.level == 1 and a.side == "old"]

    def pts(p):
        return dec_str(p) if p is not None else "?"

    new_areas = [f"{a.title} ({pts(a.points)})" for a in first_new if a.status == "new"]
    if new_areas:
        lines.append("new first-level areas: " + "; ".join(new_areas))
    dropped = [f"{a.title} ({pts(a.points)})" for a in first_old if a.status == "dropped"]
    if dropped:
        lines.append("dropped first-level areas: " + "; ".join(dropped))
    for a in first_old:
        if a.status in ("continued", "renamed"):
            move = f"{a.title} {pts(a.points)} → {a.counterpart_title} {pts(a.counterpart_points)}"
            if a.points is not None and a.counterpart_points is not None and a.points != a.counterpart_points:
                sign = '+' if a.counterpart_points > a.points else '−'
                move += f" ({sign}{pts(abs(a.counterpart_points - a.points))})"
            lines.append(("renamed: " if a.status == "renamed" else "continued: ") + move)
    renamed = [a for a in cw.areas if a.level > 1 and a.side == "old" and a.status == "renamed"]
    if renamed:
        lines.append(f"{len(renamed)} lower-level label(s) reworded: " + "; ".join(f"{a.id} → {a.counterpart}"
                                                                             for a in renamed[:12])
                     + (" …" if len(renamed) > 12 else ""))
    old_owners, new_owners = _owners(old_rubric), _owners(new_rubric)
    if new_owners and not old_owners:
        items = sum(1 for i in new_rubric.walk() if i.owner)
        lines.append(f"the new version adds an owner (责任科室) column: {items} items, {len(new_owners)} units")
    elif old_owners and not new_owners:
        lines.append("the new version drops the owner (责任科室) column")
    return lines


def crosswalk(old_cat: Catalogue, new_cat: Catalogue) -> Crosswalk:
    """Link every leaf requirement of the old catalogue's main rubric to its successors in the new one."""
    old_rubric, new_rubric = main_rubric(old_cat), main_rubric(new_cat)
    old, new = leaves(old_rubric), leaves(new_rubric)
    pairs, score = match(old, new)
    counterpart = _parents_map(old, new, pairs)
    links = [_link(old, new, rows, cols, score, counterpart) for rows, cols in _components(pairs)]
    return _assemble(old_cat, new_cat, old, new, links)


def _assemble(old_cat: Catalogue, new_cat: Catalogue, old: list[Item], new: list[Item], links: list[Link]) -> Crosswalk:
    """The crosswalk of these links: links in old document order, removed and added leaves, areas, summary."""
    old_rubric, new_rubric = main_rubric(old_cat), main_rubric(new_cat)
    order = {i.id: i.order for i in old}
    links.sort(key=lambda link: min(order[x] for x in link.old))
    linked_old = {x for link in links for x in link.old}
    linked_new = {x for link in links for x in link.new}
    cw = Crosswalk(old=_side(old_cat, old_rubric), new=_side(new_cat, new_rubric), links=links,
                   removed=[i.id for i in old if i.id not in linked_old],
                   added=[i.id for i in new if i.id not in linked_new])
    forward: dict[str, list[str]] = defaultdict(list)
    backward: dict[str, list[str]] = defaultdict(list)
    for link in links:
        for a in link.old:
            forward[a].extend(link.new)
        for b in link.new:
            backward[b].extend(link.old)
    depth = min(max((i.level for i in old_rubric.walk()), default=1),
                max((i.level for i in new_rubric.walk()), default=1))
    by_id_old = {i.id: i for i in old}
    by_id_new = {i.id: i for i in new}
    for level in range(1, depth):
        cw.areas += _areas("old", old_rubric, level, old, new_rubric, forward, by_id_new)
        cw.areas += _areas("new", new_rubric, level, new, old_rubric, backward, by_id_old)
    cw.summary = _summary(cw, old_rubric, new_rubric)
    return cw


class _Scores:
    """score[r, c] for _link: the score the computed crosswalk gave the link holding both items, else 0."""

    def __init__(self, cw: Crosswalk, old: list[Item], new: list[Item]):
        self.by_pair: dict[tuple[str, str], float] = {}
        for link in cw.links:
            for a in link.old:
                for b in link.new:
                    self.by_pair[a, b] = max(self.by_pair.get((a, b), 0.0), link.score)
        self.old, self.new = old, new

    def __getitem__(self, rc: tuple[int, int]) -> float:
        return self.by_pair.get((self.old[rc[0]].id, self.new[rc[1]].id), 0.0)


def rebuild(cw: Crosswalk, old_cat: Catalogue, new_cat: Catalogue, pairs: list[tuple[str, str]]) -> Crosswalk:
    """The crosswalk people decided: links are the connected components of these (old id, new id) pairs.

    A component that is exactly a link of ``cw`` keeps that link as computed; any other gets its kind,
    changes and evidence worked out as ``crosswalk`` does (its score: the best computed score among its
    pairs, 0 for pairs the computation never made). Ids that are not leaves of the catalogues are ignored.
    """
    old, new = leaves(main_rubric(old_cat)), leaves(main_rubric(new_cat))
    row = {i.id: k for k, i in enumerate(old)}
    col = {i.id: k for k, i in enumerate(new)}
    index_pairs = sorted({(row[a], col[b]) for a, b in pairs if a in row and b in col})
    known = {(tuple(link.old), tuple(link.new)): link for link in cw.links}
    counterpart = _parents_map(old, new, index_pairs)
    scores = _Scores(cw, old, new)
    links = []
    for rows, cols in _components(index_pairs):
        key = (tuple(old[r].id for r in rows), tuple(new[c].id for c in cols))
        links.append(known[key].model_copy(deep=True) if key in known else
                     _link(old, new, rows, cols, scores, counterpart))
    return _assemble(old_cat, new_cat, old, new, links)
