"""The one record model that crosses every stage: layout in, catalogue out."""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from itertools import accumulate
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


def dec_str(value: Decimal) -> str:
    """Write a decimal without exponent or trailing zeros: Decimal('2.50') -> '2.5'."""
    text = format(value.normalize(), "f")
    return text


# Points are at most POINTS_INTEGER_DIGITS integer and POINTS_FRACTION_DIGITS fractional digits, never negative
# (999999.9999 at most): a rubric prints points such as 100, 3, 0.5, 0.25. A bigger or finer value (1E+999999999)
# is refused when a catalogue is read, before any arithmetic could overflow or take unbounded time.
POINTS_INTEGER_DIGITS: Final = 6
POINTS_FRACTION_DIGITS: Final = 4
MAX_INDICATOR_DEPTH: Final = 32  # levels of indicators a rubric may have (rubrics print 2 to 5)
MAX_JSON_NESTING: Final = 2 * MAX_INDICATOR_DEPTH + 24  # arrays/objects one inside another in a catalogue JSON
_MAX_POINTS_TEXT = 64  # characters of a points string, before it is parsed


_ESCAPE = re.compile(rb"\\.", re.DOTALL)  # a backslash and what it escapes
_NOT_MARK = bytes(b for b in range(256) if b not in b'"[]{}')  # every byte but quotes and brackets
_STRING_MARKS = re.compile(rb'"[^"]*"')
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_nesting(text: str | bytes, limit: int = MAX_JSON_NESTING) -> int:
    """How deep arrays and objects nest in a JSON text (or its UTF-8 bytes), counted on the raw text
    (strings skipped) without parsing it, so that a hostile file cannot make a recursive parser overflow;
    at most ``limit`` + 1. In C, not in a Python loop per character: the escapes are dropped, then every
    byte but quotes and brackets; two quotes side by side go (an empty string, or the end of one string
    and the start of the next: either way what stands between the other quotes is unchanged), which leaves
    only the strings that hold a bracket to drop; the depth is a running sum over the brackets left
    (100 MB in about half a second)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    marks = _ESCAPE.sub(b"", data).translate(None, _NOT_MARK).replace(b'""', b"")
    if b'"' in marks:
        marks = _STRING_MARKS.sub(b"", marks).replace(b'"', b"")  # a string never closed: what follows counts
    return min(max(accumulate(map(_DEPTH_STEP.__getitem__, marks)), default=0), limit + 1)


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while records are made by the ten thousand (a rubric
    normalized, a large catalogue validated): none of them is in a reference cycle, and each collection
    would walk them all again — a third of the time of a large rubric. Reference counting frees
    everything as usual. Left off if it was off; with threads, the first to finish turns it back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _bounded(result: Decimal, shown: object) -> Decimal:
    """The decimal when it is finite, not negative and within the digit bounds; ValueError naming it otherwise
    (``shown``: the value as given; a Decimal is named by its string, written only for the message)."""
    if result.is_finite():
        sign, digits, exponent = result.as_tuple()
        assert isinstance(exponent, int)  # finite
        if (not sign and -POINTS_FRACTION_DIGITS <= exponent
                and len(digits) + exponent <= POINTS_INTEGER_DIGITS and exponent <= POINTS_INTEGER_DIGITS):
            # the common case (3, 0.5, 100) in one test: no more fraction digits than allowed, trailing
            # zeros or not, and within the integer digits whether any digit is non-zero or none is
            return result
    if isinstance(shown, Decimal):
        shown = str(shown)
    if not result.is_finite():
        raise ValueError(f"not a finite decimal: {shown!r}")
    _, digits, exponent = result.as_tuple()
    assert isinstance(exponent, int)  # finite
    # judged on the digits and exponent as written, with no arithmetic (1E+999999999 would overflow)
    integer_digits = len(digits) + exponent
    nonzero = [k for k, d in enumerate(digits) if d]
    trailing_zeros = len(digits) - 1 - nonzero[-1] if nonzero else len(digits)
    fraction = max(0, -exponent - trailing_zeros)  # trailing zeros of the fraction do not count (2.50000 is 2.5)
    if (integer_digits if any(digits) else exponent) > POINTS_INTEGER_DIGITS:
        raise ValueError(f"points {shown!r} out of range: at most {POINTS_INTEGER_DIGITS} integer digits")
    if fraction > POINTS_FRACTION_DIGITS:
        raise ValueError(f"points {shown!r} too fine: at most {POINTS_FRACTION_DIGITS} fractional digits")
    if result.is_signed():
        raise ValueError(f"points {shown!r} are negative")
    return result


def _to_decimal(value: object) -> object:
    """Accept decimals, integers and decimal strings; refuse floats, which are not exact, and values out of bounds."""
    if isinstance(value, Decimal):  # first: what the pipeline gives (the types tested here are disjoint)
        return _bounded(value, value)
    if isinstance(value, bool):
        raise ValueError("points must be a decimal string, not a boolean")
    if isinstance(value, float):
        raise ValueError("points must be a decimal string such as \"0.5\", not a float")
    if isinstance(value, int):
        if abs(value) >= 10 ** POINTS_INTEGER_DIGITS:
            raise ValueError(f"points {value!r} out of range: at most {POINTS_INTEGER_DIGITS} integer digits")
        return _bounded(Decimal(value), value)
    if isinstance(value, str):
        known = _POINTS_READ.get(value)
        if known is not None:  # a catalogue prints the same few points ("1", "0.5", "10") many times over
            return known
        text = value.strip()
        if len(text) > _MAX_POINTS_TEXT:
            raise ValueError(f"not a decimal number of at most {_MAX_POINTS_TEXT} characters: {value[:20]!r}…")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
        result = _bounded(result, value)
        if len(_POINTS_READ) < _POINTS_READ_MAX:
            _POINTS_READ[value] = result  # Decimals are immutable: one object shared is safe
        return result
    return value


_POINTS_READ: dict[str, Decimal] = {}  # points strings already read and found within bounds, and their value
_POINTS_READ_MAX = 4096


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
        where = self.file
        if self.lines:
            a, b = self.lines
            where += f":{a}" if a == b else f":{a}-{b}"
        if self.pages:
            where += " p." + ",".join(str(p) for p in self.pages)
        if self.locator:
            where += f" [{self.locator}]"
        return where


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


def _walk(items: list[Indicator]) -> Iterator[Indicator]:
    """Yield these indicators and their descendants in document order (a stack of list iterators: a
    generator nested per level would pass every indicator up through each level above it)."""
    stack = [iter(items)]
    while stack:
        for ind in stack[-1]:
            yield ind
            if ind.children:  # read when the consumer resumes, as a recursive walk would
                stack.append(iter(ind.children))
                break
        else:
            stack.pop()


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
        loaded = bool(info.context and info.context.get("loaded"))
        seen: set[str] = set()
        stack = [iter(self.indicators)]  # no recursion: the depth is what is being checked
        while stack:  # in document order; the depth of the indicators of stack[-1] is len(stack)
            depth = len(stack)
            for ind in stack[-1]:
                if ind.level != depth:
                    raise ValueError(f"indicator {ind.id!r} has level {ind.level} but stands at depth {depth}")
                if loaded:
                    if ind.id in seen:
                        raise ValueError(f"indicator id {ind.id!r} is used twice in the rubric")
                    seen.add(ind.id)
                if ind.children:
                    if depth >= MAX_INDICATOR_DEPTH:
                        raise ValueError(f"indicator {ind.id!r}: more than {MAX_INDICATOR_DEPTH} levels of "
                                         "indicators")
                    stack.append(iter(ind.children))
                    break
            else:
                stack.pop()
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
        return sum((i.points for i in self.indicators if i.points is not None and i.kind == "scored"), Decimal(0))


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
