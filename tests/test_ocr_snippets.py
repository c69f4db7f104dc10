"""The source of an OCR'd indicator in the review app: the page image with its region, and the text OCR read there
(a scanned notice has no text layer, so the snippet's text comes from the layout the review app reads).

The notices: the committed Group 4 TIFF of jt01 (tests/data/ocr/, 4 pages) and an image-only PDF of it made by
corpus/scans.py.
"""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
from test_web_source import _gray_png, _ink

from conftest import CORPUS, DATA, FAMILIES

TIFF = DATA / "ocr" / "jt01_fax.tif"
PDF = FAMILIES / "jt01_jiaotong_pingyi" / "jt01_jiaotong_pingyi.pdf"


def _scans():
    spec = importlib.util.spec_from_file_location("scans", CORPUS / "scans.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["scans"] = mod
    spec.loader.exec_module(mod)
    return mod


def _snippet(client, cat: int, ident: str) -> tuple[str, re.Match, re.Match]:
    frag = client.get(f"/catalogues/{cat}/indicators/{ident}/source").text
    image = re.search(r'<image href="/catalogues/\d+/pages/(\d+)" x="0" y="0" width="([\d.]+)" height="([\d.]+)"/>',
                      frag)
    rect = re.search(r'<rect class="hl" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', frag)
    assert image and rect, frag[:800]
    return frag, image, rect


@pytest.mark.parametrize("kind", ["tiff", "pdf"])
def test_an_ocrd_indicator_shows_its_page_image_and_the_text_read(client, store, tmp_path, kind):
    """The source of an indicator read by OCR showed no page image (a TIFF) and no text (a TIFF, a scanned PDF)."""
    if kind == "tiff":
        path = TIFF
    else:
        path = tmp_path / "jt01.clean200.pdf"
        path.write_bytes(_scans().clean_scan(PDF.read_bytes()))
    cat, _ = store.ingest(path)
    frag, image, rect = _snippet(client, cat, "1.3")
    assert '<pre class="region-text">' in frag and "执法人员全部取得交通运输行政执法证" in frag
    page = int(image[1])
    png = client.get(f"/catalogues/{cat}/pages/{page}")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    width, height, rows = _gray_png(png.content)
    scale = width / float(image[2])
    assert height == pytest.approx(float(image[3]) * scale, abs=2)
    x, y, w, h = map(float, rect.groups())
    inside = _ink(rows, (int(x * scale), int(y * scale), int((x + w) * scale), int((y + h) * scale)))
    margin = _ink(rows, (0, int(y * scale), int(30 * scale), int((y + h) * scale)))
    assert inside > 200 and margin == 0, (inside, margin)
    assert client.get(f"/catalogues/{cat}/pages/99").status_code == 404
