"""Scanned notices read by OCR (extract/ocr.py): scans of a small rubric give its golden, garbled text layers are
OCR'd instead, images too large are refused before decoding, and text read with low confidence is flagged.

The scans are made here by corpus/scans.py from the family rubric jt01 (4 pages: notice text, then a ruled table
of 43 leaves across two pages with merged label cells): an image-only PDF at 200 dpi, a degraded one (150-300 dpi,
skew up to 2 degrees, noise, JPEG artefacts, a red seal over the table), and the PDF with its fonts' ToUnicode maps
renamed away; a black-and-white Group 4 TIFF of it is committed (tests/data/ocr/). Their golden is the PDF's:
golden/families/jt01_jiaotong_pingyi.json. OCR is not perfect (a full-width ``．`` after a number reads as ``.``),
so a scan is held to: the same tree (every id, in order), every leaf's points exact, and a share of leaves exact
(id, text and points); bench/bench_ocr.py prints the figures.
"""

from __future__ import annotations

import importlib.util
import struct
import sys
import zlib
from decimal import Decimal

import numpy as np
import pytest

from zhibiao import extract
from zhibiao.extract import ocr
from zhibiao.pipeline import ingest

from conftest import CORPUS, DATA, FAMILIES, GOLDEN_FAMILIES, run_cli
from golden_compare import flat, load_golden

PDF = FAMILIES / "jt01_jiaotong_pingyi" / "jt01_jiaotong_pingyi.pdf"
GOLDEN = GOLDEN_FAMILIES / "jt01_jiaotong_pingyi.json"
TIFF = DATA / "ocr" / "jt01_fax.tif"


def _scans():
    spec = importlib.util.spec_from_file_location("scans", CORPUS / "scans.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["scans"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scans")
    scans = _scans()
    data = PDF.read_bytes()
    out = {"clean": folder / "jt01.clean200.pdf", "degraded": folder / "jt01.degraded.pdf",
           "garbled": folder / "jt01.no-tounicode.pdf"}
    out["clean"].write_bytes(scans.clean_scan(data))
    out["degraded"].write_bytes(scans.degraded_scan(data, seed=13))
    out["garbled"].write_bytes(scans.no_tounicode(data))
    return out


def _held_to_golden(cat, share: float) -> None:
    """The golden's tree, every leaf's points, and at least ``share`` of the leaves exact (id, text, points)."""
    golden = load_golden(GOLDEN)
    want = [i for r in golden["rubrics"] for i in flat(r["indicators"])]
    got = {i.id: i for i in cat.walk()}
    assert [i.id for i in cat.walk()] == [i["id"] for i in want], "the tree differs from the golden's"
    leaves = [i for i in want if not i.get("children")]
    wrong = [i["id"] for i in leaves if got[i["id"]].points != (Decimal(i["points"]) if i["points"] else None)]
    assert not wrong, f"points read wrong: {wrong}"
    exact = [i["id"] for i in leaves if got[i["id"]].text == i["text"]]
    assert len(exact) >= share * len(leaves), f"{len(exact)}/{len(leaves)} leaves exact"


def test_a_clean_scan_reads_as_its_golden(scanned):
    """With the ruling lines erased before OCR, 六、减分项 and the cell beside it were read as one line: 减分项页."""
    cat = ingest(scanned["clean"])
    _held_to_golden(cat, 0.97)
    assert next(i for i in cat.walk() if i.id == "6").text == "减分项"
    assert cat.document.format == "pdf" and cat.document.ocr_pages == [1, 2, 3, 4]
    assert cat.document.doc_number == "某交法〔2023〕18号"
    notes = [f.params["warning"] for f in cat.findings if f.code == "input_warning"]
    assert "ocr_read" in notes and "pdf_no_text_layer" not in notes
    # every OCR'd indicator carries its confidence
    assert all(i.source is not None and i.source.confidence is not None for i in cat.walk())


def test_a_degraded_scan_with_a_seal_reads_its_points_exactly(scanned):
    """150-300 dpi, skewed, noisy, JPEG artefacts, a red seal over the table: the tree and every point still exact."""
    cat = ingest(scanned["degraded"])
    _held_to_golden(cat, 0.9)


