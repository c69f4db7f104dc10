"""Score assessments (points awarded per leaf indicator) against a catalogue's main rubric, exactly."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact
from fractions import Fraction
from pathlib import Path

from zhibiao.errors import InputNotFound, InvalidCatalogue, NoRubric, ZhibiaoError
from zhibiao.model import Catalogue, Indicator, Rubric, dec_str

__all__ = [
    "EXIT_BAD_ASSESSMENT",
    "EXIT_UNVERIFIED",
    "TARGET",
    "TARGET_SOURCE",
    "COHORT_BANDS",
    "NOT_APPLICABLE",
    "UNVERIFIED_WARNING",
    "InvalidAssessment",
    "UnverifiedCatalogue",
    "Assessment",
    "Tally",
    "Score",
    "Area",
    "Band",
    "Ranked",
    "Cohort",
    "ratio",
    "main_rubric",
    "scorable_leaves",
    "require_verified",
    "read_assessment",
    "read_folder",
    "score",
    "cohort",
    "score_json",
    "score_table",
    "cohort_tables",
    "cohort_csv",
    "cohort_xlsx",
]

EXIT_BAD_ASSESSMENT = 6
EXIT_UNVERIFIED = 7

TARGET = Decimal("0.9")
TARGET_SOURCE = "陕司通〔2023〕31号"
COHORT_BANDS = (("≥", Decimal("0.9")), ("<", Decimal("0.9")), ("<", Decimal("0.8")), ("<", Decimal("0.6")))
NOT_APPLICABLE = ("n/a", "不适用")  # compared case-insensitively
UNVERIFIED_WARNING = "WARNING: the catalogue is not verified; scored with --allow-unverified, results are provisional"

_PLACES = 4  # completions and shares are ratios rounded half-up to 4 places (0.9125 = 91.25%)
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact])  # sums never round
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SHOWN = 20  # problems listed per kind before "… and N more"


class InvalidAssessment(ZhibiaoError):
    """not a valid assessment (a CSV with header id,awarded and one row per leaf indicator of the rubric)"""

    exit_code = EXIT_BAD_ASSESSMENT


class UnverifiedCatalogue(ZhibiaoError):
    """catalogue is not verified: verify it in the review app, or pass --allow-unverified to score it anyway"""

    exit_code = EXIT_UNVERIFIED


@dataclass(frozen=True)
class Assessment:
    """One unit's assessment: points awarded per leaf id, None where the item does not apply (n/a)."""

    unit: str
    path: str
    awards: dict[str, Decimal | None]


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


# --- catalogue ---------------------------------------------------------------------------------


def _label(ind: Indicator) -> str:
    return f"{ind.marker or ''}{ind.text}" or "(label not printed)"


def main_rubric(catalogue: Catalogue, path: str) -> Rubric:
    """The rubric with the most indicators (the first of equals); NoRubric when the catalogue has none."""
    if not catalogue.rubrics:
        raise NoRubric(path, "nothing to score")
    return max(catalogue.rubrics, key=lambda r: (sum(1 for _ in r.walk()), -catalogue.rubrics.index(r)))


def scorable_leaves(rubric: Rubric, path: str) -> dict[str, Indicator]:
    """The rubric's leaves by id in document order; InvalidCatalogue when a leaf has no points."""
    leaves = {ind.id: ind for ind in rubric.walk() if not ind.children}
    pointless = [i for i, ind in leaves.items() if ind.points is None]
    if pointless:
        raise InvalidCatalogue(path, "cannot be scored: leaf indicator(s) without points: "
                                     + _listing(pointless) + " (`zhibiao check` says why)")
    return leaves


def require_verified(catalogue: Catalogue, path: str, allow_unverified: bool) -> bool:
    """Whether the catalogue is verified; UnverifiedCatalogue when it is not and that is not allowed."""
    verified = catalogue.verification is not None and catalogue.verification.verified is True
    if not verified and not allow_unverified:
        why = "it has no verification record" if catalogue.verification is None else "verification.verified is false"
        raise UnverifiedCatalogue(path, why)
    return verified


