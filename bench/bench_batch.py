"""Benchmark: folder batches (`zhibiao ingest DIR`) in one process, on 2 processes, on a Dask LocalCluster;
prints, never asserts.

Run: .venv/bin/python bench/bench_batch.py [--count 1000] [--runs 1] [--pdf-count 200] [--pdf-runs 5]
     [--sample N]   (the full run of issue 14: --count 10000 --sample 1000)

The corpus is generated in a temporary folder: every notice of corpus/ (the seeds, their renderings
and the family renderings: TXT, PDF, DOCX, HTML, XLSX, CSV) copied round-robin under numbered names
until --count files. Each configuration runs the real command in a fresh process, the configurations
interleaved round by round (their order rotated each round, so that load from elsewhere falls on each
alike), and is measured from outside:

- wall time, and the CPU time of the command and of every process it started (os.wait4 on a
  subreaper that runs the command and reaps what it leaves behind: the workers are forked from a
  forkserver the command does not wait for; the subreaper's own CPU is taken off);
- that CPU split by process (the subreaper samples /proc every 0.2 s: the command — client, scheduler
  and nannies, the manifest —, the workers, the forkserver and the rest);
- the work: the CPU each file's reading took in its task's own thread, as the manifest records it
  (`cpu`), so that what a configuration spends beyond the work is known.

Configurations: `--jobs 1` (the files one by one in the command's process, no Dask); multiprocessing,
2 processes (a ProcessPoolExecutor over the same task, zhibiao.batch.ingest_file: a peer in the same
run, to show what Dask itself costs); LocalCluster, 2 workers (`--jobs 2`: Dask distributed, one
single-threaded worker process each). Each is also run on a batch of 2 small notices (the smallest PDF and TXT, median
of 3): its start-up S (imports, the PDF readers' too; for the cluster the scheduler, the nannies, the workers).

The speedup 1 -> 2 workers (issue 14: ≥ 1.8× on CPU-bound PDF batches) is projected to 2 free cores
from CPU times, since this machine is shared (its load average is printed; wall-time ratios measured
on it understate what 2 free cores give). For each round, against that round's `--jobs 1` run:

- k: the median over the batch's files of a file's task CPU in the configuration over its task CPU
  in `--jobs 1` (the same file, the same code): how much faster or slower the machine ran the
  same work in the two runs. Under load it varies by ±20% from run to run; it is the variation
  the raw ratios showed. Dividing the configuration's CPU by k compares the two at one speed;
- free cores (raw): 2 × CPU(jobs 1) / CPU(configuration), start-up included, k not applied;
- steady, no k: 2 × (CPU(jobs 1) − S1) / (CPU(configuration) − S), the start-up off, k not applied;
- steady (the projection): 2 × k × (CPU(jobs 1) − S1) / (CPU(configuration) − S): the speedup a
  long batch tends to, from the CPU a file costs in each (all processes counted, work and overhead);
- batch: CPU(jobs 1) / (S + (CPU(configuration) / k − S) / 2): this batch on 2 free cores with the
  start-up counted as serial, and the batch size from which that reaches 1.8× printed;
- the cluster's idle ticks: an embedded cluster doing nothing costs CPU every second of wall (heartbeats,
  monitors; measured on an idle one for 15 s). A loaded machine stretches the wall and that cost with it,
  which 2 free cores would not: `steady with the ticks of the free-core wall` takes the difference off.

Printed are the medians over the rounds with min and max. The projection to N workers divides N by
the cluster's steady CPU per file (the work and Dask's cost per file, the start-up left out).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TARGET = 1.8
ONE = "--jobs 1 (this process)"

MP_PEER = """
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from zhibiao import batch
folder, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
jobs = batch.make_jobs(folder, batch.notice_files(folder), out)
manifest = batch.Manifest(out)
with ProcessPoolExecutor(max_workers=workers) as pool:
    for job, (outcome,) in zip(jobs, pool.map(batch.Chunk(batch.ingest_file), [[job] for job in jobs])):
        manifest.record(job, outcome)
manifest.close()
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


