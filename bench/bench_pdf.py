"""Benchmark PDF ingest against pdfplumber on the corpus PDFs; prints, never asserts.

Run: .venv/bin/python bench/bench_pdf.py [--runs N] [--engines-only] [--memory-only]

Engines (every PDF under corpus/: renderings and families), measured in the same run: the median
CPU time (process time, over --runs runs) of a `zhibiao` ingest with each PDF engine (pdfium, the
default, and pdfplumber, the reference) and of pdfplumber's own `extract_text` over every page; each
ingest's ratio to extract_text (target for pdfium: <= 0.25x on every PDF).

Memory: the peak RSS of one ingest of a 20-page and of a 200-page rubric (pages of a corpus PDF
repeated with pypdfium2), each in a fresh process, per engine; the ratio 200/20 (target for pdfium:
<= 1.3x: pages are closed as soon as they are read).

Baseline (corpus/renderings, with a golden): median wall time of ingest and extract_text, pages per
second, peak Python memory of one ingest (tracemalloc); how many of the golden's leaf items
pdfplumber's `extract_tables` returns intact in one cell (marker, text and points together), against
how many zhibiao gets exactly right (text and points equal to the golden). Camelot is compared too
when installed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pdfplumber

from zhibiao.extract import pdf as pdf_reader
from zhibiao.normalize.cleanup import squash
from zhibiao.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RENDERINGS = CORPUS / "renderings"
GOLDEN = ROOT / "golden"
TARGET_RATIO = 1.2
TARGET_PDFIUM = 0.25  # pdfium ingest / pdfplumber extract_text, on every corpus PDF
TARGET_MEMORY = 1.3  # peak RSS of a 200-page rubric / a 20-page one


def _cpu_median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def _ingest_with(engine: str):
    def run(path: Path):
        pdf_reader.set_engine(engine)
        try:
            return ingest(path)
        finally:
            pdf_reader.set_engine(None)
    return run


def engines(runs: int) -> None:
    """Per corpus PDF: CPU medians of ingest with each engine and of extract_text, and the ratios."""
    print(f"{'file':<40} {'pages':>5} {'extract_text':>12} {'pdfium':>8} {'ratio':>6} {'pdfplumber':>10} "
          f"{'ratio':>6}  (median CPU s of {runs} runs)")
    worst = 0.0
    ratios: dict[str, list[float]] = {"ruled": [], "borderless": []}
    for path in sorted(CORPUS.rglob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        fast, ref = _ingest_with("pdfium"), _ingest_with("pdfplumber")
        fast(path)  # warm-up
        theirs = _cpu_median(lambda p=path: _plumber_text(p), runs)
        ours = _cpu_median(lambda p=path, f=fast: f(p), runs)
        reference = _cpu_median(lambda p=path, r=ref: r(p), runs)
        ratio = ours / theirs
        worst = max(worst, ratio)
        ratios["borderless" if "borderless" in path.name else "ruled"].append(ratio)
        flag = "" if ratio <= TARGET_PDFIUM else f" (target <= {TARGET_PDFIUM}x: missed)"
        print(f"{path.name:<40} {pages:>5} {theirs:>12.3f} {ours:>8.3f} {ratio:>5.2f}x {reference:>10.3f} "
              f"{reference / theirs:>5.2f}x{flag}")
    for kind, values in ratios.items():
        if values:
            met = sum(r <= TARGET_PDFIUM for r in values)
            print(f"pdfium ratio, {kind} ({len(values)} PDFs): median {statistics.median(values):.2f}x, "
                  f"min {min(values):.2f}x, max {max(values):.2f}x, {met} within the target")
    print(f"worst pdfium ratio: {worst:.2f}x (target <= {TARGET_PDFIUM}x)")


def _long_pdf(source: Path, pages: int, out: Path) -> Path:
    """A rubric of ``pages`` pages: the pages of ``source`` repeated (pypdfium2, in one import so that
    the copies share one set of fonts, as the pages of one long notice do)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(source.read_bytes())
    doc = pdfium.PdfDocument.new()
    doc.import_pages(src, [i % len(src) for i in range(pages)])
    doc.save(str(out))
    doc.close()
    src.close()
    return out


_PEAK = """
import resource, sys
from zhibiao.extract import pdf
from zhibiao.pipeline import ingest
pdf.set_engine(sys.argv[2])
ingest(sys.argv[1], require_rubric=False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_rss(path: Path, engine: str) -> float:
    """Peak RSS (MiB) of one ingest of path in a fresh process."""
    out = subprocess.run([sys.executable, "-c", _PEAK, str(path), engine], capture_output=True, text=True,
                         check=True, env={**os.environ, "ZHIBIAO_MAX_BYTES": str(1 << 30)})
    return int(out.stdout.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def memory() -> None:
    """Peak RSS of a 20-page and a 200-page rubric, per engine, and their ratio."""
    source = RENDERINGS / "000_1c204f1614fc8d36.pdf"
    with tempfile.TemporaryDirectory() as tmp:
        small = _long_pdf(source, 20, Path(tmp) / "p20.pdf")
        big = _long_pdf(source, 200, Path(tmp) / "p200.pdf")
        base = float(subprocess.run([sys.executable, "-c", "import resource, zhibiao.pipeline, pdfplumber, "
                                     "pypdfium2; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                                    capture_output=True, text=True, check=True).stdout) / 1024
        print(f"memory (peak RSS of one ingest in a fresh process; imports alone {base:.0f} MiB), "
              f"pages of {source.name}:")
        for engine in pdf_reader.ENGINES:
            a, b = _peak_rss(small, engine), _peak_rss(big, engine)
            target = f" (target <= {TARGET_MEMORY}x{'' if b / a <= TARGET_MEMORY else ': missed'})" \
                if engine == "pdfium" else ""
            print(f"  {engine:<10} 20 pages {a:7.1f} MiB  200 pages {b:7.1f} MiB  ratio {b / a:4.2f}x{target}")


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
    parser.add_argument("--engines-only", action="store_true", help="only the engine timings")
    parser.add_argument("--memory-only", action="store_true", help="only the memory line")
    args = parser.parse_args(argv)
    if not args.memory_only:
        engines(args.runs)
    if not args.engines_only:
        memory()
    if args.engines_only or args.memory_only:
        return 0
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
