"""Measure OCR of scans (corpus/scans.py) against the PDFs' goldens; prints, never asserts.

Run: .venv/bin/python bench/bench_ocr.py [--id FAMILY_ID ...] [--all] [--borderless] [--no-degraded] [--seed N]
     [--ocr-engine rapidocr|tesseract] [--cache DIR] [--show]

For each family rubric (default: six families, ruled tables and narrative-numbered ones: jt01, pf01, aq02, fz02,
yf01, aj01; ``--all``: every family with a PDF and a golden) its PDF is scanned as an office would (an image-only
PDF at 200 dpi, and a degraded one: 150-300 dpi, skew up to 2 degrees, noise, JPEG artefacts, a red seal over the
table), each scan ingested (every page by OCR) and compared with ``golden/families/<id>.json``. Prints per scan the
golden leaves that came out exact (id, text and points equal), the leaves whose points are wrong (missing or
different) and of them those wrong *silently* (a value, but no flag and no finding on the indicator: the worst
outcome), CPU seconds per page (this process's, all threads) and wall seconds per page, and the same PDF's
ingest from its text layer (the peer, measured in this run) as a CPU ratio; then the totals against the targets
(99% clean, 97% degraded) with the median, min and max of CPU s/page. With ``--borderless`` the borderless
renderings (``<id>.borderless.pdf``, no ruling lines) are scanned too, and totalled apart. ``--cache DIR`` keeps
the engine's text boxes per page image in DIR (keyed by the image's bytes and the engine), so a re-run after a change
of what zhibiao does with the boxes costs no recognition (its CPU figures then are not the engine's: measure
without it); ``--show`` prints every leaf that is not exact beside the golden's.
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

DEFAULT_IDS = ["jt01_jiaotong_pingyi", "pf01_bawu_pufa", "aq02_xiangzhen_anquan", "fz02_fazhi_kaohe",
               "yf01_yifa_xingzheng", "aj01_chufa_anjuan"]


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


def score(cat, want: list[dict]) -> tuple[int, int, int]:
    """(leaves exact: id, text and points equal; leaves whose points differ or are missing; of those, the ones
    with a value but neither a flag nor a finding on them: read wrong silently)."""
    got = {i.id: i for i in cat.walk()}
    named = {f.indicator for r in cat.rubrics for f in r.findings}
    exact = wrong_points = silent = 0
    for leaf in want:
        ind = got.get(leaf["id"])
        points = Decimal(leaf["points"]) if leaf["points"] is not None else None
        if ind is None or ind.points != points:
            wrong_points += 1
            if ind is not None and ind.points is not None and not ind.flags and ind.id not in named:
                silent += 1
        elif ind.text == leaf["text"]:
            exact += 1
    return exact, wrong_points, silent


class CachedEngine:
    """An engine whose text boxes are kept on disk per page image (for re-runs of the benchmark only)."""

    def __init__(self, inner, folder: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def read(self, image):
        import hashlib
        import pickle

        key = hashlib.sha256(self.name.encode() + repr(image.shape).encode() + image.tobytes()).hexdigest()
        path = self.folder / f"{key}.pickle"
        if path.exists():
            return pickle.loads(path.read_bytes())
        boxes = self.inner.read(image)
        path.write_bytes(pickle.dumps(boxes))
        return boxes

    def __getattr__(self, name: str):
        return getattr(self.inner, name)  # reread and the rest: the engine's own


def _misses(cat, want: list[dict]) -> list[str]:
    """Every golden leaf not exact: its id, the golden's points and text, and what was read."""
    got = {i.id: i for i in cat.walk()}
    out = []
    for leaf in want:
        ind = got.get(leaf["id"])
        points = Decimal(leaf["points"]) if leaf["points"] is not None else None
        if ind is None:
            out.append(f"    {leaf['id']}: missing (golden {leaf['points']} {leaf['text']!r})")
        elif ind.points != points or ind.text != leaf["text"]:
            out.append(f"    {leaf['id']}: golden {leaf['points']} {leaf['text']!r}\n"
                       f"    {' ' * len(leaf['id'])}  read   {ind.points} {ind.text!r} {list(ind.flags)}")
    return out


