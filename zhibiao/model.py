"""The one record model that crosses every stage: layout in, catalogue out."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Final, Literal, NamedTuple

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)

# the rules that need no pydantic live in zhibiao/basics.py (the light check of a catalogue file applies them too)
from zhibiao.basics import (
    MAX_INDICATOR_DEPTH,
    MAX_JSON_NESTING,
    POINTS_FRACTION_DIGITS,
    POINTS_INTEGER_DIGITS,
    dec_str,
    first_level_total,
    json_nesting,
    no_cycle_collection,
    source_label,
    to_decimal as _to_decimal,
    tree_problem,
    walk as _walk,
)

__all__ = [
    "ReviewedCrosswalk",
    "SCHEMA_VERSION",
    "IndicatorKind",
    "NumberKind",
    "Direction",
    "DiffOpKind",
    "LinkKind",
    "ChangeKind",
    "StepKind",
    "Side",
    "AreaStatus",
    "READABLE_SCHEMA_VERSIONS",
    "KINDS",
    "LABEL_NOT_PRINTED",
    "Points",
    "POINTS_INTEGER_DIGITS",
    "POINTS_FRACTION_DIGITS",
    "MAX_INDICATOR_DEPTH",
    "MAX_JSON_NESTING",
    "json_nesting",
    "no_cycle_collection",
    "dec_str",
    "Region",
    "Source",
    "Cell",
    "Table",
    "Paragraph",
    "TextParagraph",
    "Block",
    "Layout",
    "Conversion",
    "ReaderNote",
    "Deduction",
    "Indicator",
    "Finding",
    "Rubric",
    "Regulation",
    "DocumentInfo",
    "Verification",
    "Catalogue",
    "Place",
    "CROSSWALK_SCHEMA_VERSION",
    "NumberChange",
    "DiffOp",
    "Evidence",
    "Link",
    "AreaFlow",
    "CrosswalkSide",
    "Crosswalk",
    "Lineage",
    "Chain",
]

SCHEMA_VERSION: Final = "1.4"

# the closed vocabularies of the model's fields, named so code that computes a value can say which it is
IndicatorKind = Literal["scored", "deduction", "bonus", "veto"]
NumberKind = Literal["percent", "time_limit", "deadline", "count", "docnum", "number"]
Direction = Literal["stricter", "looser", "changed", "added", "removed"]
DiffOpKind = Literal["equal", "delete", "insert"]
LinkKind = Literal["one_to_one", "split", "merge", "many_to_many"]
ChangeKind = Literal["text", "points", "parent", "numbers"]
StepKind = Literal["one_to_one", "split", "merge", "many_to_many", "added", "removed"]  # a link's kind, or none
Side = Literal["old", "new"]
AreaStatus = Literal["continued", "renamed", "new", "dropped"]
# 1.1 added Indicator.kind / criteria / notes and Rubric.rows_total / rows_placed; a 1.0 catalogue
# reads as if they had their defaults (every indicator scored, no criteria, no notes).
# 1.2 added Finding.params (the numbers and ids of the message, zhibiao/findings.py); a finding of an
# older catalogue has params None and is shown with its message.
# 1.3 added DocumentInfo.conversion (a legacy .doc/.wps/.xls/.et/.rtf converted by LibreOffice before it
# was read) and the formats ofd, doc, wps, xls, et, rtf; an older catalogue has conversion None.
# 1.4 added Source.confidence (text read by OCR: the lowest recognition confidence of its glyphs) and the
# formats png, jpeg, tiff; an older catalogue's sources have confidence None (read from a text layer).
READABLE_SCHEMA_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4")
KINDS = ("scored", "deduction", "bonus", "veto")
LABEL_NOT_PRINTED = "(label not printed)"  # what the command line and scoring show for a label not printed


Points = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    PlainSerializer(dec_str, return_type=str, when_used="always"),
]


LineNumber = Annotated[int, Field(strict=True, ge=1)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]  # hex digest, lower case


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Region(_Model):
    """A rectangle on a PDF page, in PDF points with the origin at the top-left (pdfplumber's x0, top, x1, bottom)."""

    page: Annotated[int, Field(strict=True, ge=1)]
    bbox: tuple[float, float, float, float]


class Source(_Model):
    """Where a piece of text came from: line range (text), pages and regions (PDF), or a locator (DOCX, HTML)."""

    file: str
    lines: tuple[LineNumber, LineNumber] | None = None  # first and last line, 1-based
    pages: list[Annotated[int, Field(strict=True, ge=1)]] | None = None
    regions: list[Region] | None = None
    locator: str | None = None
    # text read by OCR (a scan, a photo, a garbled text layer): the lowest confidence (0-1) of its glyphs
    confidence: float | None = Field(default=None, ge=0, le=1)

    def span(self, other: Source) -> Source:
        """Return the smallest source covering both (regions on the same page are united)."""
        if self.lines and other.lines:
            lines: tuple[int, int] | None = (min(self.lines[0], other.lines[0]), max(self.lines[1], other.lines[1]))
        else:
            lines = self.lines or other.lines
        pages = sorted(set(self.pages or []) | set(other.pages or [])) or None
        regions = list(self.regions or [])
        for region in other.regions or []:
            for i, mine in enumerate(regions):
                if mine.page == region.page:
                    a, b = mine.bbox, region.bbox
                    regions[i] = Region(page=mine.page, bbox=(min(a[0], b[0]), min(a[1], b[1]),
                                                              max(a[2], b[2]), max(a[3], b[3])))
                    break
            else:
                regions.append(region)
        known = [c for c in (self.confidence, other.confidence) if c is not None]
        return Source(file=self.file, lines=lines, pages=pages, regions=regions or None,
                      locator=self.locator or other.locator, confidence=min(known) if known else None)

    def label(self) -> str:
        """Human-readable location, e.g. 'notice.txt:12-14' or 'notice.pdf p.3,4'."""
        return source_label(self.file, self.lines, self.pages, self.locator)


class Cell(_Model):
    """One logical table cell (merged cells are one cell with spans)."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    page: int | None = None  # page the cell starts on (PDF page; for text conversions, blank-line segment)
    source: Source


class Table(_Model):
    """A table: its logical cells in reading order (row by row).

    ``spans_known``: the file shows where merged cells start and end (DOCX vMerge, HTML rowspan, XLSX
    merged ranges, PDF ruling lines); in a text conversion or a borderless PDF an empty cell may be the
    lower part of a merged cell, and nothing says so. ``columns_known``: a cell's ``col`` is its real
    column (False for text copied from a web page, where the cells a merged cell covers are simply
    absent and ``col`` only counts the cells of the row). ``rows_known``: a row break is printed (False
    for a borderless PDF table, whose rows are guessed from blank space).
    """

    kind: Literal["table"] = "table"
    cells: list[Cell]
    source: Source
    spans_known: bool = True
    columns_known: bool = True
    rows_known: bool = True


class Paragraph(_Model):
    """A paragraph of running text outside tables."""

    kind: Literal["paragraph"] = "paragraph"
    text: str
    source: Source


_TEXT_SOURCE_SET = {"file", "lines"}  # the fields a text paragraph's Source sets (one set shared by all)
_TEXT_PARAGRAPH_SET = {"text", "source"}


class TextParagraph(Paragraph):
    """A Paragraph of a plain-text notice in a compact form: its text, file and first and last line in four
    slots (about 100 bytes with its line numbers) instead of a model's field dict and a Source of its own
    (about 650): a 49 MiB text notice has some 350,000 paragraphs. It is a Paragraph everywhere one is
    used (``isinstance``, ``text``, ``kind``, dumps, validation, equality with a Paragraph of the same
    values); its ``source`` is made when asked for (a new, equal Source each time). Read-only: a copy
    with changes (``model_copy(update=…)``) is a plain Paragraph."""

    __slots__ = ("_text", "_file", "_first", "_last")
    if TYPE_CHECKING:  # the slots' types, for the type checker only (pydantic would make them private attributes)
        _text: str
        _file: str
        _first: int
        _last: int
    # what BaseModel keeps per instance, the same for every text paragraph (class attributes shadow its slots)
    __pydantic_fields_set__ = _TEXT_PARAGRAPH_SET
    __pydantic_extra__ = None
    __pydantic_private__ = None

    def __init__(self, text: str, file: str, first: int, last: int) -> None:  # noqa: D107 (the fields above)
        # a single line's first and last line are one int object
        for slot, value in (("_text", text), ("_file", file), ("_first", first), ("_last", last)):
            object.__setattr__(self, slot, value)

    @property  # pydantic and its serializer read the fields from the instance dict
    def __dict__(self) -> dict[str, object]:  # type: ignore[override]
        return {"kind": "paragraph", "text": self._text, "source": self._source()}

    def _source(self) -> Source:
        # built without validation (the values are the reader's own)
        return Source.model_construct(_TEXT_SOURCE_SET, file=self._file, lines=(self._first, self._last))

    def paragraph(self) -> Paragraph:
        """The same paragraph as a plain Paragraph model."""
        return Paragraph.model_construct(_TEXT_PARAGRAPH_SET, text=self._text, source=self._source())

    def model_copy(self, *, update=None, deep: bool = False):
        return self.paragraph().model_copy(update=update, deep=deep) if update else self

    def __copy__(self) -> TextParagraph:
        return self

    def __deepcopy__(self, memo: dict | None = None) -> TextParagraph:
        return self

    def __reduce__(self) -> tuple[type[TextParagraph], tuple[str, str, int, int]]:
        return TextParagraph, (self._text, self._file, self._first, self._last)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a TextParagraph is read-only (tried to set {name!r}); model_copy(update=…) makes "
                             "a Paragraph that can be changed")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TextParagraph):
            return (self._text, self._file, self._first, self._last) == (
                other._text, other._file, other._first, other._last)
        if isinstance(other, Paragraph):
            return self.paragraph() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a Paragraph: not hashable


# the fields, as read-only properties: set after the class is made, since pydantic refuses a class body
# that overrides a field with a plain attribute; a data descriptor on the class wins over the instance dict
for _field, _value in {"text": property(lambda self: self._text, doc="The paragraph's text."),
                       "source": property(TextParagraph._source, doc="Where it is: the file and its lines."),
                       "kind": "paragraph"}.items():
    setattr(TextParagraph, _field, _value)
del _field, _value

Block = Annotated[Paragraph | Table, Field(discriminator="kind")]


class ReaderNote(_Model):
    """What a reader says about a file (a text box not read, a hidden sheet): a kind of
    zhibiao.findings.READER_WARNINGS, the values its templates fill, and its English message."""

    kind: str
    params: dict[str, str | int] = {}
    message: str


class Conversion(_Model):
    """How a legacy file was converted before it was read: its own format, what it was converted to, by what."""

    source_format: Literal["doc", "wps", "xls", "et", "rtf"]
    target_format: Literal["docx", "xlsx"]
    tool: str  # the converter and its version, e.g. "LibreOffice 7.4.7.2"


class Layout(_Model):
    """What a reader makes of a file: paragraphs and tables in reading order, with provenance.

    ``format`` is the file's own format; a legacy file converted first says so in ``conversion`` (its
    layout is the converted DOCX's or XLSX's, with locators of that file).
    """

    file: str
    sha256: str  # the readers' own output, never read from a user's file: not pattern-checked (tests pass "abc")
    format: Literal["txt", "pdf", "docx", "html", "xlsx", "csv", "ofd", "doc", "wps", "xls", "et", "rtf", "png",
                    "jpeg", "tiff"]
    conversion: Conversion | None = None
    ocr_pages: list[int] = []  # the pages read by OCR (a scan, a photo, a garbled text layer)
    encoding: str | None = None
    pages: int | None = None
    notes: list[ReaderNote] = []
    blocks: list[Block]

    @property
    def warnings(self) -> list[str]:
        """The readers' notes as their English messages."""
        return [n.message for n in self.notes]


