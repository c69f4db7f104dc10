"""Checks a catalogue must pass: sums reconcile, numbering contiguous and unique, every leaf has points."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from zhibiao.findings import finding

if TYPE_CHECKING:  # the checks read attributes only: `zhibiao check` runs them on the light records of zhibiao/shape.py
    from zhibiao.model import Finding, Indicator, Rubric

__all__ = ["check_rubric", "check_articles"]


def _check_numbers(siblings: list[Indicator], parent_id: str, findings: list[Finding], prev_last: int | None,
                   finding: Callable = finding) -> None:
    """Numbers in one sibling list run on by one; the first continues the previous list or restarts at 1.

    Labels that print no number (numbered by position) are not checked; a placeholder holds its place.
    """
    siblings = [s for s in siblings if "number_from_position" not in s.flags]
    for i, ind in enumerate(siblings):
        if i == 0:
            if ind.number != 1 and (prev_last is None or ind.number != prev_last + 1):
                findings.append(finding("numbering_gap", indicator=ind.id, source=ind.source, id=ind.id,
                                        number=ind.number,
                                        continues=prev_last + 1 if prev_last is not None else None))
            continue
        prev = siblings[i - 1].number
        if ind.number == prev:
            findings.append(finding("numbering_duplicate", indicator=ind.id, source=ind.source, id=ind.id,
                                    number=ind.number, parent=parent_id or None))
        elif ind.number != prev + 1:
            findings.append(finding("numbering_gap", indicator=ind.id, source=ind.source, id=ind.id,
                                    previous=prev, expected=prev + 1))


def check_rubric(rubric: Rubric, expect_total: Decimal | None = None, finding: Callable = finding) -> list[Finding]:
    """Every reconciliation and numbering problem of a rubric, each naming the indicator and source line.

    The first levels must add up to the total the rubric states, or, when it states none, to
    ``expect_total`` if given. ``finding`` builds each finding (zhibiao.findings.finding, or light_finding).
    """
    findings: list[Finding] = []
    last_at_level: dict[int, int] = {}

    def visit(siblings: list[Indicator], parent: Indicator | None) -> None:
        if siblings:
            level = siblings[0].level
            _check_numbers(siblings, parent.id if parent else "", findings, last_at_level.get(level), finding)
            numbered = [s for s in siblings if "number_from_position" not in s.flags]
            if numbered:
                last_at_level[level] = numbered[-1].number
        for ind in siblings:
            scored = [c for c in ind.children if c.kind == "scored"]
            if ind.kind != "scored":
                if ind.children:
                    visit(ind.children, ind)
                continue
            if ind.children:
                if ind.points is None and scored:
                    findings.append(finding("points_missing", indicator=ind.id, source=ind.source, id=ind.id))
                elif scored and all(c.points is not None for c in scored):
                    # every child has points (checked above): the filter only tells mypy so
                    total = sum((c.points for c in scored if c.points is not None), Decimal(0))
                    if total != ind.points:
                        findings.append(finding("sum_mismatch", indicator=ind.id, source=ind.source, id=ind.id,
                                                points=ind.points, children_sum=total))
                visit(ind.children, ind)
            elif ind.points is None:
                findings.append(finding("leaf_without_points", indicator=ind.id, source=ind.source, id=ind.id))

    visit(rubric.indicators, None)
    total = rubric.first_level_total()
    target = rubric.stated_total if rubric.stated_total is not None else expect_total
    if target is not None and total != target:
        stated = rubric.stated_total is not None
        findings.append(finding("total_mismatch", total=total, stated=target if stated else None,
                                expected=None if stated else target))
    for ind in rubric.walk():
        if "label_missing" in ind.flags:
            findings.append(finding("label_missing", indicator=ind.id, id=ind.id,
                                    points=ind.points if ind.points is not None else "?"))
        if "points_unit_missing" in ind.flags:
            findings.append(finding("points_unit_missing", indicator=ind.id, source=ind.source, id=ind.id))
    return findings


def check_articles(articles: list[Indicator], finding: Callable = finding) -> list[Finding]:
    """Article numbers of a regulation run 1, 2, 3 … whatever style each is printed in."""
    findings: list[Finding] = []
    _check_numbers(articles, "", findings, None, finding)
    return findings
