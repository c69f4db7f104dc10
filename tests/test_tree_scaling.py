"""Issue 11.1: tree recovery stays near-linear in the rubric's size.

No timings here (they live in bench/bench_tree.py): each test counts the calls of a function that a
quadratic path would call once per pair of entries, cells or leaves, and bounds it by a small
multiple of the size. The rubrics come from the benchmark's own generators.
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from zhibiao.model import Source
from zhibiao.normalize import document, entries, grid, tree
from zhibiao.pipeline import ingest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import bench_tree  # noqa: E402  (the generators of the benchmark)


def _count(indicators) -> int:
    return sum(1 + _count(i.children) for i in indicators)


def _write(tmp_path: Path, text: str, name: str = "rubric.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class _Counter:
    def __init__(self) -> None:
        self.n = 0


def _count_property(monkeypatch, cls, name: str) -> _Counter:
    counter = _Counter()
    getter = getattr(cls, name).fget

    def counted(self):
        counter.n += 1
        return getter(self)

    monkeypatch.setattr(cls, name, property(counted))
    return counter


@pytest.mark.parametrize("n", [1500, 2500])
def test_stream_finds_the_open_entry_without_a_scan_of_every_entry(tmp_path, monkeypatch, n):
    # items past 999 print no marker the reader takes: each is plain text, which goes looking for the
    # entry still open in its column (a scan of all entries read so far made this N²)
    closed = _count_property(monkeypatch, entries.Entry, "closed")
    catalogue = ingest(_write(tmp_path, bench_tree.flat(n)))
    assert _count(catalogue.rubrics[0].indicators) == n
    assert closed.n <= 4 * n, f"Entry.closed read {closed.n} times for {n} items"


@pytest.mark.parametrize("n", [300, 600])
def test_grid_rows_are_indexed_not_scanned(tmp_path, monkeypatch, n):
    # Grid.starting scanned every cell for each row, and each side cell every label cell: rows × cells
    rows = _count_property(monkeypatch, grid.GCell, "rows")
    catalogue = ingest(_write(tmp_path, bench_tree.flat_table(n)))
    assert _count(catalogue.rubrics[0].indicators) == n
    assert rows.n <= 40 * n, f"GCell.rows read {rows.n} times for {n} rows"


class _CountingLeaves:
    def __init__(self, seq, counter: _Counter) -> None:
        self.seq, self.counter = seq, counter

    def __getitem__(self, j):
        self.counter.n += 1
        return self.seq[j]

    def __len__(self) -> int:
        return len(self.seq)


def _count_consume(monkeypatch) -> _Counter:
    counter = _Counter()
    consume = tree._consume
    monkeypatch.setattr(tree, "_consume",
                        lambda leaves, pos, stop, target: consume(_CountingLeaves(leaves, counter), pos, stop, target))
    return counter


@pytest.mark.parametrize("n", [1000, 3000])
def test_sum_search_reads_each_leaf_a_bounded_number_of_times(tmp_path, monkeypatch, n):
    visits = _count_consume(monkeypatch)
    catalogue = ingest(_write(tmp_path, bench_tree.scrambled(n)))
    rubric = catalogue.rubrics[0]
    assert "tree_from_sums" in {f.code for f in rubric.findings}
    assert _count(rubric.indicators) == n + n // bench_tree.GROUP + n // (bench_tree.GROUP * bench_tree.GROUPS)
    levels = 2  # the labels of two levels each take their run of items once
    assert visits.n <= levels * n + 10, f"{visits.n} leaf reads for {n} leaves"


def _missing_labels(n: int) -> str:
    """The scrambled rubric with every third group label left out: placeholders take those runs."""
    lines = [line for line in bench_tree._nested_lines(n, True)]
    out, group = [], 0
    for line in lines:
        if line.startswith("（"):
            group += 1
            if group % 3 == 0:
                continue
        out.append(line)
    return bench_tree._head() + "\n".join(out) + "\n"


def test_sum_search_with_missing_labels_grows_linearly(tmp_path, monkeypatch):
    visits = _count_consume(monkeypatch)
    strong = _Counter()
    original = tree._strong

    def counted(leaves, j):
        strong.n += 1
        return original(leaves, j)

    monkeypatch.setattr(tree, "_strong", counted)
    seen = []
    for n in (600, 1200):
        visits.n = strong.n = 0
        catalogue = ingest(_write(tmp_path, _missing_labels(n), f"m{n}.txt"))
        flags = [f for i in catalogue.rubrics[0].indicators for c in i.children for f in c.flags]
        assert "label_missing" in flags
        seen.append(visits.n + strong.n)
    assert seen[1] <= 2.5 * seen[0], f"sum-search work {seen} for 600 and 1200 items"


def test_prune_takes_nodes_out_in_one_pass(monkeypatch):
    # list.remove compares node by node (dataclass equality): quadratic in the nodes pruned
    src = Source(file="x.txt", lines=(1, 1))
    nodes = [tree.Node(entries.Entry(None, None, None, f"签字{i}", src, (0, i, 0)), None, None) for i in range(3000)]
    keep = tree.Node(entries.Entry("arabic_dot", 1, "1.", "事项", src, (0, 0, 0), points=Decimal(1)), 1, Decimal(1))
    nodes.insert(1500, keep)
    compared = _Counter()
    eq = tree.Node.__eq__

    def counted(self, other):
        compared.n += 1
        return eq(self, other)

    monkeypatch.setattr(tree.Node, "__eq__", counted)
    dropped = tree.prune(nodes)
    assert len(dropped) == 3000 and [d.raw for d in dropped[:2]] == ["签字0", "签字1"]
    assert len(nodes) == 1 and nodes[0] is keep
    assert compared.n == 0


def test_implements_scan_matches_the_regex():
    # document._implements finds what _IMPLEMENTS.finditer finds, without re-trying each 落实 up to the 。
    rnd = random.Random(11)
    tokens = ["按照", "根据", "依据", "贯彻", "落实", "要求", "。", "；", "文件", "要", "求", "照要求"]
    for _ in range(3000):
        text = "".join(rnd.choice(tokens) for _ in range(rnd.randint(0, 30)))
        assert document._implements(text) == [m.group(0) for m in document._IMPLEMENTS.finditer(text)], text
    assert document._implements("落实" * 20000 + "要求") == ["落实" + "落实" * 19999 + "要求"]
