"""Benchmark: the outputs people hand on, each next to a peer measured in the same run; prints, never asserts.

Run: .venv/bin/python bench/bench_export.py [--runs N] [--units N]

Per seed rubric (CPU time, median of N runs):
- XLSX: ``export.to_xlsx`` (指标目录 with title, styles, widths, print setup, plus the data sheet) against the peer
  openpyxl writing the data sheet alone (the flat export as it was);
- DOCX 附件: ``attachment.to_docx`` (merged label cells) against the peer ``diff.handout.docx_table`` writing a
  table of as many rows and columns without merges (python-docx's own cost);
- reading the 附件 back (``ingest``) against ingesting the rendering ``corpus/renderings/<id>.docx``.
Cohort (``--units`` synthetic units of the 2023 rubric, deterministic awards): ``cohort_report_xlsx`` (report
sheets, charts) and ``cohort_report_html`` against the data-only ``cohort_xlsx``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from zhibiao.attachment import _columns, _paths, cell_text, to_docx
from zhibiao.cells import append_row
from zhibiao.diff.handout import docx_table
from zhibiao.export import COLUMNS, rows, to_xlsx
from zhibiao.pipeline import ingest
from zhibiao.scoring import Assessment, cohort, cohort_xlsx, main_rubric, score
from zhibiao.scoring.cohort_report import cohort_report_html, cohort_report_xlsx

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ["000_1c204f1614fc8d36", "001_5886f06ed561739e"]


def _cpu_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000)
    return statistics.median(times)


def _flat_xlsx(cat) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for row in rows(cat):
        append_row(ws, row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _plain_docx(cat) -> bytes:
    rubric = cat.rubrics[0]
    n = _columns(rubric)
    body = [[[cell_text(ind)] for ind in path] + [[""]] * (n - len(path)) for path in _paths(rubric.indicators, n)]
    return docx_table("peer", [], [str(k) for k in range(n)], [250 / n] * n, body, True)


def _line(what: str, ms: float, peer_ms: float, peer: str) -> None:
    print(f"  {what:<28} {ms:>9.1f} ms   {peer:<34} {peer_ms:>9.1f} ms   ratio {ms / peer_ms:>5.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (median is reported)")
    parser.add_argument("--units", type=int, default=200, help="units of the synthetic cohort")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench_export_"))
    for cid in SEEDS:
        cat = ingest(ROOT / "corpus" / f"{cid}.txt")
        leaves = sum(1 for _ in cat.rubrics[0].leaves())
        print(f"{cid} ({leaves} leaves)")
        to_xlsx(cat), to_docx(cat)  # warm-up: imports
        _line("XLSX 指标目录 + data", _cpu_ms(lambda c=cat: to_xlsx(c), args.runs),
              _cpu_ms(lambda c=cat: _flat_xlsx(c), args.runs), "peer: flat data sheet only")
        _line("DOCX 附件 (merged cells)", _cpu_ms(lambda c=cat: to_docx(c), args.runs),
              _cpu_ms(lambda c=cat: _plain_docx(c), args.runs), "peer: same grid, no merges")
        path = tmp / f"{cid}_attachment.docx"
        path.write_bytes(to_docx(cat))
        rendering = ROOT / "corpus" / "renderings" / f"{cid}.docx"
        _line("ingest the 附件", _cpu_ms(lambda p=path: ingest(p), args.runs),
              _cpu_ms(lambda r=rendering: ingest(r), args.runs), "peer: ingest renderings/" + rendering.name[:12])
    cat = ingest(ROOT / "corpus" / "000_1c204f1614fc8d36.txt")
    rubric = main_rubric(cat, "bench")
    leaves = list(rubric.leaves())
    scores = []
    for u in range(args.units):
        awards: dict[str, Decimal | None] = {}
        for k, leaf in enumerate(leaves):
            points = leaf.points or Decimal(0)
            awards[leaf.id] = None if (u + k) % 37 == 0 else points * Decimal((u * 7 + k * 3) % 11) / 10
        scores.append(score(rubric, Assessment(unit=f"单位{u:04d}", path="", awards=awards), verified=False))
    stats = cohort(rubric, scores, "bench", verified=False)
    tiers = {s.unit: ("省级", "市县区", "乡镇")[k % 3] for k, s in enumerate(scores)}
    print(f"cohort of {args.units} units, 3 tiers")
    peer = _cpu_ms(lambda: cohort_xlsx(stats), args.runs)
    _line("XLSX report + charts", _cpu_ms(lambda: cohort_report_xlsx(stats, rubric, tiers), args.runs), peer,
          "peer: data sheets only (cohort_xlsx)")
    _line("HTML report + SVG", _cpu_ms(lambda: cohort_report_html(stats, rubric, tiers), args.runs), peer,
          "peer: data sheets only (cohort_xlsx)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
