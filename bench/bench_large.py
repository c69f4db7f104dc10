"""Benchmark: large text notices and large assessment CSVs (issue 11.12); prints, never asserts.

Run: .venv/bin/python bench/bench_large.py [--runs N] [--cases narrative,long,items,line,tabline,score,load,row]
     [--mib 49] [--items N] [--rows N] [--cells N]

Every case is generated in a temporary folder and run as a subprocess (`zhibiao ingest FILE -o OUT.json`,
`zhibiao score CAT.json A.csv --allow-unverified`); the wall time, the CPU time (user + system, steadier
on a busy machine) and the peak RSS of that one child (``os.wait4``'s rusage ``ru_maxrss``) are the
medians of ``--runs`` runs. The peer is measured in the same run on the same file: a plain Python child
that reads the bytes, decodes them and splits the lines (``open().read().decode().splitlines()``) —
the least a reader of the whole text holds — and ``wc -l``. Printed: input size, exit code, times,
RSS, RSS / input size and time / peer.

Cases:
  narrative  ~49 MiB: a short rubric, then many one-line narrative paragraphs (the README's figure).
  long       ~49 MiB: a short rubric, then paragraphs of 150,000 characters (under the 200,000 limit).
  items      a rubric of ``--items`` items (一、 sections over （一） groups over numbered items, points
             reconciling at every level).
  line       a 20 MB single line of items with points (refused: text-length limit, exit 3).
  tabline    a 20 MB single line of tab-separated short cells (one table row).
  score      a catalogue of ``--rows`` leaves (built directly as JSON) and an assessment CSV of one row per
             leaf (id,awarded; every 7th n/a); the peer reads the CSV with Python's csv module.
  load       the catalogue of ``--rows`` leaves read and validated (``zhibiao.cli.load_catalogue``, what
             check/show/export/score do first); the peer parses the same JSON with Python's json module.
  row        a text table of two rows of ``--cells`` cells (label, points, label, points …), ingested; the
             peer is the same table with a tenth of the cells a row: linear in the cells of a row, the CPU
             ratio is at most 10 (less the start-up both pay); quadratic, it nears 100. Then, in one process
             after a warm-up (no start-up), the CPU medians of ingesting the wide rows and the tenth-wide
             rows, and their ratio.

Targets (issue 11.12): peak RSS of the 49 MiB text ≤ 4× the input; the 20 MB single line ends in
seconds with exit 3 naming the file and the reason; a 300,000-row assessment scores in a few seconds; a
300,000-leaf catalogue loads in seconds; a 1,000-cell row costs about what as many cells in short rows cost.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "hostile"))
from make import assessment, catalogue, tab_line  # noqa: E402  the generators the hostile tests use

MIB = 1 << 20
CASES = ("narrative", "long", "items", "line", "tabline", "score", "load", "row")
_HEAD = ("示例县司法局关于印发行政执法考评指标体系的通知\n\n各镇、各部门：\n"
         "现将考评指标印发给你们，请认真组织实施。\n\n考核指标\n一、组织领导（10分）\n1.成立领导小组（5分）\n2.制定工作方案（5分）\n"
         "二、执法监督（10分）\n3.开展案卷评查（10分）\n")
_PARA = "各单位要认真贯彻落实行政执法责任制，加强执法监督，规范执法行为，提高执法质量和水平。"
_CN = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """1 … 999 as a Chinese numeral."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _CN[hundreds] + "百" + ("零" if rest and tens == 0 else "")
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN[tens]) + "十"
    return out + (_CN[ones] if ones else "")


