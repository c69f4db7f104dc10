"""Bad input gets a clear message naming the file and the reason, a distinct exit code, nothing written."""

from __future__ import annotations

import pytest

from zhibiao.cli import main
from zhibiao.pipeline import ingest

from conftest import BAD_INPUT, DATA, RECOVERY, ROOT


@pytest.mark.parametrize("name, code, reason", [
    ("empty.txt", 3, "file is empty"),
    ("binary.bin", 3, "binary data"),
    ("does-not-exist.txt", 3, "not found"),
])
def test_unreadable_input(tmp_path, capsys, name, code, reason):
    out = tmp_path / "out.json"
    assert main(["ingest", str(BAD_INPUT / name), "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert name in err and reason in err
    assert "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_directory_is_not_a_notice_for_info(capsys):
    assert main(["info", str(DATA)]) == 3
    assert "not found or not readable" in capsys.readouterr().err


def test_gbk_notice_is_decoded():
    """A notice saved in GBK (as many county offices still do) reads like UTF-8."""
    raw = (DATA / "gbk_notice.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    cat = ingest(DATA / "gbk_notice.txt")
    assert cat.document.doc_number == "某司通〔2024〕7号"
    rubric = cat.rubrics[0]
    assert rubric.level_names == ["考核项目", "考核内容"]
    items = {i.id: i for i in rubric.walk()}
    assert items["1.2"].deduction.cap == items["1.2"].points
    assert str(items["1.1"].points) == "0.5" and "points_from_deduction" in items["1.1"].flags
    assert not [f for f in rubric.findings if f.severity == "error"]


def test_gb18030_seed_equals_utf8_seed(tmp_path):
    seed = ROOT / "corpus" / "001_5886f06ed561739e.txt"
    other = tmp_path / seed.name
    other.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))
    a, b = ingest(seed), ingest(other)
    assert a.rubrics == b.rubrics
    assert a.document.doc_number == b.document.doc_number


def test_legacy_word_file_that_cannot_be_converted_is_refused(tmp_path, capsys):
    """An OLE2 header and nothing else: LibreOffice gets it (extract/legacy.py) and cannot load it."""
    doc = tmp_path / "notice.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert main(["ingest", str(doc)]) == 3
    err = capsys.readouterr().err
    assert "notice.doc: LibreOffice could not convert this legacy file: no DOCX came out" in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == [doc]


def test_unreconciled_sums_still_write_the_catalogue(tmp_path, capsys):
    """A rubric whose points do not add up is written, and the findings name the indicator and line."""
    out = tmp_path / "c.json"
    assert main(["ingest", str(RECOVERY / "sum_mismatch.txt"), "-o", str(out)]) == 1
    stdout = capsys.readouterr().out
    assert out.exists()
    assert "1.1 has 3 points but its children add up to 2.5 (sum_mismatch.txt:4)" in stdout
    assert main(["check", str(out)]) == 1
