"""A score sheet under review: every row of a unit's sheet as read and aligned (zhibiao/sheets.py), kept so that a
reviewer can fix an alignment or a value, and what those rows give: the awards, the problems that stop it from being
scored, the sheet's own findings, and the score.

``read_review`` reads a sheet into a ``SheetReview`` (a sheet the readers refuse, or one without a 得分 table, raises
as ``read_sheet`` does); unlike ``read_sheet`` it keeps a sheet whose rows are wrong (a value above the points, a row
matching no leaf, a leaf no row matches), since those are what the reviewer fixes. ``check`` says what the rows give
now; ``set_leaf`` and ``set_value`` are the two fixes (each validated, each returning the old and new value for the
history). Nothing here touches a database (zhibiao/sheet_store.py keeps the reviews).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from zhibiao.errors import InvalidEdit, InvalidSheet
from zhibiao.findings import finding
from zhibiao.model import Finding, Indicator, Rubric, Source, dec_str
from zhibiao.scoring import Assessment, Score, score

__all__ = ["ReviewRow", "SheetReview", "Problem", "Checked", "read_review", "check", "set_leaf", "set_value",
           "IGNORED", "HOW_LABELS", "leaf_choices"]

IGNORED = "ignore"  # set_leaf's value for a row that is not an item (a note, a signature line read as a row)
HOW_LABELS = {"number": "按序号", "text": "按文字相似度", "elsewhere": "按文字（在其他一级指标下找到）",
              "reviewer": "审核人指定", "none": "未匹配", "ignored": "不计入（非指标行）"}
_SHORT = 30


class ReviewRow(BaseModel):
    """A row of the sheet: an item (aligned to a leaf, or not yet) or a subtotal (of a label; None: the whole
    sheet), its text and 得分 as printed (the value as the reviewer set it, once fixed)."""

    row: int
    kind: Literal["item", "subtotal"]
    text: str
    labels: list[str] = []  # the label cells over the row as printed, outer to inner
    value: str
    remark: str = ""
    points: Decimal | None = None  # the sheet's own 分值
    leaf: str | None = None
    how: Literal["number", "text", "elsewhere", "reviewer", "none", "ignored"] = "none"
    similarity: int = 0
    source: Source | None = None


class SheetReview(BaseModel):
    """One unit's sheet: the unit and tier it names, the file it came from, its rows in sheet order."""

    unit: str
    tier: str | None = None
    filename: str
    rows: list[ReviewRow]

    def row(self, number: int) -> ReviewRow | None:
        return next((r for r in self.rows if r.row == number), None)


@dataclass(frozen=True)
class Problem:
    """What stops the sheet from being scored, in Chinese: its kind, the sheet row and the leaf it is about."""

    code: Literal["missing", "unmatched", "duplicate", "empty", "bad", "negative", "over"]
    row: int | None
    leaf: str | None
    text: str


@dataclass(frozen=True)
class Checked:
    """What the rows give now: awards of the leaves with a valid row, the problems, the sheet's own findings, and
    (without problems) the assessment and its score."""

    awards: dict[str, Decimal | None]
    by_leaf: dict[str, list[ReviewRow]]
    problems: list[Problem]
    findings: list[Finding]
    assessment: Assessment | None
    score: Score | None

    @property
    def ok(self) -> bool:
        return not self.problems


def _short(text: str, n: int = _SHORT) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --- reading --------------------------------------------------------------------------------------


def read_review(path: str | Path, rubric: Rubric, *, filename: str | None = None,
                limit: int | None = None) -> SheetReview:
    """A sheet read and aligned, every row kept; BadInput when the readers refuse it, InvalidSheet when it holds no
    table with a 得分 column and indicator rows."""
    from zhibiao import extract
    from zhibiao.sheets import _tree, align_rows, sheet_rows

    path = Path(path)
    name = filename or path.name
    got = sheet_rows(extract.read(path, limit=limit))
    if not got.rows:
        raise InvalidSheet(name, "no table with a 得分 column (自评得分, 考核得分, 得分 …) and indicator rows in the "
                                 "sheet")
    matched, subtotals, left = align_rows(got.rows, rubric, _tree(rubric))
    by_row: dict[int, ReviewRow] = {}
    for ident, (row, how, sim) in matched.items():
        by_row[id(row)] = ReviewRow(row=row.row, kind="item", text=row.text, value=row.value.strip(),
                                    remark=row.remark, points=row.points, leaf=ident, how=how, similarity=sim,
                                    source=row.source, labels=[lab.printed for lab in row.path[:-1]])
    for label, row in subtotals:
        by_row[id(row)] = ReviewRow(row=row.row, kind="subtotal", text=row.text, value=row.value.strip(),
                                    remark=row.remark, points=row.points, leaf=label, how="number",
                                    source=row.source, labels=[lab.printed for lab in row.path[:-1]])
    for row in left:
        by_row[id(row)] = ReviewRow(row=row.row, kind="item", text=row.text, value=row.value.strip(),
                                    remark=row.remark, points=row.points, source=row.source,
                                    labels=[lab.printed for lab in row.path[:-1]])
    rows = [by_row[id(r)] for r in got.rows if id(r) in by_row]
    return SheetReview(unit=got.unit or Path(name).stem or "未命名单位", tier=got.tier, filename=name, rows=rows)