class Deduction(_Model):
    """A structured 评分标准 rule: amount per unit of count, cap and condition."""

    text: str
    kind: Literal["per_unit", "fixed", "range", "all_or_nothing"]
    amount: Points | None = None
    amount_max: Points | None = None
    unit: str | None = None
    cap: Points | None = None
    condition: str | None = None

    def maximum(self) -> Decimal | None:
        """The most this rule can deduct (or award, for all-or-nothing rules)."""
        if self.cap is not None:
            return self.cap
        if self.kind == "range":
            return self.amount_max
        if self.kind in ("fixed", "all_or_nothing"):
            return self.amount
        return None


class Indicator(_Model):
    """One indicator (指标) or work requirement of a rubric, with its children."""

    id: str
    level: int = Field(ge=1, strict=True)  # its depth in the tree, 1 at the top (Rubric checks it, at most 32)
    marker: str | None
    number: int = Field(ge=0, strict=True)
    text: str
    points: Points | None = None
    kind: IndicatorKind = "scored"
    deduction: Deduction | None = None
    criteria: str | None = None
    notes: list[str] = []
    refs: list[str] = []
    owner: str | None = None
    source: Source | None = None
    flags: list[str] = []
    children: list[Indicator] = []

    def walk(self) -> Iterator[Indicator]:
        """Yield this indicator and all its descendants in document order."""
        yield self
        yield from _walk(self.children)

    def label(self, missing: str | None = None) -> str:
        """The label as printed, marker and text ('（一）组织领导'); when neither is printed, ``missing``
        (default ``[id]``, as the review app and the exports show it)."""
        return f"{self.marker or ''}{self.text}" or (f"[{self.id}]" if missing is None else missing)

    def leaves(self) -> Iterator[Indicator]:
        """Yield the leaves under this indicator (itself when it has no children) in document order."""
        return (ind for ind in self.walk() if not ind.children)


