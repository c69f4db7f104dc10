"""The two PDF engines (extract/pdf.py: pdfium, the default, and pdfplumber, the reference) read every
PDF of the corpus and the tests into the same layout and the same catalogue.

Same means: every block, cell and paragraph with the same text, rows, columns, spans and pages, every
finding, indicator, point and tree the same; only the boxes (regions) may differ, by at most
``TOLERANCE`` points (pdfium computes in single precision, and a space pdfium's text page leaves out is
put back at its advance). Files either engine refuses are refused by both with the same message.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from zhibiao import extract, pipeline
from zhibiao.errors import ZhibiaoError
from zhibiao.extract import pdf as pdf_reader

from conftest import BAD_INPUT, CORPUS, DATA, PDF_2023, run_cli

TOLERANCE = 1.0  # points: how far a box read by one engine may lie from the other's

PDFS = sorted([*CORPUS.rglob("*.pdf"), *(DATA / "pdf_reader").glob("*.pdf")])
BAD_PDFS = sorted(p for p in BAD_INPUT.glob("*.pdf") if extract.sniff(p.read_bytes()) == "pdf")


def _id(path: Path) -> str:
    return path.name


@functools.lru_cache(maxsize=2)
def _layout(path: Path, engine: str):
    previous = pdf_reader.SETTINGS.engine
    pdf_reader.set_engine(engine)
    try:
        return extract.read(path)
    finally:
        pdf_reader.set_engine(previous)


def _differences(a, b, where: str = "") -> list[str]:
    """Where two dumped models differ: numbers in a bbox by more than TOLERANCE, anything else at all."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{where}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in _differences(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        if where.endswith(".bbox"):
            return [f"{where}: {a} != {b}"] if any(abs(x - y) > TOLERANCE for x, y in zip(a, b)) else []
        return [d for n, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{where}[{n}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def test_the_default_engine_is_pdfium():
    assert pdf_reader.PdfSettings().engine == "pdfium" == pdf_reader.ENGINES[0]
    assert pdf_reader.SETTINGS.engine == "pdfium"


def test_pdf_list_covers_the_corpus():
    names = {p.name for p in PDFS}
    assert PDF_2023.name in names and "fake_bold.pdf" in names
    assert sum(1 for p in PDFS if "families" in p.parts) >= 16


@pytest.mark.parametrize("path", PDFS, ids=_id)
def test_engines_give_the_same_layout_and_catalogue(path, monkeypatch):
    reference, fast = _layout(path, "pdfplumber"), _layout(path, "pdfium")
    assert reference.blocks, "the reference engine reads nothing: the comparison would prove nothing"
    diffs = _differences(reference.model_dump(), fast.model_dump())
    assert not diffs, f"layout: {len(diffs)} differences, first: {diffs[:5]}"
    cats = {}
    for engine, layout in (("pdfplumber", reference), ("pdfium", fast)):
        monkeypatch.setattr(pipeline, "_read", lambda _path, _limit, layout=layout: layout)
        try:
            cats[engine] = pipeline.ingest(path).model_dump(mode="json")
        except ZhibiaoError as exc:  # a reader sample without a rubric: the same refusal from both
            cats[engine] = f"{type(exc).__name__}: {exc}"
    diffs = _differences(cats["pdfplumber"], cats["pdfium"])
    assert not diffs, f"catalogue: {len(diffs)} differences, first: {diffs[:5]}"


def _refusals(path) -> list[tuple[type, str]]:
    """How each engine refuses the file: the error class and its message."""
    refusals = []
    for engine in ("pdfplumber", "pdfium"):
        pdf_reader.set_engine(engine)
        try:
            with pytest.raises(ZhibiaoError) as info:
                extract.read(path)
        finally:
            pdf_reader.set_engine(None)
        refusals.append((type(info.value), str(info.value)))
    return refusals


@pytest.mark.parametrize("path", BAD_PDFS, ids=_id)
def test_engines_refuse_the_same_files_alike(path):
    refusals = _refusals(path)
    assert refusals[0] == refusals[1]


def test_broken_pdfs_are_refused_alike(tmp_path):
    from hostile import make

    for maker in (make.pdf_broken_xref, make.pdf_no_catalog):
        refusals = _refusals(maker(tmp_path / f"{maker.__name__}.pdf"))
        assert refusals[0] == refusals[1], maker.__name__


def test_cli_chooses_the_engine(capsys, monkeypatch):
    seen = []
    read_pdf = pdf_reader.read_pdf

    def spy(*args, **kwargs):
        seen.append(pdf_reader.SETTINGS.engine)
        return read_pdf(*args, **kwargs)

    monkeypatch.setattr(pdf_reader, "read_pdf", spy)
    outs = []
    for flag in (["--pdf-engine", "pdfplumber"], ["--pdf-engine", "pdfium"], []):
        code, out, _ = run_cli([*flag, "ingest", PDF_2023], capsys)
        assert code == 0
        outs.append(out)
    assert seen == ["pdfplumber", "pdfium", "pdfium"]  # the default again once no flag is given
    assert outs[0] == outs[1] == outs[2]
    code, _, err = run_cli(["--pdf-engine", "pdfminer", "ingest", PDF_2023], capsys)
    assert code == 64 and "pdfminer" in err


def test_text_in_region_is_the_same_with_both_engines():
    data = PDF_2023.read_bytes()
    layout = _layout(PDF_2023, "pdfplumber")
    cells = [c for b in layout.blocks if hasattr(b, "cells") for c in b.cells][:40]
    assert cells
    texts = {}
    for engine in ("pdfplumber", "pdfium"):
        pdf_reader.set_engine(engine)
        try:
            texts[engine] = [pdf_reader.text_in_region(data, c.page, c.source.regions[0].bbox) for c in cells]
        finally:
            pdf_reader.set_engine(None)
    assert texts["pdfplumber"] == texts["pdfium"] == [c.text for c in cells]
