"""Issue 11, items 6, 7, 11, 12: hostile notices are refused (or read) within bounded memory and time.

Every input is generated at test time (``make.py``); every run is ``zhibiao ingest`` in a subprocess
limited by ``resource.setrlimit`` (1 GiB address space, 30 s CPU), asserting its exit code and message.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import make

AS_LIMIT = 1 << 30
CPU_LIMIT = 30


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))


def ingest(path: Path, tmp_path: Path, *options: str) -> tuple[int, str, float]:
    """Run `zhibiao [options] ingest path` bounded; return (exit code, stderr, seconds)."""
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "zhibiao.cli", *options, "ingest", str(path),
                           "-o", str(tmp_path / "out.json")],
                          capture_output=True, text=True, preexec_fn=_limits, timeout=120)
    return proc.returncode, proc.stderr, time.monotonic() - start


def _refused(rc: int, err: str, *words: str) -> None:
    assert rc == 3, err
    assert "Traceback" not in err and "internal error" not in err, err
    for word in words:
        assert word in err, (word, err)


# --- 6: decompressed size ---------------------------------------------------------------------


def test_docx_bomb_is_refused(tmp_path):
    path = make.docx_bomb(tmp_path / "bomb.docx")
    assert path.stat().st_size < 2_000_000
    rc, err, _ = ingest(path, tmp_path)
    _refused(rc, err, "bomb.docx", "decompresses beyond the decompressed-size limit", "word/document.xml")


def test_docx_bomb_declaring_a_small_size_is_refused(tmp_path):
    path = make.docx_bomb(tmp_path / "liar.docx", declared=1000)
    rc, err, _ = ingest(path, tmp_path)
    _refused(rc, err, "liar.docx", "damaged")


def test_xlsx_bomb_is_refused(tmp_path):
    path = make.xlsx_bomb(tmp_path / "bomb.xlsx")
    rc, err, _ = ingest(path, tmp_path)
    _refused(rc, err, "bomb.xlsx", "decompresses beyond the decompressed-size limit", "sheet1.xml")


def test_pdf_flate_bomb_is_refused(tmp_path):
    path = make.pdf_bomb(tmp_path / "bomb.pdf")
    assert path.stat().st_size < 2_000_000
    rc, err, _ = ingest(path, tmp_path)
    _refused(rc, err, "bomb.pdf", "decompresses beyond the decompressed-size limit", "PDF stream")


def test_the_inflate_limit_follows_the_size_limit(tmp_path):
    path = make.docx_bomb(tmp_path / "small.docx", size=40 << 20)  # 40 MiB inflated, 40 KB on disk
    rc, err, _ = ingest(path, tmp_path)
    _refused(rc, err, "more than 16,777,216 bytes")  # 100× its size is below the floor of 16 MiB
    rc, err, _ = ingest(path, tmp_path, "--max-bytes", "500000")
    _refused(rc, err, "more than 10,000,000 bytes")  # at most 20× the size limit


# --- 7: spans -----------------------------------------------------------------------------------


def test_docx_gridspan_is_clamped_to_the_grid(tmp_path):
    path = make.docx_gridspan(tmp_path / "span.docx")
    assert path.stat().st_size < 2000
    rc, err, seconds = ingest(path, tmp_path)
    assert rc == 2 and "no rubric" in err, err  # read as what it is: a table of two columns, no rubric
    assert seconds < 20
    from zhibiao.extract import read

    table = next(b for b in read(path).blocks if b.kind == "table")
    assert max(c.col + c.col_span for c in table.cells) == 2
    assert table.cells[0].row_span == 4  # the vMerge run is kept


def test_html_spans_are_clamped(tmp_path):
    path = make.html_spans(tmp_path / "spans.html")
    rc, err, seconds = ingest(path, tmp_path)
    assert rc == 2 and "no rubric" in err, err
    assert seconds < 20


def test_xlsx_merged_range_over_the_whole_sheet_is_refused(tmp_path):
    path = make.xlsx_merge(tmp_path / "merge.xlsx")
    rc, err, seconds = ingest(path, tmp_path)
    _refused(rc, err, "merge.xlsx", "A3:XFD1048576", "cover more than 1,000,000 cells")
    assert seconds < 15


# --- 11: messages of damaged PDFs ---------------------------------------------------------------


@pytest.mark.parametrize("maker", [make.pdf_broken_xref, make.pdf_no_catalog])
def test_broken_pdf_says_what_is_wrong(tmp_path, maker):
    path = maker(tmp_path / "broken.pdf")
    rc, err, _ = ingest(path, tmp_path)
    _refused(rc, err, "broken.pdf", "damaged", "cross-reference table")
    assert "OCR" not in err and "page(s)  " not in err and "page(s) are" not in err
    for pdfminer_words in ("PDFDocument is not initialized", "No /Root object", "Is this really a PDF"):
        assert pdfminer_words not in err


# --- 12: large text -----------------------------------------------------------------------------


def test_a_20_mb_single_line_is_refused_in_seconds(tmp_path):
    path = make.long_line(tmp_path / "line.txt")
    rc, err, seconds = ingest(path, tmp_path)
    _refused(rc, err, "line.txt", "text-length limit", "line 2")
    assert seconds < 15


@pytest.mark.parametrize("unit", ["1.执法案卷评查 ", "执法案卷评查得分，得1分。", "一、执法案卷评查；"])
def test_a_line_under_the_limit_reads_in_seconds(tmp_path, unit):
    # many item markers or points in one paragraph used to be read in quadratic time (minutes)
    path = make.dense_line(tmp_path / "dense.txt", unit)
    rc, err, seconds = ingest(path, tmp_path)
    assert rc in (0, 1, 2) and "Traceback" not in err and "internal error" not in err, err
    assert seconds < 15


def test_a_large_text_notice_stays_within_memory(tmp_path):
    # 6 MiB of narrative around a small rubric: read within the 1 GiB address space (49 MiB: see README)
    path = make.big_text(tmp_path / "big.txt", size=6 << 20)
    rc, err, seconds = ingest(path, tmp_path)
    assert rc in (0, 1), err
    assert (tmp_path / "out.json").exists()