def sample_of(folder: Path, into: Path, count: int) -> None:
    """The first count notices of a generated folder, hard-linked under the same names (the same mix of formats)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and int(path.name[:5]) < count:
            target = into / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)


# Runs the command as a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER): a descendant whose parent exits
# first (the forkserver the workers are forked from, and the workers themselves) is reparented to it rather than
# to init, and reaped by it, so that its CPU time is in what os.wait4 reports for this process. A thread samples the
# CPU of every descendant from /proc every 0.2 s, by role (named when first seen, from its parent); the report
# (JSON, to the file in BENCH_CPU_REPORT) gives the roles' CPU and the subreaper's own, which the caller takes off.
REAPER = r"""
import ctypes, json, os, resource, subprocess, sys, threading
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
report = os.environ.pop("BENCH_CPU_REPORT")
tick = os.sysconf("SC_CLK_TCK")
me = os.getpid()
roles, cpu = {}, {}
stop = threading.Event()

def kids(pid):
    out = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(k) for k in fh.read().split()]
        except (OSError, ValueError):
            pass
    return out

def classify(pid, parent):
    if parent == me:
        return "command"
    up = roles.get(parent)
    if up == "forkserver":
        return "worker"
    if up != "command":
        return "other"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read()
    except OSError:
        return "other"
    if b"resource_tracker" in cmd:
        return "other"
    return "forkserver" if b"forkserver" in cmd else "worker"

def poll():
    stack = [(k, me) for k in kids(me)]
    while stack:
        pid, parent = stack.pop()
        if pid not in roles:
            roles[pid] = classify(pid, parent)
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
        stack += [(k, pid) for k in kids(pid)]

def sampler():
    while not stop.is_set():
        poll()
        stop.wait(0.2)

proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
thread = threading.Thread(target=sampler, daemon=True)
thread.start()
code = proc.wait()
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
stop.set()
thread.join()
split = {}
for pid, seconds in cpu.items():
    split[roles[pid]] = split.get(roles[pid], 0.0) + seconds
usage = resource.getrusage(resource.RUSAGE_SELF)
with open(report, "w") as fh:
    json.dump({"self": usage.ru_utime + usage.ru_stime, "roles": split}, fh)
sys.exit(code)
"""


@dataclass
class Sample:
    """One run of a configuration: wall and CPU seconds, the CPU by role, each file's task CPU (the manifest's)."""

    wall: float
    cpu: float
    code: int
    roles: dict[str, float] = field(default_factory=dict)
    files: dict[str, float] = field(default_factory=dict)

    @property
    def work(self) -> float:
        return sum(self.files.values())


def measure(argv: list[str], out: Path | None = None) -> Sample:
    """Run a command under the subreaper: its wall time, the CPU of it and of every process it started (the
    subreaper's own taken off), by role, and (when it wrote one) the task CPU of each file from its manifest."""
    fd, report = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", REAPER, *argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "BENCH_CPU_REPORT": report})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    try:
        reaped = json.loads(Path(report).read_text(encoding="utf-8"))
    finally:
        os.unlink(report)
    sample = Sample(wall, usage.ru_utime + usage.ru_stime - reaped["self"], os.waitstatus_to_exitcode(status),
                    reaped["roles"])
    manifest = out / "_manifest.jsonl" if out is not None else None
    if manifest is not None and manifest.exists():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            sample.files[entry["file"]] = float(entry.get("cpu", 0.0))
    return sample


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
        ONE: [zhibiao, "ingest", str(folder), "-o", str(out), "--jobs", "1"],
        f"multiprocessing, {workers} processes": [sys.executable, "-c", MP_PEER, str(folder), str(out), str(workers)],
        f"LocalCluster, {workers} workers": [zhibiao, "ingest", str(folder), "-o", str(out), "--jobs", str(workers)],
    }


IDLE = """
import json, os, resource, sys, time
from zhibiao import batch

def cpu_of(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def snap(pids):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + sum(cpu_of(pid) for pid in pids)

if __name__ == "__main__":
    workers, seconds = int(sys.argv[1]), float(sys.argv[2])
    with batch.client_for(workers, None) as client:
        client.wait_for_workers(workers)
        pids = list(client.run(os.getpid).values())
        time.sleep(2)
        before, t0 = snap(pids), time.monotonic()
        time.sleep(seconds)
        print(json.dumps((snap(pids) - before) / (time.monotonic() - t0)))
"""


