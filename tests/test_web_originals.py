"""The original notice behind an indicator, in every format: an OFD's page (text or scanned) drawn with the
indicator's region marked, as a PDF's is; 打开原文 opening what a reviewer expects for each format (a PDF at its
page, an OFD or scanned image as its page drawn, DOCX/XLSX/HTML/TXT and converted legacy files as their text with
the indicator's paragraph, line or cell marked); the original offered for download under its Chinese name; and a
stored file that is missing or no longer the one the catalogue was read from refused in Chinese (404/410).

The scanned OFD is written by tests/ofd_writer.py ``scanned_ofd`` from page 3 of the committed Group 4 TIFF of
jt01 (tests/data/ocr/jt01_fax.tif, 200 dpi); the text OFD by ``pdf_to_ofd`` from jt01's PDF.
"""

from __future__ import annotations

import html
import io
import re
from urllib.parse import quote

import pytest
from ofd_writer import pdf_to_ofd, scanned_ofd
from test_web_source import _gray_png, _ink

from conftest import CORPUS, DATA, FAMILIES, PDF_2023, SEED_2023

JT01_PDF = FAMILIES / "jt01_jiaotong_pingyi" / "jt01_jiaotong_pingyi.pdf"
TIFF = DATA / "ocr" / "jt01_fax.tif"


def _scan_page(number: int) -> bytes:
    """Page ``number`` of the jt01 fax as a 200-dpi PNG (what a scanner puts in an OFD)."""
    from PIL import Image

    with Image.open(TIFF) as im:
        im.seek(number - 1)
        buf = io.BytesIO()
        im.convert("L").save(buf, "PNG", dpi=(200, 200))
    return buf.getvalue()


def _snippet(client, cat: int, ident: str) -> tuple[str, re.Match, re.Match]:
    frag = client.get(f"/catalogues/{cat}/indicators/{ident}/source").text
    image = re.search(r'<image href="/catalogues/\d+/pages/(\d+)" x="0" y="0" width="([\d.]+)" height="([\d.]+)"/>',
                      frag)
    rect = re.search(r'<rect class="hl" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', frag)
    assert image and rect, frag[:800]
    return frag, image, rect


def _region_inked(client, cat: int, image: re.Match, rect: re.Match) -> tuple[int, int]:
    """Dark pixels of the page image inside the marked region, and in the page's left margin beside it."""
    png = client.get(f"/catalogues/{cat}/pages/{image[1]}")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    width, height, rows = _gray_png(png.content)
    scale = width / float(image[2])
    assert height == pytest.approx(float(image[3]) * scale, abs=2), "the image is the page the region is on"
    x, y, w, h = map(float, rect.groups())
    inside = _ink(rows, (int(x * scale), int(y * scale), int((x + w) * scale), int((y + h) * scale)))
    margin = _ink(rows, (0, int(y * scale), int(30 * scale), int((y + h) * scale)))
    return inside, margin


