"""Benchmark: start-up cost of the `zhibiao` command against a bare interpreter; prints, never asserts.

Run: .venv/bin/python bench/bench_startup.py [--runs N]

Each command runs N times as a fresh process; the CPU time (user + system) of the child is read from
the kernel's accounting (os.wait4), which a busy, shared machine disturbs far less than wall time.
Target (issue 14, item 3): `zhibiao --help` and `zhibiao check <small catalogue>` each within 2× of the
`python -c "import click"` peer, measured in the same run.

The children run with bytecode caches, as an installed zhibiao does (pip compiles its modules when it
installs them; click's are compiled in the venv already): PYTHONDONTWRITEBYTECODE is dropped from their
environment, so the warm-up run writes zhibiao's own .pyc files where none were (with it set and no caches,
every zhibiao module but not click would be compiled from source in every run: not a fair comparison).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL_NOTICE = ROOT / "corpus" / "families" / "jt02_jiaotong_zhifa" / "jt02_jiaotong_zhifa.tab.txt"
TARGET = 2.0
PYDANTIC_PEER = ("import click, pydantic\n"
                 "class M(pydantic.BaseModel):\n    x: int\n"
                 "M.model_validate({'x': 1})")


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # see above


def _run(argv: list[str]) -> tuple[float, float, int]:
    """One run: (CPU seconds of the child, wall seconds, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, wall, proc.returncode


def _modules(argv_tail: list[str]) -> int:
    """How many modules `zhibiao ARGS` has imported when it exits."""
    code = ("import sys; from zhibiao.cli import main\n"
            "try:\n    main(sys.argv[1:])\nfinally:\n    print(len(sys.modules), file=sys.__stderr__)")
    out = subprocess.run([sys.executable, "-c", code, *argv_tail], capture_output=True, text=True, env=ENV)
    try:
        return int(out.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return -1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (median, min and max reported)")
    args = parser.parse_args(argv)
    zhibiao = str(Path(sys.executable).with_name("zhibiao"))
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = Path(tmp) / "small.json"
        subprocess.run([zhibiao, "ingest", str(SMALL_NOTICE), "-o", str(catalogue)], capture_output=True,
                       check=False)
        if not catalogue.exists():
            print(f"could not ingest {SMALL_NOTICE.name} for the check run", file=sys.stderr)
            return 1
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            'python -c "import click"': [sys.executable, "-c", "import click"],
            # the floor of anything that reads a catalogue: click, pydantic, and one model validated (pydantic's
            # first validator loads its plugin registry through importlib.metadata)
            "python: click + 1 pydantic model": [sys.executable, "-c", PYDANTIC_PEER],
            "zhibiao --help": [zhibiao, "--help"],
            "zhibiao check small.json": [zhibiao, "check", str(catalogue)],
        }
        tails = {"zhibiao --help": ["--help"], "zhibiao check small.json": ["check", str(catalogue)]}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        wall: dict[str, list[float]] = {name: [] for name in commands}
        for cmd in commands.values():  # one warm-up each: the page cache, .pyc files
            _run(cmd)
        for _ in range(args.runs):  # interleaved, so that a burst of load from elsewhere hits every command
            for name, cmd in commands.items():
                c, w, _code = _run(cmd)
                cpu[name].append(c)
                wall[name].append(w)
        modules = {name: _modules(tail) for name, tail in tails.items()}
    peer = statistics.median(cpu['python -c "import click"'])
    print(f"start-up, {args.runs} runs each, CPU time of the child (user+sys); "
          f"the machine may be shared, so the medians are what counts; with bytecode caches")
    print(f"{'command':<32} {'CPU ms median':>13} {'min':>7} {'max':>7} {'wall ms':>8} {'× click':>8} "
          f"{'modules':>8}  target")
    for name in commands:
        med = statistics.median(cpu[name])
        ratio = med / peer if peer else float("nan")
        target = (f"≤ {TARGET:g}× {'ok' if ratio <= TARGET else 'MISSED'}" if name.startswith("zhibiao") else "")
        if name.startswith("zhibiao check"):
            floor = statistics.median(cpu["python: click + 1 pydantic model"])
            target += f"; {med / floor:.2f}× the click + pydantic floor"
        mods = str(modules[name]) if name in modules else ""
        print(f"{name:<32} {med * 1000:>13.1f} {min(cpu[name]) * 1000:>7.1f} {max(cpu[name]) * 1000:>7.1f} "
              f"{statistics.median(wall[name]) * 1000:>8.1f} {ratio:>8.2f} {mods:>8}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