def test_a_group4_tiff_reads_as_its_golden():
    cat = ingest(TIFF)
    assert cat.document.format == "tiff" and cat.document.ocr_pages == [1, 2, 3, 4]
    _held_to_golden(cat, 0.95)


def test_a_text_layer_without_tounicode_is_ocrd_instead(scanned):
    """Fonts without ToUnicode: pdfium reads CIDs as Latin-1 letters, pdfminer as (cid:N); the pages are OCR'd."""
    cat = ingest(scanned["garbled"])
    notes = {f.params["warning"]: f for f in cat.findings if f.code == "input_warning"}
    assert "pdf_garbled_text" in notes and notes["pdf_garbled_text"].params["pages"] == "1-4"
    assert cat.document.ocr_pages == [1, 2, 3, 4]
    _held_to_golden(cat, 0.97)


def test_garbled_layers_are_told_from_chinese_text():
    def chars(text):
        return [{"text": t} for t in text]

    plain = "为深入推进交通运输法治政府部门建设，规范和监督交通运输行政执法行为，根据有关规定制定本办法。"
    assert ocr.garbled(chars(plain)) is None
    assert ocr.garbled(chars("4567=fjÐÑ_ÒÓ_>Ô_°>ÔÕ~|Öj×ØÐÑj×Ø°ÙjÒÓÚj×Ø°Ù")) is not None  # CIDs as Latin-1
    assert ocr.garbled([{"text": f"(cid:{n})"} for n in range(30)]) is not None
    assert ocr.garbled(chars("\ue000\ue001\ue002" * 10)) is not None  # private use
    rare = "".join(chr(0x9F00 + k) for k in range(40))  # real code points, none of them common characters
    assert ocr.garbled(chars(rare)) is not None
    assert ocr.garbled(chars("2023年8月21日 第3页")) is None  # too little to judge


# --- bounds -------------------------------------------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def _jpeg_header(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x01\x00\xc8\x00\xc8\x00\x00" + sof


def _tiff_header(width: int, height: int) -> bytes:
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + b"\0\0\0\0"
    return b"II*\x00" + struct.pack("<I", 8) + ifd


@pytest.mark.parametrize("suffix, make", [(".png", _png_header), (".jpg", _jpeg_header), (".tif", _tiff_header)])
def test_an_image_of_400_million_pixels_is_refused_before_decoding(tmp_path, capsys, monkeypatch, suffix, make):
    """A 20,000 x 20,000 image (a decompression bomb) is refused from its header: nothing is decoded."""
    from PIL import Image

    def never(*_a, **_k):
        raise AssertionError("the image was opened for decoding")

    monkeypatch.setattr(Image, "open", never)
    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(make(20_000, 20_000))
    out = tmp_path / "out.json"
    code, _, err = run_cli(["ingest", path, "-o", out], capsys)
    assert code == 3, err
    assert f"bomb{suffix}" in err and "20,000 x 20,000 pixels, limit 80,000,000 pixels; refused before decoding" in err
    assert "Traceback" not in err and not out.exists()


def test_headers_give_size_and_resolution():
    assert ocr.image_header(_png_header(1654, 2339)) == ocr.ImageHeader("png", 1654, 2339, None)
    assert ocr.image_header(_jpeg_header(1240, 1754)) == ocr.ImageHeader("jpeg", 1240, 1754, 200.0)
    assert ocr.image_header(_tiff_header(2480, 3508)) == ocr.ImageHeader("tiff", 2480, 3508, None)
    assert extract.sniff(_png_header(10, 10)) == "png" and extract.sniff(_jpeg_header(10, 10)) == "jpeg"


def test_a_truncated_image_header_is_a_damaged_file(tmp_path, capsys):
    path = tmp_path / "cut.png"
    path.write_bytes(_png_header(100, 100)[:14])
    code, _, err = run_cli(["ingest", path], capsys)
    assert code == 3 and "cut.png" in err and "PNG header cannot be read" in err


