"""pdfplumber's table finder for ruled tables ("lines" strategies), with its cell search made fast.

pdfplumber's ``TableFinder`` finds the edges, their intersections, the cells the intersections
describe and the tables the cells make. Its cell search (``intersections_to_cells``) looks, for every
intersection, at every point after it for those directly below and to the right, and turns the edges
of both points into sets of boxes again for every pair it tries: on a page of a large ruled table it
is most of the time the finder takes. ``find_tables`` runs the same steps with pdfplumber's own
functions except that one, and ``intersections_to_cells`` gives the very cells, in the same order:
each point's edges made into sets once, the points below and to the right of a point taken from its
column and its row.
"""

from __future__ import annotations

from typing import Any

__all__ = ["find_tables", "intersections_to_cells"]

Point = tuple[float, float]
Bbox = tuple[float, float, float, float]


def intersections_to_cells(intersections: dict[Point, dict[str, list[dict]]]) -> list[Bbox]:
    """pdfplumber.table.intersections_to_cells: for each point (in sorted order) the first cell it is the
    top left of, trying the points below it, then those to its right, nearest first."""
    from pdfplumber.table import intersections_to_cells as reference
    from pdfplumber.utils import obj_to_bbox

    points = sorted(intersections)
    if any(x != x or y != y for x, y in points):  # a NaN is equal to nothing: leave it to pdfplumber
        return reference(intersections)
    vertical = {p: set(map(obj_to_bbox, e["v"])) for p, e in intersections.items()}
    horizontal = {p: set(map(obj_to_bbox, e["h"])) for p, e in intersections.items()}
    # the points of a column (same x) and of a row (same y), in sorted order, and where each point is in them
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    at: dict[Point, tuple[int, int]] = {}
    for p in points:
        column = columns.setdefault(p[0], [])
        row = rows.setdefault(p[1], [])
        at[p] = (len(column), len(row))
        column.append(p)
        row.append(p)

    def connects(p1: Point, p2: Point) -> bool:
        if p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2]):
            return True
        return p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])

    cells: list[Bbox] = []
    for pt in points[:-1]:
        k, j = at[pt]
        below = columns[pt[0]][k + 1:]
        right = rows[pt[1]][j + 1:]
        found = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                bottom_right = (right_pt[0], below_pt[1])
                if bottom_right in intersections and connects(bottom_right, right_pt) \
                        and connects(bottom_right, below_pt):
                    found = (pt[0], pt[1], bottom_right[0], bottom_right[1])
                    break
            if found is not None:
                break
        if found is not None:
            cells.append(found)
    return cells


def find_tables(page: Any, settings: Any) -> list:
    """``TableFinder(page, settings).tables`` (settings resolved), with the fast cell search."""
    from pdfplumber.table import Table, TableFinder, cells_to_tables, edges_to_intersections

    finder = TableFinder.__new__(TableFinder)
    finder.page = page
    finder.settings = settings
    finder.edges = finder.get_edges()
    finder.intersections = edges_to_intersections(finder.edges, settings.intersection_x_tolerance,
                                                  settings.intersection_y_tolerance)
    finder.cells = intersections_to_cells(finder.intersections)
    finder.tables = [Table(page, group) for group in cells_to_tables(finder.cells)]
    return finder.tables
