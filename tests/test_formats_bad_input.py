"""Bad PDF/DOCX/legacy input: one real sample file per symptom (tests/data/bad_input), a clear message, exit 3,
nothing written."""

from __future__ import annotations

import pytest

from zhibiao.cli import main
from zhibiao.pipeline import info

from conftest import BAD_INPUT, CORPUS


@pytest.mark.parametrize("name, reason", [
    ("encrypted.pdf", "PDF is encrypted or password-protected"),
    ("image_only.pdf", "no text layer, and OCR cannot read its pages: page(s) 1-2 are images of 40 dpi, too coarse"),
    ("truncated.pdf", "damaged or truncated"),
    ("truncated.docx", "damaged or truncated"),
])
def test_refused_with_reason(tmp_path, capsys, name, reason):
    out = tmp_path / "out.json"
    assert main(["ingest", str(BAD_INPUT / name), "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert name in err and reason in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, real", [("pdf_named.txt", "pdf"), ("docx_named.pdf", "docx")])
def test_extension_that_lies_is_read_by_content(name, real):
    """A PDF saved as .txt (or a DOCX as .pdf) is read as what its bytes are, and the mismatch is noted."""
    from zhibiao import extract

    layout = extract.read(BAD_INPUT / name)
    assert layout.format == real
    assert any("extension says" in w for w in layout.warnings)
    assert info(BAD_INPUT / name).title == "关于开展行政执法质量考评工作的通知"


def test_extension_mismatch_reaches_the_catalogue(tmp_path):
    import shutil

    from zhibiao.pipeline import ingest

    fake = tmp_path / "notice.pdf"
    shutil.copy(CORPUS / "renderings" / "004_46f67c8260b90ac6.docx", fake)
    cat = ingest(fake)
    assert [f.code for f in cat.findings] == ["input_warning"]
    assert "extension says PDF but the content is DOCX" in cat.findings[0].message


def test_oversize_file_is_refused_before_parsing(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ZHIBIAO_MAX_BYTES", raising=False)
    pdf = CORPUS / "renderings" / "004_46f67c8260b90ac6.pdf"
    out = tmp_path / "out.json"
    code = main(["--max-bytes", "1000", "ingest", str(pdf), "-o", str(out)])
    assert code == 3
    err = capsys.readouterr().err
    assert "larger than the size limit" in err and "limit 1,000" in err
    assert not out.exists()
    monkeypatch.setenv("ZHIBIAO_MAX_BYTES", "1000")
    assert main(["info", str(pdf)]) == 3
    monkeypatch.delenv("ZHIBIAO_MAX_BYTES")
    assert main(["info", str(pdf)]) == 0
