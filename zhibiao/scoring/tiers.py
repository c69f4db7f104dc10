"""Tiers of a cohort (省级 / 市县区 / 乡镇) and what 陕司通〔2023〕31号 reports for each: the share of units at the
90% target, the bands, the lowest first- and second-level completion with its indicator, the highest and lowest
units — all exact, from the units' scores.

A unit's tier comes from a mapping file (``--tiers MAP.csv``: a header with 单位 (or unit, 名称) and 层级 (or tier,
类别), one row per unit, UTF-8 or GBK), else from a 层级/tier column of the unit's own assessment CSV (its first
non-empty value); a unit named by neither is 未分层. Without any tier the cohort is one group, 全部单位.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from zhibiao.errors import InputNotFound, InvalidAssessment
from zhibiao.model import Indicator, Rubric

from .assessment import _decode
from .tally import COHORT_BANDS, TARGET, Cohort, Score, _sum, ratio

__all__ = ["TIER_ORDER", "UNTIERED", "ALL_UNITS", "Level", "Tier", "read_tiers", "tier_column", "tiers_of",
           "tier_stats", "level_label"]

TIER_ORDER = ("省级", "市县区", "乡镇")  # as 陕司通〔2023〕31号 reports them; other names follow in order of appearance
UNTIERED = "未分层"
ALL_UNITS = "全部"
UNIT_HEADERS = ("单位", "单位名称", "名称", "unit", "name")
TIER_HEADERS = ("层级", "层次", "类别", "tier", "level")
LABEL_UNPRINTED = "（原文未印出名称）"


def _rows(path: Path):
    """The non-blank rows of a CSV file, read lazily."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputNotFound(str(path), exc.strerror or type(exc).__name__) from None
    text = _decode(raw) if b"\x00" not in raw else None
    if text is None:
        raise InvalidAssessment(str(path), "not a CSV text (UTF-8 or GBK): save it from Excel as CSV")
    return (row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row))


def _column(header: Sequence[str], names: Iterable[str]) -> int | None:
    wanted = [c.strip().lower() for c in header]
    for name in names:
        if name in wanted:
            return wanted.index(name)
    return None


def read_tiers(path: str | Path) -> dict[str, str]:
    """The mapping file: unit name -> tier. InvalidAssessment when its header names no unit or tier column, or a
    unit is given two tiers."""
    path = Path(path)
    rows = list(_rows(path))
    if not rows:
        raise InvalidAssessment(str(path), "the tier mapping is empty: expected a header 单位,层级")
    col_unit, col_tier = _column(rows[0], UNIT_HEADERS), _column(rows[0], TIER_HEADERS)
    if col_unit is None or col_tier is None:
        raise InvalidAssessment(str(path), f"the tier mapping's header must be 单位,层级 (found {','.join(rows[0])!r})")
    out: dict[str, str] = {}
    problems = []
    for n, row in enumerate(rows[1:], start=2):
        unit = row[col_unit].strip() if col_unit < len(row) else ""
        tier = row[col_tier].strip() if col_tier < len(row) else ""
        if not unit or not tier:
            problems.append(f"row {n}: unit or tier is empty")
        elif out.get(unit, tier) != tier:
            problems.append(f"row {n}: {unit} is given two tiers ({out[unit]}, {tier})")
        else:
            out[unit] = tier
    if problems:
        raise InvalidAssessment(str(path), "; ".join(problems))
    return out


def tier_column(path: str | Path) -> str | None:
    """The first non-empty value of a 层级/tier column of an assessment CSV; None when it has none."""
    rows = _rows(Path(path))
    header = next(rows, None)
    col = _column(header, TIER_HEADERS) if header is not None else None
    if col is None:
        return None  # the rest of the file is not parsed again
    return next((row[col].strip() for row in rows if col < len(row) and row[col].strip()), None)


