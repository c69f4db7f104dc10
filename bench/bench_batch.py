"""Benchmark: folder batches (`zhibiao ingest DIR`) in one process, on 2 processes, on a Dask LocalCluster;
prints, never asserts.

Run: .venv/bin/python bench/bench_batch.py [--count 1000] [--pdf-count 200] [--runs 1] [--pdf-runs 3]

The corpus is generated in a temporary folder: every notice of corpus/ (the seeds, their renderings
and the family renderings: TXT, PDF, DOCX, HTML, XLSX, CSV) copied round-robin under numbered names
until --count files (`--count 10000` for the full run of issue 14). Each configuration runs the real
command in a fresh process and is measured from outside: wall time, and the CPU time of the command
and of every process it started (os.wait4 on a subreaper that runs the command and reaps what it leaves
behind: the workers are forked from a forkserver the command does not wait for). Configurations:

- `--jobs 1`: the files one by one in the command's process (no Dask);
- multiprocessing, 2 processes: a ProcessPoolExecutor over the same task (zhibiao.batch.ingest_file) —
  a peer measured in the same run, to show what Dask itself costs;
- LocalCluster, 2 workers: `--jobs 2` (Dask distributed, one single-threaded worker process each).

Per-file CPU time is measured in this process over each distinct notice (median of 3), and gives the
projection: N workers read at most N / (mean CPU per file) notices/s. The CPU-bound case is a batch
of PDFs only: the target (issue 14) is a wall-time speedup ≥ 1.8× from 1 to 2 workers.

The machine has 2 cores and may be shared with other work (its load average is printed before and
after): wall-time ratios then understate what 2 free cores give; the CPU times are less disturbed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TARGET = 1.8

MP_PEER = """
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from zhibiao import batch
folder, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
jobs = batch.make_jobs(folder, batch.notice_files(folder), out)
with ProcessPoolExecutor(max_workers=workers) as pool:
    outcomes = list(pool.map(batch.ingest_file, jobs, chunksize=1))
print(sum(1 for o in outcomes if o.status in ("ok", "errors")))
"""


def sources(kinds: set[str] | None = None) -> list[Path]:
    """The distinct notices of corpus/: seeds, renderings and family renderings."""
    from zhibiao.batch import NOTICE_SUFFIXES

    found = [p for p in sorted(CORPUS.rglob("*")) if p.is_file() and p.suffix.lower() in NOTICE_SUFFIXES
             and "pairs" not in p.relative_to(CORPUS).parts]
    return [p for p in found if kinds is None or p.suffix.lower() in kinds]


def generate(folder: Path, files: list[Path], count: int) -> None:
    """count notices under folder, numbered, 500 a subfolder, copied round-robin from files."""
    for i in range(count):
        src = files[i % len(files)]
        sub = folder / f"part{i // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, sub / f"{i:05d}_{src.name}")


# Runs the command as a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER): a descendant whose parent exits
# first (the forkserver the workers are forked from, and the workers themselves) is reparented to it rather than
# to init, and reaped by it, so that its CPU time is in what os.wait4 reports for this process
REAPER = """
import ctypes, os, subprocess, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
sys.exit(code)
"""


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Run a command; (wall s, CPU s of it and of every process it started, its workers included, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", REAPER, *argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def per_file_cpu(files: list[Path]) -> dict[Path, float]:
    """CPU seconds to ingest each distinct notice in this process (median of 3, after a warm-up)."""
    from zhibiao.errors import ZhibiaoError
    from zhibiao.pipeline import ingest

    out: dict[Path, float] = {}
    for path in files:
        times = []
        for _ in range(4):
            t0 = time.process_time()
            try:
                ingest(path).model_dump_json(indent=1)
            except ZhibiaoError:
                pass
            times.append(time.process_time() - t0)
        out[path] = statistics.median(times[1:])
    return out


def configurations(folder: Path, out: Path, workers: int) -> dict[str, list[str]]:
    zhibiao = str(Path(sys.executable).with_name("zhibiao"))
    return {
        "--jobs 1 (this process)": [zhibiao, "ingest", str(folder), "-o", str(out), "--jobs", "1"],
        f"multiprocessing, {workers} processes": [sys.executable, "-c", MP_PEER, str(folder), str(out), str(workers)],
        f"LocalCluster, {workers} workers": [zhibiao, "ingest", str(folder), "-o", str(out), "--jobs", str(workers)],
    }


def startup_cpu(tmp: Path, workers: int) -> float:
    """CPU seconds a LocalCluster batch costs beyond one process: two small notices, --jobs N less --jobs 1
    (median of 3): the scheduler, the nannies, the workers' imports."""
    folder = tmp / "startup" / "in"
    generate(folder, [CORPUS / "002_c943348d01e8f118.txt", CORPUS / "001_5886f06ed561739e.txt"], 2)
    zhibiao = str(Path(sys.executable).with_name("zhibiao"))
    extra = []
    for _ in range(3):
        cpu = {}
        for n in (1, workers):
            shutil.rmtree(folder.parent / "out", ignore_errors=True)
            cpu[n] = measure([zhibiao, "ingest", str(folder), "-o", str(folder.parent / "out"), "--jobs", str(n)])[1]
        extra.append(cpu[workers] - cpu[1])
    return statistics.median(extra)


