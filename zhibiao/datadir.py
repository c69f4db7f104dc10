"""The data directory zhibiao keeps its files in (store, signing key, caches), and jieba's dictionary cache there."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["data_dir", "cache_dir", "use_jieba_cache", "JIEBA_CACHE"]

JIEBA_CACHE = "jieba.cache"  # jieba's prefix dictionary, marshalled, in cache_dir()


def data_dir() -> Path:
    """Where the default SQLite file lives: ZHIBIAO_DATA, else $XDG_DATA_HOME/zhibiao, else ~/.local/share/zhibiao."""
    if os.environ.get("ZHIBIAO_DATA"):
        return Path(os.environ["ZHIBIAO_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zhibiao"


def cache_dir() -> Path | None:
    """The data directory's cache/ folder, created; None when it cannot be created or written."""
    folder = data_dir() / "cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe")
        os.close(fd)
        os.unlink(probe)
    except OSError:
        return None
    return folder


def use_jieba_cache(tokenizer) -> None:
    """Point a jieba tokenizer (not yet initialised) at JIEBA_CACHE in cache_dir(), so a process loads the dictionary
    a former one built; without a writable data directory jieba keeps its own (the system's temporary folder). A
    broken cache file is rebuilt by jieba; a failed write of it leaves no cache and says nothing (no traceback)."""
    import logging

    import jieba

    folder = cache_dir()
    if folder is not None and not (folder / JIEBA_CACHE).is_dir():
        tokenizer.tmp_dir = str(folder)
        tokenizer.cache_file = JIEBA_CACHE
    jieba.setLogLevel(logging.CRITICAL)  # jieba logs a failed cache write as an exception, with its traceback
