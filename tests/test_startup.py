"""Start-up (issue 14): a command imports what it does, not every library zhibiao can use.

Behaviour, not timing: each command runs in a fresh interpreter, which then prints the top-level
packages it has imported. The times are measured by bench/bench_startup.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FAMILIES

HEAVY = {"pdfplumber", "pdfminer", "jieba", "spacy", "fastapi", "starlette", "uvicorn", "openpyxl", "docx", "lxml",
         "sqlalchemy", "numpy", "scipy", "rapidfuzz", "jinja2", "dask", "distributed"}
SMALL_NOTICE = FAMILIES / "jt02_jiaotong_zhifa" / "jt02_jiaotong_zhifa.tab.txt"

_RUNNER = """
import json, sys
from zhibiao.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _imported(*args: str) -> tuple[int, set[str]]:
    proc = subprocess.run([sys.executable, "-c", _RUNNER, *args], capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def test_help_imports_no_reader_model_or_app():
    code, modules = _imported("--help")
    assert code == 0
    assert not modules & (HEAVY | {"pydantic", "rich"}), sorted(modules & (HEAVY | {"pydantic", "rich"}))


@pytest.mark.parametrize("command", ["ingest", "check", "diff", "score", "serve", "store"])
def test_command_help_imports_no_reader_or_app(command):
    code, modules = _imported(command, "--help")
    assert code == 0
    assert not modules & HEAVY, sorted(modules & HEAVY)


def test_check_of_a_catalogue_reads_no_notice_library(tmp_path):
    catalogue = tmp_path / "small.json"
    code, modules = _imported("ingest", str(SMALL_NOTICE), "-o", str(catalogue))
    assert code == 0 and catalogue.exists()
    code, modules = _imported("check", str(catalogue))
    assert code == 0
    # a small catalogue is validated by the light check (zhibiao/shape.py), against the model's cached shape
    assert not modules & (HEAVY | {"pydantic", "pydantic_core"}), sorted(modules & (HEAVY | {"pydantic"}))


def test_check_of_a_broken_catalogue_asks_the_model(tmp_path):
    """A catalogue the light check cannot vouch for is read by the model, which names what is wrong."""
    catalogue = tmp_path / "broken.json"
    catalogue.write_text('{"document": {}, "rubrics": []}', encoding="utf-8")
    code, modules = _imported("check", str(catalogue))
    assert code == 4 and "pydantic" in modules


def test_ingest_of_a_text_notice_leaves_the_other_readers_alone(tmp_path):
    code, modules = _imported("ingest", str(SMALL_NOTICE), "-o", str(tmp_path / "c.json"))
    assert code == 0
    assert not modules & {"pdfplumber", "pdfminer", "openpyxl", "docx", "fastapi", "spacy", "sqlalchemy"}