def run_batch(title: str, folder: Path, count: int, runs: int, workers: int,
              startup: float = 0.0) -> dict[str, list[tuple[float, float]]]:
    results: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):  # interleaved, so that load from elsewhere falls on every configuration
        for name, argv in configurations(folder, folder.parent / "out", workers).items():
            shutil.rmtree(folder.parent / "out", ignore_errors=True)  # no manifest: every file is read
            wall, cpu, code = measure(argv)
            if code not in (0, 1, 2, 3):
                print(f"  {name}: exit code {code}", file=sys.stderr)
            results.setdefault(name, []).append((wall, cpu))
    print(f"\n{title}: {count} notices, {runs} run(s) each; notices/s from wall time (median, min, max)")
    print(f"{'configuration':<32} {'notices/s':>9} {'min':>7} {'max':>7} {'wall s':>8} {'CPU s':>8} "
          f"{'CPU ms/notice':>13} {'× jobs 1':>8} {'free cores':>10} {'steady':>7}")
    base = base_cpu = None
    for name, samples in results.items():
        rates = [count / wall for wall, _ in samples]
        med = statistics.median(rates)
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        if base is None:
            base, base_cpu, free, steady = med, cpu, "", ""
        else:  # the speedup if each worker had a core of its own: the work and Dask's overhead, as CPU shows them
            free = f"{workers * base_cpu / cpu:.2f}"
            steady = f"{workers * base_cpu / (cpu - startup):.2f}" if "LocalCluster" in name else ""
        print(f"{name:<32} {med:>9.2f} {min(rates):>7.2f} {max(rates):>7.2f} {wall:>8.1f} {cpu:>8.1f} "
              f"{1000 * cpu / count:>13.1f} {med / base:>8.2f} {free:>10} {steady:>7}")
    print("  × jobs 1: measured wall-time ratio; free cores: workers × CPU(jobs 1) / CPU(this), what the same work "
          "gives when nothing else runs (start-up included);\n  steady: the same without the cluster's start-up "
          f"({startup:.1f} s CPU), what a long batch tends to")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="notices in the mixed batch (10000: the full run)")
    parser.add_argument("--pdf-count", type=int, default=200, help="notices in the PDF-only batch (0: skip it)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each configuration on the mixed batch")
    parser.add_argument("--pdf-runs", type=int, default=3, help="runs of each configuration on the PDF batch")
    parser.add_argument("--workers", type=int, default=2, help="processes / Dask workers of the parallel runs")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start "
          "(the machine may be shared: wall-time ratios then understate 2 free cores)")
    mixed = sources()
    cpu = per_file_cpu(mixed)
    by_kind: dict[str, list[float]] = {}
    for path, seconds in cpu.items():
        by_kind.setdefault(path.suffix.lower().lstrip("."), []).append(seconds)
    print(f"\nper-file CPU time in one process, {len(mixed)} distinct notices (median of 3 each)")
    print(f"{'format':<8} {'files':>5} {'median ms':>9} {'min':>7} {'max':>8} {'mean ms':>8}")
    for kind, values in sorted(by_kind.items()):
        print(f"{kind:<8} {len(values):>5} {1000 * statistics.median(values):>9.1f} {1000 * min(values):>7.1f} "
              f"{1000 * max(values):>8.1f} {1000 * statistics.mean(values):>8.1f}")
    # the generated corpus takes the files round-robin: its mean is the mean over the distinct files
    mean = statistics.mean(cpu.values())
    print(f"mean {1000 * mean:.1f} ms a notice -> projection (CPU-bound, no overhead): "
          + ", ".join(f"{n} worker(s) {n / mean:.1f}/s" for n in (1, 2, 4, 8, 16, 32)))
    with tempfile.TemporaryDirectory() as tmp:
        startup = startup_cpu(Path(tmp), args.workers)
        print(f"\nLocalCluster of {args.workers} workers: {startup:.2f} s CPU beyond one process for a batch of 2 "
              "small notices (median of 3): scheduler, nannies, workers' imports")
        folder = Path(tmp) / "mixed" / "in"
        generate(folder, mixed, args.count)
        run_batch("mixed batch (TXT, PDF, DOCX, HTML, XLSX, CSV)", folder, args.count, args.runs, args.workers,
                  startup)
        shutil.rmtree(folder.parent)
        if args.pdf_count:
            pdfs = sources({".pdf"})
            folder = Path(tmp) / "pdf" / "in"
            generate(folder, pdfs, args.pdf_count)
            pdf_mean = statistics.mean(cpu[p] for p in pdfs)
            results = run_batch("CPU-bound batch (PDF only)", folder, args.pdf_count, args.pdf_runs, args.workers,
                                startup)
            names = list(results)
            one = statistics.median(w for w, _ in results[names[0]])
            print(f"PDF mean {1000 * pdf_mean:.1f} ms CPU a file; projection {args.workers} workers "
                  f"{args.workers / pdf_mean:.1f}/s")
            for name in names[1:]:
                speedup = one / statistics.median(w for w, _ in results[name])
                print(f"speedup 1 -> {args.workers}, {name}: {speedup:.2f}× (target ≥ {TARGET}×: "
                      f"{'ok' if speedup >= TARGET else 'MISSED'})")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