def _fill(path: Path, head: str, unit: str, size: int) -> Path:
    """``head`` then ``unit`` repeated up to ``size`` bytes (written in blocks, never held whole)."""
    raw = unit.encode("utf-8")
    n = max(0, (size - len(head.encode("utf-8"))) // len(raw))
    with path.open("wb") as fh:
        fh.write(head.encode("utf-8"))
        block = raw * max(1, MIB // len(raw))
        per = MIB // len(raw) or 1
        for _ in range(n // per):
            fh.write(block)
        fh.write(raw * (n % per))
    return path


def _numbered(path: Path, head: str, para: str, size: int) -> Path:
    """``head`` then lines ``para`` + a running number up to ``size`` bytes: no two lines alike, so that
    nothing memoised per text makes the run look faster than a real notice."""
    with path.open("w", encoding="utf-8") as fh:
        written = fh.write(head)
        k = 0
        per = max(1, min(256, MIB // len(para.encode("utf-8"))))  # lines a block (about 1 MiB at most)
        while written < size:
            block = "".join(f"{para}（第{k + j}段）\n" for j in range(per))
            fh.write(block)
            written += len(block.encode("utf-8"))
            k += per
    return path


def narrative(path: Path, mib: int) -> Path:
    return _numbered(path, _HEAD, _PARA, mib * MIB)


def long_paragraphs(path: Path, mib: int) -> Path:
    return _numbered(path, _HEAD, _PARA * (150_000 // len(_PARA)), mib * MIB)


def items(path: Path, n: int) -> Path:
    group, groups = 10, 10
    with path.open("w", encoding="utf-8") as fh:
        fh.write(_HEAD.split("考核指标")[0] + "考核指标\n")
        for s in range(1, max(1, n // (group * groups)) + 1):
            fh.write(f"{_cn(s % 1000 or 1)}、考评部分{s}（{group * groups}分）\n")
            for g in range(1, groups + 1):
                fh.write(f"（{_cn(g)}）第{s}部分第{g}组（{group}分）\n")
                fh.writelines(f"{i}.执法人员持证上岗第{s}-{g}-{i}项（1分）\n" for i in range(1, group + 1))
    return path


def line(path: Path, size: int = 20_000_000) -> Path:
    return _fill(path, "考核指标体系\n", "执法案卷评查得分，得1分。", size)


def row(path: Path, cells: int) -> Path:
    """A rubric table of two rows of ``cells`` cells each (label, points, label, points …)."""
    wide_row = "\t".join(["执法案卷", "1"] * max(1, cells // 2))
    path.write_text("考核指标体系\n" + wide_row + "\n" + wide_row + "\n", encoding="utf-8")
    return path


_ROW_IN = """import statistics, sys, time
from zhibiao.pipeline import ingest
runs = int(sys.argv[1]); out = []
for path in sys.argv[2:]:
    ingest(path)  # warm: imports, first validation
    times = []
    for _ in range(runs):
        t0 = time.process_time(); ingest(path); times.append(time.process_time() - t0)
    out.append(statistics.median(times))
print(" ".join(f"{t:.4f}" for t in out))
"""


def measure(argv: list[str], runs: int) -> tuple[int, float, float, float, str]:
    """Median (exit code, wall s, CPU s, peak RSS MiB) of ``runs`` child processes, and the last stderr line."""
    walls, cpus, rss = [], [], []
    rc, err = 0, ""
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        errors = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        walls.append(time.perf_counter() - t0)
        cpus.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss / 1024)  # KiB on Linux
        rc = proc.returncode
        text = errors.decode("utf-8", "replace").strip()
        err = text.splitlines()[-1][:100] if text else ""
    return rc, statistics.median(walls), statistics.median(cpus), statistics.median(rss), err


_READ = "import sys; t = open(sys.argv[1], 'rb').read().decode('utf-8'); ls = t.splitlines(); print(len(ls))"
_READ_JSON = "import json, sys; print(len(json.load(open(sys.argv[1], encoding='utf-8'))))"
_LOAD = "import sys; from zhibiao.cli import load_catalogue; print(load_catalogue(sys.argv[1]).size())"
_READ_CSV = "import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8', newline=''))))"


def report(name: str, path: Path, argv: list[str], peer: str | list[str], runs: int,
           size_of: Path | None = None) -> None:
    """One case and its peer (Python code run on ``path``, or a command of its own)."""
    size = (size_of or path).stat().st_size / MIB
    rc, wall, cpu, rss, err = measure(argv, runs)
    peer_argv = [sys.executable, "-c", peer, str(path)] if isinstance(peer, str) else peer
    _, pwall, pcpu, prss, _ = measure(peer_argv, runs)
    _, wwall, _, _, _ = measure(["wc", "-l", str(path)], runs)
    print(f"{name:<10} {size:>8.1f} {rc:>3} {wall:>8.2f} {cpu:>8.2f} {rss:>8.0f} {rss / size:>7.1f}x "
          f"{pwall:>7.2f} {prss:>7.0f} {cpu / max(pcpu, 1e-3):>7.1f}x {wwall:>6.2f}  {err}", flush=True)


def make(case: str, path: Path, args: argparse.Namespace) -> None:
    """Write the input(s) of one case (run in a child: the measuring process stays small, since a child's
    peak RSS counts the pages it shares with the process that forked it)."""
    if case == "score":  # sections of 100 groups of 30 items, 1 point each
        assessment(path, catalogue(path.with_suffix(".json"), max(1, args.rows // 3000)))
        return
    if case == "load":
        catalogue(path, max(1, args.rows // 3000))
        return
    if case == "row":
        row(path, args.cells)
        row(path.with_name("row_peer.txt"), max(2, args.cells // 10))
        return
    makers = {"narrative": lambda p: narrative(p, args.mib), "long": lambda p: long_paragraphs(p, args.mib),
              "items": lambda p: items(p, args.items), "line": line, "tabline": tab_line}
    makers[case](path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (medians are reported)")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--mib", type=int, default=49, help="size of the narrative and long-paragraph notices")
    parser.add_argument("--items", type=int, default=20_000, help="items of the `items` rubric")
    parser.add_argument("--rows", type=int, default=300_000, help="rows of the assessment CSV, leaves of the catalogue")
    parser.add_argument("--cells", type=int, default=1000, help="cells of the long row (`row`)")
    parser.add_argument("--make", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.make:
        make(args.make[0], Path(args.make[1]), args)
        return 0
    cases = [c for c in args.cases.split(",") if c]
    zhibiao = [sys.executable, "-m", "zhibiao.cli"]
    print(f"{'case':<10} {'MiB':>8} {'rc':>3} {'wall s':>8} {'cpu s':>8} {'RSS MiB':>8} {'RSS/in':>8} "
          f"{'peer s':>7} {'peerRSS':>7} {'cpu/peer':>8} {'wc s':>6}  last stderr line")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = str(folder / "out.json")
        for case in cases:
            path = folder / {"score": "score.csv", "load": "load.json"}.get(case, f"{case}.txt")
            subprocess.run([sys.executable, __file__, "--make", case, str(path), "--mib", str(args.mib),
                            "--items", str(args.items), "--rows", str(args.rows), "--cells", str(args.cells)],
                           check=True)
            if case == "score":
                cat = path.with_suffix(".json")
                report("score", path, [*zhibiao, "score", str(cat), str(path), "--allow-unverified"], _READ_CSV,
                       args.runs)
                print(f"{'':<10} (catalogue JSON {cat.stat().st_size / MIB:.1f} MiB, {args.rows:,} leaves; "
                      "RSS/in is to the CSV)", flush=True)
                cat.unlink()
            elif case == "load":
                report("load", path, [sys.executable, "-c", _LOAD, str(path)], _READ_JSON, args.runs)
                print(f"{'':<10} ({args.rows:,} leaves; the peer is json.load of the same file)", flush=True)
            elif case == "row":
                peer = path.with_name("row_peer.txt")
                report("row", path, [*zhibiao, "ingest", str(path), "-o", out],
                       [*zhibiao, "ingest", str(peer), "-o", out], args.runs)
                print(f"{'':<10} ({args.cells:,} cells a row; the peer has {max(2, args.cells // 10):,}: linear is "
                      "≤ 10x)", flush=True)
                timed = subprocess.run([sys.executable, "-c", _ROW_IN, str(args.runs), str(path), str(peer)],
                                       check=True, capture_output=True, text=True).stdout.split()
                wide, tenth = (float(t) for t in timed)
                print(f"{'':<10} in process (CPU, median of {args.runs}, start-up left out): {args.cells:,}-cell rows "
                      f"{wide * 1000:.0f} ms, {max(2, args.cells // 10):,}-cell rows {tenth * 1000:.0f} ms "
                      f"({wide / max(tenth, 1e-6):.1f}x; linear ≤ 10x, quadratic ~100x)", flush=True)
                peer.unlink()
            else:
                report(case, path, [*zhibiao, "ingest", str(path), "-o", out], _READ, args.runs)
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
