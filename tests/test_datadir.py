"""jieba's dictionary cache in the data directory: a process rebuilt jieba's prefix dictionary (about a second)
wherever the system's temporary folder was not kept; a broken or unwritable cache must not stop a command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from zhibiao.datadir import JIEBA_CACHE, cache_dir, data_dir

ROOT = Path(__file__).resolve().parent.parent
WORDS = "from zhibiao.diff.text import words; print('/'.join(words('建立行政执法公示制度')))"


def _run(code: str, data: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, ZHIBIAO_DATA=str(data))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


def test_the_data_directory_is_chosen_by_zhibiao_data(monkeypatch, tmp_path):
    """ZHIBIAO_DATA names the data directory; its cache/ folder is created on first use."""
    monkeypatch.setenv("ZHIBIAO_DATA", str(tmp_path / "data"))
    assert data_dir() == tmp_path / "data"
    assert cache_dir() == tmp_path / "data" / "cache"
    assert (tmp_path / "data" / "cache").is_dir()


def test_an_unusable_data_directory_gives_no_cache_dir(monkeypatch, tmp_path):
    """A data directory that is a file cannot hold a cache: None, no exception."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("ZHIBIAO_DATA", str(tmp_path / "file"))
    assert cache_dir() is None


def test_the_jieba_cache_is_written_to_the_data_directory(tmp_path):
    """A process that cuts words leaves jieba's dictionary cache in the data directory's cache/ folder; the next
    process loads it (a cache whose dictionary was changed by hand is what the next process uses)."""
    done = _run(WORDS, tmp_path)
    assert done.returncode == 0, done.stderr
    cache = tmp_path / "cache" / JIEBA_CACHE
    assert cache.is_file()
    marked = json.loads(cache.read_bytes())
    word = "行政执法公示制度"
    for end in range(1, len(word)):  # jieba's prefix dictionary holds every prefix of a word
        marked["freq"].setdefault(word[:end], 0)
    marked["freq"][word] = 10**9
    cache.write_text(json.dumps(marked, ensure_ascii=False), encoding="utf-8")
    again = _run(WORDS, tmp_path)
    assert again.stdout.strip() == "建立/行政执法公示制度", again.stdout
    cache.unlink()
    done = _run(WORDS, tmp_path)
    data = json.loads(cache.read_bytes())
    assert data["total"] > 0 and "行政" in data["freq"]


def test_a_broken_cache_is_rebuilt_without_a_traceback(tmp_path):
    """A truncated cache file: jieba builds the dictionary again and writes a good cache, stderr stays clean."""
    (tmp_path / "cache").mkdir()
    cache = tmp_path / "cache" / JIEBA_CACHE
    cache.write_bytes(b"\x00broken")
    done = _run(WORDS, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "执法" in done.stdout
    assert json.loads(cache.read_bytes())["total"] > 0


def test_an_unwritable_cache_falls_back_without_a_traceback(tmp_path):
    """A data directory that cannot be written (here a file) and a cache path that is a folder: words still cut,
    no traceback, exit 0."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    done = _run(WORDS, tmp_path / "file")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    (tmp_path / "data" / "cache" / JIEBA_CACHE).mkdir(parents=True)
    done = _run(WORDS, tmp_path / "data")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "执法" in done.stdout


def test_zhibiao_diff_with_an_unwritable_data_directory(tmp_path):
    """`zhibiao diff a.json b.json` as a process with no usable data directory: a crosswalk, exit 0."""
    from zhibiao.pipeline import ingest

    (tmp_path / "file").write_text("x", encoding="utf-8")
    for name, source in (("a", "001_5886f06ed561739e"), ("b", "003_fbbff5f31bb9ffc0")):
        cat = ingest(ROOT / "corpus" / f"{source}.txt")
        (tmp_path / f"{name}.json").write_text(cat.model_dump_json(), encoding="utf-8")
    env = dict(os.environ, ZHIBIAO_DATA=str(tmp_path / "file"))
    done = subprocess.run([sys.executable, "-m", "zhibiao.cli", "diff", str(tmp_path / "a.json"),
                           str(tmp_path / "b.json"), "-o", str(tmp_path / "cw.json")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert (tmp_path / "cw.json").stat().st_size > 0
