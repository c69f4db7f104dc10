"""Spreadsheet cells that are never formulas: the one guard every CSV and XLSX export writes its values through.

A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (CSV/formula injection, OWASP). Such a text is written with a single quote
in front (``'=HYPERLINK(…)``), as OWASP recommends; a plain number (``-2``, ``+0.5``) is data, not a
formula, and is written as it is. A carriage return inside a text is written as a line feed. In an XLSX
every text cell is stored as a string cell, never ``<f>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "safe_text", "safe_row", "append_row"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def safe_text(value: str) -> str:
    """The text as a spreadsheet shows it and never evaluates: a leading formula character gets a quote, and a
    carriage return becomes a line feed (Python's csv writer leaves a bare CR unquoted, and a spreadsheet starts
    a new row there, whose first cell could be a formula; a LF makes the writer quote the field)."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row with every text made safe (numbers, decimals, None and the rest unchanged)."""
    return [safe_text(v) if isinstance(v, str) else v for v in values]


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet, its texts made safe and stored as string cells (never formulas)."""
    ws.append(safe_row(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