# --- what the rows give ---------------------------------------------------------------------------


def check(review: SheetReview, rubric: Rubric) -> Checked:
    """The awards, problems, findings and (without problems) the score of the rows as they stand."""
    from zhibiao.scoring.tally import _sum
    from zhibiao.sheets import _value

    leaves = {leaf.id: leaf for leaf in rubric.leaves()}
    by_leaf: dict[str, list[ReviewRow]] = {}
    problems: list[Problem] = []
    findings: list[Finding] = []
    awards: dict[str, Decimal | None] = {}
    remarks: dict[str, str] = {}
    for r in review.rows:
        if r.kind != "item" or r.how == "ignored":
            continue
        if r.leaf is None or r.leaf not in leaves:
            problems.append(Problem("unmatched", r.row, None, f"第 {r.row} 行“{_short(r.text)}”没有对应到目录中的任何"
                                                              "末级指标：请为它指定指标，或标为不计入。"))
            continue
        by_leaf.setdefault(r.leaf, []).append(r)
    for ident, leaf in leaves.items():
        rows = by_leaf.get(ident, [])
        label = _short(leaf.label(""))
        if not rows:
            problems.append(Problem("missing", None, ident, f"指标 {ident}“{label}”在表中没有对应的行（可能被删除，"
                                                             "或文字改动过大）：请把表中相应的行指定给它。"))
            continue
        if len(rows) > 1:
            problems.append(Problem("duplicate", rows[1].row, ident, f"指标 {ident}“{label}”对应了表中多行（第 "
                                    + "、".join(str(r.row) for r in rows) + " 行）：每项指标只能对应一行。"))
            continue
        r = rows[0]
        points = leaf.points
        assert points is not None  # scorable leaves: the app scores only catalogues whose leaves all have points
        if r.remark:
            remarks[ident] = r.remark
        state, value = _value(r.value)
        where = f"第 {r.row} 行（指标 {ident}）"
        if state == "na":
            awards[ident] = None
        elif state == "empty":
            problems.append(Problem("empty", r.row, ident, f"{where}得分为空：请填写得分，不适用的填“不适用”。"))
        elif state == "bad" or value is None:
            problems.append(Problem("bad", r.row, ident, f"{where}得分“{_short(r.value, 12)}”不是数字。"))
        elif value < 0:
            problems.append(Problem("negative", r.row, ident, f"{where}得分 {dec_str(value)} 为负数。"))
        elif value > points:
            problems.append(Problem("over", r.row, ident, f"{where}得分 {dec_str(value)} 分超过该项分值 "
                                                          f"{dec_str(points)} 分。"))
        else:
            awards[ident] = value
        if r.how in ("text", "elsewhere") and r.similarity < 100:
            findings.append(finding("sheet_row_retyped", indicator=ident, source=r.source, sheet=review.filename,
                                    row=r.row, id=ident, similarity=r.similarity, text=_short(r.text, 60)))
        if r.points is not None and r.points != points:
            findings.append(finding("sheet_points_differ", indicator=ident, source=r.source, sheet=review.filename,
                                    row=r.row, id=ident, points_sheet=r.points, points=points))
    nodes = {ind.id: ind for ind in rubric.walk()}
    for r in review.rows if not problems else ():  # as zhibiao score: the sheet's sums once its items are valid
        if r.kind != "subtotal":
            continue
        state, stated = _value(r.value)
        if state != "number" or stated is None or (r.leaf is not None and r.leaf not in nodes):
            continue
        under = [leaf.id for leaf in nodes[r.leaf].leaves()] if r.leaf is not None else list(leaves)
        items = _sum(awards.get(i) or Decimal(0) for i in under)
        if stated != items:
            if r.leaf is None:
                findings.append(finding("sheet_total_mismatch", source=r.source, sheet=review.filename, row=r.row,
                                        stated=stated, items=items))
            else:
                findings.append(finding("sheet_subtotal_mismatch", indicator=r.leaf, source=r.source,
                                        sheet=review.filename, row=r.row, id=r.leaf,
                                        label=nodes[r.leaf].label(r.leaf), stated=stated, items=items))
    assessment = result = None
    if not problems:
        assessment = Assessment(unit=review.unit, path=review.filename, awards=awards, remarks=remarks,
                                findings=tuple(findings), tier=review.tier)
        result = score(rubric, assessment)
    return Checked(awards, by_leaf, problems, findings, assessment, result)


