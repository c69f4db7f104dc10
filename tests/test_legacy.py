"""Legacy office files (.doc, .wps, .xls, .et, .rtf; extract/legacy.py): converted by LibreOffice headless, then read
by the DOCX/XLSX readers; every leaf of the rendering's golden exact; the conversion recorded; LibreOffice run in a
private profile and folder, time-limited, its process group killed; a missing LibreOffice says what to install.

The files in tests/data/legacy/ were made by LibreOffice from the committed renderings (its README says how); the
.wps and .et files are the .doc and .xls under the WPS names, as WPS Office saves them in compatible mode.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest
from ofd_writer import pdf_to_ofd

from zhibiao import extract
from zhibiao.cli import main
from zhibiao.pipeline import ingest

from conftest import BAD_INPUT, DATA, GOLDEN, RENDERINGS, csrf_token
from golden_compare import catalogue_view, compare, load_golden

LEGACY = DATA / "legacy"
CASES = {  # file -> (golden, the format the catalogue says, what it was converted to)
    "001_5886f06ed561739e.doc": ("001_5886f06ed561739e", "doc", "docx"),
    "001_5886f06ed561739e.wps": ("001_5886f06ed561739e", "wps", "docx"),
    "004_46f67c8260b90ac6.rtf": ("004_46f67c8260b90ac6", "rtf", "docx"),
    "000_1c204f1614fc8d36_rows.xls": ("000_1c204f1614fc8d36", "xls", "xlsx"),
    "000_1c204f1614fc8d36_rows.et": ("000_1c204f1614fc8d36", "et", "xlsx"),
}
NO_NOTICE = (".xls", ".et")  # the workbook holds the rubric alone (as its XLSX: tests/test_renderings.py)



@pytest.fixture
def soffice():
    """LibreOffice, which these tests need: they fail (never skip) where it is missing, saying what to install."""
    found = shutil.which("soffice")
    if found is None:
        pytest.fail("LibreOffice is not installed: apt install libreoffice-writer-nogui libreoffice-calc-nogui"
                    " (scripts/system.sh installs it)")
    return found


def test_every_legacy_file_is_listed():
    assert sorted(p.name for p in LEGACY.iterdir() if p.name != "README.md") == sorted(CASES)


def test_formats_are_sniffed_by_their_bytes():
    assert extract.sniff((LEGACY / "001_5886f06ed561739e.doc").read_bytes()) == "ole"
    assert extract.sniff((LEGACY / "000_1c204f1614fc8d36_rows.et").read_bytes()) == "ole-xls"
    assert extract.sniff((LEGACY / "004_46f67c8260b90ac6.rtf").read_bytes()) == "rtf"
    assert extract.sniff(b"\xef\xbb\xbf {\\rtf1\\ansi hello}") == "rtf"
    assert extract.sniff(b"plain {\\rtf1 text") == "txt"


@pytest.mark.usefixtures("soffice")
@pytest.mark.parametrize("name", list(CASES))
def test_legacy_file_equals_golden(name, capsys):
    cid, fmt, target = CASES[name]
    cat = ingest(LEGACY / name)
    view = catalogue_view(cat)
    golden = load_golden(GOLDEN / f"{cid}.json")
    if name.endswith(NO_NOTICE):
        assert cat.document.doc_number is None and cat.document.issuer is None
        view["document"] = golden["document"]
    problems = compare(golden, view, findings=False)
    assert not problems, f"{name} differs from the golden:\n" + "\n".join(problems[:40])
    assert not [f for f in cat.all_findings() if f.severity == "error"]
    assert cat.document.format == fmt
    conv = cat.document.conversion
    assert conv is not None and (conv.source_format, conv.target_format) == (fmt, target)
    assert conv.tool.startswith("LibreOffice 7") or conv.tool.startswith("LibreOffice ")
    assert not [f for f in cat.findings if "extension says" in f.message]
    made_from = ingest(RENDERINGS / f"{Path(name).stem}.{target}").rubrics[0]  # the rendering it was made from
    assert (cat.rubrics[0].rows_placed, cat.rubrics[0].rows_total) == (made_from.rows_placed, made_from.rows_total)


@pytest.mark.usefixtures("soffice")
def test_narrative_legacy_files_are_read(capsys):
    """The bad-input samples that used to be refused: a one-paragraph notice, no rubric (exit 2), info reads it."""
    for name, fmt in (("legacy.doc", "doc"), ("legacy.wps", "wps")):
        assert main(["ingest", str(BAD_INPUT / name)]) == 2
        assert "no rubric" in capsys.readouterr().err
        assert main(["info", str(BAD_INPUT / name)]) == 0
        out = capsys.readouterr().out
        assert f"read:       converted from .{fmt} to DOCX by LibreOffice" in out
        assert "title:      关于开展行政执法质量考评工作的通知" in out


@pytest.mark.usefixtures("soffice")
def test_a_legacy_file_under_another_name_is_read_by_its_bytes(tmp_path):
    """A .doc named .txt: converted as what it is, the mismatch noted."""
    path = tmp_path / "notice.txt"
    shutil.copy(BAD_INPUT / "legacy.doc", path)
    layout = extract.read(path)
    assert layout.format == "doc" and layout.conversion is not None
    assert any("extension says TXT but the content is DOC" in w for w in layout.warnings)


@pytest.mark.usefixtures("soffice")
def test_source_text_of_a_converted_file_converts_it_again():
    path = LEGACY / "004_46f67c8260b90ac6.rtf"
    cat = ingest(path)
    leaf = next(i for i in cat.walk() if not i.children and i.source and i.source.locator)
    parts = extract.source_text(leaf.source, path.read_bytes())
    assert parts and parts[0].kind == "element" and parts[0].locator == leaf.source.locator
    assert leaf.text.split("\n")[0][:10] in parts[0].text


def _fake_soffice(tmp_path, body: str):
    """A stand-in for soffice: a shell script that records its arguments and runs body."""
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'args'}\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_missing_libreoffice_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_SOFFICE", str(tmp_path / "no-such-soffice"))
    out = tmp_path / "out.json"
    assert main(["ingest", str(LEGACY / "004_46f67c8260b90ac6.rtf"), "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert "004_46f67c8260b90ac6.rtf" in err
    assert "apt install libreoffice-writer-nogui libreoffice-calc-nogui" in err
    assert "Traceback" not in err and not out.exists()


def test_conversion_runs_in_a_private_profile_and_folder_removed_afterwards(tmp_path, capsys, monkeypatch):
    fake = _fake_soffice(tmp_path, "exit 0")  # converts nothing
    monkeypatch.setenv("ZHIBIAO_SOFFICE", str(fake))
    assert main(["ingest", str(LEGACY / "000_1c204f1614fc8d36_rows.et")]) == 3
    err = capsys.readouterr().err
    assert "000_1c204f1614fc8d36_rows.et: LibreOffice could not convert this legacy file: no XLSX came out" in err
    args = (tmp_path / "args").read_text().split()
    profile = next(a for a in args if a.startswith("-env:UserInstallation=file:///"))
    folder = profile.removeprefix("-env:UserInstallation=file://").rsplit("/", 1)[0]
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "xlsx"
    assert args[-1] == f"{folder}/notice.xls"  # the bytes under the name of what they are (OLE2 workbook)
    assert os.path.basename(folder).startswith("zhibiao-soffice-") and not os.path.exists(folder)


def test_conversion_that_hangs_is_killed_with_its_children(tmp_path, capsys, monkeypatch):
    fake = _fake_soffice(tmp_path, f"sleep 60 &\necho $! > {tmp_path / 'child'}\nsleep 60")
    monkeypatch.setenv("ZHIBIAO_SOFFICE", str(fake))
    monkeypatch.setenv("ZHIBIAO_CONVERT_TIMEOUT", "1.5")
    start = time.monotonic()
    assert main(["ingest", str(LEGACY / "004_46f67c8260b90ac6.rtf")]) == 3
    assert time.monotonic() - start < 30
    err = capsys.readouterr().err
    assert "LibreOffice did not finish within 1.5 s" in err
    child = int((tmp_path / "child").read_text())
    for _ in range(50):  # the killed child is reaped by init: gone, or a zombie for a moment
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as f:
            if f.read().split(") ", 1)[1].startswith("Z"):
                break
        time.sleep(0.1)
    else:
        pytest.fail("the converter's child process outlived the timeout")


@pytest.mark.usefixtures("soffice")
def test_review_app_accepts_legacy_and_ofd_uploads(client):
    token = csrf_token(client)
    r = client.post("/reviewer", data={"name": "张三", "next": "/", "csrf_token": token})
    assert r.status_code == 200
    files = [("notice.rtf", (LEGACY / "004_46f67c8260b90ac6.rtf").read_bytes()),
             ("notice.ofd", pdf_to_ofd(RENDERINGS / "004_46f67c8260b90ac6.pdf"))]
    for name, data in files:
        r = client.post("/upload", data={"csrf_token": csrf_token(client)}, files={"file": (name, data)})
        assert r.status_code == 200, r.text[:500]
        assert "/catalogues/" in str(r.url)
    listed = client.get("/api/catalogues").json()
    assert len(listed) == 2
    pages = [client.get(f"/catalogues/{c['id']}").text for c in listed]
    assert any("RTF，经 LibreOffice 转换后读取" in t for t in pages) and any("OFD 版式文件" in t for t in pages)
    home = client.get("/").text
    assert ".ofd" in home and ".doc" in home and "OFD 版式文件" in home
