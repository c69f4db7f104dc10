"""Bounds on what users send, checked where input enters (the review app, its JSON API, the CLI).

- Ids, versions and revisions are stored as SQL INTEGER: 32-bit on PostgreSQL, 64-bit on SQLite. A
  number beyond ``DB_INT_MAX`` can name nothing stored, so it is refused (404 for an id in the address,
  400 in a request body, a usage error on the command line) before it reaches the database.
- Text must be valid Unicode: a lone surrogate (``"\\ud800"`` in JSON) cannot be stored or written as
  UTF-8, so it is refused with the place where it was found.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["DB_INT_MAX", "parse_count", "find_surrogate", "json_safe", "file_name", "SURROGATE"]

DB_INT_MAX = 2**31 - 1  # PostgreSQL INTEGER; SQLite's is 2**63 - 1

SURROGATE = re.compile("[\ud800-\udfff]")
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_count(text: str | None) -> int | None:
    """A form's id or revision: ASCII digits only (not '²', which passes str.isdigit) and at most
    DB_INT_MAX; None for anything else."""
    if text is None or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= DB_INT_MAX else None


def _printable(text: str) -> str:
    """text with any lone surrogate written as its escape (\\ud800), so that it can be printed."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def file_name(name: str) -> str:
    """A file name as text: the bytes a non-UTF-8 name carries (os.fsdecode turns them into lone surrogates,
    \\udcff for b"\\xff") become U+FFFD, so the name can be stored and printed."""
    if not SURROGATE.search(name):
        return name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no byte made (\\ud800)
        raw = name.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def json_safe(value: Any) -> Any:
    """value with what JSON cannot carry made printable: infinite or NaN floats as their text (1e400 parses
    as inf), lone surrogates as escapes. For echoing what a client sent in an error message."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return _printable(value) if SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def find_surrogate(value: Any, where: str = "") -> str | None:
    """The path (e.g. 'rubrics[0].indicators[2].text') of the first string holding a lone surrogate, or
    None; dict keys are checked too. '' is the top level."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        obj, path = stack.pop()
        if isinstance(obj, str):
            if SURROGATE.search(obj):
                return _printable(path) or "(top level)"
        elif isinstance(obj, dict):
            for key, item in obj.items():
                sub = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and SURROGATE.search(key):
                    return _printable(sub)
                stack.append((item, sub))
        elif isinstance(obj, (list, tuple)):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(obj))
    return None
