"""The record model's rules that need no pydantic: points (bounds, parsing, writing), JSON nesting, the tree.

zhibiao/model.py builds its validators from these; the light check of a catalogue file (zhibiao/shape.py)
applies the very same ones without importing pydantic (start-up of `zhibiao check`, issue 14).
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from itertools import accumulate
from typing import Any, Final

__all__ = ["POINTS_INTEGER_DIGITS", "POINTS_FRACTION_DIGITS", "MAX_INDICATOR_DEPTH", "MAX_JSON_NESTING", "dec_str",
           "json_nesting", "no_cycle_collection", "to_decimal", "walk", "tree_problem", "source_label",
           "first_level_total"]


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


def to_decimal(value: object) -> object:
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


# the tree rules read attributes only (id, level, points, kind, children): of a model Indicator, or of the light
# check's record (zhibiao/shape.py)
def walk(items: Iterable[Any]) -> Iterator[Any]:
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


def tree_problem(indicators: Iterable[Any], loaded: bool) -> str | None:
    """What is wrong with a rubric's tree, or None: every indicator's level is its depth (at most
    MAX_INDICATOR_DEPTH); when ``loaded`` (a catalogue read from a file), no id is used twice."""
    seen: set[str] = set()
    stack = [iter(indicators)]  # no recursion: the depth is what is being checked
    while stack:  # in document order; the depth of the indicators of stack[-1] is len(stack)
        depth = len(stack)
        for ind in stack[-1]:
            if ind.level != depth:
                return f"indicator {ind.id!r} has level {ind.level} but stands at depth {depth}"
            if loaded:
                if ind.id in seen:
                    return f"indicator id {ind.id!r} is used twice in the rubric"
                seen.add(ind.id)
            if ind.children:
                if depth >= MAX_INDICATOR_DEPTH:
                    return f"indicator {ind.id!r}: more than {MAX_INDICATOR_DEPTH} levels of indicators"
                stack.append(iter(ind.children))
                break
        else:
            stack.pop()
    return None


def first_level_total(indicators: Iterable[Any]) -> Decimal:
    """The points of the scored indicators of one level added up (what a rubric's `total` records)."""
    return sum((i.points for i in indicators if i.points is not None and i.kind == "scored"), Decimal(0))


def source_label(file: str, lines: tuple[int, int] | list[int] | None, pages: list[int] | None,
                 locator: str | None) -> str:
    """Human-readable location, e.g. 'notice.txt:12-14' or 'notice.pdf p.3,4'."""
    where = file
    if lines:
        a, b = lines
        where += f":{a}" if a == b else f":{a}-{b}"
    if pages:
        where += " p." + ",".join(str(p) for p in pages)
    if locator:
        where += f" [{locator}]"
    return where
