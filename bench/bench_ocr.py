"""Measure OCR of scans (corpus/scans.py) against the PDFs' goldens; prints, never asserts.

Run: .venv/bin/python bench/bench_ocr.py [--id FAMILY_ID ...] [--borderless] [--seed N]

For each family rubric (default: jt01, a ruled table across pages; pf01, a narrative-numbered rubric; aq02) its PDF
is scanned as an office would (an image-only PDF at 200 dpi, and a degraded one: 150-300 dpi, skew up to 2
degrees, noise, JPEG artefacts, a red seal over the table), each scan ingested (every page by OCR) and compared
with ``golden/families/<id>.json``. Prints per scan the golden leaves that came out exact (id, text and points
equal), the leaves whose points are wrong, seconds per page, and for the text layer the same PDF's ingest time
(the peer, measured in this run); then the totals against the targets (99% clean, 97% degraded). With
``--borderless`` the borderless renderings (``<id>.borderless.pdf``, no ruling lines) are scanned too.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from zhibiao.errors import ZhibiaoError  # noqa: E402
from zhibiao.pipeline import ingest  # noqa: E402

from golden_compare import flat, load_golden  # noqa: E402

DEFAULT_IDS = ["jt01_jiaotong_pingyi", "pf01_bawu_pufa", "aq02_xiangzhen_anquan"]


def _scans():
    spec = importlib.util.spec_from_file_location("scans", ROOT / "corpus" / "scans.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["scans"] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def leaves(golden: dict) -> list[dict]:
    """The golden's leaves (indicators without children), over all rubrics."""
    out = []
    for r in golden["rubrics"]:
        out += [i for i in flat(r["indicators"]) if not i.get("children")]
    return out


def score(cat, want: list[dict]) -> tuple[int, int]:
    """(leaves exact: id, text and points equal; leaves whose points differ or are missing)."""
    got = {i.id: i for i in cat.walk()}
    exact = wrong_points = 0
    for leaf in want:
        ind = got.get(leaf["id"])
        points = Decimal(leaf["points"]) if leaf["points"] is not None else None
        if ind is None or ind.points != points:
            wrong_points += 1
        elif ind.text == leaf["text"]:
            exact += 1
    return exact, wrong_points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--id", action="append", help="family rubric id (default: jt01, pf01, aq02)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--borderless", action="store_true", help="scan the borderless renderings too")
    args = ap.parse_args()
    scans = _scans()
    totals = {"clean200": [0, 0], "degraded": [0, 0]}
    per_page: dict[str, list[float]] = {"clean200": [], "degraded": []}
    print(f"{'scan':48} {'leaves exact':>14} {'points wrong':>13} {'s/page':>7} {'text layer s':>13} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        sources = [(ident, ROOT / "corpus" / "families" / ident / f"{ident}.pdf") for ident in args.id or DEFAULT_IDS]
        if args.borderless:
            sources += [(ident, pdf.with_name(f"{ident}.borderless.pdf")) for ident, pdf in list(sources)
                        if pdf.with_name(f"{ident}.borderless.pdf").exists()]
        for ident, pdf in sources:
            golden = load_golden(ROOT / "golden" / "families" / f"{ident}.json")
            want = leaves(golden)
            t = time.perf_counter()
            pages = ingest(pdf).document  # the peer: the same PDF read from its text layer
            peer = time.perf_counter() - t
            data = pdf.read_bytes()
            made = (("clean200", scans.clean_scan(data)), ("degraded", scans.degraded_scan(data, args.seed)))
            for kind, scan in made:
                path = Path(tmp) / f"{pdf.stem}.{kind}.pdf"
                path.write_bytes(scan)
                t = time.perf_counter()
                try:
                    cat = ingest(path)
                except ZhibiaoError as exc:
                    print(f"{path.name:48} failed: {exc}")
                    totals[kind][1] += len(want)
                    continue
                took = time.perf_counter() - t
                count = len(cat.document.ocr_pages) or 1
                exact, wrong = score(cat, want)
                totals[kind][0] += exact
                totals[kind][1] += len(want)
                per_page[kind].append(took / count)
                print(f"{path.name:48} {exact:>5}/{len(want):<4} {100 * exact / len(want):5.1f}% {wrong:>13} "
                      f"{took / count:7.2f} {peer:13.2f} {took / peer:6.1f}x")
            del pages
    for kind, target in (("clean200", 99), ("degraded", 97)):
        exact, total = totals[kind]
        share = 100 * exact / total if total else 0.0
        median = statistics.median(per_page[kind]) if per_page[kind] else float("nan")
        print(f"{kind}: {exact}/{total} leaves exact ({share:.1f}%; target >= {target}%), median {median:.2f} s/page")
    print(json.dumps({k: v for k, v in totals.items()}))


if __name__ == "__main__":
    main()