def test_a_pdf_page_too_large_to_render_is_refused(tmp_path, capsys):
    """A poster page of 200 x 200 inches with no text layer would render to 1.6 billion pixels: refused."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(14400, 14400)
    path = tmp_path / "poster.pdf"
    doc.save(str(path))
    doc.close()
    code, _, err = run_cli(["ingest", path], capsys)
    assert code == 3 and "poster.pdf" in err and "page 1 rendered for OCR is 40,000 x 40,000 pixels" in err


# --- confidence -------------------------------------------------------------------------------------


class _DoubtfulDigits:
    """RapidOCR, but unsure of every box that is a number alone (the points column): confidence 0.5; and the
    first such box it reads as 3 it misreads as 8."""

    name = "RapidOCR"

    def __init__(self) -> None:
        self.inner = ocr.RapidOcrEngine()
        self.misread = False

    def read(self, image):
        out = []
        for b in self.inner.read(image):
            if b.text.strip().isdigit():
                text, glyphs = b.text, b.glyphs
                if text == "3" and not self.misread and glyphs:
                    self.misread = True
                    text, glyphs = "8", (("8", *glyphs[0][1:]),)
                b = ocr.TextBox(b.quad, text, 0.5, glyphs)
            out.append(b)
        return out


def test_points_read_with_low_confidence_are_flagged_and_named(scanned, monkeypatch, store, client):
    """Text read with low confidence is flagged, its points a finding naming page and region; a misread point
    that breaks a sum is an error naming where the sum was read; the review app's filter shows them."""
    monkeypatch.setattr(ocr, "_ENGINE", _DoubtfulDigits())
    cat = ingest(scanned["clean"])
    flagged = [i for i in cat.walk() if "ocr_low_confidence" in i.flags]
    # 2.5-2.10 print their points in the 分值 column alone; items printing "(3分)" in their text are not doubted
    doubted = {"2.5", "2.6", "2.7", "2.8", "2.9", "2.10"}
    assert doubted <= {i.id for i in flagged}
    assert all(i.source.confidence == 0.5 for i in flagged if i.id in doubted)
    found = {f.indicator: f for r in cat.rubrics for f in r.findings if f.code == "ocr_points_low_confidence"}
    f = found["2.5"]
    assert f.severity == "warning" and f.params["page"] == 3 and f.params["points"] == "8"
    assert "page 3 region" in f.message and f.params["region"].endswith(" pt")
    # 8 + 3 + 3 + 2 + 2 + 2 is not the 15 of 二、执法制度建设
    broken = [f for r in cat.rubrics for f in r.findings if f.code == "ocr_points_break_sums"]
    assert [(f.indicator, f.severity, f.params["points"], f.params["page"]) for f in broken] == \
        [("2", "error", "15", 3)]
    assert any(f.code == "sum_mismatch" and f.indicator == "2" for r in cat.rubrics for f in r.findings)
    unflagged = next(i for i in cat.walk() if i.id == "1.1")
    assert "ocr_low_confidence" not in unflagged.flags
    # the review app's problem filter
    cat_id, _ = store.add(scanned["clean"].read_bytes(), cat, filename="jt01.pdf")
    page = client.get(f"/catalogues/{cat_id}?show=ocr").text
    assert 'id="ind-2.5" class="ind lvl-2' in page and "识别置信度低" in page
    assert 'data-id="2.5"' in page and "is-match" in page.split('id="ind-2.5"')[1].split(">")[0]
    assert 'id="ind-1.1"' not in page  # a leaf read with confidence is not shown under the filter


