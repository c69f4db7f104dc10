"""Filled-in score sheets (自评表 / 考核评分表): a unit's copy of the rubric table with its 得分 column filled in,
read and aligned to the verified catalogue's leaves.

A sheet is read with the same readers as a notice (``extract.read`` -> Layout) and its tables become grids with
column roles as a rubric's do (``normalize.grid``: header rows, label columns, 分值, 得分, 评分标准, 备注); nothing
here depends on the format. Each body row gives its label path (the label cells over it, outer to inner, merged
cells included), its 序号, the 得分 cell and the remarks cells (扣分原因, 说明, 备注).

Alignment (every leaf is matched once, or reported missing):

1. the row's outer labels are walked down the catalogue (same clause number, else the most similar text among
   the children; a label the sheet does not print is looked for further down) to the row's parent;
2. within that parent, a row whose number (its marker or 序号) is a leaf's matches it directly, unless the texts
   disagree (a renumbered row);
3. the rest by text similarity (rapidfuzz), as one assignment per parent; a row left over may still match a leaf
   elsewhere whose text it repeats closely.

Rows naming a label (一、组织领导（20分）, 小计, 合计) are the sheet's own subtotals: compared with the sum of its
items, a difference is a finding (units often add wrong). A value above the item's points, a negative one, a value
that is not a number, an empty 得分, a row that matches no leaf and a leaf no row matches are errors naming the
sheet, the row and its text (``InvalidAssessment``, exit 6): nothing is scored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from zhibiao.errors import BadInput, InputNotFound, InvalidAssessment, InvalidSheet
from zhibiao.findings import finding
from zhibiao.model import Finding, Indicator, Rubric, Source, Table, dec_str
from zhibiao.normalize.cleanup import clean, squash
from zhibiao.normalize.columns import bare_number, header_role
from zhibiao.normalize.grid import TOTAL_LABEL, Grid, build_grid
from zhibiao.normalize.numbering import parse_marker
from zhibiao.normalize.points import column_points, find_points
from zhibiao.scoring.assessment import Assessment, _listing
from zhibiao.scoring.tiers import TIER_HEADERS

__all__ = ["SHEET_SUFFIXES", "NOT_APPLICABLE", "SheetRow", "AlignedRow", "read_sheet", "sheet_rows", "align",
           "align_rows", "is_id_csv", "similarity"]

SHEET_SUFFIXES = {".xlsx", ".docx", ".pdf", ".html", ".htm", ".csv", ".txt"}
NOT_APPLICABLE = {"不适用", "不涉及", "n/a", "na", "—", "——", "–", "-", "－", "/", "／", "\\"}
NUMBER_MIN = 40  # a row numbered as a leaf matches it unless their texts are less similar than this (0–100)
TEXT_MIN = 60  # a row matches a leaf of its parent by text from this similarity on
ELSEWHERE_MIN = 80  # … and a leaf outside its parent only from this one
LABEL_MIN = 80  # a row with no value of its own names a label (a band, a subtotal row) from this similarity on
_SHOWN = 20

# a remarks column: 扣分原因, 扣分理由, 说明, 备注, 情况说明, 存在问题 (佐证材料 is evidence, not a remark)
_REMARK = re.compile(r"原因|理由|说明|备注|情况|问题|意见|扣分依据")
_DEDUCTION = re.compile(r"^(?:实?扣分|扣分数|扣分值|扣除分)$")  # a column of points taken off, not awarded
_SCORE_PRIORITY = re.compile(r"考核|考评|复核|审核|核定|评定|实得")  # the assessor's column beats the unit's own
_TOTAL = re.compile(r"^(?:" + "|".join(TOTAL_LABEL) + r"|得分合计|合计得分|总得分|小计得分)$")
_UNIT = re.compile(r"(?:填报|报送|自评|被考核|被考评|被评|参评|考核|申报|责任)?单位(?:名称)?\s*[：:]\s*"
                   r"(?P<name>[^\s，,；;。（(：:]{2,40}?)(?=\s|$|[，,；;。（(]|填报|报送|日期|时间|联系|电话|负责人)")
_TIER = re.compile(r"(?:单位)?(?:层级|层次|类别|类型)\s*[：:]\s*(?P<tier>[^\s，,；;。（(：:]{1,12})")
_ORGAN_TITLE = re.compile(r"^(?P<name>\S{2,30}?(?:局|委|办|院|厅|部|中心|政府|街道|办事处|镇|乡|所|队|委员会|室|处|"
                          r"科|站|馆|公司|学校|医院))\s*(?:20[0-9]{2}|二〇|[(（][0-9]{4})")
_PUNCT = re.compile(r"[\s，,。．.、；;：:！!？?（）()【】\[\]《》“”\"'‘’·…—\-－/／]+")


# --- what a sheet row is ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """One label cell of a row as printed, and what it says: clause number, text, points."""

    printed: str
    key: tuple[bool, str, int] | None  # (bracketed, numeral kind, number) of its clause number
    text: str  # marker and points taken off, punctuation and spaces too (what similarity compares)
    points: Decimal | None


@dataclass(frozen=True)
class SheetRow:
    """A body row of a score sheet."""

    row: int  # 1-based, counted from the sheet table's first row (its header included)
    source: Source
    path: tuple[Label, ...]  # the label cells over the row, outer to inner (merged cells included)
    number: tuple[bool, str, int] | None  # its 序号
    points: Decimal | None  # its 分值 (column or points bracket)
    value: str  # the 得分 cell as printed
    remark: str  # the remarks cells, joined
    criteria: str  # its 评分标准 cell(s): compared as well when the catalogue leaf has 评分标准

    @property
    def label(self) -> Label:
        return self.path[-1]

    @property
    def text(self) -> str:
        """The row's own text as printed (for messages)."""
        return self.path[-1].printed if self.path else ""


