"""Benchmark: in-process ingest of each seed notice (median of several runs); prints, never asserts.

Run: .venv/bin/python bench/bench_ingest.py [--runs N]
Target (issue 2): the 2023 seed (000) under 50 ms on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from zhibiao import extract
from zhibiao.errors import NoRubric
from zhibiao.pipeline import ingest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TARGET_MS = {"000_1c204f1614fc8d36": 50.0}


def _median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="runs per notice (median is reported)")
    args = parser.parse_args(argv)
    print(f"{'notice':<24} {'read ms':>8} {'ingest ms':>10} {'ingest/read':>11}  target")
    for path in sorted(CORPUS.glob("*.txt")):

        def full(p=path):
            try:
                ingest(p)
            except NoRubric:
                pass

        full()  # warm-up: imports, regex compilation
        read_ms = _median_ms(lambda p=path: extract.read(p), args.runs)
        ingest_ms = _median_ms(full, args.runs)
        target = TARGET_MS.get(path.stem)
        verdict = "" if target is None else f"{target:.0f} ms: {'met' if ingest_ms <= target else 'MISSED'}" \
                                            f" ({ingest_ms / target:.2f}x of target)"
        print(f"{path.stem:<24} {read_ms:>8.2f} {ingest_ms:>10.2f} {ingest_ms / read_ms:>10.1f}x  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
