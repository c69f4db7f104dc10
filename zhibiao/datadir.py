"""The data directory zhibiao keeps its files in (store, signing key, caches), and jieba's dictionary cache there."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

__all__ = ["data_dir", "cache_dir", "use_jieba_cache", "JIEBA_CACHE"]

JIEBA_CACHE = "jieba.json"  # jieba's prefix dictionary, in cache_dir()


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
    """Initialise a jieba tokenizer of jieba's own dictionary from JIEBA_CACHE in cache_dir() (JSON: the prefix
    dictionary, its total, and the jieba version and dictionary file it was built from), building it and writing
    the cache when it is missing, stale or broken. jieba's own cache (marshal, in the temporary folder) loads
    slower than it builds; JSON loads in about two thirds of the build. Without a writable data directory the
    dictionary is built each time; a cache that cannot be read or written says nothing (no traceback)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.CRITICAL)  # jieba logs a failed write of its own cache as an exception, with traceback
    if tokenizer.initialized:
        return
    folder = cache_dir()
    default = tokenizer.dictionary == jieba.DEFAULT_DICT
    source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME if default else None
    key = None
    if source is not None:
        try:
            key = f"{jieba.__version__} {source.stat().st_size} {source.stat().st_mtime_ns}"
        except OSError:
            key = None
    path = folder / JIEBA_CACHE if folder is not None and key is not None else None
    if path is not None:
        try:
            data = json.loads(path.read_bytes())
            if data["key"] == key and isinstance(data["freq"], dict) and isinstance(data["total"], int):
                tokenizer.FREQ, tokenizer.total, tokenizer.initialized = data["freq"], data["total"], True
                return
        except (OSError, ValueError, KeyError, TypeError):
            pass
    tokenizer.initialize()
    if path is None:
        return
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jieba")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "total": tokenizer.total, "freq": tokenizer.FREQ}, fh, ensure_ascii=False,
                      separators=(",", ":"))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