# --- reading assessments -----------------------------------------------------------------------


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" … and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _decode(raw: bytes) -> str | None:
    """UTF-8 (with or without a BOM), else GB18030 (a superset of GBK, as Excel in China saves CSV)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _problems(path: Path, leaves: dict[str, Indicator]) -> tuple[dict[str, Decimal | None], list[str]]:
    """Parse one assessment CSV; return the awards and every problem found (empty when valid)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputNotFound(str(path), exc.strerror or type(exc).__name__) from None
    if b"\x00" in raw:
        return {}, ["the file is binary (or UTF-16), not a CSV: save it from Excel as CSV (UTF-8 or GBK)"]
    text = _decode(raw)
    if text is None:
        return {}, ["the file is neither UTF-8 nor GBK/GB18030 text: save it from Excel as CSV"]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(c.strip() for c in header):
            header = next(reader, None)
        if header is None:
            return {}, ["the file is empty: expected a header row id,awarded"]
        names = [c.strip().lower() for c in header]
        if "id" not in names or "awarded" not in names:
            return {}, [f"line {reader.line_num}: the header must be id,awarded (found {','.join(header)!r})"]
        col_id, col_awarded = names.index("id"), names.index("awarded")
        awards: dict[str, Decimal | None] = {}
        seen: dict[str, int] = {}
        rows: list[str] = []
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            ident = row[col_id].strip() if col_id < len(row) else ""
            value = row[col_awarded].strip() if col_awarded < len(row) else ""
            where = f"line {line}" + (f" ({ident})" if ident else "")
            if not ident:
                rows.append(f"{where}: the id is empty")
                continue
            if ident in seen:
                rows.append(f"{where}: duplicate id, already given on line {seen[ident]}")
                continue
            seen[ident] = line
            leaf = leaves.get(ident)
            if leaf is None:
                rows.append(f"{where}: unknown id, not an indicator of the rubric"
                            if not any(k.startswith(ident + ".") for k in leaves)
                            else f"{where}: not a leaf indicator (score its items, not the label)")
                continue
            if value.lower() in NOT_APPLICABLE:
                awards[ident] = None
                continue
            if not value:
                rows.append(f"{where}: awarded is empty (a decimal number of points, or n/a)")
                continue
            if not _DECIMAL.fullmatch(value):
                rows.append(f"{where}: awarded {value!r} is not a decimal number (or n/a)")
                continue
            awarded = Decimal(value)
            if awarded < 0:
                rows.append(f"{where}: awarded {value} is negative")
            elif awarded > leaf.points:
                rows.append(f"{where}: awarded {value} is more than the item's {dec_str(leaf.points)} points")
            else:
                awards[ident] = awarded
    except csv.Error as exc:
        return {}, [f"line {reader.line_num}: not a readable CSV ({exc})"]
    problems = rows[:_SHOWN] + ([f"… and {len(rows) - _SHOWN} more row(s) at fault"] if len(rows) > _SHOWN else [])
    missing = [i for i in leaves if i not in seen]
    if missing:
        problems.append(f"{len(missing)} leaf indicator(s) missing (give each a row, n/a if it does not apply): "
                        + _listing(missing))
    return awards, problems


def _detail(problems: list[str]) -> str:
    return f"{len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems)


def read_assessment(path: str | Path, leaves: dict[str, Indicator]) -> Assessment:
    """Read one assessment CSV against the rubric's leaves; InvalidAssessment lists every row at fault."""
    path = Path(path)
    if path.is_dir():
        raise InputNotFound(str(path), "a folder, not an assessment CSV")
    awards, problems = _problems(path, leaves)
    if problems:
        raise InvalidAssessment(str(path), _detail(problems))
    return Assessment(unit=path.stem, path=str(path), awards=awards)


def _is_assessment(p: Path) -> bool:
    return p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith((".", "~$"))


def read_folder(folder: str | Path, leaves: dict[str, Indicator]) -> list[Assessment]:
    """Read every *.csv in a folder (unit name = file stem); InvalidAssessment names every bad file."""
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if _is_assessment(p))
    if not files:
        raise InputNotFound(str(folder), "no assessment .csv files in this folder")
    good: list[Assessment] = []
    bad: list[str] = []
    for path in files:
        awards, problems = _problems(path, leaves)
        if problems:
            bad.append(f"  {path}: " + _detail(problems).replace("\n", "\n  "))
        else:
            good.append(Assessment(unit=path.stem, path=str(path), awards=awards))
    if bad:
        raise InvalidAssessment(str(folder), f"{len(bad)} of {len(files)} file(s) invalid, nothing scored\n"
                                + "\n".join(bad))
    return good


# --- scoring -----------------------------------------------------------------------------------


def _tally(ind: Indicator | None, leaves: list[Indicator], awards: dict[str, Decimal | None]) -> Tally:
    applicable = [leaf for leaf in leaves if awards[leaf.id] is not None]
    return Tally(id=ind.id if ind else None, level=ind.level if ind else 0, label=_label(ind) if ind else "total",
                 awarded=_sum(awards[leaf.id] for leaf in applicable),
                 applicable=_sum(leaf.points for leaf in applicable))