class Finding(_Model):
    """A problem or notable fact found while reading or checking a catalogue."""

    severity: Literal["error", "warning", "info"]
    code: str  # one of zhibiao.findings.REGISTRY; build findings with zhibiao.findings.finding()
    message: str  # the English template of the code filled from params
    params: dict[str, JsonValue] | None = None  # numbers and ids of the message (None: written before 1.2)
    indicator: str | None = None
    source: Source | None = None


class Rubric(_Model):
    """An evaluation rubric (指标体系 / 考核标准) found in a notice."""

    title: str | None
    level_names: list[str]
    stated_total: Points | None = None
    total: Points | None = None
    indicators: list[Indicator]
    findings: list[Finding] = []
    rows_total: int | None = None  # rows (table rows, or paragraphs) the rubric was read from
    rows_placed: int | None = None  # of those, rows whose every cell went into an indicator, a rule or a note

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Rubric:
        """Every indicator's level is its depth (at most MAX_INDICATOR_DEPTH); in a catalogue read from a
        file (context {"loaded": True}), no id is used twice. The pipeline may make a duplicate id from a
        duplicated number: it reports it (numbering_duplicate) instead of failing."""
        problem = tree_problem(self.indicators, bool(info.context and info.context.get("loaded")))
        if problem is not None:
            raise ValueError(problem)
        return self

    def walk(self) -> Iterator[Indicator]:
        """Yield every indicator in document order."""
        return _walk(self.indicators)

    def leaves(self) -> Iterator[Indicator]:
        """Yield every leaf indicator in document order."""
        return (ind for ind in self.walk() if not ind.children)

    def size(self) -> int:
        """How many indicators the rubric has, at every level."""
        return sum(1 for _ in self.walk())

    def find(self, ident: str) -> Indicator | None:
        """The indicator with this dotted id, or None."""
        return next((ind for ind in self.walk() if ind.id == ident), None)

    def by_numbers(self, numbers: list[int] | tuple[int, ...]) -> Indicator | None:
        """The indicator at this path of printed numbers ([3, 1, 2] is 三、 → （一） → 2.), or None."""
        items, found = self.indicators, None
        for number in numbers:
            found = next((ind for ind in items if ind.number == number), None)
            if found is None:
                return None
            items = found.children
        return found

    def by_marker(self, marker: str) -> list[Indicator]:
        """The indicators printed with this marker ('（一）'), in document order (a marker recurs under each parent)."""
        return [ind for ind in self.walk() if ind.marker == marker]

    def first_level_total(self) -> Decimal:
        """The points of the scored first-level indicators added up (what `total` records)."""
        return first_level_total(self.indicators)


