"""Benchmark PDF ingest against pdfplumber on the corpus PDFs; prints, never asserts.

Run: .venv/bin/python bench/bench_pdf.py [--runs N]

For each PDF in corpus/renderings, measured in the same run:
- median time of `zhibiao` ingest (in-process) and of pdfplumber's own `extract_text` over every
  page; their ratio (target: <= 1.2x — structure recovery should cost little next to reading);
  pages per second; peak Python memory of one ingest (tracemalloc).
- the baseline we beat: how many of the golden's leaf items pdfplumber's `extract_tables`
  returns intact in one cell (marker, text and points together), against how many zhibiao gets
  exactly right (text and points equal to the golden). Camelot is compared too when installed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pdfplumber

from zhibiao.normalize.cleanup import squash
from zhibiao.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
RENDERINGS = ROOT / "corpus" / "renderings"
GOLDEN = ROOT / "golden"
TARGET_RATIO = 1.2


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _plumber_text(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def _golden_leaves(corpus_id: str) -> list[dict]:
    """The golden's leaf indicators (those not followed by a deeper one)."""
    data = json.loads((GOLDEN / f"{corpus_id}.json").read_text(encoding="utf-8"))
    leaves = []
    for rubric in data["rubrics"]:
        items = rubric["indicators"]
        for ind, nxt in zip(items, items[1:] + [None]):
            if nxt is None or nxt["level"] <= ind["level"]:
                leaves.append(ind)
    return leaves


def _printed_points(leaf: dict) -> str | None:
    """The points printed with the item (none when they come from its 评分标准)."""
    return None if "points_from_deduction" in leaf["flags"] else leaf["points"]


def _intact_in_cells(cells: list[str], leaves: list[dict]) -> int:
    """Leaves whose marker, text and printed points stand together in one extracted cell."""
    blob = [squash(c or "") for c in cells]
    hits = 0
    for leaf in leaves:
        key = squash((leaf["marker"] or "") + leaf["text"])
        points = _printed_points(leaf)
        if any(key in cell and (points is None or points in cell[cell.find(key) + len(key):][:24])
               for cell in blob):
            hits += 1
    return hits


def _exact(cat, leaves: list[dict]) -> int:
    """Leaves zhibiao got exactly right: same id, text and points as the golden."""
    got = {i.id: i for r in cat.rubrics for i in r.walk()}
    ok = 0
    for leaf in leaves:
        ind = got.get(leaf["id"])
        want = Decimal(leaf["points"]) if leaf["points"] is not None else None
        if ind is not None and ind.text == leaf["text"] and ind.points == want:
            ok += 1
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per file (median is reported)")
    args = parser.parse_args(argv)
    try:
        import camelot
    except ImportError:
        camelot = None
    have_camelot = camelot is not None
    if have_camelot:
        import warnings

        warnings.filterwarnings("ignore")  # camelot warns about pages without tables
    print(f"{'file':<40} {'pages':>5} {'zhibiao s':>9} {'plumber s':>9} {'ratio':>6} {'pages/s':>7} "
          f"{'peak MiB':>8}  leaves intact: extract_tables / zhibiao exact / golden")
    for path in sorted(RENDERINGS.glob("*.pdf")):
        corpus_id = path.name[:20]
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
            cells = [c for page in pdf.pages for table in page.extract_tables() for row in table for c in row]
        ingest(path)  # warm-up
        ours = _median(lambda p=path: ingest(p), args.runs)
        theirs = _median(lambda p=path: _plumber_text(p), args.runs)
        tracemalloc.start()
        cat = ingest(path)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        leaves = _golden_leaves(corpus_id)
        baseline = _intact_in_cells(cells, leaves)
        exact = _exact(cat, leaves)
        ratio = ours / theirs
        flag = "" if ratio <= TARGET_RATIO else f" (target <= {TARGET_RATIO}x: missed)"
        print(f"{path.name:<40} {pages:>5} {ours:>9.3f} {theirs:>9.3f} {ratio:>5.2f}x {pages / ours:>7.1f} "
              f"{peak:>8.1f}  {baseline:>3} / {exact:>3} / {len(leaves):>3}{flag}")
        if have_camelot:
            flavor = "lattice"
            tables = camelot.read_pdf(str(path), pages="all", flavor=flavor)
            if not tables.n:  # no ruling lines: give camelot its text-position mode
                flavor = "stream"
                tables = camelot.read_pdf(str(path), pages="all", flavor=flavor)
            cam_cells = [c for t in tables for row in t.df.values.tolist() for c in row]
            print(f"{'':<40} camelot ({flavor}): {_intact_in_cells(cam_cells, leaves)} / {len(leaves)} leaves intact")
    if not have_camelot:
        print("(camelot not installed: `pip install -e '.[bench]'` adds it to the baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
