"""Shared paths and helpers of the test suite.

Test modules import them (`from conftest import ROOT, CORPUS`): pytest puts tests/ on `sys.path`
(rootdir-relative "prepend" import mode, no `__init__.py`), so `conftest` is the one module
pytest loaded. The golden comparison lives in `golden_compare.py` beside this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zhibiao.cli import main

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# the corpus and its goldens
CORPUS = ROOT / "corpus"
RENDERINGS = CORPUS / "renderings"          # the seeds as DOCX, PDF, HTML, XLSX (corpus/render.py)
FAMILIES = CORPUS / "families"              # family rubrics, each in several renderings
GOLDEN = ROOT / "golden"                    # hand-verified catalogues of the seeds
GOLDEN_FAMILIES = GOLDEN / "families"       # hand-written catalogues of the family rubrics

# the seeds the tests name
SEED_2023 = CORPUS / "000_1c204f1614fc8d36.txt"   # 陕西省行政执法质量考评指标体系（2023年版）
SEED_2019 = CORPUS / "001_5886f06ed561739e.txt"   # 陕西省全面推行“三项制度”工作指标体系
NARRATIVE = CORPUS / "002_c943348d01e8f118.txt"   # a notice without a rubric
PDF_2023 = RENDERINGS / "000_1c204f1614fc8d36.pdf"

# small files made for the tests
DATA = TESTS / "data"
BAD_INPUT = DATA / "bad_input"              # one sample per symptom a reader refuses, every format
RECOVERY = DATA / "recovery"                # tree-recovery cases: <case>.txt with <case>.expect.json
SCORING = DATA / "scoring"                  # assessments for `zhibiao score`
ARTIFACTS = TESTS / "artifacts"             # reports tests write for a person to look at


def run_cli(args, capsys) -> tuple[int, str, str]:
    """Run the CLI in-process: its exit code, stdout and stderr."""
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def indicator(catalogue, ident: str):
    """The indicator with this id, in any rubric of the catalogue."""
    return next(i for r in catalogue.rubrics for i in r.walk() if i.id == ident)


_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client) -> str:
    """The CSRF token the app's home page gives this client's session."""
    m = _CSRF.search(client.get("/").text)
    assert m is not None, "no csrf-token meta on the home page"
    return m[1]


@pytest.fixture
def store(tmp_path):
    """The review app's store: SQLite in the test's folder (a test file may define its own)."""
    from zhibiao.store import Store

    return Store(f"sqlite:///{tmp_path / 'web.db'}")


@pytest.fixture
def client(store):
    """A TestClient of the review app on that store, uploads limited to 2 MiB."""
    from fastapi.testclient import TestClient

    from zhibiao.web import create_app

    with TestClient(create_app(store, max_upload_bytes=2 * 1024 * 1024, secret_key="test-secret")) as c:
        yield c
