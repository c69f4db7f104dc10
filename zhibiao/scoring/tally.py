"""The tally: exact points awarded and applicable per indicator, 完成度 against the target, cohort statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact
from fractions import Fraction

from zhibiao.model import LABEL_NOT_PRINTED, Finding, Indicator, Rubric

from .assessment import Assessment, leaf_points

__all__ = ["TARGET", "TARGET_SOURCE", "COHORT_BANDS", "Tally", "Score", "Area", "Band", "Ranked",
           "Cohort", "ratio", "score", "cohort"]

TARGET = Decimal("0.9")
TARGET_SOURCE = "陕司通〔2023〕31号"
COHORT_BANDS = (("≥", Decimal("0.9")), ("<", Decimal("0.9")), ("<", Decimal("0.8")), ("<", Decimal("0.6")))

_PLACES = 4  # completions and shares are ratios rounded half-up to 4 places (0.9125 = 91.25%)
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact])  # sums never round


@dataclass(frozen=True)
class Tally:
    """Points awarded and applicable under one indicator (or, with id None, the whole rubric)."""

    id: str | None
    level: int
    label: str
    awarded: Decimal
    applicable: Decimal

    @property
    def completion(self) -> Decimal | None:
        """完成度: awarded / applicable rounded half-up to 4 places; None when nothing applies."""
        return ratio(self.awarded, self.applicable)

    @property
    def meets_target(self) -> bool | None:
        """Whether the completion reaches the 90% target; None when nothing applies."""
        c = self.completion
        return None if c is None else c >= TARGET


@dataclass(frozen=True)
class Score:
    """A unit's result: the total, first- and second-level tallies in document order, and the n/a items."""

    unit: str
    total: Tally
    levels: list[Tally]
    not_applicable: list[tuple[str, Decimal]]
    verified: bool
    # leaf id -> (points awarded, None for n/a; the sheet's 扣分原因 / 说明) of each item with a remark (sheets only)
    remarks: dict[str, tuple[Decimal | None, str]] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()  # what the unit's sheet gets wrong by itself (sheets only)


@dataclass(frozen=True)
class Area:
    """A first-level area across a cohort: summed points and the mean of the unit completions."""

    id: str
    label: str
    awarded: Decimal
    applicable: Decimal
    mean: Decimal | None
    units: int

    @property
    def completion(self) -> Decimal | None:
        """Aggregate 完成度 of the area: sum awarded / sum applicable over the units."""
        return ratio(self.awarded, self.applicable)


@dataclass(frozen=True)
class Band:
    """How many units of a cohort have a completion ≥ or < a threshold, and their share."""

    op: str
    threshold: Decimal
    count: int
    share: Decimal | None

    @property
    def label(self) -> str:
        """The band as 陕司通〔2023〕31号 words it, e.g. '完成度 < 80%'."""
        return f"完成度 {self.op} {_percent(self.threshold, 0)}" + (" (达标)" if self.op == "≥" else "")


@dataclass(frozen=True)
class Ranked:
    """A unit's place in the cohort ranking (rank None when nothing applies to it)."""

    rank: int | None
    score: Score


@dataclass(frozen=True)
class Cohort:
    """Cohort statistics as 陕司通〔2023〕31号 reports them: bands, areas, and the ranking of units."""

    rubric_title: str | None
    folder: str
    ranking: list[Ranked]
    areas: list[Area]
    bands: list[Band]
    total: Tally
    mean: Decimal | None
    verified: bool

    @property
    def units(self) -> int:
        """The number of units scored."""
        return len(self.ranking)

    @property
    def rated(self) -> int:
        """The units that have a completion (something applies to them)."""
        return sum(1 for r in self.ranking if r.rank is not None)

# --- exact arithmetic --------------------------------------------------------------------------


def _round(value: Fraction) -> Decimal:
    """Round a non-negative exact ratio half-up to 4 places, as a Decimal with exactly 4 places."""
    scaled = value * 10**_PLACES
    n = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)  # floor(x + 1/2)
    return Decimal(n).scaleb(-_PLACES)


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """Exact numerator / denominator rounded half-up to 4 places (Decimal('0.9125')); None when it is 0."""
    if denominator == 0:
        return None
    return _round(Fraction(numerator) / Fraction(denominator))


def _sum(values) -> Decimal:
    total = Decimal(0)
    for v in values:
        total = _EXACT.add(total, v)
    return total


