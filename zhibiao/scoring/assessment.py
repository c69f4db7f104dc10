"""Reading what is scored: the catalogue's main rubric and its leaves, and assessment CSVs (id,awarded)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from zhibiao.errors import (
    InputNotFound,
    InvalidAssessment,
    InvalidCatalogue,
    NoRubric,
    UnprovenVerification,
    UnverifiedCatalogue,
)
from zhibiao.model import Catalogue, Finding, Indicator, Rubric, dec_str

__all__ = ["NOT_APPLICABLE", "Assessment", "main_rubric", "scorable_leaves", "require_verified", "read_assessment",
           "read_folder"]

NOT_APPLICABLE = ("n/a", "不适用")  # compared case-insensitively
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SHOWN = 20  # problems listed per kind before "… and N more"


@dataclass(frozen=True)
class Assessment:
    """One unit's assessment: points awarded per leaf id, None where the item does not apply (n/a)."""

    unit: str
    path: str
    awards: dict[str, Decimal | None]
    # a filled-in score sheet (zhibiao/sheets.py) also gives these; an id,awarded CSV none of them
    remarks: dict[str, str] = field(default_factory=dict)  # leaf id -> its 扣分原因 / 说明 as the sheet gives it
    findings: tuple[Finding, ...] = ()  # what the sheet itself gets wrong (subtotals that do not add up …)
    tier: str | None = None  # the tier the sheet names (层级：…), before any mapping file
    rows: tuple = ()  # zhibiao.sheets.AlignedRow: each leaf and the sheet row it was aligned to


# --- catalogue ---------------------------------------------------------------------------------


def main_rubric(catalogue: Catalogue, path: str) -> Rubric:
    """The rubric with the most indicators (the first of equals); NoRubric when the catalogue has none."""
    rubric = catalogue.main_rubric()
    if rubric is None:
        raise NoRubric(path, "nothing to score")
    return rubric


def scorable_leaves(rubric: Rubric, path: str) -> dict[str, Indicator]:
    """The rubric's leaves by id in document order; InvalidCatalogue when a leaf has no points."""
    leaves = {ind.id: ind for ind in rubric.leaves()}
    pointless = [i for i, ind in leaves.items() if ind.points is None]
    if pointless:
        raise InvalidCatalogue(path, "cannot be scored: leaf indicator(s) without points: "
                                     + _listing(pointless) + " (`zhibiao check` says why)")
    return leaves


def leaf_points(leaf: Indicator) -> Decimal:
    """A scorable leaf's points (scorable_leaves refuses a rubric whose leaves do not all print them)."""
    assert leaf.points is not None, f"leaf {leaf.id} has no points: not from scorable_leaves"
    return leaf.points


def require_verified(catalogue: Catalogue, path: str, allow_unverified: bool) -> bool:
    """Whether the catalogue is verified; UnverifiedCatalogue when it is not and that is not allowed."""
    verified = catalogue.verification is not None and catalogue.verification.verified is True
    if not verified and not allow_unverified:
        why = "it has no verification record" if catalogue.verification is None else "verification.verified is false"
        raise UnverifiedCatalogue(path, why)
    if verified:
        # "verified": true is only a word in a file: the store's signature must show it (zhibiao/signature.py)
        from zhibiao.signature import signature_problem

        problem = signature_problem(catalogue)
        if problem is not None:
            if not allow_unverified:
                raise UnprovenVerification(path, problem)
            return False
    return verified


# --- reading assessments -----------------------------------------------------------------------


def _listing(items: list[str]) -> str:
    """The first ids of a list for an (English) error message: "a, b … and N more"."""
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" … and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def listing_cn(items: list[str]) -> str:
    """The first ids of a list in the Chinese score report: "a、b 等，其余 N 项从略"."""
    shown = "、".join(items[:_SHOWN])
    return shown + (f" 等，其余 {len(items) - _SHOWN} 项从略" if len(items) > _SHOWN else "")


def _decode(raw: bytes) -> str | None:
    """UTF-8 (with or without a BOM), else GB18030 (a superset of GBK, as Excel in China saves CSV)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _where(line: int, ident: str) -> str:
    """Where a row at fault is: its line and id (made only for a row at fault)."""
    return f"line {line}" + (f" ({ident})" if ident else "")


def _problems(path: Path, leaves: dict[str, Indicator]) -> tuple[dict[str, Decimal | None], list[str]]:
    """Parse one assessment CSV; return the awards and every problem found (empty when valid)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputNotFound(str(path), exc.strerror or type(exc).__name__) from None
    if b"\x00" in raw:
        return {}, ["the file is binary (or UTF-16), not a CSV: save it from Excel as CSV (UTF-8 or GBK)"]
    text = _decode(raw)
    del raw
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
        parsed: dict[str, Decimal | None] = {}  # each distinct awarded text parsed once (None: not a decimal)
        labels: set[str] | None = None  # ids that are dotted prefixes of leaf ids, made at the first unknown id
        for row in reader:
            line = reader.line_num
            ident = row[col_id].strip() if col_id < len(row) else ""
            value = row[col_awarded].strip() if col_awarded < len(row) else ""
            if not ident and not value and not any(c.strip() for c in row):
                continue
            if not ident:
                rows.append(f"{_where(line, ident)}: the id is empty")
                continue
            if ident in seen:
                rows.append(f"{_where(line, ident)}: duplicate id, already given on line {seen[ident]}")
                continue
            seen[ident] = line
            leaf = leaves.get(ident)
            if leaf is None:
                if labels is None:
                    labels = {k[:j] for k in leaves for j, ch in enumerate(k) if ch == "."}
                rows.append(f"{_where(line, ident)}: unknown id, not an indicator of the rubric" if ident not in labels
                            else f"{_where(line, ident)}: not a leaf indicator (score its items, not the label)")
                continue
            if value.lower() in NOT_APPLICABLE:
                awards[ident] = None
                continue
            if not value:
                rows.append(f"{_where(line, ident)}: awarded is empty (a decimal number of points, or n/a)")
                continue
            if value in parsed:
                awarded = parsed[value]
            else:
                awarded = parsed[value] = Decimal(value) if _DECIMAL.fullmatch(value) else None
            if awarded is None:
                rows.append(f"{_where(line, ident)}: awarded {value!r} is not a decimal number (or n/a)")
                continue
            if awarded < 0:
                rows.append(f"{_where(line, ident)}: awarded {value} is negative")
            elif awarded > leaf_points(leaf):
                rows.append(f"{_where(line, ident)}: awarded {value} is more than the item's "
                            f"{dec_str(leaf_points(leaf))} points")
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
