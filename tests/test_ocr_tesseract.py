"""The second OCR engine (extract/ocr.py ``TesseractEngine``): Tesseract's TSV into text boxes, a clean scan read
with it through ``--ocr-engine tesseract``, and a clear message where it is not installed.

The scan test needs Debian's tesseract-ocr and tesseract-ocr-chi-sim (scripts/system.sh installs them, so CI runs
it); where they are absent it is skipped and says so. Tesseract reads Chinese less well than RapidOCR (it drops or
misreads a glyph in many a line), so its scan is held to a share of leaves exact and, as for every engine, to no
point value read wrong without a flag or a finding on it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest

from zhibiao.extract import ocr

from conftest import CORPUS, FAMILIES, GOLDEN_FAMILIES, run_cli
from golden_compare import flat, load_golden

PDF = FAMILIES / "jt01_jiaotong_pingyi" / "jt01_jiaotong_pingyi.pdf"
GOLDEN = GOLDEN_FAMILIES / "jt01_jiaotong_pingyi.json"

TSV = "\n".join([
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
    "4\t1\t1\t1\t1\t0\t100\t50\t300\t40\t-1\t",
    "5\t1\t1\t1\t1\t1\t100\t50\t80\t40\t96.0\t执法",
    "5\t1\t1\t1\t1\t2\t190\t52\t60\t38\t90.0\t〈3分)",
    "5\t1\t1\t1\t1\t3\t300\t50\t10\t40\t12.0\t·",
    "5\t1\t1\t1\t2\t1\t100\t120\t60\t40\t80.0\t2023",
    "5\t1\t1\t1\t2\t2\t170\t120\t40\t40\t90.0\tab",
    "5\t1\t1\t1\t2\t3\t215\t120\t40\t40\t70.0\t年",
])


def test_tesseract_words_become_lines_of_glyphs():
    """Tesseract reads a full-width （ as 〈: the points in brackets (〈3分)) were not taken as points."""
    first, second = ocr.tesseract_boxes(TSV)
    assert first.text == "执法（3分）"  # the bracket pair made full-width; the word scored 0.12 dropped
    assert first.confidence == pytest.approx(0.93)
    assert [g[0] for g in first.glyphs] == list("执法（3分）")
    # a word's box is spread over its glyphs by natural width: 执 and 法 40 px each, then （3分） over 60 px
    assert first.glyphs[1][1] == (140.0, 50.0, 180.0, 90.0)
    assert first.glyphs[2][1][0] == 190.0 and first.glyphs[-1][1][2] == pytest.approx(250.0)
    assert first.quad[0] == (100.0, 50.0) and first.quad[2] == (250.0, 90.0)
    assert second.text == "2023 ab年"  # two Latin words stay apart, a Chinese glyph joins
    assert [g[2] for g in second.glyphs] == [0.8] * 4 + [0.9] * 2 + [0.7]


def test_a_missing_tesseract_says_what_to_install(tmp_path, monkeypatch, capsys):
    """--ocr-engine tesseract without Tesseract installed must say what to install, not fail with a traceback."""
    monkeypatch.setenv("ZHIBIAO_TESSERACT", str(tmp_path / "no-tesseract"))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_scans().clean_scan(PDF.read_bytes()))
    code, out, err = run_cli(["--ocr-engine", "tesseract", "ingest", scan, "-o", tmp_path / "out.json"], capsys)
    assert code == 3
    assert "apt install tesseract-ocr tesseract-ocr-chi-sim" in err and "scan.pdf" in err
    assert "Traceback" not in out + err and not (tmp_path / "out.json").exists()
    # the choice does not leak into the next invocation: the default engine reads the scan again
    assert ocr.engine_named(None).name == "RapidOCR"


def test_an_unknown_engine_is_a_usage_error(capsys):
    code, _out, err = run_cli(["--ocr-engine", "abbyy", "ingest", PDF], capsys)
    assert code == 64 and "abbyy" in err  # a usage error, before anything is read


def _scans():
    spec = importlib.util.spec_from_file_location("scans", CORPUS / "scans.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["scans"] = mod
    spec.loader.exec_module(mod)
    return mod


def _tesseract_ready() -> str | None:
    """Why the Tesseract scan test cannot run here (None: it can)."""
    program = shutil.which("tesseract")
    if program is None:
        return "tesseract is not installed (apt install tesseract-ocr tesseract-ocr-chi-sim; CI installs it)"
    langs = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=60)
    if "chi_sim" not in langs.stdout.split():
        return "tesseract has no chi_sim model (apt install tesseract-ocr-chi-sim; CI installs it)"
    return None


def test_tesseract_reads_a_clean_scan(tmp_path, capsys):
    """A clean 200-dpi scan read by Tesseract: its tree's leaves largely exact, no point value wrong unflagged."""
    why = _tesseract_ready()
    if why is not None:
        pytest.skip(why)
    scan = tmp_path / "jt01.clean200.pdf"
    scan.write_bytes(_scans().clean_scan(PDF.read_bytes()))
    out = tmp_path / "jt01.json"
    code, stdout, err = run_cli(["--ocr-engine", "tesseract", "ingest", scan, "-o", out], capsys)
    assert code in (0, 1), stdout + err
    cat = json.loads(out.read_text("utf-8"))
    assert cat["document"]["ocr_pages"] == [1, 2, 3, 4]
    notes = [f["params"] for f in cat["findings"] if f["code"] == "input_warning"]
    assert any(n.get("warning") == "ocr_read" and n.get("engine") == "Tesseract" for n in notes), notes
    golden = load_golden(GOLDEN)
    want = [i for r in golden["rubrics"] for i in flat(r["indicators"]) if not i.get("children")]
    got = {i["id"]: i for r in cat["rubrics"] for i in flat(r["indicators"])}
    named = {f.get("indicator") for r in cat["rubrics"] for f in r["findings"]}
    exact = [w["id"] for w in want if w["id"] in got and got[w["id"]]["text"] == w["text"]
             and got[w["id"]]["points"] == w["points"]]
    assert len(exact) >= 0.4 * len(want), f"{len(exact)}/{len(want)} leaves exact"
    silent = [w["id"] for w in want if w["id"] in got and got[w["id"]]["points"] is not None
              and Decimal(got[w["id"]]["points"]) != Decimal(w["points"] or "-1")
              and not got[w["id"]].get("flags") and w["id"] not in named]
    assert not silent, f"points read wrong without a flag or finding: {silent}"