def test_info_names_the_pages_read_by_ocr_with_a_progress_bar(scanned, capsys, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_PROGRESS", "1")
    code, out, err = run_cli(["info", scanned["garbled"]], capsys)
    assert code == 0 and "OCR jt01.no-tounicode.pdf: [" in err and "page 4/4" in err
    assert "read:       PDF text layer (chars and ruling lines); page(s) 1-4 by OCR (RapidOCR, rendered at 200 dpi)" \
        in out
    assert "文号:       某交法〔2023〕18号" in out


# --- regressions ------------------------------------------------------------------------------------


def test_a_clean_line_is_not_turned_upside_down():
    """Page 4 of pf01 turned by 0.05 degrees (a deskewed scan): RapidOCR's angle classifier took its first line
    (2.组织开展“12·4”国家宪法日…) for upside down, read it as nothing, and item 3.2 was lost; no classifier now."""
    import cv2

    rgb = _scans().render((FAMILIES / "pf01_bawu_pufa" / "pf01_bawu_pufa.pdf").read_bytes(), 200)[3]
    gray = ocr._gray(rgb)
    h, w = gray.shape
    turned = cv2.warpAffine(gray, cv2.getRotationMatrix2D((w / 2, h / 2), -0.05, 1.0), (w, h),
                            flags=cv2.INTER_LINEAR, borderValue=255)
    texts = [b.text for b in ocr.RapidOcrEngine().read(turned)]
    assert any(t.startswith("2.组织开展“12·4”国家宪法日") for t in texts), texts[:3]


@pytest.mark.parametrize("read, printed", [("(二）国家工作人员学法", "（二）国家工作人员学法"),
                                           ("某交法〔2023]18号", "某交法〔2023〕18号"),
                                           ("法治乡村(社区）建设", "法治乡村（社区）建设"),
                                           ("(3分)", "(3分)"), ("（一）", "（一）"), ("[1] (a", "[1] (a")])
def test_a_bracket_pair_is_one_width(read, printed):
    """The recogniser read the full-width （ of （二） as ( now and then: (二）; pf01's markers missed the golden."""
    assert ocr._balanced(read) == printed


class _Engine:
    """An engine that gives fixed text boxes, whatever the image."""

    name = "fixed"

    def __init__(self, boxes):
        self.boxes = boxes

    def read(self, image):
        return self.boxes


def _box(text: str, x0: float, y0: float, widths: list[float], gap_after: int | None = None, gap: float = 0.0):
    """A text box of glyphs side by side from x0 (pixels), 30 px high, a gap after glyph ``gap_after``."""
    glyphs, x = [], x0
    for i, (ch, w) in enumerate(zip(text, widths)):
        glyphs.append((ch, (x, y0, x + w - 2, y0 + 30), 0.99))
        x += w + (gap if i == gap_after else 0)
    quad = ((x0, y0), (x, y0), (x, y0 + 30), (x0, y0 + 30))
    return ocr.TextBox(quad, text, 0.99, tuple(glyphs))


def _ruled_page(column: int) -> object:
    import numpy as np

    page = np.full((400, 600), 255, np.uint8)
    page[40:360, column:column + 2] = 0  # a column line
    page[100:130, 100:320] = 0  # ink where the boxes' glyphs are (the glyphs start on ink)
    page[100:130, 340:560] = 0
    return page


def test_a_glyph_read_twice_across_a_column_line_is_dropped(monkeypatch):
    """fz02: the box of a cell reached back over the column line and read the 2 of （2 again (then 2 -> 22)."""
    left = _box("（2", 260, 100, [30, 30])  # （ 260-288, 2 290-318: the points of the left cell
    right = _box("23.未", 292, 100, [24, 24, 12, 30], gap_after=0, gap=24)  # its 2 over the left cell's 2
    monkeypatch.setattr(ocr, "engine", lambda: _Engine([left, right]))
    form = ocr.ocr_page(_ruled_page(330), 1, 72.0)
    texts = "".join(c["text"] for c in sorted(form.chars, key=lambda c: c["x0"]))
    assert texts == "（23.未", texts  # the left cell's （2, the right cell's 3.未; one 2 only
    assert sum(c["text"] == "2" for c in form.chars) == 1


def test_a_glyph_that_stands_with_its_line_is_kept(monkeypatch):
    """Two boxes that overlap at glyphs standing with their own lines both keep them (no column gap: no stray)."""
    a = _box("一二", 100, 100, [30, 30])
    b = _box("三四", 145, 100, [30, 30])
    monkeypatch.setattr(ocr, "engine", lambda: _Engine([a, b]))
    form = ocr.ocr_page(_ruled_page(580), 1, 72.0)
    assert sorted(c["text"] for c in form.chars) == ["一", "三", "二", "四"]


def test_a_column_line_read_as_a_bar_is_no_glyph(monkeypatch):
    """fz02's 公正|文明: the column line beside a cell's last glyph was read as |."""
    box = _box("公正|", 260, 100, [30, 30, 30])  # | 320-348 over the line at 330
    monkeypatch.setattr(ocr, "engine", lambda: _Engine([box]))
    form = ocr.ocr_page(_ruled_page(330), 1, 72.0)
    assert [c["text"] for c in form.chars] == ["公", "正"]
    box = _box("公正|", 260, 100, [30, 30, 30])
    monkeypatch.setattr(ocr, "engine", lambda: _Engine([box]))
    form = ocr.ocr_page(_ruled_page(500), 1, 72.0)  # no line under it: a | printed is kept
    assert [c["text"] for c in form.chars] == ["公", "正", "|"]


def _recorded(name: str):
    """A cut of a clean 200-dpi scan of fz02 (tests/data/ocr/NAME.png) and the text boxes RapidOCR's detector and
    recogniser gave for it on the whole page (NAME.boxes.json)."""
    import json

    from PIL import Image

    image = np.asarray(Image.open(DATA / "ocr" / f"{name}.png").convert("L"))
    boxes = [ocr.TextBox(tuple(tuple(p) for p in b["quad"]), b["text"], b["confidence"],
                         tuple((g[0], tuple(g[1]), g[2]) for g in b["glyphs"]))
             for b in json.loads((DATA / "ocr" / f"{name}.boxes.json").read_text(encoding="utf-8"))]
    return image, boxes


class _Replay:
    """An engine that gives recorded boxes, and reads a box again with RapidOCR's recogniser (or not at all)."""

    name = "replay"

    def __init__(self, boxes, reread: bool) -> None:
        self.boxes = boxes
        if reread:
            self.reread = ocr.RapidOcrEngine().reread

    def read(self, image):
        return self.boxes


def _page_lines(form) -> list[str]:
    from zhibiao.extract.pdf import _char_lines

    return ["".join(c["text"] for c in line) for line in _char_lines(form.chars)]


def test_a_thin_glyph_the_detector_left_out_at_a_line_end_is_read_again():
    """The detector's box of “（1）依申请政务服务事项实现“一” stopped before the thin “一 at the cell's end, so the
    leaf read 依申请政务服务事项实现网通办” (fz02, a clean scan)."""
    image, boxes = _recorded("fz02_line_end")
    previous = ocr.engine()
    try:
        ocr.set_engine(_Replay(boxes, reread=True))
        lines = _page_lines(ocr.ocr_page(image, 1, 200))
    finally:
        ocr.set_engine(previous)
    assert any("事项实现“一" in line for line in lines), lines
    # a box whose line has no ink beyond it is not read again: the others are as recorded
    assert any(line.startswith("网通办”") for line in lines), lines


def test_a_column_line_and_the_cell_text_before_it_read_as_a_one_are_dropped():
    """A box of the right cell reached back over the column line and read it with the left cell's last stroke
    as a 1: 产权和1合法权益 (fz02, a clean scan); the 1 has no ink of its own once the left cell's box is not
    counted."""
    image, boxes = _recorded("fz02_thin_one")
    previous = ocr.engine()
    try:
        ocr.set_engine(_Replay(boxes, reread=False))
        form = ocr.ocr_page(image, 1, 200)
    finally:
        ocr.set_engine(previous)
    lines = _page_lines(form)
    assert not any("1" in c["text"] for c in form.chars if 480 <= c["x0"] * 200 / 72 <= 530), lines
    assert any("产权和" in line and "和1" not in line and "1益" not in line for line in lines), lines


def test_a_thin_glyph_the_recogniser_left_out_of_a_short_box_is_read_again():
    """The recogniser read the short box of a cell's last line “100%。” as 100%, the 。 a glyph of ink apart after
    the last glyph it read, so the leaf lost its 。 (yf01, a clean scan)."""
    image, boxes = _recorded("yf01_short_box")
    previous = ocr.engine()
    try:
        ocr.set_engine(_Replay(boxes, reread=True))
        lines = _page_lines(ocr.ocr_page(image, 1, 200))
    finally:
        ocr.set_engine(previous)
    assert any(line.startswith("100%。") for line in lines), lines


def test_a_bracket_pair_broken_over_two_lines_of_a_cell_is_printed_in_one_width():
    """The （ of （应当组织听证而未组织听证、未履行告知义务等） stood on one line and its ） on the next, read
    half-width there: the leaf read …义务等) (aj01, a clean scan)."""
    image, boxes = _recorded("aj01_bracket_wrap")
    previous = ocr.engine()
    try:
        ocr.set_engine(_Replay(boxes, reread=False))
        lines = _page_lines(ocr.ocr_page(image, 1, 200))
    finally:
        ocr.set_engine(previous)
    assert any(line.endswith("义务等）") for line in lines), lines
    assert any("重大权益的（应当" in line for line in lines), lines
