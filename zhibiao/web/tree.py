"""The catalogue tree as the pages show it: indicators with their sums, findings, revisions and verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from zhibiao.model import Catalogue, Finding, Indicator, Rubric

from .views import SEVERITY_RANK

__all__ = ["Node", "RubricView", "build_rubrics", "find_node"]


@dataclass
class Node:
    """One indicator on the catalogue page, with what the page shows next to it."""

    ind: Indicator
    parent_id: str | None
    revision: int
    verified: bool
    findings: list[Finding]
    children: list[Node] = field(default_factory=list)
    child_sum: Decimal | None = None
    child_points_missing: bool = False
    sum_ok: bool = True
    unverified: list[tuple[str, int]] = field(default_factory=list)  # (id, revision) in this subtree

    @property
    def severity(self) -> str | None:
        """The worst finding on this indicator: error, warning, info or None."""
        if not self.findings:
            return None
        return max(self.findings, key=lambda f: SEVERITY_RANK[f.severity]).severity

    @property
    def label(self) -> str:
        return self.ind.label()

    @property
    def leaves(self) -> int:
        return 1 if not self.children else sum(c.leaves for c in self.children)


@dataclass
class RubricView:
    """A rubric on the catalogue page."""

    rubric: Rubric
    nodes: list[Node]
    first_level_sum: Decimal
    total_ok: bool

    @property
    def unverified(self) -> list[tuple[str, int]]:
        return [pair for n in self.nodes for pair in n.unverified]

    @property
    def count(self) -> int:
        return self.rubric.size()

    @property
    def leaves(self) -> int:
        return sum(n.leaves for n in self.nodes)


def build_rubrics(cat: Catalogue, revisions: dict[str, int]) -> list[RubricView]:
    """The tree of every rubric with sums, findings, verification state and revisions."""
    verified = set(cat.verification.indicators) if cat.verification else set()
    by_indicator: dict[str, list[Finding]] = {}
    for finding in cat.all_findings():
        if finding.indicator:
            by_indicator.setdefault(finding.indicator, []).append(finding)

    def node(ind: Indicator, parent: str | None) -> Node:
        n = Node(ind=ind, parent_id=parent, revision=revisions.get(ind.id, 1), verified=ind.id in verified,
                 findings=by_indicator.get(ind.id, []))
        n.children = [node(c, ind.id) for c in ind.children]
        if ind.children:
            n.child_points_missing = any(c.points is None for c in ind.children)
            n.child_sum = sum((c.points for c in ind.children if c.points is not None), Decimal(0))
            n.sum_ok = not n.child_points_missing and ind.points is not None and n.child_sum == ind.points
        n.unverified = ([] if n.verified else [(ind.id, n.revision)]) + [p for c in n.children for p in c.unverified]
        return n

    views = []
    for rubric in cat.rubrics:
        nodes = [node(i, None) for i in rubric.indicators]
        first = sum((i.points for i in rubric.indicators if i.points is not None), Decimal(0))
        total_ok = rubric.stated_total is None or rubric.stated_total == first
        views.append(RubricView(rubric=rubric, nodes=nodes, first_level_sum=first, total_ok=total_ok))
    return views


def find_node(rubrics: list[RubricView], ident: str) -> Node | None:
    """The node of the indicator with this id, or None."""
    for rv in rubrics:
        stack = list(rv.nodes)
        while stack:
            n = stack.pop()
            if n.ind.id == ident:
                return n
            stack.extend(n.children)
    return None