def tiers_of(units: Iterable[tuple[str, str]], mapping: dict[str, str] | None,
             own: dict[str, str | None] | None = None) -> dict[str, str] | None:
    """unit -> tier for (unit, assessment path) pairs: the mapping first, then the unit's own: what its score sheet
    names (``own``, for the units read from sheets), else its CSV's column; None when no unit has a tier (the cohort
    is one group)."""
    out = {}
    own = own or {}
    for unit, path in units:
        out[unit] = (mapping or {}).get(unit) or (own[unit] if unit in own else tier_column(path)) or UNTIERED
    return out if any(t != UNTIERED for t in out.values()) else None


@dataclass(frozen=True)
class Level:
    """An indicator's aggregate completion over a tier's units (Σ awarded / Σ applicable)."""

    id: str
    label: str
    level: int
    awarded: Decimal
    applicable: Decimal

    @property
    def completion(self) -> Decimal | None:
        return ratio(self.awarded, self.applicable)


@dataclass(frozen=True)
class Tier:
    """A tier's units and what the report says of them."""

    name: str
    scores: list[Score]
    bands: list[tuple[str, Decimal, int, Decimal | None]]  # (op, threshold, count, share) as COHORT_BANDS
    levels: list[Level]  # first and second level, document order

    @property
    def rated(self) -> list[Score]:
        """The units with a completion (something applies to them), best first."""
        rated = [s for s in self.scores if s.total.completion is not None]
        return sorted(rated, key=lambda s: (-(s.total.completion or Decimal(0)), s.unit))

    @property
    def met(self) -> int:
        return self.bands[0][2]

    @property
    def share(self) -> Decimal | None:
        return self.bands[0][3]

    @property
    def completion(self) -> Decimal | None:
        """The tier's aggregate completion: Σ awarded / Σ applicable over its units."""
        return ratio(_sum(s.total.awarded for s in self.scores), _sum(s.total.applicable for s in self.scores))

    def lowest(self, level: int) -> Level | None:
        """The indicator of that level with the lowest aggregate completion (the first in document order on a tie)."""
        done = [lv for lv in self.levels if lv.level == level and lv.completion is not None]
        return min(done, key=lambda lv: lv.completion or Decimal(0)) if done else None


def level_label(ind: Indicator) -> str:
    """An indicator's label in a report: as printed (marker and text), or its id where the label is not printed."""
    return ind.label(f"{ind.id}{LABEL_UNPRINTED}")


def _tier(name: str, scores: list[Score], rubric: Rubric) -> Tier:
    rated = [s.total.completion for s in scores if s.total.completion is not None]
    bands = []
    for op, threshold in COHORT_BANDS:
        n = sum(1 for c in rated if (c >= threshold if op == "≥" else c < threshold))
        bands.append((op, threshold, n, ratio(n, len(rated))))
    index = {ind.id: ind for ind in rubric.walk() if ind.level <= 2}
    by_id: dict[str, list] = {ident: [] for ident in index}
    for s in scores:
        for t in s.levels:
            if t.id in by_id:
                by_id[t.id].append(t)
    levels = []
    for ident, ind in index.items():
        tallies = by_id[ident]
        levels.append(Level(ident, level_label(ind), ind.level, _sum(t.awarded for t in tallies),
                            _sum(t.applicable for t in tallies)))
    return Tier(name, scores, bands, levels)


def tier_stats(cohort: Cohort, rubric: Rubric, tiers: dict[str, str] | None) -> list[Tier]:
    """The cohort's tiers in the order 省级, 市县区, 乡镇, then the others as they appear, 未分层 last; one tier
    全部 when there are no tiers. Units in each in ranking order."""
    scores = [r.score for r in cohort.ranking]
    if not tiers:
        return [_tier(ALL_UNITS, scores, rubric)]
    names: list[str] = []
    for s in scores:
        if tiers[s.unit] not in names:
            names.append(tiers[s.unit])
    known = [n for n in TIER_ORDER if n in names]
    names = known + [n for n in names if n not in known and n != UNTIERED] + ([UNTIERED] if UNTIERED in names else [])
    return [_tier(n, [s for s in scores if tiers[s.unit] == n], rubric) for n in names]


assert COHORT_BANDS[0] == ("≥", TARGET)  # the first band is the target: 达标
