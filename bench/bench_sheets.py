"""Benchmark: a cohort of filled-in score sheets (`zhibiao score CATALOGUE DIR/`) in one process and on a Dask
LocalCluster; prints, never asserts.

Run: .venv/bin/python bench/bench_sheets.py [--count 200] [--runs 3] [--workers 2]

The sheets are made by tests/sheets_make.py from the family rubric pf02 (42 items, 5 areas): a third each as XLSX
(merged ranges), DOCX (merged cells) and PDF (ruled, two pages), each unit with its own values (some items short of
full points, some 不适用, one row retyped without its number, a 小计 under each area and a 合计) — the work is
reading the sheet, its grid, and aligning 42 rows. Configurations, each the real command in fresh processes,
measured from outside (wall time; CPU of the commands and every process they waited for):

- `1 process`: `--jobs 1`, every sheet read in the command's process (the peer);
- `2 processes`: the cohort cut in two halves, each scored by its own `--jobs 1` command, both at once (what two
  plain processes give without Dask: the peer of the cluster);
- `LocalCluster`: `--jobs N`, the sheets read on a LocalCluster of N single-threaded workers (zhibiao/batch.py),
  then scored.

The CPU-time projection is what each configuration would do on free cores: sheets/s = cores × sheets / its CPU
seconds (its parallel overhead included, the other users of the machine left out).

Per-sheet CPU time by format is measured in this process (median of 3). The machine has 2 cores and may be shared
(its load average is printed): wall-time ratios then understate what free cores give.
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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILY = ROOT / "corpus" / "families" / "pf02_pufa_zerenzhi" / "pf02_pufa_zerenzhi.docx"
sys.path.insert(0, str(ROOT / "tests"))

import sheets_make as sm  # noqa: E402

FORMATS = ("xlsx", "docx", "pdf")


def make(folder: Path, count: int) -> tuple[Path, dict[str, list[Path]]]:
    """count sheets in folder, and the catalogue they fill (as JSON, unverified)."""
    from zhibiao.model import dec_str
    from zhibiao.pipeline import ingest

    cat = ingest(FAMILY)
    rubric = cat.main_rubric()
    assert rubric is not None
    leaves = {leaf.id: leaf for leaf in rubric.leaves()}
    ids = list(leaves)
    by_format: dict[str, list[Path]] = {f: [] for f in FORMATS}
    for n in range(count):
        values = {}
        for k, ident in enumerate(ids):
            points = leaves[ident].points
            assert points is not None
            if (k + n) % 11 == 0:
                values[ident] = "不适用"
            elif (k * 7 + n) % 5 == 0:
                values[ident] = dec_str(points - min(points, Decimal("0.5") * (1 + n % 3)))
            else:
                values[ident] = dec_str(points)
        sheet = sm.sheet_of(rubric, values, unit=f"第{n + 1:03d}号单位", subtotals=True,
                            remarks={ids[n % len(ids)]: "佐证材料不全"})
        sm.retype(sheet, ids[(n * 3) % len(ids)], leaves[ids[(n * 3) % len(ids)]].text[:-3])
        fmt = FORMATS[n % len(FORMATS)]
        path = folder / f"unit{n:04d}.{fmt}"
        sm.WRITERS[fmt](sheet, path)
        by_format[fmt].append(path)
    out = folder.parent / "pf02.json"
    out.write_text(json.dumps(json.loads(cat.model_dump_json()), ensure_ascii=False), encoding="utf-8")
    return out, by_format


def measure(*argvs: list[str]) -> tuple[float, float, int]:
    """Run the commands at once: the wall time until the last ends, their CPU seconds added, the worst exit code."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for argv in argvs]
    cpu, worst = 0.0, 0
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode() if proc.stderr else ""
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            print(f"  exit {code}: {err[-500:]}", file=sys.stderr)
        cpu += usage.ru_utime + usage.ru_stime
        worst = max(worst, code)
    return time.perf_counter() - t0, cpu, worst


def halves(folder: Path) -> list[Path]:
    """The cohort's sheets in two folders (hard links), half each."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    out = []
    for k in range(2):
        half = folder.parent / f"half{k + 1}"
        half.mkdir()
        for p in files[k::2]:
            os.link(p, half / p.name)
        out.append(half)
    return out


def per_sheet_cpu(catalogue: Path, by_format: dict[str, list[Path]]) -> dict[str, float]:
    from zhibiao.model import Catalogue
    from zhibiao.scoring import scorable_leaves, score
    from zhibiao.sheets import read_sheet

    rubric = Catalogue.model_validate_json(catalogue.read_text(encoding="utf-8")).main_rubric()
    assert rubric is not None
    leaves = scorable_leaves(rubric, str(catalogue))
    out = {}
    for fmt, paths in by_format.items():
        times = []
        for path in paths[:3]:
            for _ in range(3):
                t0 = time.process_time()
                score(rubric, read_sheet(path, rubric, leaves))
                times.append(time.process_time() - t0)
        out[fmt] = statistics.median(times)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="sheets in the cohort")
    parser.add_argument("--runs", type=int, default=3, help="runs of each configuration (interleaved)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers of the cluster run")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
    zhibiao = str(Path(sys.executable).with_name("zhibiao"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sheets"
        folder.mkdir()
        t0 = time.perf_counter()
        catalogue, by_format = make(folder, args.count)
        print(f"{args.count} sheets made in {time.perf_counter() - t0:.1f} s "
              f"({', '.join(f'{len(v)} {k}' for k, v in by_format.items())})")
        cpu = per_sheet_cpu(catalogue, by_format)
        print("per-sheet CPU in one process (read, align, score; median of 9): "
              + ", ".join(f"{k} {1000 * v:.0f} ms" for k, v in cpu.items()))
        def command(where: Path, jobs: str) -> list[str]:
            return [zhibiao, "score", str(catalogue), str(where), "--allow-unverified", "--jobs", jobs]

        parts = halves(folder)
        configs = {"1 process (--jobs 1)": [command(folder, "1")],
                   "2 processes (halves)": [command(p, "1") for p in parts],
                   f"LocalCluster, {args.workers} workers": [command(folder, str(args.workers))]}
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in configs}
        for _ in range(args.runs):
            for name, argvs in configs.items():
                wall, used, _ = measure(*argvs)
                results[name].append((wall, used))
        cores = os.cpu_count() or 1
        print(f"\n{args.count} sheets scored, {args.runs} run(s) each; sheets/s from wall time (median, min, max); "
              f"CPU s of the commands and their workers; projected sheets/s on {cores} free cores from CPU time")
        print(f"{'configuration':<28} {'sheets/s':>8} {'min':>7} {'max':>7} {'wall s':>7} {'CPU s':>7} "
              f"{'CPU ×1':>7} {'proj/s':>7} {'× 1 proc':>8}")
        base = base_cpu = None
        for name, samples in results.items():
            rates = [args.count / w for w, _ in samples]
            med = statistics.median(rates)
            cpu_s = statistics.median(c for _, c in samples)
            base = base or med
            base_cpu = base_cpu or cpu_s
            print(f"{name:<28} {med:>8.2f} {min(rates):>7.2f} {max(rates):>7.2f} "
                  f"{statistics.median(w for w, _ in samples):>7.1f} {cpu_s:>7.1f} {cpu_s / base_cpu:>7.2f} "
                  f"{cores * args.count / cpu_s:>7.2f} {med / base:>8.2f}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