def idle_cost(tmp: Path, workers: int, seconds: float = 15.0) -> float:
    """CPU seconds a second of wall time costs an embedded cluster doing nothing (scheduler, client, nannies and
    workers: heartbeats, monitors, ticks): the part of its overhead that grows with the wall time, not the work."""
    script = tmp / "idle.py"  # a file, not -c: the forkserver's workers must not run the measuring code
    script.write_text(IDLE, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(workers), str(seconds)], capture_output=True, text=True,
                         check=True, cwd=tmp)
    return float(out.stdout.strip().splitlines()[-1])


def startup_cpu(tmp: Path, workers: int) -> dict[str, float]:
    """Each configuration's CPU seconds on a batch of 2 small notices, the smallest PDF and the smallest TXT (median
    of 3, interleaved): its start-up, the PDF readers' imports included (--jobs 1 imports them at its first PDF, the
    cluster's workers before their first task)."""
    folder = tmp / "startup" / "in"
    smallest = [min(sources({kind}), key=lambda path: path.stat().st_size) for kind in (".pdf", ".txt")]
    generate(folder, smallest, 2)
    out = folder.parent / "out"
    seen: dict[str, list[float]] = {}
    for _ in range(3):
        for name, argv in configurations(folder, out, workers).items():
            shutil.rmtree(out, ignore_errors=True)
            seen.setdefault(name, []).append(measure(argv).cpu)
    shutil.rmtree(folder.parent)
    return {name: statistics.median(values) for name, values in seen.items()}


def speed(sample: Sample, base: Sample) -> float:
    """k: the median over the files of a file's task CPU in sample over its task CPU in base (files of ≥ 5 ms)."""
    ratios = [sample.files[name] / cpu for name, cpu in base.files.items() if cpu >= 0.005 and name in sample.files]
    return statistics.median(ratios) if ratios else 1.0


def spread(values: list[float], digits: int = 2) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def run_rounds(folder: Path, runs: int, workers: int) -> dict[str, list[Sample]]:
    """Every configuration once a round, in an order rotated each round; no manifest left: every file is read."""
    out = folder.parent / "out"
    results: dict[str, list[Sample]] = {}
    for r in range(runs):
        items = list(configurations(folder, out, workers).items())
        for name, argv in items[r % len(items):] + items[:r % len(items)]:
            shutil.rmtree(out, ignore_errors=True)
            sample = measure(argv, out)
            if sample.code not in (0, 1, 2, 3):
                print(f"  {name}: exit code {sample.code}", file=sys.stderr)
            results.setdefault(name, []).append(sample)
    shutil.rmtree(out, ignore_errors=True)
    return results