def test_a_scanned_ofd_indicator_shows_its_page_image_cut_to_its_region(client, store, tmp_path):
    """A scanned OFD's indicator showed no page image (its page size could not be read: pdfium cannot open an
    OFD) and its 打开原文 link went to the PDF view, a 404."""
    path = tmp_path / "jt01.scan.ofd"
    path.write_bytes(scanned_ofd([_scan_page(3)]))
    cat, _ = store.ingest(path)
    frag, image, rect = _snippet(client, cat, "1.3")
    assert image[1] == "1" and float(image[2]) == pytest.approx(595.3, abs=0.1)
    assert '<pre class="region-text">' in frag and "执法人员全部取得交通运输行政执法证" in frag
    inside, margin = _region_inked(client, cat, image, rect)
    assert inside > 200 and margin == 0, (inside, margin)
    view = re.search(r'viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"', frag)
    assert view and float(view[4]) < float(image[3]), "cut to the region, not the whole page"
    link = f"/catalogues/{cat}/document/pages/1?at=1.3"
    assert f'href="{link}"' in frag and "document/pdf" not in frag
    page = client.get(link)
    assert page.status_code == 200 and f'<image href="/catalogues/{cat}/pages/1"' in page.text
    assert page.text.count('<rect class="hl"') == 1 and "下载原始文件（jt01.scan.ofd）" in page.text
    r = client.get(f"/catalogues/{cat}/document/view?at=1.3", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == link
    assert client.get(f"/catalogues/{cat}/document/pages/2").status_code == 404
    assert client.get(f"/catalogues/{cat}/pages/2").status_code == 404


def test_a_text_ofd_page_is_drawn_with_the_region_marked(client, store, tmp_path):
    """A text OFD's indicator had no page image either: its page is now drawn from its glyphs and rules."""
    from zhibiao.extract import ofd

    data = pdf_to_ofd(JT01_PDF)
    image = ofd.render_page(data, 3, scale=1.0)
    width, height, _ = _gray_png(image.png)
    assert (width, height) == (image.pixel_width, image.pixel_height)
    assert ofd.page_size(data, 3) == (image.width, image.height) and abs(width - image.width) <= 1
    with pytest.raises(IndexError):
        ofd.render_page(data, 99)
    path = tmp_path / "jt01.ofd"
    path.write_bytes(data)
    cat, _ = store.ingest(path)
    frag, image_el, rect = _snippet(client, cat, "1.3")
    inside, margin = _region_inked(client, cat, image_el, rect)
    assert inside > 200 and margin == 0, (inside, margin)
    page = int(image_el[1])
    link = f"/catalogues/{cat}/document/pages/{page}?at=1.3"
    assert f'href="{link}"' in frag
    shown = client.get(link).text
    assert "按 OFD 原文的文字、表格线和图像绘制" in shown and '<rect class="hl"' in shown
    assert f'href="/catalogues/{cat}/document/pages/{page + 1}?at=1.3">下一页' in shown
    assert f'href="/catalogues/{cat}/document/pages/{page - 1}?at=1.3">上一页' in shown


def _open_link(frag: str) -> str:
    m = re.search(r'<a class="open-original" href="([^"]+)"', frag)
    assert m, frag[:800]
    return html.unescape(m[1])


@pytest.mark.parametrize("path,ident,name", [
    (CORPUS / "renderings" / "001_5886f06ed561739e.docx", "1.1.1", "陕西省三项制度工作指标体系.docx"),
    (FAMILIES / "fz01_fazhi_shifan" / "fz01_fazhi_shifan.xlsx", "1.1", "法治政府建设示范指标.xlsx"),
    (CORPUS / "renderings" / "003_fbbff5f31bb9ffc0.html", "1.1", "行政执法考评指标（网页）.html"),
    (SEED_2023, "1.5.16", "2023年考评指标体系.txt"),
    (DATA / "legacy" / "001_5886f06ed561739e.doc", "1.1.1", "三项制度指标（旧版）.doc"),
    (DATA / "legacy" / "000_1c204f1614fc8d36_rows.xls", "1.1.1", "考评指标（旧版）.xls"),
])
def test_open_original_shows_the_text_around_the_indicator_in_every_text_format(client, store, path, ident, name):
    """打开原文 for a DOCX, XLSX, HTML, TXT or converted legacy file: the notice's text with the indicator's
    paragraph, line or cell marked and its words highlighted (an XLSX or legacy file showed the text unmarked),
    and the original offered for download under its Chinese name."""
    cat, _ = store.ingest(path, filename=name)
    frag = client.get(f"/catalogues/{cat}/indicators/{ident}/source").text
    link = _open_link(frag)
    assert link.startswith(f"/catalogues/{cat}/document/view?at={ident}")
    view = client.get(link)
    assert view.status_code == 200
    assert view.text.count('id="src-current"') == 1
    current = view.text[view.text.index('id="src-current"'):]
    assert "<mark>" in current[:current.index("</p>")], "the indicator's words marked where it was read"
    assert f"下载原始文件（{html.escape(name)}）" in view.text
    got = client.get(f"/catalogues/{cat}/document")
    assert got.status_code == 200 and got.content == path.read_bytes()
    assert got.headers["content-disposition"].startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in got.headers["content-disposition"]


@pytest.mark.parametrize("kind", ["pdf", "png"])
def test_open_original_of_a_page_format(client, store, tmp_path, kind):
    """A PDF opens in the browser at the indicator's page; a scanned image (its 打开原文 went to the PDF view,
    a 404) opens as its page drawn with the region marked."""
    path = PDF_2023
    if kind == "png":
        path = tmp_path / "jt01_p3.png"
        path.write_bytes(_scan_page(3))
    cat, _ = store.ingest(path)
    ident = "1.1.1" if kind == "pdf" else "1.3"
    link = _open_link(client.get(f"/catalogues/{cat}/indicators/{ident}/source").text)
    if kind == "pdf":
        assert re.fullmatch(rf"/catalogues/{cat}/document/pdf#page=\d+", link)
        assert client.get(link.split("#")[0]).headers["content-type"] == "application/pdf"
    else:
        assert re.fullmatch(rf"/catalogues/{cat}/document/pages/\d+\?at=1\.3", link)
        page = client.get(link)
        assert page.status_code == 200 and '<rect class="hl"' in page.text


def _replace_stored_bytes(store, cat: int, data: bytes) -> None:
    from sqlalchemy import select, update

    from zhibiao.store import catalogues, documents

    with store.engine.begin() as conn:
        doc_id = conn.execute(select(catalogues.c.document_id).where(catalogues.c.id == cat)).scalar()
        conn.execute(update(documents).where(documents.c.id == doc_id).values(data=data))


@pytest.mark.parametrize("path", [CORPUS / "renderings" / "001_5886f06ed561739e.docx", PDF_2023])
def test_a_missing_or_replaced_original_is_a_clear_refusal(client, store, monkeypatch, path):
    """A stored notice whose bytes are gone or replaced (not the file the catalogue was read from) and one not
    stored at all: every route to the original says so in Chinese with 410 or 404, never a 500; the indicator
    is still shown, its source replaced by the message."""
    from zhibiao.store import NotFound

    gone, _ = store.ingest(path)
    _replace_stored_bytes(store, gone, b"")
    empty_routes = [f"/catalogues/{gone}/document", f"/catalogues/{gone}/document/pdf",
                    f"/catalogues/{gone}/pages/1"]
    for url in empty_routes:
        r = client.get(url)
        assert r.status_code == 410 and "原始文件已被移除或更换" in r.text, (url, r.status_code)

    replaced, _ = store.ingest(SEED_2023)
    _replace_stored_bytes(store, replaced, b"another file altogether")
    routes = [f"/catalogues/{replaced}/document/view?at=1.1", f"/catalogues/{replaced}/document/pages/1",
              f"/catalogues/{replaced}/indicators/1.1/source"]
    for url in routes:
        r = client.get(url)
        assert r.status_code == 410 and "原始文件已被移除或更换" in r.text and "Traceback" not in r.text, url
    for url in [f"/catalogues/{replaced}/indicators/1.1", f"/catalogues/{replaced}/review?at=1.1"]:
        page = client.get(url)
        assert page.status_code == 200 and "原始文件已被移除或更换" in page.text, url
    api = client.get(f"/api/catalogues/{replaced}/indicators/1.1/source")
    assert api.status_code == 410 and api.json()["code"] == "document_gone"

    def no_document(cat_id: int):
        raise NotFound(None, f"catalogue {cat_id}", catalogue=cat_id)

    missing, _ = store.ingest(CORPUS / "renderings" / "003_fbbff5f31bb9ffc0.html")
    monkeypatch.setattr(store, "document", no_document)
    for url in [f"/catalogues/{missing}/document", f"/catalogues/{missing}/document/view?at=1.1",
                f"/catalogues/{missing}/document/pages/1", f"/catalogues/{missing}/pages/1",
                f"/catalogues/{missing}/indicators/1.1/source"]:
        r = client.get(url)
        assert r.status_code == 404 and "没有找到该目录的原始文件" in r.text, (url, r.status_code)
    assert "没有找到该目录的原始文件" in client.get(f"/catalogues/{missing}/indicators/1.1/panel").text