@dataclass(frozen=True)
class AlignedRow:
    """A leaf and the sheet row it was aligned to: how (number, text, elsewhere), the similarity of their texts."""

    id: str
    row: int
    how: str
    similarity: int
    sheet_text: str
    value: str
    remark: str
    source: Source | None = None


@dataclass
class _Read:
    """What one sheet gives: the rows, the unit, the tier, and what is wrong."""

    rows: list[SheetRow]
    unit: str | None
    tier: str | None
    problems: list[str] = field(default_factory=list)


# --- text ------------------------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _key(marker) -> tuple[bool, str, int] | None:
    """A clause number, punctuation aside: （一） and (一) alike, 1. and 1、 alike."""
    if marker is None:
        return None
    raw = marker.text
    bracketed = any(ch in raw for ch in "（(【[")
    kind = "arabic" if any(ch.isdigit() for ch in _nfkc(raw)) else "circled" if raw[:1] in "①②③④⑤⑥⑦⑧⑨⑩" \
        else "article" if marker.style == "article" else "chinese"
    return bracketed, kind, marker.number


_BARE = re.compile(r"^([0-9]{1,3})[ \u3000]+(?=[^0-9.．、])")  # a bare 序号 before the text: "3 建立…"


def _label(printed: str) -> Label:
    text = re.sub(r"\s+", " ", printed).strip()
    bare = _BARE.match(text)
    if bare is not None:  # "3 建立…": the number a narrow column or the unit put before the text
        text = f"{bare.group(1)}、{text[bare.end():]}"
    text = clean(text)
    marker = parse_marker(text, 0)
    body = text[marker.end:] if marker is not None and marker.style != "article" else text
    if marker is None:
        number = bare_number(text)
        if number is not None:  # a cell that is only a number (a 序号 printed in a label column)
            return Label(printed, _key(number), "", None)
    bracket = find_points(body)
    points = None
    if bracket is not None:
        points = bracket.points
        body = body[:bracket.start] + body[bracket.end:]
    return Label(printed, _key(marker) if marker is not None and marker.style != "article" else None,
                 _PUNCT.sub("", _nfkc(body)), points)


