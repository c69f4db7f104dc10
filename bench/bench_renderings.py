"""Measure the hostile renderings (corpus/hostile_render.py) against the family goldens; prints, never asserts.

Run: .venv/bin/python bench/bench_renderings.py [--id ID ...] [--variant V ...] [--dir DIR] [--details]

Renders every variant of every family rubric into a temporary folder (or reads an existing
folder given with --dir), ingests each file and prints, per rendering: the golden's leaves that
came out exact (id, text and points equal to golden/families/<id>.json) out of the golden's
leaves, the number of differences from the golden (every field, `compare(..., findings=False)`),
the number of error findings, and the verdict:

- `exact`      the catalogue equals the golden;
- `reported`   it differs, and the run reports an error (exit code 1: the sums do not reconcile,
               an item is unplaced or missing);
- `SILENT`     it differs, and nothing says so: the run would exit 0 with items lost or wrong.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from zhibiao.errors import ZhibiaoError  # noqa: E402
from zhibiao.pipeline import ingest  # noqa: E402

from golden_compare import catalogue_view, compare, load_golden  # noqa: E402

GOLDEN = ROOT / "golden" / "families"


def _hostile():
    spec = importlib.util.spec_from_file_location("hostile_render", ROOT / "corpus" / "hostile_render.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


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


def measure(path: Path, family: str) -> dict:
    golden = load_golden(GOLDEN / f"{family}.json")
    want = leaves(golden)
    try:
        cat = ingest(path)
    except ZhibiaoError as exc:
        return {"file": path.name, "exact": 0, "leaves": len(want), "diffs": -1, "errors": 1,
                "verdict": "reported", "problems": [f"refused: {exc}"]}
    view = catalogue_view(cat)
    view["document"] = golden["document"]            # the tree is measured, not the notice around it
    if path.suffix in (".xlsx", ".csv") and view["rubrics"]:
        view["rubrics"][0]["title"] = golden["rubrics"][0]["title"]
    problems = compare(golden, view, findings=False)
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    rows = [(r.rows_placed, r.rows_total) for r in cat.rubrics if r.rows_total is not None]
    verdict = "exact" if not problems else "reported" if errors else "SILENT"
    return {"file": path.name, "exact": exact(cat, want), "leaves": len(want), "diffs": len(problems),
            "errors": len(errors), "verdict": verdict, "problems": problems,
            "rows": " ".join(f"{a}/{b}" for a, b in rows),
            "codes": sorted({f.code for f in errors})}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--id", nargs="*", default=None)
    ap.add_argument("--variant", nargs="*", default=None)
    ap.add_argument("--dir", type=Path, help="measure the renderings already in this folder")
    ap.add_argument("--details", action="store_true", help="print the first differences of each")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    hostile = _hostile()
    with tempfile.TemporaryDirectory(prefix="zhibiao-hostile-") as tmp:
        folder = args.dir or Path(tmp)
        if not args.dir:
            for src in hostile.sources(args.id):
                for name in args.variant or hostile.VARIANTS:
                    if hostile.applicable(src, name):
                        try:
                            fname, data = hostile.render_one(src, name)
                        except ImportError as exc:  # reportlab variants: not a project dependency
                            print(f"{src.id}.{name}: not rendered ({exc})",
                                  file=sys.stderr)
                            continue
                        (folder / fname).write_bytes(data)
        rows = []
        for path in sorted(folder.iterdir()):
            family = path.name.split(".")[0]
            if not (GOLDEN / f"{family}.json").exists():
                continue
            if args.id and family not in args.id:
                continue
            row = measure(path, family)
            rows.append(row)
            print(f"{row['file']:<62} {row['exact']:>4}/{row['leaves']:<4} diffs {row['diffs']:>4} "
                  f"errors {row['errors']:>3}  {row['verdict']:<8} {row.get('rows', '')} "
                  f"{','.join(row.get('codes', []))}", flush=True)
            if args.details:
                for p in row["problems"][:8]:
                    print("      " + p)
    total = sum(r["exact"] for r in rows), sum(r["leaves"] for r in rows)
    counts = {v: sum(r["verdict"] == v for r in rows) for v in ("exact", "reported", "SILENT")}
    print(f"\nleaves exact {total[0]}/{total[1]}; renderings {len(rows)}: " +
          ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
