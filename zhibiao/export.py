"""Flat exports of a catalogue (CSV, XLSX): one row per indicator, what Excel users and scoring systems import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from zhibiao.cells import append_row, safe_row
from zhibiao.model import Catalogue, Indicator, dec_str

__all__ = ["COLUMNS", "rows", "to_csv", "to_xlsx"]

COLUMNS = ["rubric", "id", "path", "level", "marker", "text", "points", "owner", "refs", "flags", "deduction"]


def rows(catalogue: Catalogue) -> Iterator[list]:
    """Yield one row per indicator, in document order, across every rubric."""
    for r_index, rubric in enumerate(catalogue.rubrics, start=1):
        yield from _rows(r_index, rubric.indicators, [])


def _rows(r_index: int, items: list[Indicator], trail: list[str]) -> Iterator[list]:
    for ind in items:
        yield [
            r_index, ind.id, " > ".join(trail), ind.level, ind.marker or "", ind.text,
            dec_str(ind.points) if ind.points is not None else "", ind.owner or "",
            "; ".join(ind.refs), "; ".join(ind.flags), ind.deduction.text if ind.deduction else "",
        ]
        yield from _rows(r_index, ind.children, trail + [ind.label()])


def to_csv(catalogue: Catalogue) -> str:
    """CSV text with a header row (write it with a UTF-8 BOM so Excel reads the Chinese)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(safe_row(row) for row in rows(catalogue))
    return buf.getvalue()


def to_xlsx(catalogue: Catalogue) -> bytes:
    """An XLSX workbook: frozen header, filters, points as numbers."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "indicators"
    ws.append(COLUMNS)
    points_col = COLUMNS.index("points")
    for row in rows(catalogue):
        if row[points_col] != "":
            row[points_col] = Decimal(row[points_col])
        append_row(ws, row)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for col, width in zip("ABCDEFGHIJK", (7, 12, 40, 6, 8, 60, 8, 20, 24, 20, 30)):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
