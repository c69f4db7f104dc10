"""A scanned OFD (each page one ImageObject) read by OCR (extract/ofd.py ``scanned``), as a scanned PDF is.

The OFD is written by tests/ofd_writer.py ``scanned_ofd`` from the 200-dpi page images corpus/scans.py renders
of the family rubric jt01 (4 pages, a ruled table of 43 leaves); its golden is the PDF's.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from decimal import Decimal

from ofd_writer import scanned_ofd

from zhibiao.pipeline import ingest

from conftest import CORPUS, FAMILIES, GOLDEN_FAMILIES, run_cli
from golden_compare import flat, load_golden

PDF = FAMILIES / "jt01_jiaotong_pingyi" / "jt01_jiaotong_pingyi.pdf"
GOLDEN = GOLDEN_FAMILIES / "jt01_jiaotong_pingyi.json"


def _scans():
    spec = importlib.util.spec_from_file_location("scans", CORPUS / "scans.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["scans"] = mod
    spec.loader.exec_module(mod)
    return mod


def _jpegs(dpi: int) -> list[bytes]:
    from PIL import Image

    out = []
    for rgb in _scans().render(PDF.read_bytes(), dpi):
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, "JPEG", quality=90, dpi=(dpi, dpi))
        out.append(buf.getvalue())
    return out


def test_a_scanned_ofd_reads_as_its_golden(tmp_path):
    """An OFD of page images was refused (no text, OCR needed): its ImageObjects are now read by OCR."""
    path = tmp_path / "jt01.scan.ofd"
    path.write_bytes(scanned_ofd(_jpegs(200)))
    cat = ingest(path)
    assert cat.document.format == "ofd" and cat.document.ocr_pages == [1, 2, 3, 4]
    notes = [f.params for f in cat.findings if f.code == "input_warning"]
    assert any(n["warning"] == "ocr_read" for n in notes)
    golden = load_golden(GOLDEN)
    want = [i for r in golden["rubrics"] for i in flat(r["indicators"])]
    got = {i.id: i for i in cat.walk()}
    assert [i.id for i in cat.walk()] == [i["id"] for i in want]
    leaves = [i for i in want if not i.get("children")]
    wrong = [i["id"] for i in leaves if got[i["id"]].points != (Decimal(i["points"]) if i["points"] else None)]
    assert not wrong, f"points read wrong: {wrong}"
    exact = [i["id"] for i in leaves if got[i["id"]].text == i["text"]]
    assert len(exact) >= 0.95 * len(leaves), f"{len(exact)}/{len(leaves)} leaves exact"
    # provenance in points on the OFD's own page, with OCR's confidence
    leaf = got["1.1"]
    assert leaf.source.regions and leaf.source.regions[0].page == 3 and leaf.source.confidence is not None
    assert 0 < leaf.source.regions[0].bbox[0] < leaf.source.regions[0].bbox[2] < 595.3


def test_a_scanned_ofd_too_coarse_or_too_large_is_refused(tmp_path, capsys, monkeypatch):
    """Images too coarse are not read (no text: exit 3 saying so); an image over the pixel limit is refused."""
    coarse = tmp_path / "coarse.ofd"
    coarse.write_bytes(scanned_ofd(_jpegs(60)[:1]))
    code, _out, err = run_cli(["ingest", coarse], capsys)
    assert code == 3 and "coarse.ofd" in err and "no text" in err
    from zhibiao.extract import ocr

    monkeypatch.setattr(ocr, "SETTINGS", ocr.OcrSettings(max_pixels=1_000_000))
    big = tmp_path / "big.ofd"
    big.write_bytes(scanned_ofd(_jpegs(200)[:1]))
    code, _out, err = run_cli(["ingest", big], capsys)
    assert code == 3 and "pixels" in err and "Traceback" not in err
