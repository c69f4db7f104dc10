"""Every rendering of a rubric (TXT, DOCX, PDF, HTML) gives the same catalogue; only `source` differs.

What a format cannot carry, said explicitly:
- 000: the scrambled column order and the annual block printed twice exist only in the text seed
  (the renderings are laid out as Word users build the table). The labels of 7.2 and 7.3 are not
  printed in any rendering either — nobody knows their wording — so they stay `label_missing`.
- 001: the page-header repeats of the text seed become a repeated header row (DOCX/PDF).
- 003: only the web page (HTML) re-renders it; the text seed is the same page as text.
- Findings differ by format (a text seed reports its dropped duplicates, a PDF does not have any),
  so findings are not compared here; the tree and every indicator field are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_golden import _catalogue_view, compare
from zhibiao.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RENDERINGS = CORPUS / "renderings"
GOLDEN = ROOT / "golden"

FILES = {
    "000_1c204f1614fc8d36": ["000_1c204f1614fc8d36.docx", "000_1c204f1614fc8d36.pdf"],
    "001_5886f06ed561739e": ["001_5886f06ed561739e.docx", "001_5886f06ed561739e.pdf",
                             "001_5886f06ed561739e_borderless.docx", "001_5886f06ed561739e_borderless.pdf"],
    "003_fbbff5f31bb9ffc0": ["003_fbbff5f31bb9ffc0.html"],
    "004_46f67c8260b90ac6": ["004_46f67c8260b90ac6.docx", "004_46f67c8260b90ac6.pdf"],
}
CASES = [(cid, name) for cid, names in FILES.items() for name in names]


@pytest.fixture(scope="module")
def text_views():
    return {cid: _catalogue_view(ingest(CORPUS / f"{cid}.txt")) for cid in FILES}


def test_every_rendering_is_listed():
    on_disk = sorted(p.name for p in RENDERINGS.iterdir() if p.suffix in {".pdf", ".docx", ".html"})
    assert on_disk == sorted(name for _, name in CASES)


@pytest.mark.parametrize("corpus_id, name", CASES)
def test_rendering_equals_golden_and_text_seed(corpus_id, name, text_views):
    cat = ingest(RENDERINGS / name)
    view = _catalogue_view(cat)
    golden = json.loads((GOLDEN / f"{corpus_id}.json").read_text(encoding="utf-8"))
    problems = compare(golden, view)
    assert not problems, f"{name} differs from the golden:\n" + "\n".join(problems[:40])
    txt = text_views[corpus_id]
    assert view["rubrics"] == txt["rubrics"]  # the view leaves out source and findings
    assert view["regulations"] == txt["regulations"]
    assert cat.document.format == Path(name).suffix[1:]
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    assert not errors, errors[:3]
