"""Spreadsheet cells that are never formulas: the one guard every CSV and XLSX export writes its values through.

A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (CSV/formula injection, OWASP). Such a text is written with a single quote
in front (``'=HYPERLINK(…)``), as OWASP recommends; a plain number (``-2``, ``+0.5``) is data, not a
formula, and is written as it is. In an XLSX every text cell is stored as a string cell, never ``<f>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "safe_text", "safe_row", "append_row"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def safe_text(value: str) -> str:
    """The text as a spreadsheet shows it and never evaluates: a leading formula character gets a quote."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row with every text made safe (numbers, decimals, None and the rest unchanged)."""
    return [safe_text(v) if isinstance(v, str) else v for v in values]


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet, its texts made safe and stored as string cells (never formulas)."""
    ws.append(safe_row(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