class Regulation(_Model):
    """An attached regulation whose articles are numbered 第一条 / 第1条 (no points)."""

    title: str | None
    articles: list[Indicator]
    findings: list[Finding] = []


class DocumentInfo(_Model):
    """The notice itself: 文号, issuer, title, date, what it forwards and cites, and the source file."""

    doc_number: str | None
    issuer: str | None
    title: str | None
    date: _dt.date | None
    forwards: list[str] = []
    implements: list[str] = []
    cites: list[str] = []
    source_file: str
    sha256: Sha256
    format: str
    conversion: Conversion | None = None  # a legacy file converted (by LibreOffice) before it was read
    ocr_pages: list[Annotated[int, Field(strict=True, ge=1)]] = []  # pages read by OCR (scans, garbled text layers)


class Verification(_Model):
    """Who checked the catalogue: indicators a person marked verified, and the catalogue's own state.

    A catalogue is verified only when every indicator is verified and `check` finds no error; only
    then may it be scored (unless scoring is told `--allow-unverified`).
    """

    verified: bool = False
    by: str | None = None
    at: _dt.datetime | None = None
    indicators: list[str] = []  # ids of indicators a person has verified
    # HMAC-SHA256 (hex) of the catalogue's canonical JSON, written by the store when it exports a verified
    # catalogue (zhibiao/signature.py); `score` trusts `verified` only when it holds
    signature: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None


