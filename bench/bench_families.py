"""Benchmark ingest on every family rendering (corpus/families); prints, never asserts.

Run: .venv/bin/python bench/bench_families.py [--runs N] [--family ID]

For each rendering, measured in the same run: the median in-process ingest time, the share of the
golden's leaves that come out exact (id, text and points equal to golden/families/<id>.json), and for
a PDF the time of pdfplumber's own `extract_text` over the same file and the ratio of the two
(target: <= 1.2x). A last table gives each family's median ingest time per format.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pdfplumber

from zhibiao.errors import ZhibiaoError
from zhibiao.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ROOT / "corpus" / "families"
GOLDEN = ROOT / "golden" / "families"
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


def _leaves(golden: dict) -> list[dict]:
    """The golden's leaf indicators (those not followed by a deeper one), every rubric."""
    out = []
    for rubric in golden["rubrics"]:
        items = rubric["indicators"]
        for ind, nxt in zip(items, items[1:] + [None]):
            if nxt is None or nxt["level"] <= ind["level"]:
                out.append(ind)
    return out


def _exact(cat, leaves: list[dict]) -> int:
    """Leaves that came out with the golden's id, text and points."""
    got = {i.id: i for r in cat.rubrics for i in r.walk()}
    ok = 0
    for leaf in leaves:
        ind = got.get(leaf["id"])
        want = Decimal(leaf["points"]) if leaf["points"] is not None else None
        if ind is not None and ind.text == leaf["text"] and ind.points == want:
            ok += 1
    return ok


def _format(name: str) -> str:
    """The rendering's format and variant: pdf, borderless.pdf, tab.txt, xlsx …"""
    parts = name.split(".")
    return ".".join(parts[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per file (median is reported)")
    parser.add_argument("--family", help="only the rubric with this id (e.g. jx02_xiangmu_zhichu)")
    args = parser.parse_args(argv)
    manifest = json.loads((FAMILIES / "manifest.json").read_text(encoding="utf-8"))
    per_family: dict[str, dict[str, float]] = defaultdict(dict)
    ratios = []
    total_exact = total_leaves = 0
    print(f"{'rendering':<58} {'zhibiao s':>9} {'plumber s':>9} {'ratio':>6}  leaves exact")
    for rubric in manifest["rubrics"]:
        if args.family and rubric["id"] != args.family:
            continue
        leaves = _leaves(json.loads((GOLDEN / f"{rubric['id']}.json").read_text(encoding="utf-8")))
        for rendering in rubric["renderings"]:
            path = FAMILIES / rendering["file"]
            total_leaves += len(leaves)
            try:
                cat = ingest(path)  # warm-up, and the catalogue scored below
            except ZhibiaoError as exc:
                print(f"{rendering['file']:<58} failed: {exc.message()}")
                continue
            ours = _median(lambda p=path: ingest(p), args.runs)
            per_family[rubric["id"]][_format(path.name)] = ours
            exact = _exact(cat, leaves)
            total_exact += exact
            theirs = ratio_text = ""
            flag = ""
            if path.suffix == ".pdf":
                t = _median(lambda p=path: _plumber_text(p), args.runs)
                ratios.append(ours / t)
                theirs, ratio_text = f"{t:9.3f}", f"{ours / t:5.2f}x"
                if ours / t > TARGET_RATIO:
                    flag = f"  (target <= {TARGET_RATIO}x: missed)"
            print(f"{rendering['file']:<58} {ours:>9.3f} {theirs:>9} {ratio_text:>6}  "
                  f"{exact:>3}/{len(leaves):<3}{flag}")
    formats = sorted({f for times in per_family.values() for f in times})
    print()
    print(f"{'median ingest ms':<24}" + "".join(f"{f:>16}" for f in formats))
    for family, times in per_family.items():
        print(f"{family:<24}" + "".join(f"{times[f] * 1000:>16.1f}" if f in times else f"{'-':>16}"
                                         for f in formats))
    if ratios:
        print(f"\nPDF ingest / pdfplumber extract_text: median {statistics.median(ratios):.2f}x, "
              f"worst {max(ratios):.2f}x over {len(ratios)} PDFs (target <= {TARGET_RATIO}x)")
    if total_leaves:
        print(f"leaves exact: {total_exact}/{total_leaves} = {100 * total_exact / total_leaves:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