def similarity(a: str, b: str) -> int:
    """How alike two texts are, 0–100 (rapidfuzz): the edit ratio, or for a shortened text the best partial
    match a little discounted."""
    from rapidfuzz import fuzz

    if not a or not b:
        return 0
    score = fuzz.ratio(a, b)
    if min(len(a), len(b)) >= 6:
        score = max(score, 0.9 * fuzz.partial_ratio(a, b))
    return int(round(score))


def _value(text: str) -> tuple[str, Decimal | None]:
    """A 得分 cell: ('na', None), ('empty', None), ('number', value) or ('bad', None)."""
    t = _nfkc(text).strip().replace(" ", "")
    if not t:
        return "empty", None
    if t.lower() in NOT_APPLICABLE or text.strip() in NOT_APPLICABLE:
        return "na", None
    t = t.removesuffix("分")
    if re.fullmatch(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", t):
        try:
            return "number", Decimal(t)
        except InvalidOperation:  # pragma: no cover - the pattern only lets decimals through
            pass
    return "bad", None


def _short(text: str, n: int = 30) -> str:
    t = clean(text)
    return t if len(t) <= n else t[: n - 1] + "…"


def _where(row: SheetRow) -> str:
    src = row.source
    at = f" [{src.locator}]" if src.locator else (" p." + ",".join(map(str, src.pages)) if src.pages else "")
    return f"row {row.row}{at} ({_short(row.text)!r})"


# --- reading ---------------------------------------------------------------------------------------


def _columns(grid: Grid) -> tuple[int | None, list[int], int | None, list[int], int | None, list[int]]:
    """The columns that matter: 得分, remarks, 分值, 评分标准, 序号 and tier."""
    headers = [squash(h) for h in grid.header]
    scores, remarks, criteria, tier_cols = [], [], [], []
    points = number = None
    for col in grid.columns:
        h = headers[col.index]
        if h and _REMARK.search(h) and not re.search(r"得分$|分值$", h):
            remarks.append(col.index)
        elif h and h.lower() in TIER_HEADERS:
            tier_cols.append(col.index)
        elif h and _DEDUCTION.match(h):
            continue
        elif col.role == "score" or (h and header_role(h) == "score"):
            scores.append(col.index)
        elif col.role == "points" and points is None and (not h or header_role(h) == "points"):
            points = col.index
        elif col.role == "criteria":
            criteria.append(col.index)
        elif col.role == "number" and number is None:
            number = col.index
    body = range(grid.header_rows, grid.n_rows)

    def filled(k: int) -> int:
        return sum(1 for r in body if (c := grid.at(r, k)) is not None and c.row == r and _value(c.text)[0] in
                   ("number", "na"))

    score = None
    if scores:
        used = [k for k in scores if filled(k)] or scores
        preferred = [k for k in used if _SCORE_PRIORITY.search(headers[k])]
        score = (preferred or used)[-1]  # the assessor's column, else the rightmost filled one
    else:  # no 得分 header: the rightmost numeric column right of 分值 (content tells)
        numeric = [c.index for c in grid.columns if c.role == "points" and c.index != points
                   and c.index not in remarks and filled(c.index)]
        right = [k for k in numeric if points is None or k > points]
        if right:
            score = right[-1]
        if points is None and len(numeric) >= 2:
            points = numeric[0]
    return score, remarks, points, criteria, number, tier_cols


def _grid_rows(grid: Grid, row_base: int) -> tuple[list[SheetRow], str | None]:
    score, remarks, points_col, criteria, number_col, tier_cols = _columns(grid)
    if score is None:
        return [], None
    labels = [k for k in grid.label_columns() if k not in (score, points_col, *remarks, *criteria, *tier_cols)]
    rows: list[SheetRow] = []
    tier = None
    for r in range(grid.header_rows, grid.n_rows):
        if r in grid.repeated_headers:
            continue
        own = grid.starting(r)
        if not own:
            continue
        path: list[Label] = []
        seen: list[int] = []
        for k in labels:
            c = grid.at(r, k)
            if c is None or c.empty or id(c) in seen:
                continue
            seen.append(id(c))
            path.append(_label(c.text))
        cell = grid.at(r, score)
        value = cell.text if cell is not None and cell.row == r else ""
        if not path and not value.strip():
            continue
        number = None
        if number_col is not None and (nc := grid.at(r, number_col)) is not None and nc.row == r:
            number = _key(bare_number(clean(nc.text)))
        pts = None
        if points_col is not None and (pc := grid.at(r, points_col)) is not None and pc.row == r:
            parsed = column_points(clean(pc.text))
            pts = parsed[0] if parsed else None
        if pts is None and path:
            pts = path[-1].points
        remark = "；".join(clean(c.text) for k in remarks if (c := grid.at(r, k)) is not None and c.row == r
                          and clean(c.text))
        crit = " ".join(clean(c.text) for k in criteria if (c := grid.at(r, k)) is not None and clean(c.text))
        for k in tier_cols:
            if tier is None and (c := grid.at(r, k)) is not None and clean(c.text):
                tier = clean(c.text)
        if not path:
            path = [_label("")]
        rows.append(SheetRow(row=row_base + r + 1, source=own[0].source, path=tuple(path), number=number,
                             points=pts, value=value, remark=remark, criteria=_PUNCT.sub("", _nfkc(crit))))
    return rows, tier


def sheet_rows(layout) -> _Read:
    """The score rows of a sheet's layout (every table with a 得分 column), its unit and tier as it names them."""
    rows: list[SheetRow] = []
    tier = None
    base = 0
    for i, block in enumerate(layout.blocks):
        if not isinstance(block, Table):
            continue
        grid = build_grid(block, i)
        if grid is None:
            continue
        found, own_tier = _grid_rows(grid, base)
        rows.extend(found)
        tier = tier or own_tier
        base += grid.n_rows
    texts = [b.text for b in layout.blocks if not isinstance(b, Table)]
    texts += [c.text for b in layout.blocks if isinstance(b, Table) for c in b.cells if "：" in c.text or ":" in c.text]
    unit = None
    for t in texts:
        m = _UNIT.search(re.sub(r"\s+", " ", t).strip())
        if m:
            unit = m.group("name")
            break
    if unit is None:
        for t in texts[:8]:
            m = _ORGAN_TITLE.match(clean(t))
            if m:
                unit = m.group("name")
                break
    if tier is None:
        for t in texts:
            m = _TIER.search(clean(t))
            if m:
                tier = m.group("tier")
                break
    return _Read(rows, unit, tier)


# --- alignment -------------------------------------------------------------------------------------


@dataclass(eq=False)  # compared by identity: a node's fields hold whole indicator subtrees
class _Node:
    ind: Indicator | None  # None: the rubric itself
    children: list[_Node]
    key: tuple[bool, str, int] | None
    text: str
    leaves: list[Indicator]

    def descendants(self):
        for c in self.children:
            yield c
            yield from c.descendants()


def _tree(rubric: Rubric) -> tuple[_Node, dict[str, _Node]]:
    by_id: dict[str, _Node] = {}

    def node(ind: Indicator) -> _Node:
        kids = [node(c) for c in ind.children]
        lab = _label(ind.label(""))
        n = _Node(ind, kids, lab.key, _PUNCT.sub("", _nfkc(clean(ind.text))) or lab.text,
                  [ind] if not kids else [leaf for k in kids for leaf in k.leaves])
        by_id[ind.id] = n
        return n

    tops = [node(i) for i in rubric.indicators]
    return _Node(None, tops, None, "", [leaf for t in tops for leaf in t.leaves]), by_id


def _step(at: _Node, lab: Label) -> _Node | None:
    """The label under `at` a printed label names: same number (texts not at odds), else the most similar text."""
    inner = [c for c in at.children if c.children]
    if lab.key is not None:
        same = [c for c in inner if c.key == lab.key]
        if len(same) == 1 and (not lab.text or similarity(lab.text, same[0].text) >= NUMBER_MIN):
            return same[0]
    if not lab.text:
        return None
    best = max(inner, key=lambda c: similarity(lab.text, c.text), default=None)
    if best is not None and similarity(lab.text, best.text) >= TEXT_MIN:
        return best
    seen = {id(c) for c in inner}
    deeper = [d for d in at.descendants() if d.children and id(d) not in seen]
    best = max(deeper, key=lambda c: similarity(lab.text, c.text), default=None)
    if best is not None and similarity(lab.text, best.text) >= ELSEWHERE_MIN:
        return best
    return None


def _row_similarity(row: SheetRow, leaf: Indicator, node: _Node) -> int:
    s = similarity(row.label.text, node.text)
    if row.criteria and leaf.criteria:
        s = max(s, similarity(row.label.text + row.criteria,
                              node.text + _PUNCT.sub("", _nfkc(clean(leaf.criteria)))))
    return s


def align(rows: list[SheetRow], rubric: Rubric, sheet: str, tree: tuple[_Node, dict[str, _Node]] | None = None):
    """Rows -> (leaf id -> (row, how, similarity), subtotal rows [(label id or None, row)], problems)."""
    root, by_id = tree = tree or _tree(rubric)
    matched, subtotals, left = align_rows(rows, rubric, tree)
    problems: list[str] = []
    for row in left:
        near = max(root.leaves, key=lambda leaf: _row_similarity(row, leaf, by_id[leaf.id]), default=None)
        hint = ""
        if near is not None and _row_similarity(row, near, by_id[near.id]) >= TEXT_MIN:
            taken = matched.get(near.id)
            hint = f" (nearest: {near.id} {_short(near.label(''))!r}" + (
                f", already matched by row {taken[0].row})" if taken else ")")
        problems.append(f"{_where(row)}: matches no leaf indicator of the catalogue{hint}")
    return matched, subtotals, problems


def align_rows(rows: list[SheetRow], rubric: Rubric, tree: tuple[_Node, dict[str, _Node]] | None = None):
    """Rows -> (leaf id -> (row, how, similarity), subtotal rows [(label id or None, row)], the item rows that
    match no leaf); label rows (bands) are in none of them."""
    root, by_id = tree or _tree(rubric)
    groups: dict[int, tuple[_Node, list[SheetRow]]] = {}
    subtotals: list[tuple[str | None, SheetRow]] = []
    context: _Node | None = None
    for row in rows:
        at = root
        for lab in row.path[:-1]:
            nxt = _step(at, lab)
            if nxt is not None:
                at = nxt
        if len(row.path) == 1 and context is not None and at is root:
            at = context
        lab = row.label
        state = _value(row.value)[0]
        if _TOTAL.match(lab.text) or (not lab.text and lab.key is None and state == "number"):
            if len(row.path) == 1 and not lab.text.startswith("小计"):
                at = root  # 合计, 总分 across the label columns: the whole sheet, whatever band came last
            subtotals.append((at.ind.id if at.ind is not None else None, row))
            continue
        named = None
        if lab.text:  # a label of the parent reached, else of any level (a band row across the table)
            found = [n for n in ((_step(at, lab) if at is not root and at.children else None), _step(root, lab))
                     if n is not None]
            named = max(found, key=lambda n: similarity(lab.text, n.text), default=None)
        if named is not None and similarity(lab.text, named.text) >= LABEL_MIN:
            best_leaf = max((similarity(lab.text, by_id[leaf.id].text) for leaf in named.leaves), default=0)
            if best_leaf < similarity(lab.text, named.text):
                context = named  # a band or a label row: what follows without outer labels is under it
                if state != "empty":
                    subtotals.append((named.ind.id if named.ind is not None else None, row))
                continue
        groups.setdefault(id(at), (at, []))[1].append(row)
    matched: dict[str, tuple[SheetRow, str, int]] = {}
    left: list[SheetRow] = []
    for node, members in groups.values():
        free = [leaf for leaf in node.leaves if leaf.id not in matched]
        rest = []
        for row in members:
            key = row.label.key or row.number
            same = [leaf for leaf in free if by_id[leaf.id].key == key] if key is not None else []
            if same:
                best = max(same, key=lambda leaf: _row_similarity(row, leaf, by_id[leaf.id]))
                sim = _row_similarity(row, best, by_id[best.id])
                if sim >= NUMBER_MIN or not row.label.text:
                    matched[best.id] = (row, "number", sim)
                    free = [leaf for leaf in free if leaf is not best]
                    continue
            rest.append(row)
        left += _assign(rest, free, by_id, matched, "text", TEXT_MIN)
    if left:
        free = [leaf for leaf in root.leaves if leaf.id not in matched]
        left = _assign(left, free, by_id, matched, "elsewhere", ELSEWHERE_MIN)
    return matched, subtotals, left


def _assign(rows: list[SheetRow], leaves: list[Indicator], by_id, matched, how: str, floor: int) -> list[SheetRow]:
    """Match rows to leaves by text as one assignment (the largest total similarity); return the rows left."""
    if not rows or not leaves:
        return rows
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    sims = np.array([[_row_similarity(r, leaf, by_id[leaf.id]) for leaf in leaves] for r in rows], dtype=float)
    ri, ci = linear_sum_assignment(sims, maximize=True)
    done = set()
    for i, j in zip(ri, ci):
        if sims[i, j] >= floor:
            matched[leaves[j].id] = (rows[i], how, int(sims[i, j]))
            done.add(i)
    return [r for i, r in enumerate(rows) if i not in done]


# --- a sheet as an assessment ----------------------------------------------------------------------


def is_id_csv(path: Path) -> bool:
    """A CSV that is the hand-made assessment (id,awarded), not a sheet: its first non-blank line names id and
    awarded, or holds no Chinese at all (a CSV with a wrong header is then refused as such)."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    if b"\x00" in head:
        return True  # UTF-16 or binary: refused as the CSV it claims to be
    head = head[: head.rfind(b"\n") + 1] or head  # whole lines only: a character cut in two does not decode
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    first = next((line for line in text.splitlines() if line.strip(" ,;\t")), "")
    names = [c.strip().lower() for c in re.split(r"[,;\t]", first)]
    return ("id" in names and "awarded" in names) or not re.search(r"[\u4e00-\u9fff]", first)


def _exact_sum(values) -> Decimal:
    from zhibiao.scoring.tally import _sum

    return _sum(values)


def read_sheet(path: str | Path, rubric: Rubric, leaves: dict[str, Indicator], *,
               limit: int | None = None) -> Assessment:
    """One filled-in sheet as an assessment of the rubric; InvalidAssessment lists every row at fault."""
    awards, problems, assessment = _sheet(Path(path), rubric, leaves, limit, unreadable="raise")
    if problems:
        raise InvalidSheet(str(path), f"{len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems))
    assert assessment is not None
    return assessment


def _sheet(path: Path, rubric: Rubric, leaves: dict[str, Indicator], limit: int | None, unreadable: str = "report"):
    """(awards, problems, the assessment or None): what read_sheet and a folder batch share. A file the readers
    refuse (damaged, a scan without a text layer …) is raised as such (exit 3) with unreadable="raise", else one
    problem of the folder's listing."""
    from zhibiao import extract

    if path.is_dir():
        raise InputNotFound(str(path), "a folder, not a score sheet")
    name = path.name
    try:
        layout = extract.read(path, limit=limit)
    except BadInput as exc:
        if unreadable == "raise":
            raise
        return {}, [f"cannot be read: {exc.message().removeprefix(str(path) + ': ')}"], None
    got = sheet_rows(layout)
    if not got.rows:
        if path.suffix.lower() == ".csv":  # no sheet: what is wrong with it as the hand-made id,awarded CSV
            from zhibiao.scoring.assessment import _problems

            return {}, _problems(path, leaves)[1] or ["the header must be id,awarded"], None
        return {}, ["no table with a 得分 column (自评得分, 考核得分, 得分 …) and indicator rows in the sheet"], None
    tree = _tree(rubric)
    matched, subtotals, problems = align(got.rows, rubric, name, tree)
    awards: dict[str, Decimal | None] = {}
    remarks: dict[str, str] = {}
    findings: list[Finding] = []
    aligned = []
    for ident, leaf in leaves.items():
        if ident not in matched:
            continue
        row, how, sim = matched[ident]
        aligned.append(AlignedRow(ident, row.row, how, sim, row.text, row.value, row.remark, row.source))
        if row.remark:
            remarks[ident] = row.remark
        if how != "number" and sim < 100:
            findings.append(finding("sheet_row_retyped", indicator=ident, source=row.source, sheet=name,
                                    row=row.row, id=ident, similarity=sim, text=_short(row.text, 60)))
        points = leaf.points
        assert points is not None  # scorable_leaves
        if row.points is not None and row.points != points:
            findings.append(finding("sheet_points_differ", indicator=ident, source=row.source, sheet=name,
                                    row=row.row, id=ident, points_sheet=row.points, points=points))
        state, value = _value(row.value)
        where = _where(row)
        if state == "na":
            awards[ident] = None
        elif state == "empty":
            problems.append(f"{where}: 得分 is empty (a number of points, or 不适用)")
        elif state == "bad" or value is None:
            problems.append(f"{where}: 得分 {clean(row.value)!r} is not a number (or 不适用)")
        elif value < 0:
            problems.append(f"{where}: 得分 {dec_str(value)} is negative")
        elif value > points:
            problems.append(f"{where}: 得分 {dec_str(value)} is more than the item's {dec_str(points)} points "
                            f"({ident})")
        else:
            awards[ident] = value
    missing = [i for i in leaves if i not in matched]
    if missing:
        problems.append(f"{len(missing)} leaf indicator(s) no row of the sheet matches (deleted, or retyped beyond "
                        "recognition; give each a row, 不适用 if it does not apply): "
                        + _listing([f"{i} {_short(leaves[i].label(''), 24)}" for i in missing]))
    if len(problems) > _SHOWN:
        problems = problems[:_SHOWN] + [f"… and {len(problems) - _SHOWN} more"]
    if problems:
        return awards, problems, None
    by_id = tree[1]
    for ident, row in subtotals:
        state, stated = _value(row.value)
        if state != "number" or stated is None:
            continue
        under = [leaf.id for leaf in (by_id[ident].leaves if ident is not None else leaves.values())]
        items = _exact_sum(awards.get(i) or Decimal(0) for i in under)
        if stated != items:
            if ident is None:
                findings.append(finding("sheet_total_mismatch", source=row.source, sheet=name, row=row.row,
                                        stated=stated, items=items))
            else:
                label = by_id[ident].ind
                assert label is not None
                findings.append(finding("sheet_subtotal_mismatch", indicator=ident, source=row.source, sheet=name,
                                        row=row.row, id=ident, label=label.label(ident), stated=stated, items=items))
    unit = got.unit or path.stem
    return awards, [], Assessment(unit=unit, path=str(path), awards=awards, remarks=remarks,
                                  findings=tuple(findings), tier=got.tier, rows=tuple(aligned))


# --- a folder of sheets ----------------------------------------------------------------------------

FOLDER_SUFFIXES = SHEET_SUFFIXES - {".txt"}  # a folder's .txt files are notes, not sheets (a single one is read)


def folder_files(folder: Path) -> list[Path]:
    """The assessments in a folder: CSVs and score sheets (XLSX, DOCX, PDF, HTML), hidden and ~$ lock files aside."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES
                  and not p.name.startswith((".", "~$")))


@dataclass(frozen=True)
class ReadSheets:
    """The task of a folder of sheets: read and align a chunk of them (plain values: pickled to Dask workers).
    Each result is (path, assessment or None, problems)."""

    rubric: Rubric
    leaves: tuple[str, ...]
    limit: int | None = None

    def __call__(self, paths: list[str]) -> list[tuple[str, Assessment | None, list[str]]]:
        leaves = {leaf.id: leaf for leaf in self.rubric.leaves() if leaf.id in set(self.leaves)}
        out = []
        for p in paths:
            _, problems, assessment = _sheet(Path(p), self.rubric, leaves, self.limit)
            out.append((p, assessment, problems))
        return out


def read_mixed_folder(folder: str | Path, rubric: Rubric, leaves: dict[str, Indicator], *, workers: int = 1,
                      scheduler: str | None = None, limit: int | None = None) -> list[Assessment]:
    """Every assessment in a folder: id,awarded CSVs (unit = file stem) and filled-in sheets (unit as the sheet
    names it), the sheets read on `workers` Dask workers or a scheduler; InvalidAssessment names every bad file,
    and two files naming the same unit."""
    from zhibiao import batch
    from zhibiao.scoring.assessment import _detail, _problems

    folder = Path(folder)
    files = folder_files(folder)
    if not files:
        raise InputNotFound(str(folder), "no assessment .csv files (nor score sheets: .xlsx, .docx, .pdf, "
                                        ".html) in this folder")
    results: dict[str, tuple[Assessment | None, list[str]]] = {}
    sheets = []
    for path in files:
        if is_id_csv(path) or path.suffix.lower() == ".csv" and not path.stat().st_size:
            awards, problems = _problems(path, leaves)
            results[str(path)] = (None if problems else Assessment(unit=path.stem, path=str(path), awards=awards),
                                  problems)
        else:
            sheets.append(str(path))
    if sheets:
        task = ReadSheets(rubric, tuple(leaves), limit)
        for p, assessment, problems in batch.map_chunks(task, sheets, workers=workers, scheduler=scheduler,
                                                        chunk=20):
            results[p] = (assessment, problems)
    good: list[Assessment] = []
    bad: list[str] = []
    by_unit: dict[str, str] = {}
    for path in files:
        assessment, problems = results[str(path)]
        if problems or assessment is None:
            bad.append(f"  {path}: " + _detail(problems).replace("\n", "\n  "))
            continue
        if assessment.unit in by_unit:
            bad.append(f"  {path}: names the unit {assessment.unit!r}, as {by_unit[assessment.unit]} does "
                       "(one assessment per unit: remove one, or correct the unit line 填报单位：…)")
            continue
        by_unit[assessment.unit] = str(path)
        good.append(assessment)
    if bad:
        raise InvalidAssessment(str(folder), f"{len(bad)} of {len(files)} file(s) invalid, nothing scored\n"
                                + "\n".join(bad))
    return good


# --- what the command prints -----------------------------------------------------------------------


def sheet_json(a: Assessment) -> dict:
    """The --json "sheet" object: the unit, each leaf's row (how it was aligned), remarks and findings."""
    return {
        "unit": a.unit,
        "tier": a.tier,
        "rows": [{"id": r.id, "row": r.row, "how": r.how, "similarity": r.similarity, "text": r.sheet_text,
                  "value": r.value.strip(), "remark": r.remark} for r in a.rows],
        "findings": [f.model_dump(mode="json", exclude_none=True) for f in a.findings],
    }


def sheet_report(a: Assessment) -> str:
    """The lines `zhibiao score CATALOGUE SHEET` prints after the table: unit, alignment, the sheet's own
    findings and the remarks."""
    hows = {h: sum(1 for r in a.rows if r.how == h) for h in ("number", "text", "elsewhere")}
    lines = [f"sheet: unit {a.unit}" + (f", tier {a.tier}" if a.tier else "")
             + f"; {len(a.rows)} item row(s) aligned: {hows['number']} by number, {hows['text']} by text"
             + (f", {hows['elsewhere']} by text outside their parent" if hows["elsewhere"] else "")]
    for f in a.findings:
        lines.append(f"  {f.severity}: {f.code}: {f.message}")
    if a.remarks:
        lines.append("remarks (扣分原因 / 说明):")
        lines += [f"  {ident}: {text}" for ident, text in a.remarks.items()]
    return "\n".join(lines)
