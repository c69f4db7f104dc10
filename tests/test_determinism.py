"""One notice, one catalogue: the same files ingested in fresh processes under different hash seeds give
byte-identical catalogues (a set of strings or objects iterated, an id()-keyed lookup, would make them differ).

The files: a borderless PDF, a web page printed to PDF by Chromium (the adversary's fz01 webpdf-seq-remarks,
rendered here: pdf25 saw it give two catalogues on alternate runs), a DOCX and an XLSX of the family rubrics.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from conftest import FAMILIES, ROOT

FILES = [FAMILIES / "pf02_pufa_zerenzhi" / "pf02_pufa_zerenzhi.borderless.pdf",
         FAMILIES / "jt01_jiaotong_pingyi" / "jt01_jiaotong_pingyi.docx",
         FAMILIES / "fz01_fazhi_shifan" / "fz01_fazhi_shifan.xlsx"]

# ingest every file named on the command line into the folder given first, as `zhibiao ingest FILE -o OUT` does
_RUNNER = """
import sys
from pathlib import Path
from zhibiao.cli import main
out = Path(sys.argv[1])
for name in sys.argv[2:]:
    code = main(["ingest", name, "-o", str(out / (Path(name).name + ".json"))])
    assert code in (0, 1), (name, code)
"""


def _module(name: str, path):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _webpdf(tmp_path):
    bench = _module("bench_adversary", ROOT / "bench" / "bench_adversary.py")
    adv = bench._adversary()
    src = next(s for s in adv.sources(["fz01_fazhi_shifan"]))
    name, page, _edits = adv._render(src, "webpdf-seq-remarks")
    pdf = tmp_path / name
    pdf.write_bytes(adv.html_to_pdf({name: page})[name])
    return pdf


def _ingest(files, out, seed: str) -> dict[str, bytes]:
    out.mkdir()
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run([sys.executable, "-c", _RUNNER, str(out), *map(str, files)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_the_same_files_give_byte_identical_catalogues_in_fresh_processes(tmp_path):
    """Two processes under different hash seeds must write the same bytes for every file."""
    files = [*FILES, _webpdf(tmp_path)]
    first = _ingest(files, tmp_path / "a", "1")
    second = _ingest(files, tmp_path / "b", "2024")
    assert sorted(first) == sorted(f.name + ".json" for f in files)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"catalogues differ between processes: {differ}"
    assert all(b'"indicators"' in body for body in first.values())


_TIE = """
from zhibiao.model import Source
from zhibiao.normalize.entries import Entry
from zhibiao.normalize.tree import assign_ranks

def entry(style, raw, row, placeholder=False):
    return Entry(style=style, number=None if placeholder else 1, marker=None, raw=raw,
                 source=Source(file="t.txt"), cell=(0, row, 1), column=1, placeholder=placeholder)

entries = [entry("arabic_dot", "甲", 0), entry("arabic_paren", "乙", 1), entry(None, "", 2, placeholder=True)]
assign_ranks(entries, {})
print(entries[2].klass)
"""


def test_an_empty_label_cell_takes_its_columns_class_whatever_the_hash_seed():
    """An empty label cell in a column whose entries tie between two numbering styles took the one a set of
    strings listed first, so its level changed with PYTHONHASHSEED; it is now the one seen first."""
    seen = set()
    for seed in ("0", "1", "2", "3", "4", "5", "6", "7"):
        done = subprocess.run([sys.executable, "-c", _TIE], env=dict(os.environ, PYTHONHASHSEED=seed),
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        seen.add(done.stdout.strip())
    assert seen == {"arabic_dot"}