# --- the fixes ------------------------------------------------------------------------------------


def _item_row(review: SheetReview, number: int) -> ReviewRow:
    r = review.row(number)
    if r is None:
        raise InvalidEdit(None, f"no row {number} in the sheet", reason="sheet_row_unknown", row=number)
    return r


def leaf_choices(rubric: Rubric) -> list[tuple[str, str]]:
    """(leaf id, its label) of every leaf a row may be aligned to, in document order."""
    return [(leaf.id, _short(leaf.label(""), 40)) for leaf in rubric.leaves()]


def set_leaf(review: SheetReview, number: int, leaf: str, rubric: Rubric) -> tuple[str, str, list[int]]:
    """Align row ``number`` to ``leaf`` (IGNORED: not an item; "": no leaf); a row that held that leaf loses it.
    Returns (old, new, the rows that lost it); InvalidEdit for a row that is not an item row or an unknown leaf."""
    r = _item_row(review, number)
    if r.kind != "item":
        raise InvalidEdit(None, f"row {number} is a subtotal row", reason="sheet_row_subtotal", row=number)
    leaf = leaf.strip()
    leaves = {x.id for x in rubric.leaves()}
    if leaf and leaf != IGNORED and leaf not in leaves:
        raise InvalidEdit(None, f"{leaf} is not a leaf indicator of the catalogue", reason="sheet_leaf_unknown",
                          id=leaf)
    old = IGNORED if r.how == "ignored" else (r.leaf or "")
    if old == leaf:
        raise InvalidEdit(None, f"row {number} is already aligned so", reason="sheet_unchanged", row=number)
    lost = []
    if leaf and leaf != IGNORED:
        for other in review.rows:
            if other is not r and other.kind == "item" and other.leaf == leaf and other.how != "ignored":
                other.leaf, other.how, other.similarity = None, "none", 0
                lost.append(other.row)
    r.leaf = leaf if leaf and leaf != IGNORED else None
    r.how = "ignored" if leaf == IGNORED else ("reviewer" if leaf else "none")
    r.similarity = 0
    return old, leaf, lost


def set_value(review: SheetReview, number: int, value: str, rubric: Rubric) -> tuple[str, str]:
    """Set row ``number``'s 得分 (a number of points up to its leaf's, or 不适用); returns (old, new). InvalidEdit
    (sheet_value_invalid, sheet_value_over) for anything else."""
    from zhibiao.sheets import _value

    r = _item_row(review, number)
    value = " ".join(value.split())
    state, parsed = _value(value)
    if state == "empty" or state == "bad" or (parsed is not None and parsed < 0):
        raise InvalidEdit(None, f"not a number of points: {value!r}", reason="sheet_value_invalid", value=value)
    if r.kind == "item" and parsed is not None and r.leaf is not None:
        leaf: Indicator | None = next((x for x in rubric.leaves() if x.id == r.leaf), None)
        if leaf is not None and leaf.points is not None and parsed > leaf.points:
            raise InvalidEdit(None, f"{value} is more than the item's {dec_str(leaf.points)} points",
                              reason="sheet_value_over", value=value, points=dec_str(leaf.points), id=r.leaf)
    text = "不适用" if state == "na" else dec_str(parsed) if parsed is not None else value
    if text == r.value:
        raise InvalidEdit(None, f"row {number} already has this value", reason="sheet_unchanged", row=number)
    old, r.value = r.value, text
    return old, text