def report(title: str, count: int, results: dict[str, list[Sample]], workers: int,
           startup: dict[str, float], idle: float = 0.0) -> dict[str, float]:
    """Print a batch's figures; returns each configuration's median steady CPU a file (seconds)."""
    runs = len(results[ONE])
    print(f"\n{title}: {count} notices, {runs} round(s) of every configuration, interleaved")
    print(f"{'configuration':<32} {'notices/s':>9} {'min':>7} {'max':>7} {'wall s':>8} {'CPU s':>8} "
          f"{'CPU ms/notice':>13} {'× jobs 1 wall':>13}")
    base_rate = statistics.median(count / s.wall for s in results[ONE])
    for name, samples in results.items():
        rates = [count / s.wall for s in samples]
        cpu = statistics.median(s.cpu for s in samples)
        print(f"{name:<32} {statistics.median(rates):>9.2f} {min(rates):>7.2f} {max(rates):>7.2f} "
              f"{statistics.median(s.wall for s in samples):>8.1f} {cpu:>8.1f} {1000 * cpu / count:>13.1f} "
              f"{statistics.median(rates) / base_rate:>13.2f}")

    print("\nwhere the CPU goes, ms a notice (median of the rounds): the work is each file's task thread "
          "(the manifest's cpu); the command is the client, the scheduler and the nannies (and the work at "
          "--jobs 1); start-up S measured on 2 small notices")
    print(f"{'configuration':<32} {'total':>7} {'work':>7} {'command':>8} {'workers':>8} {'forksrv':>8} "
          f"{'other':>6} {'unseen':>7} {'S (s)':>6}")
    for name, samples in results.items():
        def per(values):
            return f"{1000 * statistics.median(values) / count:.1f}"
        work = [s.work for s in samples]
        command = [s.roles.get("command", 0.0) - (s.work if name == ONE else 0.0) for s in samples]
        extra = [s.roles.get("worker", 0.0) - (0.0 if name == ONE else s.work) for s in samples]
        unseen = [s.cpu - sum(s.roles.values()) for s in samples]
        print(f"{name:<32} {per([s.cpu for s in samples]):>7} {per(work):>7} {per(command):>8} {per(extra):>8} "
              f"{per([s.roles.get('forkserver', 0.0) for s in samples]):>8} "
              f"{per([s.roles.get('other', 0.0) for s in samples]):>6} {per(unseen):>7} {startup[name]:>6.2f}")
    print("  workers: the worker processes beyond their tasks' threads (Dask's worker, imports); unseen: CPU of "
          "processes between their last /proc sample and their end (≤ 0.2 s each)")

    print(f"\nspeedup 1 -> {workers} workers projected to {workers} free cores, per round against that round's "
          "--jobs 1 (median, min–max):")
    print(f"{'configuration':<32} {'k':>17} {'free cores (raw)':>17} {'steady, no k':>17} {'steady':>17} "
          f"{'batch':>17} {'1.8× from':>10}")
    s1 = startup[ONE]
    steady_cpu: dict[str, float] = {ONE: statistics.median((s.cpu - s1) / count for s in results[ONE])}
    for name, samples in results.items():
        if name == ONE:
            continue
        sx = startup[name]
        ks, raw, steady, whole, costs, ticks, short, bare = [], [], [], [], [], [], [], []
        for base, sample in zip(results[ONE], samples, strict=True):
            k = speed(sample, base)
            ks.append(k)
            raw.append(workers * base.cpu / sample.cpu)
            steady.append(workers * k * (base.cpu - s1) / (sample.cpu - sx))
            bare.append(workers * (base.cpu - s1) / (sample.cpu - sx))
            free_wall = sx + (sample.cpu / k - sx) / workers
            whole.append(base.cpu / free_wall)
            costs.append(((base.cpu - s1) / count, (sample.cpu / k - sx) / count))
            if "LocalCluster" in name:  # its idle ticks over the wall measured here, and over the free cores' wall
                ticks.append((idle * sample.wall, idle * free_wall))
                short.append(workers * k * (base.cpu - s1) / (sample.cpu - sx - idle * (sample.wall - free_wall)))
        c1 = statistics.median(c for c, _ in costs)
        cx = statistics.median(c for _, c in costs)
        steady_cpu[name] = cx
        # S1 + n c1 >= TARGET (Sx + n cx / workers): the batch size from which the whole batch reaches the target
        gain = c1 - TARGET * cx / workers
        from_n = f"{max(0.0, (TARGET * sx - s1) / gain):.0f}" if gain > 0 else "never"
        print(f"{name:<32} {spread(ks):>17} {spread(raw):>17} {spread(bare):>17} {spread(steady):>17} "
              f"{spread(whole):>17} {from_n:>10}")
        if "LocalCluster" in name:
            verdict = "ok" if statistics.median(steady) >= TARGET else "MISSED"
            print(f"  -> LocalCluster steady projection {statistics.median(steady):.2f}× "
                  f"(target ≥ {TARGET}×: {verdict}; lowest round {min(steady):.2f}×)")
            if idle:
                print(f"  its idle ticks: {1000 * idle:.1f} ms of CPU a second of wall; "
                      f"{statistics.median(t for t, _ in ticks):.2f} s of its CPU at the wall measured here, "
                      f"{statistics.median(f for _, f in ticks):.2f} s at the projected free-core wall; steady with "
                      f"the ticks of the free-core wall {spread(short)}")
    print("  k: the work's task CPU here over in --jobs 1 (the machine's speed between the two runs); raw: "
          f"{workers} × CPU(jobs 1) / CPU(this), start-up in, k not applied; steady, no k: the start-up off, k not "
          f"applied;\n  steady: {workers} k (CPU(jobs 1) − S1)"
          f" / (CPU(this) − S), a long batch; batch: CPU(jobs 1) / (S + (CPU(this)/k − S) / {workers}), this batch "
          "with the start-up serial; 1.8× from: the batch size from which `batch` reaches 1.8×")
    return steady_cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000,
                        help="notices in the mixed batch (10000: the full run; 0: skip it)")
    parser.add_argument("--sample", type=int, default=0,
                        help="run the rounds of the mixed batch on its first N notices, and the cluster once on "
                             "all of them (a full --jobs 1 run of 10,000 takes too long on a shared machine)")
    parser.add_argument("--pdf-count", type=int, default=200, help="notices in the PDF-only batch (0: skip it)")
    parser.add_argument("--runs", type=int, default=1, help="rounds on the mixed batch")
    parser.add_argument("--pdf-runs", type=int, default=5, help="rounds on the PDF batch")
    parser.add_argument("--workers", type=int, default=2, help="processes / Dask workers of the parallel runs")
    parser.add_argument("--no-formats", action="store_true", help="skip the per-format CPU table")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start "
          "(the machine may be shared: wall-time ratios then understate 2 free cores)")
    mixed = sources()
    if not args.no_formats:
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
        print(f"mean {1000 * statistics.mean(cpu.values()):.1f} ms a notice (the reading alone, in process)")
    with tempfile.TemporaryDirectory() as tmp:
        startup = startup_cpu(Path(tmp), args.workers)
        print("\nstart-up, CPU s on a batch of 2 small notices (median of 3): "
              + ", ".join(f"{name} {s:.2f}" for name, s in startup.items()))
        idle = idle_cost(Path(tmp), args.workers)
        print(f"an idle LocalCluster of {args.workers} workers: {1000 * idle:.1f} ms of CPU a second of wall")
        folder = Path(tmp) / "mixed" / "in"
        generate(folder, mixed, args.count)
        cluster = f"LocalCluster, {args.workers} workers"
        if not args.count:
            pass
        elif args.sample and args.sample < args.count:
            part = Path(tmp) / "sample" / "in"
            sample_of(folder, part, args.sample)
            results = run_rounds(part, args.runs, args.workers)
            costs = report("mixed batch, sample (TXT, PDF, DOCX, HTML, XLSX, CSV)", args.sample, results,
                           args.workers, startup, idle)
            shutil.rmtree(part.parent)
            out = folder.parent / "out"
            full = measure(configurations(folder, out, args.workers)[cluster], out)
            done = len(full.files)
            print(f"\nmixed batch, all {args.count} notices, {cluster} once: exit {full.code}, {done} in the manifest,"
                  f" {args.count / full.wall:.2f} notices/s ({full.wall:.0f} s wall, load average "
                  f"{os.getloadavg()[0]:.2f}), CPU {full.cpu:.0f} s = {1000 * full.cpu / args.count:.1f} ms a notice "
                  f"(work {1000 * full.work / args.count:.1f}; the sample's rounds: {1000 * costs[cluster]:.1f} "
                  "steady)")
        else:
            costs = report("mixed batch (TXT, PDF, DOCX, HTML, XLSX, CSV)", args.count,
                           run_rounds(folder, args.runs, args.workers), args.workers, startup, idle)
        if args.count:
            print("projection to N workers (the cluster's steady CPU a notice, start-up left out): "
                  + ", ".join(f"{n} {n / costs[cluster]:.1f}/s" for n in (1, 2, 4, 8, 16, 32)))
        shutil.rmtree(folder.parent, ignore_errors=True)
        if args.pdf_count:
            folder = Path(tmp) / "pdf" / "in"
            generate(folder, sources({".pdf"}), args.pdf_count)
            costs = report("CPU-bound batch (PDF only)", args.pdf_count, run_rounds(folder, args.pdf_runs,
                                                                                    args.workers),
                           args.workers, startup, idle)
            print("projection to N workers, PDF: "
                  + ", ".join(f"{n} {n / costs[cluster]:.1f}/s" for n in (1, 2, 4, 8, 16, 32)))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
