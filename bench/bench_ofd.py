"""Benchmark OFD and legacy office reading against the PDF/DOCX/XLSX they come from; prints, never asserts.

Run: .venv/bin/python bench/bench_ofd.py [--runs N] [--no-legacy]

OFD: every PDF of the corpus (seed renderings and family renderings, ruled and borderless) is written as
OFD by tests/ofd_writer.py (every glyph at its baseline and advance, every line and box). For each, in the
same run: the share of the golden's leaves that come out exact from the OFD (id, text and points equal to
the golden), whether the OFD's catalogue equals the PDF's (rubrics and regulations, source left out), and
the median in-process ingest time of the OFD against its PDF (target: the OFD no slower than the PDF it
prints: it has no content streams to interpret, only XML).

Legacy: each file in tests/data/legacy (made by LibreOffice from the renderings) is ingested (converted by
LibreOffice, then read) and compared with its golden; the time is printed against ingesting the DOCX/XLSX
it was made from (the conversion is most of it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from ofd_writer import pdf_to_ofd  # noqa: E402

from zhibiao.pipeline import ingest  # noqa: E402

RENDERINGS = ROOT / "corpus" / "renderings"
FAMILIES = ROOT / "corpus" / "families"
LEGACY = ROOT / "tests" / "data" / "legacy"
GOLDEN = ROOT / "golden"


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _leaves(golden: dict) -> list[dict]:
    out = []
    for rubric in golden["rubrics"]:
        items = rubric["indicators"]
        for ind, nxt in zip(items, items[1:] + [None]):
            if nxt is None or nxt["level"] <= ind["level"]:
                out.append(ind)
    return out


def _exact(cat, leaves: list[dict]) -> int:
    got = {i.id: i for r in cat.rubrics for i in r.walk()}
    ok = 0
    for leaf in leaves:
        ind = got.get(leaf["id"])
        want = Decimal(leaf["points"]) if leaf["points"] is not None else None
        if ind is not None and ind.text == leaf["text"] and ind.points == want:
            ok += 1
    return ok


def _golden(pdf: Path) -> Path:
    if pdf.parent == RENDERINGS:
        return GOLDEN / f"{pdf.name[:20]}.json"
    return GOLDEN / "families" / f"{pdf.parent.name}.json"


def _view(cat) -> tuple:
    data = json.loads(cat.model_dump_json())

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("source", "findings")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(data["rubrics"]), strip(data["regulations"])


def bench_ofd(runs: int) -> None:
    pdfs = sorted(RENDERINGS.glob("*.pdf")) + sorted(FAMILIES.glob("*/*.pdf"))
    print(f"OFD renderings of {len(pdfs)} corpus PDFs ({runs} run(s) each, median ingest time)")
    print(f"{'file':44} {'leaves exact':>14} {'= PDF':>6} {'PDF s':>7} {'OFD s':>7} {'OFD/PDF':>8}")
    total = exact = same = 0
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in pdfs:
            ofd = Path(tmp) / f"{pdf.stem}.ofd"
            ofd.write_bytes(pdf_to_ofd(pdf))
            leaves = _leaves(json.loads(_golden(pdf).read_text(encoding="utf-8")))
            a, b = ingest(pdf), ingest(ofd)
            n = _exact(b, leaves)
            eq = _view(a) == _view(b)
            t_pdf = _median(lambda p=pdf: ingest(p), runs)
            t_ofd = _median(lambda p=ofd: ingest(p), runs)
            total += len(leaves)
            exact += n
            same += eq
            ratios.append(t_ofd / t_pdf)
            print(f"{pdf.name:44} {n:>6}/{len(leaves):<7} {'yes' if eq else 'NO':>6} {t_pdf:7.2f} {t_ofd:7.2f}"
                  f" {t_ofd / t_pdf:7.2f}x")
    print(f"all: {exact}/{total} leaves exact ({100 * exact / total:.2f}%), {same}/{len(pdfs)} catalogues equal to"
          f" the PDF's; OFD/PDF ingest time median {statistics.median(ratios):.2f}x"
          f" (min {min(ratios):.2f}x, max {max(ratios):.2f}x)")


def bench_legacy() -> None:
    print("\nlegacy files (LibreOffice headless conversion, then the DOCX/XLSX reader; 1 run each)")
    print(f"{'file':36} {'leaves exact':>14} {'legacy s':>9} {'made from s':>12} {'ratio':>7}")
    for path in sorted(p for p in LEGACY.iterdir() if p.suffix != ".md"):
        target = "xlsx" if path.suffix in (".xls", ".et") else "docx"
        source = RENDERINGS / f"{path.stem}.{target}"
        leaves = _leaves(json.loads((GOLDEN / f"{path.name[:20]}.json").read_text(encoding="utf-8")))
        t0 = time.perf_counter()
        cat = ingest(path)
        t_legacy = time.perf_counter() - t0
        t_source = _median(lambda s=source: ingest(s), 1)
        n = _exact(cat, leaves)
        print(f"{path.name:36} {n:>6}/{len(leaves):<7} {t_legacy:9.2f} {t_source:12.2f} {t_legacy / t_source:6.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per file (median is reported)")
    parser.add_argument("--no-legacy", action="store_true", help="skip the legacy files (needs LibreOffice)")
    args = parser.parse_args(argv)
    bench_ofd(args.runs)
    if not args.no_legacy:
        bench_legacy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