def _percent(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return format(value.scaleb(2).quantize(Decimal(1).scaleb(-places)), "f") + "%"


# --- scoring -----------------------------------------------------------------------------------


def score(rubric: Rubric, assessment: Assessment, *, verified: bool = True) -> Score:
    """Total, first- and second-level tallies of one valid assessment of the rubric.

    One pass over the tree: each indicator's exact sums are its children's added up (exact addition
    does not depend on the order, so they equal the sums over its leaves)."""
    awards = assessment.awards
    levels: list[Tally | None] = []  # in walk order: a slot is taken before the children are visited
    na: list[tuple[str, Decimal]] = []
    add = _EXACT.add
    zero = Decimal(0)

    def visit(ind: Indicator) -> tuple[Decimal, Decimal]:
        at = None
        if ind.level <= 2:
            at = len(levels)
            levels.append(None)
        if not ind.children:
            value = awards[ind.id]
            if value is None:
                na.append((ind.id, leaf_points(ind)))
                awarded, applicable = zero, zero
            else:
                awarded, applicable = add(zero, value), add(zero, leaf_points(ind))
        else:
            awarded = applicable = zero
            for child in ind.children:
                a, p = visit(child)
                awarded, applicable = add(awarded, a), add(applicable, p)
        if at is not None:
            levels[at] = Tally(id=ind.id, level=ind.level, label=ind.label(LABEL_NOT_PRINTED), awarded=awarded,
                               applicable=applicable)
        return awarded, applicable

    awarded = applicable = zero
    for top in rubric.indicators:
        a, p = visit(top)
        awarded, applicable = add(awarded, a), add(applicable, p)
    total = Tally(id=None, level=0, label="total", awarded=awarded, applicable=applicable)
    return Score(unit=assessment.unit, total=total, levels=[t for t in levels if t is not None], not_applicable=na,
                 verified=verified, remarks={i: (awards.get(i), r) for i, r in assessment.remarks.items()},
                 findings=assessment.findings)


def _completion(s: Score) -> Decimal:
    """The completion of a rated score (one whose total has applicable points)."""
    assert s.total.completion is not None
    return s.total.completion


def cohort(rubric: Rubric, scores: list[Score], folder: str, *, verified: bool = True) -> Cohort:
    """Bands, first-level areas and the ranking (ties share a rank) of the units' scores."""
    rated = [s for s in scores if s.total.completion is not None]
    ordered = sorted(rated, key=lambda s: (-_completion(s), s.unit)) + sorted(
        (s for s in scores if s.total.completion is None), key=lambda s: s.unit)
    ranking: list[Ranked] = []
    for i, s in enumerate(ordered):
        if s.total.completion is None:
            ranking.append(Ranked(None, s))
        elif i and ranking[-1].score.total.completion == s.total.completion:
            ranking.append(Ranked(ranking[-1].rank, s))
        else:
            ranking.append(Ranked(i + 1, s))
    bands = []
    for op, threshold in COHORT_BANDS:
        n = sum(1 for s in rated if (_completion(s) >= threshold if op == "≥" else _completion(s) < threshold))
        bands.append(Band(op, threshold, n, ratio(n, len(rated))))
    areas = []
    by_id: list[dict[str | None, Tally]] = []  # per unit, the first tally of each id: one lookup per area
    for s in scores:
        first: dict[str | None, Tally] = {}
        for t in s.levels:
            first.setdefault(t.id, t)
        by_id.append(first)
    for top in rubric.indicators:
        tallies = [levels[top.id] for levels in by_id]
        done = [t.completion for t in tallies if t.completion is not None]
        areas.append(Area(id=top.id, label=top.label(LABEL_NOT_PRINTED), awarded=_sum(t.awarded for t in tallies),
                          applicable=_sum(t.applicable for t in tallies),
                          mean=_round(sum(map(Fraction, done), Fraction(0)) / len(done)) if done else None,
                          units=len(done)))
    total = Tally(id=None, level=0, label="total", awarded=_sum(s.total.awarded for s in scores),
                  applicable=_sum(s.total.applicable for s in scores))
    done = [_completion(s) for s in rated]
    mean = _round(sum(map(Fraction, done), Fraction(0)) / len(done)) if done else None
    return Cohort(rubric_title=rubric.title, folder=folder, ranking=ranking, areas=areas, bands=bands, total=total,
                  mean=mean, verified=verified)