class Catalogue(_Model):
    """The JSON contract written by `zhibiao ingest` and read by `check`, `show`, `export`, `score`."""

    schema_version: Literal["1.0", "1.1", "1.2", "1.3", "1.4"] = SCHEMA_VERSION
    document: DocumentInfo
    rubrics: list[Rubric]
    regulations: list[Regulation] = []
    findings: list[Finding] = []
    verification: Verification | None = None  # set by the store when people check it

    @model_validator(mode="after")
    def _migrate(self) -> Catalogue:
        """A catalogue of an older readable schema is upgraded on load (its new fields take their defaults)."""
        self.schema_version = SCHEMA_VERSION
        return self

    def walk(self) -> Iterator[Indicator]:
        """Yield every indicator of every rubric in document order."""
        for rubric in self.rubrics:
            yield from rubric.walk()

    def size(self) -> int:
        """How many indicators the catalogue's rubrics have together."""
        return sum(rubric.size() for rubric in self.rubrics)

    def main_rubric(self) -> Rubric | None:
        """The rubric with the most indicators (the first of equals): what scoring and crosswalks use; None
        when the catalogue has no rubric."""
        return max(self.rubrics, key=Rubric.size, default=None)

    def place(self, ident: str) -> Place | None:
        """Where the indicator with this id stands: the indicator, its parent (None at the top) and its rubric."""
        def search(items: list[Indicator], parent: Indicator | None, rubric: Rubric) -> Place | None:
            for ind in items:
                if ind.id == ident:
                    return Place(ind, parent, rubric)
                found = search(ind.children, ind, rubric)
                if found:
                    return found
            return None

        for rubric in self.rubrics:
            found = search(rubric.indicators, None, rubric)
            if found:
                return found
        return None

    def find(self, ident: str) -> Indicator | None:
        """The indicator with this id in any rubric, or None."""
        found = self.place(ident)
        return found.indicator if found else None

    def all_findings(self) -> list[Finding]:
        """Document, rubric and regulation findings together."""
        out = list(self.findings)
        for rubric in self.rubrics:
            out.extend(rubric.findings)
        for reg in self.regulations:
            out.extend(reg.findings)
        return out


