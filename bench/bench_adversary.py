"""Measure the adversarial renderings (corpus/adversary_render.py) against the family goldens; prints, never asserts.

Run: .venv/bin/python bench/bench_adversary.py [--id ID ...] [--variant V ...] [--dir DIR] [--details] [--keep DIR]

Renders every variant of every family rubric into a temporary folder (or reads a folder made by
``corpus/adversary_render.py OUTDIR``, whose ``_expect.json`` holds each file's edits), ingests each
file and compares its catalogue with the expected one: ``golden/families/<id>.json`` with the
edits the variant states (markers removed -> ``number_from_position``, a 备注 note, numbered
评分标准 rules; see the generator's docstring), through tests/golden_compare.py. Prints, per
rendering: the expected leaves that came out exact (id, text and points) out of all leaves, the
differences (every field, ``compare(..., findings=False)``), the error findings, and the verdict:

- `exact`      the catalogue equals the expected one;
- `reported`   it differs, and the run reports an error finding (exit code 1);
- `SILENT`     it differs, and nothing says so: the run would exit 0 with items lost or wrong.

Edits the generator states but cannot place on the golden are printed as ``unplaced edits``.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import re
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from zhibiao.errors import ZhibiaoError  # noqa: E402
from zhibiao.pipeline import ingest  # noqa: E402

from golden_compare import catalogue_view, compare, load_golden  # noqa: E402

GOLDEN = ROOT / "golden" / "families"
FLAG_ORDER = ["label_missing", "number_from_position", "inferred_from_sum", "points_unit_missing",
              "points_unbracketed", "points_range", "points_from_deduction"]
RE_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2018-\u201d]")


def _adversary():
    spec = importlib.util.spec_from_file_location("adversary_render", ROOT / "corpus" / "adversary_render.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["adversary_render"] = mod
    spec.loader.exec_module(mod)
    return mod


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _strip_marker(cell: str, adv) -> str:
    m = adv.RE_MARKER.match(cell)
    return cell[m.end():] if m else cell


def _best(inds: list[dict], cell: str, used: set[int], marker=None) -> int | None:
    """The unused indicator whose text the cell starts with, the longest such text first (a parent
    label such as 决策 is a prefix of its child's 决策程序规范性), then the first in order."""
    cands = [(len(squash(i["text"])), -k) for k, i in enumerate(inds)
             if k not in used and i["text"] and cell.startswith(squash(i["text"]))
             and (marker is None or i["marker"] == marker)]
    return -max(cands)[1] if cands else None


def expected(golden: dict, edits: list[dict], adv) -> tuple[dict, list[dict]]:
    """The golden with the variant's edits applied; and the edits that found no indicator."""
    want = copy.deepcopy(golden)
    unplaced = []
    inds = [i for r in want["rubrics"] for i in r["indicators"]]
    used_u: set[int] = set()
    used_n: set[int] = set()
    used_s: set[int] = set()
    for e in edits:
        if e["op"] == "unnumber":
            hit = _best(inds, e["cell"], used_u, e["marker"])
            if hit is None:
                unplaced.append(e)
                continue
            used_u.add(hit)
            inds[hit]["marker"] = None
            inds[hit]["flags"] = [f for f in FLAG_ORDER if f in inds[hit]["flags"] or f == "number_from_position"]
        elif e["op"] == "note":
            hit = _best(inds, _strip_marker(e["cell"], adv), used_n)
            if hit is None:
                unplaced.append(e)
                continue
            used_n.add(hit)
            inds[hit]["notes"] = inds[hit]["notes"] + [e["note"]]
        elif e["op"] == "seqnum":
            hit = _best(inds, e["cell"], used_s)
            if hit is None:
                unplaced.append(e)
                continue
            used_s.add(hit)
            inds[hit]["marker"] = e["marker"]
            inds[hit]["number"] = int(e["marker"])
            inds[hit]["flags"] = [f for f in inds[hit]["flags"] if f != "number_from_position"]
        elif e["op"] == "rules":
            hits = [i for i in inds if i["criteria"] and squash(i["criteria"]) == e["old"]]
            if not hits:
                unplaced.append(e)
            for i in hits:
                sep = "" if RE_CJK.match(i["criteria"][-1]) else " "
                i["criteria"] = "1." + i["criteria"] + sep + e["add"]
                i["deduction"] = None
    if used_u or used_s:                         # numbers from position, ids from the new numbers
        for r in want["rubrics"]:
            items = r["indicators"]
            by_parent: dict[str, list[dict]] = {}
            for i in items:
                by_parent.setdefault(i["id"].rpartition(".")[0], []).append(i)
            for sibs in by_parent.values():
                for pos, i in enumerate(sibs, 1):
                    if i["marker"] is None and "number_from_position" in i["flags"]:
                        i["number"] = pos
            new_id: dict[str, str] = {}
            for i in items:
                parent = i["id"].rpartition(".")[0]
                nid = (new_id[parent] + "." if parent else "") + str(i["number"])
                new_id[i["id"]] = nid
            for i in items:
                i["id"] = new_id[i["id"]]
    return want, unplaced


def leaves(golden: dict) -> list[dict]:
    out = []
    for rubric in golden["rubrics"]:
        items = rubric["indicators"]
        for ind, nxt in zip(items, items[1:] + [None]):
            if nxt is None or nxt["level"] <= ind["level"]:
                out.append(ind)
    return out


def exact(cat, want: list[dict]) -> int:
    got = {i.id: i for r in cat.rubrics for i in r.walk()}
    ok = 0
    for leaf in want:
        ind = got.get(leaf["id"])
        points = Decimal(leaf["points"]) if leaf["points"] is not None else None
        if ind is not None and ind.text == leaf["text"] and ind.points == points:
            ok += 1
    return ok


def measure(path: Path, family: str, edits: list[dict], adv) -> dict:
    golden, unplaced = expected(load_golden(GOLDEN / f"{family}.json"), edits, adv)
    want = leaves(golden)
    t0 = time.perf_counter()
    try:
        cat = ingest(path)
    except ZhibiaoError as exc:
        return {"file": path.name, "exact": 0, "leaves": len(want), "diffs": -1, "errors": 1,
                "verdict": "reported", "problems": [f"refused: {exc}"], "unplaced": len(unplaced)}
    seconds = time.perf_counter() - t0
    view = catalogue_view(cat)
    view["document"] = golden["document"]            # the tree is measured, not the notice around it
    if path.suffix == ".xlsx" and view["rubrics"]:
        view["rubrics"][0]["title"] = golden["rubrics"][0]["title"]
    problems = compare(golden, view, findings=False)
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    verdict = "exact" if not problems else "reported" if errors else "SILENT"
    return {"file": path.name, "exact": exact(cat, want), "leaves": len(want), "diffs": len(problems),
            "errors": len(errors), "verdict": verdict, "problems": problems, "seconds": seconds,
            "codes": sorted({f.code for f in errors}), "unplaced": len(unplaced)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--id", nargs="*", default=None)
    ap.add_argument("--variant", nargs="*", default=None)
    ap.add_argument("--dir", type=Path, help="measure the renderings already in this folder (with _expect.json)")
    ap.add_argument("--details", action="store_true", help="print the first differences of each")
    ap.add_argument("--keep", type=Path, help="copy the renderings that are not exact to this folder")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    adv = _adversary()
    with tempfile.TemporaryDirectory(prefix="zhibiao-adversary-") as tmp:
        folder = args.dir or Path(tmp)
        expect: dict[str, list[dict]] = {}
        if args.dir and (folder / "_expect.json").exists():
            expect = json.loads((folder / "_expect.json").read_text(encoding="utf-8"))
        if not args.dir:
            for fname, data, edits in adv.render_all(adv.sources(args.id), args.variant or list(adv.VARIANTS)):
                (folder / fname).write_bytes(data)
                expect[fname] = edits
        rows = []
        for path in sorted(folder.iterdir()):
            family = path.name.split(".")[0]
            if path.name.startswith("_") or not (GOLDEN / f"{family}.json").exists():
                continue
            if args.id and family not in args.id:
                continue
            if args.variant and path.name.split(".")[1] not in args.variant:
                continue
            row = measure(path, family, expect.get(path.name, []), adv)
            rows.append(row)
            print(f"{row['file']:<58} {row['exact']:>4}/{row['leaves']:<4} diffs {row['diffs']:>4} "
                  f"errors {row['errors']:>3}  {row['verdict']:<8} {','.join(row.get('codes', []))}"
                  + (f"  unplaced edits {row['unplaced']}" if row["unplaced"] else ""), flush=True)
            if args.details:
                for p in row["problems"][:3]:
                    print("      " + p)
            if args.keep and row["verdict"] != "exact":
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, args.keep / path.name)
        if args.keep:
            kept = {r["file"]: expect.get(r["file"], []) for r in rows if r["verdict"] != "exact"}
            if kept:
                (args.keep / "_expect.json").write_text(json.dumps(kept, ensure_ascii=False, indent=1),
                                                        encoding="utf-8")
    total = sum(r["exact"] for r in rows), sum(r["leaves"] for r in rows)
    counts = {v: sum(r["verdict"] == v for r in rows) for v in ("exact", "reported", "SILENT")}
    secs = sorted(r["seconds"] for r in rows if "seconds" in r)
    median = secs[len(secs) // 2] if secs else 0.0
    print(f"\nleaves exact {total[0]}/{total[1]}; renderings {len(rows)}: " +
          ", ".join(f"{k} {v}" for k, v in counts.items()) + f"; ingest median {median:.2f}s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
