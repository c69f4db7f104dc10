"""Benchmark the crosswalk: accuracy against the hand-made golden, time, and how cost grows; prints, never asserts.

Run: .venv/bin/python bench/bench_diff.py [--runs N] [--scale 2000 10000]
     [--calibrate [NAME ...]] [--decoys] [--peer REV] [--process] [--revisions [N ...]]

- Link precision, recall and F1 against golden/crosswalk-2019-2023.json on (old id, new id) pairs:
  all links, certain links only, and the split/merge links alone. Targets: >= 0.95 on all links,
  >= 0.98 on certain ones, split/merge F1 >= 0.85; F1 >= 0.95 on the corpus pairs and on 2019 → 2020.
  Nothing here is tuned on the golden's ids.
- Median in-process time of the 2019 x 2023 crosswalk (target <= 200 ms, after the spaCy pipeline is
  loaded; also with the per-text span caches emptied) and of 2019 x 汉中 2020.
- Synthetic scale runs: N x N requirements made by perturbing the real ones (each old copy perturbed
  on its own — characters dropped or repeated, numbers changed, a group label per copy — and each new
  one perturbed again from its old copy), with time, peak memory and the share of true pairs recovered.
- --calibrate: leave-one-pair-out figures for the tuned constants of diff.match (CALIBRATED): each pair's
  F1 at the value chosen on the other pairs, beside its F1 at the shipped value.
- --decoys: linked pairs between rubrics of different families (all false) with the rewrite rules on and off.
- --revisions [N ...]: synthetic runs whose new version is made by the edits real revisions make (rewording,
  rubric synonyms, numbers, re-weighting, splits, merges, drops, additions): precision and recall of true pairs.
- --process: `zhibiao diff a.json b.json` as a process, jieba's dictionary cache (data directory) rebuilt each
  run against kept, CPU of the child.
- --peer REV: the 170 x 205 time against diff/match.py at git revision REV, runs interleaved in one process.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from zhibiao.diff import crosswalk
from zhibiao.diff.match import EXACT_LIMIT, Item, leaves, main_rubric, match
from zhibiao.diff.text import bigrams, words
from zhibiao.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLDEN = ROOT / "golden" / "crosswalk-2019-2023.json"


def _pairs(links) -> set[tuple[str, str]]:
    return {(o, n) for link in links for o in link["old"] for n in link["new"]}


def _prf(got: set, want: set) -> tuple[float, float, float]:
    tp = len(got & want)
    p = tp / len(got) if got else 1.0
    r = tp / len(want) if want else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def accuracy() -> None:
    if not GOLDEN.exists():
        print("accuracy: golden/crosswalk-2019-2023.json missing")
        return
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    cw = crosswalk(ingest(CORPUS / "001_5886f06ed561739e.txt"), ingest(CORPUS / "000_1c204f1614fc8d36.txt"))
    got_links = [link.model_dump() for link in cw.links]
    got = _pairs(got_links)
    print(f"{'links':<22} {'precision':>9} {'recall':>7} {'F1':>6}  pairs(golden/got)")
    for label, chosen in (
        ("all", golden["links"]),
        ("certain", [link for link in golden["links"] if link["certain"]]),
        ("split/merge", [link for link in golden["links"] if len(link["old"]) > 1 or len(link["new"]) > 1]),
    ):
        want = _pairs(chosen)
        if label == "certain":
            # precision on certain links: predicted pairs that touch a certain golden link's ids
            ids_o = {o for link in chosen for o in link["old"]}
            ids_n = {n for link in chosen for n in link["new"]}
            mine = {(o, n) for o, n in got if o in ids_o or n in ids_n}
        elif label == "split/merge":
            ids_o = {o for link in chosen for o in link["old"]}
            ids_n = {n for link in chosen for n in link["new"]}
            mine = {(o, n) for o, n in got if o in ids_o or n in ids_n}
        else:
            mine = got
        p, r, f = _prf(mine, want)
        print(f"{label:<22} {p:>9.3f} {r:>7.3f} {f:>6.3f}  {len(want)}/{len(mine)}")
    g_removed = {x["id"] for x in golden["removed"]}
    g_added = {x["id"] for x in golden["added"]}
    print(f"removed: golden {len(g_removed)}, got {len(cw.removed)}, agree {len(g_removed & set(cw.removed))}; "
          f"added: golden {len(g_added)}, got {len(cw.added)}, agree {len(g_added & set(cw.added))}")


PAIRS = ("p1_fazhi_shifan", "p2_zhifa_kaohe")  # corpus/pairs/<pair>/{old,new}.txt, golden/crosswalk-<pair>.json
PAIR_TARGET = 0.95


def pairs_accuracy() -> None:
    """Link precision, recall and F1 on each corpus pair against its blind-annotated golden, and on the
    near-identical 2019 → 汉中 2020 pair against golden/crosswalk-2019-2020.json."""
    sources = {pair: (CORPUS / "pairs" / pair / "old.txt", CORPUS / "pairs" / pair / "new.txt") for pair in PAIRS}
    sources["2019-2020"] = (CORPUS / "001_5886f06ed561739e.txt", CORPUS / "003_fbbff5f31bb9ffc0.txt")
    for pair, (old_path, new_path) in sources.items():
        path = ROOT / "golden" / f"crosswalk-{pair}.json"
        if not path.exists():
            print(f"{pair}: golden {path.name} missing")
            continue
        golden = json.loads(path.read_text(encoding="utf-8"))
        cw = crosswalk(ingest(old_path), ingest(new_path))
        p, r, f = _prf(_pairs([link.model_dump() for link in cw.links]), _pairs(golden["links"]))
        verdict = "met" if f >= PAIR_TARGET else "MISSED"
        print(f"pair {pair:<20} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  (target F1 >= {PAIR_TARGET}: {verdict})")


def _all_pairs() -> dict[str, tuple[Path, Path, Path]]:
    """Every version pair with a golden: (old file, new file, golden crosswalk)."""
    out = {"2019-2023": (CORPUS / "001_5886f06ed561739e.txt", CORPUS / "000_1c204f1614fc8d36.txt", GOLDEN)}
    for pair in PAIRS:
        out[pair] = (CORPUS / "pairs" / pair / "old.txt", CORPUS / "pairs" / pair / "new.txt",
                     ROOT / "golden" / f"crosswalk-{pair}.json")
    out["2019-2020"] = (CORPUS / "001_5886f06ed561739e.txt", CORPUS / "003_fbbff5f31bb9ffc0.txt",
                        ROOT / "golden" / "crosswalk-2019-2020.json")
    return {k: v for k, v in out.items() if v[2].exists()}


CALIBRATED = {  # diff.match constants and their grids (each varied alone, the others as shipped)
    "REWRITTEN": [round(0.05 * k, 2) for k in range(0, 17)],
    "EXTRA_LINK": [round(0.05 * k, 2) for k in range(2, 13)],
    "PART_MIN_NEAR": [round(0.05 * k, 2) for k in range(2, 13)],
    "W_STRUCTURE": [round(0.02 * k, 2) for k in range(0, 11)],
}


def calibrate(names: list[str]) -> None:
    """Leave one pair out: for each tuned constant and each pair, the grid value that maximises the mean F1 on
    the other pairs (the middle of the best run of the grid on a tie), and the held-out pair's F1 there, beside
    its F1 at the shipped value."""
    from zhibiao.diff import match as match_module

    sources = _all_pairs()
    cats = {k: (ingest(o), ingest(n)) for k, (o, n, _) in sources.items()}
    golden = {k: _pairs(json.loads(g.read_text(encoding="utf-8"))["links"]) for k, (_, _, g) in sources.items()}
    for name in names:
        shipped = getattr(match_module, name)
        grid = CALIBRATED[name]
        table: dict[float, dict[str, float]] = {}
        try:
            for value in grid:
                setattr(match_module, name, value)
                table[value] = {k: _prf(_pairs([link.model_dump() for link in crosswalk(o, n).links]), golden[k])[2]
                                for k, (o, n) in cats.items()}
            setattr(match_module, name, shipped)
            at_shipped = {k: _prf(_pairs([link.model_dump() for link in crosswalk(o, n).links]), golden[k])[2]
                          for k, (o, n) in cats.items()}
        finally:
            setattr(match_module, name, shipped)
        print(f"calibration of {name} (shipped {shipped}) over {grid[0]}..{grid[-1]}, leave one pair out:")
        for held in [None, *cats]:
            rest = [k for k in cats if k != held]
            means = [sum(table[v][k] for k in rest) / len(rest) for v in grid]
            top = max(means)
            best = [k for k, m in enumerate(means) if m >= top - 1e-12]
            run = max(_runs(best), key=len)
            chosen = grid[run[len(run) // 2]]
            if held is None:
                print(f"  all pairs: best {grid[run[0]]}-{grid[run[-1]]} (mean F1 {top:.3f}), middle {chosen}; "
                      + ", ".join(f"{v}: {sum(table[v].values()) / len(cats):.3f}" for v in grid))
                continue
            print(f"  held out {held:<16} chosen {chosen:<5} (best on the rest {grid[run[0]]}-{grid[run[-1]]}) "
                  f"held-out F1 {table[chosen][held]:.3f}; at shipped {at_shipped[held]:.3f}")


def decoys() -> None:
    """Links between rubrics of different families (corpus/families/*/*.tab.txt), where every link is a false
    one, with the rewrite rules of diff.match (REWRITTEN) on and off: what those rules add where nothing
    corresponds."""
    from itertools import permutations

    from zhibiao.diff import match as match_module

    folders = sorted(p for p in (CORPUS / "families").iterdir() if (p / f"{p.name}.tab.txt").exists())
    cats = {p.name: ingest(p / f"{p.name}.tab.txt") for p in folders}
    shipped = match_module.REWRITTEN
    counts = {"on": 0, "off": 0}
    pairs = [(a, b) for a, b in permutations(cats, 2) if a[:2] != b[:2]]
    try:
        for a, b in pairs:
            for label, value in (("on", shipped), ("off", 0.0)):
                match_module.REWRITTEN = value
                counts[label] += len(_pairs([link.model_dump() for link in crosswalk(cats[a], cats[b]).links]))
    finally:
        match_module.REWRITTEN = shipped
    added = counts["on"] - counts["off"]
    print(f"decoys: {len(pairs)} ordered pairs of rubrics of different families: {counts['off']} linked pairs "
          f"without the rewrite rules, {counts['on']} with them (+{added}, {added / max(counts['off'], 1):.1%})")


def _runs(indices: list[int]) -> list[list[int]]:
    """Consecutive runs in a sorted list of grid indices."""
    runs: list[list[int]] = []
    for k in indices:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _clear_span_caches() -> None:
    from zhibiao import nlp
    from zhibiao.diff import text

    for cached in (text._quantities, nlp.find, nlp.docnums):
        cached.cache_clear()


def load() -> None:
    from zhibiao import nlp

    t0 = time.perf_counter()
    nlp.load()
    print(f"spaCy pipeline (blank zh, jieba, zhibiao_spans) load: {(time.perf_counter() - t0) * 1000:.0f} ms, once")


def timing(runs: int) -> None:
    for old_id, new_id, target in (("001_5886f06ed561739e", "000_1c204f1614fc8d36", 200.0),
                                   ("001_5886f06ed561739e", "003_fbbff5f31bb9ffc0", None)):
        old, new = ingest(CORPUS / f"{old_id}.txt"), ingest(CORPUS / f"{new_id}.txt")
        crosswalk(old, new)  # warm-up: jieba's dictionary
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            crosswalk(old, new)
            times.append((time.perf_counter() - t0) * 1000)
        n_old = len(leaves(main_rubric(old)))
        n_new = len(leaves(main_rubric(new)))
        ms = statistics.median(times)
        verdict = (f"  target {target:.0f} ms: {'met' if ms <= target else 'MISSED'} ({ms / target:.2f}x)"
                   if target else "")
        print(f"crosswalk {n_old} x {n_new}: median {ms:.1f} ms over {runs} runs{verdict}")
        if target:  # the same with the per-text span caches emptied: every evidence text parsed again
            cold = []
            for _ in range(runs):
                _clear_span_caches()
                t0 = time.perf_counter()
                crosswalk(old, new)
                cold.append((time.perf_counter() - t0) * 1000)
            print(f"crosswalk {n_old} x {n_new}, span caches cold: median {statistics.median(cold):.1f} ms")


def peer(revision: str, runs: int) -> None:
    """The 170 x 205 crosswalk with diff/match.py as it is and as it was at a git revision, runs interleaved in
    this process (the same load on both): medians and their ratio."""
    import importlib.util
    import subprocess
    import tempfile

    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:diff/match.py"], check=True,
                            capture_output=True, text=True).stdout
    cw_module = sys.modules["zhibiao.diff.crosswalk"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "match_peer.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("zhibiao.diff.match_peer", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    old, new = ingest(CORPUS / "001_5886f06ed561739e.txt"), ingest(CORPUS / "000_1c204f1614fc8d36.txt")
    current = cw_module.match
    times: dict[str, list[float]] = {"current": [], revision: []}
    try:
        crosswalk(old, new)
        for _ in range(runs):
            for name, fn in (("current", current), (revision, module.match)):
                cw_module.match = fn
                t0 = time.process_time()  # CPU: the machine is shared, wall time is not this process's
                crosswalk(old, new)
                times[name].append((time.process_time() - t0) * 1000)
    finally:
        cw_module.match = current
    mine, theirs = statistics.median(times["current"]), statistics.median(times[revision])
    print(f"crosswalk 170 x 205 CPU, match.py now {mine:.1f} ms, at {revision} {theirs:.1f} ms: "
          f"ratio {mine / theirs:.2f} ({runs} interleaved runs each)")


def _perturb(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(max(1, len(chars) // 12)):
        i = rng.randrange(len(chars))
        action = rng.random()
        if action < 0.4 and len(chars) > 4:
            del chars[i]
        elif action < 0.8:
            chars.insert(i, chars[rng.randrange(len(chars))])
        elif chars[i].isdigit():
            chars[i] = str(rng.randrange(10))
    return "".join(chars)


def _items(base: list[Item], n: int, rng: random.Random, texts: list[str] | None = None) -> list[Item]:
    """n requirements: copies of the real ones, each copy perturbed on its own (or the given texts perturbed)."""
    out = []
    for k in range(n):
        src = base[k % len(base)]
        group = k // len(base)
        text = _perturb(texts[k] if texts else src.text, rng)
        context = f"{src.context} 第{group}组"
        out.append(Item(f"{group}:{src.id}", text, src.points, f"{group}:{src.parent}", f"{group}:{src.area}",
                        context, k, bigrams(text), words(text)))
    return out


_FILLERS = ("严格", "及时", "认真", "全面", "切实", "依法", "进一步")  # words a revision adds or drops


def _revise(old: list[Item], rng: random.Random) -> tuple[list[Item], set[tuple[int, int]]]:
    """A new version of old as real revisions make one, and its true (old, new) pairs: most requirements kept,
    some reworded (a word added or dropped, a rubric synonym swapped), numbers changed (50% → 60%), points
    re-weighted, requirements split in two at a clause, two siblings merged, some dropped and some added."""
    from zhibiao.diff.text import _synonyms

    synonyms = _synonyms()
    out: list[Item] = []
    truth: set[tuple[int, int]] = set()
    k = 0

    def add(src: Item, text: str, points, sources: list[int]) -> None:
        out.append(Item(f"n{len(out)}", text, points, src.parent, src.area, src.context, len(out), bigrams(text),
                        words(text)))
        truth.update((r, len(out) - 1) for r in sources)

    while k < len(old):
        item, draw = old[k], rng.random()
        text = item.text
        if draw < 0.50:
            add(item, text, item.points, [k])
        elif draw < 0.65:  # reworded
            hits = [(a, b) for a, b in synonyms if a in text]
            if hits and rng.random() < 0.5:
                a, b = rng.choice(hits)
                text = text.replace(a, b, 1)
            elif any(w in text for w in _FILLERS) and rng.random() < 0.5:
                text = text.replace(next(w for w in _FILLERS if w in text), "", 1)
            else:
                at = rng.randrange(len(text) + 1)
                text = text[:at] + rng.choice(_FILLERS) + text[at:]
            add(item, text, item.points, [k])
        elif draw < 0.75:  # numbers changed, or a percentage written in
            digits = [j for j, ch in enumerate(text) if ch.isdigit()]
            if digits:
                j = rng.choice(digits)
                text = text[:j] + str((int(text[j]) + rng.randrange(1, 10)) % 10) + text[j + 1:]
            else:
                text = text.rstrip("。") + f"，完成率不低于{rng.choice((50, 60, 80, 90))}%。"
            add(item, text, item.points, [k])
        elif draw < 0.82:  # re-weighted
            add(item, text, (item.points or 0) + 1, [k])
        elif draw < 0.88 and len(text) >= 16:  # split at a clause, or in the middle
            cuts = [j for j, ch in enumerate(text) if ch in "，；、" and 4 <= j <= len(text) - 4]
            j = rng.choice(cuts) if cuts else len(text) // 2
            add(item, text[:j], item.points, [k])
            add(item, text[j:].lstrip("，；、"), item.points, [k])
        elif draw < 0.94 and k + 1 < len(old) and old[k + 1].parent == item.parent:  # merged with the next sibling
            add(item, text.rstrip("。") + "，" + old[k + 1].text, item.points, [k, k + 1])
            k += 1
        elif draw < 0.97:  # dropped
            pass
        else:  # kept, and a requirement added after it
            add(item, text, item.points, [k])
            other = old[rng.randrange(len(old))]
            add(item, "新增：" + other.text[::-1], item.points, [])
        k += 1
    return out, truth


def revisions(sizes: list[int]) -> None:
    """Synthetic N-requirement runs whose new version is made by revision edits (_revise) of the old one (each
    unit's copy of the real rubric perturbed on its own, as in scale): CPU time, peak memory, and precision and
    recall of the true pairs, splits and merges included."""
    base = leaves(main_rubric(ingest(CORPUS / "001_5886f06ed561739e.txt")))
    rng = random.Random(11)
    for n in sizes:
        old = _items(base, n, rng)
        new, truth = _revise(old, rng)
        tracemalloc.start()
        c0 = time.process_time()
        pairs, _ = match(old, new)
        cpu = time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        p, r, f = _prf(set(pairs), truth)
        print(f"revisions {n} x {len(new)}: {cpu:.2f} s CPU, peak {peak:.0f} MiB, true pairs {len(truth)}: "
              f"precision {p:.3f} recall {r:.3f} F1 {f:.3f}")


SCALE_PEAK_MIB = 400  # targets at 10,000 x 10,000 (issue 14, item 2)
SCALE_RECALL = 0.95


def scale(sizes: list[int]) -> None:
    """Synthetic N x N runs: CPU and wall time, peak traced memory (tracemalloc: Python objects and numpy arrays),
    the share of true pairs, and how time and memory grow from one size to the next (the exponent k of n^k)."""
    import math

    base = leaves(main_rubric(ingest(CORPUS / "001_5886f06ed561739e.txt")))
    rng = random.Random(7)
    rows: list[tuple[int, float, float]] = []
    for n in sizes:
        old = _items(base, n, rng)
        new = _items(base, n, rng, texts=[i.text for i in old])
        tracemalloc.start()
        t0, c0 = time.perf_counter(), time.process_time()
        pairs, _ = match(old, new)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        true = sum(1 for r, c in pairs if old[r].id == new[c].id)
        mode = "exact" if n * n <= EXACT_LIMIT else "candidates"
        grow = ""
        if rows:
            n0, cpu0, peak0 = rows[-1]
            grow = (f"; growth from {n0}: time n^{math.log(cpu / cpu0) / math.log(n / n0):.2f}, "
                    f"memory n^{math.log(peak / peak0) / math.log(n / n0):.2f}")
        rows.append((n, cpu, peak))
        verdict = ""
        if n >= 10_000:
            verdict = (f" [targets: peak <= {SCALE_PEAK_MIB} MiB {'met' if peak <= SCALE_PEAK_MIB else 'MISSED'}, "
                       f">= {SCALE_RECALL:.2f} of true pairs {'met' if true / n >= SCALE_RECALL else 'MISSED'}]")
        print(f"synthetic {n} x {n} ({mode}): {cpu:.2f} s CPU ({seconds:.2f} s wall, under tracemalloc), "
              f"peak {peak:.0f} MiB, {true / n:.3f} of true pairs recovered, {len(pairs) - true} other pairs"
              f"{grow}{verdict}")


def process(runs: int) -> None:
    """`zhibiao diff a.json b.json` as a process (CPU of the child, medians and min/max): with jieba's cache
    removed from the data directory before each run (every run builds the dictionary) and kept (later runs load
    it), in one interleaved series; the ratio of the two."""
    import os
    import resource
    import shutil
    import subprocess
    import tempfile

    from zhibiao.datadir import JIEBA_CACHE

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for name, source in (("a", "001_5886f06ed561739e"), ("b", "000_1c204f1614fc8d36")):
            (base / f"{name}.json").write_text(ingest(CORPUS / f"{source}.txt").model_dump_json(), encoding="utf-8")
        exe = Path(sys.executable).with_name("zhibiao")
        command = [str(exe), "diff", str(base / "a.json"), str(base / "b.json"), "-o", str(base / "cw.json")]
        times: dict[str, list[float]] = {"builds": [], "loads": []}
        for _ in range(runs):
            for label in ("builds", "loads"):
                data = base / label
                cache = data / "cache" / JIEBA_CACHE
                if label == "builds":
                    shutil.rmtree(data, ignore_errors=True)
                    tmp = base / "tmp"  # jieba's own fallback folder emptied too
                    shutil.rmtree(tmp, ignore_errors=True)
                    tmp.mkdir()
                elif not cache.exists():  # the first run of the kept cache builds it
                    subprocess.run(command, env=dict(os.environ, ZHIBIAO_DATA=str(data)), check=True,
                                   capture_output=True)
                env = dict(os.environ, ZHIBIAO_DATA=str(data), TMPDIR=str(base / "tmp"))
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run(command, env=env, check=True, capture_output=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                times[label].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        built, loaded = statistics.median(times["builds"]), statistics.median(times["loads"])
        for label, values in times.items():
            print(f"zhibiao diff 170 x 205 as a process, jieba cache {label}: median {statistics.median(values):.2f} s "
                  f"CPU (min {min(values):.2f}, max {max(values):.2f}, {runs} runs)")
        print(f"  kept cache / rebuilt each run: {loaded / built:.2f}x CPU")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--calibrate", nargs="*", choices=sorted(CALIBRATED), default=None,
                        help="leave-one-pair-out calibration of these diff.match constants (all when none named)")
    parser.add_argument("--peer", metavar="REV", default=None,
                        help="only the 170 x 205 time against diff/match.py at this git revision, interleaved")
    parser.add_argument("--decoys", action="store_true",
                        help="only the links the rewrite rules add between rubrics of different families")
    parser.add_argument("--revisions", type=int, nargs="*", default=None,
                        help="only synthetic runs whose new version is made by revision edits (splits, merges, ...)")
    parser.add_argument("--process", action="store_true",
                        help="only `zhibiao diff` as a process, jieba's cache rebuilt each run against kept")
    args = parser.parse_args(argv)
    if args.process:
        process(args.runs)
        return 0
    if args.revisions is not None:
        revisions(args.revisions or [2000, 10000])
        return 0
    load()
    if args.peer:
        peer(args.peer, args.runs)
        return 0
    if args.calibrate is not None or args.decoys:
        if args.calibrate is not None:
            calibrate(args.calibrate or sorted(CALIBRATED))
        if args.decoys:
            decoys()
        return 0
    accuracy()
    pairs_accuracy()
    timing(args.runs)
    scale(args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
