"""Each indicator's source says where it is printed: PDF page and bbox, DOCX table/row/cell, HTML element, TXT lines."""

from __future__ import annotations

import pytest

from zhibiao.cli import main
from zhibiao.pipeline import ingest

from conftest import RENDERINGS, ROOT, indicator as _find


def test_pdf_source_has_page_and_bbox():
    cat = ingest(RENDERINGS / "001_5886f06ed561739e.pdf")
    item = _find(cat, "3.1.1.86")
    assert item.source.pages and item.source.regions
    region = item.source.regions[0]
    x0, top, x1, bottom = region.bbox
    assert 0 <= x0 < x1 <= 595.5 and 0 <= top < bottom <= 842.0, "A4 in PDF points"
    from zhibiao.extract.pdf import text_in_region

    text = "".join(text_in_region((RENDERINGS / "001_5886f06ed561739e.pdf").read_bytes(), region.page,
                                  region.bbox).split())
    assert "(86)" in text and "专职审核人员不少于本单" in text


def test_docx_and_html_sources_have_locators():
    docx = _find(ingest(RENDERINGS / "004_46f67c8260b90ac6.docx"), "2.3")
    assert docx.source.locator.startswith("table 1 row ") and " cell 2" in docx.source.locator
    html = _find(ingest(RENDERINGS / "003_fbbff5f31bb9ffc0.html"), "1.1.2.9")
    assert html.source.locator.startswith("/html/body") and "/td" in html.source.locator
    assert html.source.lines is not None


@pytest.mark.parametrize("name, ident, expect", [
    ("001_5886f06ed561739e.pdf", "3.1.1.86", "page "),
    ("004_46f67c8260b90ac6.docx", "2.3", "依法清理规范性、政策性文件"),
    ("003_fbbff5f31bb9ffc0.html", "1.1.2.9", "制定并公开随机抽查事项清单"),
])
def test_show_source_prints_the_snippet(tmp_path, capsys, name, ident, expect):
    out = tmp_path / "c.json"
    assert main(["ingest", str(RENDERINGS / name), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["show", str(out), "--source", ident, "--notice", str(RENDERINGS / name)]) == 0
    stdout = capsys.readouterr().out
    assert stdout.startswith(ident)
    assert "source: " + name in stdout
    assert expect in stdout


def test_show_source_finds_the_notice_beside_the_catalogue(tmp_path, capsys):
    import shutil

    notice = tmp_path / "000_1c204f1614fc8d36.txt"
    shutil.copy(ROOT / "corpus" / notice.name, notice)
    main(["ingest", str(notice), "-o", str(tmp_path / "c.json")])
    capsys.readouterr()
    assert main(["show", str(tmp_path / "c.json"), "--source", "9.1.8"]) == 0
    out = capsys.readouterr().out
    assert "000_1c204f1614fc8d36.txt:131" in out and "制定发布包容免罚清单" in out
    assert main(["show", str(tmp_path / "c.json"), "--source", "7.2"]) == 0
    assert "not printed" in capsys.readouterr().out
    assert main(["show", str(tmp_path / "c.json"), "--source", "99.9"]) == 64
    capsys.readouterr()
    assert main(["show", str(tmp_path / "c.json"), "--source", "1.1", "--notice", str(tmp_path / "gone.txt")]) == 3
    assert "gone.txt" in capsys.readouterr().err
    other = ROOT / "corpus" / "001_5886f06ed561739e.txt"
    assert main(["show", str(tmp_path / "c.json"), "--source", "1.1", "--notice", str(other)]) == 0
    assert "is not the file this catalogue was made from" in capsys.readouterr().out


def test_fake_bold_duplicate_glyphs_are_dropped():
    """Some producers print a glyph twice, offset by a fraction of a point, to fake bold: read it once."""
    from zhibiao.extract.pdf import _Chars

    def ch(text, x0, top):
        return {"text": text, "x0": x0, "x1": x0 + 10, "top": top, "bottom": top + 10, "size": 10}

    chars = [ch("一", 10, 10), ch("一", 10.4, 10.3), ch("、", 20, 10), ch("、", 20.5, 10), ch("一", 30, 10)]
    index = _Chars(chars)
    assert [c["text"] for c in index.all] == ["一", "、", "一"]
    assert [c["x0"] for c in index.within((0, 0, 100, 30))] == [10, 20, 30]
