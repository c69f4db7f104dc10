"""The source beside an indicator: a PDF page as an image with the indicator's region drawn on it, TXT lines and
DOCX/HTML elements in context with markup stripped and the indicator's words marked, and the original opened
where the indicator was read."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from conftest import CORPUS, PDF_2023, SEED_2023

DOCX_2019 = CORPUS / "renderings" / "001_5886f06ed561739e.docx"
HTML_2020 = CORPUS / "renderings" / "003_fbbff5f31bb9ffc0.html"


def _gray_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of an 8-bit grayscale PNG without filters (what extract/render.py writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, kind
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 0)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    rows = [raw[y * (width + 1) + 1:(y + 1) * (width + 1)] for y in range(height)]
    assert all(raw[y * (width + 1)] == 0 for y in range(height))
    return width, height, rows


def _ink(rows: list[bytes], box: tuple[int, int, int, int]) -> int:
    x0, y0, x1, y1 = box
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if rows[y][x] < 128)


def test_render_page_is_the_page_at_scale():
    from zhibiao.extract.render import page_count, page_size, render_page

    data = PDF_2023.read_bytes()
    image = render_page(data, 4, scale=1.0)
    width, height, _ = _gray_png(image.png)
    assert (width, height) == (image.pixel_width, image.pixel_height)
    assert page_size(data, 4) == (image.width, image.height)
    assert abs(width - image.width) <= 1 and abs(height - image.height) <= 1
    assert render_page(data, 4, scale=2.0).pixel_width == pytest.approx(2 * width, abs=2)
    with pytest.raises(IndexError):
        render_page(data, page_count(data) + 1)
    with pytest.raises(IndexError):
        page_size(data, 0)


def test_pdf_source_is_the_page_image_with_the_region(client, store):
    cat, _ = store.ingest(PDF_2023)
    frag = client.get(f"/catalogues/{cat}/indicators/1.1.1/source").text
    assert "（区域" not in frag, "no coordinates for people"
    image = re.search(r'<image href="/catalogues/\d+/pages/(\d+)" x="0" y="0" width="([\d.]+)" height="([\d.]+)"/>',
                      frag)
    rect = re.search(r'<rect class="hl" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', frag)
    view = re.search(r'viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"', frag)
    assert image and rect and view, frag[:500]
    page = int(image[1])
    assert f'href="/catalogues/{cat}/document/pdf#page={page}"' in frag and f"打开原文第 {page} 页" in frag
    x, y, w, h = map(float, rect.groups())
    vx, vy, vw, vh = map(float, view.groups())
    assert vy <= y and y + h <= vy + vh and w < vw, "the region is inside the part of the page shown"

    png = client.get(f"/catalogues/{cat}/pages/{page}")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.headers["x-content-type-options"] == "nosniff"
    width, height, rows = _gray_png(png.content)
    scale = width / float(image[2])
    assert height == pytest.approx(float(image[3]) * scale, abs=2)
    # the text of 1.1.1 is printed inside the highlighted region: ink there, none in the margin left of the table
    inside = _ink(rows, (int(x * scale), int(y * scale), int((x + w) * scale), int((y + h) * scale)))
    margin = _ink(rows, (0, int(y * scale), int(40 * scale), int((y + h) * scale)))
    assert inside > 200 and margin == 0, (inside, margin)
    assert "执法人员" in frag, "the region's text is shown below the image"


def test_page_images_refuse_what_is_not_there(client, store):
    pdf, _ = store.ingest(PDF_2023)
    txt, _ = store.ingest(SEED_2023)
    assert client.get(f"/catalogues/{pdf}/pages/999").status_code == 404
    assert client.get(f"/catalogues/{pdf}/pages/0").status_code == 404
    assert client.get(f"/catalogues/{pdf}/pages/x").status_code in (404, 422)
    r = client.get(f"/catalogues/{txt}/pages/1")
    assert r.status_code == 404 and "不是 PDF" in r.text
    assert client.get("/catalogues/999/pages/1").status_code == 404


def test_the_original_opens_where_the_indicator_is(client, store):
    pdf, _ = store.ingest(PDF_2023)
    txt, _ = store.ingest(SEED_2023)
    r = client.get(f"/catalogues/{pdf}/document/view?at=1.1.1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/catalogues/{pdf}/document/pdf#page=4"
    r = client.get(f"/catalogues/{pdf}/document/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline;") and r.content == PDF_2023.read_bytes()
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert client.get(f"/catalogues/{txt}/document/pdf").status_code == 404, "only a PDF is shown inline"

    page = client.get(f"/catalogues/{txt}/document/view?at=1.5.16").text
    assert page.count('id="src-current"') == 1
    current = page[page.index('id="src-current"'):]
    assert current.index("<mark>16. 所办案件定案证据合法。(0.5分)</mark>") < current.index("</p>")
    assert "&lt;p&gt;" not in page and "<p>16." not in page, "markup stripped"
    assert page.count('class="ln"') > 100, "the whole notice, numbered"
    # a printed number finds the indicator too; no indicator: the notice, nothing marked
    assert "<mark>16. 所办案件定案证据合法" in client.get(f"/catalogues/{txt}/document/view?at=1.5.16").text
    plain = client.get(f"/catalogues/{txt}/document/view")
    assert plain.status_code == 200 and "<mark>" not in plain.text and 'id="src-current"' not in plain.text


@pytest.mark.parametrize("path,ident,cell", [
    (DOCX_2019, "1.1.1", "1. 统筹推进行政执法事前公开与政府信息公开"),
    (HTML_2020, "1.1", "(一)强化事前公开(8分)"),
])
def test_element_source_in_context(client, store, path, ident, cell):
    cat, _ = store.ingest(path)
    frag = client.get(f"/catalogues/{cat}/indicators/{ident}/source").text
    assert "/html/body" not in frag and "&lt;td" not in frag
    current = re.search(r'<p class="ctx cur trow">(.*?)</p>', frag, re.S)
    assert current, frag[:800]
    marked = re.findall(r"<mark>(.*?)</mark>", current[1], re.S)
    assert len(marked) == 1 and marked[0].startswith(cell), marked
    assert " ｜ " in current[1], "the row's other cells as context"
    assert frag.count('<p class="ctx') >= 3, "rows before and after"
    view = client.get(f"/catalogues/{cat}/document/view?at={ident}").text
    assert view.count('id="src-current"') == 1 and "<mark>" + cell in view


def test_marking_tolerates_widths_and_spaces():
    from zhibiao.web.context import LONG_LINE, Segment, mark, needles, text_rows

    pats = needles("所办案件定案证据合法。", "16.")
    segs = mark("前文 16 . 所办案件定案证据 合法。（０.５分） 17. 其他", pats)
    assert [s.kind for s in segs] == ["", "hl", ""] and segs[1].text == "16 . 所办案件定案证据 合法。（０.５分）"
    assert mark("没有这一项", pats) == [Segment("没有这一项")]
    assert needles("", "1.") == [] and mark("文字", []) == [Segment("文字")]
    long = "甲" * 1000 + "16. 所办案件定案证据合法。" + "乙" * 1000
    rows = text_rows("第一行\n" + long + "\n第三行", (2, 2), pats)
    assert [r.no for r in rows] == [1, 2, 3] and [r.current for r in rows] == [False, True, False]
    shown = "".join(s.text for s in rows[1].segments)
    assert shown.startswith("…") and shown.endswith("…") and len(shown) < LONG_LINE
    assert rows[1].highlighted and rows[1].anchor and not rows[0].anchor
