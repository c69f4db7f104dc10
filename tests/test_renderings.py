"""Every rendering of a rubric (TXT, DOCX, PDF, HTML) gives the same catalogue; only `source` differs.

What a format cannot carry, said explicitly:
- 000: the scrambled column order and the annual block printed twice exist only in the text seed
  (the renderings are laid out as Word users build the table). The labels of 7.2 and 7.3 are not
  printed in any rendering either — nobody knows their wording — so they stay `label_missing`.
- 001: the page-header repeats of the text seed become a repeated header row (DOCX/PDF).
- 003: only the web page (HTML) re-renders it; the text seed is the same page as text.
- 000 in one row per item (`_rows`): the 二级 cell is merged over its items, and the unprinted
  labels of 7.2 and 7.3 are empty merged cells — one placeholder per merged cell.
- 000 as XLSX (`_rows.xlsx`): the workbook holds the rubric only, not the notice around it, so its
  document block (文号, issuer, date, cites) is empty; the rubric is compared whole.
- 000 borderless (`_borderless.pdf`): without ruling lines, labels or any blank space between them,
  nothing shows where the unprinted 7.2 ends and the unprinted 7.3 begins (their items run on in one
  column): the reader gives one placeholder 7.2 over items 148–160 (6 points), and the rest of the
  rubric is compared whole.
- Findings differ by format (a text seed reports its dropped duplicates, a PDF does not have any),
  so findings are not compared here (`compare(..., findings=False)`); the tree and every indicator field are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhibiao.pipeline import ingest

from conftest import CORPUS, GOLDEN, RENDERINGS
from golden_compare import catalogue_view, compare, load_golden

FILES = {
    "000_1c204f1614fc8d36": ["000_1c204f1614fc8d36.docx", "000_1c204f1614fc8d36.pdf",
                             "000_1c204f1614fc8d36_rows.docx", "000_1c204f1614fc8d36_rows.pdf",
                             "000_1c204f1614fc8d36_rows.xlsx", "000_1c204f1614fc8d36_borderless.docx",
                             "000_1c204f1614fc8d36_borderless.pdf"],
    "001_5886f06ed561739e": ["001_5886f06ed561739e.docx", "001_5886f06ed561739e.pdf",
                             "001_5886f06ed561739e_borderless.docx", "001_5886f06ed561739e_borderless.pdf"],
    "003_fbbff5f31bb9ffc0": ["003_fbbff5f31bb9ffc0.html"],
    "004_46f67c8260b90ac6": ["004_46f67c8260b90ac6.docx", "004_46f67c8260b90ac6.pdf"],
}
CASES = [(cid, name) for cid, names in FILES.items() for name in names]


@pytest.fixture(scope="module")
def text_views():
    return {cid: catalogue_view(ingest(CORPUS / f"{cid}.txt")) for cid in FILES}


NO_NOTICE = {"000_1c204f1614fc8d36_rows.xlsx"}  # the workbook holds the rubric alone
MERGED_7_2_7_3 = {"000_1c204f1614fc8d36_borderless.pdf"}  # nothing shows where 7.2 ends


def _merge_7_2_and_7_3(view: dict) -> dict:
    """The golden as a reader can see it where the boundary of the unprinted 7.2 and 7.3 is invisible:
    one placeholder 7.2 over items 148–160 with their 6 points."""
    out = json.loads(json.dumps(view))
    inds = out["rubrics"][0]["indicators"]
    merged = []
    for ind in inds:
        if ind["id"] == "7.3":
            continue
        if ind["id"] == "7.2":
            ind = dict(ind, points="6")
        if ind["id"].startswith("7.3."):
            ind = dict(ind, id="7.2." + ind["id"].split(".")[2])
        merged.append(ind)
    out["rubrics"][0]["indicators"] = merged
    return out


def test_every_rendering_is_listed():
    on_disk = sorted(p.name for p in RENDERINGS.iterdir() if p.suffix in {".pdf", ".docx", ".html", ".xlsx"})
    assert on_disk == sorted(name for _, name in CASES)


@pytest.mark.parametrize("corpus_id, name", CASES)
def test_rendering_equals_golden_and_text_seed(corpus_id, name, text_views):
    cat = ingest(RENDERINGS / name)
    view = catalogue_view(cat)
    golden = load_golden(GOLDEN / f"{corpus_id}.json")
    txt = text_views[corpus_id]
    if name in NO_NOTICE:
        view["document"] = golden["document"]
    if name in MERGED_7_2_7_3:
        golden, txt = _merge_7_2_and_7_3(golden), _merge_7_2_and_7_3(txt)
    problems = compare(golden, view, findings=False)
    assert not problems, f"{name} differs from the golden:\n" + "\n".join(problems[:40])
    assert view["rubrics"] == txt["rubrics"]  # the view leaves out source and findings
    if name not in NO_NOTICE:
        assert view["regulations"] == txt["regulations"]
    assert cat.document.format == Path(name).suffix[1:]
    if name in NO_NOTICE:
        assert cat.document.doc_number is None and cat.document.issuer is None
    errors = [f for f in cat.all_findings() if f.severity == "error"]
    assert not errors, errors[:3]
