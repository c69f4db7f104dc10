"""Checks a catalogue must pass: sums reconcile, numbering contiguous and unique, every leaf has points."""

from __future__ import annotations

from decimal import Decimal

from zhibiao.model import Finding, Indicator, Rubric, dec_str

__all__ = ["check_rubric", "check_articles"]


def _where(ind: Indicator) -> str:
    return f" ({ind.source.label()})" if ind.source else ""


def _check_numbers(siblings: list[Indicator], parent_id: str, findings: list[Finding], prev_last: int | None) -> None:
    """Numbers in one sibling list run on by one; the first continues the previous list or restarts at 1.

    Labels that print no number (numbered by position) are not checked; a placeholder holds its place.
    """
    siblings = [s for s in siblings if "number_from_position" not in s.flags]
    for i, ind in enumerate(siblings):
        if i == 0:
            if ind.number != 1 and (prev_last is None or ind.number != prev_last + 1):
                findings.append(Finding(severity="error", code="numbering_gap",
                                        message=f"{ind.id} is numbered {ind.number}, expected 1"
                                        + (f" or {prev_last + 1}" if prev_last is not None else "") + _where(ind),
                                        indicator=ind.id, source=ind.source))
            continue
        prev = siblings[i - 1].number
        if ind.number == prev:
            code, msg = "numbering_duplicate", f"number {ind.number} appears twice under {parent_id or 'the rubric'}"
        elif ind.number != prev + 1:
            code, msg = "numbering_gap", f"{ind.id} follows {prev}: expected {prev + 1}"
        else:
            continue
        findings.append(Finding(severity="error", code=code, message=msg + _where(ind), indicator=ind.id,
                                source=ind.source))


def check_rubric(rubric: Rubric, expect_total: Decimal | None = None) -> list[Finding]:
    """Every reconciliation and numbering problem of a rubric, each naming the indicator and source line.

    The first levels must add up to the total the rubric states, or, when it states none, to
    ``expect_total`` if given.
    """
    findings: list[Finding] = []
    last_at_level: dict[int, int] = {}

    def visit(siblings: list[Indicator], parent: Indicator | None) -> None:
        if siblings:
            level = siblings[0].level
            _check_numbers(siblings, parent.id if parent else "", findings, last_at_level.get(level))
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
                    findings.append(Finding(severity="error", code="points_missing",
                                            message=f"{ind.id} has no points" + _where(ind),
                                            indicator=ind.id, source=ind.source))
                elif scored and all(c.points is not None for c in scored):
                    total = sum((c.points for c in scored), Decimal(0))
                    if total != ind.points:
                        findings.append(Finding(
                            severity="error", code="sum_mismatch",
                            message=f"{ind.id} has {dec_str(ind.points)} points but its children add up to "
                                    f"{dec_str(total)}" + _where(ind),
                            indicator=ind.id, source=ind.source))
                visit(ind.children, ind)
            elif ind.points is None:
                findings.append(Finding(severity="error", code="leaf_without_points",
                                        message=f"{ind.id} has no points" + _where(ind),
                                        indicator=ind.id, source=ind.source))

    visit(rubric.indicators, None)
    total = rubric.first_level_total()
    target = rubric.stated_total if rubric.stated_total is not None else expect_total
    if target is not None and total != target:
        said = "the rubric states" if rubric.stated_total is not None else "expected"
        findings.append(Finding(severity="error", code="total_mismatch",
                                message=f"first-level indicators add up to {dec_str(total)}, {said} {dec_str(target)}"))
    for ind in rubric.walk():
        if "label_missing" in ind.flags:
            findings.append(Finding(severity="warning", code="label_missing",
                                    message=f"{ind.id}: label not printed in the source; points "
                                            f"{dec_str(ind.points) if ind.points is not None else '?'} taken from its items",
                                    indicator=ind.id))
        if "points_unit_missing" in ind.flags:
            findings.append(Finding(severity="warning", code="points_unit_missing",
                                    message=f"{ind.id}: points written without 分" + _where(ind),
                                    indicator=ind.id, source=ind.source))
    return findings


def check_articles(articles: list[Indicator]) -> list[Finding]:
    """Article numbers of a regulation run 1, 2, 3 … whatever style each is printed in."""
    findings: list[Finding] = []
    _check_numbers(articles, "", findings, None)
    return findings