def _all_ids() -> list[str]:
    return sorted(p.stem for p in (ROOT / "golden" / "families").glob("*.json")
                  if (ROOT / "corpus" / "families" / p.stem / f"{p.stem}.pdf").exists())


def _cpu() -> float:
    return time.process_time()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--id", action="append", help="family rubric id (default: six families)")
    ap.add_argument("--all", action="store_true", help="every family rubric with a PDF and a golden")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--borderless", action="store_true", help="scan the borderless renderings too")
    ap.add_argument("--no-degraded", action="store_true", help="clean 200-dpi scans only")
    ap.add_argument("--ocr-engine", choices=["rapidocr", "tesseract"], default=None)
    ap.add_argument("--cache", type=Path, default=None, help="keep the engine's text boxes per page image here")
    ap.add_argument("--show", action="store_true", help="print every leaf that is not exact")
    args = ap.parse_args()
    from zhibiao.extract import ocr

    chosen = ocr.engine_named(args.ocr_engine)
    ocr.set_engine(CachedEngine(chosen, args.cache) if args.cache else chosen)
    scans = _scans()
    kinds = ["clean200"] + ([] if args.no_degraded else ["degraded"])
    groups = [k for k in kinds] + ([f"borderless {k}" for k in kinds] if args.borderless else [])
    totals = {g: [0, 0, 0, 0] for g in groups}  # exact, leaves, points wrong, silent
    per_page: dict[str, list[float]] = {g: [] for g in groups}
    print(f"engine {ocr.engine().name}")
    print(f"{'scan':52} {'leaves exact':>14} {'pts wrong':>9} {'silent':>6} {'cpu s/pg':>8} {'wall s/pg':>9} "
          f"{'peer cpu s':>10} {'ratio':>7}")
    ids = args.id or (_all_ids() if args.all else DEFAULT_IDS)
    with tempfile.TemporaryDirectory() as tmp:
        sources = [(ident, ROOT / "corpus" / "families" / ident / f"{ident}.pdf", "") for ident in ids]
        if args.borderless:
            sources += [(ident, pdf.with_name(f"{ident}.borderless.pdf"), "borderless ") for ident, pdf, _ in
                        list(sources) if pdf.with_name(f"{ident}.borderless.pdf").exists()]
        for ident, pdf, group in sources:
            golden = load_golden(ROOT / "golden" / "families" / f"{ident}.json")
            want = leaves(golden)
            t = _cpu()
            pages = ingest(pdf).document  # the peer: the same PDF read from its text layer
            peer = _cpu() - t
            data = pdf.read_bytes()
            for kind in kinds:
                scan = scans.clean_scan(data) if kind == "clean200" else scans.degraded_scan(data, args.seed)
                path = Path(tmp) / f"{pdf.stem}.{kind}.pdf"
                path.write_bytes(scan)
                key = group + kind
                t, w = _cpu(), time.perf_counter()
                try:
                    cat = ingest(path)
                except ZhibiaoError as exc:
                    print(f"{path.name:52} failed: {exc}")
                    totals[key][1] += len(want)
                    continue
                took, wall = _cpu() - t, time.perf_counter() - w
                count = len(cat.document.ocr_pages) or 1
                exact, wrong, silent = score(cat, want)
                for k, v in enumerate((exact, len(want), wrong, silent)):
                    totals[key][k] += v
                per_page[key].append(took / count)
                print(f"{path.name:52} {exact:>5}/{len(want):<4} {100 * exact / len(want):5.1f}% {wrong:>9} "
                      f"{silent:>6} {took / count:8.2f} {wall / count:9.2f} {peer:10.2f}"
                      f" {took / max(peer, 1e-9):6.1f}x",
                      flush=True)
                if args.show:
                    print("\n".join(_misses(cat, want)), flush=True)
            del pages
    for key in groups:
        target = 99 if key.endswith("clean200") else 97
        exact, total, wrong, silent = totals[key]
        share = 100 * exact / total if total else 0.0
        pp = per_page[key]
        spread = (f"median {statistics.median(pp):.2f}, min {min(pp):.2f}, max {max(pp):.2f} cpu s/page" if pp
                  else "no page read")
        print(f"{key}: {exact}/{total} leaves exact ({share:.1f}%; target >= {target}%), {wrong} points wrong"
              f" ({silent} silently); {spread}")
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
