"""The bundled corpus: byte-identical seeds, and a manifest that matches the files."""

from __future__ import annotations

import hashlib
import json

import pytest

from zhibiao.pipeline import info

from conftest import CORPUS, ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["notices"]


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["id"])
def test_manifest_matches_file(entry):
    data = (CORPUS / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert entry["kind"] in {"rubric", "narrative", "rubric-with-deductions"}
    doc = info(CORPUS / entry["file"])
    assert doc.doc_number == entry["doc_number"]
    assert doc.issuer == entry["issuer"]
    assert (doc.date.isoformat() if doc.date else None) == entry["date"]


def test_every_corpus_text_is_in_the_manifest():
    assert sorted(p.name for p in CORPUS.glob("*.txt")) == sorted(e["file"] for e in MANIFEST)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_seeds_are_byte_identical():
    for seed in SEEDS.glob("*.txt"):
        assert (CORPUS / seed.name).read_bytes() == seed.read_bytes(), seed.name