class Place(NamedTuple):
    """Where an indicator stands in a catalogue (Catalogue.place)."""

    indicator: Indicator
    parent: Indicator | None
    rubric: Rubric


# --- crosswalk (old catalogue -> new catalogue) ---------------------------------------------

CROSSWALK_SCHEMA_VERSION: Final = "1.0"


class NumberChange(_Model):
    """A quantity that differs between linked items: 50% -> 60%, 10个工作日内 -> 7个工作日内."""

    kind: NumberKind
    old: str | None
    new: str | None
    direction: Direction


class DiffOp(_Model):
    """One step of a word-level diff: words kept, deleted from the old text, or inserted in the new."""

    op: DiffOpKind
    text: str


class Evidence(_Model):
    """Why a link is what it is: points on both sides, changed quantities, and the word-level diff."""

    old_points: Points | None = None
    new_points: Points | None = None
    numbers: list[NumberChange] = []
    text_diff: list[DiffOp] = []


class Link(_Model):
    """Old indicator(s) and their successor(s); kind comes from the connected component of the link graph."""

    old: list[str]
    new: list[str]
    kind: LinkKind
    changes: list[ChangeKind] = []
    score: float = Field(ge=0, le=1)
    # a factory, not an Evidence() built when this module is imported (that would build the models' validators
    # at import: start-up, issue 14); the published schema still shows the empty evidence as the default
    evidence: Evidence = Field(default_factory=Evidence,
                               json_schema_extra=lambda s: s.update(default=Evidence().model_dump(mode="json")))


class AreaFlow(_Model):
    """An indicator of a given level (first-level area …) and where its requirements went or came from."""

    level: int
    side: Side
    id: str
    title: str
    points: Points | None
    status: AreaStatus
    counterpart: str | None = None  # the id on the other side that most of its leaf points flow to/from
    counterpart_title: str | None = None
    counterpart_points: Points | None = None
    share: float = 0.0  # share of its leaf points linked to the counterpart


class CrosswalkSide(_Model):
    """One of the two catalogues compared."""

    doc_number: str | None
    title: str | None
    source_file: str
    sha256: Sha256
    total: Points | None


class Crosswalk(_Model):
    """What `zhibiao diff OLD NEW` writes: every leaf of both sides in exactly one of links/removed/added."""

    schema_version: Literal["1.0"] = CROSSWALK_SCHEMA_VERSION
    direction: Literal["old -> new"] = "old -> new"
    old: CrosswalkSide
    new: CrosswalkSide
    links: list[Link]
    removed: list[str]
    added: list[str]
    areas: list[AreaFlow] = []
    summary: list[str] = []


class ReviewedCrosswalk(Crosswalk):
    """A crosswalk as people decided it in the review app (zhibiao.store): links accepted, rejected, re-linked or
    made by hand. ``verified`` once every computed link and every removed/added item has been decided; only then
    do its reports drop 未核实."""

    verified: bool = False
    decided: int = 0  # links and removed/added items of the computed crosswalk decided so far
    to_decide: int = 0  # all of them
    stale: list[str] = []  # decided pairs "old → new" naming an id that is no longer a leaf (a catalogue edited since)


class Lineage(_Model):
    """One indicator through the versions of a chain: its ids in each version ([] where it is absent)."""

    ids: list[list[str]]  # one list per version, in document order
    steps: list[list[StepKind]] = []
    changes: list[list[ChangeKind]] = []  # per step, as in the links


class Chain(_Model):
    """What `zhibiao diff A B C …` writes: the crosswalks A→B, B→C … composed into lineages.

    Every leaf of every version is in exactly one lineage; an item removed in one version and restored
    in a later one makes two lineages (each step compares neighbouring versions only)."""

    schema_version: Literal["1.0"] = "1.0"
    direction: Literal["oldest -> newest"] = "oldest -> newest"
    versions: list[CrosswalkSide]
    lineages: list[Lineage]
    summary: list[str] = []
