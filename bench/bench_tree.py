"""Benchmark: tree recovery on large generated rubrics (issue 11.1); prints, never asserts.

Run: .venv/bin/python bench/bench_tree.py [--sizes 1000,2000,...] [--kinds flat,nested,...] [--repeat 3]
[--no-memory]

For each kind and size N it writes a text notice of N items, ingests it in-process
(`zhibiao.pipeline.ingest`) --repeat times and prints the median wall and CPU time (CPU time is
steadier on a busy machine: on a machine shared with other work, judge the target by it and by the
wall time of a quiet moment), the peak traced memory (tracemalloc, one more run) and, as a peer
measured in the same run, the median time of reading the file alone (`extract.read`) with the ratio
of ingest to it.

Where the time went (issue 11.1): each paragraph is parsed once for finding the rubric and reading it
(normalize.entries.CellMemo), cleaned once per ingest (normalize.cleanup.clean_memo), and the cycle
collector is paused while the layout is normalized (zhibiao.pipeline: it walked every live entry
again and again, a third of the time, and found no cycles).

Kinds:
  flat        N items `i. …（1分）` as paragraphs, numbered on.
  flat_table  N rows of a tab table 序号 / 考评内容 / 分值.
  nested      一、 sections over （一） groups over items 1. … (numbered again in each group); the
              points reconcile at every level, so the layout order is the tree.
  scrambled   the same rubric with each label printed after its items (a scrambled conversion):
              the layout order does not reconcile and the point sums must recover the tree.

Target (issue 11): 20,000 flat items in ≤ 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from zhibiao import extract
from zhibiao.pipeline import ingest

SIZES = (1000, 2000, 5000, 10000, 20000, 50000)
KINDS = ("flat", "flat_table", "nested", "scrambled")
TARGET = ("flat", 20000, 2.0)
GROUP = 10  # items per （一） group
GROUPS = 10  # groups per 一、 section

_CN_DIGITS = "零一二三四五六七八九"
_WORDS = ("执法人员持证上岗", "案卷材料归档齐全", "重大执法决定经法制审核", "执法全过程记录完整", "公示执法信息",
          "落实行政裁量权基准", "执法文书使用规范", "按期办结投诉举报")


def _cn(n: int) -> str:
    """1 … 999 as a Chinese numeral (一, 十二, 一百零五)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _CN_DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN_DIGITS[tens]) + "十"
    if ones:
        out += _CN_DIGITS[ones]
    return out


def _head() -> str:
    return ("示例县司法局关于印发行政执法考评指标体系的通知\n\n各镇、各部门：\n"
            "现将考评指标印发给你们，请认真组织实施。\n\n行政执法考评指标\n\n")


def _item(i: int) -> str:
    return f"{_WORDS[i % len(_WORDS)]}第{i}项"


def flat(n: int) -> str:
    return _head() + "".join(f"{i}. {_item(i)}（1分）\n" for i in range(1, n + 1))


def flat_table(n: int) -> str:
    return _head() + "序号\t考评内容\t分值\n" + "".join(f"{i}\t{_item(i)}\t1\n" for i in range(1, n + 1))


def _nested_lines(n: int, labels_after: bool) -> list[str]:
    lines: list[str] = []
    sections = max(1, n // (GROUP * GROUPS))
    for s in range(1, sections + 1):
        section: list[str] = []
        for g in range(1, GROUPS + 1):
            items = [f"{i}. {_item(s * 1000 + g * 10 + i)}（1分）" for i in range(1, GROUP + 1)]
            label = f"（{_cn(g)}）第{s}部分第{g}组（{GROUP}分）"
            section.extend(items + [label] if labels_after else [label] + items)
        label = f"{_cn(s)}、考评部分{s}（{GROUP * GROUPS}分）"
        lines.extend(section + [label] if labels_after else [label] + section)
    return lines


def nested(n: int) -> str:
    return _head() + "\n".join(_nested_lines(n, False)) + "\n"


def scrambled(n: int) -> str:
    return _head() + "\n".join(_nested_lines(n, True)) + "\n"


GENERATORS: dict[str, Callable[[int], str]] = {"flat": flat, "flat_table": flat_table, "nested": nested,
                                               "scrambled": scrambled}


def _count(indicators) -> int:
    return sum(1 + _count(i.children) for i in indicators)


def run(kind: str, n: int, folder: Path, memory: bool, repeat: int = 1) -> None:
    path = folder / f"{kind}_{n}.txt"
    path.write_text(GENERATORS[kind](n), encoding="utf-8")
    reads, walls, cpus = [], [], []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        extract.read(path)
        reads.append(time.perf_counter() - t0)
        t0, c0 = time.perf_counter(), time.process_time()
        catalogue = ingest(path)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    read_s, ingest_s, cpu_s = statistics.median(reads), statistics.median(walls), statistics.median(cpus)
    peak = "-"
    if memory:
        tracemalloc.start()
        ingest(path)
        peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:.1f}"
        tracemalloc.stop()
    nodes = sum(_count(r.indicators) for r in catalogue.rubrics)
    codes = {f.code for r in catalogue.rubrics for f in r.findings}
    sums = "yes" if "tree_from_sums" in codes else "no"
    verdict = ""
    if (kind, n) == TARGET[:2]:
        def judged(seconds: float) -> str:
            return "met" if seconds <= TARGET[2] else "MISSED"

        verdict = f"target {TARGET[2]:.0f} s: wall {judged(ingest_s)}, cpu {judged(cpu_s)}"
    print(f"{kind:<11} {n:>7} {nodes:>8} {sums:>5} {read_s * 1000:>9.1f} {ingest_s:>9.2f} {cpu_s:>7.2f} "
          f"{ingest_s / read_s:>9.0f}x {peak:>9}  {verdict}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--repeat", type=int, default=3, help="ingests per size; the medians are printed")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run (it slows ingest)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    kinds = [k for k in args.kinds.split(",") if k]
    print(f"{'kind':<11} {'items':>7} {'nodes':>8} {'sums':>5} {'read ms':>9} {'ingest s':>9} {'cpu s':>7} "
          f"{'/read':>10} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            for n in sizes:
                run(kind, n, Path(tmp), not args.no_memory, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
