"""OFD notices (extract/ofd.py): renderings of corpus rubrics as OFD give their goldens; the package structure
(templates, layers, CTM, DeltaX with `g`, fonts, paths) is read as GB/T 33190 says; bad packages are refused.

The OFD renderings are written here by tests/ofd_writer.py from the corpus PDFs (every glyph at its baseline and
advance, every ruling line and box, as pdfplumber reads them), so that an OFD prints what its PDF prints: a
perfect reader gives the PDF's golden, field by field. Which PDFs: the seeds 004 (regulations, then a ruled
table across pages with footer rows) and 001 (18 pages, merged cells across pages), 001 borderless (no ruling
lines at all), and the family pf01 (a narrative-numbered rubric, no table).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from ofd_writer import OfdPage, deltas, pdf_to_ofd, write_ofd

from zhibiao import extract
from zhibiao.cli import main
from zhibiao.pipeline import ingest

from conftest import FAMILIES, GOLDEN, GOLDEN_FAMILIES, RENDERINGS
from golden_compare import catalogue_view, compare, load_golden

CASES = {
    "004_46f67c8260b90ac6": (RENDERINGS / "004_46f67c8260b90ac6.pdf", GOLDEN / "004_46f67c8260b90ac6.json"),
    "001_5886f06ed561739e": (RENDERINGS / "001_5886f06ed561739e.pdf", GOLDEN / "001_5886f06ed561739e.json"),
    "001_5886f06ed561739e_borderless": (RENDERINGS / "001_5886f06ed561739e_borderless.pdf",
                                        GOLDEN / "001_5886f06ed561739e.json"),
    "pf01_bawu_pufa": (FAMILIES / "pf01_bawu_pufa" / "pf01_bawu_pufa.pdf", GOLDEN_FAMILIES / "pf01_bawu_pufa.json"),
}


@pytest.fixture(scope="module")
def ofd_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ofd")
    out = {}
    for name, (pdf, _) in CASES.items():
        out[name] = folder / f"{name}.ofd"
        out[name].write_bytes(pdf_to_ofd(pdf))
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_ofd_rendering_equals_golden(name, ofd_files):
    pdf, golden_path = CASES[name]
    cat = ingest(ofd_files[name])
    problems = compare(load_golden(golden_path), catalogue_view(cat), findings=False)
    assert not problems, f"{name}.ofd differs from the golden:\n" + "\n".join(problems[:40])
    assert cat.document.format == "ofd" and cat.document.conversion is None
    assert not [f for f in cat.all_findings() if f.severity == "error"]


@pytest.mark.parametrize("name", ["004_46f67c8260b90ac6", "pf01_bawu_pufa"])
def test_ofd_layout_is_the_pdfs(name, ofd_files):
    """The same paragraphs and cells as the PDF, on the same pages, their boxes a fraction of the type size apart."""
    a = extract.read(CASES[name][0])
    b = extract.read(ofd_files[name])
    assert b.format == "ofd" and b.pages == a.pages
    assert [blk.kind for blk in b.blocks] == [blk.kind for blk in a.blocks]
    for x, y in zip(a.blocks, b.blocks):
        if x.kind == "paragraph":
            assert y.text == x.text
            pairs = [(x.source, y.source)]
        else:
            assert [(c.row, c.col, c.row_span, c.col_span, c.text) for c in y.cells] == \
                   [(c.row, c.col, c.row_span, c.col_span, c.text) for c in x.cells]
            pairs = [(c.source, d.source) for c, d in zip(x.cells, y.cells)]
        for sa, sb in pairs:
            assert sb.pages == sa.pages
            # glyph boxes: OFD's em box (0.88 above the baseline, 0.12 below) against pdfminer's here (1.0 above):
            # 0.12 of the type size apart vertically (3.1 pt at 26 pt); horizontally the same but for the width
            # a narrow glyph ending a line is given (0.5 em against its own 0.3-0.6 em: 2 pt at 10.5 pt)
            for ra, rb in zip(sa.regions, sb.regions):
                assert rb.page == ra.page
                assert all(abs(u - v) <= 2.5 for u, v in zip(ra.bbox[::2], rb.bbox[::2])), (ra, rb)
                assert all(abs(u - v) <= 3.5 for u, v in zip(ra.bbox[1::2], rb.bbox[1::2])), (ra, rb)


def test_source_text_of_an_ofd_region(ofd_files):
    path = ofd_files["004_46f67c8260b90ac6"]
    cat = ingest(path)
    leaf = next(i for i in cat.walk() if not i.children and i.source and i.source.regions)
    parts = extract.source_text(leaf.source, path.read_bytes())
    assert parts and parts[0].kind == "region" and parts[0].page == leaf.source.regions[0].page
    assert leaf.text.split("\n")[0][:8] in "".join(p.text for p in parts).replace("\n", "")


def test_info_says_how_an_ofd_is_read(ofd_files, capsys):
    assert main(["info", str(ofd_files["004_46f67c8260b90ac6"])]) == 0
    out = capsys.readouterr().out
    assert "read:       OFD text and path objects" in out
    assert "title:" in out and "考核" in out


# --- the package structure --------------------------------------------------------------------


def _one_page(**kw) -> bytes:
    page = OfdPage()
    page.text(20, 30, "考核评分表（100分）", size=5.0, font="SimHei")
    page.grid(20, 40, [30, 60, 20], [10, 10, 10])
    for r, (a, b, c) in enumerate([("序号", "考核内容", "分值"), ("一", "制度建设（40分）", "40"),
                                   ("二", "执法监督（60分）", "60")]):
        y = 40 + 10 * r + 7
        page.text(22, y, a, size=3.7)
        page.text(52, y, b, size=3.7)
        page.text(112, y, c, size=3.7, advances=[1.9] * (len(c) - 1))
    return write_ofd([page], **kw)


def test_a_ruled_table_drawn_by_path_objects_is_a_table(tmp_path):
    path = tmp_path / "t.ofd"
    path.write_bytes(_one_page())
    layout = extract.read(path)
    tables = [b for b in layout.blocks if b.kind == "table"]
    assert len(tables) == 1 and tables[0].spans_known
    cells = {(c.row, c.col): c.text for c in tables[0].cells}
    assert cells[(1, 1)] == "制度建设（40分）" and cells[(2, 2)] == "60" and cells[(0, 0)] == "序号"
    assert tables[0].cells[0].source.regions[0].page == 1
    # the grid's first column is 20-50 mm: 56.7-141.7 pt
    box = next(c for c in tables[0].cells if (c.row, c.col) == (0, 0)).source.regions[0].bbox
    assert abs(box[0] - 20 * 72 / 25.4) < 0.5 and abs(box[2] - 50 * 72 / 25.4) < 0.5


def test_ctm_scales_the_objects_and_g_repeats_advances(tmp_path):
    """Every other text object is written in a space scaled 2× (CTM 2 0 0 2 0 0): the same layout as none."""
    a, b = tmp_path / "plain.ofd", tmp_path / "ctm.ofd"
    a.write_bytes(_one_page(scaled_every=0))
    b.write_bytes(_one_page(scaled_every=2))
    assert b"CTM=" not in zipfile.ZipFile(a).read("Doc_0/Pages/Page_0/Content.xml")
    assert b'CTM="2 0 0 2 0 0"' in zipfile.ZipFile(b).read("Doc_0/Pages/Page_0/Content.xml")
    la, lb = extract.read(a), extract.read(b)

    def view(layout):
        return [(blk.kind, getattr(blk, "text", None), [(c.row, c.col, c.text) for c in getattr(blk, "cells", [])])
                for blk in layout.blocks]

    def boxes(layout):
        return [r.bbox for blk in layout.blocks for src in [blk.source, *(c.source for c in getattr(blk, "cells", []))]
                for r in src.regions]

    assert view(lb) == view(la) and len(view(la)) == 2
    assert all(abs(u - v) < 0.01 for x, y in zip(boxes(la), boxes(lb)) for u, v in zip(x, y))
    assert deltas([3.7] * 5 + [1.9, 2.0]) == "g 5 3.7 1.9 2"


def _content(ofd_text: str, *, fonts: str = '<ofd:Font ID="1" FontName="SimSun"/>', template: str | None = None
             ) -> bytes:
    """A one-page OFD whose page content is ``ofd_text`` (inside a body layer)."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    members = {
        "OFD.xml": f'<ofd:OFD {ns}><ofd:DocBody><ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<ofd:Document {ns}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
                              '</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
                              + ('<ofd:TemplatePage ID="9" BaseLoc="Tpl.xml"/>' if template else "")
                              + '</ofd:CommonData><ofd:Pages><ofd:Page ID="2" BaseLoc="Pages/Page_0/Content.xml"/>'
                              "</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": f"<ofd:Res {ns}><ofd:Fonts>{fonts}</ofd:Fonts></ofd:Res>",
        "Doc_0/Pages/Page_0/Content.xml": f'<ofd:Page {ns}>' + ('<ofd:Template TemplateID="9"/>' if template else "")
                                          + f'<ofd:Content><ofd:Layer ID="3">{ofd_text}</ofd:Layer></ofd:Content>'
                                          "</ofd:Page>",
    }
    if template:
        members["Doc_0/Tpl.xml"] = (f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="8">{template}</ofd:Layer>'
                                    "</ofd:Content></ofd:Page>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _chars(data: bytes) -> list[dict]:
    from zhibiao.extract.ofd import _open

    return _open(data).page(1).chars


def test_textcode_positions_deltas_and_continuation(tmp_path):
    """X/Y in the object's space from its Boundary; DeltaX with g; a TextCode without X/Y goes on; bold fonts."""
    data = _content('<ofd:TextObject ID="5" Boundary="10 20 100 10" Font="1" Size="4">'
                    '<ofd:TextCode X="2" Y="5" DeltaX="g 2 4 2">一二三4</ofd:TextCode>'
                    '<ofd:TextCode DeltaX="2">56</ofd:TextCode></ofd:TextObject>',
                    fonts='<ofd:Font ID="1" FontName="SimSun" Bold="true"/>')
    chars = _chars(data)
    k = 72 / 25.4
    assert "".join(c["text"] for c in chars) == "一二三456"
    xs = [round(c["x0"] / k, 3) for c in chars]
    assert xs == [12.0, 16.0, 20.0, 22.0, 24.0, 26.0]  # 4 = narrow: 0.5 em wide, the next code goes on after it
    assert all(c["fontname"] == "SimSun-Bold" for c in chars)
    top, bottom = chars[0]["top"] / k, chars[0]["bottom"] / k
    assert abs(top - (25 - 0.88 * 4)) < 1e-3 and abs(bottom - (25 + 0.12 * 4)) < 1e-3
    assert abs(chars[0]["size"] / k - 4) < 1e-3


def test_template_and_nested_blocks_are_read_invisible_objects_and_images_are_not(tmp_path):
    data = _content('<ofd:PageBlock ID="6"><ofd:TextObject ID="5" Boundary="10 20 100 10" Font="1" Size="4">'
                    '<ofd:TextCode X="0" Y="5">正文</ofd:TextCode></ofd:TextObject></ofd:PageBlock>'
                    '<ofd:TextObject ID="7" Boundary="10 40 100 10" Font="1" Size="4" Visible="false">'
                    '<ofd:TextCode X="0" Y="5">隐藏</ofd:TextCode></ofd:TextObject>'
                    '<ofd:ImageObject ID="10" Boundary="0 0 10 10" ResourceID="11"/>',
                    template='<ofd:TextObject ID="12" Boundary="10 280 100 10" Font="1" Size="4">'
                             '<ofd:TextCode X="0" Y="5">模板页脚</ofd:TextCode></ofd:TextObject>')
    text = "".join(c["text"] for c in _chars(data))
    assert "正文" in text and "模板页脚" in text and "隐藏" not in text


def test_path_data_makes_lines_rects_and_curves(tmp_path):
    from zhibiao.extract.ofd import _open

    data = _content('<ofd:PathObject ID="5" Boundary="10 10 100 50"><ofd:AbbreviatedData>M 0 0 L 100 0'
                    '</ofd:AbbreviatedData></ofd:PathObject>'
                    '<ofd:PathObject ID="6" Boundary="10 20 100 50" Fill="true" Stroke="false"><ofd:AbbreviatedData>'
                    'M 0 0 L 50 0 L 50 20 L 0 20 C</ofd:AbbreviatedData></ofd:PathObject>'
                    '<ofd:PathObject ID="7" Boundary="10 60 100 50"><ofd:AbbreviatedData>M 0 0 B 10 10 20 10 30 0'
                    '</ofd:AbbreviatedData></ofd:PathObject>'
                    '<ofd:PathObject ID="8" Boundary="10 90 100 50" Stroke="false"><ofd:AbbreviatedData>M 0 0 L 9 0'
                    '</ofd:AbbreviatedData></ofd:PathObject>')
    edges = _open(data).page(1).edges
    k = 72 / 25.4
    kinds = sorted(e["object_type"] for e in edges)
    assert kinds.count("rect_edge") == 4 and kinds.count("line") == 1 and "curve_edge" in kinds
    line = next(e for e in edges if e["object_type"] == "line")
    assert abs(line["x0"] - 10 * k) < 1e-3 and abs(line["x1"] - 110 * k) < 1e-3 and abs(line["top"] - 10 * k) < 1e-3
    assert not any(abs(e["top"] - 90 * k) < 1e-3 for e in edges)  # neither stroked nor filled: drawn nowhere


# --- bad packages -------------------------------------------------------------------------------


def _refused(path, capsys, reason: str) -> str:
    out = path.parent / "out.json"
    assert main(["ingest", str(path), "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert path.name in err and reason in err, err
    assert "Traceback" not in err and not out.exists()
    return err


def test_broken_zip(tmp_path, capsys):
    data = _one_page()
    path = tmp_path / "broken.ofd"
    path.write_bytes(data[: len(data) // 2])
    _refused(path, capsys, "not a valid OFD package")


def test_missing_document_xml(tmp_path, capsys):
    path = tmp_path / "nodoc.ofd"
    path.write_bytes(_one_page(omit={"Doc_0/Document.xml"}))
    _refused(path, capsys, "the document root 'Doc_0/Document.xml' named in OFD.xml is missing")


def test_missing_page_content(tmp_path, capsys):
    path = tmp_path / "nopage.ofd"
    path.write_bytes(_one_page(omit={"Doc_0/Pages/Page_0/Content.xml"}))
    _refused(path, capsys, "page 1: its content (Content.xml) is missing")


def test_malformed_xml_and_numbers(tmp_path, capsys):
    path = tmp_path / "badxml.ofd"
    path.write_bytes(_content('<ofd:TextObject ID="5" Boundary="10 20 100" Font="1" Size="4">'
                              '<ofd:TextCode X="0" Y="5">字</ofd:TextCode></ofd:TextObject>'))
    _refused(path, capsys, "the Boundary of TextObject 5 has 3 numbers, not 4")
    path.write_bytes(_content('<ofd:TextObject ID="5" Boundary="10 20 100 10" Font="1" Size="4">'
                              '<ofd:TextCode X="0" Y="5" DeltaX="g x 4">字字</ofd:TextCode></ofd:TextObject>'))
    _refused(path, capsys, "a TextCode's DeltaX is not a list of advances")
    path.write_bytes(_content('<ofd:TextObject ID="5" Boundary="10 20 100 10">'))  # never closed
    _refused(path, capsys, "page 1 (Doc_0/Pages/Page_0/Content.xml) is not well-formed XML")


def test_page_count_over_the_limit(tmp_path, capsys, monkeypatch):
    from zhibiao.extract import bounds

    monkeypatch.setattr(bounds, "MAX_PAGES", 3)
    path = tmp_path / "pages.ofd"
    path.write_bytes(write_ofd([OfdPage() for _ in range(4)]))
    err = _refused(path, capsys, "more pages or package parts than the reading limit")
    assert "it declares 4 pages, more than 3" in err


def test_member_count_over_the_limit(tmp_path, capsys, monkeypatch):
    from zhibiao.extract import bounds

    monkeypatch.setattr(bounds, "MAX_ZIP_MEMBERS", 50)
    path = tmp_path / "members.ofd"
    path.write_bytes(_one_page(extra={f"Doc_0/Res/r{k}.xml": b"<a/>" for k in range(60)}))
    count = len(zipfile.ZipFile(path).namelist())
    assert count > 60
    _refused(path, capsys, f"its zip container holds {count} members, more than 50")


def test_decompressed_size_over_the_limit(tmp_path, capsys):
    """A page's Content.xml inflating 1000×: refused while it is counted, before any XML is parsed."""
    path = tmp_path / "bomb.ofd"
    path.write_bytes(_one_page(extra={"Doc_0/Res/pad.xml": b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>"}))
    assert path.stat().st_size < 200_000
    _refused(path, capsys, "decompresses beyond the decompressed-size limit")


def test_a_zip_that_is_not_an_ofd_named_ofd(tmp_path, capsys):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    path = tmp_path / "fake.ofd"
    path.write_bytes(buf.getvalue())
    _refused(path, capsys, "not a valid OFD package")


def test_a_page_whose_image_is_not_in_the_package_has_no_text(tmp_path, capsys):
    """A page's ImageObject names a resource the package does not hold: nothing to read, refused (images that
    are there are read by OCR: tests/test_ocr_ofd.py)."""
    path = tmp_path / "scan.ofd"
    path.write_bytes(_content('<ofd:ImageObject ID="10" Boundary="0 0 210 297" ResourceID="11"/>'))
    _refused(path, capsys, "OFD page(s) 1 carry no text")


def test_a_folder_batch_reads_ofd(ofd_files, tmp_path, capsys):
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ofd_files["pf01_bawu_pufa"], folder / "notice.ofd")
    assert main(["ingest", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1"]) == 0
    written = tmp_path / "out" / "notice_ofd.json"
    assert written.exists()
    golden = load_golden(GOLDEN_FAMILIES / "pf01_bawu_pufa.json")
    from zhibiao.cli import load_catalogue

    assert not compare(golden, catalogue_view(load_catalogue(written)), findings=False)