def score(rubric: Rubric, assessment: Assessment, *, verified: bool = True) -> Score:
    """Total, first- and second-level tallies of one valid assessment of the rubric."""
    awards = assessment.awards
    levels = [_tally(ind, [leaf for leaf in ind.walk() if not leaf.children], awards)
              for ind in rubric.walk() if ind.level <= 2]
    leaves = [leaf for leaf in rubric.walk() if not leaf.children]
    na = [(leaf.id, leaf.points) for leaf in leaves if awards[leaf.id] is None]
    return Score(unit=assessment.unit, total=_tally(None, leaves, awards), levels=levels, not_applicable=na,
                 verified=verified)


def cohort(rubric: Rubric, scores: list[Score], folder: str, *, verified: bool = True) -> Cohort:
    """Bands, first-level areas and the ranking (ties share a rank) of the units' scores."""
    rated = [s for s in scores if s.total.completion is not None]
    ordered = sorted(rated, key=lambda s: (-s.total.completion, s.unit)) + sorted(
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
        n = sum(1 for s in rated if (s.total.completion >= threshold if op == "≥" else s.total.completion < threshold))
        bands.append(Band(op, threshold, n, ratio(n, len(rated))))
    areas = []
    for top in rubric.indicators:
        tallies = [next(t for t in s.levels if t.id == top.id) for s in scores]
        done = [t.completion for t in tallies if t.completion is not None]
        areas.append(Area(id=top.id, label=_label(top), awarded=_sum(t.awarded for t in tallies),
                          applicable=_sum(t.applicable for t in tallies),
                          mean=_round(sum(map(Fraction, done), Fraction(0)) / len(done)) if done else None,
                          units=len(done)))
    total = Tally(id=None, level=0, label="total", awarded=_sum(s.total.awarded for s in scores),
                  applicable=_sum(s.total.applicable for s in scores))
    done = [s.total.completion for s in rated]
    mean = _round(sum(map(Fraction, done), Fraction(0)) / len(done)) if done else None
    return Cohort(rubric_title=rubric.title, folder=folder, ranking=ranking, areas=areas, bands=bands, total=total,
                  mean=mean, verified=verified)


# --- output ------------------------------------------------------------------------------------


def _fixed(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def score_json(result: Score) -> dict:
    """The `zhibiao score --json` object: decimals as strings, completion as a 4-place ratio or null."""
    t = result.total
    return {
        "total": {"awarded": dec_str(t.awarded), "applicable": dec_str(t.applicable),
                  "completion": _fixed(t.completion), "target": dec_str(TARGET), "meets_target": bool(t.meets_target)},
        "levels": [{"id": lv.id, "awarded": dec_str(lv.awarded), "applicable": dec_str(lv.applicable),
                    "completion": _fixed(lv.completion)} for lv in result.levels],
        "verified": result.verified,
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _status(meets: bool | None) -> str:
    return _ljust("—" if meets is None else "达标" if meets else "未达标", 7)


def score_table(result: Score, title: str | None, source: str) -> str:
    """The human report of one assessment: a table of levels 1 and 2, the total and the 90% target."""
    lines = [f"{title or '(untitled rubric)'} · {source}"]
    if not result.verified:
        lines.append(UNVERIFIED_WARNING)
    lines.append(f"{'id':<8} {'awarded':>8} {'applicable':>10} {'完成度':>6}  {_ljust('90%', 7)} indicator")
    for t in [*result.levels, result.total]:
        ident = "total" if t.id is None else ("  " * (t.level - 1) + t.id)
        label = "" if t.id is None else "  " * (t.level - 1) + t.label
        lines.append(f"{ident:<8} {dec_str(t.awarded):>8} {dec_str(t.applicable):>10} {_percent(t.completion):>9}  "
                     f"{_status(t.meets_target)} {label}".rstrip())
    t = result.total
    if t.completion is None:
        lines.append(f"target 90% ({TARGET_SOURCE}): no item applies, no 完成度")
    else:
        verdict = "≥ 90% → 达标" if t.meets_target else "< 90% → 未达标"
        lines.append(f"target 90% ({TARGET_SOURCE}): 完成度 {_percent(t.completion)} {verdict}")
    if result.not_applicable:
        ids = [i for i, _ in result.not_applicable]
        lines.append(f"not applicable (n/a): {len(ids)} item(s), {dec_str(_sum(p for _, p in result.not_applicable))} "
                     f"point(s) left out: {_listing(ids)}")
    return "\n".join(lines)


def cohort_tables(c: Cohort) -> str:
    """The human report of a cohort: summary bands, first-level areas, and the ranking."""
    lines = [f"{c.rubric_title or '(untitled rubric)'} · {c.units} unit(s) in {c.folder}"]
    if not c.verified:
        lines.append(UNVERIFIED_WARNING)
    lines += ["", "summary", f"  {'units':<40} {c.units:>5}"]
    if c.rated != c.units:
        lines.append(f"  {_ljust('units with a 完成度', 40)} {c.rated:>5}   (nothing applies to the others)")
    for b in c.bands:
        lines.append(f"  {_ljust(b.label, 40)} {b.count:>5} {_percent(b.share):>9}")
    lines.append(f"  {_ljust('overall 完成度 (Σawarded / Σapplicable)', 40)} {'':>5} {_percent(c.total.completion):>9}")
    lines.append(f"  {_ljust('mean of unit 完成度', 40)} {'':>5} {_percent(c.mean):>9}")
    lines += ["", "areas (first-level indicators, all units)",
              f"  {'id':<4} {'awarded':>8} {'applicable':>10} {'完成度':>6} {'mean':>9}  indicator"]
    for a in c.areas:
        lines.append(f"  {a.id:<4} {dec_str(a.awarded):>8} {dec_str(a.applicable):>10} {_percent(a.completion):>9} "
                     f"{_percent(a.mean):>9}  {a.label}")
    lines += ["", "ranking", f"  {'rank':>4} {'完成度':>6}  {_ljust('90%', 7)} {'awarded':>8} {'applicable':>10}  unit"]
    for r in c.ranking:
        t = r.score.total
        rank = "—" if r.rank is None else str(r.rank)
        lines.append(f"  {rank:>4} {_percent(t.completion):>9}  {_status(t.meets_target)} "
                     f"{dec_str(t.awarded):>8} {dec_str(t.applicable):>10}  {r.score.unit}")
    return "\n".join(lines)


def _sections(c: Cohort) -> list[tuple[str, list[str], list[list]]]:
    """The cohort as (sheet name, header, rows) with Decimal values: ranking, areas, summary."""
    ranking = [[r.rank, r.score.unit, r.score.total.awarded, r.score.total.applicable, r.score.total.completion,
                None if r.score.total.meets_target is None else ("达标" if r.score.total.meets_target else "未达标")]
               for r in c.ranking]
    areas = [[a.id, a.label, a.awarded, a.applicable, a.completion, a.mean, a.units] for a in c.areas]
    summary = [["units", c.units, None], ["units with a completion", c.rated, None]]
    summary += [[b.label, b.count, b.share] for b in c.bands]
    summary += [["overall completion (sum awarded / sum applicable)", None, c.total.completion],
                ["mean of unit completions", None, c.mean], ["target", None, TARGET],
                ["target source", TARGET_SOURCE, None],
                ["verified catalogue", "yes" if c.verified else "no (--allow-unverified)", None]]
    return [
        ("ranking", ["rank", "unit", "awarded", "applicable", "completion", "meets_target"], ranking),
        ("areas", ["id", "area", "awarded", "applicable", "completion", "mean_unit_completion", "units"], areas),
        ("summary", ["metric", "count", "share"], summary),
    ]


_RATIOS = {"completion", "mean_unit_completion", "share"}  # columns holding 4-place ratios


def _cell(value, ratio_column: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f") if ratio_column else dec_str(value)
    return str(value)


def cohort_csv(c: Cohort) -> str:
    """CSV text: the sections ranking, areas, summary, each a title row, a header and its rows, blank-line separated."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for n, (name, header, rows) in enumerate(_sections(c)):
        if n:
            writer.writerow([])
        writer.writerow([f"[{name}]"])
        writer.writerow(header)
        writer.writerows([_cell(v, h in _RATIOS) for h, v in zip(header, row)] for row in rows)
    return buf.getvalue()


def cohort_xlsx(c: Cohort) -> bytes:
    """An XLSX workbook with sheets ranking, areas, summary; ratios as numbers shown as percentages."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in _sections(c):
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(row)
            for cell, h in zip(ws[ws.max_row], header):
                if h in _RATIOS:
                    cell.number_format = "0.00%"
        ws.freeze_panes = "A2"
        for col, width in zip("ABCDEFG", (8 if name != "summary" else 48, 30, 10, 10, 12, 20, 8)):
            ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
