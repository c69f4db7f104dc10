"""extract/ruled.py: the fast cell search of the ruled-table finder gives pdfplumber's cells, in pdfplumber's
order, on every page of every PDF of the corpus and the tests, and on made-up grids that pdfplumber reads
into cells only in part."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pdfplumber.table import TableFinder, TableSettings, intersections_to_cells as reference

from zhibiao.extract.ruled import find_tables, intersections_to_cells

from conftest import CORPUS, DATA, PDF_2023

PDFS = sorted([*CORPUS.rglob("*.pdf"), *(DATA / "pdf_reader").glob("*.pdf")])
LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_the_cells_and_tables_of_every_page_are_pdfplumbers(path: Path):
    settings = TableSettings.resolve(LINES)
    compared = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            finder = TableFinder(page, settings)
            assert intersections_to_cells(finder.intersections) == finder.cells
            ours = find_tables(page, settings)
            assert [t.cells for t in ours] == [t.cells for t in finder.tables]
            assert [t.bbox for t in ours] == [t.bbox for t in finder.tables]
            compared += len(finder.cells)
    if path == PDF_2023:
        assert compared > 20, "the ruled seed rendering has cells to compare"


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict:
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": "v" if x0 == x1 else "h"}


def _intersections(edges: list[dict]) -> dict:
    from pdfplumber.table import edges_to_intersections

    return edges_to_intersections(edges, 3, 3)


def test_a_grid_with_a_missing_stroke_and_a_merged_cell():
    # a 3 × 3 grid whose middle vertical line stops half-way (a merged cell below) and whose right line has
    # a gap: the cells pdfplumber finds are found, none more
    edges = [_edge(0, y, 300, y) for y in (0, 50, 100, 150)]
    edges += [_edge(0, 0, 0, 150), _edge(100, 0, 100, 150), _edge(200, 0, 200, 75),
              _edge(300, 0, 300, 60), _edge(300, 90, 300, 150)]
    points = _intersections(edges)
    want = reference(points)
    assert intersections_to_cells(points) == want
    assert (0, 0, 100, 50) in want and len(want) >= 4


def test_no_point_and_one_point():
    assert intersections_to_cells({}) == reference({}) == []
    one = _intersections([_edge(0, 0, 10, 0), _edge(0, 0, 0, 10)])
    assert intersections_to_cells(one) == reference(one) == []
